"""``manage.py import_article``: saved pages (text and HTML) become draft or published articles.

The fixtures under ``tests/fixtures/import/`` are a fictional court article with the shape and
chrome of the real source pages: breadcrumb, meta row with 发布日期, 导读 repeating the byline
and cut mid-sentence, broken ``<img onload>`` fragments, two-line section headings, a gallery
caption, magazine issue and editor lines, the 文/匿名 line, 免责声明, 相关评论 and footer.
"""

import io
import re
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from articles.importing import parse_file, parse_html, parse_text
from articles.models import Article
from tests.factories import CategoryFactory, make_user

FIXTURES = Path(__file__).parent / "fixtures" / "import"
TEXT_PAGE = FIXTURES / "court-forum.txt"
HTML_PAGE = FIXTURES / "court-forum.html"
SHANGHAI = ZoneInfo("Asia/Shanghai")
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Mobile Safari/604.1"}

TITLE = "院长视点 | 守好诉源治理“第一道关口” 让矛盾纠纷化解在家门口"
BYLINE = "江南省清河县人民法院院长 林远舟"
LEAD = (
    "诉源治理是推进基层社会治理现代化的重要抓手。清河县人民法院立足山区县法院实际,"
    "把非诉纠纷解决机制挺在前面,推动矛盾纠纷在基层就地化解。近年来,全院收案数量连续三年下降,"
    "群众满意度稳步提升。"
)
HEADINGS = [
    ("h2", "以多元解纷为抓手"),
    ("h3", "把调解阵地前移到村社"),
    ("h2", "以便民服务为目标"),
    ("h3", "把诉讼服务送到群众身边"),
]
CANONICAL_URL = "https://news.example.net/court/2024/0715/88.html"
# Text of the source site's chrome and trailer that must not reach the body.
CHROME = [
    "全国", "二维码", "某某资讯网", "手机WAP版", "多端同步", "微信小程序", "微信公众号",
    "当前位置", "放大字体", "缩小字体", "发布日期", "浏览次数", "发布人", "IP:", "导读",
    "本期内容预览", "滑动查看", "法治周刊", "2024年第7期", "总第128期", "编辑/周晓", "匿名",
    "非法信息举报", "删稿", "打赏", "免责声明", "昵称", "违规举报", "相关评论", "All Rights",
    "example.net", "首页", "关于我们", "网站地图",
]  # fmt: skip

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The command's messages are translated; these tests read them in English."""
    with translation.override("en"):
        yield


def run(*args):
    """Run the command; return its standard output."""
    out = io.StringIO()
    call_command("import_article", *map(str, args), stdout=out)
    return out.getvalue()


def another_article(page: str) -> str:
    """``page`` with another title and another body text (not a copy of the same page)."""
    return page.replace("守好", "守牢").replace("连续三年下降", "连续四年下降")


def paragraphs(body):
    return re.findall(r"<p>(.*?)</p>", body)


def headings(body):
    return re.findall(r"<(h[23])>(.*?)</h[23]>", body)


# --- Recognised fields ----------------------------------------------------------------------


@pytest.mark.parametrize("page", [TEXT_PAGE, HTML_PAGE], ids=["text", "html"])
def test_import_recognises_every_field(page):
    output = run(page)

    article = Article.objects.get()
    assert article.title == TITLE
    assert article.byline == BYLINE
    assert article.lead == LEAD  # no repeated byline, no dangling "下一步,我们将继续"
    assert article.original_published_at == datetime(2024, 7, 15, 9, 30, 45, tzinfo=SHANGHAI)
    assert article.source_name == "法治周刊"
    assert article.source_issue == "2024年第7期"
    assert article.source_editor == "周晓"
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None
    assert not Article.objects.published().exists()
    assert "draft" in output
    # A draft's public URL answers 404: the command points to its admin page instead.
    assert reverse("admin:articles_article_change", args=[article.pk]) in output


def test_source_url_comes_from_the_html_canonical_link():
    run(HTML_PAGE)

    assert Article.objects.get().source_url == CANONICAL_URL


def test_plain_text_has_no_source_url():
    run(TEXT_PAGE)

    assert Article.objects.get().source_url == ""


