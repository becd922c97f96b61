"""The network administrator's audited extension of an overdue session's closing deadline (ADR 0001)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from certiprev.lib.errors import WorkflowError

from .. import policy
from ..enums import Action
from ..models import Training
from .common import event_record, lock, require_reason, today

if TYPE_CHECKING:
    from certiprev.accounts.models import User

MAX_EXTENSION_DAYS = 31


@transaction.atomic
def training_override_deadline(*, by: User | None, training: Training, reason: str, until: dt.date) -> Training:
    """A network administrator's audited extension of an overdue session's closing deadline."""
    lock(training)  # roles and state are checked on the fresh row, under its lock
    role = policy.require_role(by, training, Action.OVERRIDE_DEADLINE)
    reason = require_reason(reason, "de la dérogation")
    policy.require_state(training, Action.OVERRIDE_DEADLINE)
    day = today()
    policy.require_condition(training, Action.OVERRIDE_DEADLINE, day)
    if until < day or until > day + dt.timedelta(days=MAX_EXTENSION_DAYS):
        raise WorkflowError(
            "extension_invalid",
            f"Le nouveau délai doit être compris entre aujourd'hui et {MAX_EXTENSION_DAYS} jours plus tard.",
            field="until",
        )
    previous = training.effective_close_deadline
    Training.objects.filter(pk=training.pk).update(close_extended_until=until, updated_at=timezone.now())
    training.close_extended_until = until
    event_record(
        training,
        by=by,
        role=role,
        action=Action.OVERRIDE_DEADLINE,
        comment=reason,
        data={"previous_deadline": previous.isoformat(), "extended_until": until.isoformat()},
    )
    return training
