"""Operations on articles: the one place where an article's state or counters change.

The admin, the views and the management commands call these functions; none of them updates
``status`` or ``view_count`` by hand.
"""

import hashlib
import html
import re
import unicodedata
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import strip_tags

from .models import Article, ArticleImage, Tag
from .sanitize import words_only
from .storage import private_storage

#: User agents that are robots, link previewers or command-line clients; their requests are
#: not reader views. Matched case-insensitively anywhere in the User-Agent header.
BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|embedly|feedfetcher|monitor|"
    r"curl|wget|python-requests|python-urllib|httpclient|headless|lighthouse|pingdom",
    re.IGNORECASE,
)


def is_reader_request(request) -> bool:
    """Whether ``request`` is a human reader's page view worth counting.

    Only ``GET`` requests from a non-empty, non-robot User-Agent count; browser prefetches
    (``Sec-Purpose``/``Purpose: prefetch``) and loads of the page as a sub-resource (an
    ``<img>`` or ``<iframe>`` pointing at it: ``Sec-Fetch-Dest`` other than ``document``,
    W3C Fetch Metadata §2.1) do not.
    """
    if request.method != "GET":
        return False
    user_agent = request.headers.get("User-Agent", "")
    if not user_agent or BOT_USER_AGENT.search(user_agent):
        return False
    if request.headers.get("Sec-Fetch-Dest", "document").lower() != "document":
        return False
    purpose = request.headers.get("Sec-Purpose", "") + request.headers.get("Purpose", "")
    return "prefetch" not in purpose.lower()


def record_view(article: Article) -> int:
    """Add one view to ``article`` atomically in the database and return the new count.

    The increment is a single ``UPDATE ... SET view_count = view_count + 1`` (no
    read-modify-write), so N concurrent views add exactly N. ``article.view_count`` is set to
    the displayed value (the loaded count plus one) without another query.
    """
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
    article.view_count += 1
    return article.view_count


@transaction.atomic
def publish(article: Article, at=None) -> Article:
    """Publish ``article`` at ``at`` (aware datetime; default: now, or its scheduled time).

    A future ``at`` schedules it: ``published()`` shows it from then on.
    """
    article.status = Article.Status.PUBLISHED
    article.published_at = at or article.published_at or timezone.now()
    article.save(update_fields=["status", "published_at", "updated_at"])
    return article


@transaction.atomic
def withdraw(article: Article) -> Article:
    """Withdraw ``article`` from readers (status ``withdrawn``); nothing is deleted."""
    article.status = Article.Status.WITHDRAWN
    article.save(update_fields=["status", "updated_at"])
    return article


@transaction.atomic
def take_down(article: Article, reason: str, *, public_notice: str = "", at=None) -> Article:
    """Take ``article`` down: from now on it is in no listing, feed, sitemap or search, and
    its URL answers HTTP 451 with a tombstone (RFC 7725 §3). Nothing else changes.

    Args:
        article: the article; taking down one that is already down updates its reason.
        reason: an ``Article.Removal`` value (rights holder's notice or illegal content).
        public_notice: text shown on the tombstone, e.g. the notice itself (contact details
            redacted) when the poster could not be reached (Regulation on the Protection of
            the Right to Network Dissemination of Information, Art. 15).
        at: aware datetime of the takedown; default now.

    Raises:
        ValueError: ``reason`` is not an ``Article.Removal`` value.
    """
    if reason not in Article.Removal.values:
        raise ValueError(f"Unknown takedown reason: {reason!r}")
    already_down = article.removed_at is not None
    _set_removal(article, at or timezone.now(), reason, public_notice)
    if not already_down:
        transaction.on_commit(partial(move_renditions, article.pk, withhold=True), robust=True)
    return article


@transaction.atomic
def restore(article: Article) -> Article:
    """Bring a taken-down ``article`` back exactly as it was (status, publish time, body,
    images, tags and view count are untouched by a takedown)."""
    was_down = article.removed_at is not None
    _set_removal(article, None, "", "")
    if was_down:
        transaction.on_commit(partial(move_renditions, article.pk, withhold=False), robust=True)
    return article


