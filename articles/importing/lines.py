"""What one line of a page says: chrome, metadata (and which fields), markup or text.

One function per question, each reading the tables of :mod:`articles.importing.rules`:
:func:`clean_line`, :func:`is_chrome`, :func:`is_navigation`, :func:`is_markup`,
:func:`read_metadata`, :func:`starts_with_long_label`, :func:`is_paragraph`,
:func:`is_heading`, :func:`is_title_like`.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from . import rules
from .fields import find_datetime

_HAN = re.compile(f"[{rules.HAN}]")

# --- Cleaning -------------------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def clean_line(line: str) -> str:
    """``line`` without invisible characters, with whitespace runs collapsed to one space
    (one ideographic space when the run is only ideographic spaces, as in ``本报讯　``) and
    the ends stripped."""
    line = line.translate(_INVISIBLE).strip()
    return re.sub(r"\s+", lambda run: "\u3000" if set(run.group(0)) == {"\u3000"} else " ", line)


def strip_wrapping(line: str) -> str:
    """``line`` without leading bullets (``■``) and without brackets around all of it
    (``【来源：…】``, ``（责任编辑：…）``)."""
    line = line.lstrip(rules.BULLETS + " ").strip()
    for pair in rules.BRACKET_PAIRS:
        if len(line) > 2 and line[0] == pair[0] and line[-1] == pair[1]:
            inner = line[1:-1]
            if pair[0] not in inner and pair[1] not in inner:
                return inner.strip()
    return line


# --- Chrome and markup ----------------------------------------------------------------------

_PUNCTUATION_ONLY = re.compile(r"^[\W_]*$")


def is_navigation(line: str) -> bool:
    """A navigation bar or breadcrumb: at least ``NAV_MIN_ITEMS`` short items separated by
    ``|``, ``>``, ``»``, ``>>``, ``/``, ``·`` or wide spaces (``首页 | 新闻 | 法治``); or four or
    more short Han words separated by single spaces (``首页 新闻 法治 视频``)."""
    if any(mark in line for mark in rules.SENTENCE_END + "，,、"):
        return False
    items = [item for item in rules.NAV_SEPARATOR.split(line) if item.strip()]
    if rules.NAV_MIN_ITEMS <= len(items) < len(line) and all(
        len(item.strip()) <= rules.NAV_ITEM_MAX_CHARS for item in items
    ):
        return True
    words = line.split()
    return len(words) >= 4 and all(0 < len(word) <= 4 and _HAN.match(word) for word in words)


def is_chrome(line: str) -> bool:
    """Site chrome by its shape (:data:`rules.CHROME`, navigation lines, lines of nothing but
    punctuation), wherever it appears. Lines longer than ``CHROME_MAX_CHARS`` are text."""
    if not line:
        return False
    if _PUNCTUATION_ONLY.match(line):
        return True
    if len(line) > rules.CHROME_MAX_CHARS:
        return False
    return bool(rules.CHROME.search(line)) or is_navigation(line)


def ends_body(line: str) -> bool:
    """Whether ``line`` starts the site's trailer (:data:`rules.END_OF_BODY`)."""
    return len(line) <= rules.CHROME_MAX_CHARS and bool(rules.END_OF_BODY.search(line))


# Leftovers of tags that a text save cut, e.g. ``nload="this.removeAttribute('width');" />``.
_MARKUP_FRAGMENT = re.compile(
    r"""^</?[a-z!][^<>]*>?|^[a-z_:][\w:.-]*\s*=\s*["']|["']\s*/?>$|/>$"""
    r"|this\.\w+\(|javascript:",
    re.IGNORECASE | re.ASCII,
)
# The attribute name starts where no name character precedes it: each run of word characters
# is tried once (linear time; without the look-behind a long run without "=" is quadratic).
_MARKUP_SYNTAX = re.compile(
    r"""<[^<>]*>?|(?<![\w:.-])[\w:.-]+\s*=\s*(["']).*?(?:\1|$)|(["']).*?\2"""
)
#: Longest line that can be a leftover markup fragment; longer lines are text.
MARKUP_MAX_CHARS = 2000


def is_markup(line: str) -> bool:
    """A leftover markup fragment: looks like markup, and no Han text remains once its tags,
    ``attribute="value"`` pairs and quoted strings are removed (a paragraph that quotes
    markup, e.g. about a ``javascript:`` link, is text)."""
    if len(line) > MARKUP_MAX_CHARS or not _MARKUP_FRAGMENT.search(line):
        return False
    return not _HAN.search(_MARKUP_SYNTAX.sub("", line))


