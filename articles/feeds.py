"""RSS feed of the latest published articles (django.contrib.syndication)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.html import escape

from .models import Article


class LatestArticlesFeed(Feed):
    """The 30 most recently published articles; item description is the lead."""

    link = reverse_lazy("articles:home")

    def title(self):
        return settings.SITE_NAME

    def description(self):
        return f"{settings.SITE_NAME} 最新文章"

    def items(self):
        return Article.objects.for_listing()[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # RSS readers render <description> as HTML; the lead is plain text, so escape it.
        return escape(item.lead)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]