def _set_removal(article: Article, removed_at, reason: str, public_notice: str) -> None:
    article.removed_at = removed_at
    article.removal_reason = reason
    article.removal_notice = public_notice
    article.save(update_fields=["removed_at", "removal_reason", "removal_notice", "updated_at"])


#: Folder of the private storage that holds the renditions of taken-down articles.
WITHHELD_FOLDER = "withheld"


def move_renditions(article_pk: int, *, withhold: bool) -> None:
    """Move the public display renditions of an article's images into the private storage
    (``withhold=True``, on takedown: their public URLs answer 404 while the article is down)
    or back to the same public names (on restoration). Runs after the takedown or
    restoration commits; a file already where it should be is left alone."""
    for image in ArticleImage.objects.filter(article_id=article_pk).exclude(rendition=""):
        public, name = image.rendition.storage, image.rendition.name
        hidden = f"{WITHHELD_FOLDER}/{name}"
        source, target = (public, private_storage) if withhold else (private_storage, public)
        source_name, target_name = (name, hidden) if withhold else (hidden, name)
        if not source.exists(source_name):
            continue
        if target.exists(target_name):
            target.delete(target_name)
        with source.open(source_name, "rb") as handle:
            target.save(target_name, handle)
        source.delete(source_name)


#: Key of the PostgreSQL advisory lock that serializes imports (any constant bigint).
IMPORT_LOCK_KEY = 0x4E45_5753_494D_5054  # "NEWSIMPT"


