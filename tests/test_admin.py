"""Editors' admin: poster and IP from the request, read-only counters, permissions."""

import pytest
from django.urls import reverse

from articles.models import Article
from tests.factories import ArticleFactory, CategoryFactory, image_file, make_user

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")


def article_form(category, **overrides):
    data = {
        "title": "院长论坛 | 新的一篇",
        "slug": "院长论坛-新的一篇",
        "category": category.pk,
        "status": Article.Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        "tags": "基层法院, 营商环境",
        "lead": "导读",
        "byline": "文 | 某法院 某某",
        "body": '<p onclick="x()">正文</p><script>alert(1)</script>',
        "source_name": "中国审判",
        "source_issue": "2025年第4期",
        "source_editor": "孙某",
        "source_url": "",
        "original_published_at_0": "",
        "original_published_at_1": "",
        "poster_nickname": "",
        "disclaimer": "",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


@pytest.fixture
def editor_client(client):
    editor = make_user("editor", username="editor")
    client.force_login(editor)
    return client, editor


@pytest.fixture
def publisher_client(client):
    """A 主编: for what an editor may not do (publish, schedule, keep categories)."""
    publisher = make_user("publisher", username="publisher")
    client.force_login(publisher)
    return client, publisher


def test_creating_an_article_records_poster_and_client_ip(editor_client):
    client, editor = editor_client
    category = CategoryFactory()
    response = client.post(
        ADD_URL,
        article_form(category, **{"poster_ip": "6.6.6.6"}),
        REMOTE_ADDR="124.223.189.17",
        HTTP_X_FORWARDED_FOR="1.2.3.4",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    assert article.poster == editor
    assert article.poster_ip == "124.223.189.17"  # neither the form nor a spoofed header
    assert article.poster_nickname == "editor"
    assert article.body == "<p>正文</p>"
    assert sorted(tag.name for tag in article.tags.all()) == ["基层法院", "营商环境"]


def test_proxy_header_is_believed_only_from_a_configured_proxy(editor_client, settings):
    client, _ = editor_client
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    category = CategoryFactory()
    client.post(
        ADD_URL,
        article_form(category),
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="9.9.9.9, 124.223.189.17, 10.0.0.7",
    )
    assert Article.objects.get().poster_ip == "124.223.189.17"


def test_editing_keeps_poster_ip_and_view_count(editor_client):
    client, _ = editor_client
    poster = make_user("editor", username="original-poster")
    article = ArticleFactory(published=True, poster=poster, poster_ip="124.223.189.17")
    Article.objects.filter(pk=article.pk).update(view_count=77)
    data = article_form(
        article.category,
        title="修改后的标题",
        status=Article.Status.PUBLISHED,
        published_at_0="2025-03-21",
        published_at_1="10:56:15",
        view_count="0",
        poster_ip="1.1.1.1",
    )
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]), data, REMOTE_ADDR="8.8.8.8"
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "修改后的标题"
    assert article.poster == poster
    assert article.poster_ip == "124.223.189.17"
    assert article.view_count == 77


def test_image_inline_uploads_a_gallery_image(editor_client):
    client, _ = editor_client
    data = article_form(
        CategoryFactory(),
        **{
            "images-TOTAL_FORMS": "1",
            "images-0-image": image_file("cover.png", size=(120, 80)),
            "images-0-caption": "本期封面",
            "images-0-alt_text": "杂志封面",
            "images-0-position": "0",
        },
    )
    assert client.post(ADD_URL, data).status_code == 302
    image = Article.objects.get().images.get()
    assert (image.width, image.height) == (120, 80)
    assert image.image.storage.exists(image.image.name)
    assert image.rendition.storage.exists(image.rendition.name)


