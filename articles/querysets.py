"""Publication rules for articles: the only definition of what a reader may see.

Every list, feed, sitemap, search and count starts from :meth:`ArticleQuerySet.published`.
"""

from contextvars import ContextVar

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .sanitize import html_to_text, sanitize_html

#: True while bulk_update() writes bodies it has sanitized itself.
_bodies_sanitized = ContextVar("bodies_sanitized", default=False)


class ArticleQuerySet(models.QuerySet):
    """QuerySet of ``Article`` with publication filters and sanitizing bulk writes."""

    def published(self, now=None):
        """Articles a reader may see at ``now`` (default: the current time).

        An article is published when its status is ``published``, its ``published_at``
        is set and not in the future, and it is not taken down. Drafts, withdrawn articles,
        articles scheduled for later and taken-down articles are excluded.
        """
        return self.released(now).filter(removed_at__isnull=True)

    def released(self, now=None):
        """Articles whose publication has happened (published status, publish time reached),
        taken-down ones included: the articles whose URL answers 451 rather than 404 when
        they are taken down. Not for listings; use :meth:`published`."""
        return self.filter(
            status=self.model.Status.PUBLISHED,
            published_at__isnull=False,
            published_at__lte=now or timezone.now(),
        )

    def taken_down(self, now=None):
        """Articles that are taken down after having been public (their publish time has
        come): they answer HTTP 451 whatever an editor has done to their status since, so
        withdrawing one does not turn its tombstone into a 404. A draft or a scheduled
        article, never public, stays a 404."""
        return self.filter(
            removed_at__isnull=False,
            published_at__isnull=False,
            published_at__lte=now or timezone.now(),
        )

    def for_listing(self):
        """Published articles with what a list item shows (category, tags), newest first.

        The body is deferred: list pages never show it, and a long one would cost memory.
        """
        return (
            self.published()
            .select_related("category")
            .prefetch_related("tags")
            .defer("body", "body_text")
            .order_by("-published_at", "-pk")
        )

    def most_viewed(self):
        """Published articles ordered by view count, most viewed first."""
        return (
            self.published()
            .select_related("category")
            .defer("body", "body_text")
            .order_by("-view_count", "-pk")
        )

    def search(self, words):
        """Articles whose title, lead, byline, source name or body text contain every one of
        ``words`` (a list of strings; case-insensitive substring match)."""
        condition = Q()
        for word in words:
            condition &= (
                Q(title__icontains=word)
                | Q(lead__icontains=word)
                | Q(byline__icontains=word)
                | Q(source_name__icontains=word)
                | Q(body_text__icontains=word)
            )
        return self.filter(condition)

    # The bulk paths skip Model.save(); they sanitize too so no entry route stores raw HTML.
    def update(self, **kwargs):
        """``update()`` that sanitizes a new ``body`` and keeps ``body_text`` in step.

        Raises:
            TypeError: ``body`` is an expression (``F``, ``Concat``, ...): its value is only
                known inside the database, where it cannot be sanitized.
        """
        if "body" in kwargs and not _bodies_sanitized.get():
            if not isinstance(kwargs["body"], str):
                raise TypeError("Article.body can only be updated to a string value.")
            kwargs["body"] = sanitize_html(kwargs["body"])
            kwargs["body_text"] = html_to_text(kwargs["body"])
        return super().update(**kwargs)

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.clean_text()
        return super().bulk_create(objs, *args, **kwargs)

    bulk_create.alters_data = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if "body" in fields:
            fields = [*fields, "body_text"]
            for obj in objs:
                obj.clean_text()
        # Django's bulk_update() writes through update() with CASE expressions built from
        # the bodies sanitized just above.
        token = _bodies_sanitized.set(True)
        try:
            return super().bulk_update(objs, fields, *args, **kwargs)
        finally:
            _bodies_sanitized.reset(token)

    bulk_update.alters_data = True
