import secrets
import string

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from certiprev.lib.validity import ValidityPeriod, period_coherent

from .enums import TrainerLevel

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
    # Known for the trainers a trainer course made (DESIGN §10): with the names, the person's identity.
    birth_date = models.DateField("date de naissance", null=True, blank=True)
    # lib.names.identity_key of names + birth date ("" without a birth date): never two trainers for one person.
    identity_key = models.CharField("clé d'identité", max_length=260, blank=True, editable=False)
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
        constraints = [
            models.UniqueConstraint(
                fields=["identity_key"], condition=~models.Q(identity_key=""), name="unique_trainer_identity"
            )
        ]

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
    level = models.CharField("niveau", max_length=20, choices=TrainerLevel.choices, default=TrainerLevel.TRAINER)
    # The trainer course that earned it (none: typed by a network administrator). One per trainer and course: a
    # retried issuance finds it instead of certifying twice.
    training = models.ForeignKey(
        "trainings.Training",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainer_certifications",
        verbose_name="formation de formateurs",
    )

    class Meta:
        verbose_name = "certification de formateur"
        verbose_name_plural = "certifications de formateur"
        indexes = [models.Index(fields=["trainer", "scheme", "valid_until"])]
        constraints = [
            period_coherent("trainer_certification_period_coherent"),
            models.UniqueConstraint(
                fields=["training", "trainer"],
                condition=models.Q(training__isnull=False),
                name="unique_trainer_certification_per_course",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainer} — {self.scheme.short_name} ({self.valid_from:%d/%m/%Y} → {self.valid_until:%d/%m/%Y})"


class CertificationReminder(models.Model):
    """A reminder already sent before a trainer certification ends (one per end date and threshold), as for the
    habilitations: reruns send nothing twice."""

    certification = models.ForeignKey(TrainerCertification, on_delete=models.CASCADE, related_name="reminders")
    valid_until = models.DateField("fin de validité rappelée")
    months_before = models.PositiveSmallIntegerField("mois avant la fin")
    sent_at = models.DateTimeField("envoyé le", auto_now_add=True)

    class Meta:
        verbose_name = "rappel de fin de certification de formateur"
        verbose_name_plural = "rappels de fin de certification de formateur"
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "valid_until", "months_before"], name="unique_certification_reminder"
            )
        ]

    def __str__(self) -> str:
        return (
            f"Rappel {self.months_before} mois — certification {self.certification_id} ({self.valid_until:%d/%m/%Y})"
        )
