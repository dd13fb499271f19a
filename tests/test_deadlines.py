"""The working-day clock (moderation.deadlines): 3 working days on the mainland-China calendar
of the ``holidays`` package, in Asia/Shanghai, and the restoration wait after a counter-notice.

The calendar facts asserted here come from the ``holidays`` package (State Council notices):
- National Day 2025: 1–8 October off, Sunday 28 September and Saturday 11 October worked;
- Spring Festival 2026: 15–23 February off (16–20 and 23 listed as holidays, the rest are a
  weekend), Saturday 14 February and Saturday 28 February worked;
- United States: Thanksgiving on Thursday 26 November 2026, the Friday after it a working day.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured

from moderation import deadlines, services
from moderation.models import Notice
from tests.factories import ArticleFactory
from tests.moderation_cases import notice_data

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def end_of(year, month, day) -> dt.datetime:
    """The last microsecond of a day in Shanghai."""
    return local(year, month, day, 23, 59, 59, 999_999)


@pytest.fixture(autouse=True)
def site_clock(settings):
    """The documented defaults, whatever the environment of the run says."""
    settings.TIME_ZONE = "Asia/Shanghai"
    settings.MODERATION_HOLIDAY_COUNTRY = "CN"
    settings.MODERATION_RESTORE_WAIT = 15
    settings.MODERATION_RESTORE_WAIT_UNIT = "days"


def test_the_calendar_knows_the_2026_spring_festival_and_its_make_up_days():
    calendar = deadlines.calendar()
    for day in range(16, 21):
        assert dt.date(2026, 2, day) in calendar
    assert dt.date(2026, 2, 23) in calendar
    assert {dt.date(2026, 2, 14), dt.date(2026, 2, 28)} <= set(calendar.weekend_workdays)
    working = {
        dt.date(2026, 2, day): deadlines.is_working_day(dt.date(2026, 2, day))
        for day in range(13, 26)
    }
    assert [day.day for day, works in working.items() if works] == [13, 14, 24, 25]


@pytest.mark.parametrize(
    "received, due",
    [
        # The documented example: 1–8 October off, Saturday 11 October a make-up working day.
        (local(2025, 9, 30, 10, 0), end_of(2025, 10, 11)),
        # Received on a holiday: the count starts after it, the same three days.
        (local(2025, 10, 1, 9, 0), end_of(2025, 10, 11)),
        # Received on the make-up Saturday: it is a working day, but the day of receipt
        # never counts.
        (local(2025, 10, 11, 9, 0), end_of(2025, 10, 15)),
        # Spring Festival 2026: Fri 13 and the make-up Sat 14 count, then nothing until
        # Tue 24.
        (local(2026, 2, 12, 15, 0), end_of(2026, 2, 24)),
        (local(2026, 2, 13, 15, 0), end_of(2026, 2, 25)),
        # Received during the holiday (Chinese New Year's Eve).
        (local(2026, 2, 16, 8, 0), end_of(2026, 2, 26)),
        # The make-up Saturday at the end of the holiday counts.
        (local(2026, 2, 26, 11, 0), end_of(2026, 3, 2)),
        (local(2026, 2, 27, 11, 0), end_of(2026, 3, 3)),
        # An ordinary Friday: the weekend is skipped (Mon 9, Tue 10, Wed 11).
        (local(2026, 3, 6, 17, 0), end_of(2026, 3, 11)),
        # An ordinary Tuesday: Wed, Thu, Fri.
        (local(2026, 3, 10, 9, 0), end_of(2026, 3, 13)),
    ],
    ids=[
        "national-day",
        "received-on-holiday",
        "received-on-make-up-saturday",
        "spring-festival-thursday",
        "spring-festival-friday",
        "received-in-spring-festival",
        "make-up-saturday-counts",
        "friday-before-make-up-saturday",
        "ordinary-friday",
        "ordinary-tuesday",
    ],
)
def test_response_due_is_the_end_of_the_third_working_day(received, due):
    result = deadlines.response_due(received)
    assert result == due
    shown = result.astimezone(SHANGHAI)
    assert (shown.hour, shown.minute, shown.second, shown.microsecond) == (23, 59, 59, 999_999)
    assert result.utcoffset() is not None


def test_due_time_is_end_of_day_in_shanghai_not_utc():
    due = deadlines.response_due(local(2025, 9, 30, 10, 0))
    assert due == dt.datetime(2025, 10, 11, 15, 59, 59, 999_999, tzinfo=UTC)


@pytest.mark.parametrize(
    "received, due",
    [
        # 23:30 Monday in Shanghai is 15:30 UTC Monday: received Monday.
        (local(2025, 9, 29, 23, 30), end_of(2025, 10, 10)),
        # 16:30 UTC Monday is 00:30 Tuesday in Shanghai: received Tuesday, a day later.
        (dt.datetime(2025, 9, 29, 16, 30, tzinfo=UTC), end_of(2025, 10, 11)),
        # 00:30 UTC Tuesday is 08:30 Tuesday in Shanghai.
        (dt.datetime(2025, 9, 30, 0, 30, tzinfo=UTC), end_of(2025, 10, 11)),
        # The same pair on an ordinary Thursday / Friday.
        (local(2026, 3, 5, 23, 30), end_of(2026, 3, 10)),
        (dt.datetime(2026, 3, 5, 16, 30, tzinfo=UTC), end_of(2026, 3, 11)),
    ],
    ids=["2330-local-mon", "0030-local-tue", "0030-utc-tue", "2330-local-thu", "0030-local-fri"],
)
def test_the_day_of_receipt_is_the_shanghai_date(received, due):
    assert deadlines.response_due(received) == due


def test_add_working_days_counts_from_the_day_after():
    assert deadlines.add_working_days(dt.date(2025, 9, 30), 1) == dt.date(2025, 10, 9)
    assert deadlines.add_working_days(dt.date(2025, 9, 30), 3) == dt.date(2025, 10, 11)
    with pytest.raises(ValueError, match="at least 1"):
        deadlines.add_working_days(dt.date(2025, 9, 30), 0)


@pytest.mark.parametrize(
    "accepted, due",
    [
        (local(2026, 3, 2, 10, 0), end_of(2026, 3, 17)),
        # 16:30 UTC on 1 March is already 2 March in Shanghai.
        (dt.datetime(2026, 3, 1, 16, 30, tzinfo=UTC), end_of(2026, 3, 17)),
        # Calendar days ignore holidays: 15 days after 12 February is 27 February.
        (local(2026, 2, 12, 10, 0), end_of(2026, 2, 27)),
    ],
)
def test_restoration_due_in_calendar_days(accepted, due):
    assert deadlines.restoration_due(accepted) == due


def test_restoration_due_in_working_days(settings):
    settings.MODERATION_RESTORE_WAIT = 10
    settings.MODERATION_RESTORE_WAIT_UNIT = "working_days"
    # Oct 9, 10, 11 (make-up), 13, 14, 15, 16, 17, 20, 21.
    assert deadlines.restoration_due(local(2025, 9, 30, 10, 0)) == end_of(2025, 10, 21)
    # Feb 13, 14 (make-up), 24, 25, 26, 27, 28 (make-up), Mar 2, 3, 4.
    assert deadlines.restoration_due(local(2026, 2, 12, 10, 0)) == end_of(2026, 3, 4)


@pytest.mark.parametrize("unit", ["weeks", "", "Days", "business_days"])
def test_an_unknown_restoration_unit_is_a_configuration_error(settings, unit):
    settings.MODERATION_RESTORE_WAIT_UNIT = unit
    with pytest.raises(ImproperlyConfigured, match="MODERATION_RESTORE_WAIT_UNIT"):
        deadlines.restoration_due(local(2026, 3, 2, 10, 0))


@pytest.mark.parametrize(
    "end, days",
    [
        (local(2025, 9, 30, 23, 0), 0),  # decided on the day of receipt
        (local(2025, 10, 1, 12, 0), 0),  # holidays do not count
        (local(2025, 10, 8, 23, 59), 0),
        (local(2025, 10, 9, 0, 1), 1),
        (local(2025, 10, 11, 18, 0), 3),  # the make-up Saturday, the due day
        (local(2025, 10, 12, 18, 0), 3),  # Sunday
        (local(2025, 10, 13, 9, 0), 4),
        # 16:30 UTC on 8 October is 00:30 on 9 October in Shanghai.
        (dt.datetime(2025, 10, 8, 16, 30, tzinfo=UTC), 1),
    ],
)
def test_working_days_between(end, days):
    start = dt.datetime(2025, 9, 30, 2, 0, tzinfo=UTC)  # 10:00 Tuesday in Shanghai
    assert deadlines.working_days_between(start, end) == days


def test_working_days_between_uses_the_local_date_of_the_start():
    # 23:30 Monday in Shanghai; Tuesday 30 September is the first working day after it.
    start = dt.datetime(2025, 9, 29, 15, 30, tzinfo=UTC)
    assert deadlines.working_days_between(start, local(2025, 9, 30, 9, 0)) == 1
    # 00:30 Tuesday in Shanghai (16:30 UTC Monday): Tuesday is the day of receipt.
    start = dt.datetime(2025, 9, 29, 16, 30, tzinfo=UTC)
    assert deadlines.working_days_between(start, local(2025, 9, 30, 9, 0)) == 0


def test_another_country_calendar_changes_the_answer_around_thanksgiving(settings):
    received = local(2026, 11, 25, 10, 0)  # Wednesday before Thanksgiving
    # China: Thu 26, Fri 27, Mon 30.
    assert deadlines.response_due(received) == end_of(2026, 11, 30)
    settings.MODERATION_HOLIDAY_COUNTRY = "US"
    assert not deadlines.is_working_day(dt.date(2026, 11, 26))
    assert deadlines.is_working_day(dt.date(2026, 11, 27))
    # US: Thanksgiving off; Fri 27, Mon 30, Tue 1 December.
    assert deadlines.response_due(received) == end_of(2026, 12, 1)
    settings.MODERATION_RESTORE_WAIT = 10
    settings.MODERATION_RESTORE_WAIT_UNIT = "working_days"
    assert deadlines.restoration_due(received) == end_of(2026, 12, 10)
    # And back: the calendar follows the setting, it is not stuck on the first one used.
    settings.MODERATION_HOLIDAY_COUNTRY = "CN"
    assert deadlines.response_due(received) == end_of(2026, 11, 30)
    assert deadlines.restoration_due(received) == end_of(2026, 12, 9)


def test_the_us_calendar_does_not_know_the_chinese_make_up_days(settings):
    settings.MODERATION_HOLIDAY_COUNTRY = "US"
    assert not deadlines.is_working_day(dt.date(2025, 10, 11))
    assert deadlines.is_working_day(dt.date(2025, 10, 1))
    assert deadlines.response_due(local(2025, 9, 30, 10, 0)) == end_of(2025, 10, 3)


def test_time_left_is_negative_once_overdue():
    due = end_of(2025, 10, 11)
    assert deadlines.time_left(due, local(2025, 10, 11, 23, 0)) > dt.timedelta(0)
    assert deadlines.time_left(due, local(2025, 10, 12, 0, 0)) < dt.timedelta(0)


# --- The clock on stored cases --------------------------------------------------------------


@pytest.mark.django_db
def test_a_submitted_notice_is_due_and_numbered_by_the_shanghai_date():
    article = ArticleFactory(published=True)
    # 16:30 UTC on New Year's Eve is 00:30 on 1 January 2026 in Shanghai, a holiday
    # (1–3 January off, Sunday 4 January worked).
    received = dt.datetime(2025, 12, 31, 16, 30, tzinfo=UTC)
    notice = services.submit_notice(
        articles=[article], data=notice_data(), ip="203.0.113.5", now=received
    ).case
    notice.refresh_from_db()
    assert notice.received_at == received
    assert notice.tracking_number == f"TD-2026-{notice.pk:06d}"
    # Sun 4 (make-up), Mon 5, Tue 6.
    assert notice.due_at == end_of(2026, 1, 6)
    assert deadlines.add_working_days(dt.date(2026, 1, 1), 1) == dt.date(2026, 1, 4)
    assert not Notice.objects.overdue(now=local(2026, 1, 6, 23, 59))
    assert list(Notice.objects.overdue(now=local(2026, 1, 7, 0, 0))) == [notice]
