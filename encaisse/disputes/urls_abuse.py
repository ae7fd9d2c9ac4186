"""The false-disputes pages, under /disputes/: joined to the disputes app's ``urls.py``
(namespace ``disputes``)."""

from django.urls import path

from . import views_abuse

urlpatterns = [
    path("flagged/", views_abuse.flagged_view, name="flagged"),
    path("flagged/refresh/", views_abuse.flagged_refresh_view, name="flagged_refresh"),
    path("flagged/settings/", views_abuse.abuse_settings_view, name="abuse_settings"),
]
