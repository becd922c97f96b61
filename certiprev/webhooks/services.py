"""Webhooks: endpoints registered by organisations, deliveries written with the event, signed POSTs with retries."""

import uuid
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from certiprev.accounts.models import User
from certiprev.lib.errors import WorkflowError
from certiprev.organisations.models import Organisation
from certiprev.trainings.models import Training, TrainingEvent
from certiprev.trainings.selectors import organisation_ids_of

from . import signing, tasks, transport
from .delivery import allow_loopback, webhook_delivery_attempt_once
from .delivery import due as _due
from .enums import EVENT_FOR_ACTION, SUBSCRIBABLE, EventType
from .models import WebhookDelivery, WebhookEndpoint

MAX_ENDPOINTS_PER_ORGANISATION = 10
# uuid5 namespace of event ids: the id of an event is derived from its source, so that scheduling the same event
# twice, or for several endpoints, gives the same id (receivers de-duplicate on it).
EVENT_NAMESPACE = uuid.UUID("6f1c2a52-3f0e-4a55-9d55-2f6a8c1b7e10")


# ---------------------------------------------------------------------------------------------------------------
# Endpoints


def _require_manager(by: User | None, organisation: Organisation) -> None:
    if not (getattr(by, "is_network_administrator", False) or organisation.pk in organisation_ids_of(by)):
        raise WorkflowError("forbidden", "Seuls les membres de l'organisme gèrent ses webhooks.", status=403)


def _clean_events(events: list[str]) -> list[str]:
    unknown = [event for event in events if event not in SUBSCRIBABLE]
    if unknown:
        raise WorkflowError(
            "events_invalid",
            f"Événement inconnu : {', '.join(unknown)}. Événements possibles : {', '.join(SUBSCRIBABLE)}.",
            field="events",
        )
    return sorted(set(events))


@transaction.atomic
def webhook_endpoint_create(
    *, by: User | None, organisation: Organisation, url: str, events: list[str] | None = None, description: str = ""
) -> WebhookEndpoint:
    """Register an address (HTTPS; HTTP only to loopback) for the organisation's events, with a new secret."""
    _require_manager(by, organisation)
    url = (url or "").strip()
    problem = transport.url_error(url, allow_loopback=allow_loopback())
    if problem:
        raise WorkflowError("url_invalid", problem, field="url")
    events = _clean_events(events or [])
    if WebhookEndpoint.objects.filter(organisation=organisation).count() >= MAX_ENDPOINTS_PER_ORGANISATION:
        raise WorkflowError(
            "too_many_endpoints",
            f"Un organisme déclare au plus {MAX_ENDPOINTS_PER_ORGANISATION} adresses de webhook.",
            status=409,
        )
    return WebhookEndpoint.objects.create(
        organisation=organisation,
        url=url,
        events=events,
        description=" ".join(description.split())[:200],
        secret=signing.secret_generate(),
        created_by=by if getattr(by, "pk", None) else None,
    )


@transaction.atomic
def webhook_endpoint_delete(*, by: User | None, endpoint: WebhookEndpoint) -> None:
    """Remove an address and its delivery log; nothing more is sent to it."""
    _require_manager(by, endpoint.organisation)
    endpoint.delete()


