"""Bulk migration between portals: the JSON Lines format of ``import_articles`` and
``export_articles``, reading a line into an :class:`ArticleLine` and writing an article as a
line. Pure format, no writes; :mod:`articles.importing.bulk` runs an import or an export
against the database.

The format
==========
One JSON object per line, UTF-8 (a byte-order mark at the start of the file is accepted and
never written), lines ended by ``\\n`` or ``\\r\\n``; blank lines are skipped. Keys:

=========================  ==================================================================
``title``                  string, required, not blank (at most 255 characters)
``body``                   string of HTML, required (may be ``""``); sanitized on save
``subtitle``, ``lead``,    strings (``null`` or missing: ``""``)
``byline``
``source_name``,           strings: the publication, issue, editor and address of the
``source_issue``,          original (``source_url`` a full ``http(s)`` URL or ``""``)
``source_editor``,
``source_url``
``original_published_at``  ISO 8601 with a UTC offset (``2024-05-07T09:30:00+08:00``,
                           ``…Z``) or ``null``; a time without an offset is an error, since
                           the file cannot say whose local time it is
``category``               the category's path of names from the root
                           (``["行业新闻", "热点新闻"]``) or ``[]``, at most
                           :data:`MAX_CATEGORY_DEPTH` names of at most 100 characters; missing
                           categories are created under their parent (slug from the name,
                           made unique)
``tags``                   list of tag names (created as needed; blank names dropped; the
                           first ``services.MAX_IMPORTED_TAGS`` distinct ones are imported,
                           with a warning when there are more)
``status``                 ``"draft"`` (default), ``"published"`` or ``"withdrawn"``
``published_at``           ISO 8601 with an offset, or ``null``. A published article with
                           ``null`` is published at import time; a future time schedules it;
                           a withdrawn or draft article keeps the time it had
``slug``                   the article's URL slug (``""`` or missing: made from the title),
                           so that old links can be redirected by slug
``disclaimer``             the article's own disclaimer (``""``: the site-wide one)
``view_count``             integer ≥ 0 (missing: 0), what readers saw as 浏览次数
``takedown``               only for articles that are taken down, and only in an export made
                           with ``--include-taken-down``: ``{"at": ISO 8601, "reason":
                           "rights_notice" | "personal_notice" | "illegal_content",
                           "notice": string}``; the imported article is taken down the same way
=========================  ==================================================================

Exports write the keys in this order, times in the site's time zone, tags sorted by name.

Decisions
=========
* Not carried: the poster, ``poster_nickname`` and ``poster_ip``. The poster of an imported
  article is the ``--poster`` user or the system user ``importer``, as for
  ``import_article``: the disclaimer names the poster and takedown notices are sent to them,
  so it must be an account of *this* site. The IP address is personal data (PIPL Art. 4 and
  Art. 6, data minimisation; GDPR Art. 4(1)): it was recorded to answer for a post on the site
  where it was made, a migration file travels further than that purpose, so it is never
  written, and a ``poster_ip`` key in a file is ignored.
* Not carried either: ids, ``created_at``/``updated_at`` (this database's own history), the
  image gallery (files; ``<img>`` in the body keep their addresses) and the moderation cases
  behind a takedown.
* ``view_count`` is carried because readers of the old portal saw it; it is written once, by
  an ``UPDATE`` of the row created in the same transaction, before any reader can count a
  view (so no view can be lost, which is why counters are otherwise only ``F() + 1``).
* A key outside the format is ignored with one warning per key name (exports of other
  portals carry fields of their own, ``id``, ``author_id``, ``comments``...; refusing them
  would force a rewrite of every file), while a required key that is missing or misspelt
  makes the line fail.
* A line is imported in one transaction: categories created for a line that fails, or that
  is a duplicate, are rolled back with it. A line is checked against the model before the
  duplicate rule runs, so that an invalid line is reported as such even when it matches an
  article that exists.
* A line that the JSON parser cannot take (nested deeper than Python's recursion limit, an
  integer of more than ``sys.get_int_max_str_digits()`` digits), even under a key that is
  ignored, is a bad line like any other: reported and skipped.
"""

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_unicode_slug
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..models import SLUG_MAX_LENGTH, Article, Category, Tag
from ..sanitize import normalize_text
from ..validators import validate_plausible_year
from .fields import ArticleImportError, ParsedArticle

