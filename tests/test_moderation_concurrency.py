"""Concurrent moderation on real database connections: two moderators deciding one case,
several people submitting at once, two processes running the due restorations.

Each thread has its own database connection (Django's connections are per thread) and closes
it at the end. On SQLite the test database is a file and transactions are IMMEDIATE with a
busy timeout (see newsroom/settings.py), so writers queue; on PostgreSQL the services'
``SELECT … FOR UPDATE`` serializes them. CI runs this module on both.

These tests commit for real (``transaction=True``), so e-mail is sent on commit as in
production. The database is emptied after each such test (and possibly before, by another
module's), so the 审核员 group of the data migration is made again when missing.
"""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection, connections, transaction
from django.utils import timezone

from articles.models import Article
from moderation import services
from moderation.models import CounterNotice, Event, Notice, Report, ReviewRequest
from moderation.services import NotAllowed
from moderation.workflow import (
    CounterNoticeStatus,
    NoticeStatus,
    ReportStatus,
    TransitionNotAllowed,
)
from tests.factories import ArticleFactory, make_user, moderators_group
from tests.moderation_cases import (
    IP,
    REASONS,
    counter_data,
    make_moderator,
    notice_data,
    report_data,
    submit_counter,
    submit_notice,
)

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
TIMEOUT = 60  # seconds; far above the SQLite busy timeout (20 s)
ON_POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def ensure_moderators_group():
    """The group the data migration makes; a flush by an earlier transactional test removes
    it (``serialized_rollback`` cannot restore it once the flush's ``post_migrate`` has made
    new content types)."""
    moderators_group()


