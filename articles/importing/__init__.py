"""Importing republished articles: from a page (plain text, HTML, a WeChat article, a URL)
or a batch to a :class:`ParsedArticle`, which :func:`articles.services.import_article` saves.

Modules, one job each:
    fields    the recognised fields (:class:`ParsedArticle`), errors, time parsing
    rules     labels, chrome shapes and end-of-article markers, as data
    lines     what one line says (chrome, metadata, markup, text)
    assemble  from lines (and HTML blocks) to the fields
    summary   which text is the lead, which words are the keywords
    text      plain text;  html: HTML pages and WeChat articles
    reading   bytes and files: decoding, HTML or text
    fetch     fetching a page or an image by URL, within limits (time, size, redirects,
              public addresses only);  addresses: which IP addresses are public
    sources   one source as an editor names it (file, folder, URL) to a ParsedArticle
    accuracy  comparing recognised fields with a capture's expected ones (the corpus)
    jsonl     the JSON Lines migration format;  bulk: running it against the database
    images    downloading a body's images into an article's gallery
The last three need the models, so import them by their module names.
"""

from .fetch import FetchedImage, FetchedPage, fetch_image, fetch_page
from .fields import ArticleImportError, ParsedArticle
from .html import parse_html
from .reading import MAX_FILE_BYTES, decode, parse_bytes, parse_file
from .sources import Origin, expand_sources, parse_page, read_source
from .text import parse_text

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
    "parse_bytes",
    "parse_file",
    "parse_html",
    "parse_page",
    "parse_text",
    "read_source",
]
