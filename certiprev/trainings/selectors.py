"""Reads: permission-aware getters (every training is reached through what the caller may see), and the states as
the screens show them."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Union, cast

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import Http404

from .enums import OPEN_STATES, RESULTS_STATES, TRAINER_DONE_STATES, Actor, TrainingKind, TrainingState
from .models import Trainee, Training
from .rules import (
    deadline_passed_q,
    deadline_running_q,
    group_size_warning,
    mac_prerequisite_warning,
    schedule_warning,
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
    cached = getattr(user, "_certiprev_org_ids", None)
    if cached is None:
        cached = list(cast("User", user).memberships.values_list("organisation_id", flat=True))
        user._certiprev_org_ids = cached  # type: ignore[union-attr]  # a per-request cache on the user object
    return cached


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
    if as_trainer is not True:
        org_ids = organisation_ids_of(user)
        if org_ids:
            condition |= Q(organisation_id__in=org_ids)
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


def trainer_sessions(queryset: QuerySet[Training], *, done: bool) -> QuerySet[Training]:
    """The trainer's sessions waiting for them (soonest last day first), or those they are done with."""
    if done:
        return queryset.filter(state__in=TRAINER_DONE_STATES).order_by("-end_date", "-id")
    return queryset.filter(waiting_for_trainer_q()).order_by("end_date", "id")


def trainer_waiting_count(queryset: QuerySet[Training]) -> int:
    return queryset.filter(waiting_for_trainer_q()).count()


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
