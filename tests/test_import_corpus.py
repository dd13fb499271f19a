"""The importer on corpora of saved pages in distinct layouts, field by field (issue 7).

Each capture under ``tests/fixtures/import/{corpus,holdout,blind}/`` is a fictional
court-news page as a browser saves it from one kind of site (portal, court website, WeChat,
journal, e-paper…), with all its chrome, next to the fields a careful editor would recognise
in it. The rules of comparison are :mod:`articles.importing.accuracy`'s, shared with
``scripts/import_accuracy.py``.

The corpus is checked for consistency too (every chrome string is on its page and outside
the article text, the expected body is on the page), so a wrong expectation fails here
rather than passing off a parser bug as a feature.
"""

import html
import re
import unicodedata
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import lxml.html
import pytest

from articles.importing import ParsedArticle, decode, parse_file
from articles.importing.accuracy import (
    CORPUS_DIR,
    EXPECTED_KEYS,
    FIELDS,
    TEXT_FIELDS,
    block_text,
    compare,
    identifying_names,
    load_corpus,
    normalise,
)

#: The corpus the importer was written with, then two written without sight of it (held out,
#: blind); all three are measured the same way.
CORPORA = {name: CORPUS_DIR.parent / name for name in ("corpus", "holdout", "blind")}
CAPTURES = [
    replace(capture, name=f"{corpus}/{capture.name}")
    for corpus, directory in CORPORA.items()
    for capture in load_corpus(directory)
]
IMPORTER_SOURCE = Path(__file__).resolve().parent.parent / "articles" / "importing"
#: Captures each corpus must keep to measure something (the main corpus: the 13 layouts it
#: was written for, issue 7 asks for 12; its README lists them).
MIN_CAPTURES = {"corpus": 13, "holdout": 10, "blind": 12}


def by_name(capture):
    return capture.name


def page_text(capture) -> str:
    """The decoded page as saved (markup included)."""
    return decode(capture.page.read_bytes())


def visible_text(capture) -> str:
    """What a reader sees on the page, normalised: markup, scripts and styles removed."""
    page = page_text(capture)
    if capture.page.suffix == ".html":
        root = lxml.html.document_fromstring(page)
        for element in root.iter("script", "style", "head"):
            element.drop_tree()
        return block_text(root)
    return normalise(page)


def article_span(capture) -> str:
    """The page's visible text from the body's first words to its last ones."""
    text = visible_text(capture)
    expected = capture.expected
    end = text.rfind(normalise(expected["body_ends_with"]))
    start = text.rfind(normalise(expected["body_starts_with"]), 0, max(end, 0))
    assert start >= 0 and end > start, f"{capture.name}: body start/end not found in the page"
    return text[start : end + len(normalise(expected["body_ends_with"]))]


# --- The importer on each capture -----------------------------------------------------------


@pytest.mark.parametrize("capture", CAPTURES, ids=by_name)
def test_capture_is_recognised_field_by_field(capture):
    parsed = parse_file(capture.page)

    outcome = compare(capture.expected, parsed, capture.name)

    if not outcome.ok:  # every wrong field at once, not only the first
        pytest.fail(outcome.explain(), pytrace=False)


def test_importer_code_names_no_capture():
    code = {
        path.relative_to(IMPORTER_SOURCE).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(IMPORTER_SOURCE.rglob("*.py"))
    }
    found = [
        f"{path} names {name!r} (from {capture.name})"
        for capture in CAPTURES
        for name in sorted(identifying_names(capture))
        for path, text in code.items()
        if name in text or unicodedata.normalize("NFKC", name) in text
    ]

    assert code, "no importer source found"
    assert not found, "\n".join(found)


# --- The comparison itself can fail ---------------------------------------------------------


