"""``manage.py import_article SOURCE…``: import republished articles from saved pages or URLs.

A source is a page saved from a court publication's site (plain text or HTML, UTF-8 or
GB18030), a folder of such pages (its ``.txt``/``.htm``/``.html`` files, in name order, not
recursive) or an ``http(s)`` address, which is fetched and whose body images are downloaded
into the new article's gallery (``--no-images`` skips them; a failed image is a warning).
Each source is recognised with :mod:`articles.importing` and created through
:func:`articles.services.import_article`: a draft, or published with ``--publish``. A source
imported before is left alone and the command says where it is. ``--dry-run`` shows what
would be imported and saves (and downloads) nothing beyond the page itself.

One source keeps to one result: a failure is a ``CommandError``. Several sources (or a
folder) are a batch: a progress bar on a terminal, each failure reported with the source's
name and skipped, a summary line ``imported N, duplicates N, failed N``, and exit status 1
when any failed.
"""

import html
import re
from collections import Counter
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_ipv46_address
from django.urls import reverse
from django.utils.encoding import uri_to_iri
from django.utils.html import strip_tags
from tqdm import tqdm

from articles import services
from articles.importing import ArticleImportError, expand_sources, read_source
from articles.importing.images import import_images
from articles.management.options import poster_named
from articles.models import Article, Category

#: Seconds the images of one fetched page may take to download together (see
#: ``import_images``): larger than the admin's, since no web worker waits on the command.
IMAGE_TIME_BUDGET_SECONDS = 300
#: Lines of the body shown by --dry-run.
DRY_RUN_BODY_LINES = 5
_CELL_END = re.compile(r"</t[dh]\s*>", re.I)
_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|tr|blockquote|pre|div|caption)\s*>|<br\s*/?>", re.I)


