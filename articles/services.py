"""Operations on articles: the one place where an article's state or counters change.

The admin, the views and the management commands call these functions; none of them updates
``status`` or ``view_count`` by hand.
"""

import re

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Article

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
    (``Sec-Purpose``/``Purpose: prefetch``) do not.
    """
    if request.method != "GET":
        return False
    user_agent = request.headers.get("User-Agent", "")
    if not user_agent or BOT_USER_AGENT.search(user_agent):
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
