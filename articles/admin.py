"""Editors' admin for articles, categories, tags and the site disclaimer."""

import taggit.models
from django.contrib import admin, messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db import DataError, IntegrityError, models
from django.db.models import F
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import admin_import, services
from .client_ip import client_ip
from .forms import (
    ArticleAdminForm,
    ArticleImageAdminForm,
    CategoryAdminForm,
    SiteDisclaimerAdminForm,
    TagAdminForm,
)
from .models import Article, ArticleImage, Category, SiteDisclaimer, Tag
from .permissions import Action, can

# Articles use articles.Tag; taggit's own Tag model stays empty, so hide its admin.
admin.site.unregister(taggit.models.Tag)


class NewsroomModelAdmin(admin.ModelAdmin):
    """A ModelAdmin that answers bad input with a form error or a 400, never a 500."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """On a save that lost a race to another editor (a uniqueness or tree check that
        passed validation but failed on save), validate the same POST once more: the form
        then shows the conflict as an error and keeps everything the editor typed."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (IntegrityError, ValidationError):
            if request.method != "POST":
                raise
            return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        """A filter value the database cannot take (NUL, a year out of range) is a 400."""
        if any("\x00" in value for value in request.GET.values()):
            raise BadRequest("NUL character in a filter value.")
        try:
            response = super().changelist_view(request, extra_context)
            if hasattr(response, "render"):
                response.render()  # run the list's queries here, inside the guard
        except (OverflowError, ValueError, DataError) as exc:
            raise BadRequest("Filter value out of range.") from exc
        return response

    def get_search_results(self, request, queryset, search_term):
        """Also used by autocomplete; a NUL in the term is a 400 (PostgreSQL refuses it)."""
        if "\x00" in search_term:
            raise BadRequest("NUL character in a search term.")
        return super().get_search_results(request, queryset, search_term)

    def get_changeform_initial_data(self, request):
        """Prefill from the query string only text fields (``?title=...``); a date, number
        or foreign key typed into a URL could not be shown and would be a 500."""
        text_fields = {
            field.name
            for field in self.model._meta.get_fields()
            if isinstance(field, (models.CharField, models.TextField))
        }
        initial = super().get_changeform_initial_data(request)
        return {
            name: value
            for name, value in initial.items()
            if name in text_fields and "\x00" not in str(value)
        }


@admin.register(Category)
class CategoryAdmin(NewsroomModelAdmin):
    form = CategoryAdminForm
    list_display = ["name", "parent", "position", "slug"]
    list_editable = ["position"]
    list_filter = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = [F("parent__position").asc(nulls_first=True), "position", "name"]


@admin.register(Tag)
class TagAdmin(NewsroomModelAdmin):
    """Tags: the slug is made from the name when a tag is created."""

    form = TagAdminForm
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    ordering = ["name"]


class ArticleImageInline(admin.StackedInline):
    model = ArticleImage
    form = ArticleImageAdminForm
    extra = 1
    fields = ["preview", "image", "caption", "alt_text", "position"]
    readonly_fields = ["preview"]

    @admin.display(description=_("preview"))
    def preview(self, obj):
        """A small copy of the rendition readers see."""
        if not obj.rendition:
            return "—"
        return format_html('<img src="{}" alt="" height="60">', obj.rendition.url)


