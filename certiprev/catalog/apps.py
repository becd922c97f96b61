from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "certiprev.catalog"
    label = "catalog"
    verbose_name = "Dispositifs"
