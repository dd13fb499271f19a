"""``manage.py import_articles FILE.jsonl``: bulk migration of articles from another portal.

Reads one article per line in the format of :mod:`articles.importing.jsonl` (``-`` reads
standard input), streaming, and creates each through
:func:`articles.services.import_article`, then gives it the line's status. A bad line is
reported on standard error with its line number and the reason, and skipped; the others are
imported. Prints ``imported N, duplicates N, failed N`` and exits with status 1 when a line
failed. Running it again on the same file imports nothing new (every line is a duplicate).
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.encoding import uri_to_iri

from articles.importing.bulk import import_lines
from articles.management.options import poster_named


class Command(BaseCommand):
    help = (
        "Import articles from a JSON Lines file (one article per line; - for standard "
        "input), as written by export_articles. Bad lines are reported and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .jsonl file (UTF-8), or - for standard input.")
        parser.add_argument(
            "--poster",
            metavar="USERNAME",
            help="User named as poster (default: the importer system user).",
        )

    def handle(self, *args, file, poster, verbosity, **options):
        poster = poster_named(poster)
        report = {
            "error": lambda number, reason: self.stderr.write(f"line {number}: {reason}"),
            "warn": lambda number, message: self.stderr.write(
                self.style.WARNING(f"line {number}: {message}")
            ),
        }
        if verbosity >= 2:
            report["duplicate"] = lambda number, article: self.stdout.write(
                f"line {number}: already imported as article {article.pk}: "
                f"{uri_to_iri(article.get_absolute_url())}"
            )
        if file == "-":
            summary = import_lines(sys.stdin.buffer, poster=poster, **report)
        else:
            try:
                stream = open(file, "rb")  # noqa: SIM115 (closed below)
            except OSError as exc:
                raise CommandError(f"{file}: {exc.strerror}.") from exc
            with stream:
                summary = import_lines(stream, poster=poster, **report)
        self.stdout.write(str(summary))
        if summary.failed:
            raise CommandError(f"{summary.failed} line(s) not imported; see above.")
