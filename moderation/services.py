"""Notice and action: the only code that creates cases and moves them between states.

Views, the admin and ``manage.py moderation_due`` call these functions. Each one runs in a
transaction, locks the case row (``SELECT … FOR UPDATE``; SQLite's IMMEDIATE transactions
serialize writers the same way) so that two moderators cannot both decide it, checks the move
against :mod:`moderation.workflow`, writes an append-only :class:`~moderation.models.Event`
with the statement of reasons, and queues e-mail with ``transaction.on_commit`` so that a mail
failure never loses or rolls back the record.
"""

import datetime as dt
import hashlib
import logging
import smtplib
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import DatabaseError, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import services as article_services
from articles.models import Article
from articles.permissions import group_name

from . import deadlines, workflow
from .models import Case, CounterNotice, Event, Evidence, Notice, Report, ReviewRequest
from .workflow import CounterNoticeStatus, NoticeStatus, ReportStatus, TransitionNotAllowed

logger = logging.getLogger(__name__)

#: The staff group whose members decide notices and reports, 审核员 (created by a data
#: migration as "Moderators", renamed by 0003; the name is defined with the other roles).
MODERATORS_GROUP = group_name("moderator")

__all__ = [
    "MODERATORS_GROUP",
    "EvidenceUpload",
    "NotAllowed",
    "Reasons",
    "ReasonsRequired",
    "TransitionNotAllowed",
]


class ReasonsRequired(ValueError):
    """A decision without a statement of reasons (DSA Art. 17(1)): facts and legal ground
    must both be given."""


class NotAllowed(Exception):
    """A request the rules refuse: a review filed too late or twice, a moderator reviewing
    their own decision, a counter-notice for an article that is not down, …"""


@dataclass(frozen=True)
class Reasons:
    """A statement of reasons (DSA Art. 17(3)): ``facts`` relied on (b), the ``legal_ground``
    or site rule (d, e), and whether ``automated`` means were used (c). What was done (a) and
    how to contest (f) are added by the service from the transition."""

    facts: str
    legal_ground: str
    automated: bool = False

    def check(self):
        """Raises :class:`ReasonsRequired` unless facts and legal ground are both given."""
        if not _visible(self.facts) or not _visible(self.legal_ground):
            raise ReasonsRequired(
                _("A decision needs a statement of reasons: the facts and the legal ground.")
            )


def _visible(text: str) -> bool:
    """Whether ``text`` has a letter or digit (not just spaces, punctuation or invisible
    characters such as U+200B)."""
    return any(character.isalnum() for character in text)


@dataclass(frozen=True)
class EvidenceUpload:
    """An uploaded proof file already checked by content (see :mod:`moderation.evidence`)."""

    file: object  # django.core.files.uploadedfile.UploadedFile
    content_type: str  # application/pdf, image/jpeg or image/png
    size: int  # bytes
    sha256: str = ""  # hex digest of the content; computed when not given

    def __post_init__(self):
        if not self.sha256:
            digest = hashlib.sha256()
            self.file.seek(0)
            for chunk in self.file.chunks():
                digest.update(chunk)
            self.file.seek(0)
            object.__setattr__(self, "sha256", digest.hexdigest())


# --- Audit ----------------------------------------------------------------------------------


def record_event(
    case,
    action: str,
    *,
    actor=None,
    from_state: str = "",
    to_state: str = "",
    reasons: Reasons | None = None,
    decision: str = "",
    redress: str = "",
    details: dict | None = None,
    at=None,
) -> Event:
    """Append one audit event for ``case`` (a Notice, Report, CounterNotice or ReviewRequest).

    ``actor`` is the user who acted, or ``None`` for the system (a submission from the public
    form, or ``moderation_due``). Returns the stored event.
    """
    actor_name = _("system") if actor is None else actor.get_username()
    return Event.objects.create(
        created_at=at or timezone.now(),
        actor=actor,
        actor_name=actor_name,
        case=case,
        object_repr=str(case)[:200],
        action=action,
        from_state=from_state,
        to_state=to_state or case.status,
        decision=decision,
        facts=reasons.facts.strip() if reasons else "",
        legal_ground=reasons.legal_ground.strip() if reasons else "",
        automated=bool(reasons and reasons.automated),
        redress=redress,
        details=details or {},
    )


