"""Display renditions of gallery images (Pillow).

Readers never download the uploaded original (it stays in private storage): each
``ArticleImage`` gets a rendition at most ``MAX_SIZE`` pixels on its longer side, turned
upright from its EXIF orientation and saved again without metadata (so a photo's EXIF, GPS
position included, is not published); the colour profile is kept.
"""

import io
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

#: Longest side of a rendition, in pixels (fits a 2x phone screen and a desktop column).
MAX_SIZE = 1600
JPEG_QUALITY = 85
#: Largest image accepted, in pixels (width x height): decoding costs about 4 bytes a pixel.
MAX_PIXELS = 40_000_000


class ImageTooLarge(ValueError):
    """The image has more than ``MAX_PIXELS`` pixels; ``args`` are (pixels, limit)."""


def make_rendition(source, name: str) -> ContentFile:
    """Return a display rendition of the image file ``source`` as a ``ContentFile``.

    Args:
        source: an open image file (any format Pillow reads).
        name: the original's file name; the rendition is named ``<stem>-display.<ext>``.

    Returns:
        A JPEG (or a PNG when the image has transparency) no larger than ``MAX_SIZE`` on
        either side; smaller images are not enlarged. High-bit-depth grey images are scaled
        to 8 bits; an unreadable EXIF orientation is ignored. An animation keeps its first
        frame.

    Raises:
        ImageTooLarge: more than ``MAX_PIXELS`` pixels (checked before decoding).
        Exception: whatever Pillow raises for a file it cannot decode (``OSError``,
            ``DecompressionBombError``, ...); callers treat any exception as "not an image".
    """
    with Image.open(source) as original:
        width, height = original.size
        if width * height > MAX_PIXELS:
            raise ImageTooLarge(width * height, MAX_PIXELS)
        icc_profile = original.info.get("icc_profile")
        try:
            image = ImageOps.exif_transpose(original)
        except Exception:  # a corrupt EXIF block: show the image as stored
            image = original.copy()
        image = _eight_bit(image)
        image.thumbnail((MAX_SIZE, MAX_SIZE), Image.Resampling.LANCZOS)
        transparent = image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info
        buffer = io.BytesIO()
        if transparent:
            image.save(buffer, "PNG", optimize=True, icc_profile=icc_profile)
            extension = "png"
        else:
            image.convert("RGB").save(
                buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, icc_profile=icc_profile
            )
            extension = "jpg"
    stem = PurePosixPath(name).stem
    return ContentFile(buffer.getvalue(), name=f"{stem}-display.{extension}")


def _eight_bit(image):
    """Scale 16- and 32-bit grey images (modes ``I;16*``, ``I``, ``F``) to 8-bit ``L``;
    other modes are returned unchanged (``convert`` would clip them to white)."""
    if image.mode.startswith("I;16"):
        return image.convert("I").point(lambda value: value / 257).convert("L")
    if image.mode in {"I", "F"}:
        low, high = image.convert("F").getextrema()
        scale = 255 / (high - low) if high > low else 0
        return image.convert("F").point(lambda value: (value - low) * scale).convert("L")
    return image
