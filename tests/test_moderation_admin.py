"""The moderators' admin: due-first queues, read-only cases, decisions through the services,
the audit trail and the dashboard on the admin index."""

import datetime as dt
import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from moderation import deadlines, services, workflow
from moderation.models import CounterNotice, Event, Notice, Report, ReviewRequest
from moderation.templatetags.moderation_admin import (
    CASE_MODELS,
    WEEKS,
    dashboard_numbers,
    time_left_parts,
    week_start,
)
from tests.factories import ArticleFactory, make_user, moderators_group

pytestmark = pytest.mark.django_db

FACTS = "经核实，该文章全文转载了权利人享有信息网络传播权的作品，未获授权。"
GROUND = "《信息网络传播权保护条例》第十四条、第十五条"
REASONS = services.Reasons(facts=FACTS, legal_ground=GROUND)


# --- Helpers --------------------------------------------------------------------------------


def notice_data(**overrides):
    data = {
        "claimant_name": "张三",
        "organisation": "某某出版社",
        "capacity": Notice.Capacity.RIGHTS_HOLDER,
        "principal": "",
        "postal_address": "北京市东城区某某路 1 号",
        "email": "rights@example.com",
        "phone": "010-12345678",
        "work": "《某某案件纪实》，作者张三，2024 年首次发表于某某杂志",
        "work_url": "",
        "right": Notice.Right.COPYRIGHT,
        "explanation": "文章全文转载了上述作品。",
        "good_faith": True,
        "accuracy": True,
        "signature": "张三",
    }
    data.update(overrides)
    return data


def submit_notice(article=None, *, now=None, evidence=(), **data) -> Notice:
    article = article or ArticleFactory(published=True)
    return services.submit_notice(
        articles=[article], data=notice_data(**data), evidence=evidence, ip="203.0.113.9", now=now
    ).case


def submit_report(article=None, *, now=None) -> Report:
    article = article or ArticleFactory(published=True)
    data = {
        "category": Report.Category.RUMOUR,
        "explanation": "文章捏造事实。",
        "contact_name": "李四",
        "contact_email": "reader@example.com",
    }
    return services.submit_report(article=article, data=data, ip="198.51.100.7", now=now).case


def submit_counter_notice(notice, article) -> CounterNotice:
    data = {
        "name": "王五",
        "email": "poster@example.com",
        "phone": "",
        "postal_address": "",
        "explanation": "文章经作者授权转载。",
        "good_faith": True,
        "signature": "王五",
    }
    return services.submit_counter_notice(notice=notice, article=article, data=data).case


def change_url(case):
    return reverse(f"admin:moderation_{case._meta.model_name}_change", args=[case.pk])


def decide_url(case):
    return reverse(f"admin:moderation_{case._meta.model_name}_decide", args=[case.pk])


def changelist_url(model):
    return reverse(f"admin:moderation_{model._meta.model_name}_changelist")


def decide(client, case, action, *, facts=FACTS, legal_ground=GROUND, **extra):
    data = {"action": action, "facts": facts, "legal_ground": legal_ground, **extra}
    return client.post(decide_url(case), data)


def in_site_language(function, *args, **kwargs) -> str:
    """What a service's message reads like on the site (the admin's language)."""
    with translation.override("zh-hans"):
        try:
            function(*args, **kwargs)
        except Exception as exc:
            return str(exc)
    raise AssertionError("expected an exception")


def article_status(client, article) -> int:
    article.refresh_from_db()
    return client.get(article.get_absolute_url()).status_code


def make_moderator(username):
    user = make_user("staff", username=username)
    user.groups.add(moderators_group())
    return user


# --- Fixtures -------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT


@pytest.fixture
def moderator():
    return make_moderator("moderator")


@pytest.fixture
def decider():
    """Another moderator, who made the earlier decisions of a case."""
    return make_moderator("decider")


@pytest.fixture
def mod_client(client, moderator):
    client.force_login(moderator)
    return client


