"""Notice and action through moderation.services: every allowed and refused transition of
every kind of case, statements of reasons, the append-only audit trail, tracking numbers,
e-mails, duplicates and repeats, counter-notices and their waiting period, requests for
review, mail failures and private status links.

Cases are made only through the services, as the public forms and the admin make them.
"""

import datetime as dt
import re
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.test import Client
from django.utils import timezone, translation

from articles import services as article_services
from articles.models import Article
from moderation import deadlines, services, workflow
from moderation.models import CounterNotice, Event, Notice, Report, ReviewRequest
from moderation.services import NotAllowed, Reasons, ReasonsRequired
from moderation.workflow import (
    CounterNoticeStatus,
    NoticeStatus,
    ReportStatus,
    ReviewStatus,
    TransitionNotAllowed,
)
from tests.factories import ArticleFactory, make_user
from tests.moderation_cases import (
    CLAIMANT_ADDRESS,
    CLAIMANT_EMAIL,
    CLAIMANT_PHONE,
    IP,
    REASONS,
    STATUS_LINK,
    counter_data,
    make_moderator,
    notice_data,
    report_data,
    submit_counter,
    submit_notice,
    submit_report,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def fresh(case):
    return type(case).objects.get(pk=case.pk)


def article_state(article) -> tuple:
    article = Article.objects.get(pk=article.pk)
    return (article.removed_at, article.removal_reason, article.removal_notice)


def sent_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def status_path(body: str) -> str:
    """The path of the (single) private status link in an e-mail body."""
    links = STATUS_LINK.findall(body)
    assert len(links) == 1, body
    return urlsplit(links[0]).path


class Cases:
    """Makes a case of any kind in any state through the services: decisions by
    ``moderator``, answers to requests for review by ``reviewer``."""

    def __init__(self, article, moderator, reviewer):
        self.article = article
        self.moderator = moderator
        self.reviewer = reviewer

    def make(self, kind: str, state: str):
        return getattr(self, kind)(state)

    def notice(self, state: str) -> Notice:
        notice = submit_notice(self.article)
        m = self.moderator
        if state == NoticeStatus.RECEIVED:
            pass
        elif state == NoticeStatus.IN_REVIEW:
            services.start_review(notice, m)
        elif state == NoticeStatus.ACCEPTED:
            services.accept_notice(notice, m, REASONS)
        elif state == NoticeStatus.REJECTED:
            services.reject_notice(notice, m, REASONS)
        elif state == NoticeStatus.RESTORED:
            services.accept_notice(notice, m, REASONS)
            counter = submit_counter(notice, self.article)
            services.accept_counter_notice(counter, m, REASONS)
            services.restore_after_counter_notice(counter, m, REASONS)
        elif state == NoticeStatus.DUPLICATE:
            notice = submit_notice(self.article)
        else:  # pragma: no cover
            raise AssertionError(state)
        return fresh(notice)

    def report(self, state: str) -> Report:
        m = self.moderator
        if state == ReportStatus.ALREADY_REMOVED:
            article_services.take_down(self.article, Article.Removal.RIGHTS_NOTICE)
        report = submit_report(self.article)
        if state in (ReportStatus.RECEIVED, ReportStatus.ALREADY_REMOVED):
            pass
        elif state == ReportStatus.IN_REVIEW:
            services.start_review(report, m)
        elif state == ReportStatus.ACTION_TAKEN:
            services.decide_report(report, m, REASONS, take_action=True)
        elif state == ReportStatus.NO_ACTION:
            services.decide_report(report, m, REASONS, take_action=False)
        elif state == ReportStatus.RESTORED:
            services.decide_report(report, m, REASONS, take_action=True)
            review = services.submit_review_request(
                case=report, role="poster", explanation="请复核。"
            )
            services.decide_review(review, self.reviewer, REASONS, reverse=True)
        else:  # pragma: no cover
            raise AssertionError(state)
        return fresh(report)

    def counter_notice(self, state: str) -> CounterNotice:
        m = self.moderator
        notice = self.notice(NoticeStatus.ACCEPTED)
        counter = submit_counter(notice, self.article)
        if state == CounterNoticeStatus.RECEIVED:
            pass
        elif state == CounterNoticeStatus.IN_REVIEW:
            services.start_review(counter, m)
        elif state == CounterNoticeStatus.REJECTED:
            services.reject_counter_notice(counter, m, REASONS)
        else:
            services.accept_counter_notice(counter, m, REASONS)
            if state == CounterNoticeStatus.RESTORED:
                services.restore_after_counter_notice(counter, m, REASONS)
            elif state == CounterNoticeStatus.KEPT_DOWN:
                services.keep_down(counter, m, REASONS)
            else:
                assert state == CounterNoticeStatus.WAITING
        return fresh(counter)

    def review(self, state: str) -> ReviewRequest:
        notice = self.notice(NoticeStatus.REJECTED)
        review = services.submit_review_request(
            case=notice, role="sender", explanation="通知完全符合要求，请复核。"
        )
        if state != ReviewStatus.OPEN:
            services.decide_review(
                review, self.reviewer, REASONS, reverse=state == ReviewStatus.REVERSED
            )
        return fresh(review)


def perform(cases: Cases, kind: str, name: str, case, reasons=REASONS):
    """Carry out transition ``name`` of ``case`` through the service that does it; returns
    the acting user. Restoring or reversing a notice or report is done by answering a
    request for review."""
    m, r = cases.moderator, cases.reviewer
    if name == "start_review":
        services.start_review(case, m)
        return m
    if kind in ("notice", "report") and name in ("restore", "reverse"):
        review = services.submit_review_request(case=case, role="sender", explanation="请复核。")
        services.decide_review(review, r, reasons, reverse=True)
        return r
    call = {
        ("notice", "accept"): lambda: services.accept_notice(case, m, reasons),
        ("notice", "reject"): lambda: services.reject_notice(case, m, reasons),
        ("report", "take_action"): lambda: services.decide_report(
            case, m, reasons, take_action=True
        ),
        ("report", "no_action"): lambda: services.decide_report(
            case, m, reasons, take_action=False
        ),
        ("counter_notice", "accept"): lambda: services.accept_counter_notice(case, m, reasons),
        ("counter_notice", "reject"): lambda: services.reject_counter_notice(case, m, reasons),
        ("counter_notice", "keep_down"): lambda: services.keep_down(case, m, reasons),
        ("counter_notice", "restore"): lambda: services.restore_after_counter_notice(
            case, m, reasons
        ),
        ("review", "uphold"): lambda: services.decide_review(case, r, reasons, reverse=False),
        ("review", "reverse"): lambda: services.decide_review(case, r, reasons, reverse=True),
    }[kind, name]
    call()
    return r if kind == "review" else m


#: Every state of every kind.
STATES = {
    "notice": NoticeStatus.values,
    "report": ReportStatus.values,
    "counter_notice": CounterNoticeStatus.values,
    "review": ReviewStatus.values,
}
STATE_LABELS = {
    "notice": dict(NoticeStatus.choices),
    "report": dict(ReportStatus.choices),
    "counter_notice": dict(CounterNoticeStatus.choices),
    "review": dict(ReviewStatus.choices),
}
#: Transitions with a service of their own (the others happen only as part of a review).
DIRECT = {
    "notice": ("start_review", "accept", "reject"),
    "report": ("start_review", "take_action", "no_action"),
    "counter_notice": ("start_review", "accept", "reject", "keep_down", "restore"),
    "review": ("uphold", "reverse"),
}

#: Transitions only the services make on their own (no moderator calls them): tested apart.
SYSTEM_ONLY = {("notice", "reopen"), ("report", "reopen")}
ALLOWED = [
    pytest.param(kind, name, source, id=f"{kind}-{name}-from-{source}")
    for kind, table in workflow.WORKFLOWS.items()
    for name, move in table.items()
    for source in move.sources
    if (kind, name) not in SYSTEM_ONLY
]
REFUSED = [
    pytest.param(kind, name, state, id=f"{kind}-{name}-from-{state}")
    for kind, names in DIRECT.items()
    for name in names
    for state in STATES[kind]
    if state not in workflow.WORKFLOWS[kind][name].sources
]


@pytest.fixture(autouse=True)
def policy(settings):
    """The documented defaults, whatever the environment of the run says."""
    settings.TIME_ZONE = "Asia/Shanghai"
    settings.MODERATION_HOLIDAY_COUNTRY = "CN"
    settings.MODERATION_RESTORE_POLICY = "wait"
    settings.MODERATION_RESTORE_WAIT = 15
    settings.MODERATION_RESTORE_WAIT_UNIT = "days"
    settings.MODERATION_REVIEW_WINDOW_DAYS = 183
    settings.MODERATION_NOTIFY_EMAILS = []
    settings.SITE_URL = ""


@pytest.fixture
def poster():
    return make_user("reader", username="poster", email="poster@example.com")


@pytest.fixture
def moderator():
    return make_moderator("moderator")


@pytest.fixture
def reviewer():
    return make_moderator("reviewer")


@pytest.fixture
def article(poster):
    return ArticleFactory(published=True, poster=poster, title="被投诉的文章")


@pytest.fixture
def cases(article, moderator, reviewer):
    return Cases(article, moderator, reviewer)


# --- The table itself -----------------------------------------------------------------------


def test_the_table_covers_every_state_and_every_transition_leads_to_a_state():
    for kind, table in workflow.WORKFLOWS.items():
        for move in table.values():
            assert move.target in STATES[kind]
            assert set(move.sources) <= set(STATES[kind])
        assert set(workflow.OPEN_STATES[kind]) <= set(STATES[kind])
    assert [move.name for move in workflow.allowed("notice", NoticeStatus.DUPLICATE)] == ["reopen"]
    assert [move.name for move in workflow.allowed("report", ReportStatus.ALREADY_REMOVED)] == [
        "reopen"
    ]


@pytest.mark.parametrize("kind", list(workflow.WORKFLOWS))
def test_transition_answers_exactly_what_the_table_says(kind):
    for state in STATES[kind]:
        allowed = {move.name for move in workflow.allowed(kind, state)}
        for name, move in workflow.WORKFLOWS[kind].items():
            if name in allowed:
                assert workflow.transition(kind, state, name) is move
            else:
                with pytest.raises(TransitionNotAllowed):
                    workflow.transition(kind, state, name)
        with translation.override("en"), pytest.raises(TransitionNotAllowed) as error:
            workflow.transition(kind, state, "delete")
        assert str(error.value) == "“delete” is not an action on this case."


# --- Every allowed transition through the services ------------------------------------------


@pytest.mark.parametrize("kind, name, source", ALLOWED)
def test_every_allowed_transition_moves_the_case_and_writes_one_event(
    cases, django_capture_on_commit_callbacks, kind, name, source
):
    move = workflow.WORKFLOWS[kind][name]
    case = first = cases.make(kind, source)
    assert case.status == source
    before = list(case.events().values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        actor = perform(cases, kind, name, case)

    case = fresh(case)
    assert case.status == move.target
    new = list(case.events().exclude(pk__in=before))
    assert len(new) == 1, [(e.action, e.from_state, e.to_state) for e in new]
    event = new[0]
    assert (event.action, event.from_state, event.to_state) == (name, source, move.target)
    assert event.actor == actor
    assert event.actor_name == actor.get_username()
    assert event.object_repr == str(case)
    assert event.case == case
    if move.decision:
        assert event.facts == REASONS.facts
        assert event.legal_ground == REASONS.legal_ground
        assert event.automated is False
        assert event.decision == str(move.label)
        assert event.redress == services.redress_text(kind, name)
        assert event.is_decision
        if first.decided_at is None:
            assert (case.decided_at, case.decided_by) == (event.created_at, actor)
        else:
            # decided_at/by keep the first decision (what the 3-working-day promise
            # measures); a later one is in the audit trail only.
            assert (case.decided_at, case.decided_by) == (first.decided_at, first.decided_by)
    else:
        assert (event.facts, event.legal_ground, event.decision, event.redress) == ("",) * 4
        assert not event.is_decision
        assert (case.decided_at, case.decided_by) == (None, None)


# --- Every refused transition through the services ------------------------------------------


@pytest.mark.parametrize("kind, name, state", REFUSED)
def test_every_refused_transition_says_why_and_changes_nothing(
    cases, django_capture_on_commit_callbacks, kind, name, state
):
    case = cases.make(kind, state)
    events = Event.objects.count()
    article_before = article_state(cases.article)
    mail.outbox.clear()

    with (
        translation.override("en"),
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(TransitionNotAllowed) as error,
    ):
        perform(cases, kind, name, case)

    with translation.override("en"):
        label = str(workflow.WORKFLOWS[kind][name].label)
        state_label = str(STATE_LABELS[kind][state])
    # The action and the state as the moderator reads them, not the stored codes.
    assert str(error.value) == f"Cannot {label} a case that is “{state_label}”."
    assert fresh(case).status == state
    assert Event.objects.count() == events
    assert article_state(cases.article) == article_before
    assert mail.outbox == []


@pytest.mark.parametrize(
    "kind, state",
    [("notice", NoticeStatus.RESTORED), ("report", ReportStatus.ALREADY_REMOVED)],
)
def test_a_decision_the_workflow_has_no_way_back_from_cannot_be_reviewed(cases, kind, state):
    case = cases.make(kind, state)
    with pytest.raises(NotAllowed):
        services.submit_review_request(case=case, role="sender", explanation="请复核。")
    assert ReviewRequest.objects.count() == 0
    page = Client().get(case.status_url("sender"))
    assert page.status_code == 200 and "review_form" not in page.context


def test_rejecting_a_notice_puts_its_duplicates_back_in_the_queue(
    cases, django_capture_on_commit_callbacks
):
    first = cases.make("notice", NoticeStatus.RECEIVED)
    duplicate = services.submit_notice(
        articles=[cases.article], data=notice_data(), evidence=[], ip=IP
    ).case
    assert duplicate.status == NoticeStatus.DUPLICATE
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_notice(first, cases.moderator, REASONS)
    duplicate = fresh(duplicate)
    assert duplicate.status == NoticeStatus.RECEIVED
    assert duplicate.due_at > first.due_at or duplicate.due_at >= first.received_at
    event = duplicate.events().last()
    assert (event.action, event.from_state, event.to_state) == ("reopen", "duplicate", "received")
    assert event.actor is None
    assert any(duplicate.tracking_number in message.subject for message in mail.outbox)


# --- Statements of reasons ------------------------------------------------------------------

#: name -> (kind, state it is decided from, service, its keyword arguments, transition)
DECISIONS = {
    "accept_notice": ("notice", "received", services.accept_notice, {}, "accept"),
    "reject_notice": ("notice", "in_review", services.reject_notice, {}, "reject"),
    "take_action": (
        "report", "received", services.decide_report, {"take_action": True}, "take_action"
    ),
    "no_action": (
        "report", "in_review", services.decide_report, {"take_action": False}, "no_action"
    ),
    "accept_counter": (
        "counter_notice", "received", services.accept_counter_notice, {}, "accept"
    ),
    "reject_counter": (
        "counter_notice", "in_review", services.reject_counter_notice, {}, "reject"
    ),
    "keep_down": ("counter_notice", "waiting", services.keep_down, {}, "keep_down"),
    "restore_counter": (
        "counter_notice", "waiting", services.restore_after_counter_notice, {}, "restore"
    ),
    "uphold": ("review", "open", services.decide_review, {"reverse": False}, "uphold"),
    "reverse": ("review", "open", services.decide_review, {"reverse": True}, "reverse"),
}  # fmt: skip
BAD_REASONS = {
    "no-facts": Reasons(facts="", legal_ground="Art. 14"),
    "no-ground": Reasons(facts="The work is reproduced.", legal_ground=""),
    "blank-facts": Reasons(facts=" \n\t ", legal_ground="Art. 14"),
    "blank-ground": Reasons(facts="The work is reproduced.", legal_ground="\u3000 \n"),
    "none": None,
}


@pytest.mark.parametrize("reasons", BAD_REASONS.values(), ids=BAD_REASONS.keys())
@pytest.mark.parametrize("decision", DECISIONS.keys())
def test_a_decision_without_reasons_is_refused_and_changes_nothing(
    cases, django_capture_on_commit_callbacks, decision, reasons
):
    kind, state, service, kwargs, _ = DECISIONS[decision]
    case = cases.make(kind, state)
    actor = cases.reviewer if kind == "review" else cases.moderator
    events = Event.objects.count()
    article_before = article_state(cases.article)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ReasonsRequired):
        service(case, actor, reasons, **kwargs)

    after = fresh(case)
    assert after.status == state
    assert after.decided_at == case.decided_at
    assert Event.objects.count() == events
    assert article_state(cases.article) == article_before
    if kind == "counter_notice":
        assert after.restore_due_at == case.restore_due_at
    assert mail.outbox == []


@pytest.mark.parametrize(
    "reasons",
    [Reasons(" ", "x"), Reasons("x", "")],
)
def test_reasons_check_refuses_blank_parts(reasons):
    with pytest.raises(ReasonsRequired):
        reasons.check()


@pytest.mark.parametrize("decision", DECISIONS.keys())
def test_a_decision_is_dated_at_the_time_given(cases, decision):
    kind, state, service, kwargs, action = DECISIONS[decision]
    case = cases.make(kind, state)
    actor = cases.reviewer if kind == "review" else cases.moderator
    when = timezone.now() - dt.timedelta(minutes=5)
    service(case, actor, REASONS, now=when, **kwargs)
    event = case.events().get(action=action)
    assert event.created_at == when
    assert fresh(case).decided_at == (when if case.decided_at is None else case.decided_at)


def test_the_stored_reasons_are_trimmed_and_automated_flag_is_kept(cases):
    notice = cases.notice(NoticeStatus.RECEIVED)
    services.reject_notice(
        notice,
        cases.moderator,
        Reasons(facts="  Not a copy.\n", legal_ground=" Art. 14 ", automated=True),
    )
    event = services.last_decision(notice)
    assert (event.facts, event.legal_ground, event.automated) == ("Not a copy.", "Art. 14", True)


# --- The audit trail is append-only ---------------------------------------------------------


def test_events_can_be_neither_changed_nor_deleted(cases):
    notice = cases.notice(NoticeStatus.ACCEPTED)
    event = services.last_decision(notice)
    pks = set(Event.objects.values_list("pk", flat=True))
    original = Event.objects.get(pk=event.pk)

    event.facts = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.save(update_fields=["facts"])
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        Event.objects.filter(pk=event.pk).update(facts="rewritten")
    with pytest.raises(PermissionError):
        Event.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        Event.objects.all().delete()
    with pytest.raises(PermissionError):
        notice.events().update(to_state="received")
    # bulk_update() runs in atomic(savepoint=False): give it a savepoint of its own so that
    # the test's transaction stays usable after the refusal.
    with pytest.raises(PermissionError), transaction.atomic():
        Event.objects.bulk_update([event], ["facts"])
    with pytest.raises(PermissionError), transaction.atomic():
        Event.objects.update_or_create(pk=event.pk, defaults={"facts": "rewritten"})

    assert set(Event.objects.values_list("pk", flat=True)) == pks
    stored = Event.objects.get(pk=event.pk)
    assert (stored.facts, stored.to_state) == (original.facts, original.to_state)


def test_the_submission_is_the_first_event_of_a_case(cases):
    notice = submit_notice(cases.article)
    [event] = notice.events()
    assert (event.action, event.from_state, event.to_state) == ("submit", "", "received")
    assert event.actor is None
    assert event.details["ip"] == IP
    assert event.details["articles"] == [cases.article.pk]


# --- Tracking numbers -----------------------------------------------------------------------


def test_tracking_numbers_have_a_prefix_the_local_year_and_six_digits(cases):
    when = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
    notice = services.submit_notice(
        articles=[cases.article], data=notice_data(), ip=IP, now=when
    ).case
    report = services.submit_report(article=cases.article, data=report_data(), now=when).case
    assert notice.tracking_number == f"TD-2026-{notice.pk:06d}"
    assert report.tracking_number == f"RPT-2026-{report.pk:06d}"
    services.accept_notice(notice, cases.moderator, REASONS)
    counter = services.submit_counter_notice(
        notice=notice, article=cases.article, data=counter_data(), now=when
    ).case
    assert counter.tracking_number == f"CN-2026-{counter.pk:06d}"
    for case in (notice, report, counter):
        assert re.fullmatch(r"(TD|RPT|CN)-2026-\d{6}", fresh(case).tracking_number)
        assert str(case) == case.tracking_number
        assert type(case).objects.by_tracking_number(case.tracking_number.lower()) == case


# --- E-mails and status links ---------------------------------------------------------------


def test_a_notice_is_confirmed_to_the_sender_and_put_before_the_moderators(
    cases, settings, django_capture_on_commit_callbacks, client
):
    settings.MODERATION_NOTIFY_EMAILS = ["legal@example.com", "moderator@example.com"]
    make_moderator("away", is_active=False)
    make_user("staff", username="editor-not-moderator")

    with django_capture_on_commit_callbacks(execute=True):
        notice = submit_notice(cases.article)

    [confirmation] = sent_to(CLAIMANT_EMAIL)
    assert confirmation.to == [CLAIMANT_EMAIL]
    assert notice.tracking_number in confirmation.subject + confirmation.body
    assert timezone.localtime(notice.due_at).strftime("%Y-%m-%d") in confirmation.body
    response = client.get(status_path(confirmation.body))
    assert response.status_code == 200
    assert response.context["role"] == "sender"

    [alert] = [m for m in mail.outbox if m is not confirmation]
    assert sorted(alert.to) == sorted(
        ["moderator@example.com", "reviewer@example.com", "legal@example.com"]
    )
    assert notice.tracking_number in alert.body
    assert f"/admin/moderation/notice/{notice.pk}/change/" in alert.body


def test_accepting_a_notice_forwards_it_to_the_poster_with_a_poster_link(
    cases, django_capture_on_commit_callbacks, client
):
    notice = submit_notice(cases.article)
    mail.outbox.clear()
    assert notice.role_for_token(notice.token_for("poster", cases.article)) is None

    with django_capture_on_commit_callbacks(execute=True):
        services.accept_notice(notice, cases.moderator, REASONS)

    notice = fresh(notice)
    assert notice.poster_notified_at is not None and notice.poster_reached is True
    [forwarded] = sent_to("poster@example.com")
    for text in [notice.tracking_number, notice.work, notice.explanation, REASONS.facts]:
        assert text in forwarded.body
    for private in [CLAIMANT_EMAIL, CLAIMANT_PHONE, CLAIMANT_ADDRESS]:
        assert private not in forwarded.body
    path = status_path(forwarded.body)
    assert path == notice.status_url("poster", cases.article)
    response = client.get(path)
    assert response.status_code == 200
    assert response.context["role"] == "poster"
    assert response.context["counter_notice_url"] == path + "counter-notice/"

    [decision] = sent_to(CLAIMANT_EMAIL)
    assert REASONS.facts in decision.body and REASONS.legal_ground in decision.body
    assert status_path(decision.body) == notice.status_url("sender")
    article = Article.objects.get(pk=cases.article.pk)
    assert article.removal_reason == Article.Removal.RIGHTS_NOTICE
    assert article.removal_notice == ""  # the poster was reached: nothing published


@pytest.mark.parametrize("poster_kind", ["no-email", "no-poster", "inactive"])
def test_a_notice_whose_poster_cannot_be_reached_is_published_redacted_on_the_tombstone(
    moderator, client, django_capture_on_commit_callbacks, poster_kind
):
    poster = {
        "no-email": lambda: make_user(username="silent", email=""),
        "no-poster": lambda: None,
        "inactive": lambda: make_user(username="gone", is_active=False),
    }[poster_kind]()
    article = ArticleFactory(published=True, poster=poster)
    notice = submit_notice(article)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.accept_notice(notice, moderator, REASONS)

    assert fresh(notice).poster_reached is False
    assert [m.to for m in mail.outbox] == [[CLAIMANT_EMAIL]]  # the decision only
    response = client.get(article.get_absolute_url())
    assert response.status_code == 451
    html = response.content.decode()
    assert "权利人通知（已隐去联系方式）" in html
    for shown in [notice.tracking_number, notice.organisation, "李四", notice.work]:
        assert shown in html
    for private in [CLAIMANT_EMAIL, CLAIMANT_PHONE, CLAIMANT_ADDRESS, "claimant@"]:
        assert private not in html


def test_a_second_notice_while_the_first_is_open_is_a_duplicate_not_queued_again(
    cases, django_capture_on_commit_callbacks
):
    first = submit_notice(cases.article)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        submission = services.submit_notice(
            articles=[cases.article], data=notice_data(email="Claimant@Example.COM"), ip=IP
        )

    second = fresh(submission.case)
    assert submission.earlier == first
    assert second.status == NoticeStatus.DUPLICATE
    assert second.duplicate_of == first
    assert second.tracking_number and second.tracking_number != first.tracking_number
    assert second.decided_at is not None and not second.is_open
    [event] = second.events()
    assert event.to_state == NoticeStatus.DUPLICATE
    assert event.details["duplicate_of"] == first.tracking_number
    # Only the confirmation, which names the first notice; no alert to moderators.
    [confirmation] = mail.outbox
    assert confirmation.to == ["Claimant@Example.COM"]
    assert first.tracking_number in confirmation.body
    assert list(first.duplicates.all()) == [second]
    assert list(Notice.objects.open()) == [first]


def test_a_notice_is_no_duplicate_once_the_first_is_decided_or_from_someone_else(cases):
    first = submit_notice(cases.article)
    other_sender = submit_notice(cases.article, email="other@example.com")
    assert other_sender.status == NoticeStatus.RECEIVED
    other_article = submit_notice(ArticleFactory(published=True))
    assert other_article.status == NoticeStatus.RECEIVED
    services.reject_notice(first, cases.moderator, REASONS)
    again = submit_notice(cases.article)
    assert again.status == NoticeStatus.RECEIVED and again.duplicate_of is None


def test_a_notice_repeating_one_that_ended_in_restoration_is_flagged(
    cases, django_capture_on_commit_callbacks
):
    restored = cases.notice(NoticeStatus.RESTORED)
    assert Article.objects.published().filter(pk=cases.article.pk).exists()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        repeat = submit_notice(cases.article)

    repeat = fresh(repeat)
    assert repeat.status == NoticeStatus.RECEIVED
    assert repeat.repeat_of == restored
    assert repeat.events().get().details["repeat_of"] == restored.tracking_number
    [alert] = [m for m in mail.outbox if "moderator@example.com" in m.to]
    assert restored.tracking_number in alert.body
    # The same work on another article is a repeat too; another sender's notice is not.
    same_work = submit_notice(ArticleFactory(published=True))
    assert same_work.repeat_of == restored
    stranger = submit_notice(cases.article, email="stranger@example.com")
    assert stranger.repeat_of is None


def test_a_report_on_an_article_already_taken_down_is_closed_at_once(
    cases, django_capture_on_commit_callbacks
):
    cases.notice(NoticeStatus.ACCEPTED)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        report = submit_report(cases.article)

    report = fresh(report)
    assert report.status == ReportStatus.ALREADY_REMOVED
    assert report.decided_at is not None and not report.is_open
    submit, close = report.events()
    assert submit.action == "submit"
    assert (close.action, close.from_state, close.to_state) == (
        "close_already_removed",
        "received",
        "already_removed",
    )
    assert close.automated is True and close.facts and close.legal_ground
    assert close.actor is None
    assert [m.to for m in mail.outbox] == [["reporter@example.com"]]  # no moderator alert


def test_an_anonymous_report_is_queued_without_a_confirmation(
    cases, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = submit_report(cases.article, contact_email="", contact_name="")
    assert report.is_anonymous and report.status == ReportStatus.RECEIVED
    assert [sorted(m.to) for m in mail.outbox] == [
        ["moderator@example.com", "reviewer@example.com"]
    ]


def test_taking_action_on_a_report_withdraws_the_article_and_tells_the_poster(
    cases, django_capture_on_commit_callbacks, client
):
    report = submit_report(cases.article)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_report(report, cases.moderator, REASONS, take_action=True)
    article = Article.objects.get(pk=cases.article.pk)
    assert article.removal_reason == Article.Removal.ILLEGAL_CONTENT
    [to_poster] = sent_to("poster@example.com")
    [to_reporter] = sent_to("reporter@example.com")
    assert client.get(status_path(to_poster.body)).context["role"] == "poster"
    assert client.get(status_path(to_reporter.body)).context["role"] == "sender"


# --- Counter-notices ------------------------------------------------------------------------


def test_a_counter_notice_is_only_for_an_article_down_under_an_accepted_notice(cases):
    received = submit_notice(cases.article, email="first@example.com")
    with translation.override("en"), pytest.raises(NotAllowed, match="was accepted"):
        submit_counter(received, cases.article)
    accepted = cases.notice(NoticeStatus.ACCEPTED)
    with translation.override("en"), pytest.raises(NotAllowed, match="not taken down"):
        submit_counter(accepted, ArticleFactory(published=True))
    first = submit_counter(accepted, cases.article)
    with pytest.raises(NotAllowed, match=first.tracking_number):
        submit_counter(accepted, cases.article)
    assert CounterNotice.objects.count() == 1


def test_accepted_counter_notice_waits_then_run_due_restores(
    cases, django_capture_on_commit_callbacks
):
    notice = cases.notice(NoticeStatus.ACCEPTED)
    counter = submit_counter(notice, cases.article)
    mail.outbox.clear()
    # Accepted tomorrow at 10:00 in Shanghai: due 15 calendar days later, end of day.
    day = timezone.localdate() + dt.timedelta(days=1)
    accepted_at = dt.datetime.combine(day, dt.time(10, 0), tzinfo=SHANGHAI)
    due_day = day + dt.timedelta(days=15)

    with django_capture_on_commit_callbacks(execute=True):
        services.accept_counter_notice(counter, cases.moderator, REASONS, now=accepted_at)

    counter = fresh(counter)
    assert counter.status == CounterNoticeStatus.WAITING
    assert counter.restore_due_at == deadlines.restoration_due(accepted_at)
    assert counter.restore_due_at == dt.datetime.combine(due_day, dt.time.max, tzinfo=SHANGHAI)
    assert Article.objects.get(pk=cases.article.pk).is_removed
    # Forwarded to the claimant, with the date of the restoration.
    [forwarded] = [m for m in sent_to(CLAIMANT_EMAIL) if counter.tracking_number in m.body]
    assert counter.explanation in forwarded.body
    assert f"{due_day:%Y-%m-%d}" in forwarded.body
    assert status_path(forwarded.body) == notice.status_url("sender")

    last_hour = dt.datetime.combine(due_day, dt.time(23, 0), tzinfo=SHANGHAI)
    assert services.run_due(now=last_hour) == []
    assert Article.objects.get(pk=cases.article.pk).is_removed

    next_day = dt.datetime.combine(due_day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=SHANGHAI)
    with django_capture_on_commit_callbacks(execute=True):
        done = services.run_due(now=next_day)

    assert [c.pk for c in done] == [counter.pk]
    assert Article.objects.published().filter(pk=cases.article.pk).exists()
    assert fresh(counter).status == CounterNoticeStatus.RESTORED
    assert fresh(notice).status == NoticeStatus.RESTORED
    restore = counter.events().get(action="restore")
    assert (restore.actor, restore.automated, restore.created_at) == (None, True, next_day)
    assert counter.tracking_number in restore.facts
    assert services.run_due(now=next_day + dt.timedelta(days=1)) == []


def test_a_reported_complaint_or_lawsuit_holds_the_restoration(
    cases, django_capture_on_commit_callbacks
):
    counter = cases.counter_notice(CounterNoticeStatus.WAITING)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_legal_action(counter=counter, note="已向某区人民法院起诉，案号（2026）…")
    after_due = counter.restore_due_at + dt.timedelta(days=1)

    assert services.run_due(now=after_due) == []
    assert Article.objects.get(pk=cases.article.pk).is_removed
    assert fresh(counter).status == CounterNoticeStatus.WAITING
    assert any("起诉" in m.body or "诉讼" in m.body for m in mail.outbox)

    services.keep_down(counter, cases.moderator, REASONS)
    assert fresh(counter).status == CounterNoticeStatus.KEPT_DOWN
    assert services.run_due(now=after_due) == []
    assert Article.objects.get(pk=cases.article.pk).is_removed
    with pytest.raises(NotAllowed):
        services.report_legal_action(counter=counter, note="again")


def test_the_immediate_policy_restores_when_the_counter_notice_is_accepted(
    cases, settings, django_capture_on_commit_callbacks
):
    settings.MODERATION_RESTORE_POLICY = "immediate"
    notice = cases.notice(NoticeStatus.ACCEPTED)
    counter = submit_counter(notice, cases.article)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.accept_counter_notice(counter, cases.moderator, REASONS)

    counter = fresh(counter)
    assert counter.status == CounterNoticeStatus.RESTORED
    assert counter.restore_due_at is None
    assert fresh(notice).status == NoticeStatus.RESTORED
    assert Article.objects.published().filter(pk=cases.article.pk).exists()
    assert [e.action for e in counter.events()] == ["submit", "accept", "restore"]
    [forwarded] = [m for m in sent_to(CLAIMANT_EMAIL) if counter.tracking_number in m.body]
    assert "文章已恢复" in forwarded.body


def test_restoring_one_article_of_a_notice_keeps_the_notice_accepted_while_another_is_down(
    cases,
):
    other = ArticleFactory(published=True)
    notice = submit_notice([cases.article, other])
    services.accept_notice(notice, cases.moderator, REASONS)
    counter = submit_counter(notice, cases.article)
    services.accept_counter_notice(counter, cases.moderator, REASONS)
    services.restore_after_counter_notice(counter, cases.moderator, REASONS)
    assert Article.objects.published().filter(pk=cases.article.pk).exists()
    assert Article.objects.taken_down().filter(pk=other.pk).exists()
    assert fresh(notice).status == NoticeStatus.ACCEPTED


def test_a_restoration_blocked_by_another_decision_tells_both_sides_it_stays_down(
    cases, django_capture_on_commit_callbacks
):
    cases.report(ReportStatus.ACTION_TAKEN)
    notice = submit_notice(cases.article)
    services.accept_notice(notice, cases.moderator, REASONS)
    counter = submit_counter(notice, cases.article)
    services.accept_counter_notice(counter, cases.moderator, REASONS)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.restore_after_counter_notice(counter, cases.moderator, REASONS)

    assert Article.objects.taken_down().filter(pk=cases.article.pk).exists()
    for address in ["poster@example.com", CLAIMANT_EMAIL]:
        [message] = sent_to(address)
        assert "仍处于删除状态" in message.body, address


def test_an_article_down_for_two_reasons_comes_back_only_when_both_are_lifted(cases):
    report = cases.report(ReportStatus.ACTION_TAKEN)
    notice = submit_notice(cases.article)
    services.accept_notice(notice, cases.moderator, REASONS)
    counter = submit_counter(notice, cases.article)
    services.accept_counter_notice(counter, cases.moderator, REASONS)
    services.restore_after_counter_notice(counter, cases.moderator, REASONS)
    assert fresh(counter).status == CounterNoticeStatus.RESTORED
    # Still down, for the report; the notice no longer holds it.
    assert Article.objects.taken_down().filter(pk=cases.article.pk).exists()
    assert fresh(notice).status == NoticeStatus.RESTORED
    review = services.submit_review_request(case=report, role="poster", explanation="请复核。")
    services.decide_review(review, cases.reviewer, REASONS, reverse=True)
    assert Article.objects.published().filter(pk=cases.article.pk).exists()


# --- Requests for review --------------------------------------------------------------------


def test_a_review_may_be_requested_within_the_window_and_not_after(cases):
    notice = cases.notice(NoticeStatus.REJECTED)
    decided = services.last_decision(notice).created_at
    with translation.override("en"), pytest.raises(NotAllowed, match="has passed"):
        services.submit_review_request(
            case=notice, role="sender", explanation="太迟了", now=decided + dt.timedelta(days=184)
        )
    review = services.submit_review_request(
        case=notice, role="sender", explanation="还来得及", now=decided + dt.timedelta(days=182)
    )
    assert review.status == ReviewStatus.OPEN
    assert review.decision == services.last_decision(notice)
    assert review.due_at == deadlines.response_due(review.received_at)
    assert review.case == notice and review.role == "sender"


def test_the_review_window_follows_the_setting(cases, settings):
    settings.MODERATION_REVIEW_WINDOW_DAYS = 30
    notice = cases.notice(NoticeStatus.ACCEPTED)
    decided = services.last_decision(notice).created_at
    with translation.override("en"), pytest.raises(NotAllowed, match="has passed"):
        services.submit_review_request(
            case=notice, role="poster", explanation="x", now=decided + dt.timedelta(days=31)
        )
    assert ReviewRequest.objects.count() == 0


@pytest.mark.parametrize(
    "kind, state",
    [
        ("notice", NoticeStatus.RECEIVED),
        ("notice", NoticeStatus.IN_REVIEW),
        ("notice", NoticeStatus.DUPLICATE),
        ("report", ReportStatus.RECEIVED),
    ],
)
def test_no_review_before_a_decision(cases, kind, state):
    case = cases.make(kind, state)
    with translation.override("en"), pytest.raises(NotAllowed, match="no decision"):
        services.submit_review_request(case=case, role="sender", explanation="x")
    assert ReviewRequest.objects.count() == 0


def test_only_one_review_at_a_time(cases):
    notice = cases.notice(NoticeStatus.REJECTED)
    first = services.submit_review_request(case=notice, role="sender", explanation="x")
    with translation.override("en"), pytest.raises(NotAllowed, match="already open"):
        services.submit_review_request(case=notice, role="poster", explanation="y")
    services.decide_review(first, cases.reviewer, REASONS, reverse=False)
    # Once answered, the answer itself is a decision that may be reviewed.
    services.submit_review_request(case=notice, role="sender", explanation="z")
    assert ReviewRequest.objects.count() == 2


def test_a_review_must_be_answered_by_another_moderator(cases, django_capture_on_commit_callbacks):
    notice = cases.notice(NoticeStatus.REJECTED)
    review = services.submit_review_request(case=notice, role="sender", explanation="x")
    events = Event.objects.count()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(NotAllowed):
        services.decide_review(review, cases.moderator, REASONS, reverse=True)
    assert fresh(review).status == ReviewStatus.OPEN
    assert fresh(notice).status == NoticeStatus.REJECTED
    assert Event.objects.count() == events
    assert mail.outbox == []
    assert Article.objects.published().filter(pk=cases.article.pk).exists()


def test_reversing_a_rejected_notice_takes_the_article_down(
    cases, django_capture_on_commit_callbacks, client
):
    notice = cases.notice(NoticeStatus.REJECTED)
    review = services.submit_review_request(case=notice, role="sender", explanation="x")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.decide_review(review, cases.reviewer, REASONS, reverse=True)

    assert fresh(review).status == ReviewStatus.REVERSED
    assert fresh(review).decided_by == cases.reviewer
    notice = fresh(notice)
    assert notice.status == NoticeStatus.ACCEPTED
    reverse = notice.events().get(action="reverse")
    assert (reverse.from_state, reverse.actor) == (NoticeStatus.REJECTED, cases.reviewer)
    assert client.get(cases.article.get_absolute_url()).status_code == 451
    assert sent_to("poster@example.com")  # the notice is forwarded to the poster now
    [answer] = [m for m in sent_to(CLAIMANT_EMAIL) if "复核" in m.body]
    assert "原决定已撤销" in answer.body


def test_reversing_an_accepted_notice_restores_the_article(
    cases, django_capture_on_commit_callbacks
):
    notice = cases.notice(NoticeStatus.ACCEPTED)
    review = services.submit_review_request(case=notice, role="poster", explanation="x")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.decide_review(review, cases.reviewer, REASONS, reverse=True)

    assert fresh(notice).status == NoticeStatus.RESTORED
    assert Article.objects.published().filter(pk=cases.article.pk).exists()
    assert {tuple(m.to) for m in mail.outbox} >= {(CLAIMANT_EMAIL,), ("poster@example.com",)}


def test_upholding_changes_nothing_but_the_review(cases):
    notice = cases.notice(NoticeStatus.ACCEPTED)
    review = services.submit_review_request(case=notice, role="poster", explanation="x")
    services.decide_review(review, cases.reviewer, REASONS, reverse=False)
    assert fresh(review).status == ReviewStatus.UPHELD
    assert fresh(notice).status == NoticeStatus.ACCEPTED
    assert Article.objects.taken_down().filter(pk=cases.article.pk).exists()


@pytest.mark.parametrize(
    "state, target, down",
    [
        (ReportStatus.NO_ACTION, ReportStatus.ACTION_TAKEN, True),
        (ReportStatus.ACTION_TAKEN, ReportStatus.RESTORED, False),
    ],
)
def test_reversing_a_report_decision(cases, state, target, down):
    report = cases.report(state)
    review = services.submit_review_request(case=report, role="sender", explanation="x")
    services.decide_review(review, cases.reviewer, REASONS, reverse=True)
    assert fresh(report).status == target
    assert Article.objects.get(pk=cases.article.pk).is_removed is down


# --- Mail failures never lose the record ----------------------------------------------------


class FailingEmailBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("the mail server is down")


def test_a_mail_failure_keeps_the_submission_and_the_decision(
    cases, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.FailingEmailBackend"

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        submission = services.submit_notice(
            articles=[cases.article], data=notice_data(), evidence=[], ip=IP
        )
    assert len(callbacks) == 2  # the confirmation and the alert were attempted

    notice = fresh(submission.case)
    assert notice.tracking_number == f"TD-{timezone.localdate().year}-{notice.pk:06d}"
    assert [e.action for e in notice.events()] == ["submit"]
    assert "Could not send" in caplog.text

    with django_capture_on_commit_callbacks(execute=True):
        services.accept_notice(notice, cases.moderator, REASONS)

    notice = fresh(notice)
    assert notice.status == NoticeStatus.ACCEPTED
    assert [e.action for e in notice.events()] == ["submit", "accept"]
    assert Article.objects.taken_down().filter(pk=cases.article.pk).exists()
    assert mail.outbox == []


# --- Private status links -------------------------------------------------------------------


def test_status_link_tokens(cases):
    notice = submit_notice(cases.article)
    other = submit_notice(ArticleFactory(published=True), email="other@example.com")
    sender, poster = notice.token_for("sender"), notice.token_for("poster", cases.article)
    assert re.fullmatch(r"[0-9a-f]{64}", sender) and sender != poster
    assert notice.role_for_token(sender) == "sender"
    assert notice.role_for_token(poster) is None  # the poster has not been told yet
    assert notice.role_for_token("0" * 64) is None
    assert notice.role_for_token("") is None
    assert notice.role_for_token(other.token_for("sender")) is None

    services.accept_notice(notice, cases.moderator, REASONS)
    notice = fresh(notice)
    assert notice.role_for_token(poster) == "poster"
    assert notice.role_for_token(sender) == "sender"
    assert notice.role_for_token(sender.upper()) is None


def test_a_wrong_status_link_is_404(cases, client):
    notice = submit_notice(cases.article)
    good = notice.status_url("sender")
    assert client.get(good).status_code == 200
    assert client.get(good.replace(notice.token_for("sender"), "0" * 64)).status_code == 404
    assert client.get(notice.status_url("poster", cases.article)).status_code == 404
