"""From a page's lines (and, for HTML, its body blocks and declared metadata) to a
:class:`ParsedArticle`: one function per field, reading what :mod:`.lines` says of each line.

The page's visible text is a list of lines. The title is the most title-like line near the
metadata (or the one the page declares); the header after it holds the subtitle, metadata
and lead; the body runs until the site's trailer starts; metadata at the bottom (来源, 责任编辑)
is read as well. Chrome is dropped wherever it is.
"""

import html
import itertools
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from . import lines as L
from . import rules, summary
from .fields import ArticleImportError, Block, Declared, ParsedArticle, find_datetime

#: Longest line read for metadata other than a lead or keywords (a metadata row is short).
METADATA_MAX_CHARS = 200
#: How many lines above the title may hold the page's metadata (an e-paper's
#: ``某某法治报 2024年05月07日 第03版`` header sits over the title).
META_ABOVE_TITLE = 4
#: How many parts of a declared title (split at its separators) are tried as the title; a
#: title of more parts is no title with a site suffix.
TITLE_PARTS_TRIED = 8
#: How many title-like lines above the text are weighed (the nearest ones).
TITLE_CANDIDATES = 30
#: How far after a short header line metadata is looked for.
HEADER_SCAN_LINES = 12
#: A paragraph this long starts the article text even when no other paragraph follows.
RUNNING_PARAGRAPH_CHARS = 30
#: Longest short line of a header (an account's name, 原创) skipped among its metadata.
HEADER_WORD_CHARS = 12
#: How many lines from an e-paper's page number its date may be.
EPAPER_DATE_LINES = 3
#: How many lines after the body the bottom metadata (来源, 责任编辑) may take.
TRAILER_META_LINES = 12


@dataclass
class _Fields:
    """Fields found so far: the first value of each wins."""

    subtitle: str = ""
    lead: str = ""
    byline: list = field(default_factory=list)
    author_unit: str = ""
    published_at: datetime | None = None
    has_time: bool = False
    source_name: str = ""
    source_issue: str = ""
    source_editor: str = ""
    source_url: str = ""
    keywords: list = field(default_factory=list)

    def add(self, meta: L.Metadata, *, trailer: bool = False) -> None:
        completes_date = (
            self.published_at is not None
            and meta.published_at is not None
            and not self.has_time
            and meta.has_time
            and meta.published_at.date() == self.published_at.date()
        )
        usable = meta.published_at and not (trailer and meta.only_date)
        if usable and (self.published_at is None or completes_date):
            self.published_at, self.has_time = meta.published_at, meta.has_time
        for name in ("source_name", "source_issue", "source_editor", "source_url", "author_unit"):
            if getattr(meta, name) and not getattr(self, name):
                setattr(self, name, getattr(meta, name))
        # Bylines may take several lines (本报记者 … / 本报通讯员 …; 文字丨… / 图片丨…); a
        # label already given is a repeat of the same byline.
        labels = {label for label, _ in self.byline}
        names = " ".join(names for _, names in self.byline)
        self.byline += [
            (label, people)
            for label, people in meta.byline
            if label not in labels and people not in names
        ]
        if meta.keywords and not self.keywords:
            self.keywords = meta.keywords
        if meta.lead and not self.lead:
            self.lead = meta.lead


def classify(line: str):
    """``(kind, metadata)`` of one cleaned line: ``blank``, ``markup``, ``meta``, ``chrome``
    or ``text``."""
    if not line:
        return "blank", None
    if L.is_markup(line):
        return "markup", None
    short = len(line) <= METADATA_MAX_CHARS
    meta = L.read_metadata(line) if short or L.starts_with_long_label(line) else None
    if meta is not None and (meta.fills_a_field() or meta.lead == ""):
        return "meta", meta
    if L.is_chrome(line) or meta is not None:
        return "chrome", None
    return "text", None