def _lock_imports():
    """Serialize imports until the transaction ends, so two imports of the same page (which
    may have no source URL to make unique) cannot both pass the duplicate check.

    On PostgreSQL an advisory transaction lock; SQLite's IMMEDIATE transactions already
    take the database's write lock at their start.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


def find_imported(parsed) -> Article | None:
    """The article already imported from the page ``parsed`` describes, or ``None``.

    The one duplicate rule of the importer (:func:`import_article` applies it; the admin's
    import page shows it before saving), first match wins:

    1. the same non-empty ``source_url``;
    2. the same body text (:func:`source_fingerprint`), so that a page whose title an
       editor corrected on import is still known when it comes again;
    3. the same ``title`` and the same ``original_published_at`` to the minute (both
       possibly empty): a form or widget that drops the seconds still matches.

    The oldest such article is returned.

    Args:
        parsed: an :class:`articles.importing.ParsedArticle` (or anything with ``title``,
            ``body_html``, ``original_published_at`` and ``source_url``).
    """
    imported = Article.objects.order_by("pk")
    if parsed.source_url:
        existing = imported.filter(source_url=parsed.source_url).first()
        if existing is not None:
            return existing
    fingerprint = source_fingerprint(getattr(parsed, "body_html", ""))
    if fingerprint:
        existing = imported.filter(source_fingerprint=fingerprint).first()
        if existing is not None:
            return existing
    moment = parsed.original_published_at
    if moment is None:
        return imported.filter(title=parsed.title, original_published_at=None).first()
    minute = moment.replace(second=0, microsecond=0)
    return imported.filter(
        title=parsed.title,
        original_published_at__gte=minute,
        original_published_at__lt=minute + timedelta(minutes=1),
    ).first()


#: Shortest body text (characters, spaces and punctuation left out) worth a fingerprint: a
#: shorter one (an empty migrated body, a one-line notice) may well recur in another article.
FINGERPRINT_MIN_CHARS = 50


def source_fingerprint(body_html: str) -> str:
    """A SHA-256 hex digest of the body's text (tags, entities, spaces and punctuation
    left out, NFKC-normalised), or ``""`` when the text is shorter than
    ``FINGERPRINT_MIN_CHARS``."""
    text = unicodedata.normalize("NFKC", html.unescape(strip_tags(body_html or "")))
    text = words_only(text)
    if len(text) < FINGERPRINT_MIN_CHARS:
        return ""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def article_from(parsed, **fields) -> Article:
    """An unsaved :class:`Article` holding the recognised fields of ``parsed`` (an
    :class:`articles.importing.ParsedArticle`; not its keywords, which are tags and need a
    saved article) and the model fields given as ``fields``."""
    return Article(
        title=parsed.title,
        subtitle=parsed.subtitle,
        lead=parsed.lead,
        byline=parsed.byline,
        body=parsed.body_html,
        original_published_at=parsed.original_published_at,
        source_name=parsed.source_name,
        source_issue=parsed.source_issue,
        source_editor=parsed.source_editor,
        source_url=parsed.source_url,
        **fields,
    )


@transaction.atomic
def import_article(
    parsed,
    *,
    category=None,
    publish_now=False,
    backdate=False,
    poster=None,
    poster_ip=None,
) -> tuple[Article, bool]:
    """Create an article from a parsed saved page, unless that source was imported already.

    Args:
        parsed: an :class:`articles.importing.ParsedArticle`.
        category: a ``Category`` or ``None``.
        publish_now: publish the new article (through :func:`publish`); else it is a draft.
        backdate: with ``publish_now``, use the original publication time (when the page
            has one) as the publish time, as the source site showed it; else now.
        poster: the user named as poster; default the system user
            ``settings.IMPORT_SYSTEM_USERNAME``, created on demand (unusable password, not
            staff). ``poster_nickname`` is the poster's username.
        poster_ip: the poster's IP address as a string, or ``None``. The source page's own
            发布人 / IP are never used: they belong to the source site.

    Returns:
        ``(article, created)``; ``parsed.keywords`` become the new article's tags (the first
        :data:`MAX_IMPORTED_TAGS` distinct ones; one longer than a tag name can be is dropped,
        not cut: see :func:`_tag_names`). When the source was imported already
        (:func:`find_imported`: the same non-empty ``source_url``, or the same title and
        ``original_published_at``), that article is returned unchanged with
        ``created=False``.

    Raises:
        django.core.exceptions.ValidationError: a field does not fit the model (too long a
            title, an invalid ``poster_ip`` or ``source_url``, ...); nothing is written.
    """
    _lock_imports()
    existing = find_imported(parsed)
    if existing is not None:
        return existing, False

    if poster is None:
        user_model = get_user_model()
        poster, _ = user_model.objects.get_or_create(
            **{user_model.USERNAME_FIELD: settings.IMPORT_SYSTEM_USERNAME},
            defaults={"password": make_password(None), "is_staff": False},
        )
    nickname_length = Article._meta.get_field("poster_nickname").max_length
    article = article_from(
        parsed,
        source_fingerprint=source_fingerprint(parsed.body_html),
        category=category,
        poster=poster,
        poster_nickname=poster.get_username()[:nickname_length],
        poster_ip=poster_ip or None,
        status=Article.Status.DRAFT,
    )
    article.full_clean()
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError:
        # A concurrent import of the same source won the race (article_unique_source_url).
        return Article.objects.get(source_url=parsed.source_url), False
    if parsed.keywords:
        article.tags.add(*_tag_names(parsed.keywords))
    if publish_now:
        publish(article, at=parsed.original_published_at if backdate else None)
    return article, True


#: Keywords of one imported page that become tags, at most: a page listing thousands of
#: keywords (a spam page, or a parser misreading a list) must not make thousands of tags.
MAX_IMPORTED_TAGS = 20


def _tag_names(keywords) -> list[str]:
    """Keywords as tag names: whitespace collapsed, no repeats (tags are case-insensitive),
    the first :data:`MAX_IMPORTED_TAGS` kept in order. A keyword longer than the tag name's
    length is dropped, not cut: a cut word is a different word, and such a "keyword" is a
    sentence, not a tag."""
    limit = Tag._meta.get_field("name").max_length
    names = {}
    for keyword in keywords:
        name = " ".join(str(keyword).split())
        if name and len(name) <= limit:
            names.setdefault(name.casefold(), name)
            if len(names) == MAX_IMPORTED_TAGS:
                break
    return list(names.values())
