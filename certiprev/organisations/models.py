import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from certiprev.lib.names import search_key
from certiprev.lib.siret import normalise_siret, siret_error
from certiprev.lib.validity import ValidityPeriod, period_coherent

from .enums import HabilitationLevel, HabilitationStatus, MemberRole, OrganisationKind, Region


def validate_siret(value: str) -> None:
    message = siret_error(value)
    if message:
        raise ValidationError(message, code="invalid_siret")


class OrganisationQuerySet(models.QuerySet):
    def established(self) -> "OrganisationQuerySet":
        """The organisations past their sign-up: provisional ones are listed nowhere but on their own pages."""
        return self.filter(is_provisional=False)


class Organisation(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("raison sociale", max_length=200)
    siret = models.CharField("SIRET", max_length=14, unique=True, validators=[validate_siret])
    kind = models.CharField("type", max_length=20, choices=OrganisationKind.choices)
    address = models.CharField("adresse", max_length=250, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    city = models.CharField("ville", max_length=100, blank=True)
    region = models.CharField("caisse régionale", max_length=30, choices=Region.choices, blank=True)
    # The public directory's city search (case- and accent-insensitive prefix, indexed): kept by save().
    city_key = models.CharField(
        max_length=100,
        blank=True,
        default="",
        editable=False,
        db_index=True,
        verbose_name="clé de recherche de la ville",
    )
    # Signed up on the public page (ADR signup): only its initial request until the CNH grants it.
    is_provisional = models.BooleanField(
        "provisoire",
        default=False,
        help_text="Inscrit en ligne, en attente de sa première habilitation : il ne peut que déposer sa demande "
        "initiale.",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "organisme"
        verbose_name_plural = "organismes"
        ordering = ["name"]
        indexes = [models.Index(fields=["region", "city_key"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.city_key = search_key(self.city)[:100]
        if kwargs.get("update_fields") is not None and "city" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "city_key"}
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        # Normalised before the field checks, or "732 829 320 00074" would fail the 14-character limit.
        self.siret = normalise_siret(self.siret)
        super().clean_fields(exclude=exclude)


class AssociatedEntity(models.Model):
    """A branch of an organisation (entité associée): its own address and members, training under the parent's
    habilitation."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="entities", verbose_name="organisme"
    )
    name = models.CharField("nom", max_length=200)
    address = models.CharField("adresse", max_length=250, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    city = models.CharField("ville", max_length=100, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "entité associée"
        verbose_name_plural = "entités associées"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name="utilisateur"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name="organisme"
    )
    role = models.CharField("rôle", max_length=30, choices=MemberRole.choices, default=MemberRole.USER)
    entity = models.ForeignKey(
        AssociatedEntity,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name="entité associée",
    )
    created_at = models.DateTimeField("depuis le", auto_now_add=True)

    class Meta:
        verbose_name = "membre"
        verbose_name_plural = "membres"
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation}"


class Habilitation(ValidityPeriod):
    """An organisation's right to run a scheme's sessions during a period (both bounds included)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="habilitations", verbose_name="organisme"
    )
    scheme = models.ForeignKey(
        "catalog.Scheme", on_delete=models.PROTECT, related_name="habilitations", verbose_name="dispositif"
    )
    # Added by the habilitation requests (ADR 0007): "expired" is derived from valid_until, never stored.
    level = models.PositiveSmallIntegerField(
        "niveau", choices=HabilitationLevel.choices, default=HabilitationLevel.ONE
    )
    status = models.CharField(
        "statut", max_length=20, choices=HabilitationStatus.choices, default=HabilitationStatus.ACTIVE
    )
    status_reason = models.TextField("motif de la suspension ou du retrait", blank=True)
    status_changed_on = models.DateField("suspendue ou retirée le", null=True, blank=True)

    class Meta:
        verbose_name = "habilitation"
        verbose_name_plural = "habilitations"
        indexes = [
            models.Index(fields=["organisation", "scheme", "valid_until"]),
            # The public directory and the expiry reminders: active habilitations by scheme and end.
            models.Index(fields=["status", "scheme", "valid_until"]),
        ]
        constraints = [period_coherent("habilitation_period_coherent")]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.scheme.code} ({self.valid_from:%d/%m/%Y} → {self.valid_until:%d/%m/%Y})"

    def status_on(self, day: dt.date) -> str:
        """active, suspended, withdrawn, or expired (derived: an active habilitation past its last day)."""
        if self.status == HabilitationStatus.ACTIVE and self.valid_until < day:
            return "expired"
        return self.status
