"""The session workflow of DESIGN §3. Every write to a training goes through these functions."""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from certiprev.catalog.models import Scheme
from certiprev.lib.dates import add_months, format_fr
from certiprev.lib.errors import WorkflowError
from certiprev.lib.names import clean_name, clean_text, identity_key
from certiprev.organisations.models import Habilitation, Organisation
from certiprev.trainers.models import TRAINER_NUMBER_RE, Trainer, TrainerCertification

from .enums import EDITABLE_STATES, TRANSITIONS, Action, Actor, TrainingKind, TrainingState
from .models import Trainee, Training, TrainingEvent, close_deadline_for
from .selectors import organisation_ids_of, roles_on

MIN_TRAINEE_AGE = 14
MAX_TRAINEE_AGE = 120
MAX_TEXT = 100
_LETTER = re.compile(r"[^\W\d_]")
_EMAIL = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$")

_VERBS = {
    Action.SUBMIT: "soumettre",
    Action.RETURN: "renvoyer",
    Action.VALIDATE: "valider",
    Action.CLOSE: "clôturer",
    Action.CANCEL: "annuler",
}
_WHO = {
    Actor.MEMBER: "un membre de l'organisme",
    Actor.TRAINER: "le formateur de la session",
    Actor.ADMIN: "un administrateur du réseau",
}
_STATE_PHRASE = {
    TrainingState.DRAFT: "à l'état de brouillon",
    TrainingState.SUBMITTED: "soumise au formateur",
    TrainingState.RETURNED: "renvoyée par le formateur",
    TrainingState.VALIDATED: "déjà validée par le formateur",
    TrainingState.CLOSED: "clôturée",
    TrainingState.CANCELLED: "annulée",
}


# ---------------------------------------------------------------------------------------------------------------
# Rules shared by creation, update and submission


def _de(verb: str) -> str:
    """French elision: "de valider" but "d'annuler", "d'importer"."""
    return f"d'{verb}" if verb[:1].lower() in "aeiouyéèêàâîôû" else f"de {verb}"


def _today() -> dt.date:
    return timezone.localdate()


def _check_dates(start: dt.date, end: dt.date, *, extended_until: dt.date | None = None) -> None:
    if end < start:
        raise WorkflowError(
            "dates_incoherent",
            f"Le dernier jour ({format_fr(end)}) ne peut pas précéder le premier jour ({format_fr(start)}).",
            field="end_date",
        )
    if (end - start).days > 366:
        raise WorkflowError("dates_incoherent", "Une session ne peut pas durer plus d'un an.", field="end_date")
    deadline = close_deadline_for(end)
    if deadline < _today() and not (extended_until and extended_until >= _today()):
        raise WorkflowError(
            "close_deadline_passed",
            f"Cette session s'est terminée le {format_fr(end)} : le délai de clôture (le {format_fr(deadline)}) "
            "est déjà dépassé, elle ne pourrait plus être clôturée.",
            field="end_date",
        )


def _check_scheme(scheme: Scheme) -> None:
    if not scheme.is_active:
        raise WorkflowError(
            "scheme_inactive", f"Le dispositif {scheme.code} n'est plus ouvert aux nouvelles sessions.", field="scheme"
        )