def _move(case, name: str, actor, reasons: Reasons | None, *, details=None, now=None):
    """Lock ``case``, check transition ``name``, change its state and write the event.

    Returns ``(locked_case, event)``; the caller's ``case`` object is refreshed too.

    Raises:
        TransitionNotAllowed: not allowed from the current (locked, fresh) state.
        ReasonsRequired: a decision without reasons.
    """
    model = type(case)
    locked = model.objects.select_for_update().get(pk=case.pk)
    move = workflow.transition(locked.kind, locked.status, name)
    if move.decision:
        if reasons is None:
            raise ReasonsRequired(
                _("A decision needs a statement of reasons: the facts and the legal ground.")
            )
        reasons.check()
    from_state = locked.status
    locked.status = move.target
    fields = ["status"]
    if move.decision and locked.decided_at is None:
        # The first decision: what the 3-working-day promise and the transparency report
        # measure. Later decisions (restoration, reversal) are in the audit trail.
        locked.decided_at = now or timezone.now()
        locked.decided_by = actor
        fields += ["decided_at", "decided_by"]
    if hasattr(locked, "updated_at"):
        fields.append("updated_at")
    locked.save(update_fields=fields)
    event = record_event(
        locked,
        name,
        actor=actor,
        from_state=from_state,
        to_state=move.target,
        reasons=reasons if move.decision else None,
        decision=str(move.label) if move.decision else "",
        redress=redress_text(locked.kind, name) if move.decision else "",
        details=details,
        at=now,
    )
    case.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked, event


def redress_text(kind: str, action: str) -> str:
    """How the people concerned may contest a decision (DSA Art. 17(3)(f)), as one text per
    situation: a takedown (counter-notice, review, court), another decision on a notice or
    report (review, court), a decision on a counter-notice (court)."""
    months = settings.MODERATION_REVIEW_WINDOW_DAYS // 30
    target = workflow.WORKFLOWS.get(kind, {}).get(action)
    reviewable = target is not None and target.target in workflow.REVERSALS.get(kind, {})
    if kind in {"notice", "report"} and not reviewable:
        return _(
            "This decision cannot be reviewed again on this site. Either party may bring the "
            "matter before a people's court, and a rights holder may send a new notice with "
            "further proof."
        )
    if kind == "notice" and action in {"accept", "reverse"}:
        return _(
            "The poster may file a counter-notice asking for restoration (Regulation on the "
            "Protection of the Right to Network Dissemination of Information, Art. 16), or "
            "request a review from the private status link within %(months)d months; another "
            "moderator answers it. Either party may also bring the matter before a people's "
            "court."
        ) % {"months": months}
    if kind in {"notice", "report"}:
        return _(
            "The sender or the poster may request a review from the private status link "
            "within %(months)d months of the decision; another moderator answers it. Either "
            "party may also bring the matter before a people's court."
        ) % {"months": months}
    return _(
        "The rights holder may file a complaint with the competent authority or bring an "
        "action before a people's court (Civil Code Art. 1196); the poster may send a new "
        "counter-notice with further proof, or go to court."
    )


# --- Numbers and helpers --------------------------------------------------------------------


def _number(case: Case) -> None:
    """Give a freshly inserted case its tracking number, ``<PREFIX>-<year>-<id, 6 digits>``
    (``TD-2026-000123``): unique because the id is."""
    year = timezone.localtime(case.received_at).year
    case.tracking_number = f"{case.prefix}-{year}-{case.pk:06d}"
    case.save(update_fields=["tracking_number"])


def _attach_evidence(uploads, **owner) -> list[Evidence]:
    stored = []
    for upload in uploads:
        upload.file.seek(0)
        evidence = Evidence(
            original_name=(upload.file.name or "file")[:255],
            content_type=upload.content_type,
            size=upload.size,
            sha256=upload.sha256,
            **owner,
        )
        evidence.file.save(upload.file.name or "file", upload.file, save=False)
        evidence.save()
        stored.append(evidence)
    return stored


def moderator_emails() -> list[str]:
    """Addresses of active members of the 审核员 group and of superusers (who may decide
    too), plus ``settings.MODERATION_NOTIFY_EMAILS``, without duplicates."""
    users = (
        get_user_model()
        .objects.filter(Q(groups__name=MODERATORS_GROUP) | Q(is_superuser=True), is_active=True)
        .exclude(email="")
        .distinct()
    )
    emails = [*users.values_list("email", flat=True), *settings.MODERATION_NOTIFY_EMAILS]
    return list(dict.fromkeys(emails))


#: The address the current request reached the site at (set by
#: :func:`moderation.middleware.remember_site_address`).
request_site: ContextVar[str] = ContextVar("request_site", default="")


def site_url(path: str) -> str:
    """``path`` on the site's public address, for e-mails: ``settings.SITE_URL`` when set,
    else the address of the request being answered, else (a command run by cron with no
    SITE_URL) ``http://127.0.0.1:8000``; ``check --deploy`` warns when SITE_URL is unset."""
    base = settings.SITE_URL or request_site.get() or "http://127.0.0.1:8000"
    return base.rstrip("/") + path


#: After a mail server error (connection refused, timeout), e-mails are not tried for this
#: many seconds; each one skipped is logged.
MAIL_BACKOFF_SECONDS = 60
#: Errors that mean the mail server is unreachable or silent (not a refused address).
MAIL_SERVER_DOWN = (
    ConnectionError,
    TimeoutError,
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
)
_mail_down_until = 0.0


