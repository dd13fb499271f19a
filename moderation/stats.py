"""The figures of the public transparency report on notice and action (DSA Art. 15(1)(b)
and Art. 24(1); the Regulation on the Protection of the Right to Network Dissemination of
Information, Art. 14–17), for one calendar quarter.

Pure functions over the models: nothing here writes, renders or knows about requests. The
page, the JSON and the CSV download (:mod:`moderation.transparency`) all show the one dict
that :func:`quarter_report` returns, so they cannot disagree.

Definitions, the same for every kind of case (notices, reports, counter-notices, requests
for review):

- **Quarter**: a calendar quarter in the site's time zone (``settings.TIME_ZONE``,
  Asia/Shanghai), the half-open interval ``[start, end)``.
- **Received**: ``received_at`` falls in the quarter. This includes the cases closed on
  receipt without a decision (a notice that duplicates an open one of the same sender;
  a report on an article that is already down), which are *also* counted on their own as
  ``closed_on_receipt``.
- **Decided**: the case's *first* decision (the move out of "received"/"in review", made
  with a statement of reasons) falls in the quarter. Closing on receipt is not a decision.
  A case received in one quarter and decided in the next counts as received in the first
  and decided in the second.
- **Outcome**: the status of a decided case *now* (its final status so far, labelled as in
  :mod:`moderation.workflow`): a notice accepted in Q3 and restored after a counter-notice
  in Q4 shows as "restored" among Q3's outcomes.
- **Time to decision**: from ``received_at`` to the first decision, in hours and in working
  days (:func:`moderation.deadlines.working_days_between`: 0 when decided on the day of
  receipt). **Within the deadline**: first decision ``<= due_at``, the end of the third
  working day after the day of receipt (:func:`moderation.deadlines.response_due`).
- **Open**: received in the quarter and still waiting for a moderator when the report is
  made.

The first decision is ``decided_at``: ``moderation.services`` sets it once and records
later decisions (restored, kept down, reversed on review) in the audit trail only.
"""

import datetime as dt
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.db.models.functions import TruncQuarter
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article

from . import deadlines
from .models import CounterNotice, Notice, Report, ReviewRequest
from .workflow import (
    OPEN_STATES,
    CounterNoticeStatus,
    NoticeStatus,
    ReportStatus,
    ReviewStatus,
)

# --- Quarters -------------------------------------------------------------------------------

_QUARTER = re.compile(r"([0-9]{4})-Q([1-4])", re.IGNORECASE | re.ASCII)


def _tz():
    return timezone.get_default_timezone()


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter in the site's time zone: ``Quarter(2026, 4)`` is October to
    December 2026, written ``2026-Q4``. Ordered by time.

    Raises:
        ValueError: ``number`` is not 1–4, or ``year`` is outside 1900–9998 (the range in
            which every bound is a valid aware datetime).
    """

    year: int
    number: int

    MIN_YEAR: ClassVar[int] = 1900
    MAX_YEAR: ClassVar[int] = 9998

    def __post_init__(self):
        if not isinstance(self.year, int) or not self.MIN_YEAR <= self.year <= self.MAX_YEAR:
            raise ValueError(f"Quarter year out of range: {self.year!r}")
        if self.number not in (1, 2, 3, 4):
            raise ValueError(f"Quarter number must be 1–4, not {self.number!r}")

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        """The quarter written ``YYYY-Qn`` (``"2026-Q4"``; ``q`` in lower case and spaces
        around are accepted).

        Raises:
            ValueError: anything else, including a year out of range.
        """
        match = _QUARTER.fullmatch((text or "").strip())
        if match is None:
            raise ValueError(f"Not a quarter of the form 2026-Q4: {text!r}")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def containing(cls, moment: dt.datetime) -> "Quarter":
        """The quarter in which the aware datetime ``moment`` falls (site time zone)."""
        local = timezone.localtime(moment, _tz())
        return cls(local.year, (local.month - 1) // 3 + 1)

    @classmethod
    def current(cls, now: dt.datetime | None = None) -> "Quarter":
        """The quarter of ``now`` (default: the present moment)."""
        return cls.containing(now or timezone.now())

    @property
    def start(self) -> dt.datetime:
        """Midnight starting the quarter's first day, site time zone (aware)."""
        first_month = 3 * (self.number - 1) + 1
        return timezone.make_aware(dt.datetime(self.year, first_month, 1), _tz())

    @property
    def end(self) -> dt.datetime:
        """Midnight starting the next quarter (aware): the end is exclusive."""
        return self.next().start

    def previous(self) -> "Quarter":
        """The quarter before."""
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    def next(self) -> "Quarter":
        """The quarter after."""
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    def months(self) -> list[str]:
        """The quarter's three months as ``"YYYY-MM"``, in order."""
        first_month = 3 * (self.number - 1) + 1
        return [f"{self.year}-{month:02d}" for month in range(first_month, first_month + 3)]

    def __contains__(self, moment: dt.datetime) -> bool:
        return self.start <= moment < self.end

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"


