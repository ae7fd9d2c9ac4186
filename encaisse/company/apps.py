from django.apps import AppConfig


class CompanyConfig(AppConfig):
    name = "encaisse.company"
    label = "company"
    verbose_name = "Company"
