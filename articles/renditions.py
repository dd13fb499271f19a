"""Display renditions of gallery images (Pillow).

Readers never download the uploaded original: each ``ArticleImage`` gets a rendition at most
``MAX_SIZE`` pixels on its longer side, turned upright from its EXIF orientation and saved
again without metadata (so a photo's EXIF, GPS position included, is not published).
"""

import io
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

#: What decoding an untrusted image file can raise (Pillow uses all of these).
RENDITION_ERRORS = (OSError, ValueError, SyntaxError, Image.DecompressionBombError)

#: Longest side of a rendition, in pixels (fits a 2x phone screen and a desktop column).
MAX_SIZE = 1600
JPEG_QUALITY = 85


def make_rendition(source, name: str) -> ContentFile:
    """Return a display rendition of the image file ``source`` as a ``ContentFile``.

    Args:
        source: an open image file (any format Pillow reads).
        name: the original's file name; the rendition is named ``<stem>-display.<ext>``.

    Returns:
        A JPEG (or a PNG when the image has transparency) no larger than ``MAX_SIZE`` on
        either side; smaller images are not enlarged.

    Raises:
        PIL.UnidentifiedImageError, PIL.Image.DecompressionBombError, OSError: the file is not
        an image Pillow can safely decode.
    """
    with Image.open(source) as original:
        image = ImageOps.exif_transpose(original)
        image.thumbnail((MAX_SIZE, MAX_SIZE), Image.Resampling.LANCZOS)
        transparent = image.mode in {"RGBA", "LA"} or "transparency" in image.info
        buffer = io.BytesIO()
        if transparent:
            image.save(buffer, "PNG", optimize=True)
            extension = "png"
        else:
            image.convert("RGB").save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
            extension = "jpg"
    stem = PurePosixPath(name).stem
    return ContentFile(buffer.getvalue(), name=f"{stem}-display.{extension}")