def _month(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment, _tz()):%Y-%m}"


def quarters_with_data(now: dt.datetime | None = None) -> list[Quarter]:
    """The quarters, newest first, in which any notice, report, counter-notice or request for
    review was received or decided, up to the quarter of ``now``. One query."""
    parts = [
        model.objects.filter(**{f"{field}__isnull": False})
        .order_by()
        .annotate(quarter_start=TruncQuarter(field, tzinfo=_tz()))
        .values_list("quarter_start", flat=True)
        for model in (Notice, Report, CounterNotice, ReviewRequest)
        for field in ("received_at", "decided_at")
    ]
    first, *rest = parts
    current = Quarter.current(now)
    found = {Quarter.containing(start) for start in first.union(*rest) if start is not None}
    return sorted((quarter for quarter in found if quarter <= current), reverse=True)


# --- Loading cases --------------------------------------------------------------------------


class CaseRow(NamedTuple):
    """The columns of one case that the figures need."""

    pk: int
    status: str
    category: str  # notice: right; report: category; review: "notice"/"report"; else ""
    received_at: dt.datetime
    due_at: dt.datetime
    decided_at: dt.datetime | None  # the *first* decision (see the module docstring)


@dataclass(frozen=True)
class Kind:
    """How the figures read one kind of case."""

    key: str  # section name in the report: "notices"
    model: type
    statuses: type  # the TextChoices of its status
    category_field: str | None = None
    categories: tuple = ()  # (value, label) pairs, in display order
    closed_on_receipt: str | None = None  # the status of a case closed without a decision

    @property
    def workflow(self) -> str:
        return self.model.kind

    def outcome_statuses(self) -> list[tuple[str, str]]:
        """``(value, label)`` of the statuses a decided case can be in, in workflow order."""
        skip = {*OPEN_STATES[self.workflow], self.closed_on_receipt}
        return [(value, label) for value, label in self.statuses.choices if value not in skip]


NOTICES = Kind(
    "notices",
    Notice,
    NoticeStatus,
    category_field="right",
    categories=tuple(Notice.Right.choices),
    closed_on_receipt=NoticeStatus.DUPLICATE,
)
REPORTS = Kind(
    "reports",
    Report,
    ReportStatus,
    category_field="category",
    categories=tuple(Report.Category.choices),
    closed_on_receipt=ReportStatus.ALREADY_REMOVED,
)
COUNTER_NOTICES = Kind(
    "counter_notices",
    CounterNotice,
    CounterNoticeStatus,
)
REVIEWS = Kind(
    "reviews",
    ReviewRequest,
    ReviewStatus,
    category_field="notice_id",  # read as the kind of case reviewed
    categories=(
        ("notice", Notice._meta.verbose_name_plural),
        ("report", Report._meta.verbose_name_plural),
    ),
)
#: The sections of the report, in display order.
KINDS = (NOTICES, REPORTS, COUNTER_NOTICES, REVIEWS)


def _in_window(quarter: Quarter) -> Q:
    """Cases that may have been received or first decided in ``quarter``: received before
    its end, and received or first decided since its start."""
    return Q(received_at__lt=quarter.end) & (
        Q(received_at__gte=quarter.start) | Q(decided_at__gte=quarter.start)
    )


