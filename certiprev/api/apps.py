from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "certiprev.api"
    label = "api"
    verbose_name = "API REST"

    def ready(self):
        from . import checks  # noqa: F401 - registers the rate-limit checks
