"""Template tags of the moderators' admin: the dashboard on the admin index and the "time left
/ overdue" text of a case.

``{% load moderation_admin %}`` gives ``{% moderation_dashboard %}`` (the panel, for users
with ``moderation.view_notice``), ``{% case_time_left case %}`` and the ``state_label``
filter. The numbers come from :func:`dashboard_numbers`, one query per kind of case.
"""

import datetime as dt

from django import template
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .. import deadlines, workflow
from ..models import ALL_CASES

register = template.Library()

#: The kinds of case, in the order the dashboard lists them.
CASE_MODELS = ALL_CASES

#: Weeks shown in the chart of received and decided cases, the current one included.
WEEKS = 13

# Chart geometry, in SVG user units.
_LEFT, _TOP, _PLOT_HEIGHT = 8, 24, 140
_GROUP_WIDTH, _BAR_WIDTH, _BAR_GAP = 52, 20, 4


def time_left_parts(due_at: dt.datetime, now: dt.datetime | None = None) -> dict:
    """The time until ``due_at`` (aware) as whole ``days``, ``hours`` and ``minutes``
    (rounded down), and whether it is ``overdue`` (the parts then count the time since).

    ``time_left_parts(now + timedelta(days=1, hours=3, minutes=5), now)`` is
    ``{"overdue": False, "days": 1, "hours": 3, "minutes": 5}``.
    """
    delta = deadlines.time_left(due_at, now)
    overdue = delta < dt.timedelta(0)
    minutes = int(abs(delta).total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    return {"overdue": overdue, "days": days, "hours": hours, "minutes": minutes}


def due_today_bounds(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """``(now, end of today)`` in the site's time zone: an open case whose due time lies in
    between is due today and not yet overdue."""
    now = now or timezone.now()
    return now, deadlines.end_of_day(deadlines.local_date(now))


def week_start(moment: dt.datetime) -> dt.datetime:
    """Monday 00:00 (site time zone) of the week of the aware datetime ``moment``."""
    day = deadlines.local_date(moment)
    monday = day - dt.timedelta(days=day.weekday())
    return timezone.make_aware(dt.datetime.combine(monday, dt.time.min))


def dashboard_numbers(now: dt.datetime | None = None) -> dict:
    """The moderation dashboard at ``now`` (aware; default the current time).

    Returns ``{"kinds": [...], "totals": {...}, "weeks": [...], "chart": {...}}``:

    - ``kinds``: one dict per kind of case (notice, report, counter-notice, review) with
      ``kind``, ``label`` (plural verbose name), ``url`` (its admin list), ``open`` (cases
      waiting for a moderator), ``due_today`` (open, due by the end of today, not overdue),
      ``overdue`` (open, due time passed) and ``decided`` (decided since Monday 00:00);
    - ``totals``: the same four counts over all kinds;
    - ``weeks``: the last :data:`WEEKS` weeks (Monday to Sunday, the current one last), each
      ``{"start": date, "received": n, "decided": n}`` over all kinds. "Decided" counts a
      case in the week of its first decision (``decided_at``), automatic closures (a
      duplicate notice, a report on an article already down, a restoration by
      ``moderation_due``) included;
    - ``chart``: the geometry of the SVG bar chart of ``weeks`` (see :func:`chart`).

    Four queries, one per kind; the counting is done in Python.
    """
    now = now or timezone.now()
    _now, today_end = due_today_bounds(now)
    this_week = week_start(now)
    first_week = this_week - dt.timedelta(weeks=WEEKS - 1)
    first_monday = deadlines.local_date(first_week)
    received = [0] * WEEKS
    decided = [0] * WEEKS

    def week_index(moment):
        index = (deadlines.local_date(moment) - first_monday).days // 7
        return index if 0 <= index < WEEKS else None

    kinds = []
    for model in CASE_MODELS:
        cases = model.objects.with_open_flag()
        rows = cases.filter(
            model.objects.open_condition()
            | Q(received_at__gte=first_week)
            | Q(decided_at__gte=first_week)
        ).values_list("open_now", "received_at", "due_at", "decided_at")
        counts = {"open": 0, "due_today": 0, "overdue": 0, "decided": 0}
        for open_now, received_at, due_at, decided_at in rows:
            if open_now:
                counts["open"] += 1
                if due_at < now:
                    counts["overdue"] += 1
                elif due_at <= today_end:
                    counts["due_today"] += 1
            if (index := week_index(received_at)) is not None:
                received[index] += 1
            if decided_at is not None:
                if (index := week_index(decided_at)) is not None:
                    decided[index] += 1
                if this_week <= decided_at <= now:
                    counts["decided"] += 1
        kinds.append(
            {
                "kind": model.kind,
                "label": model._meta.verbose_name_plural,
                "url": reverse(f"admin:moderation_{model._meta.model_name}_changelist"),
                **counts,
            }
        )
    totals = {
        key: sum(kind[key] for kind in kinds) for key in ("open", "due_today", "overdue", "decided")
    }
    weeks = [
        {"start": first_monday + dt.timedelta(weeks=index), "received": r, "decided": d}
        for index, (r, d) in enumerate(zip(received, decided, strict=True))
    ]
    return {"kinds": kinds, "totals": totals, "weeks": weeks, "chart": chart(weeks)}


def chart(weeks: list[dict]) -> dict:
    """Geometry of a grouped bar chart of ``weeks`` (dicts with ``start``, ``received``,
    ``decided``), in whole SVG user units, for ``admin/moderation/dashboard.html``.

    Returns ``width``, ``height``, ``baseline`` (y of the axis), ``legend_y``, ``max`` (the
    value of a full-height bar) and ``groups``: per week ``label`` (``MM-DD`` of its
    Monday), ``label_x`` and ``bars``, two dicts (``series`` ``"received"`` then
    ``"decided"``) with ``value``, ``x``, ``y``, ``width``, ``height``, ``text_x`` and
    ``text_y`` (where the value is printed, above the bar).
    """
    top = max([1, *(week[key] for week in weeks for key in ("received", "decided"))])
    baseline = _TOP + _PLOT_HEIGHT
    groups = []
    for index, week in enumerate(weeks):
        left = _LEFT + index * _GROUP_WIDTH
        first_x = left + (_GROUP_WIDTH - 2 * _BAR_WIDTH - _BAR_GAP) // 2
        bars = []
        for position, series in enumerate(("received", "decided")):
            value = week[series]
            height = round(value / top * _PLOT_HEIGHT)
            x = first_x + position * (_BAR_WIDTH + _BAR_GAP)
            bars.append(
                {
                    "series": series,
                    "value": value,
                    "x": x,
                    "y": baseline - height,
                    "width": _BAR_WIDTH,
                    "height": height,
                    "text_x": x + _BAR_WIDTH // 2,
                    "text_y": baseline - height - 4,
                }
            )
        groups.append(
            {
                "label": week["start"].strftime("%m-%d"),
                "label_x": left + _GROUP_WIDTH // 2,
                "bars": bars,
            }
        )
    width = 2 * _LEFT + len(weeks) * _GROUP_WIDTH
    return {
        "width": width,
        "height": baseline + 52,
        "baseline": baseline,
        "axis_end": width - _LEFT,
        "label_y": baseline + 16,
        "legend_y": baseline + 34,
        "max": top,
        "groups": groups,
    }


@register.inclusion_tag("admin/moderation/dashboard.html", takes_context=True)
def moderation_dashboard(context):
    """The moderation panel of the admin index, for users with ``moderation.view_notice``;
    nothing for anybody else."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.has_perm("moderation.view_notice"):
        return {"dashboard": None}
    return {"dashboard": dashboard_numbers()}


@register.inclusion_tag("admin/moderation/includes/time_left.html")
def case_time_left(case):
    """ "剩余 …" / "已逾期 …" for an open ``case``; a dash once it is decided."""
    if not case.is_open:
        return {"left": None}
    return {"left": time_left_parts(case.due_at)}


@register.filter
def state_label(value: str, case) -> str:
    """The display label of the status ``value`` of ``case``'s model (``in_review`` → 审核中);
    ``value`` itself when it is not one of them, a dash when empty."""
    if not value:
        return "—"
    return str(workflow.STATE_LABELS[case.kind].get(value, value))


@register.filter
def action_label(value: str, case) -> str:
    """The display label of the audit action ``value`` on ``case`` (``submit`` → 提交)."""
    return workflow.action_label(case.kind, value)
