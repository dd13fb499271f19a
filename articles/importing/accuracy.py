"""How well the importer reads a corpus of saved pages: field-by-field comparison.

A *capture* is a page as a browser saved it, ``NN-short-name.txt`` or ``NN-short-name.html``
(any encoding the importer reads), next to ``NN-short-name.expected.json`` (UTF-8) holding
exactly the keys in :data:`EXPECTED_KEYS`. The corpus lives in :data:`CORPUS_DIR`; the test
``tests/test_import_corpus.py`` and ``scripts/import_accuracy.py`` both measure it with
:func:`compare`, so the table and the test never disagree.

Comparison rules (one per field of :data:`FIELDS`):
    * text fields: equal after NFKC normalisation (full-width ``：，（）`` are their ASCII
      forms) and collapsing whitespace runs to one space, both ends stripped;
    * ``original_published_at``: an ISO 8601 string with offset, or ``null``; equal as an
      instant; a time of day the page gives (minutes, seconds) must be kept, a datetime that
      fell back to midnight is reported as such;
    * ``keywords``: the same set of normalised strings (tags have no order);
    * ``body_starts_with`` / ``body_ends_with``: the text of the first / last ``<p>`` of
      ``body_html`` (``<p>`` inside tables excluded) starts / ends with it;
    * ``body_paragraphs``: the number of those ``<p>`` elements;
    * ``body_contains``: every string occurs in ``body_html``, as markup or as text;
    * ``chrome``: no string occurs anywhere, neither in the body (markup or text) nor in
      any other field. A leak is counted apart from the fields (``chrome lines leaked``).
"""

import html
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import lxml.html

from .fields import ParsedArticle

#: The corpus the test and the accuracy script measure.
CORPUS_DIR = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "import" / "corpus"

#: Page files of a capture, by suffix.
PAGE_SUFFIXES = (".txt", ".html")
EXPECTED_SUFFIX = ".expected.json"

TEXT_FIELDS = (
    "title",
    "subtitle",
    "lead",
    "byline",
    "source_name",
    "source_issue",
    "source_editor",
    "source_url",
)
BODY_FIELDS = (
    "body_starts_with",
    "body_ends_with",
    "body_paragraphs",
    "body_contains",
)
#: The fields counted in "fields right / fields expected", in table order.
FIELDS = (*TEXT_FIELDS[:4], "original_published_at", *TEXT_FIELDS[4:], "keywords", *BODY_FIELDS)
#: The keys of an ``.expected.json`` file, exactly.
EXPECTED_KEYS = frozenset((*FIELDS, "chrome"))

# A court named by its place (two characters, then 省/市/县/区), as captures name them:
# XX市中级人民法院, XX区人民法院. Used to find what would name one capture in code.
COURT_NAME = re.compile(r"[\u4e00-\u9fff]{2}[省市县区](?:中级|高级)?人民法院")
#: Names shorter than this are too generic to say a piece of code was written for a capture.
MIN_NAME_CHARS = 4


@dataclass(frozen=True)
class Capture:
    """One saved page and its expected fields. ``name`` is the file stem (``01-portal``)."""

    name: str
    page: Path
    expected: dict


@dataclass(frozen=True)
class Mismatch:
    """A field the importer got wrong: what was expected and what it found."""

    field: str
    expected: object
    actual: object
    note: str = ""

    def __str__(self):
        note = f" ({self.note})" if self.note else ""
        return f"{self.field}{note}: expected {self.expected!r}, got {self.actual!r}"


