"""A held-out corpus for the importer: pages from kinds of sites its rules were not written from.

Each capture in ``tests/fixtures/import/holdout/`` (``NN-name.html`` or ``NN-name.txt``, as a
browser or an editor saves it, in its own encoding) has a ``NN-name.expected.json`` beside it
with what an editor would want recognised. The captures were written without reading the
parser, so the score measures how well recognition generalises; failures are expected and
each test lists every field that differs, not only the first.

The expected files hold the fields of :class:`articles.importing.ParsedArticle` (the time as
ISO 8601, ``null`` when the page has none; keywords as a list) and these checks of the body:
``body_starts_with`` / ``body_ends_with`` (the first and last text paragraph begin / end so),
``body_paragraphs`` (how many ``<p>`` elements with text), ``body_contains`` (strings the body
HTML contains) and ``chrome`` (strings of the site's chrome that no field may contain).
"""

import html
import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from articles.importing import parse_file

HOLDOUT = Path(__file__).parent / "fixtures" / "import" / "holdout"
EXPECTED_SUFFIX = ".expected.json"
#: The corpus must stay big enough to measure something.
MIN_CAPTURES = 10

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
EXPECTED_KEYS = {
    *TEXT_FIELDS,
    "original_published_at",
    "keywords",
    "body_starts_with",
    "body_ends_with",
    "body_paragraphs",
    "body_contains",
    "chrome",
}

_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def _captures() -> list[tuple[Path, Path]]:
    """(capture, expected JSON) pairs of the corpus, in file-name order."""
    pairs = []
    for expected in sorted(HOLDOUT.glob("*" + EXPECTED_SUFFIX)):
        stem = expected.name[: -len(EXPECTED_SUFFIX)]
        pages = [
            path
            for path in HOLDOUT.glob(stem + ".*")
            if not path.name.endswith(EXPECTED_SUFFIX) and path.suffix in (".html", ".txt")
        ]
        assert len(pages) == 1, f"{expected.name}: expected one capture beside it, found {pages}"
        pairs.append((pages[0], expected))
    return pairs


def _text(fragment: str) -> str:
    """The visible text of an HTML fragment, unescaped, without surrounding white space
    (full-width spaces included)."""
    return html.unescape(_TAG.sub("", fragment)).strip()


def _paragraphs(body_html: str) -> list[str]:
    """The texts of the body's ``<p>`` elements that have text (an image alone is none)."""
    texts = (_text(inner) for inner in _PARAGRAPH.findall(body_html))
    return [text for text in texts if text]


def _mismatches(parsed, expected: dict) -> list[str]:
    """Every way ``parsed`` differs from ``expected``, one line each; empty when it agrees."""
    problems = []
    for name in TEXT_FIELDS:
        got = getattr(parsed, name)
        if got != expected[name]:
            problems.append(f"{name}: expected {expected[name]!r}, got {got!r}")

    want_time = expected["original_published_at"]
    got_time = parsed.original_published_at
    if want_time is None:
        if got_time is not None:
            problems.append(f"original_published_at: expected None, got {got_time.isoformat()}")
    elif got_time is None or got_time != datetime.fromisoformat(want_time):
        shown = got_time.isoformat() if got_time else None
        problems.append(f"original_published_at: expected {want_time}, got {shown}")

    keywords = list(parsed.keywords)
    if keywords != expected["keywords"]:
        problems.append(f"keywords: expected {expected['keywords']!r}, got {keywords!r}")

    paragraphs = _paragraphs(parsed.body_html)
    first = paragraphs[0] if paragraphs else ""
    last = paragraphs[-1] if paragraphs else ""
    start, end = expected["body_starts_with"], expected["body_ends_with"]
    if not first.startswith(start):
        problems.append(f"body_starts_with: expected {start!r}, first paragraph {first[:40]!r}")
    if not last.endswith(end):
        problems.append(f"body_ends_with: expected {end!r}, last paragraph {last[-40:]!r}")
    if len(paragraphs) != expected["body_paragraphs"]:
        problems.append(
            f"body_paragraphs: expected {expected['body_paragraphs']}, got {len(paragraphs)}"
        )
    for wanted in expected["body_contains"]:
        if wanted not in parsed.body_html and wanted not in html.unescape(parsed.body_html):
            problems.append(f"body_contains: {wanted!r} not in the body")

    haystacks = {name: getattr(parsed, name) for name in TEXT_FIELDS}
    haystacks["keywords"] = " ".join(parsed.keywords)
    haystacks["body_html"] = parsed.body_html + "\n" + _text(parsed.body_html)
    for chrome in expected["chrome"]:
        found_in = [name for name, value in haystacks.items() if chrome in value]
        if found_in:
            problems.append(f"chrome {chrome!r} found in {', '.join(found_in)}")
    return problems


def test_holdout_corpus_is_complete():
    """The corpus has enough captures and every expected file has exactly the agreed keys."""
    pairs = _captures()
    assert len(pairs) >= MIN_CAPTURES
    for _page, expected in pairs:
        data = json.loads(expected.read_text(encoding="utf-8"))
        differing = sorted(set(data) ^ EXPECTED_KEYS)
        assert not differing, f"{expected.name}: keys missing or unknown: {differing}"


@pytest.mark.parametrize(("page", "expected"), _captures(), ids=lambda path: path.stem)
def test_holdout_capture(page: Path, expected: Path):
    """The importer recognises a held-out capture's fields as its expected file says."""
    want = json.loads(expected.read_text(encoding="utf-8"))
    parsed = parse_file(page)
    problems = _mismatches(parsed, want)
    assert not problems, f"{page.name}: {len(problems)} mismatches\n  " + "\n  ".join(problems)
