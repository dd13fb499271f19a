"""Public notice-and-action pages: the forms linked from every article, the private status
pages, and the moderators' evidence download.

Each POST validates a form, checks the per-IP rate limit, calls one service (which saves the
submission before anything else can fail) and redirects to the private status page, whose
first view is the receipt.
"""

import logging
import re
from urllib.parse import unquote

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.generic import FormView, TemplateView
from django_ratelimit.core import is_ratelimited

from articles.client_ip import client_ip
from articles.models import Article

from . import services
from .forms import (
    CounterNoticeForm,
    LegalActionForm,
    NoticeForm,
    ReportForm,
    ReviewRequestForm,
)
from .models import TRACKED_CASES, CounterNotice, Evidence, Notice
from .workflow import NoticeStatus

logger = logging.getLogger(__name__)

#: Tracking number prefixes and their models.
CASE_MODELS = {model.prefix: model for model in TRACKED_CASES}
TRACKING_NUMBER = re.compile(r"^(TD|RPT|CN)-\d{4}-\d{6,}$", re.IGNORECASE)
TOKEN = re.compile(r"^[0-9a-f]{64}$")

#: The rate limit's groups: one budget per client IP shared by the public forms, and another
#: for the forms behind private status links (counter-notice, review, lawsuit), so that a
#: poster's counter-notice is not refused because of reports sent from the same network.
PUBLIC_FORMS = "moderation-forms"
STATUS_LINK_FORMS = "moderation-status-forms"


def _rate_key(group, request) -> str:
    return client_ip(request) or "unknown"


def over_rate_limit(request, group: str = PUBLIC_FORMS) -> bool:
    """Count one submission from the client's IP in ``group`` and say whether it exceeds
    ``settings.MODERATION_RATE_LIMIT`` (e.g. ``"5/h"``), counted in Django's cache, which all
    workers share (Redis in production; the database cache by default, where the count is
    made inside the submission's transaction and so serialized by SQLite's write lock)."""
    try:
        return is_ratelimited(
            request,
            group=group,
            key=_rate_key,
            rate=settings.MODERATION_RATE_LIMIT,
            method="POST",
            increment=True,
        )
    except Exception:
        # The cache is down (Redis unreachable): take the submission rather than refuse
        # everyone or fail; nothing reported may be lost.
        logger.exception("Rate limit not checked: the cache is unavailable")
        return False


def rate_limited_message(files: bool = False) -> str:
    """The friendly refusal, saying how long the window of the rate limit is."""
    count, period = settings.MODERATION_RATE_LIMIT.split("/")
    number, unit = period[:-1] or "1", period[-1]
    units = {"s": _("seconds"), "m": _("minutes"), "h": _("hours"), "d": _("days")}
    message = _(
        "You have sent %(count)s submissions from this network within %(number)s %(unit)s. "
        "Please send this one again later; what you typed is still in the form."
    ) % {"count": count, "number": number, "unit": units[unit]}
    if files:
        message += " " + _("Please choose the attached files again.")
    return message


def article_from_query(request) -> Article | None:
    """The published article named by ``?article=<id>`` (the link under each article), or
    ``None`` when the parameter is missing or unusable."""
    value = request.GET.get("article", "")
    if not value.isascii() or not value.isdigit() or len(value) > 12:
        return None
    return Article.objects.released().filter(pk=int(value)).first()


def readable_url(request, article) -> str:
    """The article's absolute URL as people read it (CJK slug not percent-encoded)."""
    return unquote(request.build_absolute_uri(article.get_absolute_url()))


