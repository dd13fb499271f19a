"""Importing republished articles: from a page (plain text, HTML, a WeChat article, a URL)
or a batch to a :class:`ParsedArticle`, which :func:`articles.services.import_article` saves.

Modules, one job each:
    fields    the recognised fields (:class:`ParsedArticle`), errors, time parsing
    rules     labels, chrome shapes and end-of-article markers, as data
    lines     what one line says (chrome, metadata, markup, text)
    assemble  from lines (and HTML blocks) to the fields
    text      plain text;  html: HTML pages and WeChat articles
    reading   bytes and files: decoding, HTML or text
"""

from .fields import ArticleImportError, ParsedArticle
from .html import parse_html
from .reading import MAX_FILE_BYTES, decode, parse_bytes, parse_file
from .text import parse_text

__all__ = [
    "MAX_FILE_BYTES",
    "ArticleImportError",
    "ParsedArticle",
    "decode",
    "parse_bytes",
    "parse_file",
    "parse_html",
    "parse_text",
]