class Command(BaseCommand):
    help = (
        "Import republished articles from pages saved as text or HTML, folders of them, or "
        "http(s) addresses; creates drafts (or published articles with --publish) unless a "
        "source was imported before."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "sources",
            nargs="+",
            metavar="SOURCE",
            help="A saved page (.txt or .html, UTF-8 or GB18030), a folder of them "
            "(not recursive) or an http(s) address.",
        )
        parser.add_argument("--category", metavar="SLUG", help="Slug of the article's category.")
        parser.add_argument(
            "--publish", action="store_true", help="Publish now instead of creating a draft."
        )
        parser.add_argument(
            "--backdate",
            action="store_true",
            help="With --publish: publish at the original publication time (发布日期), not now.",
        )
        parser.add_argument(
            "--poster",
            metavar="USERNAME",
            help="User named as poster (default: the importer system user).",
        )
        parser.add_argument(
            "--poster-ip", metavar="ADDRESS", help="The poster's IP address (default: none)."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show the recognised fields and the start of the body; save nothing.",
        )
        parser.add_argument(
            "--no-images",
            action="store_true",
            help="Do not download the images of a fetched page into the gallery.",
        )

    def handle(self, *args, sources, dry_run, no_images, **options):
        if options["backdate"] and not options["publish"]:
            raise CommandError("--backdate only applies with --publish.")
        self.dry_run, self.images = dry_run, not no_images
        self.import_options = {
            "category": self._category(options["category"]),
            "poster": poster_named(options["poster"]),
            "poster_ip": self._poster_ip(options["poster_ip"]),
            "publish_now": options["publish"],
            "backdate": options["backdate"],
        }
        items = expand_sources(sources)
        # A folder with files is a batch even of one; an empty one fails as a single source.
        self.batch = len(sources) > 1 or items != [source.strip() for source in sources]
        if not self.batch:
            self._import(items[0])
            return

        counts = Counter()
        with tqdm(
            items, file=self.stderr._out, disable=not self.stderr.isatty(), unit="page"
        ) as progress:
            for source in progress:
                try:
                    counts[self._import(source)] += 1
                except CommandError as exc:
                    self._say(self.stderr, str(exc), self.style.ERROR)
                    counts["failed"] += 1
                except Exception as exc:  # a bug or a database error: still only this source
                    self._say(self.stderr, f"{source}: {exc.__class__.__name__}: {exc}")
                    counts["failed"] += 1
        if dry_run:
            summary = f"checked {counts['checked']}, failed {counts['failed']} (nothing saved)"
        else:
            summary = (
                f"imported {counts['imported']}, duplicates {counts['duplicate']}, "
                f"failed {counts['failed']}"
            )
        self.stdout.write(summary)
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} of {len(items)} sources failed.")

    def _import(self, source) -> str:
        """Import (or with --dry-run show) one source; ``"imported"``, ``"duplicate"`` or
        ``"checked"``. Raises CommandError naming the source."""
        try:
            parsed, origin = read_source(source)
        except ArticleImportError as exc:
            raise CommandError(str(exc)) from exc
        if self.dry_run:
            self._show(source, parsed)
            return "checked"
        try:
            article, created = services.import_article(parsed, **self.import_options)
        except ValidationError as exc:
            details = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
            )
            raise CommandError(f"{source}: cannot import ({details}).") from exc

        url = self._where(article)
        if not created:
            self._say(
                self.stdout,
                f"{self._prefix(source)}Already imported as article {article.pk} "
                f"({article.get_status_display()}): {url}; nothing changed.",
            )
            return "duplicate"
        state = "published" if self.import_options["publish_now"] else "draft"
        self._say(
            self.stdout,
            f"{self._prefix(source)}Imported article {article.pk} as {state}: {article.title}",
            self.style.SUCCESS,
        )
        self._say(self.stdout, url)
        if origin.is_web and self.images and parsed.image_urls:
            report = import_images(
                article, parsed.image_urls, referer=origin.url, budget=IMAGE_TIME_BUDGET_SECONDS
            )
            self._say(self.stdout, f"Gallery: {len(report.saved)} images downloaded.")
            for image_url, reason in report.failed:
                self._say(self.stderr, f"Image {image_url}: {reason}", self.style.WARNING)
        elif parsed.image_urls:
            # A saved file's images are on the web (or in its _files folder): say so rather
            # than lose them silently.
            self._say(
                self.stderr,
                f"{len(parsed.image_urls)} images of the page were not downloaded"
                + (
                    " (--no-images)."
                    if origin.is_web
                    else "; import the page by its address to fetch them, or add them in the admin."
                ),
                self.style.WARNING,
            )
        return "imported"

    @staticmethod
    def _where(article) -> str:
        """Where to see the article: its page when readers can see it, else its admin page
        (a draft's public URL answers 404)."""
        if Article.objects.published().filter(pk=article.pk).exists():
            return uri_to_iri(article.get_absolute_url())  # readable CJK slug, a valid link
        return reverse("admin:articles_article_change", args=[article.pk])

    def _show(self, source, parsed):
        """Print the recognised fields (not the body's markup) and the body's first lines."""
        self._say(self.stdout, f"== {source}", self.style.MIGRATE_HEADING)
        lines = []
        for name, value in parsed.recognised().items():
            if name == "body_html":
                continue
            if isinstance(value, datetime):
                value = value.isoformat(timespec="minutes")
            elif isinstance(value, tuple):
                value = "\n    ".join(["", *value]) if name == "image_urls" else ", ".join(value)
            lines.append(f"{name}: {value or '(none)'}")
        markup = _CELL_END.sub(" | ", parsed.body_html)
        text = html.unescape(strip_tags(_BLOCK_END.sub("\n", markup)))
        body = [line.strip(" |") for line in text.splitlines() if line.strip(" |")]
        shown = min(DRY_RUN_BODY_LINES, len(body))
        lines.append(f"body (first {shown} of {len(body)} lines):")
        lines.extend(f"    {line}" for line in body[:DRY_RUN_BODY_LINES])
        if existing := services.find_imported(parsed):
            lines.append(f"(already imported as article {existing.pk}: {self._where(existing)})")
        self._say(self.stdout, "\n".join(lines))

    def _prefix(self, source) -> str:
        return f"{source}: " if self.batch else ""

    def _say(self, stream, message, style=None):
        """Write a line without breaking the progress bar (tqdm clears and redraws it)."""
        with tqdm.external_write_mode(file=stream._out):
            stream.write(message, style_func=style)

    def _category(self, slug):
        if not slug:
            return None
        try:
            return Category.objects.get(slug=slug)
        except Category.DoesNotExist:
            raise CommandError(f"--category: no category with slug {slug!r}.") from None

    def _poster_ip(self, address):
        if address:
            try:
                validate_ipv46_address(address)
            except ValidationError:
                raise CommandError(f"--poster-ip: {address!r} is not an IP address.") from None
        return address
