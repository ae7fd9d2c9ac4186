from django.apps import AppConfig


class CorrespondenceConfig(AppConfig):
    name = "encaisse.correspondence"
    label = "correspondence"
    verbose_name = "Correspondence"
