"""Webhook endpoints of an organisation and their delivery log."""

from ninja import Field, Query, Router, Schema, Status

from certiprev.webhooks import services
from certiprev.webhooks.models import WebhookDelivery, WebhookEndpoint
from certiprev.webhooks.selectors import get_webhook_endpoint_for_user, webhook_endpoints_visible_to

from ..common import acting_organisation, organisation_ref, responses
from ..http import ApiRequest
from ..schemas import WebhookCreatedOut, WebhookDeliveryOut, WebhookIn, WebhookOut

router = Router(tags=["Webhooks"])

DESCRIPTION = """Chaque événement est envoyé en `POST` JSON, signé :
`Certiprev-Signature: t=<horodatage unix>,v1=<HMAC-SHA256 hexadécimal du texte "<t>.<corps brut>" avec le secret>`.
`Certiprev-Event-Id` est le même à chaque nouvelle tentative : ignorez un identifiant déjà traité. Toute réponse
2xx vaut accusé de réception ; sinon nouvelles tentatives espacées (1 min, 2 min, 4 min… jusqu'à 10 tentatives)."""


def _endpoint_out(endpoint: WebhookEndpoint) -> dict:
    return {
        "id": str(endpoint.public_id),
        "organisation": organisation_ref(endpoint.organisation),
        "url": endpoint.url,
        "events": endpoint.events,
        "description": endpoint.description,
        "is_active": endpoint.is_active,
        "created_at": endpoint.created_at,
    }


def _delivery_out(delivery: WebhookDelivery) -> dict:
    return {
        "id": str(delivery.public_id),
        "event_id": str(delivery.event_id),
        "event": delivery.event_type,
        "state": delivery.state,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at,
        "created_at": delivery.created_at,
        "delivered_at": delivery.delivered_at,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "log": [
            {"at": a.at, "status_code": a.status_code, "error": a.error, "duration_ms": a.duration_ms}
            for a in delivery.log.all()
        ],
    }


@router.get("/webhooks", response=responses((200, list[WebhookOut])), summary="Mes adresses de webhook")
def webhooks_list(request: ApiRequest):
    return [_endpoint_out(e) for e in webhook_endpoints_visible_to(request.user).order_by("created_at", "id")[:200]]


@router.post(
    "/webhooks",
    response=responses((201, WebhookCreatedOut)),
    summary="Déclarer une adresse de webhook",
    description=DESCRIPTION,
)
def webhook_create(request: ApiRequest, payload: WebhookIn):
    organisation = acting_organisation(request.user, payload.organisation)
    endpoint = services.webhook_endpoint_create(
        by=request.user,
        organisation=organisation,
        url=payload.url,
        events=payload.events,
        description=payload.description,
    )
    return Status(201, {**_endpoint_out(endpoint), "secret": endpoint.secret})


@router.get("/webhooks/{id}", response=responses((200, WebhookOut)), summary="Une adresse de webhook")
def webhook_get(request: ApiRequest, id: str):
    return _endpoint_out(get_webhook_endpoint_for_user(request.user, id))


@router.delete("/webhooks/{id}", response=responses((204, None)), summary="Supprimer une adresse de webhook")
def webhook_delete(request: ApiRequest, id: str):
    services.webhook_endpoint_delete(by=request.user, endpoint=get_webhook_endpoint_for_user(request.user, id))
    return Status(204, None)


@router.post(
    "/webhooks/{id}/secret", response=responses((200, WebhookCreatedOut)), summary="Changer le secret de signature"
)
def webhook_secret_rotate(request: ApiRequest, id: str):
    endpoint = services.webhook_secret_rotate(
        by=request.user, endpoint=get_webhook_endpoint_for_user(request.user, id)
    )
    return {**_endpoint_out(endpoint), "secret": endpoint.secret}


@router.post(
    "/webhooks/{id}/ping", response=responses((202, WebhookDeliveryOut)), summary="Envoyer un événement de test"
)
def webhook_ping(request: ApiRequest, id: str):
    delivery = services.webhook_ping(by=request.user, endpoint=get_webhook_endpoint_for_user(request.user, id))
    delivery.refresh_from_db()
    return Status(202, _delivery_out(delivery))


class DeliveryQuery(Schema):
    page: int = Field(1, ge=1, le=10_000)


@router.get(
    "/webhooks/{id}/deliveries", response=responses((200, list[WebhookDeliveryOut])), summary="Journal des livraisons"
)
def webhook_deliveries(request: ApiRequest, id: str, query: Query[DeliveryQuery]):
    """Les livraisons de cette adresse, les plus récentes d'abord (50 par page), avec chaque tentative."""
    endpoint = get_webhook_endpoint_for_user(request.user, id)
    offset = (query.page - 1) * 50
    deliveries = endpoint.deliveries.prefetch_related("log").order_by("-created_at", "-id")[offset : offset + 50]
    return [_delivery_out(d) for d in deliveries]
