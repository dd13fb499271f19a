"""Taken-down articles through the test client: HTTP 451 with a tombstone (RFC 7725), gone
from every listing, feed, sitemap, search and QR code, and back exactly as they were once
restored; drafts stay 404; editors cannot undo a takedown; caches must revalidate.

Takedowns and restorations go through moderation.services, as moderators make them.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import services as article_services
from articles.models import Article
from moderation import services
from tests.factories import (
    ArticleFactory,
    ArticleImageFactory,
    CategoryFactory,
    make_user,
)
from tests.moderation_cases import (
    REASONS,
    make_moderator,
    submit_notice,
    submit_report,
)

pytestmark = pytest.mark.django_db

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Mobile Safari/604.1"}
WORD = "独家测试词条"
TAG = "基层法院"
RIGHTS_WORDING = "根据权利人的删除通知（删稿）停止公开"
ILLEGAL_WORDING = "经审核认定含有违法和不良信息"


@pytest.fixture(autouse=True)
def policy(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    settings.SITE_URL = ""
    settings.BLOCKED_BY_URL = ""
    settings.MODERATION_REVIEW_WINDOW_DAYS = 183


@pytest.fixture
def moderator():
    return make_moderator("moderator")


@pytest.fixture
def reviewer():
    return make_moderator("reviewer")


@pytest.fixture
def tree():
    parent = CategoryFactory(name="行业新闻", slug="hangye", position=1)
    child = CategoryFactory(name="热点新闻", slug="redian", parent=parent)
    return parent, child


@pytest.fixture
def story(tree):
    """A published article with a category under a parent, tags, two images and views,
    next to another published article."""
    _, child = tree
    poster = make_user("reader", username="poster", email="poster@example.com")
    article = ArticleFactory(
        published=True,
        poster=poster,
        category=child,
        title=f"院长论坛 | {WORD}",
        body="<p>第一段。</p><h2>小标题</h2><p>第二段。</p>",
        tags=[TAG, "营商环境"],
    )
    ArticleImageFactory(article=article, position=0)
    ArticleImageFactory(article=article, position=1)
    Article.objects.filter(pk=article.pk).update(view_count=42)
    ArticleFactory(published=True, category=child, title="另一篇文章", tags=[TAG])
    return Article.objects.get(pk=article.pk)


def take_down(article, how, moderator):
    """Take ``article`` down after an accepted ``notice`` or a ``report`` with action taken;
    returns the case."""
    if how == "notice":
        case = submit_notice(article)
        services.accept_notice(case, moderator, REASONS)
    else:
        case = submit_report(article)
        services.decide_report(case, moderator, REASONS, take_action=True)
    return case


def restore_by_review(case, reviewer):
    review = services.submit_review_request(case=case, role="poster", explanation="请复核。")
    services.decide_review(review, reviewer, REASONS, reverse=True)


def snapshot(article) -> dict:
    article = Article.objects.get(pk=article.pk)
    return {
        "title": article.title,
        "slug": article.slug,
        "lead": article.lead,
        "body": article.body,
        "body_text": article.body_text,
        "status": article.status,
        "published_at": article.published_at,
        "view_count": article.view_count,
        "category": article.category_id,
        "poster": article.poster_id,
        "poster_ip": article.poster_ip,
        "tags": sorted(tag.name for tag in article.tags.all()),
        "images": list(article.images.order_by("pk").values_list("pk", "image", "caption")),
    }


def listings(client, article, tree) -> dict[str, bool]:
    """Where ``article`` is shown: page name -> listed (each page answers 200)."""
    parent, child = tree
    marker = f"/articles/{article.pk}/"
    pages = {
        "home": client.get("/"),
        "index": client.get(reverse("articles:index")),
        "category": client.get(child.get_absolute_url()),
        "parent-category": client.get(parent.get_absolute_url()),
        "tag": client.get(reverse("articles:tag", args=[TAG])),
        "search": client.get(reverse("articles:search"), {"q": WORD}),
        "feed": client.get("/feed/"),
        "sitemap": client.get("/sitemap.xml"),
    }
    shown = {}
    for name, response in pages.items():
        assert response.status_code == 200, name
        in_html = marker in response.content.decode()
        context = response.context
        if context is not None and "articles" in context:
            assert (article in context["articles"]) is in_html, name
        if name == "home":
            in_context = article in context["latest"] or article in context["most_viewed"]
            assert in_context is in_html
        shown[name] = in_html
    return shown


# --- The tombstone --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "how, wording, other",
    [("notice", RIGHTS_WORDING, ILLEGAL_WORDING), ("report", ILLEGAL_WORDING, RIGHTS_WORDING)],
)
def test_a_taken_down_article_answers_451_with_a_tombstone(
    client, story, moderator, how, wording, other
):
    take_down(story, how, moderator)
    story.refresh_from_db()

    response = client.get(story.get_absolute_url(), **BROWSER)

    assert response.status_code == 451
    assert response["Link"] == '<http://testserver/>; rel="blocked-by"'
    assert "no-cache" in response["Cache-Control"]
    html = response.content.decode()
    # The title is repeated only after a notice about a work: after an illegal-content
    # report the title may itself be what was removed.
    assert (story.title in html) == (how == "notice")
    assert wording in html and other not in html
    taken_down = timezone.localtime(story.removed_at)
    assert f"{taken_down:%Y-%m-%d %H:%M}" in html
    assert '<meta name="robots" content="noindex">' in html
    for body_text in ["第一段。", "小标题", "第二段。"]:
        assert body_text not in html
    assert "权利人通知（已隐去联系方式）" not in html  # the poster was reached by e-mail
    # A wrong slug is answered the same way, not redirected to the tombstone.
    wrong = client.get(reverse("articles:detail", args=[story.pk, "old-slug"]))
    assert wrong.status_code == 451
    # Looking at the tombstone is no reader view.
    assert Article.objects.get(pk=story.pk).view_count == 42


def test_the_blocked_by_link_names_the_configured_operator(client, story, moderator, settings):
    take_down(story, "notice", moderator)
    settings.SITE_URL = "https://news.example.org"
    response = client.get(story.get_absolute_url())
    assert response["Link"] == '<https://news.example.org/>; rel="blocked-by"'
    settings.BLOCKED_BY_URL = "https://operator.example/legal/"
    response = client.get(story.get_absolute_url())
    assert response.status_code == 451
    assert response["Link"] == '<https://operator.example/legal/>; rel="blocked-by"'
    assert 'href="https://operator.example/legal/"' in response.content.decode()


def test_the_short_url_of_a_taken_down_article_leads_to_its_tombstone(client, story, moderator):
    take_down(story, "report", moderator)
    response = client.get(reverse("articles:detail-short", args=[story.pk]))
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()
    assert client.get(response["Location"]).status_code == 451


# --- Gone from every list, and back ---------------------------------------------------------


@pytest.mark.parametrize("how", ["notice", "report"])
def test_taken_down_is_gone_everywhere_and_restored_comes_back_exactly(
    client, story, tree, moderator, reviewer, how
):
    qr = reverse("articles:qr", args=[story.pk])
    before = snapshot(story)
    everywhere = dict.fromkeys(listings(client, story, tree), True)
    assert listings(client, story, tree) == everywhere
    assert client.get(qr).status_code == 200

    case = take_down(story, how, moderator)

    assert listings(client, story, tree) == dict.fromkeys(everywhere, False)
    assert client.get(qr).status_code == 404
    assert client.get(story.get_absolute_url(), **BROWSER).status_code == 451
    assert snapshot(story) == before  # nothing but the takedown state changed

    restore_by_review(case, reviewer)

    restored = Article.objects.get(pk=story.pk)
    assert (restored.removed_at, restored.removal_reason, restored.removal_notice) == (
        None,
        "",
        "",
    )
    assert snapshot(story) == before
    assert listings(client, story, tree) == everywhere
    assert client.get(qr).status_code == 200
    response = client.get(story.get_absolute_url(), **BROWSER)
    assert response.status_code == 200
    assert "Link" not in response
    html = response.content.decode()
    assert "<h2>小标题</h2>" in html
    assert '<dd class="view-count">43</dd>' in html  # the 42 views kept, plus this one
    assert len(response.context["images"]) == 2
    assert sorted(t.name for t in response.context["article_tags"]) == [TAG, "营商环境"]


def test_withdrawing_a_taken_down_article_keeps_its_tombstone(client, moderator):
    article = ArticleFactory(published=True)
    take_down(article, "notice", moderator)
    article_services.withdraw(Article.objects.get(pk=article.pk))
    response = client.get(article.get_absolute_url())
    assert response.status_code == 451
    assert 'rel="blocked-by"' in response["Link"]


@pytest.mark.parametrize("kind", ["draft", "scheduled"])
def test_an_article_never_public_taken_down_is_still_404_not_451(client, moderator, kind):
    article = ArticleFactory(**({} if kind == "draft" else {kind: True}))
    take_down(article, "notice", moderator)
    assert Article.objects.get(pk=article.pk).is_removed
    assert not Article.objects.taken_down().filter(pk=article.pk).exists()
    for url in [
        article.get_absolute_url(),
        reverse("articles:detail-short", args=[article.pk]),
        reverse("articles:qr", args=[article.pk]),
    ]:
        assert client.get(url).status_code == 404, url


# --- Caching --------------------------------------------------------------------------------


def test_pages_must_be_revalidated_so_a_takedown_is_seen_at_once(client, story, tree, moderator):
    parent, _ = tree
    urls = [
        "/",
        reverse("articles:index"),
        parent.get_absolute_url(),
        reverse("articles:tag", args=[TAG]),
        reverse("articles:search") + f"?q={WORD}",
        story.get_absolute_url(),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-cache" in response["Cache-Control"], url
    take_down(story, "notice", moderator)
    response = client.get(story.get_absolute_url())
    assert response.status_code == 451
    # 451 is cacheable by default (RFC 7725 §3): it must be revalidated too, or a browser
    # would keep showing the tombstone after a restoration.
    assert "no-cache" in response["Cache-Control"]
    assert "max-age" not in response["Cache-Control"]


# --- Editors cannot undo a takedown ---------------------------------------------------------


def change_form(article, **overrides) -> dict:
    """The admin change form of ``article`` (no images) as the browser posts it."""
    published = timezone.localtime(article.published_at)
    data = {
        "title": article.title,
        "slug": article.slug,
        "category": article.category_id,
        "status": article.status,
        "published_at_0": f"{published:%Y-%m-%d}",
        "published_at_1": f"{published:%H:%M:%S}",
        "tags": ", ".join(tag.name for tag in article.tags.all()),
        "lead": article.lead,
        "byline": article.byline,
        "body": article.body,
        "source_name": article.source_name,
        "source_issue": article.source_issue,
        "source_editor": article.source_editor,
        "source_url": article.source_url,
        "original_published_at_0": "",
        "original_published_at_1": "",
        "poster_nickname": article.poster_nickname,
        "disclaimer": article.disclaimer,
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
        # Fields an editor cannot set, forged into the POST anyway.
        "removed_at": "",
        "removal_reason": "",
        "removal_notice": "",
        "view_count": "0",
    }
    data.update(overrides)
    return data


def test_an_editor_saving_a_taken_down_article_does_not_undo_the_takedown(client, moderator):
    # The poster cannot be reached: the notice itself is published on the tombstone.
    article = ArticleFactory(published=True, poster=None, tags=[TAG])
    take_down(article, "notice", moderator)
    down = Article.objects.get(pk=article.pk)
    assert down.removal_notice
    client.force_login(make_user("admin", username="chief"))
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, change_form(down, title="编辑改过的标题"))

    assert response.status_code == 302, response.content.decode()[:3000]
    after = Article.objects.get(pk=article.pk)
    assert after.title == "编辑改过的标题"
    assert (after.removed_at, after.removal_reason, after.removal_notice) == (
        down.removed_at,
        down.removal_reason,
        down.removal_notice,
    )
    page = client.get(after.get_absolute_url())
    assert page.status_code == 451
    assert "编辑改过的标题" in page.content.decode()

    # Nor does the "publish" action of the list.
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [article.pk]},
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).removed_at == down.removed_at


# --- The article page -----------------------------------------------------------------------


def test_the_article_page_links_to_the_report_and_notice_forms(client, story):
    html = client.get(story.get_absolute_url(), **BROWSER).content.decode()
    for name in ["moderation:report-create", "moderation:notice-create"]:
        assert f'href="{reverse(name)}?article={story.pk}"' in html, name


def test_the_article_page_costs_the_same_queries_after_a_takedown_and_restore(
    client, story, moderator, reviewer, django_assert_num_queries
):
    # detail: article (+category tree, poster), view update, images, tags, disclaimer, nav
    # (the same six as in tests/test_pages.py).
    with django_assert_num_queries(6):
        assert client.get(story.get_absolute_url(), **BROWSER).status_code == 200
    case = take_down(story, "notice", moderator)
    # tombstone: the published lookup, the taken-down lookup, navigation.
    with django_assert_num_queries(3):
        assert client.get(story.get_absolute_url(), **BROWSER).status_code == 451
    restore_by_review(case, reviewer)
    with django_assert_num_queries(6):
        assert client.get(story.get_absolute_url(), **BROWSER).status_code == 200


def test_a_second_takedown_keeps_the_first_ones_public_notice_and_date(client, moderator):
    article = ArticleFactory(published=True, poster=None)
    report = submit_report(article)  # received while the article was still up
    notice = submit_notice(article)
    services.accept_notice(notice, moderator, REASONS)
    first = Article.objects.get(pk=article.pk)
    assert notice.tracking_number in first.removal_notice

    services.decide_report(report, moderator, REASONS, take_action=True)

    html = client.get(article.get_absolute_url()).content.decode()
    assert "权利人通知（已隐去联系方式）" in html
    assert notice.tracking_number in html
    assert Article.objects.get(pk=article.pk).removed_at == first.removed_at