@pytest.mark.parametrize("page", [TEXT_PAGE, HTML_PAGE], ids=["text", "html"])
def test_body_is_paragraphs_and_two_level_headings_without_chrome(page):
    run(page)

    body = Article.objects.get().body
    assert headings(body) == HEADINGS
    texts = paragraphs(body)
    assert len(texts) == 6
    assert texts[0].startswith("诉源治理是推进基层社会治理现代化的重要抓手。")
    assert texts[-1].startswith("路虽远,行则将至;事虽难,做则必成。")
    assert body.startswith("<p>诉源治理")
    assert body.endswith("公平正义。</p>")
    for fragment in ["nload", "onload", "removeAttribute", "<script", "<img", "/>", BYLINE]:
        assert fragment not in body
    for chrome in CHROME:
        assert chrome not in body, chrome


def test_html_is_recognised_by_content_not_by_file_name(tmp_path):
    page = tmp_path / "saved-page.txt"
    shutil.copy(HTML_PAGE, page)

    run(page)

    article = Article.objects.get()
    assert article.source_url == CANONICAL_URL
    assert "<script" not in article.body


def test_gb18030_text_file_imports(tmp_path):
    page = tmp_path / "gbk.txt"
    page.write_bytes(TEXT_PAGE.read_text(encoding="utf-8").encode("gb18030"))

    run(page)

    article = Article.objects.get()
    assert article.title == TITLE
    assert article.source_editor == "周晓"
    assert headings(article.body) == HEADINGS


def test_gb18030_html_with_a_gbk_charset_imports(tmp_path):
    page = tmp_path / "gbk.html"
    html = HTML_PAGE.read_text(encoding="utf-8").replace("charset=UTF-8", "charset=gbk")
    page.write_bytes(html.encode("gb18030"))

    run(page)

    assert Article.objects.get().title == TITLE


def test_utf8_with_byte_order_mark_imports(tmp_path):
    page = tmp_path / "bom.txt"
    page.write_bytes(b"\xef\xbb\xbf" + TEXT_PAGE.read_bytes())

    run(page)

    assert Article.objects.get().title == TITLE


def test_category_option_files_the_article():
    category = CategoryFactory(slug="yuanzhang")

    run(TEXT_PAGE, "--category", "yuanzhang")

    assert Article.objects.get().category == category


# --- Publishing and posters -----------------------------------------------------------------


def test_publish_option_makes_the_article_visible_at_its_url(client):
    output = run(HTML_PAGE, "--publish")

    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED
    assert list(Article.objects.published()) == [article]
    assert "published" in output
    response = client.get(article.get_absolute_url(), **BROWSER)
    assert response.status_code == 200
    assert TITLE in response.content.decode()


def test_published_now_by_default_or_at_the_original_time_with_backdate(client):
    from django.utils import timezone

    before = timezone.now()
    run(TEXT_PAGE, "--publish")
    article = Article.objects.get()
    assert article.published_at >= before
    article.delete()

    run(TEXT_PAGE, "--publish", "--backdate")
    article = Article.objects.get()
    assert article.published_at == article.original_published_at
    page = client.get(article.get_absolute_url(), **BROWSER).content.decode()
    shown = timezone.localtime(article.original_published_at).strftime("%Y-%m-%d %H:%M:%S")
    assert page.count(shown) == 2  # the meta row and the source attribution


def test_backdate_needs_publish():
    with pytest.raises(CommandError, match="--backdate"):
        run(TEXT_PAGE, "--backdate")


def test_without_poster_options_the_system_user_posts_without_an_ip(settings):
    settings.IMPORT_SYSTEM_USERNAME = "robot-importer"

    run(TEXT_PAGE)

    article = Article.objects.get()
    assert article.poster.username == "robot-importer"
    assert article.poster_nickname == "robot-importer"
    assert article.poster_ip is None
    assert not article.poster.has_usable_password()
    assert not article.poster.is_staff
    assert not article.poster.is_superuser


