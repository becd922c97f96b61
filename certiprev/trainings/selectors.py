"""Permission-aware reads: every training is reached through what the caller may see."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Union, cast

from django.db.models import Q, QuerySet
from django.http import Http404

from .enums import Actor
from .models import Trainee, Training

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
