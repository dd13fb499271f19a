"""``manage.py load_demo_content``: what it creates, the publication rules, idempotency, admin."""

import ipaddress
import re
import stat
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles import demo
from articles.models import Article, ArticleImage, Category, Tag
from tests.factories import ArticleFactory, make_user

pytestmark = pytest.mark.django_db

DOCUMENTATION_NETWORKS = [
    ipaddress.ip_network(net) for net in ("203.0.113.0/24", "198.51.100.0/24", "2001:db8::/32")
]


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    """The admin password file goes to a temporary VAR_DIR, never the repository's var/."""
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


def load(*args):
    """Run the command and return its output."""
    out = StringIO()
    call_command("load_demo_content", *args, stdout=out)
    return out.getvalue()


def printed_password(output):
    match = re.search(r"Admin login: username admin\s+password (\S+)", output)
    assert match, output
    return match.group(1)


def row_counts():
    return {
        "articles": Article.objects.count(),
        "images": ArticleImage.objects.count(),
        "categories": Category.objects.count(),
        "tags": Tag.objects.count(),
        "users": get_user_model().objects.count(),
    }


def test_creates_published_articles_in_several_categories():
    output = load()

    published = Article.objects.published()
    assert published.count() == 7
    assert Article.objects.count() == len(demo.ARTICLES) == 9
    assert published.values("category").distinct().count() >= 3
    assert Category.objects.get(slug="redian").parent == Category.objects.get(slug="hangye")
    assert "Articles created: 9 (7 published, 1 scheduled, 1 draft)" in output

    admin = get_user_model().objects.get(username="admin")
    now = timezone.now()
    for article in published:
        with_context = f"{article.title}: {article.body}"
        assert article.tags.exists(), with_context
        assert article.lead and article.byline and article.source_name, with_context
        assert article.source_issue and article.source_editor, with_context
        assert "<h2>" in article.body, with_context  # headings survive the sanitizer
        assert 4 <= article.body.count("<p>") <= 8, with_context
        assert article.poster == admin
        assert re.fullmatch(r"[0-9a-f]{8}", article.poster_nickname)
        ip = ipaddress.ip_address(article.poster_ip)
        assert any(ip in network for network in DOCUMENTATION_NETWORKS), article.poster_ip
        assert now - timedelta(weeks=5) < article.published_at < now
        assert article.original_published_at < article.published_at
        assert article.view_count > 0
    # Spread over several weeks, not all at one moment.
    times = sorted(published.values_list("published_at", flat=True))
    assert times[-1] - times[0] > timedelta(weeks=3)
    assert {"基层法院", "营商环境", "司法改革", "未成年人保护", "诉源治理"} <= set(
        Tag.objects.values_list("name", flat=True)
    )


def test_galleries_are_real_jpeg_files_originals_private_renditions_public(media_root, settings):
    load()

    with_gallery = Article.objects.filter(images__isnull=False).distinct()
    assert with_gallery.count() >= 2
    for article in with_gallery:
        images = list(article.images.all())
        assert 3 <= len(images) <= 5
        assert [image.position for image in images] == list(range(1, len(images) + 1))
        for image in images:
            assert image.caption and image.alt_text
            original, rendition = Path(image.image.path), Path(image.rendition.path)
            assert original.is_relative_to(settings.PRIVATE_MEDIA_ROOT)
            assert rendition.is_relative_to(media_root)
            for path in (original, rendition):
                assert path.is_file()
                assert path.stat().st_size < 200_000
                with Image.open(path) as picture:
                    picture.verify()
                    assert (picture.format, picture.size) == ("JPEG", (1200, 800))
            assert (image.width, image.height) == (1200, 800)


def test_draft_and_scheduled_articles_are_not_published():
    load()

    drafts = Article.objects.filter(status=Article.Status.DRAFT)
    scheduled = Article.objects.filter(
        status=Article.Status.PUBLISHED, published_at__gt=timezone.now()
    )
    assert drafts.count() == 1
    assert scheduled.count() == 1
    published_pks = set(Article.objects.published().values_list("pk", flat=True))
    assert drafts.get().pk not in published_pks
    assert scheduled.get().pk not in published_pks
    # The scheduled one appears once its time has come.
    later = timezone.now() + timedelta(days=7)
    assert scheduled.get() in Article.objects.published(now=later)


def test_if_empty_second_run_creates_nothing():
    load("--if-empty")
    before = row_counts()

    output = load("--if-empty")

    assert row_counts() == before
    assert "already has 9 article(s)" in output


def test_if_empty_does_nothing_when_any_article_exists():
    ArticleFactory()

    output = load("--if-empty")

    assert Article.objects.count() == 1
    assert not get_user_model().objects.filter(username="admin").exists()
    assert "Demo content not loaded" in output


def test_second_run_without_flag_does_not_duplicate(var_dir):
    password = printed_password(load())
    before = row_counts()

    output = load()

    assert row_counts() == before
    assert "Articles created: 0" in output
    assert "password was left unchanged" in output
    assert (var_dir / "demo-admin-password").read_text().strip() == password


def test_admin_logs_in_with_printed_password(client, var_dir):
    password = printed_password(load())

    password_file = var_dir / "demo-admin-password"
    assert password_file.read_text().strip() == password
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    assert client.login(username="admin", password=password)
    assert client.get(reverse("admin:index")).status_code == 200


def test_existing_admin_user_is_left_alone(var_dir):
    user = make_user("staff", username="admin")

    output = load()

    user.refresh_from_db()
    assert user.check_password("correct horse battery staple")
    assert not user.is_superuser
    assert not (var_dir / "demo-admin-password").exists()
    assert "password was left unchanged" in output
    assert set(Article.objects.values_list("poster", flat=True)) == {user.pk}


def test_failure_rolls_back_rows_and_files(monkeypatch, media_root, var_dir, settings):
    real_render = demo.render_image
    calls = []

    def render_then_fail(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real_render(*args, **kwargs)

    monkeypatch.setattr(demo, "render_image", render_then_fail)

    with pytest.raises(RuntimeError):
        load()

    assert len(calls) == 3  # two images had been stored before the failure
    assert row_counts() == {"articles": 0, "images": 0, "categories": 0, "tags": 0, "users": 0}
    for root in (media_root, settings.PRIVATE_MEDIA_ROOT):
        assert not [path for path in Path(root).rglob("*") if path.is_file()]
    assert not (var_dir / "demo-admin-password").exists()
