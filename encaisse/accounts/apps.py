from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "encaisse.accounts"
    label = "accounts"
    verbose_name = "Accounts"