def _load(kinds: Iterable[Kind], quarter: Quarter) -> dict[str, list[CaseRow]]:
    """The rows of every case of ``kinds`` that may count in ``quarter``: one query per
    kind. ``decided_at`` is the first decision (the services set it once)."""
    loaded = {}
    for kind in kinds:
        queryset = kind.model.objects.filter(_in_window(quarter)).order_by()
        columns = ["pk", "status", "received_at", "due_at", "decided_at"]
        columns += [kind.category_field] if kind.category_field else []
        rows = []
        for values in queryset.values(*columns):
            if kind is REVIEWS:
                category = "notice" if values["notice_id"] else "report"
            else:
                category = values.get(kind.category_field, "")
            rows.append(
                CaseRow(
                    values["pk"],
                    values["status"],
                    category,
                    values["received_at"],
                    values["due_at"],
                    values["decided_at"],
                )
            )
        loaded[kind.key] = rows
    return loaded


# --- Figures --------------------------------------------------------------------------------

#: Time-to-decision buckets: key -> label. Key "0" is the day of receipt (or only non-working
#: days in between); "more" is more than RESPONSE_WORKING_DAYS working days.
BUCKETS = (
    ("0", _("same day")),
    ("1", _("1 working day")),
    ("2", _("2 working days")),
    ("3", _("3 working days")),
    ("more", _("more than 3 working days")),
)


def _bucket(working_days: int) -> str:
    return str(working_days) if working_days <= deadlines.RESPONSE_WORKING_DAYS else "more"


def timing(rows: Iterable[CaseRow]) -> dict:
    """Time to decision of decided ``rows`` (``decided_at`` is the first decision).

    Returns ``{"decided": int, "median_hours": float | None (1 decimal),
    "median_working_days": float | None (1 decimal), "within_deadline": int,
    "within_deadline_percent": float | None (0–100, 1 decimal), "late": int,
    "distribution": [{"key": "0"|"1"|"2"|"3"|"more", "label": str, "count": int}]}``;
    the ``None`` values when nothing was decided.
    """
    rows = list(rows)
    hours, days, within = [], [], 0
    counted: dict[tuple[dt.date, dt.date], int] = {}
    for row in rows:
        hours.append(max(0.0, (row.decided_at - row.received_at).total_seconds() / 3600))
        span = (deadlines.local_date(row.received_at), deadlines.local_date(row.decided_at))
        if span not in counted:
            counted[span] = deadlines.working_days_between(row.received_at, row.decided_at)
        days.append(counted[span])
        within += row.decided_at <= row.due_at
    buckets = Counter(_bucket(count) for count in days)
    decided = len(rows)
    return {
        "decided": decided,
        "median_hours": round(statistics.median(hours), 1) if rows else None,
        "median_working_days": round(float(statistics.median(days)), 1) if rows else None,
        "within_deadline": within,
        "within_deadline_percent": round(100 * within / decided, 1) if rows else None,
        "late": decided - within,
        "distribution": [
            {"key": key, "label": str(label), "count": buckets[key]} for key, label in BUCKETS
        ],
    }


def _decided(kind: Kind, rows: list[CaseRow], quarter: Quarter) -> list[CaseRow]:
    """The rows first decided in ``quarter`` (closing on receipt is not a decision)."""
    opens = OPEN_STATES[kind.workflow]
    return [
        row
        for row in rows
        if row.decided_at is not None
        and row.decided_at in quarter
        and row.status not in opens
        and row.status != kind.closed_on_receipt
    ]


