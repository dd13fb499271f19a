"""The admin's 导入文章 page through the test client: paste, upload, review, duplicates,
editing before saving, the poster and IP of the draft, bad input and permissions."""

import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import lxml.html
import pytest
from django.contrib.auth.models import Permission
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from articles import admin_import
from articles.admin_import import ORIGIN_SALT, sign_origin
from articles.importing import MAX_FILE_BYTES
from articles.models import Article
from tests.browser import PageProblems, chromium, require_chromium
from tests.factories import ArticleFactory, CategoryFactory, image_file, make_user

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:articles_article_import")
CHANGELIST_URL = reverse("admin:articles_article_changelist")
FIXTURES = Path(__file__).parent / "fixtures" / "import"
TEXT_PAGE = (FIXTURES / "court-forum.txt").read_text(encoding="utf-8")
HTML_PAGE = (FIXTURES / "court-forum.html").read_text(encoding="utf-8")
TITLE = "院长视点 | 守好诉源治理“第一道关口” 让矛盾纠纷化解在家门口"
SOURCE_URL = "https://news.example.net/court/2024/0715/88.html"
ORIGINAL_TIME = datetime(2024, 7, 15, 9, 30, 45, tzinfo=ZoneInfo("Asia/Shanghai"))
# Messages are compared through gettext, in the site's language, whatever the catalogue has.
ONE_SOURCE = "Please give exactly one of these: pasted text, a file or an address."


@pytest.fixture
def editor(client):
    user = make_user("editor", username="import-editor")
    client.force_login(user)
    return user


def form_values(response, form_id):
    """The values a browser would submit from the form ``form_id`` of ``response``'s page
    (inputs, textareas, the selected option; no file, button or unchecked box), as a dict."""
    page = lxml.html.fromstring(response.content.decode())
    (form,) = page.xpath(f'//form[@id="{form_id}"]')
    values = {}
    for element in form.xpath(".//input[@name] | .//textarea[@name] | .//select[@name]"):
        kind = element.get("type", "text")
        if element.tag == "input" and kind in {"submit", "button", "image", "reset", "file"}:
            continue
        if kind in {"checkbox", "radio"} and not element.checked:
            continue
        value = element.value or ""
        if element.tag == "textarea":
            # HTML drops a newline right after <textarea> (Django writes one); libxml2 keeps it.
            value = value.removeprefix("\n")
        values[element.name] = value
    return values


def review(client, **source):
    """Step 1: send ``source`` (``text=``, ``file=`` or ``url=``); the review page."""
    response = client.post(IMPORT_URL, source)
    assert response.status_code == 200
    assert b'id="import-review"' in response.content, response.content.decode()[:3000]
    return response


def save(client, response, meta=None, **changes):
    """Step 2: submit the review form of ``response`` as rendered, with ``changes``, encoded
    as a browser would by the form's ``enctype``; ``meta`` adds request headers or sets
    ``REMOTE_ADDR``."""
    data = {**form_values(response, "import-review"), **changes}
    page = lxml.html.fromstring(response.content.decode())
    (form,) = page.xpath('//form[@id="import-review"]')
    if form.get("enctype") == "multipart/form-data":
        return client.post(IMPORT_URL, data, **(meta or {}))
    encoded = urlencode(data)
    return client.post(
        IMPORT_URL, encoded, content_type="application/x-www-form-urlencoded", **(meta or {})
    )


def origin(values):
    """The signed ``origin`` field of the review form, read: fetched URL and image URLs."""
    return signing.loads(values["origin"], salt=ORIGIN_SALT)


def errors(response):
    """The error messages of the page's forms, as one string."""
    page = lxml.html.fromstring(response.content.decode())
    items = page.xpath('//ul[contains(@class, "errorlist")]/li')
    return " ".join(item.text_content() for item in items)


# --- Recognition and review ----------------------------------------------------------------


