"""View counting under concurrent requests against a live server and a real database.

On SQLite the test database is a file (see settings), so every request thread has its own
connection, as gunicorn workers would.
"""

import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from articles.models import Article
from tests.factories import ArticleFactory

VIEWS = 60
THREADS = 12
BROWSER_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0 Safari/537.36"


def fetch(url):
    request = urllib.request.Request(url, headers={"User-Agent": BROWSER_UA})
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        return response.status


@pytest.mark.django_db(transaction=True)
def test_concurrent_views_each_add_exactly_one(live_server):
    article = ArticleFactory(published=True)
    draft = ArticleFactory()
    url = live_server.url + article.get_absolute_url()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        statuses = list(pool.map(fetch, [url] * VIEWS))

    assert statuses == [200] * VIEWS
    assert Article.objects.get(pk=article.pk).view_count == VIEWS
    with pytest.raises(urllib.error.HTTPError) as error:
        fetch(live_server.url + draft.get_absolute_url())
    assert error.value.code == 404
    assert Article.objects.get(pk=draft.pk).view_count == 0
