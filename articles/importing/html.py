"""Reading an HTML page (saved from a browser, fetched by URL, or a WeChat article).

What the page declares comes first: ``og:*`` and ``article:*`` properties, ``<meta
name=author|source|publishdate|keywords|description>``, JSON-LD ``NewsArticle``, ``<time>``,
``<link rel=canonical>``, WeChat's ``rich_media_title`` / ``js_name`` / ``var ct`` /
``msg_link`` / ``js_content``. The body is the element the page declares as its article
(``itemprop=articleBody``, WeChat's ``js_content``, a single ``<article>``), else the one
GNE (GeneralNewsExtractor, made for Chinese news pages) finds by text density, checked
against trafilatura's main text. The page's visible lines then go through the same
line-by-line recognition as plain text (:mod:`.assemble`), so labelled metadata in the page
(``时间：… 作者：… 来源：…``) is read whatever the layout.
"""

import collections
import copy
import html as html_lib
import json
import re
from urllib.parse import urljoin, urlsplit

import trafilatura
from django.utils.translation import gettext as _
from gne import GeneralNewsExtractor
from lxml import etree
from lxml import html as lxml_html
from trafilatura.utils import load_html

from .assemble import Block, Declared, assemble
from .fields import ArticleImportError, ParsedArticle, find_datetime, from_timestamp
from .rules import TITLE_SUFFIX_SEPARATOR

#: Elements after which a browser starts a new line.
BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
        "center",
    ]
)
#: Inline elements whose neighbours are read as separate words in the page's lines.
INLINE_SEPARATED_TAGS = ("span", "a", "em", "i", "b", "strong", "font", "label", "small", "time")
#: Elements a page marks as its lead (摘要, 导读), by class name, tried in this order.
DECLARED_LEAD_CLASSES = ("summary", "abstract", "article-summary", "article-lead", "lead",
                         "daodu", "zhaiyao", "digest", "intro", "article-intro")  # fmt: skip
#: Elements whose content is never page text.
SKIPPED_TAGS = ("head", "script", "style", "noscript", "template", "iframe", "svg", "button",
                "select", "textarea", "object", "embed")  # fmt: skip
#: Elements a page declares as its article text, tried in this order.
DECLARED_BODY = (
    '//*[@id="js_content"]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " rich_media_content ")]',
    '//*[@itemprop="articleBody"]',
)
#: Largest page (in elements) whose body GNE looks for; real article pages have a few
#: thousand.
GNE_MAX_ELEMENTS = 10_000
#: How many JSON-LD values are searched for the article object (a page's JSON-LD holds a
#: few dozen; a huge array is no reason to spend seconds).
JSON_LD_MAX_ITEMS = 1000
#: Image attributes holding the real address (lazy loading puts it in data-*).
IMAGE_SOURCE_ATTRIBUTES = ("data-src", "data-original", "data-actualsrc", "data-lazy-src", "src")
#: Images smaller than this (declared width or height, in pixels) are icons, not photos.
MIN_IMAGE_SIDE = 60
#: A table is data (kept) when no cell holds more than this many characters.
DATA_CELL_MAX_CHARS = 200

_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(https?://[^\s>]+?)\s*-->", re.I)
_WECHAT_VAR = re.compile(
    r"""\bvar\s+(?P<name>ct|msg_link|msg_title|nickname|msg_desc)\s*=\s*"""
    r"""(?:"(?P<dq>(?:[^"\\]|\\.)*)"|'(?P<sq>(?:[^'\\]|\\.)*)')"""
)
_NEWS_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting", "WebPage",
               "AnalysisNewsArticle", "ScholarlyArticle", "OpinionNewsArticle"}  # fmt: skip


def parse_html(page: str, *, url: str = "") -> ParsedArticle:
    """Recognise the article in an HTML page.

    Args:
        page: the page's text (already decoded).
        url: the address the page came from: the base for relative image addresses and the
            source URL when the page declares none.

    Raises:
        ArticleImportError: no title or no article text could be recognised.
    """
    tree = load_html(page)
    if tree is None:
        raise ArticleImportError(_("The HTML could not be read."))
    declared = _declared(tree, page, url)
    base = _base_url(tree, url or declared.source_url)
    lines = page_lines(tree)
    node = _content_node(tree, page)
    blocks = _blocks(node, base) if node is not None else None
    if blocks is not None and not any(block.kind == "text" for block in blocks):
        blocks = None
    return assemble(lines, blocks=blocks, declared=declared)


