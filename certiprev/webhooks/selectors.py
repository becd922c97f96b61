"""Permission-aware reads of webhook endpoints and their delivery log."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, cast

from django.db.models import QuerySet
from django.http import Http404

from certiprev.trainings.selectors import AnyUser, organisation_ids_of

from .models import WebhookEndpoint

if TYPE_CHECKING:
    from certiprev.accounts.models import User


def webhook_endpoints_visible_to(user: AnyUser) -> QuerySet[WebhookEndpoint]:
    if not getattr(user, "is_authenticated", False) or not cast("User", user).is_active:
        return WebhookEndpoint.objects.none()
    queryset = WebhookEndpoint.objects.select_related("organisation")
    if cast("User", user).is_network_administrator:
        return queryset
    return queryset.filter(organisation_id__in=organisation_ids_of(user))


def get_webhook_endpoint_for_user(user: AnyUser, public_id: object) -> WebhookEndpoint:
    try:
        key = public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(str(public_id))
        return webhook_endpoints_visible_to(user).get(public_id=key)
    except (ValueError, TypeError, WebhookEndpoint.DoesNotExist):
        raise Http404("Adresse de webhook introuvable.") from None