def test_system_user_is_created_once(tmp_path):
    other = tmp_path / "other.html"
    other.write_text(another_article(HTML_PAGE.read_text(encoding="utf-8")), "utf-8")

    run(TEXT_PAGE)
    run(other)

    assert Article.objects.count() == 2
    assert get_user_model().objects.filter(username="importer").count() == 1
    assert {article.poster.username for article in Article.objects.all()} == {"importer"}


def test_poster_options_set_poster_and_ip():
    editor = make_user("editor", username="zhangsan")

    run(TEXT_PAGE, "--poster", "zhangsan", "--poster-ip", "203.0.113.9")

    article = Article.objects.get()
    assert article.poster == editor
    assert article.poster_nickname == "zhangsan"
    assert article.poster_ip == "203.0.113.9"
    assert not get_user_model().objects.filter(username="importer").exists()


def test_the_source_sites_poster_and_ip_are_ignored():
    run(TEXT_PAGE)

    article = Article.objects.get()
    assert "a7b3" not in article.poster_nickname
    assert article.poster_ip is None


# --- Re-imports -----------------------------------------------------------------------------


def test_reimporting_the_same_page_changes_nothing_and_says_so():
    run(TEXT_PAGE)
    article = Article.objects.get()

    output = run(TEXT_PAGE)

    assert Article.objects.count() == 1
    assert "Already imported" in output
    assert reverse("admin:articles_article_change", args=[article.pk]) in output
    assert Article.objects.get().updated_at == article.updated_at


def test_same_source_url_is_a_duplicate_even_with_another_title(tmp_path):
    run(HTML_PAGE)
    page = tmp_path / "retitled.html"
    page.write_text(HTML_PAGE.read_text(encoding="utf-8").replace("守好", "守牢"), "utf-8")

    output = run(page)

    assert Article.objects.count() == 1
    assert Article.objects.get().title == TITLE
    assert "Already imported" in output


def test_same_title_and_time_is_a_duplicate_across_formats():
    run(HTML_PAGE, "--publish")

    output = run(TEXT_PAGE)  # no source URL: matched by title and original time

    assert Article.objects.count() == 1
    assert "Already imported" in output
    assert Article.objects.get().status == Article.Status.PUBLISHED


def test_same_title_at_another_time_is_a_new_article(tmp_path):
    run(TEXT_PAGE)
    page = tmp_path / "later.txt"
    page.write_text(
        another_article(
            TEXT_PAGE.read_text(encoding="utf-8").replace("2024-07-15 09:30:45", "2024-08-01 08:00")
        ),
        "utf-8",
    )

    run(page)

    assert Article.objects.count() == 2


# --- Errors ---------------------------------------------------------------------------------

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b" \n\t\r\n   \n", "empty"),
        ("\u3000\n \n".encode(), "empty"),
        (PNG_BYTES, "binary"),
        (b"\x80\xff\xfe\xfd\x81", "neither UTF-8 nor GB18030"),
        ("只有一行,没有标题结构。\n".encode(), "No title found"),
    ],
    ids=["empty", "whitespace", "ideographic-space", "png", "undecodable", "no-body"],
)
def test_unusable_files_are_command_errors(tmp_path, content, message):
    page = tmp_path / "page.txt"
    page.write_bytes(content)

    with pytest.raises(CommandError, match=message):
        run(page)

    assert not Article.objects.exists()


def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "nowhere.txt")


def test_directory_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="directory"):
        run(tmp_path)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--category", "no-such-slug"], "--category"),
        (["--poster", "nobody"], "--poster"),
        (["--poster-ip", "300.1.2.3"], "--poster-ip"),
        (["--poster-ip", "not-an-ip"], "--poster-ip"),
    ],
)
def test_bad_options_are_command_errors(options, message):
    with pytest.raises(CommandError, match=message):
        run(TEXT_PAGE, *options)

    assert not Article.objects.exists()


def test_command_errors_exit_non_zero(tmp_path):
    """Run as ``manage.py`` would: a CommandError ends the process with status 1."""
    page = tmp_path / "empty.txt"
    page.write_bytes(b"")

    with pytest.raises(SystemExit) as exit_info:
        from django.core.management import ManagementUtility

        ManagementUtility(["manage.py", "import_article", str(page)]).execute()

    assert exit_info.value.code == 1


# --- Parser details (no database) -----------------------------------------------------------