def _check_habilitation(organisation: Organisation, scheme: Scheme, start: dt.date, end: dt.date) -> None:
    habilitations = list(Habilitation.objects.filter(organisation=organisation, scheme=scheme))
    if any(h.valid_from <= start and h.valid_until >= end for h in habilitations):
        return
    period = f"du {format_fr(start)} au {format_fr(end)}" if start != end else f"le {format_fr(start)}"
    if not habilitations:
        message = f"{organisation.name} n'est pas habilité pour le dispositif {scheme.code}."
    else:
        latest = max(habilitations, key=lambda h: h.valid_until)
        if latest.valid_until < start:
            message = (
                f"L'habilitation {scheme.code} de {organisation.name} "
                f"{'a expiré' if latest.valid_until < _today() else 'expire'} le {format_fr(latest.valid_until)} : "
                f"elle ne couvre pas la session ({period})."
            )
        else:
            message = (
                f"L'habilitation {scheme.code} de {organisation.name} (du {format_fr(latest.valid_from)} au "
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


def _check_trainer_certification(trainer: Trainer, scheme: Scheme, start: dt.date, end: dt.date) -> None:
    certifications = list(TrainerCertification.objects.filter(trainer=trainer, scheme=scheme))
    if any(c.valid_from <= start and c.valid_until >= end for c in certifications):
        return
    if not certifications:
        message = (
            f"Le formateur {trainer.full_name} ({trainer.number}) n'est pas certifié pour le dispositif {scheme.code}."
        )
    else:
        latest = max(certifications, key=lambda c: c.valid_until)
        message = (
            f"La certification {scheme.code} du formateur {trainer.full_name} ({trainer.number}), valable du "
            f"{format_fr(latest.valid_from)} au {format_fr(latest.valid_until)}, ne couvre pas toute la session "
            f"(du {format_fr(start)} au {format_fr(end)})."
        )
    raise WorkflowError("trainer_not_certified", message, field="trainer_number")


def _check_group_size(training: Training, count: int) -> None:
    scheme = training.scheme
    if count < scheme.group_min:
        raise WorkflowError(
            "group_too_small",
            f"Une session {scheme.code} compte au moins {scheme.group_min} stagiaires ; celle-ci en compte {count}.",
        )
    if count > scheme.group_max:
        raise WorkflowError(
            "group_too_large",
            f"Une session {scheme.code} compte au plus {scheme.group_max} stagiaires ; celle-ci en compte {count}.",
        )


# ---------------------------------------------------------------------------------------------------------------
# Permissions and the event log


def _require(by, training: Training, allowed: Iterable[str], what: str) -> str:
    """The role under which `by` acts, or a 403-like WorkflowError naming who may do it."""
    roles = roles_on(by, training)
    for role in (Actor.TRAINER, Actor.MEMBER, Actor.ADMIN):
        if role in allowed and role in roles:
            return role
    # A fixed order (not the frozenset's, which changes between runs) and French articles.
    who = " ou ".join(phrase for role, phrase in _WHO.items() if role in allowed)
    raise WorkflowError("forbidden", f"Seul {who} peut {what} cette session.", status=403)


def _event(
    training: Training,
    *,
    by,
    role: str,
    action: str,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    data: dict | None = None,
) -> TrainingEvent:
    return TrainingEvent.objects.create(
        training=training,
        actor=by if getattr(by, "pk", None) else None,
        actor_name=f"{getattr(by, 'display_name', 'système')} ({Actor(role).label})" if role else "système",
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        data=data or {},
    )


def _lock(training: Training) -> Training:
    """Re-read the training under a row lock: concurrent writers queue here and then see the new state."""
    locked = Training.objects.select_for_update().select_related("scheme", "organisation", "trainer")
    fresh = locked.get(pk=training.pk)
    training.__dict__.update({k: v for k, v in fresh.__dict__.items() if not k.startswith("_")})
    training._state.fields_cache.update(fresh._state.fields_cache)  # scheme, organisation, trainer: fresh too
    return fresh


def _transition(training: Training, action: str, *, by, role: str, comment: str = "", data=None, **updates):
    """Move the training along the transition table with a compare-and-swap on its old state."""
    transition = TRANSITIONS[action]
    if training.state not in transition.sources:
        raise WorkflowError(
            "invalid_state",
            f"Impossible {_de(_VERBS[action])} une session {_STATE_PHRASE[TrainingState(training.state)]}.",
            status=409,
        )
    old_state = training.state
    now = timezone.now()
    changed = Training.objects.filter(pk=training.pk, state=old_state).update(
        state=transition.target, updated_at=now, **updates
    )
    if changed != 1:
        raise WorkflowError(
            "conflict",
            "La session vient d'être modifiée par quelqu'un d'autre : rechargez-la et recommencez.",
            status=409,
        )
    training.state = transition.target
    training.updated_at = now
    for field, value in updates.items():
        setattr(training, field, value)
    return _event(
        training,
        by=by,
        role=role,
        action=action,
        from_state=old_state,
        to_state=transition.target,
        comment=comment,
        data=data,
    )


def _notify(event: TrainingEvent) -> None:
    from certiprev.notifications.tasks import notification_schedule

    notification_schedule(event=event)


def _require_reason(reason: str, what: str) -> str:
    reason = clean_text(reason, multiline=True)
    if not reason:
        raise WorkflowError("reason_required", f"Indiquez le motif {what}.", field="reason")
    if len(reason) > 2000:
        raise WorkflowError("reason_too_long", "Le motif ne doit pas dépasser 2 000 caractères.", field="reason")
    return reason


# ---------------------------------------------------------------------------------------------------------------
# Creating and editing a session


@transaction.atomic
def training_create(
    *,
    by,
    organisation: Organisation,
    scheme: Scheme,
    kind: str,
    start_date: dt.date,
    end_date: dt.date,
    place: str,
    trainer_number: str,
    external_id: str = "",
) -> Training:
    """Create a draft session after checking habilitation, trainer certification and dates."""
    is_member = getattr(by, "is_active", False) and organisation.pk in organisation_ids_of(by)
    if not (is_member or getattr(by, "is_network_administrator", False)):
        raise WorkflowError("forbidden", "Vous n'êtes pas membre de cet organisme.", status=403)
    if kind not in TrainingKind.values:
        raise WorkflowError("kind_invalid", "Le type de session doit être « initiale » ou « MAC ».", field="kind")
    place = clean_name(place)
    if not place:
        raise WorkflowError("place_required", "Indiquez le lieu de la session.", field="place")
    if len(place) > 200:
        raise WorkflowError("place_too_long", "Le lieu ne doit pas dépasser 200 caractères.", field="place")
    _check_scheme(scheme)
    _check_dates(start_date, end_date)
    _check_habilitation(organisation, scheme, start_date, end_date)
    trainer = trainer_find(trainer_number)
    _check_trainer_certification(trainer, scheme, start_date, end_date)
    training = Training(
        organisation=organisation,
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
    _event(training, by=by, role=role, action=Action.CREATE, to_state=training.state)
    return training


_UPDATABLE = ("scheme", "kind", "start_date", "end_date", "place", "trainer_number")


@transaction.atomic
def training_update(*, by, training: Training, **changes) -> Training:
    """Change a draft or returned session; every rule is checked again on the new values."""
    unknown = set(changes) - set(_UPDATABLE)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    _lock(training)  # roles and state are checked on the fresh row, under its lock
    role = _require(by, training, {Actor.MEMBER}, "modifier")
    _require_editable(training, "modifier")
    scheme = changes.get("scheme", training.scheme)
    kind = changes.get("kind", training.kind)
    start, end = changes.get("start_date", training.start_date), changes.get("end_date", training.end_date)
    place = clean_name(changes.get("place", training.place))
    trainer = trainer_find(changes["trainer_number"]) if "trainer_number" in changes else training.trainer
    if kind not in TrainingKind.values:
        raise WorkflowError("kind_invalid", "Le type de session doit être « initiale » ou « MAC ».", field="kind")
    if not place:
        raise WorkflowError("place_required", "Indiquez le lieu de la session.", field="place")
    if len(place) > 200:
        raise WorkflowError("place_too_long", "Le lieu ne doit pas dépasser 200 caractères.", field="place")
    if scheme.pk != training.scheme_id:
        _check_scheme(scheme)
    _check_dates(start, end, extended_until=training.close_extended_until)
    _check_habilitation(training.organisation, scheme, start, end)
    _check_trainer_certification(trainer, scheme, start, end)
    before = {
        "scheme": training.scheme.code,
        "kind": training.kind,
        "start_date": training.start_date.isoformat(),
        "end_date": training.end_date.isoformat(),
        "place": training.place,
        "trainer": training.trainer.number,
    }
    training.scheme, training.kind, training.start_date, training.end_date = scheme, kind, start, end
    training.place, training.trainer = place, trainer
    training.save()
    after = {
        "scheme": scheme.code,
        "kind": kind,
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "place": place,
        "trainer": trainer.number,
    }
    diff = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if diff:
        _event(training, by=by, role=role, action=Action.UPDATE, data={"changes": diff})
    return training


def _require_editable(training: Training, what: str) -> None:
    if training.state not in EDITABLE_STATES:
        raise WorkflowError(
            "not_editable",
            f"Impossible {_de(what)} : la session est {_STATE_PHRASE[TrainingState(training.state)]}. "
            "Seules les sessions en brouillon ou renvoyées par le formateur sont modifiables.",
            status=409,
        )


# ---------------------------------------------------------------------------------------------------------------
# Trainees


@dataclass(frozen=True)
class TraineeData:
    last_name: str
    first_names: str
    birth_date: dt.date
    email: str = ""
    external_id: str = ""


def trainee_data_errors(data: TraineeData, *, today: dt.date | None = None) -> list[tuple[str, str]]:
    """(field, French message) for every problem in one trainee's data."""
    today = today or _today()
    errors: list[tuple[str, str]] = []
    names = (("last_name", "Le nom", data.last_name), ("first_names", "Le prénom", data.first_names))
    for field, label, value in names:
        value = clean_name(value)
        if not value:
            errors.append((field, f"{label} est obligatoire."))
        elif len(value) > MAX_TEXT:
            errors.append((field, f"{label} ne doit pas dépasser {MAX_TEXT} caractères."))
        elif not _LETTER.search(value):
            errors.append((field, f"{label} doit contenir au moins une lettre."))
    birth = data.birth_date
    if not isinstance(birth, dt.date):
        errors.append(("birth_date", "La date de naissance est obligatoire."))
    elif birth > today:
        errors.append(("birth_date", "La date de naissance ne peut pas être dans le futur."))
    elif birth > add_months(today, -12 * MIN_TRAINEE_AGE):
        errors.append(("birth_date", f"Le stagiaire doit avoir au moins {MIN_TRAINEE_AGE} ans."))
    elif birth < add_months(today, -12 * MAX_TRAINEE_AGE):
        errors.append(("birth_date", "Cette date de naissance n'est pas plausible."))
    email = (data.email or "").strip()
    if email and (len(email) > 254 or not _EMAIL.match(email)):
        errors.append(("email", "L'adresse e-mail n'est pas valide."))
    if len(data.external_id or "") > 100:
        errors.append(("external_id", "La référence externe ne doit pas dépasser 100 caractères."))
    return errors


def _raise_first(errors: list[tuple[str, str]]) -> None:
    if errors:
        field, message = errors[0]
        raise WorkflowError(
            "trainee_invalid", message, field=field, errors=[{"field": f, "message": m} for f, m in errors]
        )


def _duplicate_error(data: TraineeData) -> WorkflowError:
    return WorkflowError(
        "trainee_duplicate",
        f"{clean_name(data.last_name).upper()} {clean_name(data.first_names)}, né·e le {format_fr(data.birth_date)}, "
        "est déjà déclaré·e sur cette session.",
        status=409,
    )


def _build_trainee(training: Training, data: TraineeData) -> Trainee:
    last, first = clean_name(data.last_name), clean_name(data.first_names)
    return Trainee(
        training=training,
        last_name=last,
        first_names=first,
        birth_date=data.birth_date,
        email=(data.email or "").strip().lower(),
        external_id=clean_text(data.external_id),
        identity_key=identity_key(last, first, data.birth_date),
    )


@transaction.atomic
def trainee_add(*, by, training: Training, data: TraineeData) -> Trainee:
    """Declare one trainee on a draft or returned session."""
    _lock(training)  # roles and state are checked on the fresh row, under its lock
    role = _require(by, training, {Actor.MEMBER}, "modifier les stagiaires de")
    _require_editable(training, "ajouter un stagiaire")
    _raise_first(trainee_data_errors(data))
    trainee = _build_trainee(training, data)
    if training.trainees.filter(identity_key=trainee.identity_key).exists():
        raise _duplicate_error(data)
    trainee.save()
    _event(
        training,
        by=by,
        role=role,
        action=Action.TRAINEE_ADD,
        data={"trainee": str(trainee.public_id), "name": str(trainee)},
    )
    Training.objects.filter(pk=training.pk).update(updated_at=timezone.now())
    return trainee


@transaction.atomic
def trainees_add_many(*, by, training: Training, rows: list[TraineeData]) -> list[Trainee]:
    """Add several trainees at once (bulk import): all or nothing, with every error reported."""
    _lock(training)  # roles and state are checked on the fresh row, under its lock
    role = _require(by, training, {Actor.MEMBER}, "modifier les stagiaires de")
    _require_editable(training, "importer des stagiaires")
    existing = set(training.trainees.values_list("identity_key", flat=True))
    errors, trainees = [], []
    for line, data in enumerate(rows, start=1):
        row_errors = trainee_data_errors(data)
        for field, message in row_errors:
            errors.append({"line": line, "field": field, "message": message})
        if row_errors:  # an invalid row has no reliable identity (e.g. no birth date) to check for duplicates
            continue
        trainee = _build_trainee(training, data)
        if trainee.identity_key in existing:
            errors.append({"line": line, "field": None, "message": _duplicate_error(data).message})
        existing.add(trainee.identity_key)
        trainees.append(trainee)
    if errors:
        raise WorkflowError("import_invalid", "Aucun stagiaire n'a été ajouté : corrigez les erreurs.", errors=errors)
    Trainee.objects.bulk_create(trainees)
    _event(training, by=by, role=role, action=Action.TRAINEE_ADD, data={"imported": len(trainees)})
    Training.objects.filter(pk=training.pk).update(updated_at=timezone.now())
    return trainees


@transaction.atomic
def trainee_update(*, by, trainee: Trainee, data: TraineeData) -> Trainee:
    training = trainee.training
    _lock(training)  # roles and state are checked on the fresh row, under its lock
    role = _require(by, training, {Actor.MEMBER}, "modifier les stagiaires de")
    _require_editable(training, "modifier un stagiaire")
    _raise_first(trainee_data_errors(data))
    updated = _build_trainee(training, data)
    if training.trainees.filter(identity_key=updated.identity_key).exclude(pk=trainee.pk).exists():
        raise _duplicate_error(data)
    for field in ("last_name", "first_names", "birth_date", "email", "external_id", "identity_key"):
        setattr(trainee, field, getattr(updated, field))
    trainee.save()
    _event(
        training,
        by=by,
        role=role,
        action=Action.TRAINEE_UPDATE,
        data={"trainee": str(trainee.public_id), "name": str(trainee)},
    )
    return trainee


@transaction.atomic
def trainee_remove(*, by, trainee: Trainee) -> None:
    training = trainee.training
    _lock(training)  # roles and state are checked on the fresh row, under its lock
    role = _require(by, training, {Actor.MEMBER}, "modifier les stagiaires de")
    _require_editable(training, "retirer un stagiaire")
    _event(
        training,
        by=by,
        role=role,
        action=Action.TRAINEE_REMOVE,
        data={"trainee": str(trainee.public_id), "name": str(trainee)},
    )
    trainee.delete()


# ---------------------------------------------------------------------------------------------------------------
# Transitions


@transaction.atomic
def training_submit(*, by, training: Training) -> Training:
    """Send the session to its trainer; every creation rule is checked again, plus the group size."""
    _lock(training)  # roles and state are checked on the fresh row, under its lock
    role = _require(by, training, TRANSITIONS[Action.SUBMIT].actors, "soumettre")
    if training.state in TRANSITIONS[Action.SUBMIT].sources:
        # An administrator's running extension of the closing deadline lets an overdue session be resubmitted.
        _check_dates(training.start_date, training.end_date, extended_until=training.close_extended_until)
        _check_habilitation(training.organisation, training.scheme, training.start_date, training.end_date)
        _check_trainer_certification(training.trainer, training.scheme, training.start_date, training.end_date)
        _check_group_size(training, training.trainees.count())
    event = _transition(training, Action.SUBMIT, by=by, role=role, submitted_at=timezone.now(), return_reason="")
    _notify(event)
    return training


@transaction.atomic
def training_return(*, by, training: Training, reason: str) -> Training:
    """The trainer sends the session back to the organisation with a reason."""
    _lock(training)  # roles and state are checked on the fresh row, under its lock
    role = _require(by, training, TRANSITIONS[Action.RETURN].actors, "renvoyer")
    reason = _require_reason(reason, "du renvoi")
    event = _transition(training, Action.RETURN, by=by, role=role, comment=reason, return_reason=reason)
    _notify(event)
    return training


@dataclass(frozen=True)
class TraineeResult:
    trainee_id: str
    present: bool
    passed: bool


@transaction.atomic
def training_validate(*, by, training: Training, results: list[TraineeResult]) -> Training:
    """The named trainer records, for each trainee, presence (identity checked) and result."""
    _lock(training)  # roles and state are checked on the fresh row, under its lock
    role = _require(by, training, TRANSITIONS[Action.VALIDATE].actors, "valider")
    if training.state == TrainingState.SUBMITTED and training.end_date > _today():
        raise WorkflowError(
            "not_finished",
            f"La session se termine le {format_fr(training.end_date)} : elle ne peut être validée qu'à partir "
            "de son dernier jour.",
            status=409,
        )
    trainees = {str(t.public_id): t for t in training.trainees.all()}
    seen: dict[str, TraineeResult] = {}
    errors = []
    for result in results:
        key = str(result.trainee_id)
        if key not in trainees:
            errors.append({"trainee_id": key, "message": "Ce stagiaire n'est pas déclaré sur la session."})
        elif key in seen:
            errors.append({"trainee_id": key, "message": f"{trainees[key]} apparaît plusieurs fois."})
        elif result.passed and not result.present:
            errors.append(
                {"trainee_id": key, "message": f"{trainees[key]} est absent·e : il ou elle ne peut pas avoir réussi."}
            )
        seen.setdefault(key, result)
    missing = [trainees[k] for k in trainees if k not in seen]
    for trainee in missing:
        errors.append(
            {"trainee_id": str(trainee.public_id), "message": f"Indiquez la présence et le résultat de {trainee}."}
        )
    if training.state == TrainingState.SUBMITTED and errors:
        raise WorkflowError("results_invalid", errors[0]["message"], errors=errors)
    # The compare-and-swap comes first so that a concurrent validation fails before touching any trainee.
    passed = sum(1 for r in seen.values() if r.passed)
    absent = sum(1 for r in seen.values() if not r.present)
    event = _transition(
        training,
        Action.VALIDATE,
        by=by,
        role=role,
        validated_at=timezone.now(),
        data={"passed": passed, "failed": len(seen) - passed - absent, "absent": absent},
    )
    for key, result in seen.items():
        trainees[key].present, trainees[key].passed = result.present, result.passed
    Trainee.objects.bulk_update(trainees.values(), ["present", "passed"])
    _notify(event)
    return training


def _check_close_deadline(training: Training) -> None:
    if training.state == TrainingState.VALIDATED and training.is_overdue(_today()):
        raise WorkflowError(
            "close_deadline_passed",
            f"Le délai de clôture est dépassé : la session était à clôturer avant le "
            f"{format_fr(training.effective_close_deadline)}. Seul un administrateur du réseau peut accorder "
            "une dérogation.",
            status=409,
        )


@transaction.atomic
def training_close(*, by, training: Training) -> Training:
    """Close a validated session (at the latest 3 months after its last day) and issue the certificates."""
    _lock(training)  # roles and state are checked on the fresh row, under its lock
    role = _require(by, training, TRANSITIONS[Action.CLOSE].actors, "clôturer")
    _check_close_deadline(training)
    event = _transition(training, Action.CLOSE, by=by, role=role, closed_at=timezone.now())
    _notify(event)
    from certiprev.certificates.tasks import certificates_issue_enqueue  # issuance runs in a task, on commit

    certificates_issue_enqueue(training=training)
    return training


@transaction.atomic
def training_cancel(*, by, training: Training, reason: str) -> Training:
    _lock(training)  # roles and state are checked on the fresh row, under its lock
    role = _require(by, training, TRANSITIONS[Action.CANCEL].actors, "annuler")
    reason = _require_reason(reason, "de l'annulation")
    event = _transition(training, Action.CANCEL, by=by, role=role, comment=reason, cancel_reason=reason)
    _notify(event)
    return training


MAX_EXTENSION_DAYS = 31


@transaction.atomic
def training_override_deadline(*, by, training: Training, reason: str, until: dt.date) -> Training:
    """A network administrator's audited extension of an overdue session's closing deadline."""
    _lock(training)  # roles and state are checked on the fresh row, under its lock
    role = _require(by, training, {Actor.ADMIN}, "accorder une dérogation pour")
    reason = _require_reason(reason, "de la dérogation")
    if training.state not in (
        TrainingState.SUBMITTED,
        TrainingState.RETURNED,
        TrainingState.VALIDATED,
        TrainingState.DRAFT,
    ):
        raise WorkflowError(
            "invalid_state",
            f"Aucune dérogation possible : la session est {_STATE_PHRASE[TrainingState(training.state)]}.",
            status=409,
        )
    today = _today()
    if not training.is_overdue(today):
        raise WorkflowError(
            "not_overdue",
            f"La session n'est pas en retard : elle peut être clôturée jusqu'au "
            f"{format_fr(training.effective_close_deadline)}.",
            status=409,
        )
    if until < today or until > today + dt.timedelta(days=MAX_EXTENSION_DAYS):
        raise WorkflowError(
            "extension_invalid",
            f"Le nouveau délai doit être compris entre aujourd'hui et {MAX_EXTENSION_DAYS} jours plus tard.",
            field="until",
        )
    previous = training.effective_close_deadline
    Training.objects.filter(pk=training.pk).update(close_extended_until=until, updated_at=timezone.now())
    training.close_extended_until = until
    _event(
        training,
        by=by,
        role=role,
        action=Action.OVERRIDE_DEADLINE,
        comment=reason,
        data={"previous_deadline": previous.isoformat(), "extended_until": until.isoformat()},
    )
    return training