def test_pasted_text_shows_the_recognised_fields_and_saves_nothing(client, editor):
    response = review(client, text=TEXT_PAGE)
    values = form_values(response, "import-review")
    assert values["title"] == TITLE
    assert values["byline"] == "江南省清河县人民法院院长 林远舟"
    assert values["source_name"] == "法治周刊"
    assert values["source_issue"] == "2024年第7期"
    assert values["source_editor"] == "周晓"
    assert values["original_published_at"] == "2024-07-15T09:30:45"
    assert values["body"].startswith("<p>诉源治理是推进基层社会治理现代化的重要抓手。")
    assert values["source_url"] == ""
    # The preview is the body rendered (as HTML, not escaped).
    page = lxml.html.fromstring(response.content.decode())
    (preview,) = page.find_class("import-preview__body")
    assert preview.xpath("./h2[text()='以多元解纷为抓手']")
    assert not Article.objects.exists()


def test_pasted_html_is_recognised_as_html(client, editor):
    values = form_values(review(client, text=HTML_PAGE), "import-review")
    assert values["title"] == TITLE
    assert values["source_url"] == SOURCE_URL
    assert values["keywords"] == "诉源治理, 清河县人民法院"
    assert origin(values) == {
        "fetched_url": "",
        "image_urls": [
            "https://img.example.net/court/88/1.jpg",
            "https://img.example.net/court/88/cover.jpg",
            "https://img.example.net/court/88/toc.jpg",
        ],
    }
    assert "<script" not in values["body"] and "发布人" not in values["body"]


def test_pasted_html_is_read_as_pasted_whatever_charset_it_declares(client, editor):
    # Copied from "view source" of a GBK page, the text is already characters; its UTF-8
    # bytes would also decode (wrongly) as the GBK its <meta> declares.
    runs = ("法院调解工作取得成效", "人民法院依法审理案件")  # even lengths: GBK pairs
    paragraphs = "".join(f"<p>{words * 4}</p>" for words in runs)
    page = (
        '<html><head><meta charset="gbk"><title>法院调解工作</title></head>'
        f"<body><article><h1>法院调解工作</h1>{paragraphs}</article></body></html>"
    )
    assert page.encode("utf-8").decode("gb18030") != page  # the trap is real
    values = form_values(review(client, text=page), "import-review")
    assert values["title"] == "法院调解工作"
    assert values["body"].startswith("<p>法院调解工作取得成效")


def test_a_gbk_file_with_any_name_is_decoded_and_recognised(client, editor):
    upload = SimpleUploadedFile("院长视点（另存为）.htm", TEXT_PAGE.encode("gb18030"))
    values = form_values(review(client, file=upload), "import-review")
    assert values["title"] == TITLE
    assert values["byline"] == "江南省清河县人民法院院长 林远舟"


def test_saving_creates_a_draft_with_the_edited_fields_posted_by_the_editor(client, editor):
    category = CategoryFactory(name="院长论坛", slug="forum")
    response = review(client, text=HTML_PAGE)
    saved = save(
        client,
        response,
        meta={"REMOTE_ADDR": "124.223.189.17", "HTTP_X_FORWARDED_FOR": "1.2.3.4"},
        title="守好诉源治理第一道关口（编辑改过的标题）",
        category=str(category.pk),
        keywords="诉源治理，基层治理, 调解",
    )
    article = Article.objects.get()
    assert saved.status_code == 302
    assert saved["Location"] == reverse("admin:articles_article_change", args=[article.pk])
    assert article.title == "守好诉源治理第一道关口（编辑改过的标题）"
    assert article.status == Article.Status.DRAFT
    assert article.category == category
    assert article.source_url == SOURCE_URL
    assert article.original_published_at == ORIGINAL_TIME
    assert article.source_editor == "周晓"
    assert sorted(tag.name for tag in article.tags.all()) == ["基层治理", "诉源治理", "调解"]
    # The poster is the editor from the request, as for articles created in the admin.
    assert article.poster == editor
    assert article.poster_ip == "124.223.189.17"
    assert article.poster_nickname == "import-editor"
    page = client.get(saved["Location"])
    (message,) = page.context["messages"]
    assert "守好诉源治理第一道关口（编辑改过的标题）" in str(message)


def test_a_body_edited_with_markup_is_sanitized_in_the_preview_and_on_save(client, editor):
    response = review(client, text=TEXT_PAGE)
    body = '<p onclick="steal()">改写的正文。</p><script>alert(1)</script>'
    shown = save(client, response, body=body, original_published_at="2024-13-45T00:00")
    assert shown.status_code == 200
    preview = lxml.html.fromstring(shown.content.decode()).get_element_by_id("import-preview")
    assert lxml.html.tostring(preview, encoding="unicode").count("<p>改写的正文。</p>") == 1
    assert b"<script>alert(1)</script>" not in shown.content
    assert save(client, shown, original_published_at="").status_code == 302
    assert Article.objects.get().body == "<p>改写的正文。</p>"


