"""Notice and action in a real browser: filing a notice from an article's 删稿 link (with a
proof file) on a phone, the receipt, the tombstone of the article once the notice is accepted,
and the transparency page, each without CSP violations or failed requests."""

from urllib.parse import unquote

import pytest

from moderation import services
from moderation.models import Notice
from tests.browser import PageProblems, chromium, require_chromium
from tests.factories import ArticleFactory, UserFactory, make_user, moderators_group
from tests.test_browser import BASE_SCREENSHOTS, DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def static_from_finders(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def test_filing_a_notice_on_a_phone_then_the_tombstone(live_server, static_from_finders, tmp_path):
    executable = require_chromium()
    poster = UserFactory(username="poster-b", email="poster-b@example.com")
    article = ArticleFactory(published=True, poster=poster, title="被删除通知的测试文章")
    moderator = make_user("staff", username="mod-b")
    moderator.groups.add(moderators_group())
    proof = tmp_path / "授权书.pdf"
    proof.write_bytes(PDF)
    problems = PageProblems()

    with chromium(executable) as browser:
        page = problems.watch(browser.new_context(**PHONE).new_page())
        page.goto(live_server.url + article.get_absolute_url())
        page.get_by_role("link", name="删稿（权利人通知）").click()
        page.wait_for_load_state()
        assert unquote(article.get_absolute_url()) in page.locator("#id_article_urls").input_value()
        page.fill("#id_claimant_name", "张三")
        page.fill("#id_organisation", "某某杂志社")
        page.check("input[name=capacity][value=rights_holder]")
        page.fill("#id_postal_address", "北京市东城区某路 1 号")
        page.fill("#id_email", "claimant@example.com")
        page.fill("#id_phone", "010-12345678")
        page.select_option("#id_right", "copyright")
        page.fill("#id_work", "《某某杂志》2025年第4期原文")
        page.fill("#id_explanation", "全文转载，未经许可。")
        page.set_input_files("#id_evidence", str(proof))
        page.check("#id_good_faith")
        page.check("#id_accuracy")
        page.fill("#id_signature", "张三")
        # The honeypot is out of sight.
        assert not page.locator("#id_leave_empty").is_visible() or (
            page.locator("#id_leave_empty").bounding_box()["x"] < 0
        )
        page.screenshot(path=str(BASE_SCREENSHOTS / "notice-form-phone.png"), full_page=True)
        page.get_by_role("button", name="提交通知").click()
        page.wait_for_load_state()
        receipt = page.locator(".receipt").inner_text()
        assert "TD-" in receipt
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), (
            "the receipt overflows a phone screen"
        )
        page.screenshot(path=str(BASE_SCREENSHOTS / "notice-receipt-phone.png"), full_page=True)
        receipt_problems = problems.collect(page)
        page.close()

    notice = Notice.objects.get()
    assert notice.tracking_number in receipt
    assert notice.evidence.get().original_name == "授权书.pdf"
    services.accept_notice(notice, moderator, services.Reasons("原文首发于该杂志", "条例第十五条"))

    problems = PageProblems()
    with chromium(executable) as browser:
        page = problems.watch(browser.new_context(**DESKTOP).new_page())
        response = page.goto(live_server.url + article.get_absolute_url())
        assert response.status == 451
        assert 'rel="blocked-by"' in response.headers["link"]
        assert "权利人的删除通知" in page.locator(".tombstone").inner_text()
        page.screenshot(path=str(BASE_SCREENSHOTS / "tombstone-desktop.png"), full_page=True)
        tombstone_problems = [p for p in problems.collect(page) if "451" not in p]

        page.goto(live_server.url + "/transparency/")
        page.screenshot(path=str(BASE_SCREENSHOTS / "transparency-desktop.png"), full_page=True)
        transparency_problems = problems.collect(page)
        page.close()

    assert receipt_problems == []
    assert tombstone_problems == []
    assert [p for p in transparency_problems if "451" not in p] == []
