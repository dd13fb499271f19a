"""The blind corpus: captures of page layouts written without reading the importer.

``tests/fixtures/import/blind`` holds pages as browsers save them ("save page" HTML, "save
as text" / copy-paste text) from kinds of sites the importer's authors did not look at
while writing it, each beside the fields an editor would expect. Every capture is parsed
through the real entry point (:func:`articles.importing.parse_file`, via
:func:`articles.importing.accuracy.measure`) and compared field by field with the shared
scorer, so this test, the main corpus and ``scripts/import_accuracy.py`` agree on what
"right" means. Failures here measure how far recognition generalises; they are expected.
"""

import json
from pathlib import Path

import pytest

from articles.importing.accuracy import (
    EXPECTED_KEYS,
    EXPECTED_SUFFIX,
    PAGE_SUFFIXES,
    load_corpus,
    measure,
)

BLIND_DIR = Path(__file__).resolve().parent / "fixtures" / "import" / "blind"
#: The corpus is only a measurement if it has enough different layouts.
MIN_CAPTURES = 12

EXPECTED_FILES = sorted(BLIND_DIR.glob("*" + EXPECTED_SUFFIX))


def _name(path: Path) -> str:
    return path.name.removesuffix(EXPECTED_SUFFIX)


def test_blind_corpus_is_complete():
    """Enough captures, each one page beside one expected file with exactly the keys."""
    assert len(EXPECTED_FILES) >= MIN_CAPTURES
    problems = []
    for path in EXPECTED_FILES:
        expected = json.loads(path.read_text(encoding="utf-8"))
        keys = set(expected)
        if keys != EXPECTED_KEYS:
            problems.append(
                f"{path.name}: missing {sorted(EXPECTED_KEYS - keys)}, "
                f"unknown {sorted(keys - EXPECTED_KEYS)}"
            )
        pages = [BLIND_DIR / (_name(path) + suffix) for suffix in PAGE_SUFFIXES]
        if sum(page.is_file() for page in pages) != 1:
            problems.append(f"{path.name}: expected exactly one .txt or .html page beside it")
    assert not problems, "\n".join(problems)
    # The scorer's own loader agrees (it also rejects pages without an expected file).
    assert [capture.name for capture in load_corpus(BLIND_DIR)] == [
        _name(path) for path in EXPECTED_FILES
    ]


@pytest.mark.parametrize("name", [_name(path) for path in EXPECTED_FILES])
def test_blind_capture(name):
    """Every field of one capture as expected, and no chrome anywhere (all problems listed)."""
    capture = next(capture for capture in load_corpus(BLIND_DIR) if capture.name == name)
    outcome = measure(capture)
    assert outcome.ok, outcome.explain()