class SubmissionView(FormView):
    """A public form that stores one submission through a service."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    #: The rate limit's group of this form.
    rate_group = PUBLIC_FORMS

    def form_valid(self, form):
        with transaction.atomic():
            if over_rate_limit(self.request, self.rate_group):
                form.add_error(None, rate_limited_message(files="evidence" in form.fields))
                return self.render_to_response(self.get_context_data(form=form), status=429)
            submission = self.submit(form)
        # The status page's first view is the receipt (tracking number, private link, and
        # what happened to a duplicate or a report on an article already down).
        return redirect(submission.case.status_url("sender") + "?receipt=1")


class NoticeCreateView(SubmissionView):
    """The takedown notice form (删稿), prefilled with ``?article=<id>``."""

    form_class = NoticeForm
    template_name = "moderation/notice_form.html"

    def get_initial(self):
        article = article_from_query(self.request)
        if article is None:
            return {}
        return {"article_urls": readable_url(self.request, article)}

    def submit(self, form):
        return services.submit_notice(
            articles=form.cleaned_data["article_urls"],
            data=form.notice_data(),
            evidence=form.cleaned_data["evidence"],
            ip=client_ip(self.request),
            user=self.request.user,
        )


class ReportCreateView(SubmissionView):
    """The illegal-content report form (非法信息举报), prefilled with ``?article=<id>``."""

    form_class = ReportForm
    template_name = "moderation/report_form.html"

    def get_initial(self):
        article = article_from_query(self.request)
        if article is None:
            return {}
        return {"article_url": readable_url(self.request, article)}

    def submit(self, form):
        return services.submit_report(
            article=form.cleaned_data["article_url"],
            data=form.report_data(),
            ip=client_ip(self.request),
            user=self.request.user,
        )


def case_for_link(tracking_number: str, token: str):
    """The case, the role (``"sender"``/``"poster"``) and, for a poster of a notice, the id
    of their article, that a private status link opens.

    Raises:
        Http404: the same for an unknown tracking number and a wrong token, so the answer
            gives no hint which part was wrong.
    """
    if TRACKING_NUMBER.match(tracking_number) and TOKEN.match(token):
        model = CASE_MODELS[tracking_number.split("-", 1)[0].upper()]
        case = model.objects.by_tracking_number(tracking_number)
        if case is not None:
            link = case.link_for_token(token)
            if link is not None:
                return case, *link
    raise Http404(_("No such page."))


class CaseLinkMixin:
    """Resolves ``tracking_number`` and ``token`` of the URL to ``self.case``, ``self.role``
    and ``self.poster_article_id``, answering 404 for anything else. The pages are private:
    never stored by a cache."""

    def dispatch(self, request, *args, **kwargs):
        self.case, self.role, self.poster_article_id = case_for_link(
            kwargs["tracking_number"], kwargs["token"]
        )
        response = super().dispatch(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    def status_url(self):
        return self.case.status_url(self.role, self.poster_article_id)

    def poster_articles(self):
        """The taken-down articles of a notice that this poster's link may answer for."""
        return self.case.articles.filter(pk=self.poster_article_id, removed_at__isnull=False)


class StatusView(CaseLinkMixin, TemplateView):
    """The private status page: state, dates and statements of reasons of one case, and what
    its holder may do next (request a review, file a counter-notice, report a lawsuit)."""

    template_name = "moderation/status.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = self.case
        decisions = [event for event in case.events() if event.is_decision]
        context.update(
            case=case,
            role=self.role,
            kind=case.kind,
            decisions=decisions,
            receipt=self.request.GET.get("receipt") == "1",
            reviews=list(case.reviews.all()) if hasattr(case, "reviews") else [],
            breadcrumbs=[(_("Status"), None)],
            status_url=self.status_url(),
        )
        if self.can_request_review():
            context["review_form"] = ReviewRequestForm()
        if self.counter_notice_articles():
            context["counter_notice_url"] = self.status_url() + "counter-notice/"
        waiting = self.waiting_counter_notice()
        if waiting is not None:
            context["waiting_counter_notice"] = waiting
            context["legal_action_form"] = LegalActionForm()
        if isinstance(case, Notice):
            context["counter_notices"] = list(case.counter_notices.all())
        return context

    def can_request_review(self) -> bool:
        return not services.review_refusal(self.case)

    def counter_notice_articles(self):
        case = self.case
        if self.role != "poster" or not isinstance(case, Notice):
            return None
        if case.status != NoticeStatus.ACCEPTED:
            return None
        return self.poster_articles().exists()

    def waiting_counter_notice(self):
        case = self.case
        if self.role != "sender" or not isinstance(case, Notice):
            return None
        return case.restoration_awaiting_claimant()


