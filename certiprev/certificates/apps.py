from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certiprev.certificates"
    label = "certificates"
    verbose_name = "Certificats"
