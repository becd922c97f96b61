from django.db import models


class CertificateKind(models.TextChoices):
    """The CP1 kinds (docs/cp1-format.md §4): the same strings as certiprev.lib.cp1.KINDS."""

    INITIAL = "initial", "Formation initiale"
    MAC = "mac", "Maintien et actualisation des compétences (MAC)"
    TRAINER = "trainer", "Certificat de formateur"


class KeyStatus(models.TextChoices):
    """The statuses published in keys.json (docs/cp1-format.md §6)."""

    ACTIVE = "active", "active (signe les nouveaux certificats)"
    RETIRED = "retired", "retirée (ses certificats restent valables)"
    COMPROMISED = "compromised", "compromise (aucun de ses certificats n'est plus valable)"


class ProofSource(models.TextChoices):
    QR_CONTENT = "qr_content", "contenu du QR code saisi ou scanné"
    PHOTO = "photo", "photo de la carte"
    RECORD = "record", "registre des certificats (sans la carte)"
