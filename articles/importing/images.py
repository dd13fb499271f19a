"""Downloading the images of an imported article's body into its gallery.

Each image goes through the same pipeline as an editor's upload: ``ArticleImage.full_clean()``
decodes it (a non-image, a truncated file or a decompression bomb is refused, and so is one
of more than ``renditions.MAX_PIXELS`` pixels) and saving it makes the public rendition,
upright and without EXIF metadata (GPS position included); the original stays private. An
image that cannot be fetched or fails a check is reported with the reason and skipped: the
article is imported all the same.
"""

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

import filetype
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.db.models import Max
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from ..models import ArticleImage
from .fetch import fetch_image
from .fields import ArticleImportError

#: Images downloaded for one article at most; further ones are reported as skipped.
MAX_IMAGES_PER_ARTICLE = 30
#: Longest file-name stem kept from an image's URL (the field holds 100 characters with
#: its ``articles/YYYY/MM/`` folder and the storage's suffix for unique names).
MAX_NAME_CHARS = 40
# Extensions for media types the content itself does not reveal (the pipeline decides).
_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}


@dataclass
class ImageReport:
    """What :func:`import_images` did: the gallery images it ``saved`` (in order) and the
    addresses it could not use, as ``(url, reason)`` pairs in ``failed``."""

    saved: list[ArticleImage] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def import_images(article, urls, *, referer: str = "") -> ImageReport:
    """Download the images at ``urls`` into ``article``'s gallery, after its images.

    Args:
        article: a saved :class:`~articles.models.Article`.
        urls: absolute ``http(s)`` addresses in reading order (``ParsedArticle.image_urls``);
            a repeated address is downloaded once; past :data:`MAX_IMAGES_PER_ARTICLE`
            addresses are skipped and reported.
        referer: the page the images come from, sent as ``Referer``.

    Returns:
        An :class:`ImageReport`. Alt text and caption are left empty (the parsed article
        has only the addresses). Never raises for a bad image: a fetch error, a non-image,
        a bomb or too many pixels is a ``failed`` entry with its reason.
    """
    report = ImageReport()
    unique = list(dict.fromkeys(urls))
    for url in unique[MAX_IMAGES_PER_ARTICLE:]:
        report.failed.append(
            (url, _("more than %(limit)d images; skipped") % {"limit": MAX_IMAGES_PER_ARTICLE})
        )
    last = article.images.aggregate(last=Max("position"))["last"]
    position = 0 if last is None else last + 1
    for index, url in enumerate(unique[:MAX_IMAGES_PER_ARTICLE]):
        try:
            fetched = fetch_image(url, referer=referer)
        except ArticleImportError as exc:
            report.failed.append((url, str(exc)))
            continue
        image = ArticleImage(
            article=article,
            image=ContentFile(fetched.data, name=_file_name(url, fetched, index)),
            position=position,
        )
        try:
            image.full_clean()
            image.save()
        except ValidationError as exc:
            report.failed.append((url, " ".join(exc.messages)))
            continue
        except Exception as exc:  # Pillow or storage: this image, not the import, fails
            report.failed.append((url, _("cannot be saved (%(error)s)") % {"error": exc}))
            continue
        report.saved.append(image)
        position += 1
    return report


def _file_name(url, fetched, index) -> str:
    """``<stem of the URL's last segment>.<extension of the content>``, ``image-<n>`` when
    the URL has no usable name (WeChat's ``…/640?wx_fmt=jpeg``)."""
    try:
        stem = get_valid_filename(PurePosixPath(unquote(urlsplit(url).path)).stem)
    except SuspiciousFileOperation:  # nothing usable left ("", "..")
        stem = ""
    stem = stem[:MAX_NAME_CHARS]
    if not stem or re.fullmatch(r"\d{1,4}", stem):
        stem = f"image-{index + 1}"
    extension = filetype.guess_extension(fetched.data) or _EXTENSIONS.get(
        fetched.content_type, "img"
    )
    return f"{stem}.{extension}"
