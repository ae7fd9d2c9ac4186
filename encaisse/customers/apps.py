from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "encaisse.customers"
    label = "customers"
    verbose_name = "Customers"
