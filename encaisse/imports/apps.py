from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "encaisse.imports"
    label = "imports"
    verbose_name = "Imports"
