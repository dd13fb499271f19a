"""What the importer recognises in a page, whatever the page's format.

:class:`ParsedArticle` is the one shape every entry route (plain text, HTML, a WeChat article,
a page fetched by URL, a JSONL line) produces and :func:`articles.services.import_article`
consumes. :class:`Declared` and :class:`Block` are the intermediate shapes of an HTML page
(what it declares about itself, its body's blocks). The helpers here turn the many ways
pages write a time into aware datetimes.
"""

import re
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from ..validators import PLAUSIBLE_YEARS

#: The source sites are Chinese; a time without a zone is their local time.
SOURCE_TIME_ZONE = ZoneInfo("Asia/Shanghai")


class ArticleImportError(ValueError):
    """A page cannot be imported; the message says why, for the editor who gave it."""


@dataclass(frozen=True)
class ParsedArticle:
    """The fields of an article as recognised in a page.

    ``body_html`` is block elements (``<p>``, ``<h2>``/``<h3>``, lists, tables, block quotes)
    with escaped text; it is sanitized again on save. ``original_published_at`` is an aware
    datetime or ``None``. ``keywords`` become the article's tags. ``image_urls`` are the
    absolute ``http(s)`` addresses of the images in the body, in reading order, for the
    gallery (see :mod:`articles.importing.images`). Text fields are ``""`` when the page
    does not have them.
    """

    title: str
    body_html: str
    subtitle: str = ""
    lead: str = ""
    byline: str = ""
    original_published_at: datetime | None = None
    source_name: str = ""
    source_issue: str = ""
    source_editor: str = ""
    source_url: str = ""
    keywords: tuple[str, ...] = ()
    image_urls: tuple[str, ...] = field(default=(), compare=False)

    def recognised(self) -> dict[str, object]:
        """The recognised fields by name (``body_html`` and ``image_urls`` included), in
        declaration order: what ``import_article --dry-run`` and the admin form show."""
        return {item.name: getattr(self, item.name) for item in fields(self)}


@dataclass
class Declared:
    """What an HTML page declares about itself (``<meta>``, JSON-LD, WeChat variables)."""

    title: str = ""
    published_at: datetime | None = None
    has_time: bool = False
    byline: str = ""
    source_name: str = ""
    source_url: str = ""
    keywords: tuple[str, ...] = ()
    description: str = ""
    #: The text of an element the page marks as its lead (``class="summary"``).
    lead: str = ""
    #: The title comes from ``<title>`` alone, which may be only the site's name.
    title_is_weak: bool = False
    #: Names the site gives itself (``og:site_name``, the ``<title>`` suffix).
    site_names: tuple[str, ...] = ()


@dataclass
class Block:
    """One block of an HTML body: ``kind`` is ``text``, ``heading``, ``table``, ``list``,
    ``quote``, ``image`` or ``markup``; ``html`` holds the markup of tables and lists."""

    kind: str
    text: str
    html: str = ""


_DATE = re.compile(
    r"(?P<year>(?:19|20)\d{2})\s*[-/.年]\s*(?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})\s*日?"
    r"(?:[\sT]*(?P<hour>\d{1,2})\s*[:：时]\s*(?P<minute>\d{1,2})\s*分?"
    r"(?:\s*[:：]\s*(?P<second>\d{1,2})\s*秒?)?)?"
    r"(?:\.\d+)?\s*(?P<zone>Z|[+-]\d{2}:?\d{2}(?![\d:]))?",
)


def aware_datetime(year, month, day, hour=0, minute=0, second=0, tz=None) -> datetime | None:
    """An aware datetime from numbers (or digit strings); ``None`` when it is no real time
    or its year is implausible (a typing or parsing mistake is an unknown time, not an
    error). ``tz`` defaults to :data:`SOURCE_TIME_ZONE`."""
    try:
        numbers = [int(part) if part not in (None, "") else 0 for part in (year, month, day)]
        clock = [int(part) if part not in (None, "") else 0 for part in (hour, minute, second)]
        if numbers[0] not in PLAUSIBLE_YEARS:
            return None
        return datetime(*numbers, *clock, tzinfo=tz or SOURCE_TIME_ZONE)
    except (TypeError, ValueError):
        return None


def find_datetime(text: str) -> datetime | None:
    """The first date in ``text``, with its time of day when one follows it.

    Understands ``2024-05-07 09:30``, ``2024/5/7``, ``2024.05.07``, ``2024年05月07日 09:30``,
    ``2024年5月7日9时30分`` and ISO 8601 with ``T`` and a zone (``2024-05-07T09:30:00+08:00``,
    ``…Z``). A time without a zone is the source's local time (:data:`SOURCE_TIME_ZONE`).
    """
    for match in _DATE.finditer(text):
        parts = match.groupdict()
        zone = parts.pop("zone")
        tz = None
        if zone:
            if zone == "Z":
                tz = UTC
            else:
                sign = -1 if zone[0] == "-" else 1
                digits = zone[1:].replace(":", "")
                try:
                    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
                    tz = timezone(sign * offset)
                except ValueError:  # +99:00 is no UTC offset: the time is unknown
                    continue
        found = aware_datetime(**parts, tz=tz)
        if found is not None:
            return found
    return None


def from_timestamp(value) -> datetime | None:
    """A Unix timestamp in seconds (int or digit string, e.g. WeChat's ``var ct``) as an
    aware datetime in :data:`SOURCE_TIME_ZONE`; ``None`` when it is not one."""
    try:
        moment = datetime.fromtimestamp(int(str(value).strip()), tz=SOURCE_TIME_ZONE)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
    return moment if moment.year in PLAUSIBLE_YEARS else None
