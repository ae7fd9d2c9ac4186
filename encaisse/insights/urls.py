from django.urls import path

from . import views, views_disputes, views_reports

app_name = "insights"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dso/", views.dso_page, name="dso"),
    path("dunning/", views.dunning_page, name="dunning"),
    path("disputes/", views_disputes.disputes_dashboard, name="disputes"),
    path(
        "disputes/export/<slug:table>/<str:fmt>/",
        views_disputes.disputes_export,
        name="disputes_export",
    ),
    path("dso/settings/", views.dso_settings, name="dso_settings"),
    path("export/<slug:table>/<str:fmt>/", views.export, name="export"),
    path("reports/", views_reports.reports_page, name="reports"),
    path("reports/generate/", views_reports.report_generate, name="report_generate"),
    path("reports/recipients/", views_reports.report_recipients, name="report_recipients"),
    path("reports/<int:report_id>/pdf/", views_reports.report_download, name="report_download"),
]