def served_page(http_server):
    """The HTML fixture on the local server at ``/court/88.html``, its images on the same
    server (nothing reaches the internet); returns the page's address."""
    page = HTML_PAGE.replace("https://img.example.net/court/88/", http_server.url("/img/"))
    http_server.add("/court/88.html", page.encode("gb18030"), content_type="text/html; charset=gbk")
    return http_server.url("/court/88.html")


def test_a_page_given_by_address_is_fetched_and_recognised(client, editor, http_server):
    served_page(http_server)
    http_server.redirect("/short", "/court/88.html")
    values = form_values(review(client, url=http_server.url("/short")), "import-review")
    assert values["title"] == TITLE
    assert values["source_url"] == SOURCE_URL  # the page's own canonical address
    assert origin(values) == {
        "fetched_url": http_server.url("/court/88.html"),
        "image_urls": [
            http_server.url("/img/1.jpg"),
            http_server.url("/img/cover.jpg"),
            http_server.url("/img/toc.jpg"),
        ],
    }


def test_a_draft_from_an_address_gets_its_images_and_hears_of_the_failed_ones(
    client, editor, http_server
):
    address = served_page(http_server)
    photo = image_file("1.jpg", size=(120, 80), fmt="JPEG").read()
    http_server.add("/img/1.jpg", photo, content_type="image/jpeg")
    http_server.add("/img/toc.jpg", b"<html>not an image</html>", content_type="image/jpeg")
    # /img/cover.jpg is not served: 404.
    saved = save(client, review(client, url=address), meta={"REMOTE_ADDR": "124.223.189.17"})
    assert saved.status_code == 302
    article = Article.objects.get()
    assert (article.poster, article.poster_ip) == (editor, "124.223.189.17")
    (image,) = article.images.all()
    assert (image.width, image.height) == (120, 80)
    assert image.rendition.storage.exists(image.rendition.name)
    (_, headers) = next(request for request in http_server.requests if request[0] == "/img/1.jpg")
    assert headers.get("Referer") == address

    # One message for the draft and its images, a warning since two were not imported.
    (note,) = client.get(saved["Location"]).context["messages"]
    added = ngettext(
        "%(count)d image was added to its gallery.",
        "%(count)d images were added to its gallery.",
        1,
    ) % {"count": 1}
    assert note.level_tag == "warning"
    assert TITLE in str(note) and added in str(note)
    assert f"{http_server.url('/img/cover.jpg')} (" in str(note) and "404" in str(note)
    assert f"{http_server.url('/img/toc.jpg')} (" in str(note)


def test_a_pasted_page_downloads_no_image(client, editor, http_server):
    page = HTML_PAGE.replace("https://img.example.net/court/88/", http_server.url("/img/"))
    assert save(client, review(client, text=page)).status_code == 302
    assert not Article.objects.get().images.exists()
    assert http_server.requests == []


def test_an_address_that_answers_404_shows_the_reason_and_keeps_the_address(
    client, editor, http_server
):
    address = http_server.url("/missing.html")
    response = client.post(IMPORT_URL, {"url": address})
    assert response.status_code == 200
    assert "404" in errors(response)
    assert form_values(response, "import-source")["url"] == address


# --- Duplicates ----------------------------------------------------------------------------


def test_a_page_imported_already_is_flagged_with_a_link_and_not_saved_again(client, editor):
    existing = ArticleFactory(title="早先导入的<b>标题</b>", source_url=SOURCE_URL)
    change_url = reverse("admin:articles_article_change", args=[existing.pk])
    response = review(client, text=HTML_PAGE)
    warning = lxml.html.fromstring(response.content.decode()).get_element_by_id("import-duplicate")
    assert warning.xpath(f'.//a[@href="{change_url}"]')[0].text_content() == "早先导入的<b>标题</b>"

    saved = save(client, response, title="换个标题也还是同一来源")
    assert saved.status_code == 200
    assert Article.objects.count() == 1
    assert gettext("This page was imported already; nothing was saved.") in errors(saved)
    page = lxml.html.fromstring(saved.content.decode())
    assert page.get_element_by_id("import-duplicate").xpath(f'.//a[@href="{change_url}"]')
    assert form_values(saved, "import-review")["title"] == "换个标题也还是同一来源"


