"""Moderators' admin: the queues of takedown notices, illegal-content reports, counter-notices
and requests for review, each ordered by what is due first, and the read-only audit trail.

Every field of a case is read-only here, for moderators and superusers alike: a case changes
only through :mod:`moderation.services`. The page of a case shows its data, its evidence
files, its audit events (oldest first, with the statements of reasons) and a decision form;
the form posts to ``<id>/decide/`` (:meth:`CaseAdmin.decide_view`), which calls exactly one
service, chosen in :data:`DECISIONS`. The right to decide is the model's ``change``
permission (the 审核员 group has it); the ordinary change form never saves, because a
save of a loaded case could write back a state that a service changed meanwhile.
"""

from collections.abc import Callable
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.auth import get_permission_codename
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.admin import NewsroomModelAdmin

from . import services, workflow
from .models import CounterNotice, Event, Notice, Report, ReviewRequest
from .services import NotAllowed, Reasons, ReasonsRequired
from .templatetags.moderation_admin import due_today_bounds, time_left_parts
from .workflow import TransitionNotAllowed


def _start_review(case, actor, reasons):
    # Taking a case into review needs no statement of reasons.
    return services.start_review(case, actor)


#: kind -> transition name -> the service that carries it out, called as
#: ``service(case, actor, reasons)``. Transitions of :data:`moderation.workflow.WORKFLOWS`
#: missing here happen elsewhere: a notice or report is restored or reversed through a
#: counter-notice or a request for review, never directly.
DECISIONS: dict[str, dict[str, Callable]] = {
    "notice": {
        "start_review": _start_review,
        "accept": services.accept_notice,
        "reject": services.reject_notice,
    },
    "report": {
        "start_review": _start_review,
        "take_action": partial(services.decide_report, take_action=True),
        "no_action": partial(services.decide_report, take_action=False),
    },
    "counter_notice": {
        "start_review": _start_review,
        "accept": services.accept_counter_notice,
        "reject": services.reject_counter_notice,
        "keep_down": services.keep_down,
        "restore": services.restore_after_counter_notice,
    },
    "review": {
        "uphold": partial(services.decide_review, reverse=False),
        "reverse": partial(services.decide_review, reverse=True),
    },
}


class CaseChanged(Exception):
    """The case left the state the moderator saw when the decision form was shown."""


