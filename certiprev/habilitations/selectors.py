"""Permission-aware reads of habilitation requests: everything is reached through what the caller may see."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from certiprev.organisations.enums import HabilitationStatus, MemberRole, Region
from certiprev.organisations.models import Habilitation, Organisation
from certiprev.trainers.models import TrainerCertification
from certiprev.trainings.selectors import membership_rows_of

from .enums import EDITABLE_STATES, HOLDER, OPEN_STATES, Actor
from .models import HabilitationRequest, RequestDocument
from .rules import TrainerFacts, missing_items

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from certiprev.accounts.models import User


def _active(user: User | AnonymousUser | None) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def correspondent_organisation_ids(user: User | AnonymousUser | None) -> list[int]:
    """The organisations of which the user is the correspondent (CEH)."""
    if not _active(user):
        return []
    # The per-request membership rows every other role check reads (one query per request, however many checks).
    rows = membership_rows_of(user)
    return list(dict.fromkeys(org for org, _entity, role in rows if role == MemberRole.CORRESPONDENT))


def roles_on_organisation(user: User | AnonymousUser | None, organisation: Organisation) -> frozenset[str]:
    """The workflow roles (Actor values) the user holds on this organisation's requests."""
    if not _active(user):
        return frozenset()
    roles = set()
    if organisation.pk in correspondent_organisation_ids(user):
        roles.add(Actor.CORRESPONDENT)
    if getattr(user, "is_instructor", False) and organisation.region and user.caisse == organisation.region:  # type: ignore[union-attr]
        roles.add(Actor.INSTRUCTOR)
    if getattr(user, "is_cnh_member", False):
        roles.add(Actor.CNH)
    if getattr(user, "is_network_administrator", False):
        roles.add(Actor.ADMIN)
    return frozenset(roles)


def roles_on(user: User | AnonymousUser | None, request: HabilitationRequest) -> frozenset[str]:
    return roles_on_organisation(user, request.organisation)


def requests_visible_to(user: User | AnonymousUser | None) -> QuerySet[HabilitationRequest]:
    """The requests the user may see: their organisations' as correspondent, their caisse's, all for CNH/admins."""
    if not _active(user):
        return HabilitationRequest.objects.none()
    if getattr(user, "is_network_administrator", False) or getattr(user, "is_cnh_member", False):
        return HabilitationRequest.objects.all()
    condition = Q(organisation_id__in=correspondent_organisation_ids(user))
    if getattr(user, "is_instructor", False):
        condition |= Q(organisation__region=user.caisse)  # type: ignore[union-attr]
    return HabilitationRequest.objects.filter(condition)


