"""Accuracy of the importer on the corpus of saved pages (issue 7): a table per capture.

Usage: ``make import-accuracy`` (also part of ``make bench``) or
``.venv/bin/python scripts/import_accuracy.py [--corpus DIR] [--details] [--strict]``.

For each capture of the corpus (default ``tests/fixtures/import/corpus/``) prints the fields
recognised right out of the fields expected and the number of chrome strings that leaked into
the article, then a total line. The rules are those of ``tests/test_import_corpus.py``
(:mod:`articles.importing.accuracy`). ``--details`` lists every wrong field. The exit
status is 0, or with ``--strict`` 1 when any field is wrong or any chrome leaked; 2 when the
corpus itself cannot be read.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=None, help="folder of captures")
    parser.add_argument("--details", action="store_true", help="list every wrong field")
    parser.add_argument("--strict", action="store_true", help="exit 1 unless all is right")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings_test")
    import django

    django.setup()
    from articles.importing.accuracy import CORPUS_DIR, load_corpus, measure

    try:
        captures = load_corpus(args.corpus or CORPUS_DIR)
    except (OSError, ValueError) as error:
        print(f"import_accuracy: cannot read the corpus: {error}", file=sys.stderr)
        return 2
    outcomes = [measure(capture) for capture in captures]

    width = max([len("capture"), *(len(outcome.capture) for outcome in outcomes)])
    print(f"{'capture':<{width}}  {'fields right':>12}  {'chrome leaked':>13}")
    for outcome in outcomes:
        right = f"{outcome.fields_right}/{outcome.fields_expected}"
        note = "  (not parsed)" if outcome.error else ""
        print(f"{outcome.capture:<{width}}  {right:>12}  {outcome.chrome_leaked:>13}{note}")
    right = sum(outcome.fields_right for outcome in outcomes)
    expected = sum(outcome.fields_expected for outcome in outcomes)
    leaked = sum(outcome.chrome_leaked for outcome in outcomes)
    share = f"{100 * right / expected:.1f}%" if expected else "n/a"
    perfect = sum(outcome.ok for outcome in outcomes)
    print(
        f"total: {right}/{expected} fields right ({share}), {leaked} chrome lines leaked, "
        f"{perfect}/{len(outcomes)} captures entirely right"
    )
    if args.details:
        for outcome in outcomes:
            if not outcome.ok:
                print("\n" + outcome.explain())
    all_right = all(outcome.ok for outcome in outcomes)
    return 1 if args.strict and not all_right else 0


if __name__ == "__main__":
    sys.exit(main())
