"""The public transparency report on notice and action (DSA Art. 15(1)(b) and Art. 24(1)):
a page per calendar quarter with tables and server-side SVG charts, the same figures as JSON
and CSV, and the decided takedown notices in the manner of the Lumen database.

Every endpoint reads the quarter from ``?quarter=2026-Q4`` (default: the current quarter).
A value that is not a quarter, or a quarter that has not begun, answers **400** on every
endpoint (the page lists the quarters that can be shown) rather than falling back to another
quarter: a wrong link must never show figures that look like the ones asked for. A quarter
before any record simply shows zeros.

The figures come from :func:`moderation.stats.quarter_report`; this module only lays them
out (the chart geometry is computed here, so the templates only print numbers).
"""

import csv
import datetime as dt

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from . import stats
from .models import Notice
from .stats import Quarter
from .workflow import NoticeStatus

#: Download formats of :func:`transparency_data`.
FORMATS = ("json", "csv")

# --- The quarter asked for ------------------------------------------------------------------


class BadQuarter(ValueError):
    """``?quarter=`` names no quarter that can be shown. ``reason`` is ``"invalid"`` (not of
    the form 2026-Q4) or ``"future"`` (not begun yet); ``requested`` is the value given,
    cut to 40 characters."""

    def __init__(self, requested: str, reason: str):
        self.requested = requested[:40]
        self.reason = reason
        if reason == "future":
            message = _("The quarter %(quarter)s has not begun yet.")
        else:
            message = _("“%(quarter)s” is not a quarter; write it like 2026-Q4.")
        super().__init__(message % {"quarter": self.requested})


def requested_quarter(request, now=None) -> Quarter:
    """The quarter of ``?quarter=`` (empty or absent: the quarter of ``now``).

    Raises:
        BadQuarter: not a quarter, or one after the current quarter.
    """
    raw = request.GET.get("quarter", "").strip()
    current = Quarter.current(now)
    if not raw:
        return current
    try:
        quarter = Quarter.parse(raw)
    except ValueError:
        raise BadQuarter(raw, "invalid") from None
    if quarter > current:
        raise BadQuarter(raw, "future")
    return quarter


# --- Charts ---------------------------------------------------------------------------------

#: Ink of the bars and hatching: the site's dark accent; series differ by fill pattern
#: (solid / hatched), never by colour alone.
INK = "#7a1414"
LEGEND_HEIGHT = 34  # px (SVG user units) above the first panel
PANEL_TITLE_HEIGHT = 24
PANEL_GAP = 14
BAR_HEIGHT = 14
BAR_GAP = 3  # between the bars of one row
ROW_GAP = 10  # between rows
VALUE_SPACE = 48  # right of the longest bar, for its number
CHART_WIDTH = 600
LEGEND_ITEM_WIDTH = 170


def _series(chart_id: str, labels) -> list[dict]:
    """Series styles: the first solid, the second hatched (``<pattern>`` in the chart)."""
    fills = [INK, f"url(#{chart_id}-hatch)"]
    return [
        {"label": str(label), "fill": fills[index], "stroke": INK}
        for index, label in enumerate(labels)
    ]