class StatusFormView(StatusView):
    """A POST made from the status page; errors re-render the status page."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self.invalid(form)
        if over_rate_limit(request, STATUS_LINK_FORMS):
            form.add_error(None, rate_limited_message())
            return self.invalid(form, status=429)
        try:
            message = self.submit(form)
        except services.NotAllowed as error:
            # The service's transaction has rolled back; the page is shown again with the
            # reason and what was typed (a second click, or a page older than the case).
            form.add_error(None, str(error))
            return self.invalid(form, status=409)
        messages.success(request, message)
        return redirect(self.status_url())


class ReviewRequestView(StatusFormView):
    form_class = ReviewRequestForm

    def invalid(self, form, status=400):
        # Shown with its errors (and what was typed) even when no new request is possible.
        context = self.get_context_data()
        context["review_form"] = form
        return self.render_to_response(context, status=status)

    def submit(self, form):
        if isinstance(self.case, CounterNotice):  # no reviews attached to counter-notices
            raise services.NotAllowed(services.review_refusal(self.case))
        services.submit_review_request(
            case=self.case,
            role=self.role,
            explanation=form.cleaned_data["explanation"],
            ip=client_ip(self.request),
        )
        return _("Your request for review has been received; another moderator will answer it.")


class LegalActionView(StatusFormView):
    form_class = LegalActionForm

    def invalid(self, form, status=400):
        context = self.get_context_data()
        context["legal_action_form"] = form
        return self.render_to_response(context, status=status)

    def submit(self, form):
        counter = self.waiting_counter_notice()
        if counter is None:
            raise services.NotAllowed(_("No restoration is waiting for this notice."))
        services.report_legal_action(counter=counter, note=form.cleaned_data["note"])
        return _("Thank you. The restoration is on hold until a moderator has looked at it.")


class CounterNoticeCreateView(CaseLinkMixin, SubmissionView):
    """The poster's counter-notice form, reached from the link in the forwarded notice."""

    form_class = CounterNoticeForm
    template_name = "moderation/counter_notice_form.html"
    rate_group = STATUS_LINK_FORMS

    def dispatch(self, request, *args, **kwargs):
        self.case, self.role, self.poster_article_id = case_for_link(
            kwargs["tracking_number"], kwargs["token"]
        )
        if not (
            self.role == "poster"
            and isinstance(self.case, Notice)
            and self.case.status == NoticeStatus.ACCEPTED
            and self.poster_articles().exists()
        ):
            raise Http404(_("No such page."))
        response = super(CaseLinkMixin, self).dispatch(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("request")
        return {**kwargs, "articles": self.poster_articles()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            notice=self.case,
            status_url=self.status_url(),
            restore_policy=settings.MODERATION_RESTORE_POLICY,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except services.NotAllowed as error:
            form.add_error(None, str(error))
            return self.render_to_response(self.get_context_data(form=form), status=409)

    def submit(self, form):
        return services.submit_counter_notice(
            notice=self.case,
            article=form.cleaned_data["article"],
            data=form.counter_data(),
            evidence=form.cleaned_data["evidence"],
            ip=client_ip(self.request),
        )


@require_safe
@staff_member_required
def evidence_file(request, pk):
    """Serve an evidence file to moderators (``moderation.view_evidence``) as a download;
    other staff get 403, anonymous users the login page. Never cached, never sniffed."""
    if not request.user.has_perm("moderation.view_evidence"):
        raise PermissionDenied
    evidence = get_object_or_404(Evidence, pk=pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("No such file.")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.download_name(),
        content_type=evidence.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