#: Longest line accepted (bytes, line ending excluded). An article with a long body is well
#: under 1 MB of JSON; a longer line is a broken file (e.g. images inlined as data: URLs),
#: reported as a bad line and skipped without holding it in memory.
MAX_LINE_BYTES = 10 * 1024 * 1024

#: Bytes read at a time while skipping the rest of an over-long line.
_SKIP_CHUNK_BYTES = 1024 * 1024

UTF8_BOM = b"\xef\xbb\xbf"

TEXT_KEYS = ("subtitle", "lead", "byline", "source_name", "source_issue", "source_editor")
#: Keys of the format, in the order an export writes them.
KEYS = (
    "title", "subtitle", "lead", "byline", "body", "source_name", "source_issue",
    "source_editor", "source_url", "original_published_at", "category", "tags", "status",
    "published_at", "slug", "disclaimer", "view_count", "takedown",
)  # fmt: skip

#: Keys that other exports often carry and that are deliberately not imported, with why.
NOT_IMPORTED = {
    "id": gettext_noop("ids are given by this database"),
    "poster": gettext_noop("the poster is --poster or the importer user"),
    "poster_nickname": gettext_noop("the poster is --poster or the importer user"),
    "poster_ip": gettext_noop("personal data, never carried between sites"),
    "created_at": gettext_noop("this database records its own history"),
    "updated_at": gettext_noop("this database records its own history"),
}

_MAX_VIEW_COUNT = 2**63 - 1  # PositiveBigIntegerField

#: Deepest category path a line may give (names from the root). A portal's sections are two
#: or three levels deep; a longer path is a broken file, and each level is a category made.
MAX_CATEGORY_DEPTH = 5


@dataclass(frozen=True)
class Takedown:
    """A takedown carried by a line: aware time, ``Article.Removal`` value, public notice."""

    at: datetime
    reason: str
    notice: str = ""


@dataclass(frozen=True)
class ArticleLine:
    """One line of the file, checked: the :class:`ParsedArticle` that
    :func:`services.import_article` takes plus what a migration carries beyond it.

    ``category_path`` is a tuple of names from the root (``()``: no category); ``status`` an
    ``Article.Status`` value; ``published_at`` an aware datetime or ``None``; ``slug`` and
    ``disclaimer`` ``""`` when not given; ``ignored_keys`` the keys outside the format, sorted.
    """

    parsed: ParsedArticle
    category_path: tuple[str, ...] = ()
    status: str = Article.Status.DRAFT
    published_at: datetime | None = None
    slug: str = ""
    disclaimer: str = ""
    view_count: int = 0
    takedown: Takedown | None = None
    ignored_keys: tuple[str, ...] = ()


# --- Reading ---------------------------------------------------------------------------------


def numbered_lines(stream) -> Iterator[tuple[int, bytes | None]]:
    """The lines of a binary ``stream`` as ``(line number from 1, bytes)``, one at a time.

    The line ending (``\\n`` or ``\\r\\n``) and a UTF-8 byte-order mark at the start of the
    file are removed. A line longer than :data:`MAX_LINE_BYTES` comes as ``None``; its rest
    is read and dropped in chunks, never held whole.
    """
    number = 0
    while True:
        line = stream.readline(MAX_LINE_BYTES + 2)  # room for "\r\n"
        if not line:
            return
        number += 1
        if number == 1 and line.startswith(UTF8_BOM):
            line = line[len(UTF8_BOM) :]
        complete = line.endswith(b"\n")
        content = line.rstrip(b"\r\n") if complete else line
        if len(content) > MAX_LINE_BYTES:
            while not complete:
                rest = stream.readline(_SKIP_CHUNK_BYTES)
                complete = not rest or rest.endswith(b"\n")
            yield number, None
        else:
            yield number, content