class DecisionForm(forms.Form):
    """A moderator's decision on ``case``: one of the transitions of :data:`DECISIONS` that
    the workflow allows from the case's state, with the statement of reasons (DSA
    Art. 17(3)(b), (d)). Whether the transition is allowed and whether the reasons are
    complete is checked by the service, under a lock; the form only checks that the action
    is one the admin can take at all."""

    action = forms.CharField(label=_("decision"), widget=forms.Select)
    facts = forms.CharField(
        label=_("facts and circumstances relied on"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
    )
    legal_ground = forms.CharField(
        label=_("legal ground or site rule"),
        required=False,
        max_length=1000,
        widget=forms.TextInput(
            attrs={"list": "moderation-legal-grounds", "size": 80, "autocomplete": "off"}
        ),
    )
    #: The status shown to the moderator; a POST made from an older page is refused.
    seen_status = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_case(case)

    def set_case(self, case):
        """Offer the decisions available on ``case`` in its current state."""
        self.case = case
        actions = DECISIONS[case.kind]
        self.choices = [
            (move.name, capfirst(move.label))
            for move in workflow.allowed(case.kind, case.status)
            if move.name in actions
        ]
        self.fields["action"].widget.choices = self.choices
        self.action_names = [name for name, _label in self.choices]

    def clean_action(self):
        action = self.cleaned_data["action"]
        if action not in DECISIONS[self.case.kind]:
            raise forms.ValidationError(
                gettext("“%(name)s” is not a decision that can be taken here."),
                params={"name": action},
            )
        return action


class DeadlineFilter(admin.SimpleListFilter):
    """Open cases, those already overdue, and those due by the end of today."""

    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [
            ("open", _("open")),
            ("overdue", _("overdue")),
            ("due_today", _("due today")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "open":
            return queryset.open()
        if self.value() == "overdue":
            return queryset.overdue(now)
        if self.value() == "due_today":
            start, end = due_today_bounds(now)
            return queryset.open().filter(due_at__gte=start, due_at__lte=end)
        return queryset


class CaseAdmin(NewsroomModelAdmin):
    """Common admin of the four kinds of case: read-only pages, the due-first queue and the
    decision view. Subclasses set ``fieldsets``, ``list_display`` and ``search_fields``."""

    change_form_template = "admin/moderation/case_change_form.html"
    change_list_template = "admin/moderation/case_change_list.html"
    decide_template = "admin/moderation/case_decide.html"
    ordering = ["due_at", "pk"]
    list_filter = ["status", DeadlineFilter]
    list_per_page = 50
    actions = None

    # --- Permissions: read-only for everybody; deciding needs the change permission. ------

    def has_add_permission(self, request):
        return False  # cases come from the public forms

    def has_change_permission(self, request, obj=None):
        return False  # see has_decide_permission

    def has_delete_permission(self, request, obj=None):
        return False  # the records are the legal record

    def has_decide_permission(self, request, obj=None) -> bool:
        """Whether the user may decide cases of this kind: the model's ``change``
        permission (held by the 审核员 group)."""
        codename = get_permission_codename("change", self.opts)
        return request.user.has_perm(f"{self.opts.app_label}.{codename}")

    def get_readonly_fields(self, request, obj=None):
        return flatten_fieldsets(self.get_fieldsets(request, obj))

    # --- List columns and read-only fields ------------------------------------------------

    @admin.display(description=_("time left"), ordering="due_at")
    def time_left(self, obj):
        """For an open case, the time left or how long it is overdue ("剩余 1 天 3 小时",
        "已逾期 5 小时", the latter strong and red); a dash once decided."""
        if not obj.is_open:
            return self.get_empty_value_display()
        return render_to_string(
            "admin/moderation/includes/time_left.html", {"left": time_left_parts(obj.due_at)}
        )

    @staticmethod
    def article_html(article):
        """A link to ``article``'s admin page, marked when it is taken down."""
        url = reverse("admin:articles_article_change", args=[article.pk])
        if article.is_removed:
            return format_html(
                '<a href="{}">{}</a> <strong>({})</strong>', url, article, _("taken down")
            )
        return format_html('<a href="{}">{}</a>', url, article)

    # --- Views ----------------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="{}_{}_decide".format(*info),
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(self.case_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def case_context(self, request, case, form=None) -> dict:
        """What the case templates show besides the fields: the events oldest first, the
        evidence, and the decision form (``None`` when the user may not decide)."""
        can_decide = self.has_decide_permission(request, case)
        own_decision = isinstance(case, ReviewRequest) and case.decision.actor_id == request.user.pk
        if own_decision and form is None:
            # DSA Art. 20(6): another moderator answers; say so instead of offering a form
            # that would be refused.
            can_decide = False
        if can_decide and form is None:
            form = DecisionForm(case=case, initial={"seen_status": case.status})
        return {
            "case": case,
            "own_decision": own_decision,
            "events": list(case.events()),
            "evidence": list(case.evidence.all()) if hasattr(case, "evidence") else None,
            "decision_form": form if can_decide else None,
            "decide_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_decide",
                args=[case.pk],
                current_app=self.admin_site.name,
            ),
        }

    def decide_view(self, request, object_id):
        """Decide the case ``object_id``: GET shows the decision form, POST calls one
        service (:data:`DECISIONS`) and redirects to the case with a message.

        A refused decision (an illegal or stale transition, missing reasons, a moderator
        reviewing their own decision) shows the form again with the reason and what the
        moderator typed. Answers 404 for an unknown case and 403 without the permission to
        decide.
        """
        case = self.get_object(request, unquote(object_id))
        if case is None:
            raise Http404(gettext("No such case."))
        if not self.has_decide_permission(request, case):
            raise PermissionDenied
        if request.method == "POST":
            form = DecisionForm(request.POST, case=case)
            if form.is_valid():
                try:
                    decided = self.decide(request, case, form.cleaned_data)
                except (TransitionNotAllowed, ReasonsRequired, NotAllowed, CaseChanged) as exc:
                    form.add_error(None, str(exc))
                    # Show the state as it is now, with the moderator's input kept.
                    case = self.get_object(request, unquote(object_id))
                    form.set_case(case)
                else:
                    self.message_user(
                        request,
                        gettext("%(case)s: %(decision)s — done; the case is now “%(status)s”.")
                        % {
                            "case": decided,
                            "decision": capfirst(
                                workflow.WORKFLOWS[case.kind][form.cleaned_data["action"]].label
                            ),
                            "status": decided.get_status_display(),
                        },
                        messages.SUCCESS,
                    )
                    return redirect(
                        f"admin:{self.opts.app_label}_{self.opts.model_name}_change", case.pk
                    )
        else:
            form = DecisionForm(case=case, initial={"seen_status": case.status})
        context = {
            **self.admin_site.each_context(request),
            **self.case_context(request, case, form),
            "opts": self.opts,
            "title": gettext("Decide %(case)s") % {"case": case},
            "subtitle": None,
            "original": case,
            "has_view_permission": self.has_view_permission(request, case),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.decide_template, context)

    def decide(self, request, case, data):
        """Carry out the decision ``data`` (the form's cleaned data) on ``case`` by calling
        its service; returns the case as the service left it.

        Raises:
            CaseChanged: the case is no longer in the state the moderator saw.
            TransitionNotAllowed, ReasonsRequired, NotAllowed: from the service.
        """
        seen = data.get("seen_status")
        if seen and seen != case.status:
            raise CaseChanged(
                gettext(
                    "This case was changed while you were deciding: it is now “%(status)s”. "
                    "Read its history below, then decide again."
                )
                % {"status": case.get_status_display()}
            )
        service = DECISIONS[case.kind][data["action"]]
        reasons = Reasons(facts=data["facts"], legal_ground=data["legal_ground"])
        return service(case, request.user, reasons)


CASE_STATUS_FIELDS = ["status", "time_left", "received_at", "due_at", "decided_at", "decided_by"]


@admin.register(Notice)
class NoticeAdmin(CaseAdmin):
    """Takedown notices (删稿通知)."""

    list_display = [
        "tracking_number", "status", "sender", "received_at", "due_at", "time_left",
        "decided_at", "flags",
    ]  # fmt: skip
    search_fields = [
        "tracking_number", "claimant_name", "organisation", "principal", "email", "signature",
    ]  # fmt: skip
    list_select_related = ["repeat_of", "duplicate_of"]
    fieldsets = [
        (None, {"fields": ["tracking_number", *CASE_STATUS_FIELDS]}),
        (_("articles"), {"fields": ["article_links", "poster_notified_at", "poster_reached"]}),
        (
            _("sender"),
            {
                "fields": [
                    "claimant_name",
                    "organisation",
                    "capacity",
                    "principal",
                    "postal_address",
                    "email",
                    "phone",
                    "signature",
                    "submitter",
                    "submitter_ip",
                ]
            },
        ),
        (
            _("claim"),
            {"fields": ["right", "work", "work_url", "explanation", "good_faith", "accuracy"]},
        ),
        (_("related notices"), {"fields": ["duplicate_of", "duplicate_list", "repeat_of"]}),
    ]

    @admin.display(description=_("sender"), ordering="claimant_name")
    def sender(self, obj):
        return obj.sender_label

    @admin.display(description=_("flags"))
    def flags(self, obj):
        """A warning for a notice that repeats a restored one (重复通知), and the earlier
        notice of a duplicate."""
        return render_to_string("admin/moderation/includes/notice_flags.html", {"notice": obj})

    @admin.display(description=_("articles"))
    def article_links(self, obj):
        return format_html_join(
            ", ", "{}", ((self.article_html(article),) for article in obj.articles.all())
        )

    @admin.display(description=_("duplicates of this notice"))
    def duplicate_list(self, obj):
        duplicates = list(obj.duplicates.all())
        if not duplicates:
            return self.get_empty_value_display()
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:moderation_notice_change", args=[n.pk]), n) for n in duplicates),
        )


@admin.register(Report)
class ReportAdmin(CaseAdmin):
    """Illegal-content reports (违法和不良信息举报)."""

    list_display = [
        "tracking_number", "status", "category", "article", "received_at", "due_at",
        "time_left", "decided_at",
    ]  # fmt: skip
    list_filter = ["status", DeadlineFilter, "category"]
    search_fields = ["tracking_number", "contact_name", "contact_email", "article__title"]
    list_select_related = ["article"]
    fieldsets = [
        (None, {"fields": ["tracking_number", *CASE_STATUS_FIELDS]}),
        (
            _("report"),
            {"fields": ["article_link", "category", "explanation", "poster_notified_at"]},
        ),
        (_("reporter"), {"fields": ["contact_name", "contact_email", "submitter", "submitter_ip"]}),
    ]

    @admin.display(description=_("article"))
    def article_link(self, obj):
        return self.article_html(obj.article)


@admin.register(CounterNotice)
class CounterNoticeAdmin(CaseAdmin):
    """Counter-notices (反通知) asking for an article taken down after a notice back."""

    list_display = [
        "tracking_number", "status", "name", "notice", "received_at", "due_at", "time_left",
        "decided_at", "restore_due_at",
    ]  # fmt: skip
    search_fields = ["tracking_number", "name", "email", "notice__tracking_number"]
    list_select_related = ["notice"]
    fieldsets = [
        (None, {"fields": ["tracking_number", *CASE_STATUS_FIELDS, "restore_due_at"]}),
        (
            _("counter-notice"),
            {"fields": ["notice", "article_link", "explanation", "good_faith", "signature"]},
        ),
        (
            _("poster"),
            {"fields": ["name", "email", "phone", "postal_address", "submitter_ip"]},
        ),
        (
            _("complaint or lawsuit"),
            {"fields": ["legal_action_reported_at", "legal_action_note"]},
        ),
    ]

    @admin.display(description=_("article"))
    def article_link(self, obj):
        return self.article_html(obj.article)


@admin.register(ReviewRequest)
class ReviewRequestAdmin(CaseAdmin):
    """Requests for review of a decision (DSA Art. 20), answered by another moderator."""

    list_display = [
        "__str__", "status", "role", "received_at", "due_at", "time_left", "decided_at",
    ]  # fmt: skip
    search_fields = [
        "notice__tracking_number", "report__tracking_number", "notice__claimant_name",
        "notice__email", "report__contact_name", "report__contact_email",
    ]  # fmt: skip
    list_select_related = ["notice", "report"]
    fieldsets = [
        (None, {"fields": ["case_link", *CASE_STATUS_FIELDS]}),
        (_("request"), {"fields": ["role", "explanation", "submitter_ip"]}),
        (_("decision contested"), {"fields": ["contested_decision"]}),
    ]

    @admin.display(description=_("case"))
    def case_link(self, obj):
        case = obj.case
        url = reverse(f"admin:moderation_{case._meta.model_name}_change", args=[case.pk])
        return format_html('<a href="{}">{}</a>', url, case)

    @admin.display(description=_("decision contested"))
    def contested_decision(self, obj):
        return render_to_string(
            "admin/moderation/includes/event_reasons.html",
            {"event": obj.decision, "case": obj.case},
        )


class CaseKindFilter(admin.RelatedOnlyFieldListFilter):
    """Filter audit events by the kind of case (notice, report, …), with its own title."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("kind of case")


@admin.register(Event)
class EventAdmin(NewsroomModelAdmin):
    """The audit trail: readable by moderators, never added, changed or deleted through the
    admin, not even by a superuser (the events are written by
    :func:`moderation.services.record_event` only)."""

    list_display = [
        "created_at", "case_link", "action_display", "states", "actor_name", "automated",
    ]  # fmt: skip

    class Media:
        css = {"all": ["css/admin-dashboard.css"]}

    list_filter = ["automated", ("content_type", CaseKindFilter)]
    search_fields = ["object_repr", "actor_name", "facts", "legal_ground"]
    date_hierarchy = "created_at"
    actions = None
    fields = [
        "created_at", "actor_name", "case_link", "action_display", "states", "decision",
        "facts", "legal_ground", "automated", "redress", "details",
    ]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("action"), ordering="action")
    def action_display(self, obj):
        return obj.decision or workflow.action_label(self._kind(obj), obj.action)

    @admin.display(description=_("states"))
    def states(self, obj):
        labels = workflow.STATE_LABELS.get(self._kind(obj), {})
        return "{} → {}".format(
            labels.get(obj.from_state, obj.from_state) or "—",
            labels.get(obj.to_state, obj.to_state),
        )

    @staticmethod
    def _kind(obj) -> str:
        model = ContentType.objects.get_for_id(obj.content_type_id).model_class()
        return getattr(model, "kind", "")

    @admin.display(description=_("case"), ordering="object_repr")
    def case_link(self, obj):
        """The case's admin page, or its text snapshot when it has none."""
        content_type = ContentType.objects.get_for_id(obj.content_type_id)
        try:
            url = reverse(
                f"admin:{content_type.app_label}_{content_type.model}_change",
                args=[obj.object_id],
            )
        except NoReverseMatch:
            return obj.object_repr
        return format_html('<a href="{}">{}</a>', url, obj.object_repr)