def assemble(
    page_lines: list[str],
    *,
    blocks: list[Block] | None = None,
    declared: Declared | None = None,
) -> ParsedArticle:
    """Recognise the article in ``page_lines`` (the visible text, a line per block).

    ``blocks`` is the body as the HTML extractor found it (``None`` for plain text: the body
    is then read from the lines). ``declared`` is what the page declares about itself; it
    is preferred to guessing, except that a time of day in the text completes a declared
    date.

    Raises:
        ArticleImportError: no title or no article text.
    """
    declared = declared or Declared()
    lines = [L.clean_line(line) for line in page_lines]
    kinds = [classify(line) for line in lines]
    found = _Fields()

    title_at, title = _find_title(lines, kinds, declared.title, weak=declared.title_is_weak)
    if not title:
        raise ArticleImportError(_("No title found: no line looks like an article title."))
    start = 0 if title_at is None else title_at + 1
    for index in range(max(0, start - 1 - META_ABOVE_TITLE), max(0, start - 1)):
        if kinds[index][0] == "meta" and not kinds[index][1].only_date:
            found.add(kinds[index][1])
    body_start = _read_header(lines, kinds, start, found)
    body_end = _body_end(lines, kinds, body_start)
    _read_trailer(lines, kinds, body_end, found)
    if not found.source_issue:
        found.source_issue, issue_at = _page_issue(lines, kinds)
        if found.source_issue and found.published_at is None:
            # An e-paper names its date beside the page number (2024年05月20日 星期一 /
            # 第03版), in a line that would elsewhere be the site's date of today.
            for index in range(max(0, issue_at - EPAPER_DATE_LINES), issue_at + EPAPER_DATE_LINES):
                if index < len(lines) and (moment := find_datetime(lines[index])):
                    found.published_at = moment
                    break
    if not found.source_name:
        found.source_name = next(
            (m.group("name") for line in lines if (m := rules.EPAPER_MASTHEAD.match(line))), ""
        )

    if blocks is None:
        blocks = [Block("text", line) for line in lines[body_start:body_end]]
    else:
        blocks = _after_title(blocks, title)
    if declared.lead and not found.lead:  # the marked lead is not also a paragraph
        lead_text = L.clean_line(declared.lead)
        blocks = [block for block in blocks if L.clean_line(block.text) != lead_text]
    body_html, first_paragraph, image_urls = _body(blocks, title, found)
    if not body_html:
        raise ArticleImportError(_("No article text found after the title."))

    byline_parts = found.byline
    if not byline_parts and (dateline := rules.DATELINE_BYLINE.match(first_paragraph)):
        people = L.read_metadata(dateline.group("people"))
        byline_parts = people.byline if people else []
    byline = L.byline_text(byline_parts, found.author_unit) or declared.byline

    published_at = found.published_at
    if declared.published_at and not (
        published_at
        and found.has_time
        and not declared.has_time
        and published_at.date() == declared.published_at.date()
    ):
        published_at = declared.published_at

    keywords = found.keywords or summary.declared_keywords(declared, title + body_html)
    return ParsedArticle(
        title=title,
        subtitle=found.subtitle,
        lead=summary.lead_from_label(found.lead, byline_parts)
        or L.clean_line(declared.lead)
        or summary.declared_lead(declared, title, body_html),
        byline=byline,
        body_html=body_html,
        original_published_at=published_at,
        source_name=found.source_name or declared.source_name,
        source_issue=found.source_issue,
        source_editor=found.source_editor,
        # A 原文链接 in the text names the original of a repost: that is the source.
        source_url=found.source_url or declared.source_url,
        keywords=tuple(dict.fromkeys(word for word in keywords if word)),
        image_urls=tuple(dict.fromkeys(image_urls)),
    )


# --- Title and header -----------------------------------------------------------------------


