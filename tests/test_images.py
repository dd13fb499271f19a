"""Gallery images: private originals, public renditions, and files that are not images."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageStat

from articles import renditions
from articles.models import Article
from tests.factories import ArticleImageFactory, CategoryFactory, make_user
from tests.test_admin import ADD_URL, article_form

pytestmark = pytest.mark.django_db


def jpeg_with_gps(size=(640, 480), orientation=1):
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}
    Image.new("RGB", size, (40, 120, 200)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def upload(client, name, data):
    form = article_form(
        CategoryFactory(),
        status=Article.Status.PUBLISHED,
        **{
            "images-TOTAL_FORMS": "1",
            "images-0-image": SimpleUploadedFile(name, data),
            "images-0-caption": "图",
            "images-0-position": "0",
        },
    )
    return client.post(ADD_URL, form)


@pytest.fixture
def editor(client):
    # A 主编: upload() publishes the article, which an editor (编辑) may not do.
    client.force_login(make_user("publisher", username="image-editor"))
    return client


def test_the_original_is_private_and_the_rendition_public(editor, client, settings):
    assert upload(editor, "photo.jpg", jpeg_with_gps()).status_code == 302
    image = Article.objects.get().images.get()

    assert image.image.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert image.rendition.path.startswith(str(settings.MEDIA_ROOT))
    with Image.open(image.rendition.path) as rendition:
        assert 0x8825 not in rendition.getexif()  # no GPS block
    with Image.open(image.image.path) as original:
        assert 0x8825 in original.getexif()

    editor.logout()
    page = client.get(image.article.get_absolute_url()).content.decode()
    assert image.rendition.url in page
    assert image.image.name not in page
    # The original is not under MEDIA_ROOT, and its private URL needs a staff login.
    assert not (settings.MEDIA_ROOT / image.image.name).exists()
    assert client.get(image.image.url).status_code == 302  # to the admin login
    client.force_login(make_user("staff"))
    response = client.get(image.image.url)
    assert response.status_code == 200
    with open(image.image.path, "rb") as original:
        assert b"".join(response.streaming_content) == original.read()


@pytest.mark.parametrize(
    "path", ["../secret_key", "..%2F..%2Fsettings.py", "articles/nope.jpg", "%00"]
)
def test_private_media_refuses_traversal_and_missing_files(client, path):
    client.force_login(make_user("staff"))
    assert client.get(f"/private-media/{path}").status_code in {400, 404}


@pytest.mark.filterwarnings("ignore:Tag data larger than file")
def test_a_corrupt_exif_block_still_gives_a_rendition():
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new("RGB", (60, 40), "red").save(buffer, "JPEG", exif=exif)
    data = bytearray(buffer.getvalue())
    start = data.index(b"Exif\x00\x00")
    data[start + 20 : start + 30] = b"\xff" * 10  # garble the IFD entries
    rendition = renditions.make_rendition(io.BytesIO(bytes(data)), "bad.jpg")
    with Image.open(rendition) as picture:
        assert picture.size in {(60, 40), (40, 60)}


def test_an_image_with_too_many_pixels_is_a_form_error(editor, monkeypatch):
    monkeypatch.setattr(renditions, "MAX_PIXELS", 100 * 100)
    buffer = io.BytesIO()
    Image.new("L", (200, 200)).save(buffer, "PNG")
    response = upload(editor, "wide.png", buffer.getvalue())
    assert response.status_code == 200
    assert "像素过多" in response.content.decode()
    assert not Article.objects.exists()


def test_sixteen_bit_grey_keeps_its_brightness():
    gradient = Image.linear_gradient("L").resize((256, 64)).convert("I")
    sixteen = gradient.point(lambda value: value * 257).convert("I;16")
    buffer = io.BytesIO()
    sixteen.save(buffer, "PNG")
    with Image.open(renditions.make_rendition(io.BytesIO(buffer.getvalue()), "g.png")) as out:
        mean = ImageStat.Stat(out.convert("L")).mean[0]
    assert 110 < mean < 145  # the source's mean is 127.5; clipping would give ~255


def test_transparency_is_kept_as_png():
    buffer = io.BytesIO()
    Image.new("RGBA", (50, 50), (255, 0, 0, 0)).save(buffer, "PNG")
    rendition = renditions.make_rendition(io.BytesIO(buffer.getvalue()), "logo.png")
    assert rendition.name == "logo-display.png"


def test_editing_an_article_does_not_remake_renditions(client, settings):
    image = ArticleImageFactory()
    first = image.rendition.name
    image.caption = "新的说明"
    image.save()
    image.article.title = "改过的标题"
    image.article.save()
    image.refresh_from_db()
    assert image.rendition.name == first
    assert len(list((settings.MEDIA_ROOT / "articles").rglob("*"))) == 3  # year/month/file


def test_gallery_page_uses_renditions(client):
    image = ArticleImageFactory()
    html = client.get(image.article.get_absolute_url()).content.decode()
    assert f'src="{image.rendition.url}"' in html
    assert reverse("private-media", args=[image.image.name]) not in html