# --- Declared metadata ----------------------------------------------------------------------


def _declared(tree, page: str, url: str) -> Declared:
    metas = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = (meta.get("content") or "").strip()
        if key and content:
            metas.setdefault(key, content)
    wechat = {
        match.group("name"): _js_string(match.group("dq") or match.group("sq") or "")
        for match in _WECHAT_VAR.finditer(page)
    }
    ld = _json_ld(tree)

    def text_of(xpath):
        found = tree.xpath(xpath)
        return " ".join(found[0].text_content().split()) if found else ""

    title = (
        text_of('//*[@id="activity-name"]')
        or text_of('//*[contains(@class, "rich_media_title")]')
        or wechat.get("msg_title", "")
        or _first_text(ld.get("headline"))
        or metas.get("og:title", "")
        or metas.get("articletitle", "")
    )
    title_is_weak = not title
    title = title or text_of("//title")
    published_at, has_time = None, False
    if wechat.get("ct"):
        published_at, has_time = from_timestamp(wechat["ct"]), True
    for value in (
        metas.get("article:published_time"),
        _first_text(ld.get("datePublished")),
        metas.get("publishdate"),
        metas.get("pubdate"),
        metas.get("publish_date"),
        metas.get("publishtime"),
        metas.get("datepublished"),
        metas.get("dc.date.issued"),
        metas.get("dc.date"),
        text_of('//*[@id="publish_time"]'),
        *(element.get("datetime") for element in tree.iter("time")),
    ):
        if published_at is None and value and (moment := find_datetime(value)):
            published_at = moment
            has_time = bool(re.search(r"\d[:：时]\d", value))

    source_url = ""
    for value in (
        wechat.get("msg_link", ""),
        _canonical(tree),
        metas.get("og:url"),
        _first_text(ld.get("url")),
        _saved_from(page),
        url,
    ):
        if value and urlsplit(value).scheme in {"http", "https"}:
            source_url = value.strip()
            break

    page_title = text_of("//title")
    site_names = {metas.get("og:site_name", ""), metas.get("application-name", "")}
    if title and (page_title != title or title_is_weak):
        site_names.update(
            part.strip() for part in TITLE_SUFFIX_SEPARATOR.split(page_title) if part.strip()
        )
    site_names.discard(title)
    lead = ""
    for name in DECLARED_LEAD_CLASSES:
        found = tree.xpath(f'//*[contains(concat(" ", normalize-space(@class), " "), " {name} ")]')
        if found and (lead := " ".join(found[0].text_content().split())):
            break
    return Declared(
        lead=lead,
        site_names=tuple(name for name in site_names if name),
        title_is_weak=title_is_weak,
        title=title,
        published_at=published_at,
        has_time=has_time,
        byline=_people(ld.get("author")) or metas.get("article:author", ""),
        source_name=metas.get("source", "")
        or metas.get("contentsource", "")
        or _organisations(ld.get("author"))
        or text_of('//*[@id="js_name"]')
        or wechat.get("nickname", ""),
        source_url=source_url,
        keywords=tuple(
            word
            for word in re.split(
                r"[,，、;；\s]+",
                metas.get("keywords") or metas.get("news_keywords") or _keywords(ld),
            )
            if word
        ),
        description=metas.get("og:description")
        or metas.get("description")
        or _first_text(ld.get("description"))
        or wechat.get("msg_desc", ""),
    )


_JS_ESCAPE = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|(.))")


def _js_string(value: str) -> str:
    """A JavaScript string literal's value (``\\x26amp;`` is ``&amp;``), HTML entities
    decoded (WeChat writes ``&amp;`` inside its variables)."""
    value = _JS_ESCAPE.sub(
        lambda m: chr(int(m.group(1) or m.group(2), 16)) if not m.group(3) else m.group(3),
        value,
    )
    return html_lib.unescape(value)


def _json_ld(tree) -> dict:
    """The first JSON-LD object of a news type (``@graph`` searched too), or ``{}``."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):  # not JSON, or nested beyond Python's stack
            continue
        stack = collections.deque([data])
        for _searched in range(JSON_LD_MAX_ITEMS):
            if not stack:
                break
            item = stack.popleft()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                kinds = item.get("@type")
                kinds = kinds if isinstance(kinds, list) else [kinds]
                if any(kind in _NEWS_TYPES for kind in kinds if isinstance(kind, str)):
                    return item
                stack.extend(item.get("@graph", []) if isinstance(item.get("@graph"), list) else [])
    return {}


def _first_text(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("@id") or value.get("name") or ""
    return value.strip() if isinstance(value, str) else ""


def _people(value) -> str:
    """The names of the JSON-LD ``author`` value's people (not organisations)."""
    items = value if isinstance(value, list) else [value]
    names = [
        _first_text(item.get("name") if isinstance(item, dict) else item)
        for item in items
        if not (isinstance(item, dict) and item.get("@type") == "Organization")
    ]
    return " ".join(name for name in names if name)