def test_a_file_that_is_not_an_image_is_a_form_error(editor_client):
    client, _ = editor_client
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = article_form(
        CategoryFactory(),
        **{
            "images-TOTAL_FORMS": "1",
            "images-0-image": SimpleUploadedFile("evil.png", b"<html><script>x</script>"),
            "images-0-position": "0",
        },
    )
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert not Article.objects.exists()
    assert "images-0-image" in response.content.decode()


def test_changelist_columns_filters_and_search(editor_client):
    client, _ = editor_client
    ArticleFactory(published=True, title="按 IP 找到的文章", poster_ip="203.0.113.9")
    ArticleFactory(published=True, title="另一篇", poster_ip="198.51.100.1", byline="文 | 王某")
    url = reverse("admin:articles_article_changelist")

    page = client.get(url, {"q": "203.0.113.9"}).content.decode()
    assert "按 IP 找到的文章" in page and "另一篇" not in page
    assert "另一篇" in client.get(url, {"q": "王某"}).content.decode()
    sorted_page = client.get(url, {"o": "-5"})
    assert sorted_page.status_code == 200
    add_page = client.get(ADD_URL).content.decode()
    assert "data-prepopulated-fields" in add_page


def test_admin_speaks_chinese(editor_client):
    client, _ = editor_client
    page = client.get(ADD_URL).content.decode()
    for label in ["标题", "导读", "署名", "来源刊物", "来源期号", "原文发布时间", "发布人 IP"]:
        assert f"{label}:" in page or f"{label}：" in page, label


@pytest.mark.parametrize("role, status", [("anonymous", 302), ("staff", 403), ("editor", 200)])
def test_article_admin_permissions(client, role, status):
    if role != "anonymous":
        client.force_login(make_user(role))
    assert client.get(ADD_URL).status_code == status


def test_publish_action_goes_through_the_service(client):
    client.force_login(make_user("publisher"))  # editors may not publish: see test_roles.py
    drafts = ArticleFactory.create_batch(2)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [a.pk for a in drafts]},
    )
    assert response.status_code == 302
    assert Article.objects.published().count() == 2


def test_a_second_article_from_the_same_source_url_is_a_form_error(editor_client):
    client, _ = editor_client
    ArticleFactory(source_url="https://court.example/a/1.html")
    data = article_form(CategoryFactory(), source_url="court.example/a/1.html")
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "已有来自该原文链接的文章" in response.content.decode()
    assert Article.objects.count() == 1


def test_a_too_long_tag_is_a_form_error_not_a_database_error(editor_client):
    client, _ = editor_client
    response = client.post(ADD_URL, article_form(CategoryFactory(), tags="长" * 150 + ", 法院"))
    assert response.status_code == 200
    assert "标签最多 100 个字" in response.content.decode()
    assert not Article.objects.exists()


def test_site_disclaimer_admin_opens_the_form_directly(client):
    client.force_login(make_user("admin"))
    response = client.get(reverse("admin:articles_sitedisclaimer_changelist"))
    assert response.status_code == 302
    assert response["Location"].endswith("/change/")
    assert "{nickname}" in client.get(response["Location"]).content.decode()


def test_scheduled_articles_are_marked_in_the_list(editor_client):
    client, _ = editor_client
    ArticleFactory(scheduled=True, title="明天发布的文章")
    page = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "定时发布" in page


