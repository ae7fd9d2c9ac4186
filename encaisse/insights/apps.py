from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "encaisse.insights"
    label = "insights"
    verbose_name = "Insights"
