from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "encaisse.core"
    label = "core"
    verbose_name = "Core"
