"""Reading a republished article from a saved file: pure parsing, no database.

The importer (``manage.py import_article``, via :func:`articles.services.import_article`)
turns a page saved from a court publication's website, as plain text or as HTML, into a
:class:`ParsedArticle`. The source sites are Chinese CMS pages with the same shape::

    navigation, QR / app promotions, 当前位置 breadcrumb
    title
    放大字体 缩小字体 发布日期:2025-03-21 10:56:15 浏览次数 发布人 IP ...   (the meta row)
    导读 + a truncated copy of the first paragraph, prefixed with the byline
    文 | <author>
    paragraphs and two-line section headings, broken <img onload=...> fragments
    gallery caption, << 滑动查看下一张图片 >>
    《<publication>》杂志<year>年第<n>期 / <subtitle>·总第<n>期 / 编辑/<editor>
    (文/匿名 ... / 非法信息举报 / 删稿), 打赏, 免责声明 block, 0相关评论, footer

Recognition works on lines of text, so both formats share it: HTML first goes through
trafilatura, which finds the main text and the metadata (canonical URL, title, date).
trafilatura treats the meta row and the 导读 box as boilerplate, so the header fields are read
from the page's own text lines instead. The source site's poster (发布人) and IP are never
read: they are the source site's, not ours.

Decisions:
    * The ``<subtitle>·总第<n>期`` line (e.g. 中国审判新闻半月刊·总第362期) is dropped:
      ``source_issue`` is the citable issue of the named publication (``2025年第4期``), and the
      cumulative number belongs to another title of the same magazine.
    * Times without a zone are the source's local time, Asia/Shanghai.
    * A short line followed only by image fragments and a gallery marker, or by nothing but
      trailer, is a gallery caption (本期封面及目录) and is left out: its images are not in
      the saved file.
"""

import codecs
import html
import re
import stat
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import trafilatura
from lxml import etree
from trafilatura.utils import load_html

from ..validators import PLAUSIBLE_YEARS
from .fields import ArticleImportError, ParsedArticle

#: The source sites are Chinese; a time without a zone is their local time.
SOURCE_TIME_ZONE = ZoneInfo("Asia/Shanghai")

#: Largest file the importer reads (bytes). A saved article page is well under 1 MB; a
#: bigger file is a mistake, not an article.
MAX_FILE_BYTES = 5 * 1024 * 1024

#: Longest line (in characters) that can be a section heading or a chrome line.
HEADING_MAX_CHARS = 30
CHROME_MAX_CHARS = 120


# --- Line patterns --------------------------------------------------------------------------
# Each pattern is matched against one stripped line with whitespace runs collapsed.

PUBLISHED_AT = re.compile(
    r"(?:发布日期|发布时间)\s*[:：]\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
    r"(?:\s*(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?"
)
BREADCRUMB = re.compile(r"^当前位置\s*[:：]")
LEAD_LABEL = re.compile(r"^导读(?:\s*[:：]\s*(?P<text>.*))?$")
BYLINE = re.compile(r"^(?:文|作者|记者|撰文|撰稿|文字|文图|图文|通讯员)\s*[|｜/:：]\s*\S")

# Lines that are the source site's chrome wherever they appear.
CHROME = re.compile(
    "|".join(
        [
            r"^全国\s*\[切换\]$",
            r"^(?:二维码|手机WAP版|手机版|微信小程序|微信公众号|扫一扫.*|分享到.*)$",
            r"^(?:返回顶部|打印本文|关闭窗口|收藏本文|打赏|免责声明|导读)$",
            r"^[(（]完[)）]$",
            BREADCRUMB.pattern,
            r"放大字体|缩小字体",  # the meta row
            PUBLISHED_AT.pattern,
            r"^\d*\s*条?相关评论$",
            r"非法信息举报|删稿",
            r"^(?:\(c\)|©|copyright\b)|all rights reserved",
        ]
    ),
    re.IGNORECASE,
)