def _find_title(lines, kinds, declared_title: str, *, weak: bool = False):
    """``(index, title)``: the declared title's line when the page declares one, else the
    first title-like line followed by running text (after at most its subtitle, metadata
    and chrome), else the first title-like line.

    A ``weak`` declaration (a ``<title>``, which may hold only the site's name) is taken
    only where it heads the article; an empty title means none was found.
    """
    if declared_title:
        wanted = _strip_site_name(L.clean_line(declared_title), lines)
        exact = [index for index, line in enumerate(lines) if line == wanted]
        close = [
            index
            for index, line in enumerate(lines)
            if L.is_title_like(line) and len(line) >= 0.6 * len(wanted) and line in wanted
        ]
        matches = exact or close
        # A title also listed in the page's navigation (an e-paper's 本版标题导航): the
        # occurrence that heads the article is followed by its metadata or text.
        heading = [i for i in matches if _header_follows(lines, kinds, i)]
        if heading or (matches and not weak):
            index = (heading or matches)[0]
            return index, lines[index]
        if not weak:
            return None, wanted
    candidates = [
        i for i, (kind, _) in enumerate(kinds) if kind == "text" and L.is_title_like(lines[i])
    ]
    body_at = _first_running_paragraph(lines, kinds)
    above = [i for i in candidates if body_at is not None and i < body_at][-TITLE_CANDIDATES:]
    if above:
        index = max(above, key=lambda i: (_title_weight(lines, kinds, i, body_at), i))
        return index, lines[index]
    # The title heads the article: running text follows it, after at most its subtitle,
    # metadata and chrome; a line followed by metadata too is surer than a site's name
    # over a slogan.
    heads = [i for i in candidates if _running_text_follows(lines, kinds, i)]
    with_metadata = [i for i in heads if _header_follows(lines, kinds, i, metadata_only=True)]
    if heads:
        index = (with_metadata or heads)[0]
        return index, lines[index]
    # No line is followed by running text: the first title-like line, so that the error
    # says what is missing (the text, not the title).
    return (candidates[0], lines[candidates[0]]) if candidates else (None, "")


def _next_lines(kinds, index, count):
    """The indexes of the ``count`` non-blank lines after ``index``."""
    return itertools.islice(
        (i for i in range(index + 1, len(kinds)) if kinds[i][0] != "blank"), count
    )


def _first_running_paragraph(lines, kinds):
    """Where the article text starts: the first paragraph that is long, or that another
    paragraph follows (a slogan under a site's logo is neither)."""
    texts = [i for i, (kind, _) in enumerate(kinds) if kind == "text"]
    for position, index in enumerate(texts):
        if not L.is_paragraph(lines[index]):
            continue
        following = texts[position + 1] if position + 1 < len(texts) else None
        if len(lines[index]) >= RUNNING_PARAGRAPH_CHARS or (
            following is not None and L.is_paragraph(lines[following])
        ):
            return index
    return None


