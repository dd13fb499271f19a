"""Checking evidence files by their content before anything is stored.

Accepted: PDF, JPEG and PNG, recognised by their signature bytes (``filetype``), never by the
file name or the browser's declared type; images must also open in Pillow within
``MAX_PIXELS`` (a decompression bomb is refused before it is decoded). At most
``settings.EVIDENCE_MAX_FILES`` files of ``settings.EVIDENCE_MAX_BYTES`` bytes each.
"""

import warnings

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image

from articles.renditions import MAX_PIXELS

from .services import EvidenceUpload

#: The accepted types, by the MIME type ``filetype`` reports for the content.
ACCEPTED_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}


def check_upload(upload) -> EvidenceUpload:
    """Check one uploaded file and describe it.

    Args:
        upload: a Django ``UploadedFile``.

    Returns:
        An :class:`~moderation.services.EvidenceUpload` with the detected type, the size in
        bytes and the SHA-256 of the content.

    Raises:
        ValidationError: too large, not a PDF/JPEG/PNG by content (an executable or an HTML
            page renamed ``.pdf`` included), or an image that is damaged or has more than
            ``MAX_PIXELS`` pixels.
    """
    name = upload.name or _("file")
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; each file may be at most %(limit)s.")
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.EVIDENCE_MAX_BYTES),
            }
        )
    upload.seek(0)
    head = upload.read(8192)
    kind = filetype.guess(head)
    content_type = kind.mime if kind else ""
    if content_type not in ACCEPTED_TYPES or (
        content_type == "application/pdf" and not head.startswith(b"%PDF-")
    ):
        raise ValidationError(
            _("“%(name)s” is not a PDF, JPEG or PNG file (files are checked by their content).")
            % {"name": name}
        )
    if content_type != "application/pdf":
        _check_image(upload, name)
    upload.seek(0)
    return EvidenceUpload(file=upload, content_type=content_type, size=upload.size)


TOO_MANY_PIXELS = gettext_lazy(
    "“%(name)s” is too large an image (%(pixels)d pixels; at most %(limit)d)."
)


def _check_image(upload, name: str) -> None:
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise ValidationError(
                        TOO_MANY_PIXELS
                        % {"name": name, "pixels": width * height, "limit": MAX_PIXELS}
                    )
                image.verify()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow refuses to open images far beyond its own pixel limit.
        raise ValidationError(_("“%(name)s” is too large an image.") % {"name": name}) from None
    except Exception:
        raise ValidationError(
            _("“%(name)s” is damaged or not a real image.") % {"name": name}
        ) from None


def check_uploads(uploads) -> list[EvidenceUpload]:
    """Check a list of uploaded files (see :func:`check_upload`).

    Raises:
        ValidationError: more than ``EVIDENCE_MAX_FILES`` files, or any file fails; all the
            problems are reported together.
    """
    uploads = list(uploads)
    if len(uploads) > settings.EVIDENCE_MAX_FILES:
        raise ValidationError(
            _("Please attach at most %(limit)d files.") % {"limit": settings.EVIDENCE_MAX_FILES}
        )
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(check_upload(upload))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return checked
