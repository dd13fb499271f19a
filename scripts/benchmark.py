"""Benchmark of the reader pages and the importer: latency, queries and memory.

Usage: ``make bench`` (or ``.venv/bin/python scripts/benchmark.py [--articles N]``).

Builds a throwaway SQLite database in a temporary folder with ``--articles`` published
articles (default 2000, each with 3 tags), then renders every reader page through Django's
test client ``--repeat`` times and prints the median and 95th-percentile time in
milliseconds, the SQL queries per request, and the process's peak resident memory (MiB).
The numbers recorded in the README come from this script; nothing here is a pass/fail test.
"""

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    os.environ.update(
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
        DJANGO_SETTINGS_MODULE="newsroom.settings_test",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_MEDIA_ROOT=str(workdir / "media"),
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from articles.models import Article, Category, Tag, TaggedArticle

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    parent = Category.objects.create(name="行业新闻", slug="hangye")
    child = Category.objects.create(name="热点新闻", slug="redian", parent=parent)
    now = timezone.now()
    body = "".join(
        f"<h2>第{i}部分</h2><p>{'基层法院建设的做法和体会。' * 40}</p>" for i in range(8)
    )
    started = time.perf_counter()
    Article.objects.bulk_create(
        Article(
            title=f"基准测试文章 {n}",
            slug=f"bench-{n}",
            category=child,
            lead="导读" * 30,
            body=body,
            status=Article.Status.PUBLISHED,
            published_at=now - timezone.timedelta(minutes=n),
            poster_nickname="16e2f9ab",
            poster_ip="203.0.113.7",
        )
        for n in range(args.articles)
    )
    tags = [Tag.objects.create(name=f"标签{i}", slug=f"tag-{i}") for i in range(20)]
    TaggedArticle.objects.bulk_create(
        TaggedArticle(content_object_id=pk, tag=tags[(pk + k) % 20])
        for pk in Article.objects.values_list("pk", flat=True)
        for k in range(3)
    )
    print(f"created {args.articles} articles in {time.perf_counter() - started:.1f} s")

    article = Article.objects.order_by("pk").first()
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (benchmark reader)")
    pages = {
        "home /": "/",
        "category (parent, page 1)": parent.get_absolute_url(),
        "category (last page)": child.get_absolute_url() + "?page=last",
        "tag": "/tags/tag-3/",
        "search": "/search/?q=基准测试",
        "article detail": article.get_absolute_url(),
        "QR code": f"/articles/{article.pk}/qr.svg",
        "RSS feed": "/feed/",
    }
    print(f"{'page':28} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for name, url in pages.items():
        timings = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(f"{name:28} {statistics.median(timings):10.2f} {p95:8.2f} {len(queries):8d}")

    sample = ROOT / "tests" / "fixtures" / "import" / "court-forum.txt"
    if sample.exists():
        from articles.importing import parse_file

        t0 = time.perf_counter()
        for _ in range(20):
            parse_file(sample)
        print(f"{'import parse (text)':28} {(time.perf_counter() - t0) * 1000 / 20:10.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
