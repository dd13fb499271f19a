"""Where an article to import comes from: a saved file, a folder of them, or a web address.

:func:`read_source` turns one source as an editor names it (``manage.py import_article``'s
arguments) into a :class:`ParsedArticle` and its :class:`Origin`; :func:`parse_page` parses a
page fetched with :func:`~articles.importing.fetch.fetch_page` (the admin's import page uses
it too). Nothing here writes to the database.
"""

import re
from dataclasses import dataclass, replace
from pathlib import Path

from django.utils.translation import gettext as _

from .fetch import FetchedPage, fetch_page
from .fields import ArticleImportError, ParsedArticle
from .reading import parse_bytes, parse_file

#: Files of a folder that are imported (case-insensitive), in name order. Sub-folders are not
#: entered: a page saved "complete" from a browser has a ``<name>_files/`` folder beside it
#: whose ``.htm`` files are frames and widgets, not articles.
SOURCE_SUFFIXES = (".txt", ".htm", ".html")
# Anything that starts like "scheme:" and is not an existing file is taken as an address, so
# that "ftp://…" or "javascript:…" is refused as such rather than as a missing file.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# Header charsets that GB18030 (their superset) reads better: pages declare GB2312 and use
# GBK characters.


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
    """The sources to import, in order, each stripped of surrounding whitespace (a pasted
    ``" http://…"`` is an address): each folder replaced by its files ending in
    :data:`SOURCE_SUFFIXES`, sorted by name (not recursive). A folder with no such file, and
    an empty source, stay as they are, so that reading them reports the problem under their
    name (``""`` is not the current folder)."""
    expanded = []
    for source in sources:
        source = source.strip()
        path = Path(source)
        if source and not is_url(source) and path.is_dir():
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

    ``source`` is stripped of surrounding whitespace first.

    Raises:
        ArticleImportError: the source is empty, the file or address cannot be read or
            fetched (see ``parse_file`` and ``fetch_page``), a folder has no file to import,
            or no article is recognised. The message names the source.
    """
    source = source.strip()
    if not source:
        raise ArticleImportError(
            _("An empty source: give a saved page, a folder of them or an http(s) address.")
        )
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
    HTML (or as text when the server says ``text/plain`` and it does not look like HTML),
    relative image addresses resolved against ``page.final_url``; ``source_url`` is the one
    the page declares, else ``page.final_url``.

    Raises:
        ArticleImportError: the page is empty or binary, or no article is recognised.
    """
    content_type = page.content_type + (f"; charset={page.charset}" if page.charset else "")
    parsed = parse_bytes(
        page.data, name=page.final_url, url=page.final_url, content_type=content_type
    )
    if not parsed.source_url:
        parsed = replace(parsed, source_url=page.final_url)
    return parsed
