"""Declaring the trainees of a draft or returned session, one by one or by import."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from certiprev.audit.services import audit_event_record
from certiprev.lib.errors import WorkflowError
from certiprev.lib.names import clean_text

from .. import policy
from ..enums import Action
from ..models import Trainee, Training
from ..rules import TraineeData, duplicate_message, elearning_date_problem, trainee_data_errors, trainee_identity
from .common import event_record, lock, today

if TYPE_CHECKING:
    from certiprev.accounts.models import User

_TRAINEE_FIELDS = ("last_name", "first_names", "birth_date", "email", "external_id", "identity_key")


def _raise_first(errors: list[tuple[str, str]]) -> None:
    if errors:
        field, message = errors[0]
        raise WorkflowError(
            "trainee_invalid", message, field=field, errors=[{"field": f, "message": m} for f, m in errors]
        )


def _duplicate_error(data: TraineeData) -> WorkflowError:
    return WorkflowError("trainee_duplicate", duplicate_message(data), status=409)


def trainee_build(training: Training, data: TraineeData) -> Trainee:
    """An unsaved Trainee from cleaned data (the demo writes history with it)."""
    last, first, key = trainee_identity(data)
    return Trainee(
        training=training,
        last_name=last,
        first_names=first,
        birth_date=data.birth_date,
        email=(data.email or "").strip().lower(),
        external_id=clean_text(data.external_id),
        identity_key=key,
    )


def _touch(training: Training) -> None:
    Training.objects.filter(pk=training.pk).update(updated_at=timezone.now())


@transaction.atomic
def trainee_add(*, by: User | None, training: Training, data: TraineeData) -> Trainee:
    """Declare one trainee on a draft or returned session."""
    lock(training)  # roles and state are checked on the fresh row, under its lock
    role = policy.require_role(by, training, Action.TRAINEE_ADD)
    policy.require_state(training, Action.TRAINEE_ADD)
    _raise_first(trainee_data_errors(data, today=today(), email_required=training.scheme.is_trainer_course))
    trainee = trainee_build(training, data)
    if training.trainees.filter(identity_key=trainee.identity_key).exists():
        raise _duplicate_error(data)
    trainee.save()
    event_record(
        training,
        by=by,
        role=role,
        action=Action.TRAINEE_ADD,
        data={"trainee": str(trainee.public_id), "name": str(trainee)},
    )
    _touch(training)
    return trainee


@transaction.atomic
def trainees_add_many(*, by: User | None, training: Training, rows: list[TraineeData]) -> list[Trainee]:
    """Add several trainees at once (bulk import): all or nothing, with every error reported."""
    lock(training)  # roles and state are checked on the fresh row, under its lock
    role = policy.require_role(by, training, Action.TRAINEE_ADD)
    policy.require_state(training, Action.TRAINEE_ADD, verb="importer des stagiaires")
    existing = set(training.trainees.values_list("identity_key", flat=True))
    errors, trainees = [], []
    day = today()
    for line, data in enumerate(rows, start=1):
        row_errors = trainee_data_errors(data, today=day, email_required=training.scheme.is_trainer_course)
        for field, message in row_errors:
            errors.append({"line": line, "field": field, "message": message})
        if row_errors:  # an invalid row has no reliable identity (e.g. no birth date) to check for duplicates
            continue
        trainee = trainee_build(training, data)
        if trainee.identity_key in existing:
            errors.append({"line": line, "field": None, "message": duplicate_message(data)})
        existing.add(trainee.identity_key)
        trainees.append(trainee)
    if errors:
        raise WorkflowError("import_invalid", "Aucun stagiaire n'a été ajouté : corrigez les erreurs.", errors=errors)
    Trainee.objects.bulk_create(trainees)
    event_record(training, by=by, role=role, action=Action.TRAINEE_ADD, data={"imported": len(trainees)})
    _touch(training)
    return trainees


@transaction.atomic
def trainee_update(*, by: User | None, trainee: Trainee, data: TraineeData) -> Trainee:
    """Correct one trainee's identity or e-mail on a draft or returned session."""
    training = trainee.training
    lock(training)  # roles and state are checked on the fresh row, under its lock
    role = policy.require_role(by, training, Action.TRAINEE_UPDATE)
    policy.require_state(training, Action.TRAINEE_UPDATE)
    _raise_first(trainee_data_errors(data, today=today(), email_required=training.scheme.is_trainer_course))
    updated = trainee_build(training, data)
    if training.trainees.filter(identity_key=updated.identity_key).exclude(pk=trainee.pk).exists():
        raise _duplicate_error(data)
    for field in _TRAINEE_FIELDS:
        setattr(trainee, field, getattr(updated, field))
    trainee.save(update_fields=_TRAINEE_FIELDS)
    event_record(
        training,
        by=by,
        role=role,
        action=Action.TRAINEE_UPDATE,
        data={"trainee": str(trainee.public_id), "name": str(trainee)},
    )
    return trainee


@transaction.atomic
def trainee_remove(*, by: User | None, trainee: Trainee) -> None:
    """Take one trainee off a draft or returned session."""
    training = trainee.training
    lock(training)  # roles and state are checked on the fresh row, under its lock
    role = policy.require_role(by, training, Action.TRAINEE_REMOVE)
    policy.require_state(training, Action.TRAINEE_REMOVE)
    event_record(
        training,
        by=by,
        role=role,
        action=Action.TRAINEE_REMOVE,
        data={"trainee": str(trainee.public_id), "name": str(trainee)},
    )
    trainee.delete()


@transaction.atomic
def trainee_elearning_record(*, by: User | None, trainee: Trainee, on: dt.date) -> Trainee:
    """Record the date of a trainer-course trainee's INRS e-learning attestation (a prerequisite, DESIGN §10)."""
    training = trainee.training
    lock(training)
    if policy.acting_role_for(by, training, Action.MAC_CHECK) is None:
        raise WorkflowError("forbidden", "Seul un membre de l'organisme peut enregistrer ce prérequis.", status=403)
    policy.require_state(training, Action.MAC_CHECK)
    if not training.scheme.requires_elearning:
        raise WorkflowError(
            "elearning_not_required",
            f"La session {training.scheme.code} ne demande pas d'attestation d'e-learning.",
            field="elearning_on",
        )
    problem = elearning_date_problem(on, start=training.start_date, today=today())
    if problem:
        raise WorkflowError("elearning_invalid", problem, field="elearning_on")
    trainee.elearning_on = on
    trainee.save(update_fields=["elearning_on"])
    audit_event_record(
        by=by,
        action="elearning_record",
        target=training,
        data={"trainee": str(trainee.public_id), "elearning_on": on.isoformat()},
    )
    return trainee
