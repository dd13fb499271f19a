"""``manage.py moderation_due``: due restorations carried out, overdue cases listed, and the
exit status a cron job or a monitoring check can act on."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from moderation import services
from moderation.management.commands.moderation_due import format_duration
from moderation.models import CounterNotice, Notice, Report
from moderation.workflow import CounterNoticeStatus, NoticeStatus
from tests.factories import ArticleFactory, make_user
from tests.test_moderation_admin import (
    REASONS,
    submit_counter_notice,
    submit_notice,
    submit_report,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"


@pytest.fixture
def moderator():
    return make_user("staff", username="moderator")


def run(*args):
    """Run the command; returns ``(exit status, output)``."""
    out = StringIO()
    try:
        call_command("moderation_due", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


def accepted_counter_notice(moderator, *, accepted_at=None):
    article = ArticleFactory(published=True)
    notice = submit_notice(article)
    services.accept_notice(notice, moderator, REASONS)
    counter = submit_counter_notice(notice, article)
    services.accept_counter_notice(counter, moderator, REASONS, now=accepted_at)
    counter.refresh_from_db()
    return counter, notice, article


def test_a_due_restoration_is_carried_out_and_printed(client, moderator):
    counter, notice, article = accepted_counter_notice(
        moderator, accepted_at=timezone.now() - dt.timedelta(days=20)
    )
    assert counter.restore_due_at < timezone.now()
    assert client.get(article.get_absolute_url()).status_code == 451

    status, output = run()

    assert status == 0
    assert counter.tracking_number in output
    assert notice.tracking_number in output
    assert "Restored article" in output
    assert "No case is overdue." in output
    counter.refresh_from_db()
    notice.refresh_from_db()
    assert counter.status == CounterNoticeStatus.RESTORED
    assert notice.status == NoticeStatus.RESTORED
    assert client.get(article.get_absolute_url()).status_code == 200
    event = counter.events().last()
    assert (event.action, event.actor, event.automated) == ("restore", None, True)
    assert event.facts and event.legal_ground

    # Run again: nothing more to do.
    assert run() == (0, "No restoration due.\nNo case is overdue.\n")


def test_a_restoration_waits_for_its_due_time_and_for_a_reported_lawsuit(
    client, moderator, settings
):
    waiting, _notice, waiting_article = accepted_counter_notice(moderator)
    held, _other, held_article = accepted_counter_notice(
        moderator, accepted_at=timezone.now() - dt.timedelta(days=16)
    )
    # Reported in time, an hour before the waiting period ended (yesterday); a moderator
    # now has 3 working days from then, so nothing is overdue yet.
    services.report_legal_action(
        counter=held,
        note="已向某某区人民法院起诉。",
        now=held.restore_due_at - dt.timedelta(hours=1),
    )
    assert held.restore_due_at < timezone.now()

    status, output = run("--quiet")

    assert (status, output) == (0, "")
    for counter in (waiting, held):
        counter.refresh_from_db()
        assert counter.status == CounterNoticeStatus.WAITING
    assert client.get(waiting_article.get_absolute_url()).status_code == 451
    assert client.get(held_article.get_absolute_url()).status_code == 451


def test_a_shorter_wait_from_settings_is_honoured(client, moderator, settings):
    settings.MODERATION_RESTORE_WAIT = 1
    counter, _notice, _article = accepted_counter_notice(
        moderator, accepted_at=timezone.now() - dt.timedelta(days=3)
    )

    status, output = run("--quiet")

    assert status == 0
    assert counter.tracking_number in output
    counter.refresh_from_db()
    assert counter.status == CounterNoticeStatus.RESTORED


def test_overdue_cases_of_every_kind_are_listed_and_the_exit_status_is_2(moderator):
    long_ago = timezone.now() - dt.timedelta(days=40)
    notice = submit_notice(now=long_ago, email="old@example.com")
    report = submit_report(now=long_ago)
    decided = submit_notice(now=long_ago, email="decided@example.com")
    services.reject_notice(decided, moderator, REASONS)
    fresh = submit_notice(email="fresh@example.com")

    status, output = run()

    assert status == 2
    lines = [line for line in output.splitlines() if line.startswith("OVERDUE")]
    assert len(lines) == 2
    assert notice.tracking_number in output and "notice" in output
    assert report.tracking_number in output and "report" in output
    assert decided.tracking_number not in output
    assert fresh.tracking_number not in output
    assert "overdue by " in output
    assert "2 open case(s) overdue." in output


def test_overdue_lines_say_when_it_was_due_and_by_how_much(moderator):
    notice = submit_notice(now=timezone.now() - dt.timedelta(days=40))
    due = timezone.localtime(Notice.objects.get(pk=notice.pk).due_at)

    status, output = run("--quiet")

    assert status == 2
    line = next(line for line in output.splitlines() if notice.tracking_number in line)
    assert f"due {due:%Y-%m-%d %H:%M}" in line
    assert "overdue by " in line and "d " in line


def test_nothing_overdue_exits_0(moderator):
    submit_notice()
    submit_report()
    assert Report.objects.count() == 1 and CounterNotice.objects.count() == 0

    assert run() == (0, "No restoration due.\nNo case is overdue.\n")
    assert run("--quiet") == (0, "")


def test_durations_are_short_and_rounded_down():
    assert format_duration(dt.timedelta(days=2, hours=3, minutes=59)) == "2d 3h"
    assert format_duration(dt.timedelta(hours=5, minutes=10, seconds=59)) == "5h 10m"
    assert format_duration(dt.timedelta(minutes=12)) == "12m"
