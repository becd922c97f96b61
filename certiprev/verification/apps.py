from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "certiprev.verification"
    label = "verification"
    verbose_name = "Vérification"