# --- Queue ----------------------------------------------------------------------------------


def test_list_shows_what_is_due_first(mod_client):
    now = timezone.now()
    middle = submit_notice(now=now - dt.timedelta(days=5), email="b@example.com")
    latest = submit_notice(now=now, email="c@example.com")
    earliest = submit_notice(now=now - dt.timedelta(days=40), email="a@example.com")
    assert earliest.due_at < middle.due_at < latest.due_at

    response = mod_client.get(changelist_url(Notice))

    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(case.tracking_number) for case in (earliest, middle, latest)]
    assert positions == sorted(positions)


def test_overdue_cases_are_marked_and_open_ones_show_the_time_left(mod_client):
    overdue = submit_notice(now=timezone.now() - dt.timedelta(days=40), email="old@example.com")
    fresh = submit_notice(email="new@example.com")

    response = mod_client.get(changelist_url(Notice))

    html = response.content.decode()
    assert re.search(r'<strong class="moderation-overdue">已逾期 \d+ 天', html)
    assert "剩余 " in html
    overdue_row = html[html.index(overdue.tracking_number) :].split("</tr>", 1)[0]
    fresh_row = html[html.index(fresh.tracking_number) :].split("</tr>", 1)[0]
    assert "已逾期" in overdue_row
    assert "剩余" in fresh_row and "已逾期" not in fresh_row


def test_time_left_is_in_days_hours_and_minutes():
    now = timezone.now()
    assert time_left_parts(now + dt.timedelta(days=1, hours=3, minutes=5), now) == {
        "overdue": False, "days": 1, "hours": 3, "minutes": 5,
    }  # fmt: skip
    assert time_left_parts(now - dt.timedelta(hours=5, seconds=30), now) == {
        "overdue": True, "days": 0, "hours": 5, "minutes": 0,
    }  # fmt: skip


def list_queries(client, model) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(changelist_url(model)).status_code == 200
    return len(queries)


def test_list_queries_do_not_grow_with_the_rows(mod_client, decider):
    def add_cases():
        article = ArticleFactory(published=True)
        notice = submit_notice(article, email=f"{article.pk}@example.com")
        services.accept_notice(notice, decider, REASONS)
        submit_counter_notice(notice, article)
        services.submit_review_request(case=notice, role="poster", explanation="有授权。")
        submit_report()

    add_cases()
    before = {model: list_queries(mod_client, model) for model in CASE_MODELS}
    for _ in range(3):
        add_cases()
    after = {model: list_queries(mod_client, model) for model in CASE_MODELS}

    assert after == before


def test_deadline_filter_and_search(mod_client):
    overdue = submit_notice(now=timezone.now() - dt.timedelta(days=40), email="old@example.com")
    fresh = submit_notice(email="new@example.com", claimant_name="赵六")

    response = mod_client.get(changelist_url(Notice), {"deadline": "overdue"})
    assert overdue.tracking_number in response.content.decode()
    assert fresh.tracking_number not in response.content.decode()

    response = mod_client.get(changelist_url(Notice), {"q": "赵六"})
    assert fresh.tracking_number in response.content.decode()
    assert overdue.tracking_number not in response.content.decode()

    response = mod_client.get(changelist_url(Notice), {"q": overdue.tracking_number.lower()})
    assert list(response.context["cl"].result_list) == [overdue]


def test_deadline_filter_due_today(mod_client, monkeypatch):
    notice = submit_notice()
    monkeypatch.setattr(timezone, "now", lambda: notice.due_at - dt.timedelta(hours=1))

    response = mod_client.get(changelist_url(Notice), {"deadline": "due_today"})

    assert list(response.context["cl"].result_list) == [notice]


# --- Permissions ----------------------------------------------------------------------------


