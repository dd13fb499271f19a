"""Where an article to import comes from: a saved file, a folder of them, or a web address.

:func:`read_source` turns one source as an editor names it (``manage.py import_article``'s
arguments) into a :class:`ParsedArticle` and its :class:`Origin`; :func:`parse_page` parses a
page fetched with :func:`~articles.importing.fetch.fetch_page` (the admin's import page uses
it too). Nothing here writes to the database.
"""

import inspect
import re
from dataclasses import dataclass, replace
from pathlib import Path

from django.utils.translation import gettext as _

from .fetch import FetchedPage, fetch_page
from .fields import ArticleImportError, ParsedArticle

#: Files of a folder that are imported (case-insensitive), in name order. Sub-folders are not
#: entered: a page saved "complete" from a browser has a ``<name>_files/`` folder beside it
#: whose ``.htm`` files are frames and widgets, not articles.
SOURCE_SUFFIXES = (".txt", ".htm", ".html")
# Anything that starts like "scheme:" and is not an existing file is taken as an address, so
# that "ftp://…" or "javascript:…" is refused as such rather than as a missing file.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# Header charsets that GB18030 (their superset) reads better: pages declare GB2312 and use
# GBK characters.
_GB_CHARSETS = frozenset({"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "euc-cn"})


@dataclass(frozen=True)
class Origin:
    """Where a parsed article came from.

    ``name`` is the source as given (a path or an address), for messages; ``url`` is the
    address of the fetched page after redirects, ``""`` for a file. Images are downloaded
    for web sources only, with ``url`` as their ``Referer``.
    """

    name: str
    url: str = ""

    @property
    def is_web(self) -> bool:
        return bool(self.url)


def is_url(source: str) -> bool:
    """Whether ``source`` names a web address (any ``scheme:``) rather than a file."""
    return bool(_SCHEME.match(source)) and not Path(source).exists()


def expand_sources(sources) -> list[str]:
    """The sources to import, in order: each folder replaced by its files ending in
    :data:`SOURCE_SUFFIXES`, sorted by name (not recursive). A folder with no such file
    stays as it is, so that reading it reports the problem under its name."""
    expanded = []
    for source in sources:
        path = Path(source)
        if not is_url(source) and path.is_dir():
            files = sorted(
                str(child)
                for child in path.iterdir()
                if child.suffix.lower() in SOURCE_SUFFIXES and child.is_file()
            )
            expanded.extend(files or [source])
        else:
            expanded.append(source)
    return expanded


def read_source(source: str, *, timeout: float | None = None) -> tuple[ParsedArticle, Origin]:
    """Read and parse one source: a saved page (a file) or an ``http(s)`` address.

    An address is fetched (:func:`~articles.importing.fetch.fetch_page`, ``timeout``
    seconds at most) and parsed with :func:`parse_page`.

    Raises:
        ArticleImportError: the file or address cannot be read or fetched (see
            ``parse_file`` and ``fetch_page``), a folder has no file to import, or no
            article is recognised. The message names the source.
    """
    from . import parse_file  # the package's current entry point, rewritten elsewhere

    if is_url(source):
        try:
            page = fetch_page(source, timeout=timeout)
            return parse_page(page), Origin(name=source, url=page.final_url)
        except ArticleImportError as exc:
            raise ArticleImportError(f"{source}: {exc}") from None
    if Path(source).is_dir():
        raise ArticleImportError(
            _("%(source)s: is a directory without %(suffixes)s files.")
            % {"source": source, "suffixes": ", ".join(SOURCE_SUFFIXES)}
        )
    return parse_file(source), Origin(name=source)


def parse_page(page: FetchedPage) -> ParsedArticle:
    """Parse a fetched page: decoded with its declared charset (else detected), parsed as
    HTML (or as text when the server says ``text/plain``), relative image addresses
    resolved against ``page.final_url``; ``source_url`` is the one the page declares, else
    ``page.final_url``.

    Raises:
        ArticleImportError: the page is empty or binary, or no article is recognised.
    """
    from articles import importing  # bound at call time: the parsers are being rewritten

    if hasattr(importing, "parse_bytes"):
        parsed = importing.parse_bytes(
            page.data, name=page.final_url, url=page.final_url, content_type=page.content_type
        )
    else:  # until parse_bytes exists: decode here, then the text or HTML parser
        text = _decode(page)
        if page.content_type == "text/plain":
            parsed = importing.parse_text(text)
        elif "url" in inspect.signature(importing.parse_html).parameters:
            parsed = importing.parse_html(text, url=page.final_url)
        else:
            parsed = importing.parse_html(text)
    if not parsed.source_url:
        parsed = replace(parsed, source_url=page.final_url)
    return parsed


def _decode(page: FetchedPage) -> str:
    from . import decode

    charset = "gb18030" if page.charset in _GB_CHARSETS else page.charset
    if charset:
        try:
            text = page.data.decode(charset)
        except (LookupError, UnicodeDecodeError):  # an unknown or wrong charset: detect
            pass
        else:
            if text.strip() and "\x00" not in text:
                return text.removeprefix("\ufeff")
    return decode(page.data, name=page.final_url)