def _title_weight(lines, kinds, index, body_at) -> int:
    """How surely ``index`` is the title of the text at ``body_at``: longer lines are
    surer than names; metadata under it and nothing but header lines down to the text
    make it surer still."""
    weight = min(len(lines[index]), rules.TITLE_MAX_CHARS // 2)
    if _header_follows(lines, kinds, index, metadata_only=True):
        weight += 15
    between = [i for i in range(index + 1, body_at) if kinds[i][0] == "text"][:TITLE_CANDIDATES]
    if all(rules.SUBTITLE.match(lines[i]) or _is_header_word(lines[i]) for i in between):
        weight += 10
    return weight


def _is_header_word(line: str) -> bool:
    """A short line among a header's metadata (an account's name, 原创): not text."""
    return len(line) <= HEADER_WORD_CHARS and not L.is_paragraph(line)


def _header_follows(lines, kinds, index, *, metadata_only=False) -> bool:
    """Whether metadata (or, unless ``metadata_only``, running text) follows ``index``
    closely, after at most a subtitle and chrome."""
    for following in _next_lines(kinds, index, 5):
        kind = kinds[following][0]
        if kind == "meta":
            return True
        if kind == "text":
            if rules.SUBTITLE.match(lines[following]):
                continue
            return not metadata_only and L.is_paragraph(lines[following])
    return False


def _running_text_follows(lines, kinds, index) -> bool:
    """Whether running text follows ``index`` after at most a subtitle, metadata or chrome
    lines (a lead after its lone 导读 label counts as running text)."""
    after_lead_label = False
    for following in _next_lines(kinds, index, 8):
        kind, meta = kinds[following]
        if kind == "meta":
            after_lead_label = meta.lead == ""
        elif kind == "text":
            if rules.SUBTITLE.match(lines[following]):
                continue
            return after_lead_label or L.is_paragraph(lines[following])
    return False


def _strip_site_name(title: str, lines) -> str:
    """A declared ``<title>`` without the site name the CMS appended (``标题 - 某某法院网``):
    the page line it matches, else its longest part."""
    page = set(lines)
    if title in page:
        return title
    parts = [part for part in rules.TITLE_SUFFIX_SEPARATOR.split(title) if part.strip()]
    if len(parts) < 2:
        return title
    # A site suffix has a few parts (标题_栏目_站点); a title of many is not split further.
    if len(parts) <= TITLE_PARTS_TRIED:
        for size in range(len(parts) - 1, 0, -1):
            for start in range(len(parts) - size + 1):
                first = title.find(parts[start])
                last = title.rfind(parts[start + size - 1]) + len(parts[start + size - 1])
                candidate = title[first:last].strip()
                if candidate in page:
                    return candidate
    return max(parts, key=len).strip()


def _read_header(lines, kinds, start: int, found: _Fields) -> int:
    """Read the subtitle, metadata and lead after the title; return the body's first line."""
    index = start
    expecting_lead = False
    while index < len(lines):
        line = lines[index]
        kind, meta = kinds[index]
        if kind == "meta":
            if meta.lead == "" and not found.lead:
                expecting_lead = True
            else:
                found.add(meta)
        elif kind == "text":
            if expecting_lead:
                found.lead = line
                expecting_lead = False
            elif rules.SUBTITLE.match(line) and not found.subtitle:
                found.subtitle = line
            elif not (_is_header_word(line) and _metadata_before_text(lines, kinds, index)):
                return index
        index += 1
    return index


def _metadata_before_text(lines, kinds, index) -> bool:
    """Whether a metadata line comes after ``index`` before the next paragraph."""
    for following in range(index + 1, min(len(lines), index + HEADER_SCAN_LINES)):
        kind = kinds[following][0]
        if kind == "meta":
            return True
        if kind == "text" and L.is_paragraph(lines[following]):
            return False
    return False


def _body_end(lines, kinds, start: int) -> int:
    """The first line of the trailer: an end-of-body line, or a metadata line, after the
    first paragraph."""
    seen_text = False
    for index in range(start, len(lines)):
        kind, meta = kinds[index]
        if kind == "text" and L.is_paragraph(lines[index]):
            seen_text = True
        if not seen_text:
            continue
        if (L.ends_body(lines[index]) and kind != "text") or (
            kind == "text" and _hard_end(lines[index])
        ):
            return index
        if kind == "meta" and meta.lead is None and not meta.byline:
            return index
    return len(lines)


def _hard_end(line: str) -> bool:
    return L.ends_body(line) and len(line) <= rules.HEADING_MAX_CHARS


def _read_trailer(lines, kinds, start: int, found: _Fields) -> None:
    """Read the metadata that follows the body (来源, 责任编辑, 标签 after a disclaimer),
    within ``TRAILER_META_LINES`` lines and before the site's lists of other articles."""
    following = [i for i in range(start, len(lines)) if kinds[i][0] != "blank"]
    for index in following[:TRAILER_META_LINES]:
        kind, meta = kinds[index]
        if kind == "meta":
            found.add(meta, trailer=True)
        elif index > start and rules.AFTER_ARTICLE.search(lines[index]):
            return


def _page_issue(lines, kinds) -> str:
    """``(issue, line index)``: an e-paper's 版次 named once on the page (``第03版：…``),
    outside its list of all pages (``第01版：要闻``, ``第02版…``, one after another)."""

    def issue_at(index):
        kind, meta = kinds[index] if 0 <= index < len(kinds) else ("", None)
        return meta.source_issue if kind == "meta" and meta.source_issue else ""

    def neighbour(index, step):
        index += step
        while 0 <= index < len(lines) and kinds[index][0] == "blank":
            index += step
        return issue_at(index)

    for index in range(len(lines)):
        if (issue := issue_at(index)) and not neighbour(index, -1) and not neighbour(index, 1):
            return issue, index
    return "", -1


# --- Body -----------------------------------------------------------------------------------


def _after_title(blocks: list[Block], title: str) -> list[Block]:
    """The blocks after the title when the extractor's body repeats it."""
    for index, block in enumerate(blocks):
        if block.kind in {"text", "heading"} and L.clean_line(block.text) == title:
            return blocks[index + 1 :]
    return blocks


def _body(blocks: list[Block], title: str, found: _Fields):
    """``(body_html, first paragraph text, image addresses)`` from the body blocks: chrome
    and metadata dropped (metadata read into ``found``), the title and lead not repeated,
    the body cut at the trailer (so the trailer's QR codes and promotions are no images)."""
    kept = []  # (kind, text, html)
    images = []
    seen_text = False
    expecting_lead = False
    for block in blocks:
        if block.kind in {"table", "list", "quote"}:
            kept.append((block.kind, block.text, block.html))
            seen_text = True
            continue
        if block.kind == "image":
            kept.append(("image", "", ""))
            if block.html:
                images.append(block.html)
            continue
        line = L.clean_line(block.text)
        kind, meta = classify(line)
        if kind == "blank":
            continue
        if kind == "markup":
            kept.append(("markup", line, ""))
            continue
        if seen_text and L.ends_body(line) and (kind != "text" or _hard_end(line)):
            break
        if kind == "meta":
            if meta.lead == "":
                expecting_lead = not found.lead
                continue
            if seen_text and meta.lead is None and not meta.byline:
                found.add(meta, trailer=True)
                break
            found.add(meta)
            continue
        if kind == "chrome" or line in {title, found.subtitle}:
            continue
        if expecting_lead:
            expecting_lead = False
            if not found.lead:
                found.lead = line
            continue
        if not seen_text and not L.has_han(line):
            continue  # an English title or abstract above the Chinese text
        if rules.SUBTITLE.match(line) and not seen_text and not found.subtitle:
            found.subtitle = line
            continue
        if rules.CUMULATIVE_ISSUE.match(line):
            continue
        if "滑动查看" in line:
            kept.append(("gallery", line, ""))
            continue
        heading = block.kind == "heading" or L.is_heading(line)
        kept.append(("h" if heading else "p", line, ""))
        seen_text = seen_text or not heading
    kept = _drop_captions(kept)
    first = next((text for kind, text, _ in kept if kind == "p"), "")
    return _html(kept), first, images


def _drop_captions(blocks):
    """Leave out gallery captions, markup fragments and gallery markers: a run of headings
    is a caption when only markup, images or a gallery marker follow it, or nothing."""
    kept = []
    next_kind = None  # the kind of the next block that is no markup, heading or image
    for kind, text, markup in reversed(blocks):
        heads_text = kind == "h" and next_kind in {"p", "table", "list", "quote"}
        if heads_text or kind not in {"markup", "gallery", "image", "h"}:
            kept.append((kind, text, markup))
        if kind not in {"markup", "h", "image"}:
            next_kind = kind
    return kept[::-1]


def _html(blocks) -> str:
    """``<p>`` per paragraph, ``<h2>`` for a heading (``<h3>`` for a heading that follows
    one), tables and lists as built by the HTML reader."""
    parts, previous = [], None
    for kind, text, markup in blocks:
        if kind in {"table", "list", "quote"}:
            parts.append(markup)
        else:
            tag = "p" if kind == "p" else ("h3" if previous == "h" else "h2")
            parts.append(f"<{tag}>{html.escape(text, quote=False)}</{tag}>")
        previous = kind
    return "\n".join(parts)
