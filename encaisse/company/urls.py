from django.urls import path

from . import views

app_name = "company"

urlpatterns = [
    path("company/", views.company_settings, name="settings"),
    path("company/preview/", views.settings_preview, name="preview"),
    path("segments/", views.segments, name="segments"),
    path("segments/new/", views.segment_new, name="segment_new"),
    path("segments/<int:segment_id>/", views.segment_edit, name="segment_edit"),
    path("segments/<int:segment_id>/delete/", views.segment_delete_view, name="segment_delete"),
]
