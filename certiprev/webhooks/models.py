import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from .enums import DeliveryState


class WebhookEndpoint(models.Model):
    """An HTTPS address of an organisation's software that receives the workflow events, signed."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name="organisme",
    )
    url = models.URLField("adresse", max_length=500)
    # Kept in clear: the HMAC key must be read back to sign each delivery (like any webhook sender).
    secret = models.CharField("secret de signature", max_length=100, editable=False)
    events = models.JSONField("événements", default=list, blank=True, help_text="Liste vide : tous les événements.")
    description = models.CharField("description", max_length=200, blank=True)
    is_active = models.BooleanField("active", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créée par",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "adresse de webhook"
        verbose_name_plural = "adresses de webhook"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.url}"

    def wants(self, event_type: str) -> bool:
        return self.is_active and (not self.events or event_type in self.events)


class WebhookDelivery(models.Model):
    """One event for one endpoint: created with the event (same transaction), then attempted until it succeeds."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name="adresse"
    )
    # The same for every endpoint and every attempt of one event: receivers de-duplicate on it.
    event_id = models.UUIDField("identifiant de l'événement", default=uuid.uuid4)
    event_type = models.CharField("événement", max_length=40)
    # What makes scheduling idempotent: one delivery per (endpoint, source), e.g. "training-event:42".
    source = models.CharField("origine", max_length=100)
    payload = models.JSONField("contenu", default=dict)
    state = models.CharField("état", max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    next_attempt_at = models.DateTimeField("prochaine tentative", null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False, verbose_name="réservée jusqu'au")
    last_status_code = models.PositiveSmallIntegerField("dernier code HTTP", null=True, blank=True)
    last_error = models.CharField("dernière erreur", max_length=300, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    delivered_at = models.DateTimeField("livrée le", null=True, blank=True)

    class Meta:
        verbose_name = "livraison de webhook"
        verbose_name_plural = "livraisons de webhook"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "source"], name="unique_webhook_delivery_per_source"),
        ]
        indexes = [
            models.Index(
                fields=["state", "next_attempt_at"], condition=Q(state="pending"), name="webhook_delivery_due"
            ),
            models.Index(fields=["endpoint", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint.url} ({self.get_state_display()})"


class WebhookAttempt(models.Model):
    """The delivery log: one row per HTTP attempt."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField("le")
    status_code = models.PositiveSmallIntegerField("code HTTP", null=True, blank=True)
    error = models.CharField("erreur", max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField("durée (ms)", default=0)
    response_excerpt = models.CharField("début de la réponse", max_length=500, blank=True)

    class Meta:
        verbose_name = "tentative de livraison"
        verbose_name_plural = "tentatives de livraison"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M:%S} — {self.status_code or self.error}"
