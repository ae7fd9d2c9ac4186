"""The dunning settings and runs pages, mounted at ``dunning/settings/``."""

from django.urls import path

from .views import rates, runs, scenarios

app_name = "dunning_settings"

urlpatterns = [
    path("scenarios/", scenarios.scenarios, name="scenarios"),
    path("scenarios/new/", scenarios.scenario_new, name="scenario_new"),
    path("scenarios/<int:scenario_id>/", scenarios.scenario_edit, name="scenario_edit"),
    path("segments/", scenarios.segments, name="segments"),
    path("customers/<int:customer_id>/scenario/", scenarios.customer_dunning, name="customer"),
    path(
        "customers/<int:customer_id>/penalties/",
        scenarios.customer_penalties_card,
        name="customer_penalties",
    ),
    path("runs/", runs.runs, name="runs"),
    path("runs/preview/", runs.run_preview, name="run_preview"),
    path("runs/run/", runs.run_now, name="run_now"),
    path("runs/<int:run_id>/", runs.run_detail, name="run"),
    path("rates/", rates.rates, name="rates"),
    path("rates/new/", rates.rate_new, name="rate_new"),
    path("rates/<int:rate_id>/", rates.rate_edit, name="rate_edit"),
]