# --- Metadata -------------------------------------------------------------------------------


@dataclass
class Metadata:
    """The fields one metadata line gives (absent fields are not set).

    ``byline`` is a list of ``(label, names)``; ``lead`` is ``""`` when its label stands
    alone and the text follows on the next line (``lead_follows``).
    """

    published_at: datetime | None = None
    has_time: bool = False
    source_name: str = ""
    source_editor: str = ""
    source_issue: str = ""
    source_url: str = ""
    author_unit: str = ""
    lead: str | None = None
    keywords: list[str] = field(default_factory=list)
    byline: list[tuple[str, str]] = field(default_factory=list)
    only_date: bool = False  # a bare date, without any label

    def fills_a_field(self) -> bool:
        """Whether the line gives any field (a line of dropped labels only gives none)."""
        return bool(
            self.published_at
            or self.source_name
            or self.source_editor
            or self.source_issue
            or self.source_url
            or self.author_unit
            or self.lead is not None
            or self.keywords
            or self.byline
        )


def _alternation(labels) -> str:
    return "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))


_FIELD_OF = {label: name for name, labels in rules.LABELS.items() for label in labels}
_ALL_LABELS = _alternation(_FIELD_OF)
_LONG_LABELS = _alternation(
    label for name in rules.LONG_VALUE_FIELDS for label in rules.LABELS[name]
)
_SPACE_LABELS = _alternation(rules.SPACE_SEPARATED)
# Labels long enough to be recognised with nothing between them and the name (本报记者张三).
_JOINED_LABELS = _alternation(label for label in rules.SPACE_SEPARATED if len(label) >= 2)
# A label starts a word: not inside a longer one (数据来源 is no 来源). A label in Latin
# letters only needs no letter before it (某某新闻IP属地).
_BOUNDARY = rf"(?:(?<![A-Za-z{rules.HAN}])|(?<![A-Za-z])(?=[A-Za-z]))"
_LABEL = re.compile(
    rf"{_BOUNDARY}(?:(?P<label>{_ALL_LABELS}){rules.LABEL_SEPARATOR}"
    rf"|(?P<spaced>{_SPACE_LABELS})\s+|(?P<joined>{_JOINED_LABELS})(?=[{rules.HAN}])"
    rf"|(?P<dated>{_alternation(rules.LABELS['published_at'])})\s*(?=\d))",
    re.IGNORECASE,
)
_LEADING_LONG_LABEL = re.compile(rf"^(?P<label>{_LONG_LABELS})(?:{rules.LABEL_SEPARATOR}|\s+|$)")
# ``【内容提要】…``, ``[来源]…``: a label in brackets instead of before a colon.
_BRACKETED_LABEL = re.compile(rf"[【\[［〔]\s*(?P<label>{_ALL_LABELS})\s*[】\]］〕]\s*")
_BARE_DATE = re.compile(rf"^{rules.DATE}")
_ORGANISATION_ROLE = re.compile(
    rf"^[{rules.HAN}]{{2,10}}?(?P<role>记者|通讯员|评论员|特约撰稿人)(?=\s+[{rules.HAN}]{{2,4}}(?:\s|$))"
)
_TRAILING_DATE = re.compile(rf"(?:^|[\s|｜丨/·])(?P<date>{rules.DATE})\s*$")
#: Words before a feed's date line (``原创2024-06-02 09:12·某某法院``).
_DATE_PREFIX = re.compile(r"^(?:原创|转载|首发|独家)\s*")
#: A publishing account after a feed's date: ``·某某法院``.
# (Two or three characters after the date are the reader's region, IP属地, not an account.)
_ACCOUNT_AFTER_DATE = re.compile(
    rf"^[·|｜丨]\s*(?!发布于|发表于|IP属地)(?P<name>[{rules.HAN}A-Za-z0-9]{{4,20}})$"
)
_INNER_BRACKETS = re.compile(r"[【】\[\]［］〔〕〖〗]")
_CHROME_IN_BRACKETS = re.compile(r"[【\[]([^】\]]{1,10})[】\]]")
_VALUE_TRIM = " ,，;；|｜/／:：　()（）【】[]"
#: Longest value of a short metadata field (a name, a source, an editor), in characters.
VALUE_MAX_CHARS = 40
_NAMES_SPLIT = re.compile(r"[\s,，、;；]+")