@admin.register(Article)
class ArticleAdmin(NewsroomModelAdmin):
    """Article admin: the poster and poster IP come from the request that creates it.

    Who may do what is :mod:`articles.permissions`: a user who may not publish (an editor,
    编辑) sees status and publish time read-only, so a save neither publishes, schedules,
    withdraws nor unpublishes, and is not offered the publish and withdraw actions (which
    refuse them when posted anyway).
    """

    #: The list actions that change what readers see, and the right each needs.
    PUBLISHING_ACTIONS = {"publish_selected": Action.PUBLISH, "withdraw_selected": Action.WITHDRAW}
    #: The fields that decide whether and when readers see an article.
    PUBLICATION_FIELDS = ["status", "published_at"]

    form = ArticleAdminForm
    list_display = ["title", "category", "publication", "published_at", "view_count"]
    list_filter = ["status", "removal_reason", "category", "published_at", "source_name"]
    list_select_related = ["category"]
    search_fields = [
        "title", "byline", "source_name", "source_issue", "source_editor", "poster_ip",
    ]  # fmt: skip
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["category"]
    readonly_fields = [
        "poster", "poster_ip", "view_count", "created_at", "updated_at", "removed_at",
        "removal_reason",
    ]  # fmt: skip
    inlines = [ArticleImageInline]
    actions = ["publish_selected", "withdraw_selected"]
    fieldsets = [
        (
            None,
            {"fields": ["title", "subtitle", "slug", "category", "status", "published_at", "tags"]},
        ),
        (_("Text"), {"fields": ["lead", "byline", "body"]}),
        (
            _("Source attribution"),
            {
                "fields": [
                    "source_name",
                    "source_issue",
                    "source_editor",
                    "source_url",
                    "original_published_at",
                ]
            },
        ),
        (
            _("Poster"),
            {"fields": ["poster_nickname", "poster", "poster_ip", "disclaimer"]},
        ),
        (_("Statistics"), {"fields": ["view_count", "created_at", "updated_at"]}),
        (
            _("Takedown"),
            {
                "fields": ["removed_at", "removal_reason"],
                "description": _("Set and cleared only by the moderators' decisions."),
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category")

    def get_readonly_fields(self, request, obj=None):
        """Status and publish time are read-only for a user who may not publish."""
        readonly = list(super().get_readonly_fields(request, obj))
        if not can(request.user, Action.PUBLISH, obj):
            readonly += self.PUBLICATION_FIELDS
        return readonly

    def has_publish_permission(self, request):
        """Whether the user may run the publish action (``permissions=["publish"]``)."""
        return can(request.user, Action.PUBLISH)

    def has_withdraw_permission(self, request):
        """Whether the user may run the withdraw action (``permissions=["withdraw"]``)."""
        return can(request.user, Action.WITHDRAW)

    def changelist_view(self, request, extra_context=None):
        """Refuse a posted publishing action the user may not run, with a message saying
        who may, and change nothing. (Django alone would ignore it without a word when the
        user has no action at all, or answer "no action selected".)"""
        required = self.PUBLISHING_ACTIONS.get(request.POST.get("action"))
        if request.method == "POST" and required is not None and not can(request.user, required):
            if not self.has_view_or_change_permission(request):
                raise PermissionDenied
            self.message_user(
                request,
                _("Only a publisher (主编) may publish, schedule or withdraw articles."),
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        """The article URLs, with the 导入文章 page at ``import/``."""
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="articles_article_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Import an article from a page: see :func:`articles.admin_import.import_view`."""
        return admin_import.import_view(self, request)

    @admin.display(description=_("status"), ordering="status")
    def publication(self, obj):
        """The status, with "taken down" for an article removed after a notice or report
        and "scheduled" for a published article whose time is to come."""
        if obj.is_removed:
            return _("taken down")
        if obj.status == Article.Status.PUBLISHED and not obj.is_published:
            return _("scheduled")
        return obj.get_status_display()

    def has_delete_permission(self, request, obj=None):
        """A taken-down article is part of a legal record: nobody deletes it."""
        if obj is not None and obj.is_removed:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        """On creation, record the requesting user and address as poster."""
        if not change:
            obj.poster = request.user
            obj.poster_ip = client_ip(request)
            if not obj.poster_nickname:
                obj.poster_nickname = request.user.get_username()
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish selected articles"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        count = self._apply(services.publish, queryset)
        message = ngettext("%d article published.", "%d articles published.", count)
        self.message_user(request, message % count, messages.SUCCESS)

    @admin.action(description=_("Withdraw selected articles"), permissions=["withdraw"])
    def withdraw_selected(self, request, queryset):
        count = self._apply(services.withdraw, queryset)
        message = ngettext("%d article withdrawn.", "%d articles withdrawn.", count)
        self.message_user(request, message % count, messages.SUCCESS)

    @staticmethod
    def _apply(service, queryset):
        """Run ``service`` on each article (never a bulk update that skips it); the count."""
        articles = list(queryset)
        for article in articles:
            service(article)
        return len(articles)


@admin.register(SiteDisclaimer)
class SiteDisclaimerAdmin(NewsroomModelAdmin):
    """A single row: it can be edited but neither added twice nor deleted."""

    form = SiteDisclaimerAdminForm
    list_display = ["__str__", "updated_at"]

    def changelist_view(self, request, extra_context=None):
        """Open the single row's form directly instead of a one-line list."""
        row = SiteDisclaimer.objects.order_by("pk").first()
        if row is None:
            return super().changelist_view(request, extra_context)
        return redirect("admin:articles_sitedisclaimer_change", row.pk)

    def has_add_permission(self, request):
        return not SiteDisclaimer.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False
