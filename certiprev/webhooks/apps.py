from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "certiprev.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self):
        from . import checks  # noqa: F401 - registers the deployment checks
