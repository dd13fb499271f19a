"""Bytes to a :class:`ParsedArticle`: decoding, telling HTML from text, and reading files.

Chinese pages come in UTF-8, GBK/GB2312 (GB18030 is their superset) and, from Notepad,
UTF-16 with a byte-order mark. The declared charset (HTTP header or ``<meta charset>``) is
tried first, then UTF-8, then GB18030.
"""

import codecs
import logging
import re
import stat
import unicodedata
from pathlib import Path

from django.utils.translation import gettext as _

from .fields import ArticleImportError, ParsedArticle
from .html import parse_html
from .text import parse_text

logger = logging.getLogger(__name__)

#: Largest page the importer reads (bytes). A saved article page is well under 1 MB; a
#: bigger file is a mistake, not an article.
MAX_FILE_BYTES = 5 * 1024 * 1024

#: Codecs a declared charset may name (Python's names for the WHATWG encodings).
WEB_CODECS = frozenset(
    {
        "utf-8", "utf-16-le", "utf-16-be", "utf-16", "gb18030", "big5", "big5hkscs",
        "cp1252", "iso8859-2", "iso8859-5", "iso8859-15", "koi8-r", "koi8-u", "cp1250",
        "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258", "shift_jis",
        "euc_jp", "iso2022_jp", "euc_kr", "cp874", "mac-roman",
    }
)  # fmt: skip
LOOKS_LIKE_HTML = re.compile(r"\s*<(?:!doctype|html|\?xml|!--|[a-z][a-z0-9]*[\s/>])", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
#: Declared charsets read as a superset that decodes everything they do.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
              "ascii": "utf-8", "us-ascii": "utf-8", "iso-8859-1": "cp1252",
              "iso8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252"}  # fmt: skip


def decode(data: bytes, name: str = "file", charset: str = "") -> str:
    """Decode the bytes of a page: UTF-16 with a BOM, else the declared ``charset`` (or the
    page's ``<meta charset>``), else UTF-8 (with or without BOM), else GB18030.

    Raises:
        ArticleImportError: empty or whitespace only, or binary (NUL bytes, undecodable,
            or control characters other than line breaks and tabs).
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise ArticleImportError(
                _("%(name)s: is not valid UTF-16 text.") % {"name": name}
            ) from None
    if b"\x00" in data:
        raise ArticleImportError(
            _("%(name)s: looks like a binary file (NUL bytes), not text.") % {"name": name}
        )
    # Bytes that are valid UTF-8 are UTF-8 whatever the page says (a GBK declaration on a
    # UTF-8 page is common, and GB18030 would decode those bytes to nonsense without error).
    declared = _codec(charset or _meta_charset(data))
    for encoding in ("utf-8-sig", *([declared] if declared else []), "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except (UnicodeError, LookupError):
            continue
    else:
        raise ArticleImportError(_("%(name)s: is neither UTF-8 nor GB18030 text.") % {"name": name})
    if not text.strip():
        raise ArticleImportError(_("%(name)s: is empty.") % {"name": name})
    if any(unicodedata.category(char) == "Cc" and char not in "\t\n\r\f\v" for char in text):
        raise ArticleImportError(
            _("%(name)s: looks like a binary file (control characters).") % {"name": name}
        )
    return text


def _meta_charset(data: bytes) -> str:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii", "replace") if match else ""


def _codec(charset: str) -> str:
    """The codec for a declared charset, among those web pages use (WHATWG Encoding
    Standard labels), or ``""``: a codec a page has no business naming (utf-7,
    unicode_escape, rot13…) is not tried."""
    charset = charset.strip().lower()
    try:
        name = codecs.lookup(charset).name
    except LookupError:
        return ""
    name = _SUPERSETS.get(charset, _SUPERSETS.get(name, name))
    return name if name in WEB_CODECS else ""


def parse_bytes(data: bytes, *, name="page", url="", content_type="") -> ParsedArticle:
    """Decode ``data`` and recognise the article in it: HTML (recognised by its content, or
    a ``text/html`` content type) through :func:`parse_html`, anything else through
    :func:`parse_text`.

    Args:
        data: the page's bytes.
        name: what the editor calls it (a file name or URL), for error messages.
        url: where it came from (base of relative image addresses, default source URL).
        content_type: an HTTP ``Content-Type`` value, whose charset is tried first.

    Raises:
        ArticleImportError: undecodable, empty or binary, or no title or article text; the
            message starts with ``name``.
    """
    charset = ""
    if match := re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.I):
        charset = match.group(1)
    text = decode(data, name=name, charset=charset)
    is_html = LOOKS_LIKE_HTML.match(text) or "html" in (content_type or "").lower()
    try:
        return parse_html(text, url=url) if is_html else parse_text(text)
    except ArticleImportError as exc:
        raise ArticleImportError(f"{name}: {exc}") from None
    except Exception as exc:
        # A page nobody foresaw must not become a server error or a traceback: the editor is
        # told it cannot be read, and the cause is logged for the developers.
        logger.exception("Recognising %s failed", name)
        raise ArticleImportError(
            _("%(name)s: this page could not be read (%(error)s).")
            % {"name": name, "error": exc.__class__.__name__}
        ) from exc


def parse_file(path) -> ParsedArticle:
    """Read and parse the saved page at ``path`` (``str`` or ``Path``).

    Raises:
        ArticleImportError: the file is missing, unreadable, not a regular file, larger
            than :data:`MAX_FILE_BYTES`, or not a page (see :func:`parse_bytes`).
    """
    path = Path(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise ArticleImportError(_("%(name)s: is a directory, not a file.") % {"name": path})
        if not stat.S_ISREG(info.st_mode):
            raise ArticleImportError(
                _("%(name)s: is not a regular file (device, pipe or socket).") % {"name": path}
            )
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ArticleImportError(_("%(name)s: no such file.") % {"name": path}) from None
    except OSError as exc:
        raise ArticleImportError(
            _("%(name)s: cannot read the file (%(error)s).") % {"name": path, "error": exc.strerror}
        ) from None
    if len(data) > MAX_FILE_BYTES:
        raise ArticleImportError(
            _("%(name)s: is larger than %(limit)d MB; a saved article page is much smaller.")
            % {"name": path, "limit": MAX_FILE_BYTES // (1024 * 1024)}
        )
    return parse_bytes(data, name=str(path))