def test_same_title_and_original_time_is_a_duplicate_until_the_time_is_corrected(client, editor):
    ArticleFactory(title=TITLE, original_published_at=ORIGINAL_TIME)
    response = review(client, text=TEXT_PAGE)
    assert b'id="import-duplicate"' in response.content
    assert save(client, response).status_code == 200
    assert Article.objects.count() == 1
    # Another time of day is another article (the rule is the importer's).
    assert save(client, response, original_published_at="2024-07-16T09:30").status_code == 302
    assert Article.objects.count() == 2


# --- Bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        {},
        {"text": "   \n  "},
        {"text": "某篇文章", "url": "https://news.example.net/a.html"},
    ],
    ids=["nothing", "only-spaces", "text-and-url"],
)
def test_exactly_one_source_is_needed_and_what_was_typed_is_kept(client, editor, source):
    response = client.post(IMPORT_URL, source)
    assert response.status_code == 200
    assert gettext(ONE_SOURCE) in errors(response)
    values = form_values(response, "import-source")
    assert values["text"] == source.get("text", "")
    assert values["url"] == source.get("url", "")


def test_text_and_a_file_together_are_refused(client, editor):
    upload = SimpleUploadedFile("page.txt", TEXT_PAGE.encode())
    response = client.post(IMPORT_URL, {"text": TEXT_PAGE, "file": upload})
    assert gettext(ONE_SOURCE) in errors(response)
    assert form_values(response, "import-source")["text"] == TEXT_PAGE


def test_an_address_other_than_http_is_refused(client, editor):
    response = client.post(IMPORT_URL, {"url": "file:///etc/passwd"})
    assert response.status_code == 200
    assert errors(response)
    assert form_values(response, "import-source")["url"] == "file:///etc/passwd"


def test_a_binary_upload_is_a_message_not_an_error_page(client, editor):
    upload = image_file("scan.txt", size=(40, 30))
    response = client.post(IMPORT_URL, {"file": upload})
    assert response.status_code == 200
    assert gettext("%(name)s: looks like a binary file (NUL bytes), not text.") % {
        "name": "scan.txt"
    } in errors(response)
    assert b'id="import-source"' in response.content


def test_an_oversize_upload_is_a_message_not_an_error_page(client, editor):
    upload = SimpleUploadedFile("huge.html", b"<p>" + b"x" * MAX_FILE_BYTES)
    response = client.post(IMPORT_URL, {"file": upload})
    assert response.status_code == 200
    assert gettext("The file is larger than %(megabytes)d MB; a saved page is much smaller.") % {
        "megabytes": 5
    } in errors(response)


def test_a_page_without_an_article_shows_the_reason_and_keeps_the_text(client, editor):
    text = "首页 | 新闻 | 法治"
    response = client.post(IMPORT_URL, {"text": text})
    assert response.status_code == 200
    assert errors(response)
    assert form_values(response, "import-source")["text"] == text


def test_bad_fields_in_the_review_are_shown_with_everything_typed(client, editor):
    response = review(client, text=TEXT_PAGE)
    shown = save(
        client,
        response,
        title="长" * 256,
        source_url="http://not a url",
        original_published_at="1066-10-14T09:00",
        lead="编辑改写的导读",
    )
    assert shown.status_code == 200
    assert not Article.objects.exists()
    page = lxml.html.fromstring(shown.content.decode())
    for name in ("title", "source_url", "original_published_at"):
        row = page.find_class(f"field-{name}")[0]
        assert row.find_class("errorlist"), f"no error shown for {name}"
    values = form_values(shown, "import-review")
    assert values["title"] == "长" * 256
    assert values["lead"] == "编辑改写的导读"
    assert values["source_url"] == "http://not a url"


def test_changed_image_addresses_are_refused(client, editor):
    response = review(client, text=TEXT_PAGE)
    forged = signing.dumps({"fetched_url": "", "image_urls": ["javascript:alert(1)"]})
    for value in (
        "javascript:alert(1)",
        forged,
        "",
        form_values(response, "import-review")["origin"][:-3],
    ):
        shown = save(client, response, origin=value)
        assert shown.status_code == 200
        assert gettext(
            "The page's details are missing or were changed; please import the page again."
        ) in errors(shown)
    assert not Article.objects.exists()


