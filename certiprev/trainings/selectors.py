"""Reads: permission-aware getters (every training is reached through what the caller may see), and the states as
the screens show them."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Union, cast

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.db.models.query import RawQuerySet
from django.http import Http404

from certiprev.organisations.models import AssociatedEntity, Organisation

from .enums import OPEN_STATES, RESULTS_STATES, TRAINER_DONE_STATES, Actor, TrainingKind, TrainingState
from .models import Trainee, Training, TrainingEvent
from .rules import (
    deadline_passed_q,
    deadline_running_q,
    group_size_warning,
    mac_prerequisite_warning,
    schedule_warning,
    session_finished_q,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from certiprev.accounts.models import User
    from certiprev.trainers.models import Trainer

# Whoever asks: a signed-in user, the anonymous user of a request, or nobody (a task, the system).
AnyUser = Union["User", "AnonymousUser", None]


def trainer_of(user: AnyUser) -> Trainer | None:
    """The Trainer linked to this user, or None (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return cast("User", user).trainer
    except Exception:  # RelatedObjectDoesNotExist
        return None


def organisation_ids_of(user: AnyUser) -> list[int]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(dict.fromkeys(organisation_id for organisation_id, _entity in membership_scopes_of(user)))


def membership_scopes_of(user: AnyUser) -> list[tuple[int, int | None]]:
    """(organisation id, entity id or None) of each membership: a member of an associated entity (its correspondent
    or a user attached to it) sees that entity's sessions only, the organisation's other members all of them."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [(organisation_id, entity_id) for organisation_id, entity_id, _role in membership_rows_of(user)]


def membership_rows_of(user: AnyUser) -> list[tuple[int, int | None, str]]:
    """(organisation id, entity id or None, role) of each membership: one query per request, cached on the user."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_certiprev_membership_rows", None)
    if cached is None:
        cached = list(cast("User", user).memberships.values_list("organisation_id", "entity_id", "role"))
        user._certiprev_membership_rows = cached  # type: ignore[union-attr]  # a per-request cache on the user
    return cached


def member_sessions_q(user: AnyUser, prefix: str = "") -> Q:
    """The sessions of the user's organisations that their memberships let them see (see membership_scopes_of)."""
    condition = Q(pk__in=[])
    whole = [org for org, entity in membership_scopes_of(user) if entity is None]
    if whole:
        condition |= Q(**{f"{prefix}organisation_id__in": whole})
    for org, entity in membership_scopes_of(user):
        if entity is not None:
            condition |= Q(**{f"{prefix}organisation_id": org, f"{prefix}entity_id": entity})
    return condition


def member_entity_id(user: AnyUser, organisation_id: int) -> int | None:
    """The associated entity a member is confined to in this organisation (None: the whole organisation)."""
    return next((entity for org, entity in membership_scopes_of(user) if org == organisation_id), None)


def session_entities_for(user: AnyUser, organisations: Sequence[Organisation]) -> list[AssociatedEntity]:
    """The associated entities a member may name as running a new session: all of the organisation's, or only
    theirs when their membership is confined to an entity."""
    confined = {org: entity for org, entity in membership_scopes_of(user) if entity is not None}
    ids = [o.pk for o in organisations]
    entities = AssociatedEntity.objects.filter(organisation_id__in=ids).order_by("name")
    return [e for e in entities if confined.get(e.organisation_id, e.pk) == e.pk]


def trainings_visible_to(user: AnyUser, *, as_trainer: bool | None = None) -> QuerySet[Training]:
    """Trainings the user may see: their organisations', those naming them as trainer, or all for an administrator.

    `as_trainer=True` restricts to sessions naming the user as trainer, `False` to their organisations' sessions.
    """
    if not getattr(user, "is_authenticated", False) or not cast("User", user).is_active:
        return Training.objects.none()
    if as_trainer is None and cast("User", user).is_network_administrator:
        return Training.objects.all()
    trainer = trainer_of(user)
    condition = Q(pk__in=[])
    if as_trainer is not False and trainer is not None:
        condition |= Q(trainer=trainer)
    if as_trainer is not True and organisation_ids_of(user):
        condition |= member_sessions_q(user)
    return Training.objects.filter(condition)


def _parse_uuid(value: object) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise Http404("Session introuvable.") from None


def get_training_for_user(user: AnyUser, public_id: object, *, as_trainer: bool | None = None) -> Training:
    """The training with this public id if the user may see it; 404 otherwise (never 403: no existence leak)."""
    queryset = trainings_visible_to(user, as_trainer=as_trainer).select_related("organisation", "scheme", "trainer")
    try:
        return queryset.get(public_id=_parse_uuid(public_id))
    except Training.DoesNotExist:
        raise Http404("Session introuvable.") from None


