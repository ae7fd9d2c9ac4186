from django.urls import path

from . import views, views_risk

app_name = "insights"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dso/", views.dso_page, name="dso"),
    path("dunning/", views.dunning_page, name="dunning"),
    path("dso/settings/", views.dso_settings, name="dso_settings"),
    path("export/<slug:table>/<str:fmt>/", views.export, name="export"),
    path("aged/", views_risk.aged_page, name="aged"),
    path("aged/export/<str:fmt>/", views_risk.aged_export_view, name="aged_export"),
    path("risk/", views_risk.risk_view, name="risk"),
    path("risk/export/<str:fmt>/", views_risk.risk_export, name="risk_export"),
]