def _send(template: str, recipients, context) -> None:
    """Once the transaction commits, render ``moderation/email/<template>_subject.txt`` and
    ``<template>.txt`` with ``context`` (a dict, or a function returning one, called then)
    and send them to ``recipients``. Nothing here can undo the record: a failure to render
    or to send is logged, never raised."""
    recipients = [address for address in recipients if address]
    if not recipients:
        return

    def deliver():
        global _mail_down_until
        if time.monotonic() < _mail_down_until:
            logger.error("Mail server failing; %s e-mail to %s not sent", template, recipients)
            return
        try:
            values = {
                "site_name": settings.SITE_NAME,
                **(context() if callable(context) else context),
            }
            subject = render_to_string(f"moderation/email/{template}_subject.txt", values)
            body = render_to_string(f"moderation/email/{template}.txt", values)
            send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, recipients)
        except MAIL_SERVER_DOWN:
            # Unreachable or silent mail server: skip the other e-mails for a while rather
            # than make this request (and the next ones) wait EMAIL_TIMEOUT for each.
            _mail_down_until = time.monotonic() + MAIL_BACKOFF_SECONDS
            logger.exception("Could not send the %s e-mail to %s", template, recipients)
        except Exception:
            logger.exception("Could not send the %s e-mail to %s", template, recipients)

    transaction.on_commit(deliver)


def _notify_moderators(case) -> None:
    _send(
        "moderators_new_case",
        moderator_emails(),
        lambda: {"case": case, "admin_url": site_url(admin_path(case))},
    )


def admin_path(case) -> str:
    """Path of ``case``'s page in the admin."""
    meta = case._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[case.pk])


# --- Submissions ----------------------------------------------------------------------------


@dataclass
class Submission:
    """What a public form's submission produced: the stored ``case`` and, when it repeats an
    open case of the same sender, that ``earlier`` case."""

    case: Case
    earlier: Case | None = None


@transaction.atomic
def submit_notice(
    *, articles: list[Article], data: dict, evidence=(), ip=None, user=None, now=None
) -> Submission:
    """Store a takedown notice and its evidence, number it, and queue the confirmation to the
    sender and the alert to moderators.

    Args:
        articles: the articles concerned (at least one).
        data: the notice's fields (``claimant_name``, ``organisation``, ``capacity``,
            ``principal``, ``postal_address``, ``email``, ``phone``, ``work``, ``work_url``,
            ``right``, ``explanation``, ``good_faith``, ``accuracy``, ``signature``).
        evidence: :class:`EvidenceUpload` items.
        ip: the sender's IP address (string) or ``None``; user: the signed-in user or None.

    A second notice from the same e-mail address while one of theirs is still open for one
    of the same articles is stored as ``duplicate`` of it (returned as ``earlier``) and not
    put before moderators again. A notice from the same sender for the same work (same
    article, work URL or work text) after an earlier one ended in restoration is flagged
    ``repeat_of`` it (Regulation Art. 17), and moderators are told so.
    """
    now = now or timezone.now()
    notice = Notice(
        received_at=now,
        due_at=deadlines.response_due(now),
        submitter=user if user and user.is_authenticated else None,
        submitter_ip=ip,
        **data,
    )
    article_ids = sorted(article.pk for article in articles)
    # Lock the articles' rows (in id order) so that two notices for the same article are
    # checked for duplicates one after the other (PostgreSQL; SQLite's IMMEDIATE
    # transactions already serialize writers).
    list(Article.objects.select_for_update().filter(pk__in=article_ids).order_by("pk"))
    same_sender = Notice.objects.filter(email__iexact=notice.email)
    earlier = next(
        (
            candidate
            for candidate in same_sender.open().filter(articles__in=article_ids).distinct()
            .order_by("received_at").prefetch_related("articles")
            if set(article_ids) <= {article.pk for article in candidate.articles.all()}
        ),
        None,
    )  # fmt: skip
    # Only a notice wholly covered by an open one is a duplicate: one naming further
    # articles is a case of its own.
    if earlier is not None:
        notice.status = NoticeStatus.DUPLICATE
        notice.duplicate_of = earlier
        notice.decided_at = now
    else:
        same_work = _same_work(notice, article_ids)
        notice.repeat_of = (
            same_sender.filter(same_work, status=NoticeStatus.RESTORED)
            .order_by("-decided_at")
            .first()
        )
    notice.save()
    notice.articles.set(articles)
    _number(notice)
    _attach_evidence(evidence, notice=notice)
    record_event(
        notice,
        "submit",
        to_state=notice.status,
        details={
            "ip": ip,
            "articles": article_ids,
            "evidence": len(evidence),
            "duplicate_of": earlier.tracking_number if earlier else None,
            "repeat_of": notice.repeat_of.tracking_number if notice.repeat_of else None,
        },
        at=now,
    )
    _send(
        "case_received",
        [notice.email],
        {
            "case": notice,
            "earlier": earlier,
            "status_url": site_url(notice.status_url("sender")),
        },
    )
    if earlier is None:
        _notify_moderators(notice)
    return Submission(notice, earlier)


