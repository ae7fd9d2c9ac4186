"""Statistics and preventive action pages, mounted under /disputes/ (the main disputes pages
have their own url module)."""

from django.urls import path

from . import views_preventive, views_stats

app_name = "dispute_stats"

urlpatterns = [
    path("statistics/", views_stats.statistics_page, name="statistics"),
    path(
        "statistics/export/<str:table>/<str:fmt>/",
        views_stats.statistics_export,
        name="statistics_export",
    ),
    path("preventive/", views_preventive.action_list, name="preventive_list"),
    path("preventive/new/", views_preventive.action_new, name="preventive_new"),
    path("preventive/<int:action_id>/", views_preventive.action_detail, name="preventive_detail"),
    path(
        "preventive/<int:action_id>/status/",
        views_preventive.action_status,
        name="preventive_status",
    ),
]
