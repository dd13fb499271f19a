"""Downloading the images of an imported article's body into its gallery.

Each image goes through the same pipeline as an editor's upload: ``ArticleImage.full_clean()``
decodes it (a non-image, a truncated file or a decompression bomb is refused, and so is one
of more than ``renditions.MAX_PIXELS`` pixels) and saving it makes the public rendition,
upright and without EXIF metadata (GPS position included); the original stays private. An
image that cannot be fetched or fails a check is reported with the reason and skipped: the
article is imported all the same.
"""

import re
import time
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

import filetype
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.db.models import Max
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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

    def summary(self, most: int) -> str:
        """One or two sentences for the editor: how many images were added to the gallery,
        how many were not, the first ``most`` of these with the reason and "… and N more";
        ``""`` when there were no images."""
        parts = []
        if self.saved:
            count = len(self.saved)
            parts.append(
                ngettext(
                    "%(count)d image was added to its gallery.",
                    "%(count)d images were added to its gallery.",
                    count,
                )
                % {"count": count}
            )
        if self.failed:
            count = len(self.failed)
            listed = "; ".join(f"{url} ({reason})" for url, reason in self.failed[:most])
            if count > most:
                listed += " " + ngettext(
                    "… and %(count)d more", "… and %(count)d more", count - most
                ) % {"count": count - most}
            parts.append(
                ngettext(
                    "%(count)d image was not imported: %(list)s.",
                    "%(count)d images were not imported: %(list)s.",
                    count,
                )
                % {"count": count, "list": listed}
            )
        return " ".join(parts)


def import_images(article, urls, *, referer: str = "", budget: float | None = None) -> ImageReport:
    """Download the images at ``urls`` into ``article``'s gallery, after its images.

    Args:
        article: a saved :class:`~articles.models.Article`.
        urls: absolute ``http(s)`` addresses in reading order (``ParsedArticle.image_urls``);
            a repeated address is downloaded once; past :data:`MAX_IMAGES_PER_ARTICLE`
            addresses are skipped and reported.
        referer: the page the images come from, sent as ``Referer``.
        budget: seconds all the downloads may take together (``None``: no limit beyond
            each fetch's own ``settings.IMPORT_FETCH_TIMEOUT``). No download is started
            once it is spent, and each one's deadline is the smaller of the fetch timeout
            and what is left of it, so a caller inside a web request (the admin) ends well
            before the worker is killed. The images not tried are reported as skipped.

    Returns:
        An :class:`ImageReport`. Alt text and caption are left empty (the parsed article
        has only the addresses). Never raises for a bad image: a fetch error, a non-image,
        a bomb, too many pixels or a spent budget is a ``failed`` entry with its reason.
    """
    started = time.monotonic()
    report = ImageReport()
    unique = list(dict.fromkeys(urls))
    for url in unique[MAX_IMAGES_PER_ARTICLE:]:
        report.failed.append(
            (url, _("more than %(limit)d images; skipped") % {"limit": MAX_IMAGES_PER_ARTICLE})
        )
    last = article.images.aggregate(last=Max("position"))["last"]
    position = 0 if last is None else last + 1
    tried = unique[:MAX_IMAGES_PER_ARTICLE]
    for index, url in enumerate(tried):
        timeout = settings.IMPORT_FETCH_TIMEOUT
        if budget is not None:
            left = budget - (time.monotonic() - started)
            if left <= 0:
                report.failed.extend(
                    (skipped, _("time budget spent; skipped")) for skipped in tried[index:]
                )
                break
            timeout = min(timeout, left)
        try:
            fetched = fetch_image(url, referer=referer, timeout=timeout)
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