def _same_work(notice: Notice, article_ids):
    """The condition "a notice about the same work as ``notice``": one of the same articles,
    the same non-empty work URL, or the same work description (case and spaces ignored)."""
    condition = Q(articles__in=article_ids)
    if notice.work_url:
        condition |= Q(work_url=notice.work_url)
    if notice.work.strip():
        condition |= Q(work__iexact=notice.work.strip())
    return condition


@transaction.atomic
def submit_report(*, article: Article, data: dict, ip=None, user=None, now=None) -> Submission:
    """Store an illegal-content report, number it, and queue the confirmation (when the
    reporter gave an address) and the alert to moderators.

    ``data`` holds ``category``, ``explanation``, ``contact_name``, ``contact_email``. A
    report on an article that is already taken down is stored and closed at once as
    ``already_removed``, with an automated statement of reasons.
    """
    now = now or timezone.now()
    report = Report(
        article=article,
        received_at=now,
        due_at=deadlines.response_due(now),
        submitter=user if user and user.is_authenticated else None,
        submitter_ip=ip,
        **data,
    )
    report.save()
    _number(report)
    record_event(report, "submit", to_state=report.status, details={"ip": ip}, at=now)
    if Article.objects.taken_down().filter(pk=article.pk).exists():
        _close_already_removed(report, now)
    _send(
        "case_received",
        [report.contact_email],
        {"case": report, "status_url": site_url(report.status_url("sender"))},
    )
    if report.is_open:
        _notify_moderators(report)
    return Submission(report)


def _close_already_removed(report: Report, now) -> None:
    """Close a report on an article that is already down (no transition leads here: the
    case is created closed)."""
    report.status = ReportStatus.ALREADY_REMOVED
    report.decided_at = now
    report.save(update_fields=["status", "decided_at", "updated_at"])
    record_event(
        report,
        "close_already_removed",
        from_state=ReportStatus.RECEIVED,
        to_state=report.status,
        reasons=Reasons(
            facts=_("The article had already been taken down when the report arrived."),
            legal_ground=_("No further action possible"),
            automated=True,
        ),
        decision=_("closed: already taken down"),
        redress=redress_text("report", "close_already_removed"),
        at=now,
    )


@transaction.atomic
def submit_counter_notice(
    *, notice: Notice, article: Article, data: dict, evidence=(), ip=None, now=None
) -> Submission:
    """Store a poster's counter-notice against an accepted ``notice`` for one of its
    ``article``\\ s, with evidence, and queue the confirmation and the moderators' alert.

    ``data`` holds ``name``, ``email``, ``phone``, ``postal_address``, ``explanation``,
    ``good_faith``, ``signature``.

    Raises:
        NotAllowed: the notice was not accepted, the article is not one of it or is not down,
            or an open counter-notice for it exists already.
    """
    now = now or timezone.now()
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.status != NoticeStatus.ACCEPTED:
        raise NotAllowed(_("A counter-notice can only answer a notice that was accepted."))
    if not notice.articles.filter(pk=article.pk, removed_at__isnull=False).exists():
        raise NotAllowed(_("This article is not taken down under this notice."))
    pending = notice.counter_notices.filter(
        article=article,
        status__in=[
            CounterNoticeStatus.RECEIVED,
            CounterNoticeStatus.IN_REVIEW,
            CounterNoticeStatus.WAITING,
        ],
    ).first()
    if pending is not None:
        raise NotAllowed(
            _("A counter-notice for this article is already being handled: %(number)s.")
            % {"number": pending.tracking_number}
        )
    counter = CounterNotice(
        notice=notice,
        article=article,
        received_at=now,
        due_at=deadlines.response_due(now),
        submitter_ip=ip,
        **data,
    )
    counter.save()
    _number(counter)
    _attach_evidence(evidence, counter_notice=counter)
    record_event(
        counter,
        "submit",
        to_state=counter.status,
        details={"ip": ip, "notice": notice.tracking_number, "evidence": len(evidence)},
        at=now,
    )
    _send(
        "case_received",
        [counter.email],
        {"case": counter, "status_url": site_url(counter.status_url("sender"))},
    )
    _notify_moderators(counter)
    return Submission(counter)


def last_decision(case) -> Event | None:
    """The latest decision event of ``case`` (one with a statement of reasons)."""
    return case.events().exclude(facts="").last()


def review_refusal(case, now=None) -> str:
    """Why a request for review of ``case``'s decision cannot be filed at ``now``, or ``""``
    when it can: only a notice or report, decided, in a state a review can reverse
    (:data:`moderation.workflow.REVERSALS`), within ``MODERATION_REVIEW_WINDOW_DAYS`` of the
    decision (DSA Art. 20(1)), with no review open."""
    if not isinstance(case, Notice | Report):
        return _("There is no decision to review yet.")
    decision = last_decision(case)
    if decision is None or case.is_open:
        return _("There is no decision to review yet.")
    if case.status not in workflow.REVERSALS[case.kind]:
        return _(
            "This decision has already been changed or closed; it can no longer be reviewed here."
        )
    window = dt.timedelta(days=settings.MODERATION_REVIEW_WINDOW_DAYS)
    if (now or timezone.now()) > decision.created_at + window:
        return _("The time to request a review of this decision has passed.")
    if case.reviews.open().exists():
        return _("A review of this decision is already open.")
    return ""


