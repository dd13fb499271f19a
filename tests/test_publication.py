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
        ({"status": Article.Status.PUBLISHED, "published_at": None}, False),
    ],
    ids=["published", "future", "withdrawn", "draft", "draft-past-time", "published-no-time"],
)
def test_published_queryset_and_detail_page(client, traits, visible):
    article = ArticleFactory(**traits)
    assert (article in Article.objects.published()) is visible
    assert article.is_published is visible

    response = client.get(article.get_absolute_url(), **BROWSER)

    assert response.status_code == (200 if visible else 404)
    article.refresh_from_db()
    assert article.view_count == (1 if visible else 0)


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
    ],
    ids=["browser", "googlebot", "baiduspider", "curl", "no-agent", "prefetch"],
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
