from django.urls import path, register_converter

from . import views
from .converters import UnicodeSlugConverter
from .feeds import LatestArticlesFeed

register_converter(UnicodeSlugConverter, "uslug")

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/", views.ArticleListView.as_view(), name="index"),
    path("category/<uslug:slug>/", views.CategoryView.as_view(), name="category"),
    path("tags/<uslug:slug>/", views.TagView.as_view(), name="tag"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", LatestArticlesFeed(), name="feed"),
    path("articles/<int:pk>/", views.article_redirect, name="detail-short"),
    path("articles/<int:pk>/qr.svg", views.article_qr, name="qr"),
    path("articles/<int:pk>/<uslug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
]