def get_trainee_for_user(user: AnyUser, training: Training, public_id: object) -> Trainee:
    """The trainee with this public id on a training already reached through `get_training_for_user`; else 404."""
    try:
        return training.trainees.get(public_id=_parse_uuid(public_id))
    except Trainee.DoesNotExist:
        raise Http404("Stagiaire introuvable.") from None


def roles_on(user: AnyUser, training: Training) -> set[str]:
    """The roles (Actor values) the user holds on this training."""
    roles: set[str] = set()
    if not getattr(user, "is_authenticated", False) or not cast("User", user).is_active:
        return roles
    if cast("User", user).is_network_administrator:
        roles.add(Actor.ADMIN)
    if training.organisation_id in organisation_ids_of(user):
        confined_to = member_entity_id(user, training.organisation_id)
        if confined_to is None or confined_to == training.entity_id:
            roles.add(Actor.MEMBER)
    trainer = trainer_of(user)
    if trainer is not None and trainer.pk == training.trainer_id:
        roles.add(Actor.TRAINER)
    return roles


# ---------------------------------------------------------------------------------------------------------------
# States as the screens show them: notices, columns, lists and counts. Display only — what a person may *do* comes
# from `policy.allowed_actions`. The one place outside the table and the services that reads a session's state.


@dataclass(frozen=True)
class SessionDisplay:
    """What a session page shows of the session's state. Display only: the buttons come from the policy."""

    is_draft: bool
    is_submitted: bool
    is_returned: bool
    is_validated: bool
    is_closed: bool
    is_cancelled: bool
    is_open: bool  # not closed nor cancelled: its closing deadline runs
    has_results: bool  # the trainer has recorded presence and results
    is_overdue: bool
    days_left: int  # until the closing deadline that applies


def session_is_open(training: Training) -> bool:
    """Not closed nor cancelled: its closing deadline runs, its MAC prerequisites can still be checked."""
    return training.state in OPEN_STATES


def session_is_closed(training: Training) -> bool:
    """Closed: its certificates are issued (or being issued)."""
    return training.state == TrainingState.CLOSED


def session_display(training: Training, today: dt.date) -> SessionDisplay:
    state = training.state
    return SessionDisplay(
        is_draft=state == TrainingState.DRAFT,
        is_submitted=state == TrainingState.SUBMITTED,
        is_returned=state == TrainingState.RETURNED,
        is_validated=state == TrainingState.VALIDATED,
        is_closed=state == TrainingState.CLOSED,
        is_cancelled=state == TrainingState.CANCELLED,
        is_open=session_is_open(training),
        has_results=state in RESULTS_STATES,
        is_overdue=training.is_overdue(today),
        days_left=(training.effective_close_deadline - today).days,
    )


def with_state_display(queryset: QuerySet[Training]) -> QuerySet[Training]:
    """Annotate `is_closed` and `has_results` for list rows (computed by the database, no query more)."""
    return queryset.annotate(
        is_closed=ExpressionWrapper(Q(state=TrainingState.CLOSED), output_field=BooleanField()),
        has_results=ExpressionWrapper(Q(state__in=RESULTS_STATES), output_field=BooleanField()),
    )


def in_state(queryset: QuerySet[Training], state: str) -> QuerySet[Training]:
    """The sessions in the state a person chose in a list filter (history page, API list); all if none chosen."""
    return queryset.filter(state=state) if state else queryset


def overdue_q(today: dt.date) -> Q:
    """Not closed nor cancelled, past the closing deadline, and no administrator's extension running."""
    return Q(state__in=OPEN_STATES) & deadline_passed_q(today)


def waiting_for_trainer_q() -> Q:
    """Submitted: waiting for the trainer's validation (or return)."""
    return Q(state=TrainingState.SUBMITTED)


def closed_q(prefix: str = "") -> Q:
    """Closed sessions; `prefix` ("training__") from a related model."""
    return Q(**{f"{prefix}state": TrainingState.CLOSED})


def trainer_sessions(queryset: QuerySet[Training], *, done: bool, today: dt.date) -> QuerySet[Training]:
    """The trainer's sessions they can validate now (soonest last day first), or those they are done with."""
    if done:
        return queryset.filter(state__in=TRAINER_DONE_STATES).order_by("-end_date", "-id")
    return queryset.filter(waiting_for_trainer_q() & session_finished_q(today)).order_by("end_date", "id")


def trainer_upcoming_sessions(queryset: QuerySet[Training], *, today: dt.date) -> QuerySet[Training]:
    """Submitted to the trainer but not over yet: validated from their last day on (the same rule as the policy's)."""
    return queryset.filter(waiting_for_trainer_q()).exclude(session_finished_q(today)).order_by("end_date", "id")