def viewer():
    """Staff who may look at notices but not decide them."""
    user = make_user("staff", username="viewer")
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="moderation", codename="view_notice")
    )
    return user


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("staff", 403), ("editor", 403), ("moderator", 200)],
)
@pytest.mark.parametrize("page", ["changelist", "change", "decide"])
def test_permission_matrix(client, role, expected, page):
    notice = submit_notice()
    url = {
        "changelist": changelist_url(Notice),
        "change": change_url(notice),
        "decide": decide_url(notice),
    }[page]
    if role == "moderator":
        client.force_login(make_moderator("moderator"))
    elif role != "anonymous":
        client.force_login(make_user(role, username=role))

    response = client.get(url)

    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("role", ["staff", "editor", "viewer"])
def test_a_decision_needs_the_change_permission(client, role):
    notice = submit_notice()
    client.force_login(viewer() if role == "viewer" else make_user(role, username=role))

    response = decide(client, notice, "accept")

    assert response.status_code == 403
    notice.refresh_from_db()
    assert notice.status == workflow.NoticeStatus.RECEIVED


def test_a_viewer_sees_the_case_without_the_decision_form(client):
    notice = submit_notice()
    client.force_login(viewer())

    response = client.get(change_url(notice))

    assert response.status_code == 200
    assert response.context["decision_form"] is None
    assert decide_url(notice) not in response.content.decode()


def test_anonymous_post_is_sent_to_the_login_page(client):
    notice = submit_notice()

    response = decide(client, notice, "accept")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    notice.refresh_from_db()
    assert notice.status == workflow.NoticeStatus.RECEIVED


@pytest.mark.parametrize("model", [Notice, Report, CounterNotice, ReviewRequest])
def test_cases_cannot_be_added_changed_or_deleted_in_the_admin(client, model):
    client.force_login(make_user("admin", username="root"))
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = make_user("admin", username="root")
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.has_decide_permission(request)

    add = reverse(f"admin:moderation_{model._meta.model_name}_add")
    assert client.get(add).status_code == 403


