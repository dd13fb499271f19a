"""Publication rules: what ``published()`` shows and what readers can open."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import services
from articles.models import Article
from tests.factories import ArticleFactory

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "traits, visible",
    [
        ({"published": True}, True),
        ({"scheduled": True}, False),
        ({"withdrawn": True}, False),
        ({}, False),  # draft without a publish time
        ({"published_at": timezone.now() - timedelta(days=2)}, False),  # draft, past time
    ],
    ids=["published", "future", "withdrawn", "draft", "draft-past-time"],
)
def test_published_queryset_and_detail_page(client, traits, visible):
    article = ArticleFactory(**traits)
    assert (article in Article.objects.published()) is visible
    assert article.is_published is visible

    response = client.get(article.get_absolute_url(), **BROWSER)

    assert response.status_code == (200 if visible else 404)
    article.refresh_from_db()
    assert article.view_count == (1 if visible else 0)


def test_saving_as_published_without_a_time_publishes_now():
    before = timezone.now()
    article = ArticleFactory(status=Article.Status.PUBLISHED, published_at=None)
    assert before <= article.published_at <= timezone.now()
    assert article in Article.objects.published()


def test_an_article_without_a_publish_time_is_never_published():
    # Bulk paths skip save(); published() still refuses a published article with no time.
    [article] = Article.objects.bulk_create(
        [Article(title="批量", slug="bulk", status=Article.Status.PUBLISHED, published_at=None)]
    )
    assert article not in Article.objects.published()


def test_scheduled_article_appears_when_its_time_comes():
    article = ArticleFactory(scheduled=True)
    later = article.published_at + timedelta(seconds=1)
    assert article not in Article.objects.published()
    assert article in Article.objects.published(now=later)


def test_publish_and_withdraw_services():
    article = ArticleFactory()
    services.publish(article)
    assert article in Article.objects.published()
    services.withdraw(article)
    article.refresh_from_db()
    assert article.status == Article.Status.WITHDRAWN
    assert article not in Article.objects.published()
    assert Article.objects.filter(pk=article.pk).exists()  # nothing is deleted


@pytest.mark.parametrize(
    "headers, counted",
    [
        (BROWSER, True),
        ({"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1)"}, False),
        ({"HTTP_USER_AGENT": "Baiduspider-render/2.0"}, False),
        ({"HTTP_USER_AGENT": "curl/8.5.0"}, False),
        ({}, False),
        ({**BROWSER, "HTTP_SEC_PURPOSE": "prefetch"}, False),
        ({**BROWSER, "HTTP_SEC_FETCH_DEST": "document"}, True),
        ({**BROWSER, "HTTP_SEC_FETCH_DEST": "image"}, False),
        ({**BROWSER, "HTTP_SEC_FETCH_DEST": "iframe"}, False),
    ],
    ids=[
        "browser",
        "googlebot",
        "baiduspider",
        "curl",
        "no-agent",
        "prefetch",
        "navigation",
        "img-tag",
        "iframe",
    ],
)
def test_only_reader_views_are_counted(client, headers, counted):
    article = ArticleFactory(published=True)
    response = client.get(article.get_absolute_url(), **headers)
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.view_count == (1 if counted else 0)


def test_head_request_counts_nothing(client):
    article = ArticleFactory(published=True)
    client.head(article.get_absolute_url(), **BROWSER)
    article.refresh_from_db()
    assert article.view_count == 0


def test_shown_count_includes_the_current_view(client):
    article = ArticleFactory(published=True)
    Article.objects.filter(pk=article.pk).update(view_count=41)
    response = client.get(article.get_absolute_url(), **BROWSER)
    assert response.context["article"].view_count == 42
    assert '<dd class="view-count">42</dd>' in response.content.decode()


def test_saving_a_loaded_article_does_not_write_back_a_stale_view_count():
    article = ArticleFactory(published=True)
    stale = Article.objects.get(pk=article.pk)
    for _ in range(3):
        services.record_view(article)
    stale.title = "编辑修改后的标题"
    stale.save()
    stale.refresh_from_db()
    assert stale.title == "编辑修改后的标题"
    assert stale.view_count == 3
