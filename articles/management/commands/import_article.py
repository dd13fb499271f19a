"""``manage.py import_article PATH``: import a republished article from a saved page.

Reads a page saved from a court publication's site (plain text or HTML, UTF-8 or GB18030),
recognises its fields with :mod:`articles.importing` and creates the article through
:func:`articles.services.import_article`: a draft, or published with ``--publish``. A source
imported before is left alone and the command says where it is.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_ipv46_address
from django.utils.encoding import uri_to_iri

from articles import services
from articles.importing import ArticleImportError, parse_file
from articles.models import Category


class Command(BaseCommand):
    help = (
        "Import a republished article from a page saved as text or HTML; creates a draft "
        "(or a published article with --publish) unless the source was imported before."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The saved page (.txt or .html, UTF-8 or GB18030).")
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

    def handle(self, *args, path, category, publish, backdate, poster, poster_ip, **options):
        if backdate and not publish:
            raise CommandError("--backdate only applies with --publish.")
        category = self._category(category)
        poster = self._poster(poster)
        if poster_ip:
            try:
                validate_ipv46_address(poster_ip)
            except ValidationError:
                raise CommandError(f"--poster-ip: {poster_ip!r} is not an IP address.") from None

        try:
            parsed = parse_file(path)
        except ArticleImportError as exc:
            raise CommandError(str(exc)) from exc
        try:
            article, created = services.import_article(
                parsed,
                category=category,
                publish_now=publish,
                backdate=backdate,
                poster=poster,
                poster_ip=poster_ip,
            )
        except ValidationError as exc:
            details = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
            )
            raise CommandError(f"{path}: cannot import ({details}).") from exc

        url = uri_to_iri(article.get_absolute_url())  # readable CJK slug, still a valid link
        if not created:
            self.stdout.write(
                f"Already imported as article {article.pk} ({article.get_status_display()}): "
                f"{url}; nothing changed."
            )
            return
        state = "published" if publish else "draft"
        self.stdout.write(
            self.style.SUCCESS(f"Imported article {article.pk} as {state}: {article.title}")
        )
        self.stdout.write(url)

    def _category(self, slug):
        if not slug:
            return None
        try:
            return Category.objects.get(slug=slug)
        except Category.DoesNotExist:
            raise CommandError(f"--category: no category with slug {slug!r}.") from None

    def _poster(self, username):
        if not username:
            return None
        user_model = get_user_model()
        try:
            return user_model.objects.get_by_natural_key(username)
        except user_model.DoesNotExist:
            raise CommandError(f"--poster: no user named {username!r}.") from None