@transaction.atomic
def submit_review_request(
    *, case: Notice | Report, role: str, explanation: str, ip=None, now=None
) -> ReviewRequest:
    """Store a request for review of the decision on ``case`` by its ``role`` (``"sender"``
    or ``"poster"``), within ``MODERATION_REVIEW_WINDOW_DAYS`` of the decision (DSA
    Art. 20(1)); due in 3 working days like any case.

    Raises:
        NotAllowed: nothing decided yet, the window has passed, or a review is already open.
    """
    now = now or timezone.now()
    case = type(case).objects.select_for_update().get(pk=case.pk)
    refusal = review_refusal(case, now)
    if refusal:
        raise NotAllowed(refusal)
    review = ReviewRequest(
        role=role,
        explanation=explanation,
        decision=last_decision(case),
        received_at=now,
        due_at=deadlines.response_due(now),
        submitter_ip=ip,
        **{case.kind: case},
    )
    review.save()
    record_event(review, "submit", to_state=review.status, details={"ip": ip, "role": role}, at=now)
    _notify_moderators(review)
    return review


@transaction.atomic
def report_legal_action(*, counter: CounterNotice, note: str, now=None) -> CounterNotice:
    """Record the claimant's word that they have filed a complaint or a lawsuit about the
    article while a restoration waits (Civil Code Art. 1196): the scheduled restoration is
    held until a moderator keeps the article down (``keep_down``) or restores it.

    Raises:
        NotAllowed: the counter-notice is not waiting for restoration.
    """
    counter = CounterNotice.objects.select_for_update().get(pk=counter.pk)
    now = now or timezone.now()
    if counter.status != CounterNoticeStatus.WAITING:
        raise NotAllowed(_("No restoration is waiting for this counter-notice."))
    if counter.legal_action_reported_at is not None:
        raise NotAllowed(_("A complaint or lawsuit has already been reported for it."))
    if counter.restore_due_at is not None and now > counter.restore_due_at:
        raise NotAllowed(_("The waiting period has ended; the restoration is due."))
    counter.legal_action_reported_at = now
    counter.legal_action_note = note
    # Back before a moderator: due like any case, in 3 working days.
    counter.due_at = deadlines.response_due(now)
    counter.save(
        update_fields=["legal_action_reported_at", "legal_action_note", "due_at", "updated_at"]
    )
    record_event(
        counter,
        "legal_action_reported",
        from_state=counter.status,
        details={"note": note},
        at=counter.legal_action_reported_at,
    )
    _notify_moderators(counter)
    _send(
        "restoration_held",
        [counter.email],
        {"case": counter, "status_url": site_url(counter.status_url("sender"))},
    )
    return counter


# --- Decisions ------------------------------------------------------------------------------


@transaction.atomic
def start_review(case, actor):
    """Mark ``case`` as in review by ``actor`` (no reasons needed)."""
    return _move(case, "start_review", actor, None)[0]


def _poster_email(article: Article) -> str:
    poster = article.poster
    if poster is None or not poster.is_active:
        return ""
    return poster.email or ""


def _holding_cases(article: Article, *, exclude=None) -> tuple[list[Notice], list[Report]]:
    """The decided cases other than ``exclude`` that keep ``article`` down: accepted notices
    naming it (unless a counter-notice under that notice restored it) and reports on it
    whose action was taken."""
    restored_here = CounterNotice.objects.filter(
        notice=OuterRef("pk"), article=article, status=CounterNoticeStatus.RESTORED
    )
    notices = Notice.objects.filter(articles=article, status=NoticeStatus.ACCEPTED).exclude(
        Exists(restored_here)
    )
    reports = Report.objects.filter(article=article, status=ReportStatus.ACTION_TAKEN)
    if isinstance(exclude, Notice):
        notices = notices.exclude(pk=exclude.pk)
    if isinstance(exclude, Report):
        reports = reports.exclude(pk=exclude.pk)
    return list(notices.order_by("decided_at", "pk")), list(reports.order_by("decided_at", "pk"))


def _public_notice_for(article: Article, notices) -> str:
    """The notices to publish on ``article``'s tombstone: those whose poster could not be
    reached (Regulation Art. 15), contact details redacted."""
    if _poster_email(article):
        return ""
    return "\n\n".join(notice.redacted_text() for notice in notices)


