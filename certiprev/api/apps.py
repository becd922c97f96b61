from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "certiprev.api"
    label = "api"
    verbose_name = "API REST"
