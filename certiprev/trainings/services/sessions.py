"""Creating and editing a session: habilitation, trainer certification and dates checked on every change."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from certiprev.catalog.models import Scheme
from certiprev.lib.dates import format_fr
from certiprev.lib.errors import WorkflowError
from certiprev.lib.names import clean_name, clean_text
from certiprev.organisations.enums import HabilitationLevel, HabilitationStatus
from certiprev.organisations.models import AssociatedEntity, Habilitation, Organisation
from certiprev.organisations.signup import require_established
from certiprev.trainers.enums import TrainerLevel
from certiprev.trainers.models import TRAINER_NUMBER_RE, Trainer, TrainerCertification
from certiprev.trainings.summary import figures_apply, session_figures

from .. import policy
from ..enums import Action, Actor
from ..models import Training
from ..rules import (
    check_kind,
    check_place,
    check_session_dates,
    level_two_missing_message,
    trainer_of_trainers_missing_message,
)
from ..selectors import member_entity_id, organisation_ids_of
from .common import event_record, lock, today

if TYPE_CHECKING:
    from certiprev.accounts.models import User


def check_scheme(scheme: Scheme) -> None:
    if not scheme.is_active:
        raise WorkflowError(
            "scheme_inactive",
            f"Le dispositif {scheme.short_name} n'est plus ouvert aux nouvelles sessions.",
            field="scheme",
        )


def check_habilitation(organisation: Organisation, scheme: Scheme, start: dt.date, end: dt.date) -> None:
    habilitations = list(Habilitation.objects.filter(organisation=organisation, scheme=scheme))
    if scheme.trains_trainers_for is not None:
        # DESIGN §10: a trainer course runs under the level-2 habilitation for its actor scheme.
        actor = scheme.trains_trainers_for
        habilitations = list(Habilitation.objects.filter(organisation=organisation, scheme=actor))
        level_two = [h for h in habilitations if h.level == HabilitationLevel.TWO]
        if not level_two:
            raise WorkflowError(
                "habilitation_level_two_required",
                level_two_missing_message(
                    organisation.name, actor.code, scheme.name, has_level_one=bool(habilitations)
                ),
                field="scheme",
            )
        habilitations, scheme = level_two, actor
    # ADR 0007: a suspended or withdrawn habilitation allows no new session (those submitted go on).
    stopped = [h for h in habilitations if h.status != HabilitationStatus.ACTIVE]
    habilitations = [h for h in habilitations if h.status == HabilitationStatus.ACTIVE]
    if any(h.valid_from <= start and h.valid_until >= end for h in habilitations):
        return
    if stopped and not habilitations:
        latest = max(stopped, key=lambda h: h.valid_until)
        raise WorkflowError(
            "habilitation_suspended",
            f"L'habilitation {scheme.short_name} de {organisation.name} est {latest.get_status_display()} depuis le "
            f"{format_fr(latest.status_changed_on)} : aucune nouvelle session n'est possible.",
            field="scheme",
        )
    period = f"du {format_fr(start)} au {format_fr(end)}" if start != end else f"le {format_fr(start)}"
    if not habilitations:
        message = f"{organisation.name} n'est pas habilité pour le dispositif {scheme.short_name}."
    else:
        latest = max(habilitations, key=lambda h: h.valid_until)
        if latest.valid_until < start:
            message = (
                f"L'habilitation {scheme.short_name} de {organisation.name} "
                f"{'a expiré' if latest.valid_until < today() else 'expire'} le {format_fr(latest.valid_until)} : "
                f"elle ne couvre pas la session ({period})."
            )
        else:
            message = (
                f"L'habilitation {scheme.short_name} de {organisation.name} (du {format_fr(latest.valid_from)} au "
                f"{format_fr(latest.valid_until)}) ne couvre pas toute la session ({period})."
            )
    raise WorkflowError("habilitation_invalid", message, field="scheme")


def trainer_find(number: str) -> Trainer:
    """The trainer with this number, or a WorkflowError saying why not (format or unknown)."""
    normalised = (number or "").strip().upper()
    if not re.fullmatch(TRAINER_NUMBER_RE, normalised):
        raise WorkflowError(
            "trainer_number_invalid",
            "Le numéro de formateur est fait de 3 lettres puis 5 chiffres (par exemple ABC12345).",
            field="trainer_number",
        )
    try:
        return Trainer.objects.get(number=normalised)
    except Trainer.DoesNotExist:
        raise WorkflowError(
            "trainer_unknown", f"Aucun formateur ne porte le numéro {normalised}.", field="trainer_number"
        ) from None


def check_trainer_certification(trainer: Trainer, scheme: Scheme, start: dt.date, end: dt.date) -> None:
    certifications = list(TrainerCertification.objects.filter(trainer=trainer, scheme=scheme))
    if scheme.trains_trainers_for is not None:
        # A trainer course is taught by a trainer of trainers of the actor scheme, certified for the whole session.
        actor = scheme.trains_trainers_for
        certifications = list(
            TrainerCertification.objects.filter(trainer=trainer, scheme=actor, level=TrainerLevel.TRAINER_OF_TRAINERS)
        )
        if not certifications:
            raise WorkflowError(
                "trainer_not_trainer_of_trainers",
                trainer_of_trainers_missing_message(
                    f"{trainer.full_name} ({trainer.number})", actor.code, scheme.name
                ),
                field="trainer_number",
            )
        if any(c.valid_from <= start and c.valid_until >= end for c in certifications):
            return
        latest = max(certifications, key=lambda c: c.valid_until)
        raise WorkflowError(
            "trainer_not_certified",
            f"La certification de formateur de formateurs {actor.code} de {trainer.full_name} ({trainer.number}), "
            f"valable du {format_fr(latest.valid_from)} au {format_fr(latest.valid_until)}, ne couvre pas toute la "
            f"session (du {format_fr(start)} au {format_fr(end)}).",
            field="trainer_number",
        )
    if any(c.valid_from <= start and c.valid_until >= end for c in certifications):
        return
    if not certifications:
        message = (
            f"Le formateur {trainer.full_name} ({trainer.number}) n'est pas certifié pour le dispositif "
            f"{scheme.short_name}."
        )
    else:
        latest = max(certifications, key=lambda c: c.valid_until)
        message = (
            f"La certification {scheme.short_name} du formateur {trainer.full_name} ({trainer.number}), valable du "
            f"{format_fr(latest.valid_from)} au {format_fr(latest.valid_until)}, ne couvre pas toute la session "
            f"(du {format_fr(start)} au {format_fr(end)})."
        )
    raise WorkflowError("trainer_not_certified", message, field="trainer_number")


def check_entity(
    by: User | None, organisation: Organisation, entity: AssociatedEntity | None, *, is_member: bool
) -> AssociatedEntity | None:
    """The entity that runs the session: one of the organisation's; a member confined to an entity gets theirs."""
    if entity is not None and entity.organisation_id != organisation.pk:
        raise WorkflowError("entity_unknown", "Cette entité n'est pas rattachée à l'organisme.", field="entity")
    confined_to = member_entity_id(by, organisation.pk) if is_member else None
    if confined_to is None:
        return entity
    if entity is not None and entity.pk != confined_to:
        raise WorkflowError(
            "entity_forbidden", "Vous ne pouvez créer que des sessions de votre entité associée.", field="entity"
        )
    return AssociatedEntity.objects.get(pk=confined_to)