# The first of these lines ends the article text: what follows is the site's trailer.
END_OF_ARTICLE = re.compile(
    r"^[(（]\s*文\s*/|非法信息举报|^打赏$|^免责声明$|^\d*\s*条?相关评论$"
    r"|^(?:\(c\)|©|copyright\b)|all rights reserved",
    re.IGNORECASE,
)

GALLERY_MARKER = re.compile(r"滑动查看.{0,4}张图片")

# Leftovers of tags the saving lost, e.g. ``nload="this.removeAttribute('width'); ..." />``:
# a (cut) tag, a line starting with ``attribute="``, ending with ``/>`` or ``">``, or script.
MARKUP_FRAGMENT = re.compile(
    r"""^</?[a-z!][^<>]*>?|^[a-z_:][\w:.-]*\s*=\s*["']|["']\s*/?>$|/>$"""
    r"|this\.\w+\(|javascript:",
    re.IGNORECASE | re.ASCII,
)

MARKUP_SYNTAX = re.compile(r"""<[^<>]*>?|[\w:.-]+\s*=\s*(["']).*?(?:\1|$)|(["']).*?\2""")
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

SOURCE_ISSUE = re.compile(
    r"^《(?P<name>[^》]{1,60})》(?:杂志|期刊)?\s*(?P<issue>\d{4}\s*年\s*第\s*\d+\s*期)$"
)
# A second numbering of the same issue (中国审判新闻半月刊·总第362期): dropped, see above.
CUMULATIVE_ISSUE = re.compile(r"^.{0,30}总第\s*\d+\s*期$")
SOURCE_EDITOR = re.compile(r"^(?:责任编辑|编辑|责编)\s*[/:：|｜]\s*(?P<editor>[^\s/|｜,，]{1,20})")
SOURCE_NAME = re.compile(r"^来源\s*[:：]\s*(?P<name>\S.{0,40})$")
SOURCE_URL = re.compile(r"^(?:原文链接|原文地址|原文网址)\s*[:：]\s*(?P<url>https?://\S+)$")
SAVED_FROM_URL = re.compile(r"<!--\s*saved from url=\(\d+\)(https?://[^\s>]+?)\s*-->", re.I)

SENTENCE_END = re.compile(r"^.*[。！？!?…][”’」』）)]*", re.DOTALL)
NOT_A_HEADING = re.compile(r"[。！？!?；;]|[，,、：:]$")
LOOKS_LIKE_HTML = re.compile(r"\s*<(?:!doctype|html|\?xml|!--|[a-z][a-z0-9]*[\s/>])", re.I)


# --- Entry points ---------------------------------------------------------------------------


