from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "encaisse.portal"
    label = "portal"
    verbose_name = "Portal"