@transaction.atomic
def training_create(
    *,
    by: User | None,
    organisation: Organisation,
    scheme: Scheme,
    kind: str,
    start_date: dt.date,
    end_date: dt.date,
    place: str,
    trainer_number: str,
    external_id: str = "",
    entity: AssociatedEntity | None = None,
) -> Training:
    """Create a draft session after checking habilitation, trainer certification and dates.

    `entity`: the associated entity that runs it (one of the organisation's); a member confined to an entity
    creates that entity's sessions only."""
    is_member = getattr(by, "is_active", False) and organisation.pk in organisation_ids_of(by)
    if not (is_member or getattr(by, "is_network_administrator", False)):
        raise WorkflowError("forbidden", "Vous n'êtes pas membre de cet organisme.", status=403)
    require_established(organisation, "créer une session")
    entity = check_entity(by, organisation, entity, is_member=is_member)
    check_kind(kind)
    place = check_place(place)
    check_scheme(scheme)
    check_session_dates(start_date, end_date, today=today())
    check_habilitation(organisation, scheme, start_date, end_date)
    trainer = trainer_find(trainer_number)
    check_trainer_certification(trainer, scheme, start_date, end_date)
    training = Training(
        organisation=organisation,
        entity=entity,
        scheme=scheme,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        place=place,
        trainer=trainer,
        external_id=clean_text(external_id)[:100],
        created_by=by,
    )
    try:
        with transaction.atomic():
            training.save()
    except IntegrityError:
        raise WorkflowError(
            "external_id_taken",
            "Une autre session de l'organisme porte déjà cette référence externe.",
            status=409,
            field="external_id",
        ) from None
    role = Actor.MEMBER if is_member else Actor.ADMIN
    event_record(training, by=by, role=role, action=Action.CREATE, to_state=training.state)
    figures_apply(session_figures(training, (0, 0, 0)))  # the statistics' summary, in this transaction
    return training


