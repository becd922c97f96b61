from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models


class SchemeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def actor(self):
        """The actor schemes (SST, PRAP…), not the trainer courses."""
        return self.filter(trains_trainers_for__isnull=True)

    def trainer_courses(self):
        return self.filter(trains_trainers_for__isnull=False)


class SchemeLevel(models.TextChoices):
    ACTOR = "actor", "formation d'acteurs"
    TRAINER = "trainer", "formation de formateurs"


class Scheme(models.Model):
    """A training scheme ("dispositif") and its rules: data edited by network administrators, never code."""

    code = models.CharField(
        "code",
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^[A-Z][A-Z0-9_]{1,19}$", "Code en majuscules, chiffres et _ uniquement.")],
    )
    name = models.CharField("intitulé", max_length=200)
    qr_code = models.PositiveSmallIntegerField(
        "code dans le QR code",
        unique=True,
        validators=[MinValueValidator(1), MaxValueValidator(255)],
        help_text="Octet identifiant le dispositif dans le QR code signé (1 à 255, jamais réutilisé).",
    )
    initial_hours = models.PositiveSmallIntegerField("durée de la formation initiale (heures)")
    mac_hours = models.PositiveSmallIntegerField("durée du MAC (heures)")
    validity_months = models.PositiveSmallIntegerField(
        "validité du certificat (mois)", validators=[MinValueValidator(1)]
    )
    group_min = models.PositiveSmallIntegerField("stagiaires minimum", validators=[MinValueValidator(1)])
    group_max = models.PositiveSmallIntegerField("stagiaires maximum", validators=[MinValueValidator(1)])
    trainer_validity_months = models.PositiveSmallIntegerField(
        "validité du certificat de formateur (mois)", validators=[MinValueValidator(1)]
    )
    is_active = models.BooleanField("ouvert aux nouvelles sessions", default=True)
    habilitation_months = models.PositiveSmallIntegerField(
        "durée d'une habilitation (mois)",
        default=60,
        validators=[MinValueValidator(1)],
        help_text="Durée accordée par la CNH à chaque habilitation ou renouvellement (non sourcée : 5 ans).",
    )

    # DESIGN §10: a trainer course ("Formateur SST") is a scheme too; its passed trainees become trainers of this one.
    trains_trainers_for = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainer_courses",
        verbose_name="forme les formateurs du dispositif",
    )
    # What a trainee of a trainer course proves before the session is submitted: a valid certificate of one of these
    # schemes (Formateur SST: SST or APS ASD), and the date of the INRS e-learning attestation when required.
    prerequisite_schemes = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="+",
        verbose_name="prérequis : un certificat valide de l'un de ces dispositifs",
    )
    requires_elearning = models.BooleanField("prérequis : attestation de l'e-learning INRS", default=False)

    objects = SchemeQuerySet.as_manager()

    class Meta:
        verbose_name = "dispositif"
        verbose_name_plural = "dispositifs"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(group_max__gte=models.F("group_min")),
                name="scheme_group_max_gte_min",
                violation_error_message="Le maximum de stagiaires doit être supérieur ou égal au minimum.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.short_name} — {self.name}"

    @property
    def short_name(self) -> str:
        """The scheme as people write it ("PRAP IBC"); the code ("PRAP_IBC") is for files, URLs and the API."""
        actor, trainer_course, _ = self.code.partition("_FORMATEUR")
        if trainer_course:  # "SST_FORMATEUR" → "Formateur SST"
            return f"Formateur {actor.replace('_', ' ')}"
        return self.code.replace("_", " ")

    @property
    def is_trainer_course(self) -> bool:
        return self.trains_trainers_for_id is not None

    @property
    def level(self) -> str:
        return SchemeLevel.TRAINER if self.is_trainer_course else SchemeLevel.ACTOR
