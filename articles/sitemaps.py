"""Sitemaps of published articles and categories (django.contrib.sitemaps)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, Category


class ArticleSitemap(Sitemap):
    """Every published article, with its last modification time."""

    changefreq = "weekly"
    priority = 0.8
    limit = 5000

    def items(self):
        return Article.objects.published().order_by("-published_at", "-pk")

    def lastmod(self, item):
        return item.updated_at


class CategorySitemap(Sitemap):
    """Every category page."""

    changefreq = "daily"
    priority = 0.5

    def items(self):
        return Category.objects.all()


class StaticViewSitemap(Sitemap):
    """The home page and the list of all articles."""

    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return ["articles:home", "articles:index"]

    def location(self, item):
        return reverse(item)