def bar_chart(chart_id: str, series_labels, panels, *, label_width: int = 72) -> dict:
    """The geometry of a horizontal bar chart in SVG user units, for
    ``moderation/includes/chart_bars.html``.

    Args:
        chart_id: unique in the page (ids of the title, description and pattern).
        series_labels: one label per series (at most 2: solid, then hatched).
        panels: ``[(title or None, [(row label, [value per series]), ...]), ...]``; one
            panel is a plain chart, several are small multiples on one shared scale.
        label_width: room for the row labels, left of the bars.

    Returns ``{"id", "width", "height", "ink", "legend": [...], "panels": [{"title",
    "title_y", "axis": {"x", "y1", "y2"}, "rows": [{"label", "label_x", "label_y",
    "bars": [{"x", "y", "width", "height", "fill", "stroke", "value", "label",
    "text_x", "text_y"}]}]}]}``; numbers are rounded to 0.1.
    """
    series = _series(chart_id, series_labels)
    bar_x = label_width + 8
    bar_space = CHART_WIDTH - bar_x - VALUE_SPACE
    largest = max(
        (value for _t, rows in panels for _l, values in rows for value in values), default=0
    )
    scale = bar_space / max(largest, 1)
    legend = [
        {
            **item,
            "x": index * LEGEND_ITEM_WIDTH,
            "y": 6,
            "width": 18,
            "height": BAR_HEIGHT,
            "text_x": index * LEGEND_ITEM_WIDTH + 24,
            "text_y": 6 + BAR_HEIGHT / 2,
        }
        for index, item in enumerate(series)
    ]
    y, laid_out = LEGEND_HEIGHT, []
    for title, rows in panels:
        panel = {"title": str(title) if title else "", "title_y": y + 16, "rows": []}
        if title:
            y += PANEL_TITLE_HEIGHT
        top = y
        for label, values in rows:
            row_top, bars = y, []
            for index, value in enumerate(values):
                width = round(value * scale, 1)
                if value and width < 2:
                    width = 2  # a count of 1 on a long scale stays visible
                bars.append(
                    {
                        "x": bar_x,
                        "y": y,
                        "width": width,
                        "height": BAR_HEIGHT,
                        "fill": series[index]["fill"],
                        "stroke": series[index]["stroke"],
                        "value": value,
                        "label": series[index]["label"],
                        "text_x": round(bar_x + width + 5, 1),
                        "text_y": y + BAR_HEIGHT / 2,
                    }
                )
                y += BAR_HEIGHT + BAR_GAP
            y += ROW_GAP - BAR_GAP
            panel["rows"].append(
                {
                    "label": str(label),
                    "label_x": label_width,
                    "label_y": round((row_top + y - ROW_GAP) / 2, 1),
                    "bars": bars,
                }
            )
        panel["axis"] = {"x": bar_x - 0.5, "y1": top - 3, "y2": y - ROW_GAP + 3}
        laid_out.append(panel)
        y += PANEL_GAP
    return {
        "id": chart_id,
        "width": CHART_WIDTH,
        "height": y,
        "ink": INK,
        "legend": legend,
        "panels": laid_out,
    }


# With a context: "received" and "decided" are also a status and a field name elsewhere.
RECEIVED = pgettext_lazy("transparency chart series", "received")
DECIDED = pgettext_lazy("transparency chart series", "decided")


def monthly_chart(key: str, section: dict) -> dict | None:
    """Small multiples of ``section`` (a section of the report): one panel per category
    with any case in the quarter, one row per month, received (solid) and decided
    (hatched). ``None`` when the section has no case at all."""
    panels = [
        (
            category["label"],
            [
                (month["month"], [month["received"], month["decided"]])
                for month in category["months"]
            ],
        )
        for category in section["categories"]
        if category["received"] or category["decided"]
    ]
    if not panels:
        return None
    return bar_chart(f"chart-{key}-monthly", [RECEIVED, DECIDED], panels)


def distribution_chart(report: dict) -> dict | None:
    """Time to decision: one row per bucket (same day … more than 3 working days), notices
    (solid) and reports (hatched). ``None`` when neither had a decision in the quarter."""
    notices, reports = report["notices"], report["reports"]
    if not notices["decided"] and not reports["decided"]:
        return None
    rows = [
        (mine["label"], [mine["count"], theirs["count"]])
        for mine, theirs in zip(
            notices["timing"]["distribution"], reports["timing"]["distribution"], strict=True
        )
    ]
    return bar_chart(
        "chart-time-to-decision",
        [notices["label"], reports["label"]],
        [(None, rows)],
        label_width=180,
    )


