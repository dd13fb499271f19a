"""``manage.py export_articles``: every article as JSON Lines, for ``import_articles``.

Writes the format of :mod:`articles.importing.jsonl`, one article per line, ordered by id,
to standard output or ``--output FILE`` (written under a temporary name and renamed when
complete, so a failed export never leaves half a file under the real name). All statuses
by default; ``--status`` (repeatable) keeps some.

Taken-down articles are left out unless ``--include-taken-down``: a takedown is a legal
decision (a rights holder's notice, an illegal-content report) that a migration must not
undo by importing the article as if nothing had happened elsewhere. With the option, their
lines carry a ``takedown`` object and ``import_articles`` takes them down the same way on
arrival; the notice-and-action cases behind them are not in the file.
"""

import contextlib
import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.importing.bulk import articles_to_export, export_lines
from articles.models import Article


class Command(BaseCommand):
    help = "Export articles as JSON Lines (the format import_articles reads), ordered by id."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", metavar="FILE", help="Write to FILE instead of standard output."
        )
        parser.add_argument(
            "--status",
            action="append",
            choices=Article.Status.values,
            help="Only articles with this status (repeat for several; default: all).",
        )
        parser.add_argument(
            "--include-taken-down",
            action="store_true",
            help="Also export taken-down articles (they arrive taken down).",
        )

    def handle(self, *args, output, status, include_taken_down, **options):
        lines = export_lines(
            articles_to_export(status or (), include_taken_down=include_taken_down)
        )
        if not output or output == "-":
            count = self._write_stdout(lines)
        else:
            count = self._write_file(Path(output), lines)
        # On standard error, so that standard output stays pure JSON Lines.
        self.stderr.write(f"exported {count} article(s)", style_func=self.style.SUCCESS)

    def _write_stdout(self, lines) -> int:
        count = 0
        try:
            for count, line in enumerate(lines, start=1):  # noqa: B007
                self.stdout.write(line, ending="")
            self.stdout.flush()
        except BrokenPipeError:
            # The reader stopped early (``| head``): say so without a traceback, and keep
            # Python from failing again when it flushes standard output at exit; close the
            # query's cursor while the connection is still open.
            lines.close()
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise CommandError("standard output closed before the export was complete.") from None
        return count

    def _write_file(self, path: Path, lines) -> int:
        count = 0
        try:
            handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below)
                "w", encoding="utf-8", newline="", dir=path.parent or ".",
                prefix=f".{path.name}.", suffix=".partial", delete=False,
            )  # fmt: skip
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}.") from exc
        try:
            with handle:
                for count, line in enumerate(lines, start=1):  # noqa: B007
                    handle.write(line)
            os.replace(handle.name, path)
        except BaseException:
            Path(handle.name).unlink(missing_ok=True)
            raise
        return count