def parse_line(data: bytes | str) -> ArticleLine | None:
    """Check one line of the format (see the module docstring) and return what it says;
    ``None`` for a blank line.

    Raises:
        ArticleImportError: the line is not UTF-8 or not a JSON object, a required key is
            missing, a value has the wrong type, a time has no UTC offset or an implausible
            year, a status, takedown reason or slug is invalid, or a name is too long. The
            message names the key. (Lengths of the article's own fields are checked by the
            model when the article is saved.)
    """
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ArticleImportError(
                _("not UTF-8 (byte %(byte)s at position %(position)d)")
                % {"byte": f"0x{data[exc.start]:02x}", "position": exc.start}
            ) from None
    if not data.strip():
        return None
    try:
        item = json.loads(data)
    except json.JSONDecodeError as exc:
        raise ArticleImportError(
            _("not valid JSON: %(error)s (column %(column)d)")
            % {"error": exc.msg, "column": exc.colno}
        ) from None
    except RecursionError:
        raise ArticleImportError(_("not valid JSON: nested too deeply")) from None
    except ValueError as exc:  # an integer beyond the interpreter's digit limit
        if "digits" not in str(exc):
            raise ArticleImportError(_("not valid JSON: %(error)s") % {"error": exc}) from None
        raise ArticleImportError(
            _("not valid JSON: a number has more than %(limit)d digits")
            % {"limit": sys.get_int_max_str_digits()}
        ) from None
    if not isinstance(item, dict):
        raise ArticleImportError(
            _("expected a JSON object, got %(type)s") % {"type": _json_type(item)}
        )

    title = normalize_text(_string(item, "title"), single_line=True)
    if not title:
        raise ArticleImportError(_("title: required, and must not be blank"))
    if not isinstance(item.get("body"), str):
        raise ArticleImportError(_("body: required, a string of HTML (may be empty)"))
    texts = {key: _string(item, key) for key in TEXT_KEYS}
    for key in ("byline", "source_name", "source_issue", "source_editor"):
        texts[key] = normalize_text(texts[key], single_line=True)
    slug = _string(item, "slug").strip()
    if slug:
        _check(validate_unicode_slug, slug, "slug")
        if len(slug) > SLUG_MAX_LENGTH:
            raise ArticleImportError(
                _("slug: at most %(limit)d characters") % {"limit": SLUG_MAX_LENGTH}
            )
    status = _string(item, "status") or Article.Status.DRAFT
    if status not in Article.Status.values:
        raise ArticleImportError(
            _("status: %(value)s is not one of %(choices)s")
            % {"value": json.dumps(status, ensure_ascii=False), "choices": _choices(Article.Status)}
        )
    parsed = ParsedArticle(
        title=title,
        body_html=_string(item, "body"),
        original_published_at=_time(item, "original_published_at"),
        source_url=_string(item, "source_url").strip(),
        keywords=tuple(_names(item, "tags", Tag, skip_blank=True)),
        **texts,
    )
    return ArticleLine(
        parsed=parsed,
        category_path=tuple(
            _names(item, "category", Category, skip_blank=False, most=MAX_CATEGORY_DEPTH)
        ),
        status=status,
        published_at=_time(item, "published_at"),
        slug=slug,
        disclaimer=_string(item, "disclaimer"),
        view_count=_view_count(item),
        takedown=_takedown(item.get("takedown")),
        ignored_keys=tuple(sorted(set(item) - set(KEYS))),
    )


def _json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    names = {dict: "object", list: "array", str: "string", int: "number"}
    return names.get(type(value), "number")


def _choices(choices) -> str:
    return ", ".join(f'"{value}"' for value in choices.values)


def _string(item: dict, key: str) -> str:
    value = item.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ArticleImportError(
            _("%(key)s: expected a string, got %(type)s") % {"key": key, "type": _json_type(value)}
        )
    return value


def _check(validator, value, key: str):
    try:
        validator(value)
    except ValidationError as exc:
        raise ArticleImportError(f"{key}: {' '.join(exc.messages)}") from None


