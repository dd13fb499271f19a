"""The benchmark script keeps working as the models change (its numbers are in the README)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_runs_on_a_small_database():
    result = subprocess.run(
        [sys.executable, "scripts/benchmark.py", "--articles", "30", "--repeat", "3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for page in ["home /", "article detail", "RSS feed", "peak RSS"]:
        assert page in result.stdout
