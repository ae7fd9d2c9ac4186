from django.apps import AppConfig


class DunningConfig(AppConfig):
    name = "encaisse.dunning"
    label = "dunning"
    verbose_name = "Dunning"