def _section(kind: Kind, rows: list[CaseRow], quarter: Quarter) -> dict:
    """The figures of one kind of case (see :func:`quarter_report` for the shape)."""
    opens = OPEN_STATES[kind.workflow]
    received = [row for row in rows if row.received_at in quarter]
    decided = _decided(kind, rows, quarter)
    months = quarter.months()

    def per_month(selected, moment):
        counts = Counter(_month(moment(row)) for row in selected)
        return [counts[month] for month in months]

    categories = []
    for value, label in kind.categories:
        got = [row for row in received if row.category == value]
        done = [row for row in decided if row.category == value]
        categories.append(
            {
                "key": value,
                "label": str(label),
                "received": len(got),
                "decided": len(done),
                "months": [
                    {"month": month, "received": r, "decided": d}
                    for month, r, d in zip(
                        months,
                        per_month(got, lambda row: row.received_at),
                        per_month(done, lambda row: row.decided_at),
                        strict=True,
                    )
                ],
            }
        )
    outcome_counts = Counter(row.status for row in decided)
    closed = kind.closed_on_receipt
    return {
        "label": str(kind.model._meta.verbose_name_plural),
        "received": len(received),
        "closed_on_receipt": sum(row.status == closed for row in received) if closed else 0,
        "closed_on_receipt_status": str(closed) if closed else None,
        "closed_on_receipt_label": str(kind.statuses(closed).label) if closed else None,
        "open": sum(row.status in opens for row in received),
        "decided": len(decided),
        "months": [
            {"month": month, "received": r, "decided": d}
            for month, r, d in zip(
                months,
                per_month(received, lambda row: row.received_at),
                per_month(decided, lambda row: row.decided_at),
                strict=True,
            )
        ],
        "categories": categories,
        "outcomes": [
            {"key": value, "label": str(label), "count": outcome_counts[value]}
            for value, label in kind.outcome_statuses()
        ],
        "timing": timing(decided),
    }


def quarter_report(quarter: Quarter, now: dt.datetime | None = None) -> dict:
    """All the figures of ``quarter``, as plain JSON-ready values (labels in the active
    language). Four queries (one per kind of case), plus one on the audit trail when a
    case was decided more than once (and one for its content types on a cold cache).

    Shape::

        {"quarter": "2026-Q4", "year": 2026, "number": 4,
         "start": ISO 8601, "end": ISO 8601 (exclusive), "time_zone": "Asia/Shanghai",
         "generated_at": ISO 8601, "complete": bool (the quarter has ended),
         "response_working_days": 3,
         "notices" | "reports" | "counter_notices" | "reviews": {
             "label": str, "received": int,
             "closed_on_receipt": int, "closed_on_receipt_status": str | None,
             "closed_on_receipt_label": str | None,
             "open": int, "decided": int,
             "months": [{"month": "2026-10", "received": int, "decided": int}] × 3,
             "categories": [{"key", "label", "received", "decided",
                             "months": [{"month", "received", "decided"}] × 3}],
             "outcomes": [{"key": status, "label": str, "count": int}],
             "timing": see timing()},
         "notices_and_reports": {"received": int, "closed_on_receipt": int, "decided": int,
                                 "timing": see timing()}}

    Categories are the notice's right claimed, the report's category, and for reviews the
    kind of case whose decision is contested; counter-notices have none.
    """
    now = now or timezone.now()
    rows = _load(KINDS, quarter)
    report = {
        "quarter": str(quarter),
        "year": quarter.year,
        "number": quarter.number,
        "start": quarter.start.isoformat(),
        "end": quarter.end.isoformat(),
        "time_zone": str(_tz()),
        "generated_at": timezone.localtime(now, _tz()).isoformat(timespec="seconds"),
        "complete": quarter.end <= now,
        "response_working_days": deadlines.RESPONSE_WORKING_DAYS,
    }
    for kind in KINDS:
        report[kind.key] = _section(kind, rows[kind.key], quarter)
    notices, reports = report["notices"], report["reports"]
    report["notices_and_reports"] = {
        "received": notices["received"] + reports["received"],
        "closed_on_receipt": notices["closed_on_receipt"] + reports["closed_on_receipt"],
        "decided": notices["decided"] + reports["decided"],
        "timing": timing(
            [
                *_decided(NOTICES, rows[NOTICES.key], quarter),
                *_decided(REPORTS, rows[REPORTS.key], quarter),
            ]
        ),
    }
    return report


#: The columns of :func:`long_rows`.
LONG_COLUMNS = ("quarter", "section", "category", "measure", "value")