@transaction.atomic
def webhook_secret_rotate(*, by: User | None, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new signing secret, effective for the next attempts (pending retries included)."""
    _require_manager(by, endpoint.organisation)
    endpoint.secret = signing.secret_generate()
    endpoint.save(update_fields=["secret"])
    return endpoint


# ---------------------------------------------------------------------------------------------------------------
# Events


def training_payload(training: Training) -> dict[str, Any]:
    return {
        "id": str(training.public_id),
        "external_id": training.external_id,
        "organisation": {"id": str(training.organisation.public_id), "name": training.organisation.name},
        "scheme": training.scheme.code,
        "kind": training.kind,
        "start_date": training.start_date.isoformat(),
        "end_date": training.end_date.isoformat(),
        "place": training.place,
        "trainer": {"number": training.trainer.number},
        "state": training.state,
        "close_before": training.effective_close_deadline.isoformat(),
    }


def webhook_event_emit(
    *,
    organisation: Organisation,
    event_type: str,
    data: dict[str, Any],
    source: str,
    endpoints: list[WebhookEndpoint] | None = None,
) -> list[WebhookDelivery]:
    """Write one delivery per interested endpoint and send them after commit. Idempotent per `source`.

    Call it inside the transaction that records what happened: the deliveries then exist if and only if it
    committed. The certificates work calls it for `certificates.ready` and `certificates.expiring`.
    """
    if endpoints is None:
        endpoints = list(WebhookEndpoint.objects.filter(organisation=organisation, is_active=True))
    endpoints = [e for e in endpoints if e.is_active and (e.wants(event_type) or event_type == EventType.PING)]
    if not endpoints:
        return []
    event_id = uuid.uuid5(EVENT_NAMESPACE, source)
    payload = {"id": str(event_id), "type": event_type, "created_at": timezone.now().isoformat(), "data": data}
    deliveries = []
    for endpoint in endpoints:
        try:
            with transaction.atomic():
                delivery, created = WebhookDelivery.objects.get_or_create(
                    endpoint=endpoint,
                    source=source,
                    defaults={"event_id": event_id, "event_type": event_type, "payload": payload},
                )
        except IntegrityError:  # scheduled concurrently: the other one sends it
            continue
        if created:
            deliveries.append(delivery)
            transaction.on_commit(partial(tasks.webhook_delivery_attempt_enqueue, delivery.pk))
    return deliveries


def webhook_events_schedule(*, event: TrainingEvent) -> list[WebhookDelivery]:
    """The webhook deliveries of a workflow event (called by the notifications with every transition event)."""
    event_type = EVENT_FOR_ACTION.get(event.action)
    if event_type is None:
        return []
    training = event.training
    data = {
        "training": training_payload(training),
        "transition": {
            "at": event.at.isoformat(),
            "from_state": event.from_state,
            "to_state": event.to_state,
            "actor": event.actor_name,
            "comment": event.comment,
        },
    }
    data["training"]["state"] = event.to_state or training.state
    return webhook_event_emit(
        organisation=training.organisation, event_type=event_type, data=data, source=f"training-event:{event.pk}"
    )


def webhook_ping(*, by: User | None, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Send a signed test event to one address."""
    _require_manager(by, endpoint.organisation)
    source = f"ping:{uuid.uuid4()}"
    data = {
        "organisation": {"id": str(endpoint.organisation.public_id), "name": endpoint.organisation.name},
        "message": "Test de l'adresse de webhook Certiprev.",
    }
    with transaction.atomic():
        deliveries = webhook_event_emit(
            organisation=endpoint.organisation,
            event_type=EventType.PING,
            data=data,
            source=source,
            endpoints=[endpoint],
        )
    if not deliveries:
        raise WorkflowError("endpoint_inactive", "Cette adresse est désactivée.", status=409)
    return deliveries[0]


# ---------------------------------------------------------------------------------------------------------------
# Delivery


def webhook_delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Attempt one pending, due delivery once; a failure that will be retried is enqueued for its time."""
    delivery = webhook_delivery_attempt_once(delivery_id=delivery_id)
    if delivery is not None:
        tasks.webhook_delivery_retry_enqueue(delivery)
    return delivery


def webhook_deliveries_retry_due(*, limit: int = 200) -> int:
    """Attempt every due delivery (periodic command): returns how many were attempted."""
    due = WebhookDelivery.objects.filter(_due(timezone.now())).order_by("next_attempt_at", "id")
    attempted = 0
    for delivery_id in list(due.values_list("pk", flat=True)[:limit]):
        if webhook_delivery_attempt(delivery_id=delivery_id) is not None:
            attempted += 1
    return attempted