def test_the_plain_change_form_never_saves_a_case(client, moderator):
    notice = submit_notice()
    client.force_login(make_user("admin", username="root"))

    page = client.get(change_url(notice))
    assert 'name="_save"' not in page.content.decode()
    response = client.post(change_url(notice), {"claimant_name": "篡改", "_save": "1"})
    delete = client.post(
        reverse("admin:moderation_notice_delete", args=[notice.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert delete.status_code == 403
    notice.refresh_from_db()
    assert notice.claimant_name == "张三"


# --- Change page ----------------------------------------------------------------------------


def test_change_page_shows_case_evidence_events_and_decision_form(mod_client, moderator):
    proof = SimpleUploadedFile("授权书.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    upload = services.EvidenceUpload(file=proof, content_type="application/pdf", size=proof.size)
    notice = submit_notice(evidence=[upload])
    services.start_review(notice, moderator)
    evidence = notice.evidence.get()

    response = mod_client.get(change_url(notice))

    assert response.status_code == 200
    html = response.content.decode()
    assert notice.tracking_number in html
    assert "某某出版社" in html
    assert f'href="{evidence.get_absolute_url()}"' in html
    assert "授权书.pdf" in html
    assert [event.action for event in response.context["events"]] == ["submit", "start_review"]
    form = response.context["decision_form"]
    assert [name for name, _label in form.choices] == ["accept", "reject"]
    assert f'action="{decide_url(notice)}"' in html
    assert '<datalist id="moderation-legal-grounds">' in html
    assert "《民法典》第一千一百九十五条、第一千一百九十六条" in html
    assert "重复通知" not in html


def test_a_repeat_notice_is_flagged(mod_client, decider):
    article = ArticleFactory(published=True)
    first = submit_notice(article)
    services.accept_notice(first, decider, REASONS)
    counter = submit_counter_notice(first, article)
    services.accept_counter_notice(counter, decider, REASONS)
    services.restore_after_counter_notice(counter, decider, REASONS)
    first.refresh_from_db()
    assert first.status == workflow.NoticeStatus.RESTORED

    repeat = submit_notice(article)
    assert repeat.repeat_of == first

    page = mod_client.get(change_url(repeat))
    listing = mod_client.get(changelist_url(Notice))

    assert "重复通知" in page.content.decode()
    assert first.tracking_number in page.content.decode()
    row = listing.content.decode().split(repeat.tracking_number, 1)[1].split("</tr>", 1)[0]
    assert "重复通知" in row


def test_change_pages_of_every_kind_render(mod_client, decider):
    article = ArticleFactory(published=True)
    notice = submit_notice(article)
    services.accept_notice(notice, decider, REASONS)
    counter = submit_counter_notice(notice, article)
    review = services.submit_review_request(case=notice, role="poster", explanation="有授权。")
    report = submit_report()

    for case in (notice, counter, review, report):
        response = mod_client.get(change_url(case))
        assert response.status_code == 200, case
        assert mod_client.get(decide_url(case)).status_code == 200
    for model in (Notice, Report, CounterNotice, ReviewRequest, Event):
        assert (
            mod_client.get(
                reverse(f"admin:moderation_{model._meta.model_name}_changelist")
            ).status_code
            == 200
        )


# --- Decisions ------------------------------------------------------------------------------


def new_notice(decider):
    article = ArticleFactory(published=True)
    return submit_notice(article), article


def new_report(decider):
    article = ArticleFactory(published=True)
    return submit_report(article), article


def new_counter_notice(decider):
    notice, article = new_notice(decider)
    services.accept_notice(notice, decider, REASONS)
    return submit_counter_notice(notice, article), article


def waiting_counter_notice(decider):
    counter, article = new_counter_notice(decider)
    services.accept_counter_notice(counter, decider, REASONS)
    return counter, article


def review_of_accepted_notice(decider):
    notice, article = new_notice(decider)
    services.accept_notice(notice, decider, REASONS)
    review = services.submit_review_request(case=notice, role="poster", explanation="有授权。")
    return review, article


N, R, C, V = (
    workflow.NoticeStatus,
    workflow.ReportStatus,
    workflow.CounterNoticeStatus,
    workflow.ReviewStatus,
)


@pytest.mark.parametrize(
    ("build", "action", "status", "article_code"),
    [
        (new_notice, "start_review", N.IN_REVIEW, 200),
        (new_notice, "accept", N.ACCEPTED, 451),
        (new_notice, "reject", N.REJECTED, 200),
        (new_report, "start_review", R.IN_REVIEW, 200),
        (new_report, "take_action", R.ACTION_TAKEN, 451),
        (new_report, "no_action", R.NO_ACTION, 200),
        (new_counter_notice, "start_review", C.IN_REVIEW, 451),
        (new_counter_notice, "accept", C.WAITING, 451),
        (new_counter_notice, "reject", C.REJECTED, 451),
        (waiting_counter_notice, "keep_down", C.KEPT_DOWN, 451),
        (waiting_counter_notice, "restore", C.RESTORED, 200),
        (review_of_accepted_notice, "uphold", V.UPHELD, 451),
        (review_of_accepted_notice, "reverse", V.REVERSED, 200),
    ],
)
def test_each_decision_calls_its_service(
    mod_client, moderator, decider, build, action, status, article_code
):
    case, article = build(decider)
    events_before = case.events().count()

    response = decide(mod_client, case, action, seen_status=case.status)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == change_url(case)
    case.refresh_from_db()
    assert case.status == status
    event = case.events().last()
    assert case.events().count() == events_before + 1
    assert (event.action, event.actor, event.to_state) == (action, moderator, status)
    if workflow.WORKFLOWS[case.kind][action].decision:
        assert (event.facts, event.legal_ground, event.automated) == (FACTS, GROUND, False)
        assert event.redress
        # decided_by keeps the first decision; later ones are in the audit trail.
        first_decider = decider if build is waiting_counter_notice else moderator
        assert case.decided_by == first_decider
    else:
        assert event.facts == ""
    assert article_status(mod_client, article) == article_code
    assert [str(message) for message in get_messages(response.wsgi_request)]


def test_accepting_a_notice_tells_the_sender_and_the_poster(
    mod_client, django_capture_on_commit_callbacks, mailoutbox
):
    poster = make_user("editor", username="poster", email="poster@example.com")
    article = ArticleFactory(published=True, poster=poster)
    notice = submit_notice(article)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = decide(mod_client, notice, "accept")

    assert response.status_code == 302
    assert {tuple(mail.to) for mail in mailoutbox} == {
        ("rights@example.com",), ("poster@example.com",),
    }  # fmt: skip
    assert mod_client.get(article.get_absolute_url()).status_code == 451


@pytest.mark.parametrize(
    ("facts", "legal_ground"), [("", GROUND), ("只写了事实，没有依据。", ""), ("  ", "  ")]
)
def test_a_decision_without_reasons_shows_the_form_again_with_the_input(
    mod_client, facts, legal_ground
):
    notice = submit_notice()
    expected = in_site_language(services.Reasons(facts="", legal_ground="").check)

    response = decide(mod_client, notice, "accept", facts=facts, legal_ground=legal_ground)

    assert response.status_code == 200
    html = response.content.decode()
    assert expected in html
    form = response.context["decision_form"]
    assert form.data["facts"] == facts and form.data["legal_ground"] == legal_ground
    if facts.strip():
        assert f">\n{facts}</textarea>" in html
    if legal_ground.strip():
        assert f'value="{legal_ground}"' in html
    assert '<option value="accept" selected>' in html
    notice.refresh_from_db()
    assert notice.status == N.RECEIVED
    assert notice.decided_at is None
    assert [event.action for event in notice.events()] == ["submit"]


def test_an_illegal_transition_is_refused_with_the_reason(mod_client, decider):
    notice, _article = new_notice(decider)
    services.accept_notice(notice, decider, REASONS)
    expected = in_site_language(workflow.transition, "notice", "accepted", "reject")

    response = decide(mod_client, notice, "reject")

    assert response.status_code == 200
    assert expected in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == N.ACCEPTED
    assert [event.action for event in notice.events()] == ["submit", "accept"]
    # Nothing can be decided on an accepted notice here: it changes through a counter-notice
    # or a request for review.
    assert response.context["decision_form"].choices == []


@pytest.mark.parametrize("action", ["restore", "reverse", "uphold", "bogus", ""])
def test_an_action_the_admin_does_not_take_is_refused(mod_client, decider, action):
    notice, _article = new_notice(decider)
    services.accept_notice(notice, decider, REASONS)

    response = decide(mod_client, notice, action)

    assert response.status_code == 200
    assert response.context["decision_form"].errors["action"]
    notice.refresh_from_db()
    assert notice.status == N.ACCEPTED
    assert notice.events().count() == 2


def test_a_second_decision_on_the_same_page_is_refused(client, moderator, decider):
    notice, article = new_notice(decider)
    first, second = client, type(client)()
    first.force_login(moderator)
    second.force_login(decider)
    seen = notice.status

    accepted = decide(first, notice, "accept", seen_status=seen)
    rejected = decide(second, notice, "reject", seen_status=seen, facts="另一位审核员的理由")

    assert accepted.status_code == 302
    assert rejected.status_code == 200
    html = rejected.content.decode()
    assert "errornote" in html
    assert "另一位审核员的理由" in html  # the input is kept
    assert response_form_choices(rejected) == []  # nothing is left to decide here
    notice.refresh_from_db()
    assert notice.status == N.ACCEPTED
    assert notice.decided_by == moderator
    assert [event.action for event in notice.events()] == ["submit", "accept"]
    assert article_status(first, article) == 451


def response_form_choices(response):
    return [name for name, _label in response.context["decision_form"].choices]


def test_a_repeated_post_without_the_seen_state_is_refused_by_the_service(mod_client):
    notice = submit_notice()
    expected = in_site_language(workflow.transition, "notice", "accepted", "accept")

    assert decide(mod_client, notice, "accept").status_code == 302
    again = decide(mod_client, notice, "accept")

    assert again.status_code == 200
    assert expected in again.content.decode()
    assert notice.events().filter(action="accept").count() == 1


def test_a_decision_from_a_page_older_than_the_current_state_is_refused(
    mod_client, moderator, decider
):
    notice = submit_notice()
    services.start_review(notice, decider)  # while the moderator's page still says received

    stale = decide(mod_client, notice, "accept", seen_status=N.RECEIVED)

    assert stale.status_code == 200
    notice.refresh_from_db()
    assert notice.status == N.IN_REVIEW
    assert 'name="seen_status" value="in_review"' in stale.content.decode()

    fresh = decide(mod_client, notice, "accept", seen_status=N.IN_REVIEW)

    assert fresh.status_code == 302
    notice.refresh_from_db()
    assert notice.status == N.ACCEPTED


def test_a_review_is_decided_by_another_moderator(client, moderator, decider):
    review, article = review_of_accepted_notice(decider)
    expected = in_site_language(services.decide_review, review, decider, REASONS, reverse=True)
    client.force_login(decider)

    own = decide(client, review, "reverse")

    assert own.status_code == 200
    assert expected in own.content.decode()
    review.refresh_from_db()
    assert review.status == V.OPEN
    assert article_status(client, article) == 451

    client.force_login(moderator)
    other = decide(client, review, "reverse")

    assert other.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.decided_by) == (V.REVERSED, moderator)
    review.notice.refresh_from_db()
    assert review.notice.status == N.RESTORED
    assert article_status(client, article) == 200


# --- Audit trail ----------------------------------------------------------------------------


def test_the_audit_trail_is_read_only_even_for_superusers(client):
    notice = submit_notice()
    event = notice.events().get()
    superuser = make_user("admin", username="root")
    client.force_login(superuser)
    request = RequestFactory().get("/")
    request.user = superuser
    event_admin = admin.site._registry[Event]

    assert not event_admin.has_add_permission(request)
    assert not event_admin.has_change_permission(request, event)
    assert not event_admin.has_delete_permission(request, event)
    assert client.get(reverse("admin:moderation_event_changelist")).status_code == 200
    page = client.get(reverse("admin:moderation_event_change", args=[event.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert notice.tracking_number in page.content.decode()
    assert client.get(reverse("admin:moderation_event_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:moderation_event_change", args=[event.pk]), {"facts": "改写"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("admin:moderation_event_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Event.objects.get(pk=event.pk).facts == ""


def test_moderators_read_the_audit_trail(mod_client):
    notice = submit_notice()

    response = mod_client.get(reverse("admin:moderation_event_changelist"))

    assert response.status_code == 200
    assert notice.tracking_number in response.content.decode()


# --- Dashboard ------------------------------------------------------------------------------


def by_kind(numbers):
    return {row["kind"]: row for row in numbers["kinds"]}


def test_dashboard_counts_open_due_today_overdue_and_decided(moderator):
    notice = submit_notice()
    in_review = submit_notice(email="other@example.com")
    services.start_review(in_review, moderator)
    submit_report(now=timezone.now() - dt.timedelta(days=40))  # open and overdue
    decided_report = submit_report()
    services.decide_report(decided_report, moderator, REASONS, take_action=False)
    submit_notice(email="dup@example.com")  # a second open notice …
    duplicate = submit_notice(notice.articles.get(), email="rights@example.com")  # … and a dup
    assert duplicate.status == N.DUPLICATE

    numbers = dashboard_numbers(now=notice.due_at - dt.timedelta(hours=1))
    kinds = by_kind(numbers)

    assert kinds["notice"]["open"] == 3
    assert kinds["notice"]["due_today"] == 3  # all three were received today
    assert kinds["notice"]["overdue"] == 0
    assert kinds["report"]["open"] == 1
    assert kinds["report"]["overdue"] == 1
    assert kinds["counter_notice"]["open"] == kinds["review"]["open"] == 0

    later = dashboard_numbers(now=notice.due_at + dt.timedelta(hours=1))
    assert by_kind(later)["notice"]["overdue"] == 3
    assert by_kind(later)["notice"]["due_today"] == 0
    assert later["totals"]["overdue"] == 4

    now = dashboard_numbers()
    assert by_kind(now)["report"]["decided"] == 1
    assert by_kind(now)["notice"]["decided"] == 1  # the duplicate, closed on arrival
    assert now["totals"]["decided"] == 2


def test_dashboard_weeks_and_chart(moderator, django_assert_num_queries):
    now = timezone.now()
    this_week = week_start(now)
    # Received on the Tuesday three weeks ago, decided on the Wednesday of the week after.
    received = this_week - dt.timedelta(weeks=3) + dt.timedelta(days=1, hours=10)
    decided = this_week - dt.timedelta(weeks=2) + dt.timedelta(days=2, hours=9)
    old = submit_notice(now=received)
    services.accept_notice(old, moderator, REASONS, now=decided)
    submit_report(now=received)
    submit_notice(email="new@example.com")
    submit_notice(now=this_week - dt.timedelta(weeks=20), email="ancient@example.com")

    with django_assert_num_queries(4):
        numbers = dashboard_numbers(now=now)

    weeks = numbers["weeks"]
    assert len(weeks) == WEEKS
    assert weeks[-1]["start"] == deadlines.local_date(this_week)
    assert [week["received"] for week in weeks] == [0] * 9 + [2, 0, 0, 1]
    assert [week["decided"] for week in weeks] == [0] * 10 + [1, 0, 0]
    chart = numbers["chart"]
    assert chart["max"] == 2
    tallest = chart["groups"][9]["bars"][0]
    assert (tallest["series"], tallest["value"]) == ("received", 2)
    assert tallest["y"] + tallest["height"] == chart["baseline"]
    assert chart["groups"][0]["bars"][1]["height"] == 0
    # The ancient notice is still open: it counts as open and overdue, not in the chart.
    assert by_kind(numbers)["notice"]["open"] == 2
    assert by_kind(numbers)["notice"]["overdue"] == 1


def test_dashboard_on_the_admin_index(mod_client):
    submit_notice(now=timezone.now() - dt.timedelta(days=40))

    response = mod_client.get(reverse("admin:index"))

    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('<section class="module moderation-dashboard"')
    panel = html[start : html.index("</section>", start)]
    assert "<svg" in panel
    assert 'fill="url(#moderation-hatch)"' in panel
    assert "收到（实心深色）" in panel and "已决定（白底斜线）" in panel
    assert 'href="/admin/moderation/notice/?deadline=overdue"' in panel
    # The site's Content Security Policy allows no inline style or script.
    assert "style=" not in panel and "<style" not in panel and "<script" not in panel
    assert "css/admin-dashboard.css" in html
    assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_dashboard_is_for_moderators(client, role):
    user = make_user(role, username=role)
    client.force_login(user)

    html = client.get(reverse("admin:index")).content.decode()

    # A superuser has every permission, so sees it; an editor does not.
    assert ("moderation-dashboard" in html) == (role == "admin")


def test_a_review_of_ones_own_decision_offers_no_form_but_says_why(client, decider):
    review, _article = review_of_accepted_notice(decider)
    client.force_login(decider)
    page = client.get(change_url(review))
    assert page.status_code == 200
    assert page.context["decision_form"] is None
    assert "须由另一位审核员处理" in page.content.decode()


def test_the_audit_trail_shows_labels_not_codes(mod_client, decider):
    notice, _article = new_notice(decider)
    services.start_review(notice, decider)
    page = mod_client.get(change_url(notice)).content.decode()
    assert "提交" in page and "开始审核" in page
    assert ">submit<" not in page and "start_review" not in page.split('name="action"')[0]
    listing = mod_client.get(changelist_url(Event)).content.decode()
    assert "开始审核" in listing and "已收到 → 审核中" in listing