class TestCategoryTree:
    def test_a_category_cannot_become_its_own_descendant(self, publisher_client):
        client, _ = publisher_client
        root = CategoryFactory(name="根", slug="root")
        child = CategoryFactory(name="子", slug="child", parent=root)
        grandchild = CategoryFactory(name="孙", slug="grandchild", parent=child)
        url = reverse("admin:articles_category_change", args=[root.pk])
        data = {"name": "根", "slug": "root", "parent": grandchild.pk, "position": 0}
        response = client.post(url, {**data, "description": ""})
        assert response.status_code == 200
        assert "栏目不能成为自己的上级" in response.content.decode()
        root.refresh_from_db()
        assert root.parent is None

    def test_save_refuses_a_cycle_even_without_clean(self):
        from django.core.exceptions import ValidationError

        first = CategoryFactory(slug="first")
        second = CategoryFactory(slug="second", parent=first)
        first.parent = second
        with pytest.raises(ValidationError):
            first.save()
        first.refresh_from_db()
        assert first.parent is None

    def test_clean_finishes_even_if_the_stored_tree_has_a_cycle(self):
        from django.core.exceptions import ValidationError

        a = CategoryFactory(slug="a")
        b = CategoryFactory(slug="b", parent=a)
        type(a).objects.filter(pk=a.pk).update(parent=b)  # a corrupt tree, written directly
        c = CategoryFactory(slug="c")
        c.parent = a
        c.clean()  # terminates; c is not part of the a-b cycle
        a.refresh_from_db()
        with pytest.raises(ValidationError):
            a.clean()


def test_gallery_images_get_an_upright_metadata_free_rendition(publisher_client, client):
    import io

    from PIL import Image

    from tests.factories import image_file

    editor, _ = publisher_client
    photo = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x010F] = "CameraMaker"
    Image.new("RGB", (3200, 2000), (20, 90, 160)).save(photo, "JPEG", exif=exif)
    upload = image_file("big.jpg")
    upload.file = photo
    upload.size = photo.tell()
    photo.seek(0)
    data = article_form(
        CategoryFactory(),
        status=Article.Status.PUBLISHED,
        **{
            "images-TOTAL_FORMS": "1",
            "images-0-image": upload,
            "images-0-caption": "大图",
            "images-0-position": "0",
        },
    )
    assert editor.post(ADD_URL, data).status_code == 302
    image = Article.objects.get().images.get()
    with Image.open(image.rendition.path) as rendition:
        assert rendition.size == (1000, 1600)  # upright, longer side 1600
        assert not rendition.getexif()
    assert (image.width, image.height) == (1000, 1600)
    page = client.get(image.article.get_absolute_url()).content.decode()
    assert image.rendition.url in page
    assert image.image.url not in page


