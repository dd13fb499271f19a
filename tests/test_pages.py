"""Reader pages through the test client: content, pagination, query counts."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import segno
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, SiteDisclaimer
from tests.factories import ArticleFactory, ArticleImageFactory, CategoryFactory

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Mobile Safari/604.1"}
SHANGHAI = ZoneInfo("Asia/Shanghai")

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    news = CategoryFactory(name="行业新闻", slug="hangye", position=1)
    hot = CategoryFactory(name="热点新闻", slug="redian", parent=news)
    other = CategoryFactory(name="普法园地", slug="pufa", position=2)
    return news, hot, other


@pytest.fixture
def seed_like(tree):
    _, hot, _ = tree
    article = ArticleFactory(
        published=True,
        category=hot,
        title="院长论坛 | 练好基本功 服务新区发展",
        lead="基层法院建设的几点做法。",
        byline="文 | 某新区人民法院院长 某某",
        body="<p>第一段。</p><h2>以政治建设为统领</h2><p>第二段。</p>",
        source_name="中国审判",
        source_issue="2025年第4期",
        source_editor="孙某",
        source_url="https://court-magazine.example/2025/4/12.html",
        original_published_at=datetime(2025, 3, 20, 9, 0, tzinfo=SHANGHAI),
        published_at=datetime(2025, 3, 21, 10, 56, 15, tzinfo=SHANGHAI),
        poster_nickname="16e2f9ab",
        poster_ip="124.223.189.17",
        tags=["基层法院", "营商环境"],
    )
    return article


def test_article_detail_shows_every_element_of_the_reference_page(client, seed_like):
    ArticleImageFactory(article=seed_like, caption="本期封面", position=0)
    ArticleImageFactory(article=seed_like, caption="本期目录", position=1)

    response = client.get(seed_like.get_absolute_url(), **BROWSER)

    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('class="breadcrumbs"')
    breadcrumb = html[start : html.index("</nav>", start)]
    assert (
        breadcrumb.index("首页")
        < breadcrumb.index("行业新闻")
        < breadcrumb.index("热点新闻")
        < breadcrumb.index("正文")
    )
    for expected in [
        '<h1 class="article__title">院长论坛 | 练好基本功 服务新区发展</h1>',
        "放大字体",
        "缩小字体",
        "2025-03-21 10:56:15",
        '<dd class="view-count">1</dd>',
        "16e2****",
        "124.223.189***",
        "基层法院建设的几点做法。",
        "文 | 某新区人民法院院长 某某",
        "<h2>以政治建设为统领</h2>",
        "《中国审判》2025年第4期",
        "孙某",
        "2025-03-20 09:00:00",
        'href="https://court-magazine.example/2025/4/12.html"',
        "本期封面",
        "本期目录",
        "1 / 2",
        reverse("articles:qr", args=[seed_like.pk]),
        "免责声明",
        f"© 2008–{timezone.localdate().year}",
    ]:
        assert expected in html, expected
    assert "16e2f9ab" not in html
    assert "124.223.189.17" not in html
    assert 'href="/tags/%E5%9F%BA%E5%B1%82%E6%B3%95%E9%99%A2/"' in html


def test_poster_without_ip_is_shown_as_unrecorded(client):
    article = ArticleFactory(published=True, poster_ip=None, poster_nickname="")
    html = client.get(article.get_absolute_url(), **BROWSER).content.decode()
    assert "<dd>未记录</dd>" in html
    assert "<dd>匿名</dd>" in html


def test_site_disclaimer_is_editable_and_an_article_disclaimer_replaces_it(client, seed_like):
    SiteDisclaimer.objects.update(text="本文由 {nickname} 发布，本站未核实。权利人可要求删除。")
    html = client.get(seed_like.get_absolute_url(), **BROWSER).content.decode()
    assert "本文由 16e2**** 发布，本站未核实。权利人可要求删除。" in html

    seed_like.disclaimer = "本文经原刊授权转载（{nickname}）。"
    seed_like.save()
    html = client.get(seed_like.get_absolute_url(), **BROWSER).content.decode()
    assert "本文经原刊授权转载（16e2****）。" in html
    assert "本站未核实" not in html


def test_default_disclaimer_exists_after_migrations():
    text = SiteDisclaimer.current_text()
    assert "{nickname}" in text
    assert "未对其内容进行核实" in text
    assert SiteDisclaimer.objects.count() == 1


def test_wrong_slug_redirects_to_the_canonical_url(client, seed_like):
    response = client.get(reverse("articles:detail", args=[seed_like.pk, "old-title"]))
    assert response.status_code == 301
    assert response["Location"] == seed_like.get_absolute_url()
    response = client.get(reverse("articles:detail-short", args=[seed_like.pk]))
    assert response.status_code == 301


def test_qr_code_encodes_the_absolute_article_url(client, seed_like):
    response = client.get(reverse("articles:qr", args=[seed_like.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert response.content.startswith(b"<svg")
    assert b'xmlns="http://www.w3.org/2000/svg"' in response.content
    expected = io.BytesIO()
    segno.make(f"http://testserver/articles/{seed_like.pk}/", error="m").save(
        expected, kind="svg", scale=4, border=2, xmldecl=False
    )
    assert response.content == expected.getvalue()


def test_qr_code_uses_the_configured_site_url_and_stays_small(client, settings):
    settings.SITE_URL = "https://news.example.org"
    article = ArticleFactory(published=True, title="很" * 200)
    response = client.get(reverse("articles:qr", args=[article.pk]), HTTP_HOST="localhost:1")
    expected = io.BytesIO()
    segno.make(f"https://news.example.org/articles/{article.pk}/", error="m").save(
        expected, kind="svg", scale=4, border=2, xmldecl=False
    )
    assert response.content == expected.getvalue()
    page = client.get(article.get_absolute_url(), HTTP_HOST="localhost:1").content.decode()
    assert f'<link rel="canonical" href="https://news.example.org/articles/{article.pk}/' in page


def test_qr_code_of_a_draft_is_404(client):
    assert client.get(reverse("articles:qr", args=[ArticleFactory().pk])).status_code == 404


def test_home_lists_latest_and_most_viewed_published_articles(client, tree):
    popular = ArticleFactory(published=True, title="阅读最多的文章")
    Article.objects.filter(pk=popular.pk).update(view_count=500)
    ArticleFactory(published=True, title="普通文章")
    ArticleFactory(title="草稿不应出现")
    ArticleFactory(scheduled=True, title="定时文章不应出现")

    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "阅读最多的文章" in html and "普通文章" in html
    assert "草稿不应出现" not in html and "定时文章不应出现" not in html
    assert response.context["most_viewed"][0] == popular
    assert "行业新闻" in html  # navigation


def test_category_page_lists_its_descendants_articles(client, tree):
    news, hot, other = tree
    in_child = ArticleFactory(published=True, category=hot, title="子栏目文章")
    in_other = ArticleFactory(published=True, category=other, title="其他栏目文章")

    parent_page = client.get(news.get_absolute_url())
    child_page = client.get(hot.get_absolute_url())

    assert list(parent_page.context["articles"]) == [in_child]
    assert in_other not in child_page.context["articles"]
    html = child_page.content.decode()
    assert 'href="/category/hangye/">行业新闻</a>' in html
    assert '<span aria-current="page">热点新闻</span>' in html
    assert client.get("/category/no-such-category/").status_code == 404


def test_tag_page(client, seed_like):
    ArticleFactory(published=True, title="无标签文章")
    ArticleFactory(title="有标签的草稿", tags=["基层法院"])
    response = client.get(reverse("articles:tag", args=["基层法院"]))
    assert list(response.context["articles"]) == [seed_like]
    assert client.get(reverse("articles:tag", args=["不存在"])).status_code == 404


def test_tags_are_case_insensitive():
    first = ArticleFactory(tags=["Court"])
    second = ArticleFactory(tags=["court"])
    assert list(first.tags.all()) == list(second.tags.all())


@pytest.mark.parametrize(
    "query, found",
    [
        ("练好基本功", True),
        ("某新区 中国审判", True),
        ("第二段", True),
        ("不存在的词", False),
        ("", False),
    ],
)
def test_search(client, seed_like, query, found):
    ArticleFactory(title="练好基本功（草稿）")
    response = client.get(reverse("articles:search"), {"q": query})
    assert response.status_code == 200
    assert list(response.context["articles"]) == ([seed_like] if found else [])


@pytest.mark.parametrize("query", ["%", "_", "' OR 1=1 --", "   ", "\\"])
def test_search_odd_input_is_never_an_error(client, seed_like, query):
    response = client.get(reverse("articles:search"), {"q": query})
    assert response.status_code == 200
    assert list(response.context["articles"]) == []


@pytest.mark.parametrize(
    "query, message",
    [
        ("x" * 5000, "不要超过 100 个字"),
        ("基层\x00法院", "无法搜索的字符"),
        ("\x00", "无法搜索的字符"),
    ],
)
def test_invalid_search_query_re_renders_the_form_with_the_reason(
    client, seed_like, query, message
):
    response = client.get(reverse("articles:search"), {"q": query})
    assert response.status_code == 200
    assert list(response.context["articles"]) == []
    assert message in response.context["form"].errors["q"][0]
    assert message in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/tags/%00/", "/category/%00/", "/tags/a%20b/", "/articles/1/%00/", "/category/../"]
)
def test_malformed_slugs_are_404_not_errors(client, seed_like, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "page, status",
    [
        ("1", 200),
        ("2", 200),
        ("last", 200),
        ("3", 404),
        ("0", 404),
        ("-1", 404),
        ("abc", 404),
        ("1.5", 404),
        ("99999999999999999999999999", 404),
        ("%00", 404),
        ("", 200),
    ],
)
def test_pagination_bad_values_are_a_page_or_404(client, tree, page, status):
    _, hot, _ = tree
    ArticleFactory.create_batch(15, published=True, category=hot)
    response = client.get(f"{hot.get_absolute_url()}?page={page}")
    assert response.status_code == status


@pytest.mark.parametrize("count", [3, 25])
def test_query_counts_do_not_grow_with_the_number_of_articles(
    client, tree, django_assert_num_queries, count
):
    news, hot, _ = tree
    for index in range(count):
        ArticleFactory(published=True, category=hot, tags=[f"标签{index % 4}", "共同标签"])
    article = Article.objects.published().first()
    ArticleImageFactory.create_batch(3, article=article)

    # home: navigation, latest, their tags, most viewed
    with django_assert_num_queries(4):
        assert client.get("/").status_code == 200
    # category: all categories, count, page, tags, navigation
    with django_assert_num_queries(5):
        assert client.get(news.get_absolute_url()).status_code == 200
    # tag: tag, count, page, tags, navigation
    with django_assert_num_queries(5):
        assert client.get(reverse("articles:tag", args=["共同标签"])).status_code == 200
    # search: count, page, tags, navigation
    with django_assert_num_queries(4):
        assert client.get(reverse("articles:search"), {"q": "测试"}).status_code == 200
    # detail: article (+category tree, poster), view update, images, tags, disclaimer, nav
    with django_assert_num_queries(6):
        assert client.get(article.get_absolute_url(), **BROWSER).status_code == 200
    with django_assert_num_queries(2):
        assert client.get("/feed/").status_code == 200


def test_feed_and_sitemap_list_only_published_articles(client, seed_like):
    draft = ArticleFactory(title="草稿文章")
    withdrawn = ArticleFactory(withdrawn=True, title="撤回文章")
    feed = client.get("/feed/").content.decode()
    sitemap = client.get("/sitemap.xml").content.decode()
    assert seed_like.title in feed
    assert seed_like.get_absolute_url() in sitemap
    for hidden in [draft, withdrawn]:
        assert hidden.title not in feed
        assert f"/articles/{hidden.pk}/" not in sitemap


def test_pages_send_a_content_security_policy_without_inline_script(client, seed_like):
    response = client.get(seed_like.get_absolute_url(), **BROWSER)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    html = response.content.decode()
    assert "<script>" not in html
    assert " onclick=" not in html and " onload=" not in html


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


def test_favicon_ico_redirects_to_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")


@pytest.mark.parametrize("name", ["？", "♥", "《》", "-", "🙂", "_"])
def test_a_tag_without_letters_still_has_a_page(client, name):
    article = ArticleFactory(published=True, tags=[name, "法"])
    tag = article.tags.get(name=name)
    assert tag.slug.startswith("tag")
    for url in ["/", article.get_absolute_url(), tag.get_absolute_url(), "/search/?q=测试"]:
        assert client.get(url, **BROWSER).status_code == 200, url
    assert article in client.get(tag.get_absolute_url()).context["articles"]


def test_control_characters_pasted_into_text_fields_never_break_the_feed(client):
    article = ArticleFactory(
        published=True, title="标题\x1b含控制符", lead="粘贴自Word的导读\x0c第二页\x0b第三行\x00"
    )
    article.refresh_from_db()
    assert article.title == "标题含控制符"
    assert article.lead == "粘贴自Word的导读\n第二页\n第三行"
    article.tags.add("标签\x07")
    response = client.get("/feed/")
    assert response.status_code == 200
    assert "粘贴自Word的导读" in response.content.decode()
    assert client.get("/sitemap.xml").status_code == 200


def test_feed_shows_a_lead_with_markup_as_text(client):
    ArticleFactory(published=True, lead="<img src=x onerror=alert(1)>导读")
    feed = client.get("/feed/").content.decode()
    # Once for XML, once for the HTML a feed reader renders: the reader shows the text.
    assert "&amp;lt;img src=x onerror=alert(1)&amp;gt;导读" in feed
    assert "&lt;img" not in feed.replace("&amp;lt;img", "")


def test_all_articles_list_and_home_link_to_it(client, tree):
    _, hot, _ = tree
    ArticleFactory.create_batch(12, published=True, category=hot)
    home = client.get("/").content.decode()
    assert f'href="{reverse("articles:index")}"' in home
    first = client.get(reverse("articles:index"))
    second = client.get(reverse("articles:index"), {"page": 2})
    assert len(first.context["articles"]) == 10 and len(second.context["articles"]) == 2
    assert "全部文章" in first.content.decode()


def test_sitemap_lists_home_and_index(client):
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/</loc>" in sitemap
    assert f"<loc>http://testserver{reverse('articles:index')}</loc>" in sitemap


@pytest.mark.parametrize("method", ["post", "put", "delete", "trace"])
def test_function_views_answer_only_safe_methods(client, seed_like, method):
    for url in [reverse("articles:qr", args=[seed_like.pk]), f"/articles/{seed_like.pk}/"]:
        response = client.generic(method.upper(), url)
        assert response.status_code in {403, 405}, (method, url)


def test_feed_stays_well_formed_xml_whatever_the_text(client):
    from xml.dom import minidom

    ArticleFactory(
        published=True,
        title="非字符\uffff标题\ufffe\x0b第二行",
        lead="导读\ud800\x1b",
        tags=["标签\uffff"],
    )
    feed = client.get("/feed/").content.decode()
    document = minidom.parseString(feed.encode())  # noqa: S318 (our own feed)
    titles = [node.firstChild.data for node in document.getElementsByTagName("title")]
    assert "非字符标题 第二行" in titles


@pytest.mark.parametrize("query", ["<p>", "nofollow", "href", "&lt;"])
def test_search_matches_the_text_not_the_markup(client, query):
    ArticleFactory(
        published=True, body='<p>正文 <a href="https://court.example/">链接</a> &lt;符号</p>'
    )
    response = client.get(reverse("articles:search"), {"q": query})
    assert list(response.context["articles"]) == []


def test_search_finds_body_text_and_keeps_a_too_long_query_in_the_box(client, seed_like):
    found = client.get(reverse("articles:search"), {"q": "第二段"})
    assert list(found.context["articles"]) == [seed_like]
    long_query = "法" * 150
    page = client.get(reverse("articles:search"), {"q": long_query}).content.decode()
    assert f'value="{"法" * 100}"' in page


@pytest.mark.django_db
def test_the_subtitle_is_shown_under_the_title_and_a_court_is_no_periodical(client):
    article = ArticleFactory(
        published=True, subtitle="——一起相邻纠纷的化解纪实", source_name="某某县人民法院"
    )

    response = client.get(article.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0")

    subtitle = '<p class="article__subtitle">——一起相邻纠纷的化解纪实</p>'
    assert subtitle in response.content.decode()
    assert "《某某县人民法院》" not in response.content.decode()
    assert "某某县人民法院" in response.content.decode()


@pytest.mark.django_db
def test_a_lead_that_copies_the_first_paragraph_is_shown_once(client):
    copied = ArticleFactory(
        published=True,
        lead="诉源治理是推进基层社会治理现代化的重要抓手。",
        body="<p>诉源治理是推进基层社会治理现代化的重要抓手，清河法院立足实际。</p>",
    )
    own = ArticleFactory(published=True, lead="一段真正的导读。", body="<p>正文第一段。</p>")

    copied_page = client.get(copied.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0")
    own_page = client.get(own.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0")

    assert 'class="article__lead"' not in copied_page.content.decode()
    shown = copied_page.content.decode().split("<article", 1)[1]  # the page, not its <head>
    assert shown.count("诉源治理是推进基层社会治理现代化的重要抓手") == 1
    assert 'class="article__lead"' in own_page.content.decode()