def as_parsed(expected, **changes) -> ParsedArticle:
    """A ParsedArticle that is exactly what ``expected`` describes, then ``changes``."""
    paragraphs = ["x"] * expected["body_paragraphs"]
    paragraphs[0] = expected["body_starts_with"] + paragraphs[0]
    paragraphs[-1] = paragraphs[-1] + expected["body_ends_with"]
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    body += "".join(f"<div>{html.escape(text)}</div>" for text in expected["body_contains"])
    when = expected["original_published_at"]
    fields = {key: expected[key] for key in TEXT_FIELDS}
    fields.update(
        body_html=body,
        original_published_at=datetime.fromisoformat(when) if when else None,
        keywords=tuple(expected["keywords"]),
    )
    return ParsedArticle(**(fields | changes))


@pytest.mark.parametrize("capture", CAPTURES, ids=by_name)
def test_comparison_accepts_what_the_expected_fields_describe(capture):
    outcome = compare(capture.expected, as_parsed(capture.expected))

    assert outcome.ok, outcome.explain()
    assert outcome.fields_right == outcome.fields_expected == len(FIELDS)


def test_comparison_reports_each_wrong_field_and_leaked_chrome():
    expected = next(c.expected for c in CAPTURES if c.expected["original_published_at"])
    wanted = datetime.fromisoformat(expected["original_published_at"])
    midnight = wanted.replace(hour=0, minute=0, second=0)
    chrome = expected["chrome"][0]
    parsed = as_parsed(
        expected,
        title="首页 | 新闻 | 法治",
        original_published_at=midnight,
        body_html=as_parsed(expected).body_html + f"<p>{chrome}</p>",
    )

    outcome = compare(expected, parsed, "altered")

    wrong = {mismatch.field for mismatch in outcome.mismatches}
    assert wrong == {"title", "original_published_at", "body_ends_with", "body_paragraphs"}
    assert "time of day lost" in outcome.explain()
    assert (chrome, "body_html") in outcome.leaked
    assert outcome.fields_right == len(FIELDS) - 4
    assert not outcome.ok


# --- The corpus is consistent ---------------------------------------------------------------


@pytest.mark.parametrize("corpus", CORPORA)
def test_corpus_has_every_layout_once(corpus):
    captures = load_corpus(CORPORA[corpus])
    names = [capture.name for capture in captures]
    numbers = [name.split("-", 1)[0] for name in names]

    assert len(captures) >= MIN_CAPTURES[corpus]
    assert all(re.fullmatch(r"\d\d-[a-z0-9-]+", name) for name in names), names
    assert len(set(numbers)) == len(numbers), "two captures share a number"
    assert {capture.page.suffix for capture in captures} == {".txt", ".html"}
    assert all(set(capture.expected) == EXPECTED_KEYS for capture in captures)


@pytest.mark.parametrize("capture", CAPTURES, ids=by_name)
def test_expected_fields_are_on_the_page(capture):
    expected = capture.expected
    raw, text = normalise(page_text(capture)), visible_text(capture)

    for key in ("title", "subtitle", "body_starts_with", "body_ends_with"):
        assert normalise(expected[key]) in text, f"{key} {expected[key]!r} not on the page"
    for wanted in expected["body_contains"]:
        assert normalise(wanted) in raw, f"body_contains {wanted!r} not on the page"
    for chrome in expected["chrome"]:
        assert normalise(chrome) in raw, f"chrome {chrome!r} is not on the page"
    when = expected["original_published_at"]
    assert when is None or datetime.fromisoformat(when).utcoffset() is not None
    assert isinstance(expected["body_paragraphs"], int) and expected["body_paragraphs"] > 0


@pytest.mark.parametrize("capture", CAPTURES, ids=by_name)
def test_chrome_is_outside_the_article(capture):
    expected = capture.expected
    article = article_span(capture)
    fields = [normalise(expected[key]) for key in ("title", "subtitle", "lead", "byline")]
    fields += [normalise(expected[key]) for key in ("source_name", "source_editor")]
    fields += [normalise(expected[key]) for key in ("source_issue", "source_url")]
    fields += [normalise(word) for word in expected["keywords"]]

    for chrome in map(normalise, expected["chrome"]):
        assert chrome not in article, f"chrome {chrome!r} is inside the article text"
        assert not any(chrome in value for value in fields), f"{chrome!r} is in a field"
