"""What an attacker's review of notice and action found, each kept fixed: nothing personal on
the tombstone, images withheld with their article, evidence downloaded under its real type,
articles named in a notice not deletable, refused status-page requests answered without a
500, rate-limit counts that last their window, and a dead mail server not holding pages."""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from articles.models import Article
from moderation import services
from moderation.models import Evidence, Notice
from tests.factories import ArticleFactory, ArticleImageFactory, UserFactory, make_user
from tests.test_moderation_forms import NOTICE_URL, REPORT_URL, notice_data, report_data

pytestmark = pytest.mark.django_db

REASONS = services.Reasons("经核实的事实", "《信息网络传播权保护条例》第十五条")


def notice_fields(**overrides):
    data = notice_data(None, article_urls="", **overrides)
    for name in ("article_urls", "evidence", "good_faith", "accuracy"):
        data.pop(name)
    return {**data, "good_faith": True, "accuracy": True}


@pytest.fixture
def moderator():
    return make_user("moderator", username="mod-h", email="mod-h@example.com")


@pytest.mark.parametrize("right", ["privacy", "reputation", "portrait"])
def test_a_notice_about_a_person_publishes_nothing_personal_on_the_tombstone(
    client, moderator, right
):
    article = ArticleFactory(published=True, poster=None)  # the poster cannot be reached
    secret = "身份证号 310101199001011234，住址 上海市徐汇区某路88号"
    notice = services.submit_notice(
        articles=[article],
        data=notice_fields(
            right=right, organisation="", claimant_name="李四", work=secret, explanation=secret
        ),
    ).case
    services.accept_notice(notice, moderator, REASONS)
    page = client.get(article.get_absolute_url()).content.decode()
    assert notice.tracking_number in page
    for private in ("李四", "310101199001011234", "徐汇区", "claimant@example.com", "010-"):
        assert private not in page
    assert "个人" in page  # "an individual rights holder", in the site's language
    assert "Tracking number" not in page and "Sender" not in page


def test_an_organisations_copyright_notice_on_the_tombstone_names_the_work(client, moderator):
    article = ArticleFactory(published=True, poster=None)
    notice = services.submit_notice(
        articles=[article], data=notice_fields(organisation="某某杂志社", claimant_name="王五")
    ).case
    services.accept_notice(notice, moderator, REASONS)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "某某杂志社" in page and "《某某杂志》2025年第4期" in page
    assert "王五" not in page and "全文转载" not in page


def test_an_individuals_copyright_notice_publishes_no_free_text(client, moderator):
    article = ArticleFactory(published=True, poster=None)
    work = "摄影作品《澜水晨光》，作者孙七（身份证号 110101199001011234），首发于微博 @孙七摄影"
    notice = services.submit_notice(
        articles=[article], data=notice_fields(organisation="", claimant_name="孙七", work=work)
    ).case
    services.accept_notice(notice, moderator, REASONS)
    page = client.get(article.get_absolute_url()).content.decode()
    for private in ("孙七", "110101199001011234", "澜水晨光"):
        assert private not in page


def test_images_are_withheld_while_the_article_is_down_and_come_back(
    client, moderator, settings, django_capture_on_commit_callbacks
):
    image = ArticleImageFactory()
    article = image.article
    public_file = settings.MEDIA_ROOT / image.rendition.name
    assert public_file.exists()
    notice = services.submit_notice(articles=[article], data=notice_fields()).case
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_notice(notice, moderator, REASONS)
    assert not public_file.exists()
    withheld = settings.PRIVATE_MEDIA_ROOT / "withheld" / image.rendition.name
    assert withheld.exists()
    assert client.get("/media/" + image.rendition.name).status_code == 404

    review = services.submit_review_request(case=notice, role="poster", explanation="有授权")
    other = make_user("moderator", username="mod-h2")
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_review(review, other, REASONS, reverse=True)
    assert public_file.exists() and not withheld.exists()
    assert Article.objects.get(pk=article.pk).images.get().rendition.name == image.rendition.name


