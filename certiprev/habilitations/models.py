import uuid

from django.conf import settings
from django.db import models

from certiprev.organisations.enums import HabilitationLevel

from .enums import Action, RequestKind, RequestState


class HabilitationRequest(models.Model):
    """An organisation's request for a habilitation: instructed by its caisse, decided by the CNH (DESIGN §9)."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="habilitation_requests"
    )
    entity = models.ForeignKey(
        "organisations.AssociatedEntity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="habilitation_requests",
        verbose_name="entité associée",
    )
    kind = models.CharField("type de demande", max_length=20, choices=RequestKind.choices)
    level = models.PositiveSmallIntegerField("niveau", choices=HabilitationLevel.choices, default=1)
    schemes = models.ManyToManyField(
        "catalog.Scheme", related_name="habilitation_requests", verbose_name="dispositifs"
    )
    trainers = models.ManyToManyField(
        "trainers.Trainer", related_name="habilitation_requests", blank=True, verbose_name="formateurs"
    )
    state = models.CharField("état", max_length=25, choices=RequestState.choices, default=RequestState.DRAFT)
    state_changed_at = models.DateTimeField("dans cet état depuis le")
    complements_message = models.TextField("compléments demandés", blank=True)
    opinion_favourable = models.BooleanField("avis favorable", null=True, blank=True)
    opinion_reason = models.TextField("motif de l'avis", blank=True)
    decision_reason = models.TextField("motif de la décision", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "demande d'habilitation"
        verbose_name_plural = "demandes d'habilitation"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "state"]), models.Index(fields=["state", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.organisation} ({self.get_state_display()})"


def document_path(document: "RequestDocument", filename: str) -> str:
    # Never the uploaded name: a path made of unguessable ids only.
    return f"habilitations/{document.request.public_id}/{document.public_id}.pdf"


class RequestDocument(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(HabilitationRequest, on_delete=models.CASCADE, related_name="documents")
    label = models.CharField("intitulé", max_length=200)
    original_name = models.CharField("nom du fichier envoyé", max_length=255, blank=True)
    file = models.FileField("fichier", upload_to=document_path, max_length=200)
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField("joint le", auto_now_add=True)

    class Meta:
        verbose_name = "document de demande"
        verbose_name_plural = "documents de demande"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.label


class RequestEvent(models.Model):
    """Append-only log of a request: every action, its actor (and as what), from and to which state."""

    request = models.ForeignKey(HabilitationRequest, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("le", auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField("par", max_length=300)
    action = models.CharField("action", max_length=30, choices=Action.choices)
    from_state = models.CharField("de l'état", max_length=25, blank=True)
    to_state = models.CharField("vers l'état", max_length=25, blank=True)
    comment = models.TextField("commentaire", blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "événement de demande"
        verbose_name_plural = "événements de demande"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.actor_name}"


class ExpiryReminder(models.Model):
    """A reminder already sent before a habilitation ends (one per end date and threshold): reruns send nothing
    twice, and a habilitation extended to a new end is reminded again for that end only."""

    habilitation = models.ForeignKey(
        "organisations.Habilitation", on_delete=models.CASCADE, related_name="expiry_reminders"
    )
    valid_until = models.DateField("fin de validité rappelée")
    months_before = models.PositiveSmallIntegerField("mois avant la fin")
    sent_at = models.DateTimeField("envoyé le", auto_now_add=True)

    class Meta:
        verbose_name = "rappel de fin d'habilitation"
        verbose_name_plural = "rappels de fin d'habilitation"
        constraints = [
            models.UniqueConstraint(
                fields=["habilitation", "valid_until", "months_before"], name="unique_expiry_reminder"
            )
        ]

    def __str__(self) -> str:
        return f"Rappel {self.months_before} mois — habilitation {self.habilitation_id} ({self.valid_until:%d/%m/%Y})"
