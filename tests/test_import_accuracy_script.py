"""``scripts/import_accuracy.py`` measures the corpus and prints its table (issue 7)."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

from articles.importing.accuracy import CORPUS_DIR, load_corpus

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "import_accuracy.py"


def run(*args):
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_script_prints_a_row_per_capture_and_a_total():
    result = run()

    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["capture", "fields", "right", "chrome", "leaked"]
    for capture in load_corpus():
        assert any(line.startswith(capture.name + " ") for line in lines), capture.name
    total = [line for line in lines if line.startswith("total: ")]
    assert len(total) == 1 and "fields right" in total[0] and "chrome lines leaked" in total[0]


def test_strict_fails_on_a_wrong_expectation(tmp_path):
    """A capture whose expected title is wrong can never be entirely right: --strict says 1,
    and without --strict the status stays 0."""
    capture = load_corpus()[0]
    shutil.copy(capture.page, tmp_path / capture.page.name)
    expected = dict(capture.expected, title="不是这个标题")
    (tmp_path / f"{capture.name}.expected.json").write_text(
        json.dumps(expected, ensure_ascii=False), encoding="utf-8"
    )

    lenient, strict = run("--corpus", tmp_path), run("--corpus", tmp_path, "--strict", "--details")

    assert lenient.returncode == 0, lenient.stderr[-3000:]
    assert strict.returncode == 1, strict.stderr[-3000:]
    assert "title: expected '不是这个标题'" in strict.stdout
    assert "total: " in strict.stdout


def test_unreadable_corpus_is_a_clear_error(tmp_path):
    (tmp_path / "01-orphan.expected.json").write_text("{}", encoding="utf-8")

    result = run("--corpus", tmp_path)

    assert result.returncode == 2
    assert "cannot read the corpus" in result.stderr and "01-orphan" in result.stderr
    assert "Traceback" not in result.stderr


def test_default_corpus_is_the_fixture_folder():
    assert CORPUS_DIR == ROOT / "tests" / "fixtures" / "import" / "corpus"