def _organisations(value) -> str:
    """The first organisation named as JSON-LD ``author`` (a newspaper's account): the
    source publication."""
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, dict) and item.get("@type") == "Organization":
            return _first_text(item.get("name"))
    return ""


def _keywords(ld: dict) -> str:
    value = ld.get("keywords", "")
    if isinstance(value, list):
        return ",".join(word for word in value if isinstance(word, str))
    return value if isinstance(value, str) else ""


def _canonical(tree) -> str:
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            return link.get("href") or ""
    return ""


def _saved_from(page: str) -> str:
    match = _SAVED_FROM.search(page[:3000])
    return match.group(1) if match else ""


def _base_url(tree, url: str) -> str:
    for base in tree.iter("base"):
        if base.get("href"):
            return urljoin(url, base.get("href"))
    return url


# --- Page lines and body --------------------------------------------------------------------


def page_lines(tree) -> list[str]:
    """The visible text of the whole page, one line per block element (scripts, styles
    and hidden elements removed). The tree is not changed."""
    tree = copy.deepcopy(tree)
    etree.strip_elements(tree, *SKIPPED_TAGS, with_tail=False)
    for element in [element for element in tree.iter(etree.Element) if _hidden(element)]:
        element.drop_tree()
    for element in tree.iter(*BLOCK_TAGS):
        element.text = "\n" + (element.text or "")
        element.tail = "\n" + (element.tail or "")
    # Metadata often sits in adjacent spans (<span>来源：某报</span><span>浏览量：5万</span>):
    # a space after each keeps their values apart.
    for element in tree.iter(*INLINE_SEPARATED_TAGS):
        element.tail = " " + (element.tail or "")
    return tree.xpath("string()").splitlines()


def _hidden(element) -> bool:
    style = (element.get("style") or "").replace(" ", "").lower()
    return "display:none" in style and element.get("id") != "js_content"


def _content_node(tree, page: str):
    """The element holding the article text (see the module docstring), or ``None``."""
    for xpath in DECLARED_BODY:
        found = tree.xpath(xpath)
        if found and found[0].text_content().strip():
            return found[0]
    articles = tree.xpath("//article")
    if len(articles) == 1 and len(articles[0].text_content().strip()) > 100:
        return articles[0]
    document = trafilatura.bare_extraction(
        page, include_tables=True, include_images=True, include_comments=False
    )
    reference = (getattr(document, "text", "") or "").strip()
    body = getattr(document, "body", None)
    node = None
    # GNE's density scoring grows faster than the page: a page of more elements than any
    # article page has is left to trafilatura.
    if sum(1 for _element in tree.iter()) <= GNE_MAX_ELEMENTS:
        try:
            result = GeneralNewsExtractor().extract(page, with_body_html=True)
            node = lxml_html.fromstring(result.get("body_html") or "<div></div>")
        except Exception:  # GNE fails on some malformed pages; trafilatura's body stands in
            node = None
    if node is not None and len(node.text_content().strip()) >= 0.5 * len(reference):
        return node
    return _from_trafilatura(body) if body is not None else node


def _from_trafilatura(body):
    """trafilatura's XML body (``head``, ``list``/``item``, ``row``/``cell``, ``graphic``) as
    HTML elements."""
    renames = {"head": "h2", "list": "ul", "item": "li", "row": "tr", "cell": "td",
               "graphic": "img", "quote": "blockquote", "hi": "strong", "lb": "br"}  # fmt: skip
    markup = etree.tostring(body, encoding="unicode")
    for old, new in renames.items():
        markup = re.sub(rf"<(/?){old}\b", rf"<\1{new}", markup)
    return lxml_html.fromstring(f"<div>{markup}</div>")


