"""The false-disputes pages, under /disputes/ (namespace ``disputes``). When the disputes app
has its own ``urls.py``, these patterns join it (``urlpatterns += urls_abuse.urlpatterns``)."""

from django.urls import path

from . import views_abuse

app_name = "disputes"

urlpatterns = [
    path("flagged/", views_abuse.flagged_view, name="flagged"),
    path("flagged/refresh/", views_abuse.flagged_refresh_view, name="flagged_refresh"),
    path("flagged/settings/", views_abuse.abuse_settings_view, name="abuse_settings"),
]
