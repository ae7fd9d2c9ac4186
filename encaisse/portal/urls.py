"""The customer portal, mounted under /p/ (no login: the token is the credential)."""

from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("d/<str:token>/", views.dispute_page, name="dispute"),
    path("d/<str:token>/message/", views.dispute_message, name="message"),
    path("d/<str:token>/documents/", views.dispute_evidence, name="evidence"),
    path(
        "d/<str:token>/documents/<int:evidence_id>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path("r/<str:token>/", views.raise_page, name="raise"),
    path("s/<str:token>/", views.satisfaction_page, name="satisfaction"),
]