def _parse_uuid(value: Any, message: str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise Http404(message) from None


def get_request_for_user(user: User | AnonymousUser | None, public_id: Any) -> HabilitationRequest:
    """The request with this public id if the user may see it; 404 otherwise (no existence leak)."""
    key = _parse_uuid(public_id, "Demande introuvable.")
    request = requests_visible_to(user).select_related("organisation", "entity").filter(public_id=key).first()
    if request is None:
        raise Http404("Demande introuvable.")
    return request


def get_document_for_user(user: User | AnonymousUser | None, request_id: Any, document_id: Any) -> RequestDocument:
    request = get_request_for_user(user, request_id)
    key = _parse_uuid(document_id, "Document introuvable.")
    document = request.documents.filter(public_id=key).first()
    if document is None:
        raise Http404("Document introuvable.")
    return document


# ---------------------------------------------------------------------------------------------------------------
# Who holds the request, and since when


def waiting_on(request: HabilitationRequest) -> str | None:
    """Who holds the request now, in French: "la Carsat Rhône-Alpes", "la CNH", "l'organisme"; None once decided."""
    holder = HOLDER.get(request.state)
    if holder == "organisation":
        return "l'organisme"
    if holder == "cnh":
        return "la CNH"
    if holder == "caisse":
        region = request.organisation.region
        return f"la {Region(region).label}" if region else "la caisse régionale"
    return None


def waiting_since(request: HabilitationRequest) -> dt.datetime:
    """When the request entered its state (the last transition's event; kept on the row for lists)."""
    return request.state_changed_at


def waiting_phrase(request: HabilitationRequest, now: dt.datetime | None = None) -> str:
    """ "attendu de : la Carsat Rhône-Alpes depuis 12 jours" (empty once decided)."""
    who = waiting_on(request)
    if who is None:
        return ""
    today = timezone.localdate(now or timezone.now())
    days = (today - timezone.localdate(request.state_changed_at)).days
    since = "aujourd'hui" if days <= 0 else ("1 jour" if days == 1 else f"{days} jours")
    return f"attendu de : {who} depuis {since}"


# ---------------------------------------------------------------------------------------------------------------
# What the request still misses before its transmission


def habilitated_scheme_codes(organisation: Organisation, day: dt.date) -> frozenset[str]:
    """The schemes the organisation holds an active (neither suspended nor withdrawn) habilitation for on `day`."""
    return frozenset(
        Habilitation.objects.filter(organisation=organisation, status=HabilitationStatus.ACTIVE)
        .valid_on(day)
        .values_list("scheme__code", flat=True)
    )


def open_request_for(organisation: Organisation, scheme: Any) -> HabilitationRequest | None:
    """The organisation's latest request still open for this scheme, if any."""
    return (
        HabilitationRequest.objects.filter(organisation=organisation, schemes=scheme, state__in=OPEN_STATES)
        .order_by("-created_at")
        .first()
    )


def requests_in_state(queryset: QuerySet[HabilitationRequest], state: str) -> QuerySet[HabilitationRequest]:
    """The requests in the state a caller chose in a list filter; all if none chosen."""
    return queryset.filter(state=state) if state else queryset


def request_missing_while_editable(request: HabilitationRequest) -> list[dict[str, str]]:
    """What is missing while the organisation may still transmit the request; nothing once it has left its hands."""
    return request_missing(request) if request.state in EDITABLE_STATES else []


def request_missing(request: HabilitationRequest, day: dt.date | None = None) -> list[dict[str, str]]:
    """`[{field, message}]`: what this request still needs to be transmitted (empty: it can be)."""
    day = day or timezone.localdate()
    codes = sorted(request.schemes.values_list("code", flat=True))
    trainers = list(request.trainers.order_by("number"))
    certified: dict[int, set[str]] = {}
    for trainer_id, code in (
        TrainerCertification.objects.filter(trainer__in=trainers)
        .covering(day, day)
        .values_list("trainer_id", "scheme__code")
    ):
        certified.setdefault(trainer_id, set()).add(code)
    return missing_items(
        kind=request.kind,
        region=request.organisation.region,
        scheme_codes=codes,
        trainers=[TrainerFacts(t.number, t.full_name, frozenset(certified.get(t.pk, ()))) for t in trainers],
        document_count=request.documents.count(),
        habilitated_codes=habilitated_scheme_codes(request.organisation, day),
        has_entity=request.entity_id is not None,
    )


# ---------------------------------------------------------------------------------------------------------------
# The organisation's own request pages: its correspondent only (a provisional account included), 404 for anyone
# else — an instructor or a CNH member reads requests on the network's pages.


def requests_of_correspondent(user: User | AnonymousUser | None) -> QuerySet[HabilitationRequest]:
    """The requests of the organisations of which the user is the correspondent."""
    return HabilitationRequest.objects.filter(organisation_id__in=correspondent_organisation_ids(user))


def get_request_for_correspondent(user: User | AnonymousUser | None, public_id: Any) -> HabilitationRequest:
    """A request of one of the user's organisations as its correspondent; 404 otherwise."""
    key = _parse_uuid(public_id, "Demande introuvable.")
    request = requests_of_correspondent(user).select_related("organisation", "entity").filter(public_id=key).first()
    if request is None:
        raise Http404("Demande introuvable.")
    return request


def get_document_for_correspondent(
    user: User | AnonymousUser | None, request_id: Any, document_id: Any
) -> RequestDocument:
    request = get_request_for_correspondent(user, request_id)
    key = _parse_uuid(document_id, "Document introuvable.")
    document = request.documents.filter(public_id=key).first()
    if document is None:
        raise Http404("Document introuvable.")
    return document