# --- What travels between the steps, images within a time budget, large pages -------------


def test_a_forged_fetched_address_on_a_pasted_page_downloads_nothing(client, editor, http_server):
    page = HTML_PAGE.replace("https://img.example.net/court/88/", http_server.url("/img/"))
    response = review(client, text=page)
    wanted = {"fetched_url": http_server.url("/court/88.html"), "image_urls": [
        http_server.url("/img/1.jpg")]}  # fmt: skip
    forged = signing.dumps(wanted, salt=ORIGIN_SALT, key="not this site's secret key")
    shown = save(client, response, origin=forged)
    assert shown.status_code == 200
    assert gettext(
        "The page's details are missing or were changed; please import the page again."
    ) in errors(shown)
    # The old unsigned field is no longer read: the draft is saved, as pasted.
    assert save(client, response, fetched_url=wanted["fetched_url"]).status_code == 302
    assert not Article.objects.get().images.exists()
    assert http_server.requests == []


def test_image_addresses_with_spaces_or_odd_hosts_do_not_block_the_save(
    client, editor, http_server
):
    page = HTML_PAGE.replace("https://img.example.net/court/88/1.jpg", "/img/real 1.jpg")
    page = page.replace("https://img.example.net/court/88/", "http://img_host.example.net/")
    http_server.add("/court/88.html", page.encode("gb18030"), content_type="text/html; charset=gbk")
    photo = image_file("1.jpg", size=(120, 80), fmt="JPEG").read()
    http_server.add("/img/real%201.jpg", photo, content_type="image/jpeg")
    response = review(client, url=http_server.url("/court/88.html"))
    values = form_values(response, "import-review")
    images = origin(values)["image_urls"]
    assert images[0] in {http_server.url("/img/real 1.jpg"), http_server.url("/img/real%201.jpg")}
    assert images[1:] == [
        "http://img_host.example.net/cover.jpg",
        "http://img_host.example.net/toc.jpg",
    ]

    # Not http(s): dropped, not fatal. Only the first image is fetched: the host with "_"
    # resolves nowhere and would be reported, so its addresses are left out here.
    token = sign_origin(http_server.url("/court/88.html"), [images[0], "ftp://127.0.0.1/x.jpg"])
    saved = save(client, response, origin=token)
    assert saved.status_code == 302
    (image,) = Article.objects.get().images.all()
    assert (image.width, image.height) == (120, 80)
    (note,) = client.get(saved["Location"]).context["messages"]
    assert note.level_tag == "success" and "ftp:" not in str(note)


def test_slow_images_stop_at_the_time_budget_and_make_one_message(
    client, editor, http_server, monkeypatch
):
    monkeypatch.setattr(admin_import, "IMAGE_TIME_BUDGET_SECONDS", 0.5)
    figures = "".join(f'<img src="/img/slow-{number}.jpg">' for number in range(8))
    page = HTML_PAGE.replace("https://img.example.net/court/88/", http_server.url("/img/"))
    page = page.replace('<div class="gallery">', f'<div class="gallery">{figures}')
    http_server.add("/court/88.html", page.encode("gb18030"), content_type="text/html; charset=gbk")
    http_server.drip("/img/slow-0.jpg", content_type="image/jpeg")
    response = review(client, url=http_server.url("/court/88.html"))
    assert len(origin(form_values(response, "import-review"))["image_urls"]) == 11

    started = time.monotonic()
    saved = save(client, response)
    assert saved.status_code == 302
    assert time.monotonic() - started < 3  # the budget, not 11 × the 5 s fetch timeout
    assert http_server.requested("/img/slow-1.jpg") == 0  # never started
    (note,) = client.get(saved["Location"]).context["messages"]
    text = str(note)
    assert note.level_tag == "warning"
    assert (
        ngettext(
            "%(count)d image was not imported: %(list)s.",
            "%(count)d images were not imported: %(list)s.",
            11,
        )
        .split("%(count)d")[1]
        .split("%(list)s")[0]
        in text
    )
    assert text.startswith(
        gettext("The draft “%(title)s” was imported; check it and publish it.") % {"title": TITLE}
    )
    assert "11" in text and gettext("time budget spent; skipped") in text
    assert ngettext("… and %(count)d more", "… and %(count)d more", 6) % {"count": 6} in text
    assert text.count(http_server.url("/img/")) == 5