def trainer_waiting_count(queryset: QuerySet[Training], *, today: dt.date) -> int:
    """How many sessions the trainer can validate now (the "À valider" tab)."""
    return queryset.filter(waiting_for_trainer_q() & session_finished_q(today)).count()


# A trainee's outcome as every screen, export and e-mail writes it: absent is a result of its own, never "Échoué".
RESULT_ABSENT = "Absent·e"
RESULT_PASSED = "Réussi"
RESULT_FAILED = "Échoué"


def trainee_result_label(present: bool | None, passed: bool | None) -> str:
    """ "Absent·e", "Réussi" or "Échoué"; "" before the trainer has recorded the results."""
    if present is False:
        return RESULT_ABSENT
    if passed is None:
        return ""
    return RESULT_PASSED if passed else RESULT_FAILED


def dashboard_conditions(today: dt.date, *, closed_since: dt.datetime) -> dict[str, tuple[Q, str]]:
    """The organisation dashboard's groups by what needs doing: key → (condition, the state its "see all" link
    filters the history on, "" for none). Open sessions past their deadline go to "overdue" only."""
    running = deadline_running_q(today)
    S = TrainingState
    return {
        "draft": (Q(state=S.DRAFT) & running, S.DRAFT),
        "submitted": (Q(state=S.SUBMITTED) & running, S.SUBMITTED),
        "returned": (Q(state=S.RETURNED) & running, S.RETURNED),
        "validated": (Q(state=S.VALIDATED) & running, S.VALIDATED),
        "overdue": (overdue_q(today), ""),
        "closed": (Q(state=S.CLOSED, closed_at__gte=closed_since), S.CLOSED),
    }


# ---------------------------------------------------------------------------------------------------------------
# The rows of a session as the API's detail shows them. Its hottest read: a raw query (the field converters still
# apply) skips the queryset compilation, which costs several times the query itself on SQLite and PostgreSQL alike.

_TRAINEE_COLUMNS = (
    "id",
    "public_id",
    "last_name",
    "first_names",
    "birth_date",
    "email",
    "external_id",
    "present",
    "passed",
)
_EVENT_COLUMNS = ("id", "at", "action", "from_state", "to_state", "actor_name", "comment")


def _raw_rows(model, columns: tuple[str, ...], order: tuple[str, ...], training_id: int) -> RawQuerySet:
    quote = connection.ops.quote_name
    # Only quoted identifiers of this module's constants and the model's table are formatted in; the id is a parameter.
    sql = (
        f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(model._meta.db_table)} "  # noqa: S608
        f"WHERE {quote('training_id')} = %s ORDER BY {', '.join(quote(c) for c in order)}"
    )
    return model.objects.raw(sql, [training_id])


def trainees_of_session(training: Training) -> RawQuerySet[Trainee]:
    """The trainees of a session by name (last, first, id), only the fields the detail shows."""
    return _raw_rows(Trainee, _TRAINEE_COLUMNS, ("last_name", "first_names", "id"), training.pk)


def events_of_session(training: Training) -> RawQuerySet[TrainingEvent]:
    """The session's events in order (at, id), only the fields the detail shows."""
    return _raw_rows(TrainingEvent, _EVENT_COLUMNS, ("at", "id"), training.pk)


@dataclass(frozen=True)
class SubmissionCheck:
    """What the organisation should know before submitting: the count against the limit, and the warnings."""

    count: int
    group_min: int
    group_max: int
    group_warning: str | None
    warnings: list[str]  # every warning, the group size's first

    @property
    def over_max(self) -> bool:
        return self.count > self.group_max

    @property
    def full(self) -> bool:
        return self.count >= self.group_max


def submission_check(training: Training, *, count: int | None = None, adding: int = 0) -> SubmissionCheck:
    """The warnings of a session before submission (two queries at most); `adding` counts trainees about to come."""
    scheme = training.scheme
    if count is None:
        count = training.trainees.count()
    count += adding
    # Too few is said on the session page, not in an import's preview (more may come); too many is said everywhere.
    too_few = 0 < count < scheme.group_min and not adding
    group_note = group_size_warning(count, group_min=scheme.group_min, group_max=scheme.group_max)
    if not (count > scheme.group_max or too_few):
        group_note = None
    warnings = [group_note] if group_note else []
    hours = scheme.mac_hours if training.kind == TrainingKind.MAC else scheme.initial_hours
    schedule = schedule_warning(training.start_date, training.end_date, hours=hours)
    if schedule:
        warnings.append(schedule)
    if training.kind == TrainingKind.MAC:
        missing = training.trainees.filter(mac_proof__isnull=True).count()
        mac = mac_prerequisite_warning(missing, count - adding)
        if mac:
            warnings.append(mac)
    return SubmissionCheck(count, scheme.group_min, scheme.group_max, group_note, warnings)