# --- The page -------------------------------------------------------------------------------


def _quarter_links(quarters) -> list[dict]:
    return [{"quarter": quarter, "value": str(quarter)} for quarter in quarters]


class TransparencyView(TemplateView):
    """``GET /transparency/?quarter=2026-Q4``: the quarter's figures, tables and charts,
    with links to the downloads and to the other quarters; 400 for a bad quarter."""

    template_name = "moderation/transparency.html"

    def get(self, request, *args, **kwargs):
        self.now = timezone.now()
        try:
            self.quarter = requested_quarter(request, self.now)
        except BadQuarter as error:
            self.quarter = None
            return self.render_to_response(self.get_context_data(error=error), status=400)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current = Quarter.current(self.now)
        with_data = stats.quarters_with_data(self.now)
        shown = {current, *with_data}
        context.update(current_quarter=current, generated_at=self.now)
        if self.quarter is None:
            context["quarters"] = _quarter_links(sorted(shown, reverse=True))
            return context
        quarter = self.quarter
        shown.add(quarter)
        report = stats.quarter_report(quarter, self.now)
        query = f"?quarter={quarter}"
        context.update(
            quarter=quarter,
            report=report,
            quarters=_quarter_links(sorted(shown, reverse=True)),
            # Back no further than the first quarter with a case: zeros all the way to 1900
            # help nobody, and a crawler would follow them.
            previous_quarter=(
                quarter.previous() if with_data and quarter > min(with_data) else None
            ),
            next_quarter=quarter.next() if quarter < current else None,
            first_day=timezone.localtime(quarter.start).date(),
            last_day=timezone.localtime(quarter.end - dt.timedelta(microseconds=1)).date(),
            case_sections=[
                {"key": key, "figures": report[key], "chart": monthly_chart(key, report[key])}
                for key in ("notices", "reports")
            ],
            time_chart=distribution_chart(report),
            distribution_rows=[
                (mine["key"], mine["label"], mine["count"], theirs["count"])
                for mine, theirs in zip(
                    report["notices"]["timing"]["distribution"],
                    report["reports"]["timing"]["distribution"],
                    strict=True,
                )
            ],
            timing_rows=[
                (report[key]["label"], report[key]["timing"])
                for key in ("notices", "reports", "counter_notices", "reviews")
            ],
            downloads={
                "json": reverse("moderation:transparency-data", args=["json"]) + query,
                "csv": reverse("moderation:transparency-data", args=["csv"]) + query,
                "notices": reverse("moderation:transparency-notices") + query,
            },
        )
        return context


