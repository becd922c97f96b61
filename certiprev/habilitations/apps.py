from django.apps import AppConfig


class HabilitationsConfig(AppConfig):
    name = "certiprev.habilitations"
    verbose_name = "demandes d'habilitation"