def _time(item: dict, key: str, label: str = "") -> datetime | None:
    """``item[key]`` as an aware datetime: ISO 8601 with an offset, or null. ``label`` names
    the key in messages (default ``key``)."""
    value, key = item.get(key), label or key
    if value is None:
        return None
    if not isinstance(value, str):
        raise ArticleImportError(
            _("%(key)s: expected an ISO 8601 time or null, got %(type)s")
            % {"key": key, "type": _json_type(value)}
        )
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ArticleImportError(
            _("%(key)s: %(value)s is not an ISO 8601 time (e.g. 2024-05-07T09:30:00+08:00)")
            % {"key": key, "value": json.dumps(value, ensure_ascii=False)}
        ) from None
    if timezone.is_naive(moment):
        raise ArticleImportError(
            _("%(key)s: %(value)s has no UTC offset (add +08:00, Z, ...)")
            % {"key": key, "value": json.dumps(value, ensure_ascii=False)}
        )
    _check(validate_plausible_year, moment, key)
    return moment


def _names(item: dict, key: str, model, *, skip_blank: bool, most: int = 0) -> list[str]:
    """``item[key]`` as a list of normalized names, each fitting ``model.name``; at most
    ``most`` of them when it is not 0."""
    value = item.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ArticleImportError(
            _("%(key)s: expected a list of names, got %(type)s")
            % {"key": key, "type": _json_type(value)}
        )
    if most and len(value) > most:
        raise ArticleImportError(
            _("%(key)s: at most %(limit)d levels, got %(count)d")
            % {"key": key, "limit": most, "count": len(value)}
        )
    limit = model._meta.get_field("name").max_length
    names = []
    for position, entry in enumerate(value, start=1):
        if not isinstance(entry, str):
            raise ArticleImportError(
                _("%(key)s: item %(position)d is %(type)s, not a string")
                % {"key": key, "position": position, "type": _json_type(entry)}
            )
        name = normalize_text(entry, single_line=True)
        if not name and skip_blank:
            continue
        if not name or len(name) > limit:
            raise ArticleImportError(
                _("%(key)s: item %(position)d must have 1 to %(limit)d characters")
                % {"key": key, "position": position, "limit": limit}
            )
        names.append(name)
    return names


def _view_count(item: dict) -> int:
    value = item.get("view_count")
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_VIEW_COUNT:
        raise ArticleImportError(_("view_count: expected a whole number of at least 0"))
    return value


def _takedown(value) -> Takedown | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ArticleImportError(
            _("takedown: expected an object, got %(type)s") % {"type": _json_type(value)}
        )
    reason = _string(value, "reason")
    if reason not in Article.Removal.values:
        raise ArticleImportError(
            _("takedown: reason must be one of %(choices)s")
            % {"choices": _choices(Article.Removal)}
        )
    at = _time(value, "at", "takedown.at")
    if at is None:
        raise ArticleImportError(_("takedown: at is required"))
    return Takedown(at=at, reason=reason, notice=_string(value, "notice"))


# --- Writing ---------------------------------------------------------------------------------


def article_line(article: Article, paths: dict[int, list[str]]) -> str:
    """``article`` as one line of the format; ``paths`` from :func:`category_paths`. Uses
    ``article.tags.all()`` (prefetch it)."""
    item = {
        "title": article.title,
        "subtitle": article.subtitle,
        "lead": article.lead,
        "byline": article.byline,
        "body": article.body,
        "source_name": article.source_name,
        "source_issue": article.source_issue,
        "source_editor": article.source_editor,
        "source_url": article.source_url,
        "original_published_at": _iso(article.original_published_at),
        "category": paths.get(article.category_id, []) if article.category_id else [],
        "tags": sorted(tag.name for tag in article.tags.all()),
        "status": article.status,
        "published_at": _iso(article.published_at),
        "slug": article.slug,
        "disclaimer": article.disclaimer,
        "view_count": article.view_count,
    }
    if article.removed_at is not None:
        item["takedown"] = {
            "at": _iso(article.removed_at),
            "reason": article.removal_reason,
            "notice": article.removal_notice,
        }
    return json.dumps(item, ensure_ascii=False) + "\n"


def _iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None
