"""Running a bulk migration against the database: the lines of
:mod:`articles.importing.jsonl` in (one transaction per line, through
:func:`articles.services.import_article` and the status services) and articles out.

``manage.py import_articles`` and ``export_articles`` are thin wrappers around
:func:`import_lines` and :func:`export_lines`.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .. import services
from ..models import Article, Category
from .fields import ArticleImportError
from .jsonl import (
    MAX_LINE_BYTES,
    NOT_IMPORTED,
    ArticleLine,
    article_line,
    numbered_lines,
    parse_line,
)

#: Articles read per query while exporting (their tags are fetched per chunk).
EXPORT_CHUNK_SIZE = 500


@dataclass
class ImportSummary:
    """Counts of one import run: lines imported, duplicates of existing articles, failed."""

    imported: int = 0
    duplicates: int = 0
    failed: int = 0

    def __str__(self):
        return _("imported %(imported)d, duplicates %(duplicates)d, failed %(failed)d") % {
            "imported": self.imported,
            "duplicates": self.duplicates,
            "failed": self.failed,
        }


# --- Saving ----------------------------------------------------------------------------------


@transaction.atomic
def save_line(line: ArticleLine, *, poster=None) -> tuple[Article, bool]:
    """Create the article of ``line`` through :func:`services.import_article`, then give it
    its status, publish time and the extras, all in one transaction.

    A duplicate (same ``source_url``, or same title and original time) changes nothing:
    categories this call created are rolled back and ``(existing, False)`` returned.
    ``poster`` is a user or ``None`` (the importer system user).

    The line is checked against the model (:func:`validate_line`) before the duplicate
    rule runs: an invalid line is an error even when it matches an existing article.

    Raises:
        ValidationError: a field does not fit the model (``message_dict`` names it); nothing
            of the line is written.
    """
    validate_line(line)
    category = category_for_path(line.category_path)
    article, created = services.import_article(line.parsed, category=category, poster=poster)
    if not created:
        transaction.set_rollback(True)
        return article, False
    if line.status == Article.Status.PUBLISHED or (
        line.status == Article.Status.WITHDRAWN and line.published_at
    ):
        # A withdrawn article was published first; both steps are invisible until commit.
        services.publish(article, at=line.published_at)
    if line.status == Article.Status.WITHDRAWN:
        services.withdraw(article)
    elif line.status == Article.Status.DRAFT and line.published_at:
        article.published_at = line.published_at  # a draft's planned time, as in the admin
        article.save(update_fields=["published_at", "updated_at"])
    if line.slug or line.disclaimer:
        article.slug = line.slug or article.slug
        article.disclaimer = line.disclaimer
        article.save(update_fields=["slug", "disclaimer", "updated_at"])
    if line.view_count:
        # The row was created in this transaction: no reader has counted a view of it yet.
        Article.objects.filter(pk=article.pk).update(view_count=line.view_count)
        article.view_count = line.view_count
    if line.takedown:
        services.take_down(
            article, line.takedown.reason, public_notice=line.takedown.notice, at=line.takedown.at
        )
    return article, True


def validate_line(line: ArticleLine) -> None:
    """Check the article fields of ``line`` against the model (lengths, the source URL,
    times, slug, status), without touching the database.

    Raises:
        ValidationError: a field does not fit; ``message_dict`` names it.
    """
    services.article_from(
        line.parsed,
        slug=line.slug,
        disclaimer=line.disclaimer,
        status=line.status,
        published_at=line.published_at,
    ).full_clean(validate_unique=False, validate_constraints=False)


def category_for_path(path: Iterable[str]) -> Category | None:
    """The category at ``path`` (names from the root), creating the missing ones under their
    parent with a unique slug made from the name; ``None`` for an empty path. Where a parent
    has several children of one name, the oldest is taken.

    Raises:
        ValidationError: a new category does not fit the model.
    """
    parent = None
    for name in path:
        category = Category.objects.filter(parent=parent, name=name).order_by("pk").first()
        if category is None:
            category = Category(name=name, parent=parent, slug=_unique_category_slug(name))
            category.full_clean()
            category.save()
        parent = category
    return parent


def _unique_category_slug(name: str) -> str:
    limit = Category._meta.get_field("slug").max_length - 8  # room for "-<n>"
    base = slugify(name, allow_unicode=True).strip("-_")[:limit].strip("-_") or "category"
    slug, number = base, 1
    while Category.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def import_lines(
    stream,
    *,
    poster=None,
    error: Callable[[int, str], None],
    warn: Callable[[int, str], None],
    duplicate: Callable[[int, Article], None] | None = None,
) -> ImportSummary:
    """Import every line of the binary ``stream``, one transaction per line.

    A bad line is reported through ``error(line_number, reason)`` and skipped; the first
    line with a key outside the format is reported through ``warn(line_number, message)``
    once per key name; ``duplicate(line_number, article)`` is told of each duplicate.

    Returns:
        the :class:`ImportSummary`. Database errors other than validation propagate: they
        are not the line's fault.
    """
    summary, warned = ImportSummary(), set()
    for number, data in numbered_lines(stream):
        try:
            if data is None:
                raise ArticleImportError(
                    _("longer than %(limit)d bytes") % {"limit": MAX_LINE_BYTES}
                )
            line = parse_line(data)
            if line is None:
                continue
            for key in line.ignored_keys:
                if key not in warned:
                    warned.add(key)
                    warn(number, _unknown_key_message(key))
            article, created = save_line(line, poster=poster)
        except ArticleImportError as exc:
            summary.failed += 1
            error(number, str(exc))
            continue
        except ValidationError as exc:
            summary.failed += 1
            error(number, _validation_message(exc))
            continue
        if created:
            summary.imported += 1
            tags = len({name.casefold() for name in line.parsed.keywords})
            if tags > services.MAX_IMPORTED_TAGS:
                warn(
                    number,
                    _("%(count)d tags; only the first %(limit)d were imported")
                    % {"count": tags, "limit": services.MAX_IMPORTED_TAGS},
                )
        else:
            summary.duplicates += 1
            if line.takedown and article.removed_at is None:
                warn(number, _("duplicate of an article that is not taken down here; check it"))
            if duplicate:
                duplicate(number, article)
    return summary


def _unknown_key_message(key: str) -> str:
    reason = NOT_IMPORTED.get(key)
    if reason:
        return _("key %(key)s is not imported (%(reason)s)") % {"key": key, "reason": _(reason)}
    return _("key %(key)s is not part of the format; ignored in every line") % {"key": key}


def _validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
        )
    return " ".join(exc.messages)


# --- Exporting -------------------------------------------------------------------------------


def articles_to_export(statuses: Iterable[str] = (), *, include_taken_down: bool = False):
    """The articles an export writes, ordered by id, with their tags prefetched: all
    statuses unless ``statuses`` names some; taken-down articles only with
    ``include_taken_down`` (a takedown is a legal decision; see the export command)."""
    articles = Article.objects.order_by("pk").defer("body_text").prefetch_related("tags")
    if statuses:
        articles = articles.filter(status__in=list(statuses))
    if not include_taken_down:
        articles = articles.filter(removed_at__isnull=True)
    return articles


def category_paths() -> dict[int, list[str]]:
    """Every category's path of names from the root, by pk, in one query (the table is
    small). A corrupt tree with a cycle gives a path that stops before repeating."""
    rows = {
        pk: (name, parent)
        for pk, name, parent in Category.objects.values_list("pk", "name", "parent_id")
    }
    paths = {}
    for pk in rows:
        names, seen, node = [], set(), pk
        while node is not None and node not in seen and node in rows:
            seen.add(node)
            names.append(rows[node][0])
            node = rows[node][1]
        paths[pk] = names[::-1]
    return paths


def export_lines(articles, paths: dict[int, list[str]] | None = None) -> Iterator[str]:
    """Each article of the queryset ``articles`` as one line of the format (ending in
    ``\\n``), streamed with ``.iterator()``: the query count does not grow with the number
    of articles (one for categories, two per :data:`EXPORT_CHUNK_SIZE` articles)."""
    paths = category_paths() if paths is None else paths
    for article in articles.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield article_line(article, paths)
