"""Deployment checks for webhooks (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_webhook_development_settings(app_configs, **kwargs):
    warnings = []
    if getattr(settings, "WEBHOOKS_ALLOW_LOOPBACK", False):
        warnings.append(
            Warning(
                "WEBHOOKS_ALLOW_LOOPBACK is on: members can make the server POST to its own loopback services.",
                hint="Development only: unset WEBHOOKS_ALLOW_LOOPBACK in production.",
                id="certiprev.W101",
            )
        )
    if getattr(settings, "WEBHOOK_ALLOW_PRIVATE_NETWORKS", False):
        warnings.append(
            Warning(
                "WEBHOOK_ALLOW_PRIVATE_NETWORKS is on: webhooks may reach hosts on internal networks.",
                hint="Leave it off unless every internal service reachable from this server is meant to receive them.",
                id="certiprev.W102",
            )
        )
    return warnings
