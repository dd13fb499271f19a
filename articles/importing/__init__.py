"""Importing republished articles: from a page (plain text, HTML, a WeChat article, a URL)
or a batch to a :class:`ParsedArticle`, which :func:`articles.services.import_article` saves.

Modules, one job each:
    fields   the recognised fields (:class:`ParsedArticle`), errors, time parsing
    text     plain-text recognition (also what HTML reduces to)
    fetch    fetching a page or an image by URL, within limits (time, size, redirects,
             public addresses only)
    sources  one source as an editor names it (file, folder, URL) to a ParsedArticle
    images   downloading a body's images into an article's gallery (needs the models, so
             import it as ``articles.importing.images``)
"""

from .fetch import FetchedImage, FetchedPage, fetch_image, fetch_page
from .fields import ArticleImportError, ParsedArticle
from .sources import Origin, expand_sources, parse_page, read_source
from .text import MAX_FILE_BYTES, decode, parse_file, parse_html, parse_text

__all__ = [
    "MAX_FILE_BYTES",
    "ArticleImportError",
    "FetchedImage",
    "FetchedPage",
    "Origin",
    "ParsedArticle",
    "decode",
    "expand_sources",
    "fetch_image",
    "fetch_page",
    "parse_file",
    "parse_html",
    "parse_page",
    "parse_text",
    "read_source",
]
