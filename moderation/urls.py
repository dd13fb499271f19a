from django.urls import path

from . import transparency, views

app_name = "moderation"

status = "status/<str:tracking_number>/<str:token>/"

urlpatterns = [
    path("notices/new/", views.NoticeCreateView.as_view(), name="notice-create"),
    path("reports/new/", views.ReportCreateView.as_view(), name="report-create"),
    path(status, views.StatusView.as_view(), name="status"),
    path(status + "review/", views.ReviewRequestView.as_view(), name="review-create"),
    path(
        status + "counter-notice/",
        views.CounterNoticeCreateView.as_view(),
        name="counter-notice-create",
    ),
    path(status + "legal-action/", views.LegalActionView.as_view(), name="legal-action"),
    path("moderation/evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("transparency/", transparency.TransparencyView.as_view(), name="transparency"),
    path("transparency/data.<str:fmt>", transparency.transparency_data, name="transparency-data"),
    path("transparency/notices.json", transparency.notices_export, name="transparency-notices"),
]