def starts_with_long_label(line: str) -> bool:
    """Whether ``line`` starts with a lead or keywords label (导读, 摘要, 关键词…), whose
    value may be a line of any length."""
    return bool(_LEADING_LONG_LABEL.match(line))


def read_metadata(line: str) -> Metadata | None:
    """The metadata fields of ``line``, or ``None`` when it is not a metadata line.

    A metadata line is made of labelled values (:data:`rules.LABELS`, any order, several per
    line, bracketed or after a bullet), possibly after a bare date
    (``2024-06-18 15:42 来源：某某法院``); or a periodical's issue line
    (``《某某法学》2024年第3期``, ``第03版``); or a lead or keyword label with its text.
    A line with a sentence in a short field's value is text, not metadata.
    """
    text = _BRACKETED_LABEL.sub(r"\g<label>：", strip_wrapping(line))
    if not text:
        return None
    found = Metadata()
    if leading := _LEADING_LONG_LABEL.match(text):
        name = _FIELD_OF.get(leading.group("label")) or _FIELD_OF.get(
            leading.group("label").capitalize()
        )
        value = strip_wrapping(text[leading.end() :].strip(_VALUE_TRIM))
        if name == "lead":
            found.lead = value
        else:
            found.keywords = [word for word in _NAMES_SPLIT.split(value) if word]
        return found

    # 某某新闻记者 张三: the role labels it (本报记者 and the like are labels of their own).
    text = _ORGANISATION_ROLE.sub(
        lambda m: m.group(0) if m.group(0) in _FIELD_OF else m.group("role"), text
    )
    text = rules.COUNTER.sub("  ", text)
    text = rules.FONT_SIZE_CONTROLS.sub("  ", text)
    for spelling, label in rules.LABEL_SPELLINGS:
        text = spelling.sub(label, text)
    text = _CHROME_IN_BRACKETS.sub(
        lambda match: "  " if rules.CHROME.search(match.group(1)) else match.group(0), text
    )
    text = _INNER_BRACKETS.sub("  ", text)
    matches = list(_LABEL.finditer(text))
    prefix = text[: matches[0].start()] if matches else text
    prefix = prefix.strip(_VALUE_TRIM)
    if prefix and matches and is_chrome(prefix):  # 放大字体 缩小字体 发布日期:…
        prefix = ""
    if prefix:
        prefix = _DATE_PREFIX.sub("", prefix)
        if date := _BARE_DATE.match(prefix):
            _set_time(found, prefix)
            prefix = prefix[date.end() :].strip(" ")
            if account := _ACCOUNT_AFTER_DATE.match(prefix):
                found.source_name = account.group("name")
                prefix = ""
            prefix = prefix.strip(_VALUE_TRIM)
            found.only_date = not matches and not prefix and not found.source_name
        if prefix and (issue := rules.PERIODICAL_ISSUE.search(prefix)):
            rest = (prefix[: issue.start()] + prefix[issue.end() :]).strip(_VALUE_TRIM)
            if _BARE_DATE.search(rest):
                _set_time(found, rest)
                rest = _BARE_DATE.sub("", rest).strip(_VALUE_TRIM)
            if len(rest) > VALUE_MAX_CHARS or _has_sentence(rest):
                return None
            found.source_issue = re.sub(r"\s+", "", issue.group("issue"))
            found.source_name = (issue.group("name") or "").strip()
            prefix = ""
        if prefix:
            if not matches and (moment := _dated_word_line(text)):
                found.published_at, found.has_time = moment, True
                return found
            return None
    if not matches:
        if not found.fills_a_field() and (moment := _dated_word_line(text)):
            found.published_at, found.has_time = moment, True
        return found if found.fills_a_field() else None

    spaced_only = not any(match.group("label") or match.group("dated") for match in matches)
    if spaced_only and (_has_sentence(text) or len(text) > VALUE_MAX_CHARS + 10):
        return None
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        label = next(
            match.group(kind)
            for kind in ("label", "spaced", "joined", "dated")
            if match.group(kind)
        )
        name = _FIELD_OF.get(label) or _FIELD_OF.get(label.capitalize())
        end = following.start() if following else len(text)
        value = text[match.end() : end].strip(_VALUE_TRIM)
        if name != "published_at" and (date := _TRAILING_DATE.search(value)):
            _set_time(found, date.group("date"))  # 作者：张三 | 2024-06-03 08:30
            value = value[: date.start()].strip(_VALUE_TRIM)
        if name == "lead" or (name == "keywords" and _has_sentence(value)):
            return None  # a lead or keywords label in mid-line: a sentence about them
        if name == "keywords":
            found.keywords = found.keywords or [w for w in _NAMES_SPLIT.split(value) if w]
            continue
        if name == "published_at":
            if not _set_time(found, value):
                continue
        elif name is None:
            continue
        elif name == "source_url":
            url = re.search(r"https?://\S+", value)
            found.source_url = url.group(0) if url else ""
        elif len(value) > VALUE_MAX_CHARS or _has_sentence(value):
            return None
        elif not value:
            continue
        elif name == "byline":
            found.byline.append((label, value))
        elif name == "source_issue":
            issue = rules.PERIODICAL_ISSUE.search(value)
            found.source_issue = re.sub(r"\s+", "", issue.group("issue")) if issue else value
        elif name == "source_name" and (issue := rules.PERIODICAL_ISSUE.search(value)):
            found.source_issue = found.source_issue or re.sub(r"\s+", "", issue.group("issue"))
            found.source_name = (issue.group("name") or value[: issue.start()]).strip("《》 ")
        elif name == "source_editor":
            names = rules.SHARE_TARGETS.sub(" ", value)
            found.source_editor = " ".join(word for word in _NAMES_SPLIT.split(names) if word)
        elif name == "source_name":
            found.source_name = found.source_name or value.strip("《》 ")
        else:
            setattr(found, name, value)
    return found


