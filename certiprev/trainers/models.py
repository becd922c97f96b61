import secrets
import string

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from certiprev.lib.validity import ValidityPeriod, period_coherent

TRAINER_NUMBER_RE = r"^[A-Z]{3}[0-9]{5}$"


def generate_trainer_number() -> str:
    letters = "".join(secrets.choice(string.ascii_uppercase) for _ in range(3))
    return f"{letters}{secrets.randbelow(100_000):05d}"


class Trainer(models.Model):
    number = models.CharField(
        "numéro de formateur",
        max_length=8,
        unique=True,
        validators=[RegexValidator(TRAINER_NUMBER_RE, "Le numéro est fait de 3 lettres majuscules et 5 chiffres.")],
    )
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    email = models.EmailField("adresse e-mail")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trainer",
        verbose_name="compte utilisateur",
    )
    notify_on_submission = models.BooleanField("m'alerter par e-mail quand une session m'est soumise", default=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créé le")

    class Meta:
        verbose_name = "formateur"
        verbose_name_plural = "formateurs"
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.number})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name.upper()}"


class TrainerCertification(ValidityPeriod):
    """A trainer's certification for one scheme during a period (both bounds included)."""

    trainer = models.ForeignKey(
        Trainer, on_delete=models.CASCADE, related_name="certifications", verbose_name="formateur"
    )
    scheme = models.ForeignKey(
        "catalog.Scheme", on_delete=models.PROTECT, related_name="trainer_certifications", verbose_name="dispositif"
    )

    class Meta:
        verbose_name = "certification de formateur"
        verbose_name_plural = "certifications de formateur"
        indexes = [models.Index(fields=["trainer", "scheme", "valid_until"])]
        constraints = [period_coherent("trainer_certification_period_coherent")]

    def __str__(self) -> str:
        return f"{self.trainer} — {self.scheme.code} ({self.valid_from:%d/%m/%Y} → {self.valid_until:%d/%m/%Y})"