def removal_reason(notice: Notice) -> str:
    """The ``Article.Removal`` reason of a takedown after ``notice``: about a person's
    rights (reputation, privacy, portrait), whose tombstone hides the title, or about a
    work."""
    if notice.right in Notice.PERSONAL_RIGHTS:
        return Article.Removal.PERSONAL_RIGHTS_NOTICE
    return Article.Removal.RIGHTS_NOTICE


def _take_down(article: Article, reason: str, now) -> None:
    """Take ``article`` down for ``reason``; when it is down already, keep the first
    takedown's time and reason and only add this notice to what the tombstone publishes."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    notices, _reports = _holding_cases(article)
    public = _public_notice_for(article, notices)
    if article.is_removed:
        reason, now = article.removal_reason, article.removed_at
    article_services.take_down(article, reason, public_notice=public, at=now)


def _take_down_for_notice(notice: Notice, event: Event, now) -> None:
    """Take the notice's articles down and forward the notice to their posters at once
    (Regulation Art. 15); where a poster cannot be reached by e-mail, publish the notice,
    contact details redacted, on the article's tombstone instead."""
    reached = []
    # Articles are locked in id order everywhere, so two transactions cannot deadlock.
    for article in notice.articles.select_related("poster").order_by("pk"):
        _take_down(article, removal_reason(notice), now)
        email = _poster_email(article)
        if email:
            reached.append((email, article))
    notice.poster_notified_at = now
    notice.poster_reached = bool(reached)
    notice.save(update_fields=["poster_notified_at", "poster_reached", "updated_at"])
    for email, article in reached:
        _send(
            "notice_forwarded",
            [email],
            {
                "notice": notice,
                "article": article,
                "event": event,
                "status_url": site_url(notice.status_url("poster", article)),
            },
        )


def _restore_articles(case, articles, now) -> list[Article]:
    """Lift ``case``'s hold on each of ``articles``: restore those no other decided case
    keeps down; for the others, the tombstone now gives the reason of the holds that
    remain (its date stays). Returns the articles restored."""
    restored = []
    for article in sorted(articles, key=lambda article: article.pk):
        article = Article.objects.select_for_update().get(pk=article.pk)
        if not article.is_removed:
            continue
        notices, reports = _holding_cases(article, exclude=case)
        if not notices and not reports:
            article_services.restore(article)
            restored.append(article)
            for report in Report.objects.filter(
                article=article, status=ReportStatus.ALREADY_REMOVED
            ):
                _reopen_report(report, now)
            continue
        reason = removal_reason(notices[0]) if notices else Article.Removal.ILLEGAL_CONTENT
        article_services.take_down(
            article, reason, public_notice=_public_notice_for(article, notices),
            at=article.removed_at,
        )  # fmt: skip
    return restored


def _reopen_report(report: Report, now) -> None:
    """Put a report closed as "already taken down" before a moderator, now that its article
    is back, due 3 working days from now."""
    report, _event = _move(report, "reopen", None, None, now=now)
    report.due_at = deadlines.response_due(now)
    report.decided_at = None
    report.save(update_fields=["due_at", "decided_at", "updated_at"])
    _notify_moderators(report)


def _tell_decision(case, event: Event, recipients, role: str, **extra) -> None:
    _send(
        "decision",
        recipients,
        {
            "case": case,
            "event": event,
            "status_url": site_url(case.status_url(role)),
            "role": role,
            **extra,
        },
    )


@transaction.atomic
def accept_notice(notice: Notice, actor, reasons: Reasons, now=None) -> Notice:
    """Accept a takedown notice: take its articles down, forward it to the posters, tell the
    sender, with ``reasons``.

    Raises:
        TransitionNotAllowed, ReasonsRequired.
    """
    now = now or timezone.now()
    notice, event = _move(notice, "accept", actor, reasons, now=now)
    _take_down_for_notice(notice, event, now)
    _tell_decision(notice, event, [notice.email], "sender")
    return notice


@transaction.atomic
def reject_notice(notice: Notice, actor, reasons: Reasons, now=None) -> Notice:
    """Reject a takedown notice with ``reasons`` and tell the sender.

    Raises:
        TransitionNotAllowed, ReasonsRequired.
    """
    now = now or timezone.now()
    notice, event = _move(notice, "reject", actor, reasons, now=now)
    _tell_decision(notice, event, [notice.email], "sender")
    for duplicate in notice.duplicates.filter(status=NoticeStatus.DUPLICATE):
        _reopen(duplicate, now)
    return notice


def _reopen(duplicate: Notice, now) -> None:
    """Put a duplicate back in the queue, due 3 working days from now, and tell the
    moderators (its own sender may be the real rights holder)."""
    duplicate, _event = _move(duplicate, "reopen", None, None, now=now)
    duplicate.due_at = deadlines.response_due(now)
    # Closing it as a duplicate was not a decision on its merits; that is still to come.
    duplicate.decided_at = None
    duplicate.decided_by = None
    duplicate.save(update_fields=["due_at", "decided_at", "decided_by", "updated_at"])
    _notify_moderators(duplicate)
    _send(
        "notice_reopened",
        [duplicate.email],
        {"case": duplicate, "status_url": site_url(duplicate.status_url("sender"))},
    )


