from django.db import models

from certiprev.trainings.enums import Action


class EventType(models.TextChoices):
    TRAINING_SUBMITTED = "training.submitted", "Session soumise au formateur"
    TRAINING_RETURNED = "training.returned", "Session renvoyée par le formateur"
    TRAINING_VALIDATED = "training.validated", "Session validée par le formateur"
    TRAINING_CLOSED = "training.closed", "Session clôturée"
    TRAINING_CANCELLED = "training.cancelled", "Session annulée"
    CERTIFICATES_READY = "certificates.ready", "Certificats disponibles"
    CERTIFICATES_EXPIRING = "certificates.expiring", "Fichiers des certificats bientôt supprimés"
    HABILITATION_REQUEST_TRANSMITTED = "habilitation_request.transmitted", "Demande d'habilitation transmise"
    HABILITATION_REQUEST_UNDER_REVIEW = "habilitation_request.under_review", "Demande d'habilitation en instruction"
    HABILITATION_REQUEST_COMPLEMENTS_REQUESTED = (
        "habilitation_request.complements_requested",
        "Compléments demandés sur une demande d'habilitation",
    )
    HABILITATION_REQUEST_OPINION_GIVEN = (
        "habilitation_request.opinion_given",
        "Avis rendu sur une demande d'habilitation",
    )
    HABILITATION_REQUEST_GRANTED = "habilitation_request.granted", "Habilitation accordée"
    HABILITATION_REQUEST_REFUSED = "habilitation_request.refused", "Habilitation refusée"
    HABILITATION_REQUEST_WITHDRAWN = "habilitation_request.withdrawn", "Demande d'habilitation retirée"
    HABILITATION_EXPIRING = "habilitation.expiring", "Habilitation bientôt échue (6, 3 et 1 mois avant)"
    PING = "ping", "Test de l'adresse"


# Which workflow events become which webhook events; the others (creation, trainee changes…) are not sent.
EVENT_FOR_ACTION: dict[str, str] = {
    Action.SUBMIT: EventType.TRAINING_SUBMITTED,
    Action.RETURN: EventType.TRAINING_RETURNED,
    Action.VALIDATE: EventType.TRAINING_VALIDATED,
    Action.CLOSE: EventType.TRAINING_CLOSED,
    Action.CANCEL: EventType.TRAINING_CANCELLED,
}

# Events an endpoint can subscribe to ("ping" is always sent on request).
SUBSCRIBABLE = tuple(value for value in EventType.values if value != EventType.PING)


class DeliveryState(models.TextChoices):
    PENDING = "pending", "En attente"
    SUCCEEDED = "succeeded", "Livrée"
    FAILED = "failed", "Abandonnée"