def test_evidence_downloads_under_the_type_found_in_its_content(client, moderator):
    article = ArticleFactory(published=True)
    pdf = b"%PDF-1.4\r\n@echo off\r\ncalc.exe\r\n%%EOF\r\n"
    upload = SimpleUploadedFile("proof.bat", pdf, content_type="application/x-msdos-program")
    response = client.post(NOTICE_URL, notice_data(article, evidence=[upload]))
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == "proof.bat"
    client.force_login(moderator)
    download = client.get(evidence.get_absolute_url())
    assert 'filename="proof.pdf"' in download["Content-Disposition"]
    assert download["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    "name, expected",
    [("a/b\\c.png.html", "abc.png.pdf"), ("\x00.pdf", "evidence.pdf"), ("x" * 300, "evidence.pdf")],
)
def test_download_names_are_safe(name, expected):
    assert Evidence(original_name=name, content_type="application/pdf").download_name() == expected


def test_an_article_named_in_a_notice_cannot_be_deleted(client):
    article = ArticleFactory(published=True)
    services.submit_notice(articles=[article], data=notice_fields())
    with pytest.raises(ProtectedError):
        Article.objects.get(pk=article.pk).delete()
    admin = make_user("admin")
    client.force_login(admin)
    page = client.post(f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"})
    assert Article.objects.filter(pk=article.pk).exists()
    assert page.status_code == 200  # Django's "cannot delete: protected" page


def test_a_refused_request_on_the_status_page_is_shown_not_a_500(client, moderator):
    article = ArticleFactory(published=True)
    notice = services.submit_notice(articles=[article], data=notice_fields()).case
    services.reject_notice(notice, moderator, REASONS)
    path = notice.status_url("sender") + "review/"
    assert client.post(path, {"explanation": "第一次"}).status_code == 302
    second = client.post(path, {"explanation": "第二次"})
    assert second.status_code == 409
    assert "第二次" in second.content.decode()
    # The legal-action form with no restoration waiting.
    late = client.post(notice.status_url("sender") + "legal-action/", {"note": "已起诉"})
    assert late.status_code == 409


@pytest.mark.skipif(
    "django.core.cache.backends.db"
    not in __import__("django.conf").conf.settings.CACHES["default"]["BACKEND"],
    reason="the database cache's incr() is what shortened the window",
)
def test_rate_limit_counts_last_their_whole_window_in_the_database_cache(client, settings):
    settings.MODERATION_RATE_LIMIT = "2/h"
    article = ArticleFactory(published=True)
    for _ in range(3):
        client.post(REPORT_URL, report_data(article), REMOTE_ADDR="192.0.2.44")
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM newsroom_cache")
        expiries = [row[0] for row in cursor.fetchall()]
    assert expiries
    soonest = min(
        value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
        for value in expiries
    )
    if timezone.is_naive(soonest):
        soonest = timezone.make_aware(soonest, dt.UTC)
    assert soonest > timezone.now() + dt.timedelta(hours=1)


class DeadMailServer(BaseEmailBackend):
    """A mail backend whose server never answers (Django's extension point, not our code)."""

    calls = 0

    def send_messages(self, messages):
        DeadMailServer.calls += 1
        raise smtplib.SMTPServerDisconnected("no answer")


def test_a_dead_mail_server_is_not_tried_again_for_every_e_mail(
    client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.DeadMailServer"
    UserFactory(username="mod-x", email="mod-x@example.com", is_superuser=True, is_staff=True)
    DeadMailServer.calls = 0
    article = ArticleFactory(published=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NOTICE_URL, notice_data(article))
    assert response.status_code == 302
    assert Notice.objects.count() == 1
    # Two e-mails were due (sender and moderators); the server was tried once.
    assert DeadMailServer.calls == 1
    assert mail.outbox == []


def test_each_poster_of_a_notice_answers_only_for_their_own_article(
    client, moderator, django_capture_on_commit_callbacks
):
    alice = UserFactory(username="alice", email="alice@example.com")
    bob = UserFactory(username="bob", email="bob@example.com")
    mine = ArticleFactory(published=True, poster=alice)
    theirs = ArticleFactory(published=True, poster=bob)
    notice = services.submit_notice(articles=[mine, theirs], data=notice_fields()).case
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_notice(notice, moderator, REASONS)
    [to_alice] = [m for m in mail.outbox if m.to == ["alice@example.com"]]
    link = notice.status_url("poster", mine)
    assert link in to_alice.body and notice.status_url("poster", theirs) not in to_alice.body

    form = client.get(link + "counter-notice/")
    assert list(form.context["form"].fields["article"].queryset) == [mine]
    response = client.post(
        link + "counter-notice/",
        {"article": theirs.pk, "name": "Alice", "email": "alice@example.com",
         "explanation": "不是我的文章", "good_faith": "on", "signature": "Alice",
         "evidence": [SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")]},
    )  # fmt: skip
    assert response.status_code == 200 and "article" in response.context["form"].errors
    assert not notice.counter_notices.exists()


def counter_fields():
    return {
        "name": "李四", "email": "lisi@example.com", "phone": "13800000000",
        "postal_address": "北京市西城区某街 2 号", "explanation": "经授权转载",
        "good_faith": True, "signature": "李四",
    }  # fmt: skip


def test_a_restoration_held_by_a_lawsuit_is_back_in_the_queue_and_the_poster_is_told(
    moderator, django_capture_on_commit_callbacks
):
    from moderation.models import CounterNotice

    article = ArticleFactory(published=True)
    notice = services.submit_notice(articles=[article], data=notice_fields()).case
    services.accept_notice(notice, moderator, REASONS)
    counter = services.submit_counter_notice(
        notice=notice, article=article, data=counter_fields()
    ).case
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_counter_notice(counter, moderator, REASONS)
    forwarded = [m for m in mail.outbox if m.to == ["claimant@example.com"]][-1]
    for detail in ("lisi@example.com", "13800000000", "西城区"):
        assert detail in forwarded.body  # Regulation Art. 16-17: the claimant can act on it
    assert not CounterNotice.objects.open().exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.report_legal_action(counter=counter, note="已起诉")
    assert list(CounterNotice.objects.open()) == [counter]
    assert [m.to for m in mail.outbox if "暂停" in m.subject] == [["lisi@example.com"]]


def test_a_reopened_duplicate_is_undecided_and_its_sender_told(
    moderator, django_capture_on_commit_callbacks
):
    article = ArticleFactory(published=True)
    first = services.submit_notice(articles=[article], data=notice_fields()).case
    duplicate = services.submit_notice(articles=[article], data=notice_fields()).case
    assert duplicate.decided_at is not None  # closed as a duplicate on arrival
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_notice(first, moderator, REASONS)
    duplicate = Notice.objects.get(pk=duplicate.pk)
    assert (duplicate.status, duplicate.decided_at, duplicate.decided_by) == (
        "received",
        None,
        None,
    )
    assert any("重新受理" in m.subject for m in mail.outbox)


def test_an_image_added_while_the_article_is_down_is_withheld(
    moderator, settings, django_capture_on_commit_callbacks
):
    article = ArticleFactory(published=True)
    notice = services.submit_notice(articles=[article], data=notice_fields()).case
    services.accept_notice(notice, moderator, REASONS)
    with django_capture_on_commit_callbacks(execute=True):
        image = ArticleImageFactory(article=Article.objects.get(pk=article.pk))
    assert not (settings.MEDIA_ROOT / image.rendition.name).exists()
    assert (settings.PRIVATE_MEDIA_ROOT / "withheld" / image.rendition.name).exists()


def test_a_notice_still_holds_an_article_its_other_counter_notice_did_not_restore(moderator):
    """A is withdrawn on a report; notice N then names A and B. B's counter-notice restores
    B, A's is rejected. When the report is reversed on review, N still keeps A down."""
    reviewer = make_user("moderator", username="mod-h3")
    a, b = ArticleFactory(published=True), ArticleFactory(published=True)
    report = services.submit_report(
        article=a, data={"category": "rumour", "explanation": "谣言", "contact_name": "",
                         "contact_email": ""},
    ).case  # fmt: skip
    services.decide_report(report, moderator, REASONS, take_action=True)
    notice = services.submit_notice(articles=[a, b], data=notice_fields()).case
    services.accept_notice(notice, moderator, REASONS)
    for article, accept in ((b, True), (a, False)):
        counter = services.submit_counter_notice(
            notice=notice, article=article, data=counter_fields()
        ).case
        if accept:
            services.accept_counter_notice(counter, moderator, REASONS)
            services.restore_after_counter_notice(counter, moderator, REASONS)
        else:
            services.reject_counter_notice(counter, moderator, REASONS)
    review = services.submit_review_request(case=report, role="poster", explanation="不是谣言")
    services.decide_review(review, reviewer, REASONS, reverse=True)
    assert Article.objects.get(pk=b.pk).removed_at is None
    assert Article.objects.get(pk=a.pk).removed_at is not None  # N still holds it
    assert Article.objects.get(pk=a.pk).removal_reason == "rights_notice"


def test_a_notice_naming_further_articles_is_not_a_duplicate(moderator):
    a, b = ArticleFactory(published=True), ArticleFactory(published=True)
    first = services.submit_notice(articles=[a], data=notice_fields()).case
    second = services.submit_notice(articles=[a, b], data=notice_fields()).case
    assert second.status == "received" and second.duplicate_of is None
    third = services.submit_notice(articles=[a], data=notice_fields()).case
    assert third.status == "duplicate" and third.duplicate_of == first


def test_a_report_closed_as_already_down_is_reopened_when_the_article_comes_back(moderator):
    article = ArticleFactory(published=True)
    notice = services.submit_notice(articles=[article], data=notice_fields()).case
    services.accept_notice(notice, moderator, REASONS)
    report = services.submit_report(
        article=article, data={"category": "rumour", "explanation": "谣言", "contact_name": "",
                               "contact_email": ""},
    ).case  # fmt: skip
    assert report.status == "already_removed"
    review = services.submit_review_request(case=notice, role="poster", explanation="有授权")
    services.decide_review(review, make_user("moderator", username="mod-h4"), REASONS, reverse=True)
    report.refresh_from_db()
    assert report.status == "received" and report.decided_at is None
    assert report.due_at > timezone.now()


def test_a_lawsuit_cannot_be_reported_after_the_waiting_period(moderator):
    article = ArticleFactory(published=True)
    notice = services.submit_notice(articles=[article], data=notice_fields()).case
    services.accept_notice(notice, moderator, REASONS)
    counter = services.submit_counter_notice(
        notice=notice, article=article, data=counter_fields()
    ).case
    services.accept_counter_notice(counter, moderator, REASONS)
    counter.refresh_from_db()
    with pytest.raises(services.NotAllowed):
        services.report_legal_action(
            counter=counter, note="迟到", now=counter.restore_due_at + dt.timedelta(seconds=1)
        )
    services.report_legal_action(counter=counter, note="已起诉")
    with pytest.raises(services.NotAllowed):
        services.report_legal_action(counter=counter, note="再次")


def test_a_submission_is_taken_when_the_cache_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    article = ArticleFactory(published=True)
    response = client.post(REPORT_URL, report_data(article))
    assert response.status_code == 302
    assert article.reports.count() == 1


def test_the_short_url_of_a_withdrawn_takedown_leads_to_its_451(client, moderator):
    from django.urls import reverse

    from articles import services as article_services

    article = ArticleFactory(published=True)
    notice = services.submit_notice(articles=[article], data=notice_fields()).case
    services.accept_notice(notice, moderator, REASONS)
    article_services.withdraw(Article.objects.get(pk=article.pk))
    response = client.get(reverse("articles:detail-short", args=[article.pk]), follow=True)
    assert response.status_code == 451


def test_a_tombstone_after_a_personal_rights_notice_hides_the_title(client, moderator):
    article = ArticleFactory(published=True, title="某某某涉嫌违法的传闻")
    notice = services.submit_notice(articles=[article], data=notice_fields(right="reputation")).case
    services.accept_notice(notice, moderator, REASONS)
    page = client.get(article.get_absolute_url())
    assert page.status_code == 451
    html = page.content.decode()
    assert "某某某涉嫌违法的传闻" not in html and "人格权益" in html
