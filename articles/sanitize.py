"""Sanitizing of article body HTML: the single allowlist every entry path goes through.

``Article.save()`` and the bulk paths of ``ArticleQuerySet`` call :func:`sanitize_html`, so an
article body written by the admin, the importer, a fixture or a shell is cleaned the same way.
The work is done by nh3 (Python binding to the Rust crate *ammonia*), which parses HTML with
html5ever exactly as a browser would, so unclosed tags and malformed attributes cannot smuggle
markup past it.
"""

import nh3

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
    "q": {"cite"},
    "blockquote": {"cite"},
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
        Idempotent: ``sanitize_html(sanitize_html(x)) == sanitize_html(x)``.
    """
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(CLEAN_CONTENT_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()
