"""Sanitizing of article body HTML: the single allowlist every entry path goes through.

``Article.save()`` and the bulk paths of ``ArticleQuerySet`` call :func:`sanitize_html`, so an
article body written by the admin, the importer, a fixture or a shell is cleaned the same way.
The work is done by nh3 (Python binding to the Rust crate *ammonia*), which parses HTML with
html5ever exactly as a browser would, so unclosed tags and malformed attributes cannot smuggle
markup past it.
"""

import re
import unicodedata
from html import unescape

import nh3
from django.utils.html import strip_tags

#: Structural and inline elements an article body may use. Everything else (script, style,
#: iframe, object, svg, math, form, input, ...) is dropped; for script and style the content
#: goes too (``clean_content_tags``).
ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
        "dd", "del", "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5",
        "h6", "hr", "i", "img", "ins", "li", "mark", "ol", "p", "pre", "q", "s", "small",
        "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time",
        "tr", "u", "ul",
    }
)  # fmt: skip

#: Attributes per tag. No ``style``, ``class``, ``id`` or any ``on*`` handler is allowed.
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "col": {"span"},
    "colgroup": {"span"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start", "reversed"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope"},
    "time": {"datetime"},
}

#: URL schemes allowed in ``href``/``src``; ``javascript:``, ``data:``, ``vbscript:`` are not.
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})

#: Elements removed together with their content.
CLEAN_CONTENT_TAGS = frozenset({"script", "style", "template", "noscript"})


def sanitize_html(html: str | None) -> str:
    """Return ``html`` reduced to the article-body allowlist.

    Args:
        html: any HTML fragment (may be ``None``, empty, malformed or hostile).

    Returns:
        A well-formed HTML fragment (``str``) containing only :data:`ALLOWED_TAGS` with
        :data:`ALLOWED_ATTRIBUTES`; links get ``rel="noopener noreferrer nofollow"``.
        Control characters other than line breaks and tabs are removed first.
    """
    if not html:
        return ""
    return nh3.clean(
        normalize_text(html),
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(CLEAN_CONTENT_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


# Characters XML 1.0 (feeds, sitemaps) cannot carry and no reader can see (XML 1.0 §2.2):
# C0/C1 controls except tab, line feed and carriage return, lone surrogates, and the
# noncharacters U+FFFE/U+FFFF. U+000B (Word's Shift+Enter) and U+000C (page break) are line
# breaks.
_INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"[\x0b\x0c]")
_SINGLE_LINE_BREAKS = re.compile(r"[\x0b\x0c\r\n\t]+")
#: Whitespace and zero-width characters stripped from both ends of a single-line field.
EDGE_CHARACTERS = " \t\r\n\u00a0\u3000\u200b\u200c\u200d\u2060\ufeff"


def normalize_text(text: str | None, single_line: bool = False) -> str:
    """Return ``text`` without characters that XML 1.0 and PostgreSQL refuse.

    The text is put in Unicode normal form C (so "é" typed two ways is one string); C0/C1
    control characters other than tab, line feed and carriage return, lone surrogates
    and U+FFFE/U+FFFF are removed; U+000B and U+000C (pasted from word processors) become
    ``"\\n"``. With ``single_line`` (titles, names), every line break or tab becomes one
    space and whitespace and zero-width characters are stripped from both ends.
    ``None`` becomes ``""``.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    if single_line:
        text = _SINGLE_LINE_BREAKS.sub(" ", text)
        return _INVISIBLE.sub("", text).strip(EDGE_CHARACTERS)
    return _INVISIBLE.sub("", _LINE_BREAKS.sub("\n", text))


_BLOCK_BOUNDARY = re.compile(
    r"</?(?:p|div|h[1-6]|li|ul|ol|dl|dt|dd|br|hr|tr|td|th|table|caption|blockquote|pre|"
    r"figure|figcaption)\b[^>]*>",
    re.IGNORECASE,
)


def html_to_text(html: str | None) -> str:
    """The visible text of an HTML fragment, for searching the body without its markup.

    Block elements are separated by a space (inline ones are not: "重<b>点</b>" stays
    "重点"), entities are decoded, whitespace runs collapsed.
    """
    text = unescape(strip_tags(_BLOCK_BOUNDARY.sub(" ", html or "")))
    return " ".join(text.split())


_NOT_WORDS = re.compile(r"[\W_]+")


def words_only(text: str | None) -> str:
    """``text`` without spaces, punctuation and symbols: what is compared when two texts
    must say the same thing however they are typeset (a lead against the body, a page's
    body against one imported before)."""
    return _NOT_WORDS.sub("", text or "")