def test_a_page_of_the_largest_size_goes_through_both_steps(client, editor):
    paragraph = "<p>" + "清河县人民法院召开年中工作推进会，总结上半年审判执行工作。" * 20 + "</p>\n"
    head = (
        '<html><head><meta charset="utf-8"><title>五兆字节的长文章</title></head>'
        "<body><article><h1>五兆字节的长文章</h1>"
    )
    tail = "</article></body></html>"
    room = MAX_FILE_BYTES - len(head.encode()) - len(tail.encode())
    page = head + paragraph * (room // len(paragraph.encode())) + tail
    assert MAX_FILE_BYTES - 2000 < len(page.encode()) <= MAX_FILE_BYTES
    response = review(client, text=page)
    # URL-encoded, the review form would be three times larger than the page.
    assert save(client, response).status_code == 302
    article = Article.objects.get()
    assert article.title == "五兆字节的长文章"
    assert len(article.body) > 0.9 * len(page)


# --- Permissions ---------------------------------------------------------------------------


def test_anonymous_users_and_readers_are_sent_to_the_login_page(client):
    for user in (None, make_user("reader")):
        if user is not None:
            client.force_login(user)
        for response in (client.get(IMPORT_URL), client.post(IMPORT_URL, {"text": TEXT_PAGE})):
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("admin:login"))
    assert not Article.objects.exists()


def test_staff_without_the_add_permission_get_403_and_no_button(client):
    viewer = make_user("staff")
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(viewer)
    assert client.get(IMPORT_URL).status_code == 403
    response = client.post(IMPORT_URL, {"text": TEXT_PAGE})
    assert response.status_code == 403
    listing = client.get(CHANGELIST_URL)
    assert listing.status_code == 200
    assert IMPORT_URL.encode() not in listing.content


def test_editors_see_the_button_and_the_page(client, editor):
    listing = client.get(CHANGELIST_URL)
    link = lxml.html.fromstring(listing.content.decode()).xpath(
        f'//ul[@class="object-tools"]//a[@href="{IMPORT_URL}"]'
    )
    assert len(link) == 1
    page = client.get(IMPORT_URL)
    assert page.status_code == 200
    assert set(form_values(page, "import-source")) >= {"text", "url"}


# --- In a browser ---------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_editor_imports_corrects_and_saves_in_chromium(live_server):
    executable = require_chromium()
    from playwright.sync_api import expect

    # Data first: while Playwright's event loop runs, Django refuses ORM calls here.
    editor = make_user("editor", username="browser-importer")
    CategoryFactory(name="院长论坛", slug="forum")
    edited_title = "守好诉源治理“第一道关口”（浏览器里改过）"

    with chromium(executable) as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = page.new_page()
        watcher = PageProblems()
        watcher.watch(page)
        page.goto(live_server.url + CHANGELIST_URL)
        page.fill("#id_username", "browser-importer")
        page.fill("#id_password", "correct horse battery staple")
        page.click("input[type=submit]")
        page.click(f'.object-tools a[href="{IMPORT_URL}"]')

        page.fill("#id_text", TEXT_PAGE)
        page.screenshot(path="/tmp/admin-import-source.png", full_page=True)
        page.click("#import-source input[type=submit]")
        expect(page.locator("#id_title")).to_have_value(TITLE)
        expect(page.locator("#id_original_published_at")).to_have_value("2024-07-15T09:30:45")
        expect(page.locator(".import-preview__body h2").first).to_have_text("以多元解纷为抓手")
        page.fill("#id_title", edited_title)
        page.select_option("#id_category", label="院长论坛")
        page.screenshot(path="/tmp/admin-import.png", full_page=True)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 1280, f"the import page is {width} px wide"

        page.click("#import-review input[type=submit]")
        expect(page.locator("#id_title")).to_have_value(edited_title)
        expect(page.locator(".messagelist .success")).to_contain_text(edited_title)
        assert watcher.collect(page) == []

    article = Article.objects.get()
    assert (article.title, article.poster, article.status) == (
        edited_title,
        editor,
        Article.Status.DRAFT,
    )
    assert article.category.slug == "forum"
    assert article.poster_ip == "127.0.0.1"