def test_parse_file_returns_the_dataclass_with_aware_time():
    parsed = parse_file(TEXT_PAGE)

    assert parsed.title == TITLE
    assert parsed.original_published_at.utcoffset().total_seconds() == 8 * 3600


def test_lead_without_any_sentence_end_is_kept_whole():
    parsed = parse_text("示例标题\n发布日期:2024-01-02\n导读\n一段没有句号的导读\n\n正文第一段。\n")

    assert parsed.lead == "一段没有句号的导读"
    assert parsed.original_published_at == datetime(2024, 1, 2, tzinfo=SHANGHAI)
    assert parsed.body_html == "<p>正文第一段。</p>"


def test_body_text_is_escaped():
    parsed = parse_text("示例标题\n\n甲说:a < b & c 成立。\n")

    assert parsed.body_html == "<p>甲说:a &lt; b &amp; c 成立。</p>"


def test_a_single_heading_is_h2_and_a_heading_with_no_text_after_it_is_dropped():
    parsed = parse_text("标题\n\n第一段。\n\n小标题\n\n第二段。\n\n末尾孤立的说明\n")

    assert parsed.body_html == "<p>第一段。</p>\n<h2>小标题</h2>\n<p>第二段。</p>"


def test_a_first_paragraph_identical_to_the_lead_stays_in_the_body():
    parsed = parse_text(
        "示例标题\n发布日期:2024-01-02 08:00\n导读:很短的第一段。\n很短的第一段。\n"
    )

    assert parsed.lead == "很短的第一段。"
    assert parsed.body_html == "<p>很短的第一段。</p>"


def test_html_without_a_meta_row_takes_title_and_date_from_its_metadata():
    paragraph = "清河县人民法院召开年中工作推进会,总结上半年审判执行工作,部署下半年重点任务。" * 3
    page = f"""<!DOCTYPE html><html><head>
        <meta property="og:title" content="清河法院召开年中工作推进会">
        <meta property="article:published_time" content="2024-07-01">
        <link rel="canonical" href="/relative/only.html">
        </head><body><nav><a href="/">首页</a> <a href="/news/">新闻</a></nav>
        <article><h1>清河法院召开年中工作推进会</h1><p>{paragraph}</p>
        <p>会议要求,全院干警要坚定信心、真抓实干。</p></article>
        <footer>(c)2010-现在 example.net All Rights Reserved.</footer></body></html>"""

    parsed = parse_html(page)

    assert parsed.title == "清河法院召开年中工作推进会"
    assert parsed.original_published_at == datetime(2024, 7, 1, tzinfo=SHANGHAI)
    assert parsed.source_url == ""  # a relative canonical address is not a source URL
    assert paragraphs(parsed.body_html)[0] == paragraph
    assert "首页" not in parsed.body_html
    assert "All Rights" not in parsed.body_html


def test_a_field_that_does_not_fit_the_model_is_a_command_error(tmp_path):
    page = tmp_path / "long-title.txt"
    page.write_text("很长的标题" * 60 + "\n\n正文第一段。\n", encoding="utf-8")

    with pytest.raises(CommandError, match="title"):
        run(page)

    assert not Article.objects.exists()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_text_with_a_byte_order_mark_imports(tmp_path, encoding):
    page = tmp_path / "notepad-unicode.txt"
    text = TEXT_PAGE.read_text(encoding="utf-8")
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    page.write_bytes(data)

    run(page)

    assert Article.objects.get().title == TITLE


def test_a_file_larger_than_the_limit_is_refused_without_reading_it_all(tmp_path, monkeypatch):
    from articles.importing import reading

    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 10_000)
    page = tmp_path / "huge.txt"
    page.write_bytes(TEXT_PAGE.read_bytes() + "正文。".encode() * 5_000)
    with pytest.raises(CommandError, match="larger than"):
        run(page)
    assert not Article.objects.exists()


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_special_files_are_refused_without_blocking(tmp_path, kind):
    import os

    if kind == "fifo":
        path = tmp_path / "pipe.txt"
        os.mkfifo(path)  # opening it for reading would block forever
    else:
        path = tmp_path / "zero.txt"
        path.symlink_to("/dev/zero")  # reading it would never end
    with pytest.raises(CommandError, match="not a regular file"):
        run(path)