@dataclass
class Outcome:
    """The comparison of one capture. ``error`` is set when the page could not be parsed
    (then no field is right). ``leaked`` holds ``(chrome string, field it appeared in)``."""

    capture: str
    mismatches: list[Mismatch] = field(default_factory=list)
    leaked: list[tuple[str, str]] = field(default_factory=list)
    error: str = ""

    @property
    def fields_expected(self) -> int:
        return len(FIELDS)

    @property
    def fields_right(self) -> int:
        if self.error:
            return 0
        return len(FIELDS) - len({mismatch.field for mismatch in self.mismatches})

    @property
    def chrome_leaked(self) -> int:
        """How many distinct chrome strings leaked (into one field or several)."""
        return len({text for text, _ in self.leaked})

    @property
    def ok(self) -> bool:
        return not (self.error or self.mismatches or self.leaked)

    def explain(self) -> str:
        """Every problem, one per line, for a test failure or the script's details."""
        lines = [f"{self.capture}: {self.fields_right}/{self.fields_expected} fields right"]
        if self.error:
            lines.append(f"  not parsed: {self.error}")
        lines += [f"  {mismatch}" for mismatch in self.mismatches]
        places = {}
        for text, where in self.leaked:
            places.setdefault(text, []).append(where)
        lines += [f"  chrome leaked: {text!r} in {', '.join(at)}" for text, at in places.items()]
        return "\n".join(lines)


