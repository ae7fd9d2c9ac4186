from django.apps import AppConfig


class ReceivablesConfig(AppConfig):
    name = "encaisse.receivables"
    label = "receivables"
    verbose_name = "Receivables"
