"""The public notice-and-action forms and private status pages, through the test client:
good input, each kind of bad input, honeypot, rate limit, status links, evidence access."""

import io
import re
import zlib
from urllib.parse import unquote

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from moderation import services
from moderation.models import CounterNotice, Event, Evidence, Notice, Report, ReviewRequest
from tests.factories import ArticleFactory, UserFactory, make_user, moderators_group

pytestmark = pytest.mark.django_db

NOTICE_URL = reverse("moderation:notice-create")
REPORT_URL = reverse("moderation:report-create")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf_file(name="proof.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_file(name="proof.png", size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def bomb_png(name="bomb.png", side=20_000):
    """A valid PNG header claiming side x side pixels (400 MP) with a tiny body."""
    import struct

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    body = zlib.compress(b"\x00" * 1024)
    data = (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )
    return SimpleUploadedFile(name, data, content_type="image/png")


@pytest.fixture
def poster():
    return UserFactory(username="poster1", email="poster@example.com")


@pytest.fixture
def article(poster):
    return ArticleFactory(published=True, poster=poster, title="被投诉的文章")


@pytest.fixture
def moderator():
    user = make_user("staff", username="mod1", email="mod1@example.com")
    user.groups.add(moderators_group())
    return user


def notice_data(article, **overrides):
    data = {
        "article_urls": "http://testserver" + article.get_absolute_url() if article else "",
        "claimant_name": "张三",
        "organisation": "某某杂志社",
        "capacity": "rights_holder",
        "principal": "",
        "postal_address": "北京市东城区某路 1 号",
        "email": "claimant@example.com",
        "phone": "010-12345678",
        "right": "copyright",
        "work": "《某某杂志》2025年第4期 第12页 原文",
        "work_url": "https://magazine.example.com/2025/4/12",
        "explanation": "全文转载，未经许可。",
        "good_faith": "on",
        "accuracy": "on",
        "signature": "张三",
        "evidence": [pdf_file()],
    }
    data.update(overrides)
    return data


def report_data(article, **overrides):
    data = {
        "article_url": article.get_absolute_url(),
        "category": "rumour",
        "explanation": "文中关于判决结果的说法与法院公告不符。",
        "contact_name": "",
        "contact_email": "",
    }
    data.update(overrides)
    return data


def status_path(response):
    assert response.status_code == 302, (
        getattr(response, "context", None) and response.context["form"].errors
    )
    return response["Location"].split("?")[0]


# --- Takedown notice --------------------------------------------------------------------------


def test_article_page_links_to_both_forms_and_the_forms_are_prefilled(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    assert f"{NOTICE_URL}?article={article.pk}" in page
    assert f"{REPORT_URL}?article={article.pk}" in page
    form = client.get(NOTICE_URL, {"article": article.pk})
    assert form.status_code == 200
    # Prefilled as people read it: the CJK slug is not percent-encoded.
    assert (
        form.context["form"]["article_urls"].value().endswith(unquote(article.get_absolute_url()))
    )
    report = client.get(REPORT_URL, {"article": article.pk})
    assert (
        report.context["form"]["article_url"].value().endswith(unquote(article.get_absolute_url()))
    )


@pytest.mark.parametrize("value", ["abc", "-1", "99999999", "1" * 40, "１２"])
def test_a_bad_article_parameter_gives_an_empty_form(client, value):
    response = client.get(NOTICE_URL, {"article": value})
    assert response.status_code == 200
    assert not response.context["form"]["article_urls"].value()


def test_a_good_notice_is_saved_numbered_and_confirmed(
    client, article, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NOTICE_URL, notice_data(article), REMOTE_ADDR="203.0.113.9")
    path = status_path(response)
    notice = Notice.objects.get()
    assert re.fullmatch(r"TD-\d{4}-\d{6}", notice.tracking_number)
    assert list(notice.articles.all()) == [article]
    assert notice.submitter_ip == "203.0.113.9"
    assert notice.status == "received"
    assert notice.evidence.count() == 1
    assert path == notice.status_url("sender")
    receipt = client.get(response["Location"])
    assert receipt.status_code == 200
    assert notice.tracking_number in receipt.content.decode()
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["claimant@example.com", "mod1@example.com"]
    confirmation = next(m for m in mail.outbox if m.to == ["claimant@example.com"])
    assert notice.tracking_number in confirmation.subject
    assert "http://" in confirmation.body and path in confirmation.body
    assert Event.objects.for_object(notice).get().action == "submit"


def test_any_form_of_our_article_urls_is_resolved(client, article):
    other = ArticleFactory(published=True, title="第二篇")
    urls = "\n".join(
        [
            article.get_absolute_url(),  # a path
            "http://testserver" + reverse("articles:detail-short", args=[other.pk]),
            "http://testserver" + article.get_absolute_url().encode("utf-8").decode(),
        ]
    )
    response = client.post(NOTICE_URL, notice_data(article, article_urls=urls))
    status_path(response)
    assert set(Notice.objects.get().articles.all()) == {article, other}


@pytest.mark.parametrize(
    "urls, message",
    [
        ("https://elsewhere.example.com/articles/1/x/", "不是本站"),
        ("http://testserver/search/?q=1", "不是本站文章"),
        ("javascript:alert(1)", "不是网址"),
        ("", "必填"),
    ],
)
def test_urls_that_are_not_our_articles_are_form_errors(client, article, urls, message):
    response = client.post(NOTICE_URL, notice_data(article, article_urls=urls))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["article_urls"])
    assert Notice.objects.count() == 0
    # What was typed is kept.
    assert response.context["form"]["claimant_name"].value() == "张三"


def test_a_draft_is_not_an_article_that_can_be_named(client, article):
    draft = ArticleFactory()
    response = client.post(NOTICE_URL, notice_data(article, article_urls=draft.get_absolute_url()))
    assert "article_urls" in response.context["form"].errors
    assert Notice.objects.count() == 0


@pytest.mark.parametrize(
    "field", ["claimant_name", "postal_address", "email", "phone", "work", "signature", "right"]
)
def test_each_required_element_of_a_notice(client, article, field):
    response = client.post(NOTICE_URL, notice_data(article, **{field: ""}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Notice.objects.count() == 0


@pytest.mark.parametrize("field", ["good_faith", "accuracy"])
def test_the_statements_must_be_made(client, article, field):
    data = notice_data(article)
    del data[field]
    response = client.post(NOTICE_URL, data)
    assert field in response.context["form"].errors


def test_an_agent_must_name_the_rights_holder(client, article):
    response = client.post(NOTICE_URL, notice_data(article, capacity="agent"))
    assert "principal" in response.context["form"].errors
    response = client.post(NOTICE_URL, notice_data(article, capacity="agent", principal="某出版社"))
    status_path(response)


def test_a_notice_needs_proof(client, article):
    response = client.post(NOTICE_URL, notice_data(article, evidence=[]))
    assert "evidence" in response.context["form"].errors


@pytest.mark.parametrize(
    "upload, message",
    [
        (lambda: pdf_file("page.pdf", b"<!DOCTYPE html><html><body>x</body></html>"), "PDF"),
        (lambda: pdf_file("tool.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200), "PDF"),
        (lambda: pdf_file("prog.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 200), "PDF"),
        (lambda: SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50), "损坏"),
        (bomb_png, "过大"),
    ],
    ids=["html-renamed-pdf", "exe-renamed-pdf", "elf-renamed-pdf", "damaged-png", "bomb"],
)
def test_bad_evidence_files_are_form_errors(client, article, upload, message):
    response = client.post(NOTICE_URL, notice_data(article, evidence=[upload()]))
    assert response.status_code == 200
    errors = str(response.context["form"].errors["evidence"])
    assert message in errors
    assert Notice.objects.count() == 0 and Evidence.objects.count() == 0


def test_evidence_limits_on_count_and_size(client, article, settings):
    files = [pdf_file(f"p{i}.pdf") for i in range(6)]
    response = client.post(NOTICE_URL, notice_data(article, evidence=files))
    assert "5" in str(response.context["form"].errors["evidence"])
    settings.EVIDENCE_MAX_BYTES = 1000
    big = pdf_file("big.pdf", PDF + b"0" * 2000)
    response = client.post(NOTICE_URL, notice_data(article, evidence=[big]))
    assert "big.pdf" in str(response.context["form"].errors["evidence"])
    assert Notice.objects.count() == 0


def test_good_images_are_accepted_as_evidence(client, article):
    files = [png_file(), pdf_file()]
    status_path(client.post(NOTICE_URL, notice_data(article, evidence=files)))
    types = sorted(Notice.objects.get().evidence.values_list("content_type", flat=True))
    assert types == ["application/pdf", "image/png"]


def test_honeypot(client, article):
    response = client.post(NOTICE_URL, notice_data(article, leave_empty="http://spam"))
    assert response.status_code == 200
    assert "leave_empty" in response.context["form"].errors
    assert Notice.objects.count() == 0


def test_forms_are_csrf_protected(article):
    csrf_client = Client(enforce_csrf_checks=True)
    assert csrf_client.post(NOTICE_URL, notice_data(article)).status_code == 403
    assert csrf_client.post(REPORT_URL, report_data(article)).status_code == 403
    assert Notice.objects.count() == Report.objects.count() == 0


def test_a_second_open_notice_links_to_the_first(
    client, article, moderator, django_capture_on_commit_callbacks
):
    status_path(client.post(NOTICE_URL, notice_data(article)))
    first = Notice.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NOTICE_URL, notice_data(article, evidence=[pdf_file()]))
    second = Notice.objects.exclude(pk=first.pk).get()
    assert second.status == "duplicate" and second.duplicate_of == first
    page = client.get(response["Location"]).content.decode()
    assert first.tracking_number in page
    # The moderators hear of it once, not twice.
    assert [m.to for m in mail.outbox] == [["claimant@example.com"]]


# --- Illegal-content report --------------------------------------------------------------------


def test_an_anonymous_report_is_saved_and_told_there_will_be_no_answer(client, article):
    response = client.post(REPORT_URL, report_data(article), REMOTE_ADDR="198.51.100.7")
    report = Report.objects.get()
    assert report.submitter_ip == "198.51.100.7" and report.is_anonymous
    page = client.get(response["Location"]).content.decode()
    assert report.tracking_number.startswith("RPT-")
    assert "无法告知您处理结果" in page
    assert mail.outbox == []


def test_a_report_with_contact_gets_a_confirmation(
    client, article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        status_path(
            client.post(REPORT_URL, report_data(article, contact_email="reader@example.com"))
        )
    assert [m.to for m in mail.outbox] == [["reader@example.com"]]


def test_a_signed_in_reader_is_recorded(client, article):
    reader = make_user("reader")
    client.force_login(reader)
    status_path(client.post(REPORT_URL, report_data(article)))
    assert Report.objects.get().submitter == reader


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"category": "nonsense"}, "category"),
        ({"category": ""}, "category"),
        ({"explanation": "  \u200b "}, "explanation"),
        ({"article_url": "http://testserver/"}, "article_url"),
        ({"contact_email": "not-an-address"}, "contact_email"),
    ],
)
def test_bad_reports_are_form_errors(client, article, overrides, field):
    response = client.post(REPORT_URL, report_data(article, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Report.objects.count() == 0


def test_a_report_on_an_article_already_taken_down_is_recorded_and_closed(
    client, article, moderator
):
    notice = services.submit_notice(articles=[article], data=notice_fields(), evidence=[]).case
    services.accept_notice(notice, moderator, services.Reasons("事实", "条例第十五条"))
    response = client.post(REPORT_URL, report_data(article))
    report = Report.objects.get()
    assert report.status == "already_removed"
    assert "已被删除" in client.get(response["Location"]).content.decode() or report.decided_at


def notice_fields(**overrides):
    """The notice's own fields as ``services.submit_notice`` takes them."""
    data = notice_data(None, article_urls="", **overrides)
    for name in ("article_urls", "evidence", "good_faith", "accuracy"):
        data.pop(name)
    return {**data, "good_faith": True, "accuracy": True}


# --- Rate limit ----------------------------------------------------------------------------------


def test_rate_limit_per_ip_across_forms_keeps_the_input(client, article, settings):
    settings.MODERATION_RATE_LIMIT = "3/h"
    for _ in range(2):
        status_path(client.post(REPORT_URL, report_data(article), REMOTE_ADDR="192.0.2.1"))
    status_path(client.post(NOTICE_URL, notice_data(article), REMOTE_ADDR="192.0.2.1"))
    response = client.post(REPORT_URL, report_data(article), REMOTE_ADDR="192.0.2.1")
    assert response.status_code == 429
    assert "稍后" in response.content.decode()
    assert response.context["form"]["explanation"].value() == report_data(article)["explanation"]
    assert Report.objects.count() == 2
    # Another address is not affected; invalid submissions do not use up the budget.
    status_path(client.post(REPORT_URL, report_data(article), REMOTE_ADDR="192.0.2.2"))
    for _ in range(5):
        client.post(REPORT_URL, report_data(article, category=""), REMOTE_ADDR="192.0.2.3")
    status_path(client.post(REPORT_URL, report_data(article), REMOTE_ADDR="192.0.2.3"))


# --- Status links ------------------------------------------------------------------------------


def test_unknown_numbers_and_wrong_tokens_are_the_same_404(client, article):
    notice = services.submit_notice(articles=[article], data=notice_fields()).case
    good = notice.token_for("sender")
    assert client.get(notice.status_url("sender")).status_code == 200
    paths = [
        reverse("moderation:status", args=[notice.tracking_number, "0" * 64]),
        reverse("moderation:status", args=["TD-2026-999999", good]),
        reverse("moderation:status", args=["XX-1", good]),
        reverse("moderation:status", args=[notice.tracking_number, good[:-1]]),
        # The poster's link does not work before the poster has been told.
        reverse(
            "moderation:status",
            args=[notice.tracking_number, notice.token_for("poster", article)],
        ),
    ]
    bodies = set()
    for path in paths:
        response = client.get(path)
        assert response.status_code == 404, path
        bodies.add(response.content)
    assert len(bodies) == 1


def test_the_whole_round_trip_from_notice_to_review(
    client, article, moderator, poster, django_capture_on_commit_callbacks
):
    status_path(client.post(NOTICE_URL, notice_data(article)))
    notice = Notice.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_notice(
            notice, moderator, services.Reasons("原文系该杂志首发", "《条例》第十四条、第十五条")
        )
    assert client.get(article.get_absolute_url()).status_code == 451
    forwarded = next(m for m in mail.outbox if m.to == ["poster@example.com"])
    poster_link = re.search(r"http://\S+/status/\S+/", forwarded.body).group(0)
    poster_path = poster_link.split("127.0.0.1:8000", 1)[-1]
    page = client.get(poster_path)
    assert page.status_code == 200
    assert "原文系该杂志首发" in page.content.decode()
    counter_url = page.context["counter_notice_url"]

    response = client.post(
        counter_url,
        {
            "article": article.pk,
            "name": "李四",
            "email": "poster@example.com",
            "phone": "13800000000",
            "postal_address": "北京市西城区某街 2 号",
            "explanation": "本文经作者授权转载。",
            "good_faith": "on",
            "signature": "李四",
            "evidence": [png_file("licence.png")],
        },
    )
    counter = CounterNotice.objects.get()
    assert response["Location"].startswith(counter.status_url("sender"))
    assert counter.tracking_number.startswith("CN-") and counter.evidence.count() == 1
    # A second one while the first is handled is refused with a message.
    again = client.post(
        counter_url,
        {
            "article": article.pk,
            "name": "李四",
            "email": "poster@example.com",
            "phone": "13800000000",
            "postal_address": "北京市西城区某街 2 号",
            "explanation": "再次提交。",
            "good_faith": "on",
            "signature": "李四",
            "evidence": [pdf_file()],
        },
    )
    assert again.status_code == 409 and CounterNotice.objects.count() == 1
    # The contact details the Regulation requires (Art. 16(1)) cannot be left out.
    missing = client.post(counter_url, {"article": article.pk, "name": "李四"})
    assert {"phone", "postal_address"} <= set(missing.context["form"].errors)

    # The sender asks for a review of the acceptance? No: the poster does, from their link.
    review = client.post(poster_path + "review/", {"explanation": "文章已获授权。"})
    assert review.status_code == 302
    assert ReviewRequest.objects.get().role == "poster"
    # Only one open review at a time.
    page = client.get(poster_path)
    assert "review_form" not in page.context


def test_review_request_form_errors_re_render_the_status_page(client, article, moderator):
    notice = services.submit_notice(articles=[article], data=notice_fields()).case
    services.reject_notice(notice, moderator, services.Reasons("证明不足", "本站规则"))
    path = notice.status_url("sender")
    response = client.post(path + "review/", {"explanation": ""})
    assert response.status_code == 400
    assert response.context["review_form"].errors
    assert ReviewRequest.objects.count() == 0
    # GET on a POST-only address is refused, not a 500.
    assert client.get(path + "review/").status_code == 405


def test_the_claimant_can_report_a_lawsuit_while_restoration_waits(client, article, moderator):
    notice = services.submit_notice(articles=[article], data=notice_fields()).case
    reasons = services.Reasons("事实", "依据")
    services.accept_notice(notice, moderator, reasons)
    counter = services.submit_counter_notice(
        notice=notice,
        article=article,
        data={"name": "李四", "email": "p@example.com", "explanation": "授权", "good_faith": True,
              "signature": "李四"},
    ).case  # fmt: skip
    services.accept_counter_notice(counter, moderator, reasons)
    path = notice.status_url("sender")
    assert "legal_action_form" in client.get(path).context
    response = client.post(path + "legal-action/", {"note": "已于 2026-11-30 向某区法院起诉"})
    assert response.status_code == 302
    counter.refresh_from_db()
    assert counter.legal_action_reported_at is not None
    assert services.run_due(now=counter.restore_due_at) == []


# --- Evidence files ----------------------------------------------------------------------------


def test_evidence_is_stored_privately_and_only_moderators_can_fetch_it(
    client, article, moderator, settings
):
    status_path(client.post(NOTICE_URL, notice_data(article)))
    evidence = Evidence.objects.get()
    stored = settings.EVIDENCE_ROOT / evidence.file.name
    assert stored.read_bytes() == PDF
    assert not str(stored).startswith(str(settings.MEDIA_ROOT))
    url = evidence.get_absolute_url()
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    for role in ("staff", "editor"):
        client.force_login(make_user(role))
        assert client.get(url).status_code == 403
    client.force_login(moderator)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    # Nothing of it is reachable under the public or private media URLs.
    client.logout()
    assert client.get("/media/" + evidence.file.name).status_code == 404
    assert client.get("/private-media/" + evidence.file.name).status_code in {302, 404}


def test_forms_behind_status_links_have_their_own_rate_budget(client, article, moderator, settings):
    settings.MODERATION_RATE_LIMIT = "2/h"
    for _ in range(2):
        status_path(client.post(REPORT_URL, report_data(article)))
    assert client.post(REPORT_URL, report_data(article)).status_code == 429
    # The sender of a decided notice can still ask for a review from the same network.
    notice = services.submit_notice(articles=[article], data=notice_fields()).case
    services.reject_notice(notice, moderator, services.Reasons("证明不足", "本站规则"))
    response = client.post(notice.status_url("sender") + "review/", {"explanation": "请复核"})
    assert response.status_code == 302
    assert ReviewRequest.objects.count() == 1
