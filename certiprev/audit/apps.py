from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "certiprev.audit"
    label = "audit"
    verbose_name = "Journal d’audit"
