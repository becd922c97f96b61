from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "certiprev.accounts"
    label = "accounts"
    verbose_name = "Comptes"
