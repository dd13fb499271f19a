"""factory_boy factories for the test suite.

``ArticleFactory()`` is a draft; ``ArticleFactory(published=True)`` is published an hour ago;
``ArticleFactory(scheduled=True)`` is published in the future; ``withdrawn=True`` withdrawn.
"""

import importlib
import io
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, ArticleImage, Category
from articles.permissions import ROLE_GROUPS


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


def make_user(role="reader", **kwargs):
    """A user of ``role``: ``reader`` (no staff), ``staff`` (staff, no permission),
    ``editor`` (staff in 编辑), ``publisher`` (staff in 主编), ``moderator`` (staff in
    审核员) or ``admin`` (superuser). The groups are those of the data migrations."""
    if role == "admin":
        return UserFactory(is_staff=True, is_superuser=True, **kwargs)
    user = UserFactory(is_staff=role in {"staff", *ROLE_GROUPS}, **kwargs)
    if role in ROLE_GROUPS:
        user.groups.add(role_group(role))
    return user


def role_group(role):
    """The group of ``role`` (``editor``, ``publisher``, ``moderator``) as the data
    migrations make it. A test that commits for real empties the database afterwards (the
    groups included), so a group is made again on demand with its migrations' own
    permission lists."""
    from django.contrib.auth.models import Group

    group, created = Group.objects.get_or_create(name=ROLE_GROUPS[role])
    if created or not group.permissions.exists():
        for app_label, codename in _migrated_permissions(role):
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
    return group


def _migrated_permissions(role):
    if role == "moderator":
        created = importlib.import_module("moderation.migrations.0002_create_moderators_group")
        renamed = importlib.import_module("moderation.migrations.0003_rename_moderators_group")
        return [*created.PERMISSIONS, *renamed.ADDED_PERMISSIONS]
    migration = importlib.import_module("articles.migrations.0007_create_editor_groups")
    return {"editor": migration.EDITOR_PERMISSIONS, "publisher": migration.PUBLISHER_PERMISSIONS}[
        role
    ]


def moderators_group():
    """The 审核员 group as its data migrations make it (see :func:`role_group`)."""
    return role_group("moderator")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"栏目{n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"测试文章标题 {n}")
    category = factory.SubFactory(CategoryFactory)
    lead = "一段导读文字。"
    byline = "文 | 测试法院 记者"
    body = "<p>正文第一段。</p><h2>小标题</h2><p>正文第二段。</p>"
    poster_nickname = "16e2f9abcdef"
    poster_ip = "124.223.189.17"
    status = Article.Status.DRAFT

    class Params:
        published = factory.Trait(
            status=Article.Status.PUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1)),
        )
        scheduled = factory.Trait(
            status=Article.Status.PUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=1)),
        )
        withdrawn = factory.Trait(
            status=Article.Status.WITHDRAWN,
            published_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
        )

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)


def image_file(name="photo.png", size=(64, 48), color=(180, 40, 40), fmt="PNG"):
    """An in-memory uploaded image file made with Pillow."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


class ArticleImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArticleImage

    article = factory.SubFactory(ArticleFactory, published=True)
    image = factory.LazyFunction(image_file)
    caption = factory.Sequence(lambda n: f"图片说明 {n}")
    alt_text = "测试图片"
    position = factory.Sequence(int)


def jpeg_bytes_with_gps(size=(320, 240)):
    """A JPEG photo whose EXIF block holds a GPS position (tag 0x8825), as phones write."""
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}
    Image.new("RGB", size, (40, 120, 200)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png_declaring(width, height):
    """A valid PNG of a few dozen bytes whose header declares ``width`` x ``height`` pixels:
    a decompression bomb for any decoder that trusts the header."""
    import struct
    import zlib

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )
