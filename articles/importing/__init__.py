"""Importing republished articles: from a page (plain text, HTML, a WeChat article, a URL)
or a batch to a :class:`ParsedArticle`, which :func:`articles.services.import_article` saves.

Modules, one job each:
    fields   the recognised fields (:class:`ParsedArticle`), errors, time parsing
    text     plain-text recognition (also what HTML reduces to)
"""

from .fields import ArticleImportError, ParsedArticle
from .text import MAX_FILE_BYTES, decode, parse_file, parse_html, parse_text

__all__ = [
    "MAX_FILE_BYTES",
    "ArticleImportError",
    "ParsedArticle",
    "decode",
    "parse_file",
    "parse_html",
    "parse_text",
]