_DATE_WORD = re.compile(rf"(?:^|\s){rules.DATE}(?=\s|$)")


def _dated_word_line(text: str):
    """The time of a line of a few short words around a date with its time of day
    (``原创 张三 某某法院 2024年03月08日 18:20 北川``: a WeChat header copied as text)."""
    match = _DATE_WORD.search(text)
    if not match or len(text) > VALUE_MAX_CHARS + 20 or _has_sentence(text):
        return None
    if not re.search(r"\d\s*[:：时]\s*\d", match.group(0)):
        return None
    words = (text[: match.start()] + " " + text[match.end() :]).split()
    if not words or any(len(word) > 10 for word in words):
        return None
    return find_datetime(match.group(0))


def _set_time(found: Metadata, value: str) -> bool:
    moment = find_datetime(value)
    if moment is None:
        return False
    if found.published_at is None:
        found.published_at = moment
        found.has_time = bool(re.search(r"\d\s*[:：时]\s*\d", value))
    return True


def _has_sentence(text: str) -> bool:
    return any(mark in text for mark in rules.SENTENCE_END + "，")


def byline_text(parts: list[tuple[str, str]], unit: str = "") -> str:
    """The byline from its labelled parts: the names alone when one label gave them, else
    each part with its label (``本报记者 张三 通讯员 李四``); a separate 作者单位 follows in
    full-width brackets. Label punctuation (``文/``, ``作者：``) is not kept."""
    parts = [(label, " ".join(names.split())) for label, names in parts if names.strip()]
    if len(parts) == 1:
        text = parts[0][1]
    else:
        text = " ".join(f"{label} {names}" for label, names in parts)
    return f"{text}（{unit}）" if text and unit else text


# --- Text shapes ----------------------------------------------------------------------------


def has_han(line: str) -> bool:
    """Whether ``line`` has any Han character."""
    return bool(_HAN.search(line))


def _ends_sentence(line: str) -> bool:
    return line.rstrip("”’」』）)\"' ")[-1:] in set(rules.SENTENCE_END)


def is_paragraph(line: str) -> bool:
    """A line of running text: ends a sentence, or is longer than a title can be."""
    return _ends_sentence(line) or len(line) > rules.TITLE_MAX_CHARS


def is_heading(line: str) -> bool:
    """Short, and no sentence punctuation: between paragraphs, a section heading."""
    return (
        len(line) <= rules.HEADING_MAX_CHARS
        and not re.search(r"[。！？!?；;]|[，,、：:]$", line)
        and not is_markup(line)
    )


def is_title_like(line: str) -> bool:
    """Whether ``line`` can be a title: 2 to 80 characters of text with Han characters, no
    chrome, no site or publication name (``某某法院网``, ``某某法治报``), no subtitle, and no
    sentence end (a headline may end with ？ or ！)."""
    if not line or is_chrome(line) or is_markup(line) or rules.SITE_NAME.match(line):
        return False
    if _ends_sentence(line) and not (line[-1] in "？！?!" and len(line) <= 40):
        return False
    if len(line) > rules.TITLE_MAX_CHARS or len(line) < 2 or not _HAN.search(line):
        return False
    return not rules.SUBTITLE.match(line)
