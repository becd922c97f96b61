"""The network's reads of habilitation requests: the queues of instructors, CNH members and national
administrators, scoped like `selectors` (404 for anything outside the caller's scope, never 403)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, QuerySet, Value, When
from django.http import Http404

from certiprev.organisations.models import Habilitation

from .enums import OPEN_STATES, Actor, RequestKind, RequestState
from .models import HabilitationRequest, RequestDocument
from .selectors import _active, _parse_uuid, requests_in_state

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from certiprev.accounts.models import User


# Who acts in which state: the queue a network person works from, and the counts of their home page.
_QUEUE_STATES = {
    Actor.INSTRUCTOR: (RequestState.TRANSMITTED, RequestState.UNDER_REVIEW),
    Actor.CNH: (RequestState.OPINION_GIVEN,),
}


def network_roles(user: User | AnonymousUser | None) -> frozenset[str]:
    """The network roles (Actor values) of the user, whatever the organisation."""
    if not _active(user):
        return frozenset()
    roles = set()
    if getattr(user, "is_instructor", False):
        roles.add(Actor.INSTRUCTOR)
    if getattr(user, "is_cnh_member", False):
        roles.add(Actor.CNH)
    if getattr(user, "is_network_administrator", False):
        roles.add(Actor.ADMIN)
    return frozenset(roles)


def network_requests_visible_to(user: User | AnonymousUser | None) -> QuerySet[HabilitationRequest]:
    """The requests a network person sees on the network pages: their caisse's (instructor), all (CNH, admin).
    Never an organisation's own requests as its correspondent: those live on the organisation's pages."""
    roles = network_roles(user)
    if Actor.ADMIN in roles or Actor.CNH in roles:
        return HabilitationRequest.objects.all()
    if Actor.INSTRUCTOR in roles:
        return HabilitationRequest.objects.filter(organisation__region=user.caisse)  # type: ignore[union-attr]
    return HabilitationRequest.objects.none()


def get_network_request_for_user(user: User | AnonymousUser | None, public_id: Any) -> HabilitationRequest:
    """The request if the network person may see it on the network pages; 404 otherwise (no existence leak)."""
    key = _parse_uuid(public_id, "Demande introuvable.")
    request = (
        network_requests_visible_to(user)
        .select_related("organisation", "entity")
        .prefetch_related("schemes")
        .filter(public_id=key)
        .first()
    )
    if request is None:
        raise Http404("Demande introuvable.")
    return request


def get_network_document_for_user(
    user: User | AnonymousUser | None, request_id: Any, document_id: Any
) -> RequestDocument:
    request = get_network_request_for_user(user, request_id)
    key = _parse_uuid(document_id, "Document introuvable.")
    document = request.documents.filter(public_id=key).first()
    if document is None:
        raise Http404("Document introuvable.")
    return document


def default_queue_state(user: User | AnonymousUser | None) -> str:
    """The state a network person's queue opens on: awaiting the decision for a CNH member alone, else all."""
    return RequestState.OPINION_GIVEN if network_roles(user) == {Actor.CNH} else ""


def network_queue(
    user: User | AnonymousUser | None, *, in_state: str = "", kind: str = ""
) -> QuerySet[HabilitationRequest]:
    """The network person's requests, narrowed by state and kind: open ones first, the longest waiting first."""
    queryset = requests_in_state(network_requests_visible_to(user), in_state)
    if kind:
        queryset = queryset.filter(kind=kind)
    return (
        queryset.select_related("organisation")
        .prefetch_related("schemes")
        .annotate(is_open=Case(When(state__in=OPEN_STATES, then=Value(0)), default=Value(1)))
        .order_by("is_open", "state_changed_at", "id")
    )


def queue_counts(user: User | AnonymousUser | None) -> list[tuple[str, str, int]]:
    """`[(state, label, count)]`: the requests waiting on each of the user's network roles (their home page)."""
    roles = network_roles(user)
    states: list[str] = []
    for actor in (Actor.INSTRUCTOR, Actor.CNH):
        if actor in roles or Actor.ADMIN in roles:
            states.extend(s for s in _QUEUE_STATES[actor] if s not in states)
    if not states:
        return []
    counts = dict(
        network_requests_visible_to(user)
        .filter(state__in=states)
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    return [(s, RequestState(s).label, counts.get(s, 0)) for s in states]


def granted_habilitations(request: HabilitationRequest) -> list[Habilitation]:
    """The habilitations a granted request created or extended (its schemes' current ones); none before the grant."""
    if request.state != RequestState.GRANTED or request.kind == RequestKind.ASSOCIATED_ENTITY:
        return []
    latest: dict[int, Habilitation] = {}
    for habilitation in (
        Habilitation.objects.filter(organisation=request.organisation, scheme__in=request.schemes.all())
        .select_related("scheme")
        .order_by("scheme__code", "-valid_until", "-id")
    ):
        latest.setdefault(habilitation.scheme_id, habilitation)
    return list(latest.values())
