from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dso/", views.dso_page, name="dso"),
    path("dunning/", views.dunning_page, name="dunning"),
    path("dso/settings/", views.dso_settings, name="dso_settings"),
    path("export/<slug:table>/<str:fmt>/", views.export, name="export"),
]
