from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "encaisse.disputes"
    label = "disputes"
    verbose_name = "Disputes"