@pytest.fixture(autouse=True)
def policy(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    settings.MODERATION_RESTORE_POLICY = "wait"
    settings.MODERATION_REVIEW_WINDOW_DAYS = 183
    settings.MODERATION_NOTIFY_EMAILS = []
    settings.SITE_URL = ""


def at_once(*functions):
    """Run each of ``functions`` in its own thread, released together by a barrier; returns
    what each returned or raised, in order. Every thread closes its connections."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def run(index, function):
        try:
            barrier.wait(timeout=TIMEOUT)
            results[index] = function()
        except Exception as error:  # handed to the test, which checks each outcome
            results[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, function), daemon=True)
        for index, function in enumerate(functions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return results


def outcome(results):
    """``(successes, refusals)``: the results split into returned values and exceptions."""
    successes = [r for r in results if not isinstance(r, Exception)]
    errors = [r for r in results if isinstance(r, Exception)]
    return successes, errors


@pytest.fixture
def people():
    poster = make_user("reader", username="poster", email="poster@example.com")
    article = ArticleFactory(published=True, poster=poster)
    return article, make_moderator("moderator-1"), make_moderator("moderator-2")


# --- Two decisions on one case --------------------------------------------------------------


@pytest.mark.parametrize(
    "first, second",
    [("accept", "accept"), ("accept", "reject"), ("reject", "accept")],
)
def test_two_moderators_deciding_one_notice_at_once_one_wins(people, first, second):
    article, one, two = people
    notice = submit_notice(article)
    decide = {"accept": services.accept_notice, "reject": services.reject_notice}
    mail.outbox.clear()

    def by(name, moderator):
        # Each moderator's page was loaded while the notice was still open.
        stale = Notice.objects.get(pk=notice.pk)
        return lambda: decide[name](stale, moderator, REASONS)

    results = at_once(by(first, one), by(second, two))

    successes, errors = outcome(results)
    assert len(successes) == 1, results
    assert len(errors) == 1 and isinstance(errors[0], TransitionNotAllowed), results
    winner_index = 0 if successes[0] is results[0] else 1
    winner, action = [(one, first), (two, second)][winner_index]
    notice.refresh_from_db()
    assert notice.decided_by == winner
    assert notice.status == (NoticeStatus.ACCEPTED if action == "accept" else NoticeStatus.REJECTED)
    decisions = [e for e in notice.events() if e.action in ("accept", "reject")]
    assert [(e.action, e.actor) for e in decisions] == [(action, winner)]
    assert Article.objects.get(pk=article.pk).is_removed is (action == "accept")
    # One decision, so one e-mail to the sender, and the poster told at most once.
    assert len([m for m in mail.outbox if m.to == ["claimant@example.com"]]) == 1
    forwarded = [m for m in mail.outbox if m.to == ["poster@example.com"]]
    assert len(forwarded) == (1 if action == "accept" else 0)


def test_two_moderators_deciding_one_report_at_once_one_wins(people):
    article, one, two = people
    report = services.submit_report(article=article, data=report_data(), ip=IP).case

    def by(moderator, take_action):
        stale = Report.objects.get(pk=report.pk)
        return lambda: services.decide_report(stale, moderator, REASONS, take_action=take_action)

    results = at_once(by(one, True), by(two, False))

    successes, errors = outcome(results)
    assert len(successes) == 1 and len(errors) == 1, results
    assert isinstance(errors[0], TransitionNotAllowed)
    report.refresh_from_db()
    assert report.status in (ReportStatus.ACTION_TAKEN, ReportStatus.NO_ACTION)
    assert Event.objects.for_object(report).exclude(facts="").count() == 1
    assert Article.objects.get(pk=article.pk).is_removed is (
        report.status == ReportStatus.ACTION_TAKEN
    )


# --- Many submissions at once ---------------------------------------------------------------


@pytest.mark.parametrize("kind", ["notice", "report", "mixed"])
def test_simultaneous_submissions_are_all_stored_with_unique_numbers(people, kind):
    article, _, _ = people
    articles = [ArticleFactory(published=True) for _ in range(THREADS)]

    def notice(index):
        return lambda: (
            services.submit_notice(
                articles=[articles[index]],
                data=notice_data(email=f"claimant{index}@example.com"),
                ip=IP,
            ).case
        )

    def report(index):
        return lambda: (
            services.submit_report(
                article=article, data=report_data(contact_email=f"r{index}@example.com"), ip=IP
            ).case
        )

    make = {
        "notice": notice,
        "report": report,
        "mixed": lambda i: (notice if i % 2 else report)(i),
    }[kind]
    results = at_once(*(make(index) for index in range(THREADS)))

    successes, errors = outcome(results)
    assert errors == []
    numbers = [case.tracking_number for case in successes]
    assert len(set(numbers)) == THREADS
    stored = [
        *Notice.objects.values_list("tracking_number", flat=True),
        *Report.objects.values_list("tracking_number", flat=True),
    ]
    assert sorted(stored) == sorted(numbers)
    for case in successes:
        case = type(case).objects.get(pk=case.pk)
        year = timezone.localtime(case.received_at).year
        assert case.tracking_number == f"{case.prefix}-{year}-{case.pk:06d}"
        assert case.status == "received"
        assert [e.action for e in case.events()] == ["submit"]
    # Every sender was confirmed once, and moderators were alerted of every case.
    confirmations = [m for m in mail.outbox if "moderator-1@example.com" not in m.to]
    assert len({m.to[0] for m in confirmations}) == len(confirmations) == THREADS
    alerts = [m for m in mail.outbox if "moderator-1@example.com" in m.to]
    assert len(alerts) == THREADS


def test_a_notice_sent_while_the_same_senders_first_is_being_stored_is_a_duplicate(people):
    article, _, _ = people
    first_stored, second_done = threading.Event(), threading.Event()

    def first():
        # The first request is still inside its transaction (as the notice view's
        # transaction is while evidence files are written) when the second arrives.
        with transaction.atomic():
            notice = submit_notice(article)
            first_stored.set()
            # On PostgreSQL the second goes ahead at once; on SQLite it waits for this
            # transaction's write lock, so this gives up waiting after a while and commits.
            second_done.wait(timeout=3)
        return notice

    def second():
        assert first_stored.wait(timeout=TIMEOUT)
        try:
            return submit_notice(article)
        finally:
            second_done.set()

    results = at_once(first, second)

    assert outcome(results)[1] == [], results
    statuses = sorted(Notice.objects.values_list("status", flat=True))
    assert statuses == [NoticeStatus.DUPLICATE, NoticeStatus.RECEIVED]
    original = Notice.objects.get(status=NoticeStatus.RECEIVED)
    assert Notice.objects.get(status=NoticeStatus.DUPLICATE).duplicate_of == original
    alerts = [m for m in mail.outbox if "moderator-1@example.com" in m.to]
    assert len(alerts) == 1


# --- Other one-at-a-time rules --------------------------------------------------------------


def test_two_requests_for_review_at_once_open_one_review(people):
    article, one, _ = people
    notice = submit_notice(article)
    services.reject_notice(notice, one, REASONS)

    def request(role):
        stale = Notice.objects.get(pk=notice.pk)
        return lambda: services.submit_review_request(case=stale, role=role, explanation="x")

    results = at_once(request("sender"), request("poster"))

    successes, errors = outcome(results)
    assert len(successes) == 1 and len(errors) == 1, results
    assert isinstance(errors[0], NotAllowed)
    assert ReviewRequest.objects.count() == 1


def test_two_counter_notices_at_once_for_one_article_store_one(people):
    article, one, _ = people
    notice = submit_notice(article)
    services.accept_notice(notice, one, REASONS)

    def counter(index):
        return lambda: (
            services.submit_counter_notice(
                notice=notice,
                article=article,
                data=counter_data(email=f"poster{index}@example.com"),
                ip=IP,
            ).case
        )

    results = at_once(counter(1), counter(2))

    successes, errors = outcome(results)
    assert len(successes) == 1 and len(errors) == 1, results
    assert isinstance(errors[0], NotAllowed)
    assert CounterNotice.objects.count() == 1


def test_two_runs_of_the_due_restorations_at_once_restore_once(people):
    article, one, _ = people
    notice = submit_notice(article)
    services.accept_notice(notice, one, REASONS)
    counter = submit_counter(notice, article)
    services.accept_counter_notice(counter, one, REASONS)
    counter.refresh_from_db()
    after_due = counter.restore_due_at + dt.timedelta(seconds=1)

    results = at_once(
        lambda: services.run_due(now=after_due), lambda: services.run_due(now=after_due)
    )

    successes, errors = outcome(results)
    assert errors == [], results
    assert sorted(len(done) for done in successes) == [0, 1]
    counter.refresh_from_db()
    assert counter.status == CounterNoticeStatus.RESTORED
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.RESTORED
    assert Article.objects.published().filter(pk=article.pk).exists()
    assert [e.action for e in counter.events()].count("restore") == 1