@transaction.atomic
def decide_report(report: Report, actor, reasons: Reasons, *, take_action: bool, now=None):
    """Decide an illegal-content report: withdraw the article (``take_action``) or take no
    action, with ``reasons``; tell the reporter (when they left an address) and, when the
    article is withdrawn, its poster.

    Raises:
        TransitionNotAllowed, ReasonsRequired.
    """
    now = now or timezone.now()
    report, event = _move(
        report, "take_action" if take_action else "no_action", actor, reasons, now=now
    )
    if take_action:
        _withdraw_for_report(report, event, now)
    _tell_decision(report, event, [report.contact_email], "sender")
    return report


def _withdraw_for_report(report: Report, event: Event, now) -> None:
    article = report.article
    _take_down(article, Article.Removal.ILLEGAL_CONTENT, now)
    report.poster_notified_at = now
    report.save(update_fields=["poster_notified_at", "updated_at"])
    _tell_decision(report, event, [_poster_email(article)], "poster")


@transaction.atomic
def accept_counter_notice(counter: CounterNotice, actor, reasons: Reasons, now=None):
    """Accept a complete counter-notice and forward it to the notice's sender. Under the
    ``"immediate"`` policy the article is restored now (Regulation Art. 17); under
    ``"wait"`` (the default) restoration is scheduled at
    :func:`moderation.deadlines.restoration_due`, for ``moderation_due`` to carry out unless
    the claimant reports a complaint or lawsuit first (Civil Code Art. 1196).

    Raises:
        TransitionNotAllowed, ReasonsRequired.
    """
    now = now or timezone.now()
    counter, event = _move(counter, "accept", actor, reasons, now=now)
    notice = counter.notice
    _send(
        "counter_notice_forwarded",
        [notice.email],
        # Rendered at commit, after an immediate restoration: it says whether the article
        # is back or still down because of another case.
        lambda: {
            "notice": notice,
            "counter": counter,
            "event": event,
            "immediate": settings.MODERATION_RESTORE_POLICY == "immediate",
            "still_down": Article.objects.taken_down().filter(pk=counter.article_id).exists(),
            "status_url": site_url(notice.status_url("sender")),
        },
    )
    if settings.MODERATION_RESTORE_POLICY == "immediate":
        # One e-mail each: the restoration's tells the poster; the claimant has the
        # forwarded counter-notice, which says the article is restored.
        restore_after_counter_notice(
            counter,
            actor,
            Reasons(
                facts=reasons.facts,
                legal_ground=_(
                    "Restored at once after an accepted counter-notice (Regulation "
                    "on the Protection of the Right to Network Dissemination of "
                    "Information, Art. 17)."
                ),
            ),
            now=now,
            tell_claimant=False,
        )
    else:
        counter.restore_due_at = deadlines.restoration_due(now)
        counter.save(update_fields=["restore_due_at", "updated_at"])
        _tell_decision(counter, event, [counter.email], "sender")
    return counter


@transaction.atomic
def reject_counter_notice(counter: CounterNotice, actor, reasons: Reasons, now=None):
    """Reject a counter-notice (incomplete, or plainly unfounded) with ``reasons``."""
    counter, event = _move(counter, "reject", actor, reasons, now=now)
    _tell_decision(counter, event, [counter.email], "sender")
    return counter


@transaction.atomic
def keep_down(counter: CounterNotice, actor, reasons: Reasons, now=None):
    """Cancel a scheduled restoration because the claimant has filed a complaint or a
    lawsuit (Civil Code Art. 1196); tell the poster."""
    counter, event = _move(counter, "keep_down", actor, reasons, now=now)
    _tell_decision(counter, event, [counter.email], "sender")
    return counter


@transaction.atomic
def restore_after_counter_notice(
    counter: CounterNotice, actor, reasons: Reasons, now=None, *, tell_claimant=True
):
    """Restore the article of an accepted counter-notice (``actor`` ``None`` is
    ``moderation_due``), close the notice as ``restored`` once none of its articles is still
    down for it, and tell both sides. When another decided case (an accepted notice or a
    withdrawn report) still keeps the article down, it stays down and both sides are told
    so.

    Raises:
        TransitionNotAllowed, ReasonsRequired.
    """
    now = now or timezone.now()
    counter, event = _move(counter, "restore", actor, reasons, now=now)
    notice = counter.notice
    restored = _restore_articles(notice, [counter.article], now)
    notice.refresh_from_db()
    # The notice is closed once none of its articles is down because of it: each is up, or
    # was restored under a counter-notice (and may be down for another case).
    still_held = notice.articles.filter(removed_at__isnull=False).exclude(
        pk__in=notice.counter_notices.filter(status=CounterNoticeStatus.RESTORED).values("article")
    )
    if notice.status == NoticeStatus.ACCEPTED and not still_held.exists():
        _move(notice, "restore", actor, reasons, now=now)
    still_down = (
        not restored and Article.objects.taken_down().filter(pk=counter.article_id).exists()
    )
    _tell_decision(counter, event, [counter.email], "sender", still_down=still_down)
    if tell_claimant:
        _tell_decision(notice, event, [notice.email], "sender", still_down=still_down)
    return counter


