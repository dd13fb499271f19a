from django.urls import path

from . import views
from .feeds import LatestArticlesFeed

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("category/<str:slug>/", views.CategoryView.as_view(), name="category"),
    path("tags/<str:slug>/", views.TagView.as_view(), name="tag"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", LatestArticlesFeed(), name="feed"),
    path("articles/<int:pk>/", views.article_redirect, name="detail-short"),
    path("articles/<int:pk>/qr.svg", views.article_qr, name="qr"),
    path("articles/<int:pk>/<str:slug>/", views.ArticleDetailView.as_view(), name="detail"),
]