def test_an_implausible_year_is_taken_as_an_unknown_time(tmp_path):
    page = tmp_path / "year-one.txt"
    text = TEXT_PAGE.read_text(encoding="utf-8")
    page.write_text(re.sub(r"发布日期:\S+ \S+", "发布日期:0001-01-01 00:00:00", text))

    run(page)

    assert Article.objects.get().original_published_at is None


def test_a_paragraph_that_quotes_markup_is_kept_but_a_bare_fragment_is_not():
    parsed = parse_text(
        "当前位置: 首页 » 正文\n测试标题\n发布日期:2024-07-15 09:30:00\n"
        "第一段正文，讲述法院如何办案。\n"
        '法官提醒：收到含有 <a href="javascript:void(0)">链接</a> 的短信不要点击。\n'
        "nload=\"this.removeAttribute('width');\" />\n"
        '<img src="cover.jpg" alt="封面" />\n'
        "最后一段正文。\n"
    )
    assert "javascript:void(0)" in parsed.body_html  # escaped text, not a link
    assert "&lt;a href=" in parsed.body_html
    assert "nload" not in parsed.body_html
    assert "cover.jpg" not in parsed.body_html
    assert parsed.body_html.count("<p>") == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_of_the_same_page_create_one_article():
    import threading

    from django.db import connection

    from articles import services

    parsed = parse_file(TEXT_PAGE)  # plain text: no source URL to make it unique
    results, barrier = [], threading.Barrier(4)

    def import_once():
        try:
            barrier.wait()
            results.append(services.import_article(parsed)[1])
        finally:
            connection.close()

    threads = [threading.Thread(target=import_once) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False, False, False, True]
    assert Article.objects.count() == 1


# --- The duplicate rule ---------------------------------------------------------------------


def test_a_time_saved_without_its_seconds_still_matches_the_page():
    from articles import services

    parsed = parse_file(TEXT_PAGE)  # 09:30:45
    article, _ = services.import_article(parsed)
    Article.objects.filter(pk=article.pk).update(
        original_published_at=parsed.original_published_at.replace(second=0)
    )

    assert services.import_article(parsed) == (article, False)


def test_a_page_whose_title_was_corrected_on_import_is_still_known():
    from dataclasses import replace

    from articles import services

    parsed = parse_file(TEXT_PAGE)
    article, _ = services.import_article(replace(parsed, title="编辑改过的标题"))

    assert services.import_article(parsed) == (article, False)


def test_short_bodies_are_not_fingerprinted_so_different_notices_stay_apart():
    from articles import services
    from articles.importing import ParsedArticle

    first, _ = services.import_article(ParsedArticle(title="通知一", body_html="<p>放假通知。</p>"))
    second, created = services.import_article(
        ParsedArticle(title="通知二", body_html="<p>放假通知。</p>")
    )

    assert created and second != first
    assert first.source_fingerprint == ""


# --- Keywords to tags -----------------------------------------------------------------------


def test_only_the_first_keywords_become_tags_and_overlong_ones_are_dropped():
    import time

    from articles import services
    from articles.importing import ParsedArticle
    from articles.models import Tag

    limit = Tag._meta.get_field("name").max_length
    many = (f"关键词{number}" for number in range(20_000))
    keywords = ("诉源治理", "词" * (limit + 1), "诉源治理", "  基层  治理 ", *many)
    started = time.monotonic()
    article, created = services.import_article(
        ParsedArticle(title="关键词很多的页面", body_html="<p>正文。</p>", keywords=keywords)
    )
    assert created
    assert time.monotonic() - started < 5  # 20,000 tags took 36 s
    expected = ["诉源治理", "基层 治理"] + [
        f"关键词{number}" for number in range(services.MAX_IMPORTED_TAGS - 2)
    ]
    assert sorted(article.tags.names()) == sorted(expected)  # the first ones
    assert Tag.objects.count() == services.MAX_IMPORTED_TAGS
    assert not Tag.objects.filter(name__startswith="词").exists()  # dropped, not cut