_UPDATABLE = ("scheme", "kind", "start_date", "end_date", "place", "trainer_number", "entity")
# What training_update may write (close_before follows end_date in Training.save).
_UPDATED_FIELDS = (
    "scheme",
    "kind",
    "start_date",
    "end_date",
    "close_before",
    "place",
    "trainer",
    "updated_at",
)


@transaction.atomic
def training_update(*, by: User | None, training: Training, **changes: Any) -> Training:
    """Change a draft or returned session; every rule is checked again on the new values.

    `changes`: any of scheme (a Scheme), kind, start_date, end_date, place, trainer_number, entity (an
    AssociatedEntity of the organisation, or None for the organisation itself).
    """
    unknown = set(changes) - set(_UPDATABLE)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    lock(training)  # roles and state are checked on the fresh row, under its lock
    role = policy.require_role(by, training, Action.UPDATE)
    policy.require_state(training, Action.UPDATE)
    scheme = changes.get("scheme", training.scheme)
    kind = changes.get("kind", training.kind)
    start, end = changes.get("start_date", training.start_date), changes.get("end_date", training.end_date)
    place = clean_name(changes.get("place", training.place))
    trainer = trainer_find(changes["trainer_number"]) if "trainer_number" in changes else training.trainer
    check_kind(kind)
    place = check_place(place)
    if scheme.pk != training.scheme_id:
        check_scheme(scheme)
    check_session_dates(start, end, extended_until=training.close_extended_until, today=today())
    check_habilitation(training.organisation, scheme, start, end)
    check_trainer_certification(trainer, scheme, start, end)
    entity = training.entity
    if "entity" in changes:
        is_member = training.organisation_id in organisation_ids_of(by)
        entity = check_entity(by, training.organisation, changes["entity"], is_member=is_member)
    before = {
        "scheme": training.scheme.code,
        "kind": training.kind,
        "start_date": training.start_date.isoformat(),
        "end_date": training.end_date.isoformat(),
        "place": training.place,
        "trainer": training.trainer.number,
        "entity": str(training.entity.public_id) if training.entity else None,
    }
    figures_before = session_figures(training)  # a draft or returned session: no trainee count read
    training.scheme, training.kind, training.start_date, training.end_date = scheme, kind, start, end
    training.place, training.trainer, training.entity = place, trainer, entity
    # The entity column only when asked: an edit writes the columns it may change, no more.
    training.save(update_fields=(*_UPDATED_FIELDS, "entity") if "entity" in changes else _UPDATED_FIELDS)
    figures_apply(session_figures(training), figures_before)
    after = {
        "scheme": scheme.code,
        "kind": kind,
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "place": place,
        "trainer": trainer.number,
        "entity": str(entity.public_id) if entity else None,
    }
    diff = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if diff:
        event_record(training, by=by, role=role, action=Action.UPDATE, data={"changes": diff})
    return training
