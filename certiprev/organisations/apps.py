from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "certiprev.organisations"
    label = "organisations"
    verbose_name = "Organismes"