def test_a_truncated_image_is_a_form_error(editor_client):
    client, _ = editor_client
    from django.core.files.uploadedfile import SimpleUploadedFile

    whole = image_file("whole.jpg", size=(800, 600), fmt="JPEG").read()
    data = article_form(
        CategoryFactory(),
        **{
            "images-TOTAL_FORMS": "1",
            "images-0-image": SimpleUploadedFile("cut.jpg", whole[: len(whole) // 2]),
            "images-0-position": "0",
        },
    )
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "无法读取这张图片" in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.parametrize("field", ["published_at", "original_published_at"])
def test_an_implausible_year_is_a_form_error(publisher_client, field):
    client, _ = publisher_client
    data = article_form(CategoryFactory(), **{f"{field}_0": "0001-01-01", f"{field}_1": "00:00:00"})
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "请输入 1900 至 2199 年之间的时间" in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.parametrize("title", ["\x1b\x1b", "\u200b", " \u3000 "])
def test_a_title_of_invisible_characters_is_required_error(editor_client, title):
    client, _ = editor_client
    response = client.post(ADD_URL, article_form(CategoryFactory(), title=title, slug="x"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title"]
    assert not Article.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_editor_who_loses_a_race_gets_a_form_error_and_keeps_the_input(editor_client):
    """Another editor commits the same source URL between this form's validation and its
    save (only possible on a database with concurrent writers; SQLite serializes them)."""
    import threading

    from django.db import connection
    from django.db.models.signals import pre_save

    if connection.vendor == "sqlite":
        pytest.skip("SQLite serializes writers: this race cannot happen there")
    client, _ = editor_client
    url = "https://court.example/race.html"

    def other_editor():
        Article.objects.create(title="另一位编辑先保存的文章", source_url=url)
        connection.close()

    def another_editor_saves_first(sender, instance, **kwargs):
        pre_save.disconnect(another_editor_saves_first, sender=Article)
        thread = threading.Thread(target=other_editor)
        thread.start()
        thread.join()

    pre_save.connect(another_editor_saves_first, sender=Article)
    try:
        response = client.post(
            ADD_URL, article_form(CategoryFactory(), title="我的文章", source_url=url)
        )
    finally:
        pre_save.disconnect(another_editor_saves_first, sender=Article)
    assert response.status_code == 200
    page = response.content.decode()
    assert "已有来自该原文链接的文章" in page
    assert 'value="我的文章"' in page
    assert list(Article.objects.values_list("title", flat=True)) == ["另一位编辑先保存的文章"]


@pytest.mark.parametrize(
    "query", ["status__exact=%00", "source_name=%00", "published_at__year=99999999999"]
)
def test_unusable_admin_filter_values_are_400(editor_client, query):
    client, _ = editor_client
    ArticleFactory(published=True)
    response = client.get(f"{reverse('admin:articles_article_changelist')}?{query}")
    assert response.status_code == 400


class TestTagAdmin:
    url = reverse("admin:articles_tag_add")

    def test_the_slug_is_made_from_the_name(self, editor_client):
        from articles.models import Tag

        client, _ = editor_client
        client.force_login(make_user("admin"))
        assert client.post(self.url, {"name": " 司法改革\x1b "}).status_code == 302
        assert client.post(self.url, {"name": "♥"}).status_code == 302
        assert dict(Tag.objects.values_list("name", "slug")) == {
            "司法改革": "司法改革",
            "♥": "tag",
        }

    @pytest.mark.parametrize("name", ["司法改革\x1b", "\x1b司法改革", "COURT", "Court"])
    def test_a_near_duplicate_name_is_a_form_error(self, editor_client, name):
        from articles.models import Tag

        client, _ = editor_client
        client.force_login(make_user("admin"))
        Tag.objects.create(name="司法改革")
        Tag.objects.create(name="court")
        response = client.post(self.url, {"name": name})
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["name"]
        assert Tag.objects.count() == 2

    def test_a_name_of_control_characters_is_required(self, editor_client):
        client, _ = editor_client
        client.force_login(make_user("admin"))
        response = client.post(self.url, {"name": "\x1b\x07"})
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["name"]


def test_long_tag_names_that_slugify_alike_get_distinct_slugs():
    from articles.models import Tag

    names = ["x" * 95, "x" * 94 + "ｘ", "x" * 93 + "ｘｘ"]
    tags = [Tag.objects.create(name=name) for name in names]
    slugs = [tag.slug for tag in tags]
    assert len(set(slugs)) == 3
    assert all(len(slug) <= 100 for slug in slugs)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/article/?published_at__year=9999",
        "/admin/autocomplete/?app_label=articles&model_name=article&field_name=category&term=%00",
    ],
)
def test_more_unusable_admin_urls_are_400(editor_client, url):
    client, _ = editor_client
    assert client.get(url).status_code == 400


@pytest.mark.parametrize(
    "query", ["published_at=2026-01-01", "category=abc", "category=%00", "view_count=x"]
)
def test_add_page_ignores_initial_values_it_cannot_show(editor_client, query):
    client, _ = editor_client
    response = client.get(f"{ADD_URL}?{query}&title=预填标题")
    assert response.status_code == 200
    assert 'value="预填标题"' in response.content.decode()


def test_a_disclaimer_of_invisible_characters_is_required(client):
    from articles.models import SiteDisclaimer

    client.force_login(make_user("admin"))
    row = SiteDisclaimer.objects.get()
    url = reverse("admin:articles_sitedisclaimer_change", args=[row.pk])
    response = client.post(url, {"text": "\u200b\u2060\ufeff"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["text"]


def test_an_impossible_month_filter_is_answered_by_djangos_error_redirect(editor_client):
    client, _ = editor_client
    url = "/admin/articles/article/?published_at__month=13&published_at__year=2025"
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")
