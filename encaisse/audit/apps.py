from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "encaisse.audit"
    label = "audit"
    verbose_name = "Audit"
