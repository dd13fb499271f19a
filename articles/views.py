"""Reader pages: home, category, tag, search, article detail and its QR code.

Views are thin: the querysets decide what is published, the services count views.
"""

import io

import segno
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView, TemplateView

from . import services
from .forms import SEARCH_MAX_LENGTH, SearchForm
from .models import Article, Category, Tag
from .storage import private_storage


class HomeView(TemplateView):
    """Latest published articles and the most viewed ones."""

    template_name = "articles/home.html"
    latest_count = 12
    most_viewed_count = 8

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["latest"] = list(Article.objects.for_listing()[: self.latest_count])
        context["most_viewed"] = list(Article.objects.most_viewed()[: self.most_viewed_count])
        return context


class ArticleListView(ListView):
    """All published articles, newest first, paginated; the base of the other lists.

    A bad ``?page=`` (not a number, out of range) is answered 404 by ``ListView``.
    """

    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = settings.ARTICLES_PER_PAGE
    allow_empty = True

    def get_queryset(self):
        return Article.objects.for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("page_heading", _("All articles"))
        context.setdefault("breadcrumbs", [(_("All articles"), None)])
        return context


class CategoryView(ArticleListView):
    """Published articles of a category and of all its descendants."""

    def get_queryset(self):
        tree = Category.objects.select_related("parent").subtree(self.kwargs["slug"])
        if not tree:
            raise Http404(_("No such category."))
        self.category = tree[0]
        self.subcategories = [c for c in tree if c.parent_id == self.category.pk]
        return super().get_queryset().filter(category__in=tree)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            category=self.category,
            subcategories=self.subcategories,
            page_heading=self.category.name,
            breadcrumbs=[(c.name, c.get_absolute_url()) for c in self.category.ancestors()]
            + [(self.category.name, None)],
        )
        return context


class TagView(ArticleListView):
    """Published articles with one tag."""

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        heading = _("Tag: %(tag)s") % {"tag": self.tag.name}
        context.update(tag=self.tag, page_heading=heading, breadcrumbs=[(heading, None)])
        return context


class SearchView(ArticleListView):
    """Published articles whose title, lead, byline, source or body contain every word of
    ``?q=``. An empty or invalid query (too long, NUL characters) lists nothing and the form
    shows why."""

    template_name = "articles/search.html"

    def get_queryset(self):
        self.form = SearchForm(self.request.GET)
        words = self.form.words()
        if not words:
            return Article.objects.none()
        return super().get_queryset().search(words)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            form=self.form,
            query=" ".join(self.form.words()),
            typed_query=self.request.GET.get("q", "")[:SEARCH_MAX_LENGTH],
            page_heading=_("Search"),
            breadcrumbs=[(_("Search"), None)],
        )
        return context


class ArticleDetailView(DetailView):
    """One published article; counts the view of a human reader."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().select_related("category__parent__parent")

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            removed = Article.objects.taken_down().filter(pk=kwargs["pk"]).first()
            if removed is None:
                raise
            return tombstone(request, removed)
        if kwargs.get("slug") != self.object.slug:
            return redirect(self.object, permanent=True)
        if services.is_reader_request(request):
            services.record_view(self.object)
        context = self.get_context_data(object=self.object)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        crumbs = []
        if article.category:
            crumbs = [
                (c.name, c.get_absolute_url())
                for c in article.category.ancestors(include_self=True)
            ]
        context.update(
            canonical_url=absolute_url(self.request, article.get_absolute_url()),
            breadcrumbs=[*crumbs, (_("Article"), None)],
            images=list(article.images.all()),
            article_tags=list(article.tags.all()),
            disclaimer=article.display_disclaimer(),
        )
        return context


def tombstone(request, article: Article) -> HttpResponse:
    """The page of a taken-down ``article``: HTTP 451 Unavailable For Legal Reasons with a
    ``Link: <operator>; rel="blocked-by"`` header naming the site operator (RFC 7725 §3), in
    the site's layout, saying what was removed, why and when."""
    operator_url = settings.BLOCKED_BY_URL or absolute_url(request, reverse("articles:home"))
    response = render(
        request,
        "articles/article_removed.html",
        {
            "article": article,
            "operator_url": operator_url,
            "contact_email": settings.SITE_CONTACT_EMAIL,
            "breadcrumbs": [(_("Article"), None)],
        },
        status=451,
    )
    response["Link"] = f'<{operator_url}>; rel="blocked-by"'
    return response


def absolute_url(request, path: str) -> str:
    """``path`` on the site's public address: ``settings.SITE_URL`` when configured (so a
    forged Host port cannot leak into QR codes), else the address of ``request``."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/") + path
    return request.build_absolute_uri(path)


@require_safe
def article_redirect(request, pk):
    """``/articles/<pk>/`` redirects to the article's canonical URL (published ones, and
    taken-down ones, whose canonical URL answers 451)."""
    article = get_object_or_404(Article.objects.released() | Article.objects.taken_down(), pk=pk)
    return redirect(article, permanent=True)


@require_safe
@cache_control(public=True, max_age=86400)
def article_qr(request, pk):
    """SVG QR code (segno) of a published article's short URL, for phones.

    The short form ``/articles/<pk>/`` redirects to the canonical URL; it keeps the code
    small and scannable whatever the length of the (percent-encoded CJK) slug.
    """
    article = get_object_or_404(Article.objects.published(), pk=pk)
    url = absolute_url(request, reverse("articles:detail-short", args=[article.pk]))
    return HttpResponse(qr_svg(url), content_type="image/svg+xml")


def qr_svg(url: str) -> bytes:
    """A standalone SVG document (UTF-8 bytes, with xmlns) of the QR code of ``url``.

    Error correction level M (ISO/IEC 18004: about 15 % of the symbol may be damaged), 4
    px per module, a 2-module quiet zone.
    """
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False)
    return buffer.getvalue()


@require_safe
@staff_member_required
def private_media(request, path):
    """Serve a file of the private storage (originals of gallery images) to staff only.

    Raises Http404 for a missing file; a path that leaves the folder is refused by the
    storage (``SuspiciousFileOperation``, answered 400).
    """
    if "\x00" in path:
        raise Http404(_("No such file."))
    try:
        handle = private_storage.open(path, "rb")
    except (FileNotFoundError, IsADirectoryError):
        raise Http404(_("No such file.")) from None
    response = FileResponse(handle)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response