def run_due(now=None) -> list[CounterNotice]:
    """Carry out every restoration that has fallen due: the waiting period after an accepted
    counter-notice has ended and the claimant reported no complaint or lawsuit. Each runs in
    its own transaction and checks those conditions again under the row lock, so a lawsuit
    reported (or a restoration done by another process) in the meantime is respected.

    Returns the counter-notices restored; those that could not be (a case changed under
    it) are logged and left for a moderator.
    """
    now = now or timezone.now()
    due = CounterNotice.objects.filter(
        status=CounterNoticeStatus.WAITING,
        restore_due_at__lte=now,
        legal_action_reported_at__isnull=True,
    ).order_by("restore_due_at", "pk")
    restored = []
    for counter in due:
        try:
            done = _restore_if_due(counter, now)
        except (TransitionNotAllowed, DatabaseError):
            # Another process changed the case, or the database refused (a deadlock): the
            # next run tries again; the other restorations go ahead.
            logger.warning("Due restoration of %s not carried out", counter, exc_info=True)
            continue
        if done is not None:
            restored.append(done)
    return restored


@transaction.atomic
def _restore_if_due(counter: CounterNotice, now) -> CounterNotice | None:
    locked = CounterNotice.objects.select_for_update().get(pk=counter.pk)
    if (
        locked.status != CounterNoticeStatus.WAITING
        or locked.legal_action_reported_at is not None
        or locked.restore_due_at is None
        or locked.restore_due_at > now
    ):
        return None
    reasons = Reasons(
        facts=_(
            "The waiting period after the accepted counter-notice %(number)s ended on "
            "%(due)s and the claimant reported no complaint or lawsuit."
        )
        % {
            "number": locked.tracking_number,
            "due": timezone.localtime(locked.restore_due_at).strftime("%Y-%m-%d"),
        },
        legal_ground=_("Civil Code Art. 1196; Regulation Art. 17"),
        automated=True,
    )
    return restore_after_counter_notice(locked, None, reasons, now=now)


@transaction.atomic
def decide_review(review: ReviewRequest, actor, reasons: Reasons, *, reverse: bool, now=None):
    """Answer a request for review with ``reasons``: uphold the decision, or ``reverse`` it
    (a rejected notice or a report without action leads to takedown; an accepted notice or
    a withdrawn report leads to restoration). Tells the requester and the other party.

    Raises:
        NotAllowed: ``actor`` made the decision under review (DSA Art. 20(6)).
        TransitionNotAllowed, ReasonsRequired.
    """
    now = now or timezone.now()
    review = ReviewRequest.objects.select_for_update().get(pk=review.pk)
    if review.decision.actor_id is not None and review.decision.actor_id == actor.pk:
        raise NotAllowed(
            _(
                "A request for review must be answered by a moderator other than the one who "
                "decided."
            )
        )
    review, event = _move(review, "reverse" if reverse else "uphold", actor, reasons, now=now)
    case = review.case
    if reverse:
        _reverse_decision(case, actor, reasons, now)
    links = [(_sender_email(case), "sender", None), *_poster_links(case)]
    for address, role, article in links:
        if address:
            _send(
                "review_decided",
                [address],
                {"review": review, "case": case, "event": event, "reversed": reverse,
                 "status_url": site_url(case.status_url(role, article))},
            )  # fmt: skip
    return review


def _sender_email(case) -> str:
    return case.email if isinstance(case, Notice) else case.contact_email


def _poster_links(case) -> list[tuple[str, str, Article | None]]:
    """``(address, "poster", article)`` for each poster told of ``case`` who has an
    address: one per article of a notice (its poster's own link), the reported article's
    poster for a report."""
    if not case.poster_notified_at:
        return []
    if isinstance(case, Report):
        return [(_poster_email(case.article), "poster", None)]
    return [
        (_poster_email(article), "poster", article)
        for article in case.articles.select_related("poster")
    ]


def _reverse_decision(case, actor, reasons: Reasons, now) -> None:
    case = type(case).objects.get(pk=case.pk)
    name = workflow.REVERSALS[case.kind].get(case.status)
    if name is None:
        raise NotAllowed(
            _("This decision has already been changed or closed; it can no longer be reversed.")
        )
    case, event = _move(case, name, actor, reasons, now=now)
    if name == "restore":
        articles = list(case.articles.all()) if isinstance(case, Notice) else [case.article]
        _restore_articles(case, articles, now)
    elif isinstance(case, Notice):
        _take_down_for_notice(case, event, now)
    else:
        _withdraw_for_report(case, event, now)
