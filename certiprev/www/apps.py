from django.apps import AppConfig


class WwwConfig(AppConfig):
    name = "certiprev.www"
    label = "www"
    verbose_name = "Interface web"