def _blocks(node, base: str):
    """The blocks of the body element ``node`` in reading order; an image block's ``html``
    is its absolute address (``""`` when it has none worth downloading)."""
    blocks, buffer = [], []

    def flush(element=None):
        text = " ".join("".join(buffer).split())
        buffer.clear()
        if text:
            bold = element is not None and _all_bold(element, text)
            blocks.append(Block("heading" if bold else "text", text))

    def walk(element):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in SKIPPED_TAGS or (tag and _hidden(element)):
            buffer.append(element.tail or "") if tag else None
            return
        if tag == "img":
            flush()
            blocks.append(Block("image", "", _image_source(element, base)))
        elif tag == "table" and _is_data_table(element):
            flush()
            blocks.append(_table(element))
        elif tag in {"ul", "ol"} and element.xpath(".//li") and not element.xpath(".//img"):
            flush()
            blocks.append(_list(element, tag))
        elif tag == "blockquote" and not element.xpath(".//table|.//img|.//ul|.//ol"):
            flush()
            blocks.append(_quote(element))
        elif re.fullmatch(r"h[1-6]", tag):
            flush()
            text = " ".join(element.text_content().split())
            if text:
                blocks.append(Block("heading", text))
        elif tag == "br":
            flush()
        else:
            is_block = tag in BLOCK_TAGS
            if is_block:
                flush()
            buffer.append(element.text or "")
            for child in element:
                walk(child)
            if is_block:
                flush(element)
        if tag:
            buffer.append(element.tail or "")

    walk(node)
    flush()
    return blocks


def _all_bold(element, text: str) -> bool:
    bold = "".join(part.text_content() for part in element.xpath(".//strong|.//b"))
    return len(text) <= 30 and " ".join(bold.split()) == text


def _image_source(element, base: str) -> str:
    for attribute in IMAGE_SOURCE_ATTRIBUTES:
        value = (element.get(attribute) or "").strip()
        if value and not value.startswith("data:"):
            break
    else:
        return ""
    for side in ("width", "height"):
        size = re.match(r"\d+", element.get(side) or "")
        if size and int(size.group(0)) < MIN_IMAGE_SIDE:
            return ""
    address = urljoin(base, value) if base else value
    return address if urlsplit(address).scheme in {"http", "https"} else ""


def _is_data_table(table) -> bool:
    if table.xpath(".//table") or table.xpath(".//p[string-length(normalize-space()) > 200]"):
        return False
    rows = table.xpath(".//tr")
    cells = [len(row.xpath("./td|./th")) for row in rows]
    if len(rows) < 2 or max(cells, default=0) < 2:
        return False
    return all(
        len(cell.text_content().strip()) <= DATA_CELL_MAX_CHARS
        for cell in table.xpath(".//td|.//th")
    )


def _cell_text(cell) -> str:
    return html_lib.escape(" ".join(cell.text_content().split()), quote=False)


def _table(table) -> Block:
    rows = []
    for row in table.xpath(".//tr"):
        cells = []
        for cell in row.xpath("./td|./th"):
            tag = "th" if cell.tag == "th" else "td"
            spans = "".join(
                f' {name}="{int(cell.get(name))}"'
                for name in ("colspan", "rowspan")
                if re.fullmatch(r"[0-9]{1,3}", cell.get(name) or "") and int(cell.get(name)) > 1
            )
            cells.append(f"<{tag}{spans}>{_cell_text(cell)}</{tag}>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    caption = table.xpath("./caption")
    head = f"<caption>{_cell_text(caption[0])}</caption>" if caption else ""
    text = " ".join(table.text_content().split())
    return Block("table", text, f"<table>{head}<tbody>{''.join(rows)}</tbody></table>")


def _list(element, tag: str) -> Block:
    items = [
        f"<li>{_cell_text(item)}</li>"
        for item in element.xpath("./li")
        if item.text_content().strip()
    ]
    return Block(
        "list", " ".join(element.text_content().split()), f"<{tag}>{''.join(items)}</{tag}>"
    )


def _quote(element) -> Block:
    """A block quotation: its paragraphs (or its text as one) inside ``<blockquote>``."""
    paragraphs = [
        " ".join(part.text_content().split()) for part in element.xpath(".//p|.//div[not(.//p)]")
    ]
    paragraphs = [text for text in paragraphs if text]
    if paragraphs:
        markup = "".join(f"<p>{html_lib.escape(text, quote=False)}</p>" for text in paragraphs)
    else:
        paragraphs = [" ".join(element.text_content().split())]
        markup = html_lib.escape(paragraphs[0], quote=False)
    return Block("quote", " ".join(paragraphs), f"<blockquote>{markup}</blockquote>")