def load_corpus(directory=CORPUS_DIR) -> list[Capture]:
    """The captures in ``directory``, sorted by name.

    Raises:
        ValueError: an expected file without its page (or with two), a page without an
            expected file, invalid JSON, or keys other than :data:`EXPECTED_KEYS`.
    """
    directory = Path(directory)
    captures, pages_seen = [], set()
    for expected_path in sorted(directory.glob("*" + EXPECTED_SUFFIX)):
        name = expected_path.name.removesuffix(EXPECTED_SUFFIX)
        pages = [directory / (name + suffix) for suffix in PAGE_SUFFIXES]
        pages = [page for page in pages if page.is_file()]
        if len(pages) != 1:
            raise ValueError(f"{expected_path.name}: expected one page {name}.txt or .html")
        try:
            expected = json.loads(expected_path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(f"{expected_path.name}: not UTF-8 JSON ({error})") from error
        keys = set(expected) if isinstance(expected, dict) else set()
        if keys != EXPECTED_KEYS:
            raise ValueError(
                f"{expected_path.name}: missing keys {sorted(EXPECTED_KEYS - keys)}, "
                f"unknown keys {sorted(keys - EXPECTED_KEYS)}"
            )
        pages_seen.add(pages[0])
        captures.append(Capture(name=name, page=pages[0], expected=expected))
    for suffix in PAGE_SUFFIXES:
        for page in directory.glob("*" + suffix):
            if page not in pages_seen:
                raise ValueError(f"{page.name}: no {page.stem}{EXPECTED_SUFFIX} beside it")
    return captures


def normalise(text: str) -> str:
    """NFKC, whitespace runs collapsed to one space, stripped: how texts are compared."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip()


# Elements after which a browser starts a new line: their texts never run together.
_BLOCK_TAGS = frozenset(
    (
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt",
        "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
        "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "th",
        "thead", "tr", "ul",
    )
)  # fmt: skip


def block_text(element) -> str:
    """The normalised text of an lxml ``element``, a space between block elements (so two
    table cells never read as one word)."""
    parts = []

    def walk(node):
        if isinstance(node.tag, str):
            parts.append(node.text or "")
            for child in node:
                walk(child)
            if node.tag in _BLOCK_TAGS:
                parts.append(" ")
        parts.append(node.tail or "")

    walk(element)
    return normalise("".join(parts))


def body_paragraphs(body_html: str) -> list[str]:
    """The normalised text of each ``<p>`` of ``body_html`` that is not inside a table."""
    if not body_html.strip():
        return []
    root = lxml.html.fragment_fromstring(body_html, create_parent="div")
    return [
        normalise(element.text_content())
        for element in root.iter("p")
        if not any(ancestor.tag == "table" for ancestor in element.iterancestors())
    ]


def body_text(body_html: str) -> str:
    """The normalised visible text of ``body_html``."""
    if not body_html.strip():
        return ""
    return block_text(lxml.html.fragment_fromstring(body_html, create_parent="div"))


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _compare_time(expected: str | None, actual) -> Mismatch | None:
    wanted = _time(expected)
    shown = actual.isoformat() if isinstance(actual, datetime) else actual
    if wanted is None and actual is None:
        return None
    if wanted is None or actual is None:
        return Mismatch("original_published_at", expected, shown)
    if not isinstance(actual, datetime) or actual.tzinfo is None:
        return Mismatch("original_published_at", expected, shown, "not an aware datetime")
    if actual == wanted:
        return None
    local = actual.astimezone(wanted.tzinfo)
    midnight = (0, 0, 0)
    lost = (wanted.hour, wanted.minute, wanted.second) != midnight and (
        (local.hour, local.minute, local.second) == midnight
    )
    return Mismatch("original_published_at", expected, shown, "time of day lost" if lost else "")


def compare(expected: dict, parsed: ParsedArticle, name: str = "") -> Outcome:
    """Compare ``parsed`` with the ``expected`` fields of one capture (rules: module docs).

    ``expected`` has the keys of :data:`EXPECTED_KEYS`; ``name`` labels the outcome.
    """
    outcome = Outcome(capture=name)
    mismatches = outcome.mismatches
    for key in TEXT_FIELDS:
        actual = getattr(parsed, key)
        if normalise(actual) != normalise(expected[key]):
            mismatches.append(Mismatch(key, expected[key], actual))
    if found := _compare_time(expected["original_published_at"], parsed.original_published_at):
        mismatches.append(found)
    wanted_keywords = {normalise(word) for word in expected["keywords"]}
    if {normalise(word) for word in parsed.keywords} != wanted_keywords:
        mismatches.append(Mismatch("keywords", expected["keywords"], list(parsed.keywords)))

    body = parsed.body_html or ""
    paragraphs = body_paragraphs(body)
    first, last = (paragraphs[0], paragraphs[-1]) if paragraphs else ("", "")
    if not first.startswith(normalise(expected["body_starts_with"])):
        mismatches.append(Mismatch("body_starts_with", expected["body_starts_with"], first[:40]))
    if not last.endswith(normalise(expected["body_ends_with"])):
        mismatches.append(Mismatch("body_ends_with", expected["body_ends_with"], last[-40:]))
    if len(paragraphs) != expected["body_paragraphs"]:
        mismatches.append(
            Mismatch("body_paragraphs", expected["body_paragraphs"], len(paragraphs), "<p> count")
        )
    text = body_text(body)
    unescaped = html.unescape(body)
    missing = [
        wanted
        for wanted in expected["body_contains"]
        if wanted not in body and wanted not in unescaped and normalise(wanted) not in text
    ]
    if missing:
        mismatches.append(Mismatch("body_contains", missing, "absent from body_html"))

    places = {"body_html": f"{body}\n{unescaped}\n{text}"}
    places |= {key: normalise(getattr(parsed, key)) for key in TEXT_FIELDS}
    places["keywords"] = normalise(" ".join(parsed.keywords))
    for chrome in expected["chrome"]:
        for where, value in places.items():
            if chrome in value or normalise(chrome) in value:
                outcome.leaked.append((chrome, where))
    return outcome


def measure(capture: Capture) -> Outcome:
    """Parse ``capture.page`` with :func:`articles.importing.parse_file` and compare it.

    Any exception from the parser becomes the outcome's ``error`` (one broken capture never
    stops a measurement of the corpus).
    """
    from . import parse_file  # the package imports this module's siblings, not this one

    try:
        parsed = parse_file(capture.page)
    except Exception as error:  # reported per capture, see the docstring
        return Outcome(capture=capture.name, error=f"{type(error).__name__}: {error}")
    return compare(capture.expected, parsed, capture.name)


def identifying_names(capture: Capture) -> set[str]:
    """Strings that name this capture and no other page: its file name and stem, title,
    subtitle, source name and the courts it names by place (:data:`COURT_NAME`). Code that
    contains one was written for the capture, not for the layout."""
    from . import decode  # lazily, as in measure()

    names = {capture.name, capture.page.name}
    names |= set(COURT_NAME.findall(decode(capture.page.read_bytes())))
    for key in ("title", "subtitle", "source_name"):
        names.add(capture.expected[key].strip())
    return {name for name in names if len(name) >= MIN_NAME_CHARS}
