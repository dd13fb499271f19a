"""Project URLs: the reader site, the admin, sitemaps and (when enabled) uploaded media."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic import RedirectView, TemplateView
from django.views.static import serve

from articles.sitemaps import ArticleSitemap, CategorySitemap, StaticViewSitemap
from articles.views import private_media

sitemaps = {
    "pages": StaticViewSitemap,
    "articles": ArticleSitemap,
    "categories": CategorySitemap,
}


class FaviconView(RedirectView):
    """``/favicon.ico``, which browsers ask for on pages without an icon link (admin, feeds)."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("img/favicon.svg")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("favicon.ico", FaviconView.as_view()),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
    ),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": sitemaps},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path(
        settings.PRIVATE_MEDIA_URL.lstrip("/") + "<path:path>", private_media, name="private-media"
    ),
    path("", include("moderation.urls")),
    path("", include("articles.urls")),
]

if settings.SERVE_MEDIA:
    # For `make run` and development; production serves MEDIA_ROOT from the web server.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

admin.site.site_header = f"{settings.SITE_NAME} 管理"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "内容管理"
