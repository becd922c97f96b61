"""Delivering one webhook: the signed POST, its log, the backoff; no enqueueing (that is tasks.py)."""

import datetime as dt
import json

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import signing, transport
from .enums import DeliveryState
from .models import WebhookAttempt, WebhookDelivery


def max_attempts() -> int:
    return getattr(settings, "WEBHOOK_MAX_ATTEMPTS", 10)


def allow_loopback() -> bool:
    """Plain-HTTP webhooks to this machine: a development setting only (flagged by `check --deploy`)."""
    return bool(getattr(settings, "WEBHOOKS_ALLOW_LOOPBACK", False))


def retry_base_seconds() -> int:
    return getattr(settings, "WEBHOOK_RETRY_BASE_SECONDS", 60)


def retry_delay(attempt: int) -> dt.timedelta:
    """Exponential backoff after the `attempt`-th failure: base, 2 × base, 4 × base… capped at 6 hours."""
    return dt.timedelta(seconds=min(retry_base_seconds() * 2 ** (attempt - 1), 6 * 3600))


def delivery_body(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def delivery_headers(delivery: WebhookDelivery, body: bytes, *, attempt: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Certiprev-Webhooks/1",
        signing.SIGNATURE_HEADER: signing.signature_header(delivery.endpoint.secret, body),
        signing.EVENT_ID_HEADER: str(delivery.event_id),
        signing.EVENT_TYPE_HEADER: delivery.event_type,
        signing.DELIVERY_ID_HEADER: str(delivery.public_id),
        signing.ATTEMPT_HEADER: str(attempt),
    }


def due(now: dt.datetime) -> Q:
    return (
        Q(state=DeliveryState.PENDING)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        & (Q(locked_until__isnull=True) | Q(locked_until__lt=now))
    )


def webhook_delivery_attempt_once(*, delivery_id: int) -> WebhookDelivery | None:
    """Attempt one pending, due delivery once; None when it is not due, already done, or taken by another worker.

    The retry of a failure is not enqueued here but by the caller (tasks.py holds the enqueueing).
    """
    now = timezone.now()
    lock = now + dt.timedelta(seconds=transport.TIMEOUT_SECONDS * 3)
    # Claim it with a conditional UPDATE: two workers (a task and the periodic command) never send it together.
    if not WebhookDelivery.objects.filter(due(now), pk=delivery_id).update(locked_until=lock):
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    attempt = delivery.attempts + 1
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        result = transport.PostResult(None, "Adresse désactivée.", 0, "")
    else:
        # Checked at every attempt (DNS can change after registration), and the connection goes to the checked address.
        destination, problem = transport.resolve_destination(
            endpoint.url,
            allow_loopback=allow_loopback(),
            allow_private=getattr(settings, "WEBHOOK_ALLOW_PRIVATE_NETWORKS", False),
        )
        if destination is None:
            result = transport.PostResult(None, problem, 0, "")
        else:
            body = delivery_body(delivery)
            result = transport.post(destination, body, delivery_headers(delivery, body, attempt=attempt))
    finished = timezone.now()
    delivery.attempts = attempt
    delivery.last_status_code = result.status_code
    delivery.last_error = result.error or ("" if result.ok else f"Réponse HTTP {result.status_code}.")
    delivery.locked_until = None
    if result.ok:
        delivery.state, delivery.delivered_at, delivery.next_attempt_at = DeliveryState.SUCCEEDED, finished, None
    elif attempt >= max_attempts() or not endpoint.is_active:
        delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, None
    else:
        delivery.next_attempt_at = finished + retry_delay(attempt)
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery,
            at=finished,
            status_code=result.status_code,
            error=delivery.last_error[:300],
            duration_ms=result.duration_ms,
            response_excerpt=result.excerpt[:500],
        )
        delivery.save(
            update_fields=[
                "attempts",
                "last_status_code",
                "last_error",
                "locked_until",
                "state",
                "delivered_at",
                "next_attempt_at",
            ]
        )
    return delivery
