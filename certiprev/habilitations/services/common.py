"""What every request service shares: the row lock, the event log, the transition, the side effects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from certiprev.lib.errors import WorkflowError
from certiprev.lib.workflow import actor_fields, row_lock, text_required, transition_apply
from certiprev.webhooks.services import webhook_event_emit

from ..enums import TRANSITIONS, Actor
from ..models import HabilitationRequest, RequestEvent
from ..policy import state_refusal
from ..tasks import request_event_emails_enqueue

if TYPE_CHECKING:
    from certiprev.accounts.models import User


def event_fields(request: HabilitationRequest, *, by: User | None, role: str, action: str, **fields: Any) -> dict:
    return {"request": request, **actor_fields(by, Actor(role).label if role else ""), "action": action, **fields}


def event_record(
    request: HabilitationRequest, *, by: User | None, role: str, action: str, comment: str = "", **fields: Any
) -> RequestEvent:
    """Append one row to the request's log (an action that keeps the state)."""
    return RequestEvent.objects.create(
        **event_fields(request, by=by, role=role, action=action, comment=comment, **fields)
    )


def lock(request: HabilitationRequest) -> HabilitationRequest:
    """Re-read the request under a lock of its row only (not its organisation's)."""
    return row_lock(request, related=("organisation", "entity"))


def transition(
    request: HabilitationRequest,
    action: str,
    *,
    by: User | None,
    role: str,
    comment: str = "",
    data: dict | None = None,
    **updates: Any,
) -> RequestEvent:
    """Move the request along the table with a compare-and-swap on its old state, then log it and notify."""
    now = timezone.now()
    event = transition_apply(
        request,
        TRANSITIONS[action],
        event_model=RequestEvent,
        event_fields=event_fields(request, by=by, role=role, action=action, comment=comment, data=data or {}),
        invalid_state=lambda _state: state_refusal(request, action),
        conflict=lambda: WorkflowError(
            "conflict",
            "La demande vient d'être modifiée par quelqu'un d'autre : rechargez-la et recommencez.",
            status=409,
        ),
        updates={"state_changed_at": now, "updated_at": now, **updates},
    )
    notify(event)
    return event


def notify(event: RequestEvent) -> None:
    """The webhook deliveries (written now, sent after commit) and the e-mail to the next actor (after commit)."""
    request = event.request
    webhook_event_emit(
        organisation=request.organisation,
        event_type=f"habilitation_request.{event.to_state}",
        data={
            "habilitation_request": {
                "id": str(request.public_id),
                "kind": request.kind,
                "level": request.level,
                "state": event.to_state,
                "schemes": sorted(request.schemes.values_list("code", flat=True)),
            },
            "transition": {
                "at": event.at.isoformat(),
                "from_state": event.from_state,
                "to_state": event.to_state,
                "actor": event.actor_name,
                "comment": event.comment,
            },
        },
        source=f"habilitation-request-event:{event.pk}",
    )
    transaction.on_commit(lambda: request_event_emails_enqueue(event.pk))


def require_text(text: str, what: str, *, field: str = "reason") -> str:
    too_long = "Le texte ne doit pas dépasser 4 000 caractères."
    return text_required(text, missing=f"Indiquez {what}.", limit=4000, too_long=too_long, field=field)
