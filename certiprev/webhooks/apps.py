from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "certiprev.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"
