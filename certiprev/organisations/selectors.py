"""Who is what in an organisation (correspondent, correspondent of an associated entity, user), and the
permission-aware getters of the organisation's own pages: anything outside the caller's scope is a 404."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404

from .enums import MemberRole
from .models import AssociatedEntity, Membership, Organisation

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from certiprev.accounts.models import User


def _active(user: User | AnonymousUser | None) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def memberships_of(user: User | AnonymousUser | None) -> list[Membership]:
    """The user's memberships with their organisation and entity (cached on the user object for the request)."""
    if not _active(user):
        return []
    cached = getattr(user, "_certiprev_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user)  # type: ignore[misc]
            .select_related("organisation", "entity")
            .order_by("organisation__name", "organisation_id")
        )
        user._certiprev_memberships = cached  # type: ignore[union-attr]  # a per-request cache
    return cached


def membership_in(user: User | AnonymousUser | None, organisation: Organisation) -> Membership | None:
    return next((m for m in memberships_of(user) if m.organisation_id == organisation.pk), None)


def is_correspondent(user: User | AnonymousUser | None, organisation: Organisation) -> bool:
    """The correspondent (CEH): master data, members, associated entities and habilitation requests."""
    membership = membership_in(user, organisation)
    return membership is not None and membership.role == MemberRole.CORRESPONDENT


def managed_entity(user: User | AnonymousUser | None, organisation: Organisation) -> AssociatedEntity | None:
    """The associated entity whose members the user manages as its correspondent (CEA), if any."""
    membership = membership_in(user, organisation)
    if membership is None or membership.role != MemberRole.ENTITY_CORRESPONDENT or membership.entity_id is None:
        return None
    return membership.entity


def correspondent_organisations(user: User | AnonymousUser | None) -> list[Organisation]:
    return [m.organisation for m in memberships_of(user) if m.role == MemberRole.CORRESPONDENT]


def entity_correspondent_memberships(user: User | AnonymousUser | None) -> list[Membership]:
    return [m for m in memberships_of(user) if managed_entity(user, m.organisation) is not None]


def may_manage_entity(user: User | AnonymousUser | None, entity: AssociatedEntity) -> bool:
    """The organisation's correspondent manages every entity; an entity's correspondent only theirs."""
    if is_correspondent(user, entity.organisation):
        return True
    managed = managed_entity(user, entity.organisation)
    return managed is not None and managed.pk == entity.pk


def _parse_uuid(value: Any, message: str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise Http404(message) from None


def get_organisation_for_correspondent(user: User | AnonymousUser | None, public_id: Any) -> Organisation:
    """An organisation of which the user is the correspondent; 404 otherwise (a user or a CEA included)."""
    key = _parse_uuid(public_id, "Organisme introuvable.")
    organisation = next((o for o in correspondent_organisations(user) if o.public_id == key), None)
    if organisation is None:
        raise Http404("Organisme introuvable.")
    return organisation


def get_entity_for_manager(
    user: User | AnonymousUser | None, organisation_id: Any, entity_id: Any
) -> AssociatedEntity:
    """An associated entity the user manages (as the organisation's or the entity's correspondent); else 404."""
    org_key = _parse_uuid(organisation_id, "Entité introuvable.")
    key = _parse_uuid(entity_id, "Entité introuvable.")
    entity = (
        AssociatedEntity.objects.select_related("organisation")
        .filter(public_id=key, organisation__public_id=org_key)
        .first()
    )
    if entity is None or not may_manage_entity(user, entity):
        raise Http404("Entité introuvable.")
    return entity


def members_managed_in(
    user: User | AnonymousUser | None, organisation: Organisation, entity: AssociatedEntity | None = None
) -> QuerySet[Membership]:
    """The memberships the user manages: all of the organisation's for its correspondent, their entity's for a
    CEA; narrowed to one entity when given."""
    queryset = Membership.objects.filter(organisation=organisation).select_related("user", "entity")
    if not is_correspondent(user, organisation):
        managed = managed_entity(user, organisation)
        if managed is None:
            return Membership.objects.none()
        queryset = queryset.filter(entity=managed)
    if entity is not None:
        queryset = queryset.filter(entity=entity)
    return queryset.order_by("user__last_name", "user__first_name", "user__email", "pk")


def get_membership_for_manager(user: User | AnonymousUser | None, organisation: Organisation, pk: Any) -> Membership:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("Membre introuvable.") from None
    membership = members_managed_in(user, organisation).filter(pk=pk).first()
    if membership is None:
        raise Http404("Membre introuvable.")
    return membership


def all_provisional(organisation_ids: list[int]) -> bool:
    """Every one of these organisations is still signing up (its initial request not granted yet)."""
    return (
        bool(organisation_ids)
        and not Organisation.objects.filter(pk__in=organisation_ids, is_provisional=False).exists()
    )
