"""What every session service shares: the row lock, the event log, the transition, the reason of a refusal."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from certiprev.lib.errors import WorkflowError
from certiprev.lib.workflow import actor_fields, row_lock, text_required, transition_apply
from certiprev.notifications.tasks import notification_schedule
from certiprev.trainings.summary import figures_apply, session_figures

from ..enums import TRANSITIONS, Actor
from ..models import Training, TrainingEvent
from ..policy import state_refusal

if TYPE_CHECKING:
    from certiprev.accounts.models import User


def today() -> dt.date:
    return timezone.localdate()


def event_fields(training: Training, *, by: User | None, role: str, action: str, **fields: Any) -> dict[str, Any]:
    """The columns of one TrainingEvent row: the session, who (and as what), which action."""
    return {"training": training, **actor_fields(by, Actor(role).label if role else ""), "action": action, **fields}


def event_record(
    training: Training,
    *,
    by: User | None,
    role: str,
    action: str,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    data: dict | None = None,
) -> TrainingEvent:
    """Append one row to the session's log."""
    return TrainingEvent.objects.create(
        **event_fields(
            training,
            by=by,
            role=role,
            action=action,
            from_state=from_state,
            to_state=to_state,
            comment=comment,
            data=data or {},
        )
    )


def lock(training: Training) -> Training:
    """Re-read the training under a lock of its row only (not its scheme's, organisation's or trainer's)."""
    return row_lock(training, related=("scheme", "organisation", "trainer"))


def transition(
    training: Training,
    action: str,
    *,
    by: User | None,
    role: str,
    comment: str = "",
    data: dict | None = None,
    **updates: Any,
) -> TrainingEvent:
    """Move the training along the transition table with a compare-and-swap on its old state."""
    now = timezone.now()
    before = session_figures(training)  # the statistics' summary follows in this transaction (ADR 0017)
    event = transition_apply(
        training,
        TRANSITIONS[action],
        event_model=TrainingEvent,
        event_fields=event_fields(training, by=by, role=role, action=action, comment=comment, data=data or {}),
        invalid_state=lambda _state: state_refusal(training, action),
        conflict=lambda: WorkflowError(
            "conflict",
            "La session vient d'être modifiée par quelqu'un d'autre : rechargez-la et recommencez.",
            status=409,
        ),
        updates={"updated_at": now, **updates},
    )
    figures_apply(session_figures(training), before)
    return event


def notify(event: TrainingEvent) -> None:
    notification_schedule(event=event)


def require_reason(reason: str, what: str) -> str:
    too_long = "Le motif ne doit pas dépasser 2 000 caractères."
    return text_required(reason, missing=f"Indiquez le motif {what}.", limit=2000, too_long=too_long)