# --- Downloads ------------------------------------------------------------------------------


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _bad_quarter_response(error: BadQuarter, as_json: bool):
    if as_json:
        return JsonResponse(
            {"error": str(error), "quarter": error.requested},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")


@require_safe
def transparency_data(request, fmt):
    """``GET /transparency/data.json`` or ``data.csv`` ``?quarter=2026-Q4``: the figures of
    the page, as a download named ``newsroom-transparency-2026-Q4.<fmt>``.

    JSON is :func:`moderation.stats.quarter_report` as is (UTF-8, not ASCII-escaped). CSV is
    long format, one figure a row, columns ``quarter, section, category, measure, value``
    (:func:`moderation.stats.long_rows`), UTF-8 with a byte-order mark so that Excel reads
    the Chinese labels. Any other format: 404; a bad quarter: 400.
    """
    if fmt not in FORMATS:
        raise Http404(_("No such format."))
    now = timezone.now()
    try:
        quarter = requested_quarter(request, now)
    except BadQuarter as error:
        return _bad_quarter_response(error, fmt == "json")
    report = stats.quarter_report(quarter, now)
    if fmt == "json":
        response = JsonResponse(report, json_dumps_params={"ensure_ascii": False, "indent": 1})
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(stats.LONG_COLUMNS)
        writer.writerows(stats.long_rows(report))
    return _attachment(response, f"newsroom-transparency-{quarter}.{fmt}")


INDIVIDUAL = "individual"
WITHHELD = "withheld"

ACTIONS = {
    "taken_down": gettext_lazy("taken down"),
    "rejected": gettext_lazy("rejected"),
    "restored_after_counter_notice": gettext_lazy("restored after counter-notice"),
    "restored_after_review": gettext_lazy("restored after review"),
}


def _action(notice: Notice) -> str:
    if notice.status == NoticeStatus.ACCEPTED:
        return "taken_down"
    if notice.status == NoticeStatus.REJECTED:
        return "rejected"
    if notice.restored_after_counter_notice:
        return "restored_after_counter_notice"
    return "restored_after_review"


def lumen_record(notice: Notice, absolute_url) -> dict:
    """One decided notice as the public export shows it, in the manner of the Lumen
    database (lumendatabase.org): what was claimed against which URLs, and what was done.

    ``notice`` comes from :func:`moderation.stats.decided_notices`; ``absolute_url`` turns
    a path into an absolute URL. The sender is its organisation, or ``"individual"``: a
    natural person's name, e-mail, phone, postal address, signature and IP are never
    shown. The principal is the sender when the rights holder sent the notice, else
    ``"withheld"`` (an agent's principal may be a private person). The work's description
    and URL are shown only when an organisation claims a work (not a reputation, privacy or
    portrait right); otherwise ``"withheld"``, as they could identify a person.
    """
    sender = notice.organisation.strip() or INDIVIDUAL
    # The person or company an agent acts for may be a private person.
    principal = sender if notice.capacity == Notice.Capacity.RIGHTS_HOLDER else WITHHELD
    if notice.work_is_publishable():
        works = [{"description": notice.work, "url": notice.work_url}]
    else:
        works = [{"description": WITHHELD, "url": ""}]
    action = _action(notice)
    return {
        "id": notice.tracking_number,
        "date_received": timezone.localtime(notice.received_at).isoformat(timespec="seconds"),
        "date_decided": timezone.localtime(notice.first_decided_at).isoformat(timespec="seconds"),
        "sender": sender,
        "principal": principal,
        "capacity": notice.capacity,
        "capacity_label": str(notice.get_capacity_display()),
        "right_claimed": notice.right,
        "right_claimed_label": str(notice.get_right_display()),
        "works": works,
        # For a person's rights the slug (the title) may be what was removed: short URLs.
        "infringing_urls": [
            absolute_url(
                reverse("articles:detail-short", args=[article.pk])
                if notice.right in Notice.PERSONAL_RIGHTS
                else article.get_absolute_url()
            )
            for article in notice.articles.all()
        ],
        "action": action,
        "action_label": str(ACTIONS[action]),
        "counter_notice_filed": notice.counter_notice_filed,
    }


@require_safe
def notices_export(request):
    """``GET /transparency/notices.json?quarter=2026-Q4``: the takedown notices first decided
    in the quarter (accepted, rejected or restored), oldest decision first, as
    :func:`lumen_record` dicts under ``"notices"``; downloaded as
    ``newsroom-transparency-notices-2026-Q4.json``. A bad quarter: 400.
    """
    now = timezone.now()
    try:
        quarter = requested_quarter(request, now)
    except BadQuarter as error:
        return _bad_quarter_response(error, as_json=True)

    def absolute_url(path: str) -> str:
        if settings.SITE_URL:
            return settings.SITE_URL.rstrip("/") + path
        return request.build_absolute_uri(path)

    notices = stats.decided_notices(quarter)
    payload = {
        "quarter": str(quarter),
        "generated_at": timezone.localtime(now).isoformat(timespec="seconds"),
        "notices": [lumen_record(notice, absolute_url) for notice in notices],
    }
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "indent": 1})
    return _attachment(response, f"newsroom-transparency-notices-{quarter}.json")
