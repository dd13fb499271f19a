"""The working-day clock: when a notice, report or counter-notice is due, and when a restoration
after a counter-notice falls due.

Every notice and report is due at the end of the third working day after the day it was
received, on the calendar of ``settings.MODERATION_HOLIDAY_COUNTRY`` (default ``"CN"``,
mainland China) in the site's time zone (Asia/Shanghai). Working days come from the
``holidays`` package: weekends and public holidays are skipped, and the make-up working days
(调休) that the State Council announces for weekends are counted. For example, a notice
received on Tuesday 2025-09-30 is due at the end of Saturday 2025-10-11: 1–8 October are
holidays and Saturday 11 October is a make-up working day.

Years the State Council has not announced yet are computed from the fixed rules alone
(weekends and the statutory holidays), as the ``holidays`` package does.
"""

import datetime as dt
from functools import lru_cache

import holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

#: Notices and reports are decided within this many working days of receipt (the promise
#: on every article page).
RESPONSE_WORKING_DAYS = 3


@lru_cache(maxsize=8)
def _calendar(country: str) -> holidays.HolidayBase:
    # The holidays object fills in years lazily as dates are looked up (expand=True).
    return holidays.country_holidays(country)


def calendar() -> holidays.HolidayBase:
    """The ``holidays`` calendar of ``settings.MODERATION_HOLIDAY_COUNTRY`` (ISO 3166-1
    alpha-2, e.g. ``"CN"``, ``"US"``).

    Raises:
        NotImplementedError: the ``holidays`` package has no calendar for that country.
    """
    return _calendar(settings.MODERATION_HOLIDAY_COUNTRY)


def is_working_day(day: dt.date) -> bool:
    """Whether ``day`` is a working day: not a weekend unless a make-up working day, and not
    a public holiday."""
    return calendar().is_working_day(day)


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The ``count``-th working day after ``day`` (``day`` itself is never counted).

    ``add_working_days(date(2025, 9, 30), 3) == date(2025, 10, 11)``.

    Raises:
        ValueError: ``count`` is less than 1.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    return calendar().get_nth_working_day(day, count)


def end_of_day(day: dt.date) -> dt.datetime:
    """The last microsecond of ``day`` in the site's time zone, as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar date of the aware datetime ``moment`` in the site's time zone."""
    return timezone.localtime(moment).date()


def response_due(received_at: dt.datetime) -> dt.datetime:
    """When an item received at ``received_at`` (aware) must be decided: the end of the
    third working day after the day of receipt (``RESPONSE_WORKING_DAYS``)."""
    return end_of_day(add_working_days(local_date(received_at), RESPONSE_WORKING_DAYS))


def restoration_due(accepted_at: dt.datetime) -> dt.datetime:
    """When an article taken down after a notice is restored, once a counter-notice was
    accepted at ``accepted_at`` (aware), unless the claimant reports a complaint or lawsuit
    first (Civil Code Art. 1196).

    ``settings.MODERATION_RESTORE_WAIT`` days after the day of acceptance, counted in
    calendar days (``MODERATION_RESTORE_WAIT_UNIT = "days"``, the default, 15 days) or in
    working days (``"working_days"``; a site serving US users may set 10 business days, as
    17 U.S.C. §512(g)(2)(C) asks). The period ends at the end of that day.

    Raises:
        django.core.exceptions.ImproperlyConfigured: an unknown unit.
    """
    wait = settings.MODERATION_RESTORE_WAIT
    unit = settings.MODERATION_RESTORE_WAIT_UNIT
    day = local_date(accepted_at)
    if unit == "days":
        return end_of_day(day + dt.timedelta(days=wait))
    if unit == "working_days":
        return end_of_day(add_working_days(day, wait))
    raise ImproperlyConfigured(
        f"MODERATION_RESTORE_WAIT_UNIT must be 'days' or 'working_days', not {unit!r}"
    )


def working_days_between(start: dt.datetime, end: dt.datetime) -> int:
    """Working days after the day of ``start`` up to and including the day of ``end`` (both
    aware): 0 when decided on the day of receipt, 3 when decided on the due day."""
    first, last = local_date(start), local_date(end)
    days, day = 0, first
    while day < last:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            days += 1
    return days


def time_left(due_at: dt.datetime, now: dt.datetime | None = None) -> dt.timedelta:
    """``due_at - now`` (negative once overdue)."""
    return due_at - (now or timezone.now())