def long_rows(report: dict) -> Iterator[tuple]:
    """The figures of a :func:`quarter_report` as long-format rows
    ``(quarter, section, category, measure, value)``, for CSV.

    ``category`` is a category key or ``"all"``. Measures: ``received``, ``decided``,
    ``open``, ``closed_on_receipt:<status>``, ``received:<YYYY-MM>``,
    ``decided:<YYYY-MM>``, ``outcome:<status>``, ``median_hours``,
    ``median_working_days``, ``within_deadline``, ``within_deadline_percent`` (0–100),
    ``late``, ``time_to_decision:<bucket>``. ``value`` is a number, or ``""`` where the
    report has ``None`` (a median of nothing).
    """
    quarter = report["quarter"]

    def row(section, category, measure, value):
        return (quarter, section, category, measure, "" if value is None else value)

    def timing_rows(section, figures):
        for measure in (
            "median_hours",
            "median_working_days",
            "within_deadline",
            "within_deadline_percent",
            "late",
        ):
            yield row(section, "all", measure, figures[measure])
        for bucket in figures["distribution"]:
            yield row(section, "all", f"time_to_decision:{bucket['key']}", bucket["count"])

    for kind in KINDS:
        section = report[kind.key]
        yield row(kind.key, "all", "received", section["received"])
        if section["closed_on_receipt_status"]:
            measure = f"closed_on_receipt:{section['closed_on_receipt_status']}"
            yield row(kind.key, "all", measure, section["closed_on_receipt"])
        yield row(kind.key, "all", "open", section["open"])
        yield row(kind.key, "all", "decided", section["decided"])
        for month in section["months"]:
            yield row(kind.key, "all", f"received:{month['month']}", month["received"])
            yield row(kind.key, "all", f"decided:{month['month']}", month["decided"])
        for category in section["categories"]:
            yield row(kind.key, category["key"], "received", category["received"])
            yield row(kind.key, category["key"], "decided", category["decided"])
            for month in category["months"]:
                for measure in ("received", "decided"):
                    yield row(
                        kind.key, category["key"], f"{measure}:{month['month']}", month[measure]
                    )
        for outcome in section["outcomes"]:
            yield row(kind.key, "all", f"outcome:{outcome['key']}", outcome["count"])
        yield from timing_rows(kind.key, section["timing"])
    combined = report["notices_and_reports"]
    for measure in ("received", "closed_on_receipt", "decided"):
        yield row("notices_and_reports", "all", measure, combined[measure])
    yield from timing_rows("notices_and_reports", combined["timing"])


# --- Decided notices, for the Lumen-style export --------------------------------------------

#: The statuses of a notice that was decided on (not open, not a duplicate).
DECIDED_NOTICE_STATUSES = (NoticeStatus.ACCEPTED, NoticeStatus.REJECTED, NoticeStatus.RESTORED)


def decided_notices(quarter: Quarter) -> list[Notice]:
    """The notices first decided in ``quarter`` (accepted, rejected or restored now), oldest
    decision first, each with ``first_decided_at`` (aware), ``counter_notice_filed`` and
    ``restored_after_counter_notice`` (bools) set, and its articles prefetched (pk and slug
    only).

    Only the columns a public export may show are loaded: the sender's name, e-mail, phone,
    postal address, signature, explanation and IP never leave the database here. Two
    queries.
    """
    counter_notices = CounterNotice.objects.filter(notice=OuterRef("pk"))
    notices = list(
        Notice.objects.filter(
            _in_window(quarter),
            status__in=DECIDED_NOTICE_STATUSES,
            decided_at__gte=quarter.start,
            decided_at__lt=quarter.end,
        )
        .annotate(
            counter_notice_filed=Exists(counter_notices),
            restored_after_counter_notice=Exists(
                counter_notices.filter(status=CounterNoticeStatus.RESTORED)
            ),
        )
        .only(
            "pk",
            "tracking_number",
            "status",
            "received_at",
            "due_at",
            "decided_at",
            "organisation",
            "capacity",
            "principal",
            "right",
            "work",
            "work_url",
        )
        .prefetch_related(
            Prefetch("articles", queryset=Article.objects.only("pk", "slug").order_by("pk"))
        )
        .order_by("decided_at", "pk")
    )
    for notice in notices:
        notice.first_decided_at = notice.decided_at
    return notices