def parse_file(path) -> ParsedArticle:
    """Read and parse the saved page at ``path`` (``str`` or ``Path``).

    The bytes are decoded as UTF-8 (a BOM is allowed), else as GB18030 (Chinese pages are
    often GBK). HTML is recognised by its content (a leading doctype, ``<html>`` or tag), not
    by the file name, and goes to :func:`parse_html`; anything else to :func:`parse_text`.

    Raises:
        ArticleImportError: the file is missing or unreadable, empty or whitespace only,
            binary (NUL bytes, control characters) or in neither encoding, or has no title
            or no article text.
    """
    path = Path(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise ArticleImportError(f"{path}: is a directory, not a file.")
        if not stat.S_ISREG(info.st_mode):
            raise ArticleImportError(f"{path}: is not a regular file (device, pipe or socket).")
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ArticleImportError(f"{path}: no such file.") from None
    except OSError as exc:
        raise ArticleImportError(f"{path}: cannot read the file ({exc.strerror}).") from None
    if len(data) > MAX_FILE_BYTES:
        raise ArticleImportError(
            f"{path}: is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; "
            "a saved article page is much smaller."
        )
    text = decode(data, name=str(path))
    try:
        return parse_html(text) if LOOKS_LIKE_HTML.match(text) else parse_text(text)
    except ArticleImportError as exc:
        raise ArticleImportError(f"{path}: {exc}") from None


def decode(data: bytes, name: str = "file") -> str:
    """Decode the bytes of a saved page: UTF-16 with a BOM (Notepad's "Unicode"), else UTF-8
    (with or without BOM), else GB18030.

    Raises:
        ArticleImportError: empty or whitespace only, or binary (NUL bytes, undecodable,
            or control characters other than line breaks and tabs).
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise ArticleImportError(f"{name}: is not valid UTF-16 text.") from None
    if b"\x00" in data:
        raise ArticleImportError(f"{name}: looks like a binary file (NUL bytes), not text.")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ArticleImportError(f"{name}: is neither UTF-8 nor GB18030 text.")
    if not text.strip():
        raise ArticleImportError(f"{name}: is empty.")
    if any(unicodedata.category(char) == "Cc" and char not in "\t\n\r\f\v" for char in text):
        raise ArticleImportError(f"{name}: looks like a binary file (control characters).")
    return text


def parse_text(text: str) -> ParsedArticle:
    """Parse a page saved as plain text (one block per line, as a browser saves it).

    Raises:
        ArticleImportError: no title or no article text could be recognised.
    """
    lines = _clean_lines(text.splitlines())
    header = _read_header(lines)
    rest = lines[header.end :]
    return _build(header, body_lines=rest, trailer_lines=rest, source_url="")


def parse_html(page: str) -> ParsedArticle:
    """Parse a page saved from a browser as HTML.

    trafilatura extracts the main text (without navigation, scripts, comments or footer) and
    the metadata; the title, meta row, 导读 and byline are read from the page's text lines,
    which trafilatura leaves out as boilerplate. ``source_url`` is the canonical or og:url
    address, else the browser's ``<!-- saved from url=... -->`` note.

    Raises:
        ArticleImportError: no title or no article text could be recognised.
    """
    page_lines = _clean_lines(_page_lines(page))
    header = _read_header(page_lines, first_line_is_title=False)
    metadata = trafilatura.extract_metadata(page)
    if not header.title and metadata is not None and metadata.title:
        header.title = _clean_line(metadata.title)
    if header.published_at is None and metadata is not None and metadata.date:
        header.published_at = _parse_iso_date(metadata.date)

    main_text = trafilatura.extract(
        page, output_format="txt", include_comments=False, include_tables=True
    )
    rest = page_lines[header.end :]
    body_lines = _clean_lines(main_text.splitlines()) if main_text else rest
    if header.title in body_lines:  # what precedes the title is not article text
        body_lines = body_lines[body_lines.index(header.title) + 1 :]

    source_url = metadata.url if metadata is not None and metadata.url else ""
    if not source_url and (saved := SAVED_FROM_URL.search(page[:2000])):
        source_url = saved.group(1)
    if not re.match(r"https?://", source_url):
        source_url = ""
    return _build(header, body_lines, trailer_lines=body_lines + rest, source_url=source_url)


# --- Recognition ----------------------------------------------------------------------------


@dataclass
class _Header:
    title: str = ""
    published_at: datetime | None = None
    lead_raw: str = ""
    byline: str = ""
    end: int = 0  # index of the first line after the header


def _clean_line(line: str) -> str:
    """Strip bullets and invisible characters; collapse whitespace runs to one space."""
    line = line.replace("\u200b", "").replace("\ufeff", "")
    line = re.sub(r"\s+", " ", line).strip()
    return line.lstrip("•●▪◆·").strip()


def _clean_lines(lines) -> list[str]:
    return [_clean_line(line) for line in lines]


def _is_chrome(line: str) -> bool:
    return len(line) <= CHROME_MAX_CHARS and bool(CHROME.search(line))


def _is_content(line: str) -> bool:
    return bool(line) and not _is_chrome(line) and not _is_markup(line)


def _is_markup(line: str) -> bool:
    """A leftover markup fragment: looks like markup, and no Chinese text remains once its
    tags, ``attribute="value"`` pairs and quoted strings are removed. (A paragraph that
    quotes markup, e.g. about a ``javascript:`` link, is text.)"""
    if not MARKUP_FRAGMENT.search(line):
        return False
    residue = MARKUP_SYNTAX.sub("", line)
    return not HAN.search(residue)


def _read_header(lines: list[str], first_line_is_title: bool = True) -> _Header:
    """Find the title, original time, 导读 and byline at the top of ``lines``.

    The title is the last content line before the meta row (发布日期), else the first after
    the breadcrumb, else (plain text only) the first content line. The header then runs on
    over chrome, 导读 with its text, and the byline; the body starts at the next line.
    """
    header = _Header()
    meta_at = next((i for i, line in enumerate(lines) if PUBLISHED_AT.search(line)), None)
    crumb_at = next((i for i, line in enumerate(lines) if BREADCRUMB.match(line)), -1)
    if meta_at is not None:
        match = PUBLISHED_AT.search(lines[meta_at])
        header.published_at = _aware_datetime(match.groups())
        before = [i for i in range(crumb_at + 1, meta_at) if _is_content(lines[i])]
        title_at = before[-1] if before else None
    else:
        after = [i for i in range(crumb_at + 1, len(lines)) if _is_content(lines[i])]
        title_at = after[0] if after and (crumb_at >= 0 or first_line_is_title) else None
    if title_at is None and meta_at is None:
        return header
    if title_at is not None:
        header.title = lines[title_at]
    position = max(i for i in (title_at, meta_at) if i is not None) + 1

    while position < len(lines):
        line = lines[position]
        label = LEAD_LABEL.match(line)
        if label and not header.lead_raw:
            header.lead_raw = label.group("text") or ""
            if not header.lead_raw:  # the text is on the next non-empty line
                position += 1
                while position < len(lines) and not lines[position]:
                    position += 1
                header.lead_raw = lines[position] if position < len(lines) else ""
        elif BYLINE.match(line) and not header.byline and _is_short_line(line):
            header.byline = line
        elif _is_content(line):
            break
        position += 1
    header.end = position
    return header


def _is_short_line(line: str) -> bool:
    """A line that can be a byline: at most two heading lengths, no sentence punctuation."""
    return len(line) <= HEADING_MAX_CHARS * 2 and not NOT_A_HEADING.search(line)


def _is_heading(line: str) -> bool:
    """Short, and no sentence punctuation: between paragraphs, a section heading."""
    return len(line) <= HEADING_MAX_CHARS and not NOT_A_HEADING.search(line)


def _build(header: _Header, body_lines, trailer_lines, source_url: str) -> ParsedArticle:
    if not header.title:
        raise ArticleImportError("No title found (expected a title line before 发布日期).")
    byline = header.byline
    blocks = []  # (kind, text); kind: "p", "h", "markup", "gallery"
    after_lead_label = False
    for line in body_lines:
        if not line:
            continue
        if END_OF_ARTICLE.search(line) and len(line) <= CHROME_MAX_CHARS:
            break
        # The header's lines again (HTML main text may repeat them). The 导读 text is only
        # skipped right after its label: it can be an exact copy of the first paragraph.
        follows_label, after_lead_label = after_lead_label, line == "导读"
        if (
            LEAD_LABEL.match(line)
            or (follows_label and line == header.lead_raw)
            or line in (header.title, byline)
        ):
            continue
        if _is_markup(line):
            blocks.append(("markup", line))
        elif GALLERY_MARKER.search(line):
            blocks.append(("gallery", line))
        elif _is_chrome(line) or _is_source_metadata(line):
            continue
        elif BYLINE.match(line) and _is_short_line(line) and not byline:
            byline = line
        else:
            blocks.append(("h" if _is_heading(line) else "p", line))
    body_html = _body_html(_drop_captions(blocks))
    if not body_html:
        raise ArticleImportError("No article text found after the title.")

    source = _read_source(trailer_lines)
    return ParsedArticle(
        title=header.title,
        lead=_lead(header.lead_raw, byline),
        byline=byline,
        body_html=body_html,
        original_published_at=header.published_at,
        source_name=source.get("name", ""),
        source_issue=source.get("issue", ""),
        source_editor=source.get("editor", ""),
        source_url=source_url or source.get("url", ""),
    )


def _drop_captions(blocks):
    """Leave out gallery captions, markup fragments and gallery markers.

    A run of heading-like lines is a caption when only markup fragments stand between it
    and a gallery marker, or when no paragraph follows it at all.
    """
    kept = []
    for index, (kind, text) in enumerate(blocks):
        if kind != "h":
            if kind == "p":
                kept.append((kind, text))
            continue
        following = [k for k, _ in blocks[index + 1 :] if k != "markup" and k != "h"]
        if not following or following[0] != "p":
            continue
        kept.append((kind, text))
    return kept


def _body_html(blocks) -> str:
    """``<p>`` per paragraph; a run of headings is ``<h2>`` then ``<h3>`` for the rest."""
    parts, previous = [], None
    for kind, text in blocks:
        tag = "p" if kind == "p" else ("h3" if previous == "h" else "h2")
        parts.append(f"<{tag}>{html.escape(text, quote=False)}</{tag}>")
        previous = kind
    return "\n".join(parts)


def _is_source_metadata(line: str) -> bool:
    return any(
        pattern.match(line)
        for pattern in (SOURCE_ISSUE, CUMULATIVE_ISSUE, SOURCE_EDITOR, SOURCE_NAME, SOURCE_URL)
    )


def _read_source(lines) -> dict[str, str]:
    """The first publication/issue, editor, 来源 and 原文链接 lines of ``lines``."""
    found = {}
    for line in lines:
        if match := SOURCE_ISSUE.match(line):
            found.setdefault("name", match.group("name").strip())
            found.setdefault("issue", re.sub(r"\s+", "", match.group("issue")))
        elif match := SOURCE_EDITOR.match(line):
            found.setdefault("editor", match.group("editor"))
        elif match := SOURCE_NAME.match(line):
            found.setdefault("name", match.group("name").strip())
        elif match := SOURCE_URL.match(line):
            found.setdefault("url", match.group("url"))
    return found


def _lead(raw: str, byline: str) -> str:
    """The 导读 text without the byline it repeats, cut back to its last full sentence.

    The source sites cut 导读 at a fixed length, often mid-sentence; a lead without any
    sentence end is kept whole.
    """
    lead = raw.strip()
    if byline and lead.startswith(byline):
        lead = lead[len(byline) :].strip()
    match = SENTENCE_END.match(lead)
    return match.group(0) if match else lead


def _aware_datetime(parts) -> datetime | None:
    """``(year, month, day, hour, minute, second)`` strings (time parts may be ``None``)."""
    try:
        numbers = [int(part) if part else 0 for part in parts]
        if numbers[0] not in PLAUSIBLE_YEARS:  # a typing or parsing mistake: unknown
            return None
        return datetime(*numbers, tzinfo=SOURCE_TIME_ZONE)
    except ValueError:
        return None


def _parse_iso_date(value: str) -> datetime | None:
    """trafilatura's ``YYYY-MM-DD`` date as midnight in the source's time zone."""
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    return _aware_datetime((*match.groups(), None, None, None)) if match else None


# Elements after which a browser starts a new line.
_BLOCK_TAGS = (
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
    "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
)  # fmt: skip


def _page_lines(page: str) -> list[str]:
    """The visible text of a whole page, one line per block element (scripts removed)."""
    tree = load_html(page)
    if tree is None:
        return []
    etree.strip_elements(
        tree, "head", "script", "style", "noscript", "template", "iframe", with_tail=False
    )
    for element in tree.iter(*_BLOCK_TAGS):
        element.text = "\n" + (element.text or "")
        element.tail = "\n" + (element.tail or "")
    return tree.xpath("string()").splitlines()
