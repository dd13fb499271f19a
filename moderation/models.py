"""Notice-and-action records: takedown notices, illegal-content reports, counter-notices,
requests for review, their evidence files and the append-only audit trail.

States and allowed moves are in :mod:`moderation.workflow`; only :mod:`moderation.services`
changes a case's state. Nothing here is ever deleted: the records are the legal record.
"""

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from articles.models import Article

from .storage import evidence_storage
from .workflow import (
    OPEN_STATES,
    CounterNoticeStatus,
    NoticeStatus,
    ReportStatus,
    ReviewStatus,
)


def new_nonce() -> str:
    """128 random bits as hex: a case's secret input to its status-link tokens."""
    return secrets.token_hex(16)


class CaseQuerySet(models.QuerySet):
    def open_condition(self) -> models.Q:
        """The condition "still waiting for a moderator": an open state of the workflow, or,
        for a counter-notice, a restoration held because the claimant reported a complaint
        or lawsuit. The one definition used by the queues, the dashboard and the report."""
        condition = models.Q(status__in=OPEN_STATES[self.model.kind])
        if self.model.kind == "counter_notice":
            condition |= models.Q(
                status=CounterNoticeStatus.WAITING, legal_action_reported_at__isnull=False
            )
        return condition

    def open(self):
        """Cases still waiting for a moderator (see :meth:`open_condition`)."""
        return self.filter(self.open_condition())

    def with_open_flag(self):
        """The cases annotated with ``open_now`` (bool, :meth:`open_condition`)."""
        return self.annotate(
            open_now=models.Case(
                models.When(self.open_condition(), then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        )

    def overdue(self, now=None):
        """Open cases whose due time has passed."""
        return self.open().filter(due_at__lt=now or timezone.now())

    def by_tracking_number(self, tracking_number: str):
        """The case with ``tracking_number`` (case-insensitive), or ``None``."""
        return self.filter(tracking_number__iexact=tracking_number.strip()).first()


def status_field(choices: type[models.TextChoices], initial: str) -> models.CharField:
    """The indexed, read-only ``status`` field of a kind of case: ``choices`` from
    :mod:`moderation.workflow`, starting in ``initial``; only the services change it."""
    return models.CharField(
        _("status"), max_length=16, choices=choices, default=initial, db_index=True,
        editable=False,
    )  # fmt: skip


class Moderated(models.Model):
    """What every kind of case, requests for review included, shares: a state, the time
    of receipt and the 3-working-day due time, the sender's IP, and who first decided it
    when. Subclasses set ``kind`` and a ``status`` field (:func:`status_field`)."""

    #: The workflow name (see :data:`moderation.workflow.WORKFLOWS`).
    kind = ""

    received_at = models.DateTimeField(
        _("received at"), default=timezone.now, db_index=True, editable=False
    )
    due_at = models.DateTimeField(_("due"), db_index=True, editable=False)
    submitter_ip = models.GenericIPAddressField(
        _("submitter IP"), null=True, blank=True, editable=False
    )
    # The first decision (later ones, such as a restoration, are in the audit trail).
    decided_at = models.DateTimeField(
        _("decided at"), null=True, blank=True, db_index=True, editable=False
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["due_at", "pk"]

    @property
    def is_open(self) -> bool:
        """Whether the case waits for a moderator (see :meth:`CaseQuerySet.open`)."""
        if self.status in OPEN_STATES[self.kind]:
            return True
        held = getattr(self, "legal_action_reported_at", None)
        return self.status == CounterNoticeStatus.WAITING and held is not None

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()

    def events(self):
        """The audit events of this case, oldest first."""
        return Event.objects.for_object(self)


class Case(Moderated):
    """What notices, reports and counter-notices add: a tracking number, the signed-in
    submitter, private status links (HMAC tokens) and when the poster was told."""

    #: The tracking number prefix, e.g. ``TD`` in ``TD-2026-000123``.
    prefix = ""

    # NULL (not "") for the instant between the insert and numbering, since unique allows
    # many NULLs; see services._number().
    tracking_number = models.CharField(  # noqa: DJ001
        _("tracking number"), max_length=24, unique=True, null=True, editable=False
    )
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed-in submitter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # Status links carry HMAC tokens derived from this nonce and SECRET_KEY (see token_for):
    # e-mails can repeat a link later, and the database alone does not reveal working links.
    token_nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    poster_notified_at = models.DateTimeField(
        _("poster told"), null=True, blank=True, editable=False
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta(Moderated.Meta):
        abstract = True

    def __str__(self):
        return self.tracking_number or f"{self.prefix}-?"

    def token_for(self, role: str, article=None) -> str:
        """The private status-link token of ``role``: ``"sender"``, or ``"poster"`` (of a
        notice: the poster of ``article``, an Article or its id, since one notice may name
        articles of several posters). 64 hex characters, an HMAC-SHA256 of the case, the
        role and a random nonce under ``SECRET_KEY``."""
        if role == "poster" and self.kind == "notice":
            if article is None:
                raise ValueError("A notice's poster link names the poster's article.")
            role = f"poster-{getattr(article, 'pk', article)}"
        return salted_hmac(
            "moderation.status-link",
            f"{self.kind}:{self.pk}:{role}:{self.token_nonce}",
            algorithm="sha256",
        ).hexdigest()

    def status_url(self, role: str = "sender", article=None) -> str:
        """Path of the private status page of ``role`` (see :meth:`token_for`)."""
        return reverse(
            "moderation:status",
            kwargs={
                "tracking_number": self.tracking_number,
                "token": self.token_for(role, article),
            },
        )

    def poster_article_ids(self) -> list[int]:
        """Ids of the articles whose posters hold a poster link to this case."""
        return [self.article_id]

    def link_for_token(self, token: str) -> tuple[str, int | None] | None:
        """``("sender", None)`` or ``("poster", article id)`` when ``token`` opens this
        case's status page, else ``None``. The poster's links work once the posters have
        been told. Compared in constant time."""
        if constant_time_compare(token, self.token_for("sender")):
            return "sender", None
        if self.poster_notified_at:
            for article_id in self.poster_article_ids():
                if constant_time_compare(token, self.token_for("poster", article_id)):
                    return "poster", article_id
        return None

    def role_for_token(self, token: str) -> str | None:
        """``"sender"`` or ``"poster"`` when ``token`` opens this case's status page, else
        ``None`` (see :meth:`link_for_token`)."""
        link = self.link_for_token(token)
        return link[0] if link else None


class Notice(Case):
    """A takedown notice (删稿) from a rights holder or their agent, with the elements that
    the Regulation on the Protection of the Right to Network Dissemination of Information
    (Art. 14) and the EU DSA (Art. 16(2)) ask for."""

    kind = "notice"
    prefix = "TD"

    class Capacity(models.TextChoices):
        RIGHTS_HOLDER = "rights_holder", _("rights holder")
        AGENT = "agent", _("authorised agent")

    class Right(models.TextChoices):
        COPYRIGHT = "copyright", _("copyright (right of network dissemination)")
        REPUTATION = "reputation", _("right of reputation")
        PRIVACY = "privacy", _("right of privacy or personal information")
        PORTRAIT = "portrait", _("right of portrait")
        OTHER = "other", _("other right")

    status = status_field(NoticeStatus, NoticeStatus.RECEIVED)
    articles = models.ManyToManyField(
        Article,
        verbose_name=_("articles"),
        related_name="takedown_notices",
        through="NoticeArticle",
    )
    claimant_name = models.CharField(_("full name or organisation name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    capacity = models.CharField(_("capacity"), max_length=16, choices=Capacity)
    principal = models.CharField(
        _("rights holder represented"),
        max_length=200,
        blank=True,
        help_text=_("The rights holder, when an authorised agent sends the notice."),
    )
    postal_address = models.CharField(_("postal address"), max_length=500)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40)
    work = models.TextField(
        _("work"),
        max_length=2000,
        help_text=_(
            "The work whose rights are infringed: title, author, where it was first published."
        ),
    )
    work_url = models.URLField(_("URL of the original work"), max_length=500, blank=True)
    right = models.CharField(_("right claimed"), max_length=16, choices=Right)
    explanation = models.TextField(
        _("explanation"), max_length=10_000, help_text=_("Why the article infringes the right.")
    )
    good_faith = models.BooleanField(_("statement of good faith"), default=False)
    accuracy = models.BooleanField(_("statement of accuracy"), default=False)
    signature = models.CharField(_("signature"), max_length=200)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        editable=False,
    )
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("repeats restored notice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeats",
        editable=False,
        help_text=_(
            "The same claimant already sent a notice for the same work, and the article was "
            "restored after it (Regulation Art. 17)."
        ),
    )
    poster_reached = models.BooleanField(_("poster reached"), null=True, editable=False)

    class Meta(Case.Meta):
        verbose_name = _("takedown notice")
        verbose_name_plural = _("takedown notices")
        indexes = [models.Index(fields=["status", "due_at"], name="notice_status_due_idx")]

    @property
    def sender_label(self) -> str:
        return self.organisation or self.claimant_name

    def poster_article_ids(self) -> list[int]:
        return list(NoticeArticle.objects.filter(notice=self).values_list("article_id", flat=True))

    def restoration_awaiting_claimant(self) -> "CounterNotice | None":
        """The accepted counter-notice whose restoration waits, with no complaint or lawsuit
        reported yet: the one the claimant may still hold (Civil Code Art. 1196)."""
        return self.counter_notices.filter(
            status=CounterNoticeStatus.WAITING, legal_action_reported_at__isnull=True
        ).first()

    #: Rights whose notices are about a person: their work text and explanation may name
    #: the very personal data the notice asks to remove, so they are never published.
    PERSONAL_RIGHTS = frozenset({Right.REPUTATION, Right.PRIVACY, Right.PORTRAIT})

    def work_is_publishable(self) -> bool:
        """Whether the work's description and URL may be published (on a tombstone, in the
        transparency export): only when an organisation claims a work. An individual's own
        words, or any notice about a person's reputation, privacy or portrait, can identify
        people."""
        return bool(self.organisation.strip()) and self.right not in self.PERSONAL_RIGHTS

    def redacted_text(self) -> str:
        """The notice as published on the tombstone when the poster cannot be reached
        (Regulation Art. 15): its number and date, the sender (an organisation's name, or
        "an individual"), capacity and right claimed, and, when an organisation claims a
        work, the work. Contact details, signature, an individual's name, the explanation,
        and any individual's or personal-rights description are left out."""
        sender = self.organisation or _("an individual rights holder")
        lines = [
            _("Notice %(number)s, received %(date)s")
            % {
                "number": self.tracking_number,
                "date": f"{timezone.localtime(self.received_at):%Y-%m-%d}",
            },
            _("Sent by: %(sender)s (%(capacity)s)")
            % {"sender": sender, "capacity": self.get_capacity_display()},
            _("Right claimed: %(right)s") % {"right": self.get_right_display()},
        ]
        if self.work_is_publishable():
            lines.append(_("Work: %(work)s") % {"work": self.work})
            if self.work_url:
                lines.append(_("Original: %(url)s") % {"url": self.work_url})
        else:
            # An individual's own words about their work, or about a person's rights, can
            # identify people: not published.
            lines.append(_("The work and the reasons concern a person and are not published."))
        return "\n".join(str(line) for line in lines)


class NoticeArticle(models.Model):
    """An article named in a notice. The article cannot be deleted while a notice names it:
    the notice is part of the legal record."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE)
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["notice", "article"]
        verbose_name = _("article named in a notice")
        verbose_name_plural = _("articles named in notices")
        constraints = [
            models.UniqueConstraint(fields=["notice", "article"], name="notice_article_once")
        ]

    def __str__(self):
        return f"{self.notice} → {self.article}"


class Report(Case):
    """A report of illegal or harmful content (非法信息举报) by any reader, signed in or not.
    Categories follow those of the national reporting centre (12377.cn)."""

    kind = "report"
    prefix = "RPT"

    class Category(models.TextChoices):
        POLITICAL = "political", _("politically harmful")
        VIOLENCE = "violence", _("violence or terrorism")
        FRAUD = "fraud", _("fraud")
        PORNOGRAPHY = "pornography", _("pornography")
        VULGARITY = "vulgarity", _("vulgarity")
        GAMBLING = "gambling", _("gambling")
        REPUTATION = "reputation", _("infringement of reputation or privacy")
        RUMOUR = "rumour", _("rumour")
        OTHER = "other", _("other")

    status = status_field(ReportStatus, ReportStatus.RECEIVED)
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.PROTECT, related_name="reports"
    )
    category = models.CharField(_("report category"), max_length=16, choices=Category)
    explanation = models.TextField(_("explanation"), max_length=10_000)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)

    class Meta(Case.Meta):
        verbose_name = _("illegal-content report")
        verbose_name_plural = _("illegal-content reports")
        indexes = [models.Index(fields=["status", "due_at"], name="report_status_due_idx")]

    @property
    def is_anonymous(self) -> bool:
        return not self.contact_email


class CounterNotice(Case):
    """A poster's counter-notice asking for an article taken down after a notice to be
    restored (Regulation Art. 16; DMCA 17 U.S.C. §512(g)(3) has the same elements)."""

    kind = "counter_notice"
    prefix = "CN"

    status = status_field(CounterNoticeStatus, CounterNoticeStatus.RECEIVED)
    notice = models.ForeignKey(
        Notice,
        verbose_name=_("notice"),
        on_delete=models.PROTECT,
        related_name="counter_notices",
        editable=False,
    )
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    postal_address = models.CharField(_("postal address"), max_length=500, blank=True)
    explanation = models.TextField(_("why the article does not infringe"), max_length=10_000)
    good_faith = models.BooleanField(_("statement of good faith"), default=False)
    signature = models.CharField(_("signature"), max_length=200)
    restore_due_at = models.DateTimeField(
        _("restoration due"), null=True, blank=True, db_index=True, editable=False
    )
    # The claimant says they have filed a complaint or a lawsuit (Civil Code Art. 1196): the
    # scheduled restoration waits for a moderator to keep the article down or not.
    legal_action_reported_at = models.DateTimeField(
        _("complaint or lawsuit reported"), null=True, blank=True, editable=False
    )
    legal_action_note = models.TextField(_("complaint or lawsuit"), blank=True, editable=False)

    class Meta(Case.Meta):
        verbose_name = _("counter-notice")
        verbose_name_plural = _("counter-notices")


class ReviewRequest(Moderated):
    """A request to review a decision on a notice or report, filed from a private status link
    by its sender or the article's poster within 6 months of the decision (DSA Art. 20(1)),
    answered by a moderator other than the one who decided (DSA Art. 20(6))."""

    kind = "review"

    class Role(models.TextChoices):
        SENDER = "sender", _("sender (claimant or reporter)")
        POSTER = "poster", _("poster")

    status = status_field(ReviewStatus, ReviewStatus.OPEN)
    notice = models.ForeignKey(
        Notice, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews",
        editable=False,
    )  # fmt: skip
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews",
        editable=False,
    )  # fmt: skip
    decision = models.ForeignKey(
        "Event",
        verbose_name=_("decision contested"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    role = models.CharField(_("filed by"), max_length=8, choices=Role, editable=False)
    explanation = models.TextField(_("why the decision should change"))

    class Meta(Moderated.Meta):
        verbose_name = _("request for review")
        verbose_name_plural = _("requests for review")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(notice__isnull=False, report__isnull=True)
                | models.Q(notice__isnull=True, report__isnull=False),
                name="review_of_one_case",
            )
        ]

    def __str__(self):
        return _("Review of %(case)s") % {"case": self.case}

    @property
    def case(self) -> Notice | Report:
        return self.notice or self.report


#: The kinds of case with a tracking number, and every kind a moderator decides.
TRACKED_CASES = (Notice, Report, CounterNotice)
ALL_CASES = (*TRACKED_CASES, ReviewRequest)

#: File name extension of each accepted evidence type.
EVIDENCE_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def evidence_path(instance, filename):
    """``<YYYY>/<MM>/<random>.<ext>`` under the evidence folder: the sender's file name is
    kept in the row, never used on disk."""
    now = timezone.localtime()
    extension = EVIDENCE_EXTENSIONS.get(instance.content_type, "bin")
    return f"{now:%Y}/{now:%m}/{secrets.token_hex(16)}.{extension}"


class Evidence(models.Model):
    """A proof file attached to a notice or a counter-notice: PDF, JPEG or PNG, checked by
    content (see :mod:`moderation.evidence`), kept in :mod:`moderation.storage`."""

    notice = models.ForeignKey(
        Notice, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    counter_notice = models.ForeignKey(
        CounterNotice, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(_("file"), storage=evidence_storage, upload_to=evidence_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("moderation:evidence", args=[self.pk])

    def download_name(self) -> str:
        """The name a moderator's download gets: the sender's name without its extension
        (control and path characters removed, at most 80 characters) plus the extension of
        the type found in the content, so ``proof.bat`` holding a PDF downloads as
        ``proof.pdf``."""
        stem = self.original_name.rsplit(".", 1)[0] if "." in self.original_name else ""
        stem = "".join(c for c in stem if c.isprintable() and c not in '/\\:*?"<>|')[:80]
        extension = EVIDENCE_EXTENSIONS.get(self.content_type, "bin")
        return f"{stem.strip(' .') or 'evidence'}.{extension}"


class EventQuerySet(models.QuerySet):
    def for_object(self, obj):
        """Events of ``obj`` (any model instance), oldest first."""
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).order_by("created_at", "pk")

    # The audit trail is append-only: no bulk rewrite or removal.
    def update(self, **kwargs):
        raise PermissionError("Audit events are append-only.")

    def delete(self):
        raise PermissionError("Audit events are append-only.")


class Event(models.Model):
    """One entry of the append-only audit trail, in the manner of the admin's ``LogEntry``:
    who moved which case from which state to which, when, and the statement of reasons
    (DSA Art. 17(3): what was done, the facts relied on, whether automated means were used,
    the legal ground or site rule, and how to contest it).

    Written only by :func:`moderation.services.record_event`; never changed or deleted.
    """

    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    case = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("case as recorded"), max_length=200)
    action = models.CharField(_("action"), max_length=32)
    from_state = models.CharField(_("from"), max_length=16, blank=True)
    to_state = models.CharField(_("to"), max_length=16)
    decision = models.TextField(_("what was decided"), blank=True)
    facts = models.TextField(_("facts and circumstances relied on"), blank=True)
    legal_ground = models.TextField(_("legal ground or site rule"), blank=True)
    automated = models.BooleanField(_("automated means used"), default=False)
    redress = models.TextField(_("how to contest"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["content_type", "object_id"], name="event_object_idx")]

    def __str__(self):
        return f"{self.object_repr}: {self.from_state or '∅'} → {self.to_state}"

    def save(self, *args, **kwargs):
        """Insert only: an existing event is never rewritten.

        Raises:
            PermissionError: the event is already stored.
        """
        if not self._state.adding:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")

    @property
    def is_decision(self) -> bool:
        """Whether this event is a decision (it carries a statement of reasons)."""
        return bool(self.facts)
