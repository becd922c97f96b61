"""Habilitation requests (DESIGN §9): the organisation applies, its caisse instructs, the CNH decides; the staff."""

from typing import Any, Literal

from django.http import FileResponse, Http404
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from certiprev.api.http import ApiRequest
from certiprev.habilitations import policy, services
from certiprev.habilitations.enums import RequestKind, RequestState
from certiprev.habilitations.models import HabilitationRequest, RequestDocument
from certiprev.habilitations.selectors import (
    get_document_for_user,
    get_request_for_user,
    request_missing_while_editable,
    requests_in_state,
    requests_visible_to,
    waiting_on,
    waiting_phrase,
)
from certiprev.organisations.enums import Region
from certiprev.organisations.models import Habilitation

from ..common import organisation_for_user, parse_uuid, responses, scheme_get
from ..pagination import Page, paginate
from ..schemas import HabilitationOut, Out
from .network import _invite  # the invitation e-mail, as for members and trainers

router = Router(tags=["Demandes d'habilitation"])

RequestKindLiteral = Literal[tuple(RequestKind.values)]  # type: ignore[valid-type]
RequestStateLiteral = Literal[tuple(RequestState.values)]  # type: ignore[valid-type]


class CaisseOut(Out):
    code: str
    name: str


class StaffIn(Schema):
    email: str = Field(..., min_length=3, max_length=254)
    first_name: str = Field("", max_length=150)
    last_name: str = Field("", max_length=150)
    role: Literal["administrator", "instructor", "cnh"]
    caisse: str | None = Field(None, max_length=30, description="Code de la caisse (instructeur), voir /caisses.")


class StaffOut(Out):
    email: str
    first_name: str
    last_name: str
    role: str
    caisse: str | None


class RequestIn(Schema):
    organisation: str = Field(..., description="Identifiant public de l'organisme.")
    kind: RequestKindLiteral  # type: ignore[valid-type]
    schemes: list[str] = Field(..., min_length=1, max_length=20)
    level: Literal[1, 2] = 1
    trainer_numbers: list[str] = Field(default_factory=list, max_length=200)
    entity: str | None = Field(None, description="Identifiant public de l'entité associée (type associated_entity).")


class MissingOut(Out):
    field: str
    message: str


class DocumentOut(Out):
    id: str
    label: str
    size: int
    uploaded_at: Any
    url: str


class EventOut(Out):
    at: Any
    action: str
    actor: str
    from_state: str
    to_state: str
    comment: str


class RequestSummaryOut(Out):
    id: str
    organisation: dict[str, str]
    kind: str
    level: int
    schemes: list[str]
    state: str
    waiting_on: str | None
    waiting_since: Any
    waiting: str
    created_at: Any


class RequestDetailOut(RequestSummaryOut):
    trainers: list[str]
    documents: list[DocumentOut]
    events: list[EventOut]
    missing: list[MissingOut]
    allowed_actions: list[str]
    complements_message: str
    opinion_favourable: bool | None
    opinion_reason: str
    decision_reason: str


class RequestPageOut(Page):
    items: list[RequestSummaryOut]


class RequestQuery(Schema):
    state: RequestStateLiteral | None = None  # type: ignore[valid-type]
    kind: RequestKindLiteral | None = None  # type: ignore[valid-type]
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


class MessageIn(Schema):
    message: str = Field(..., min_length=1, max_length=4000)


class OpinionIn(Schema):
    favourable: bool
    reason: str = Field(..., min_length=1, max_length=4000)


class DecisionIn(Schema):
    granted: bool
    reason: str = Field("", max_length=4000)


class ReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=4000)


# ---------------------------------------------------------------------------------------------------------------
# Presenters


def _summary(request: HabilitationRequest) -> dict[str, Any]:
    return {
        "id": str(request.public_id),
        "organisation": {"id": str(request.organisation.public_id), "name": request.organisation.name},
        "kind": request.kind,
        "level": request.level,
        "schemes": sorted(s.code for s in request.schemes.all()),
        "state": request.state,
        "waiting_on": waiting_on(request),
        "waiting_since": request.state_changed_at if waiting_on(request) else None,
        "waiting": waiting_phrase(request),
        "created_at": request.created_at,
    }


def _document(document: RequestDocument, request: HabilitationRequest) -> dict[str, Any]:
    return {
        "id": str(document.public_id),
        "label": document.label,
        "size": document.size,
        "uploaded_at": document.uploaded_at,
        "url": f"/api/v1/habilitation-requests/{request.public_id}/documents/{document.public_id}",
    }


def _detail(user, request: HabilitationRequest) -> dict[str, Any]:
    request = HabilitationRequest.objects.select_related("organisation").prefetch_related("schemes").get(pk=request.pk)
    return {
        **_summary(request),
        "trainers": list(request.trainers.order_by("number").values_list("number", flat=True)),
        "documents": [_document(d, request) for d in request.documents.all()],
        "events": [
            {
                "at": e.at,
                "action": e.action,
                "actor": e.actor_name,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "comment": e.comment,
            }
            for e in request.events.all()
        ],
        "missing": request_missing_while_editable(request),
        "allowed_actions": sorted(policy.allowed_actions(user, request)),
        "complements_message": request.complements_message,
        "opinion_favourable": request.opinion_favourable,
        "opinion_reason": request.opinion_reason,
        "decision_reason": request.decision_reason,
    }


# ---------------------------------------------------------------------------------------------------------------
# Caisses and staff


@router.get("/caisses", response=responses((200, list[CaisseOut])), summary="Caisses régionales")
def caisses_list(request: ApiRequest):
    """Les codes des caisses (Carsat, Cramif, CGSS) : la caisse d'un organisme est sa « region »."""
    return [{"code": code, "name": name} for code, name in Region.choices]


@router.post("/network/staff", response=responses((201, StaffOut)), summary="Ajouter un membre du réseau")
def staff_create(request: ApiRequest, payload: StaffIn):
    """Administrateur national, instructeur d'une caisse (avec `caisse`) ou membre de la CNH ; réservé aux
    administrateurs nationaux. Le compte est créé s'il n'existe pas."""
    user = services.network_staff_create(
        by=request.user,
        email=payload.email,
        first_name=payload.first_name,
        last_name=payload.last_name,
        role=payload.role,
        caisse=payload.caisse or "",
    )
    _invite(user, "Vous êtes membre du réseau de prévention sur Certiprev.")
    return Status(
        201,
        {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "role": services.staff_role(user),
            "caisse": user.caisse or None,
        },
    )


# ---------------------------------------------------------------------------------------------------------------
# Requests


@router.post(
    "/habilitation-requests", response=responses((201, RequestDetailOut)), summary="Créer une demande d'habilitation"
)
def request_create(request: ApiRequest, payload: RequestIn):
    """Un brouillon, avec la liste `missing` de ce qui manque pour le transmettre. Deux demandes en cours pour un
    même dispositif sont refusées (409) ; des demandes parallèles sur des dispositifs différents sont possibles."""
    user = request.user
    organisation = organisation_for_user(user, payload.organisation)
    entity = None
    if payload.entity:
        entity = organisation.entities.filter(public_id=parse_uuid(payload.entity, "Entité introuvable.")).first()
        if entity is None:
            raise Http404("Entité introuvable.")
    created = services.habilitation_request_create(
        by=user,
        organisation=organisation,
        kind=payload.kind,
        schemes=[scheme_get(code, field="schemes") for code in dict.fromkeys(payload.schemes)],
        level=payload.level,
        trainer_numbers=payload.trainer_numbers,
        entity=entity,
    )
    return Status(201, _detail(user, created))


@router.get("/habilitation-requests", response=responses((200, RequestPageOut)), summary="Demandes d'habilitation")
def requests_list(request: ApiRequest, query: Query[RequestQuery]):
    """Celles que vous pouvez voir : votre organisme (correspondant), votre caisse (instructeur), toutes (CNH,
    administrateurs). Filtres `state`, `kind`."""
    queryset = (
        requests_visible_to(request.user)
        .select_related("organisation")
        .prefetch_related("schemes")
        .order_by("-created_at", "-id")
    )
    queryset = requests_in_state(queryset, query.state or "")
    if query.kind:
        queryset = queryset.filter(kind=query.kind)
    return paginate(request, queryset, page=query.page, page_size=query.page_size, present=_summary)


@router.get(
    "/habilitation-requests/{id}", response=responses((200, RequestDetailOut)), summary="Une demande d'habilitation"
)
def request_get(request: ApiRequest, id: str):
    return _detail(request.user, get_request_for_user(request.user, id))


@router.post(
    "/habilitation-requests/{id}/documents",
    response=responses((201, DocumentOut)),
    summary="Joindre un document (PDF)",
)
def document_add(request: ApiRequest, id: str, file: File[UploadedFile], label: Form[str]):
    """PDF uniquement (vérifié sur son contenu), taille limitée (`HABILITATION_DOCUMENT_MAX_BYTES`)."""
    target = get_request_for_user(request.user, id)
    limit = services.max_document_bytes()
    content = file.read(limit + 1)  # never more than one byte past the limit: enough to refuse it
    document = services.habilitation_request_document_add(
        by=request.user, request=target, label=label, content=content, filename=file.name or ""
    )
    return Status(201, _document(document, target))


@router.get(
    "/habilitation-requests/{id}/documents/{doc_id}",
    response=responses((200, None)),
    summary="Télécharger un document",
)
def document_get(request: ApiRequest, id: str, doc_id: str):
    document = get_document_for_user(request.user, id, doc_id)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{document.public_id}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _move(request: ApiRequest, id: str, service, **kwargs) -> dict[str, Any]:
    target = get_request_for_user(request.user, id)
    service(by=request.user, request=target, **kwargs)
    return _detail(request.user, target)


@router.post(
    "/habilitation-requests/{id}/transmit", response=responses((200, RequestDetailOut)), summary="Transmettre"
)
def request_transmit(request: ApiRequest, id: str):
    """À la caisse ; 422 `request_incomplete` avec, dans `errors`, chaque élément manquant (`field`, `message`)."""
    return _move(request, id, services.habilitation_request_transmit)


@router.post(
    "/habilitation-requests/{id}/review", response=responses((200, RequestDetailOut)), summary="Prendre en charge"
)
def request_review(request: ApiRequest, id: str):
    """L'instructeur de la caisse de l'organisme prend la demande transmise en instruction."""
    return _move(request, id, services.habilitation_request_review)


@router.post(
    "/habilitation-requests/{id}/complements",
    response=responses((200, RequestDetailOut)),
    summary="Demander des compléments",
)
def request_complements(request: ApiRequest, id: str, payload: MessageIn):
    return _move(request, id, services.habilitation_request_complements, message=payload.message)


@router.post(
    "/habilitation-requests/{id}/opinion", response=responses((200, RequestDetailOut)), summary="Avis de la caisse"
)
def request_opinion(request: ApiRequest, id: str, payload: OpinionIn):
    return _move(
        request, id, services.habilitation_request_opinion, favourable=payload.favourable, reason=payload.reason
    )


@router.post(
    "/habilitation-requests/{id}/decision", response=responses((200, RequestDetailOut)), summary="Décision de la CNH"
)
def request_decision(request: ApiRequest, id: str, payload: DecisionIn):
    """Accordée : l'habilitation est créée ou prolongée pour la durée du dispositif. Refusée : motif obligatoire."""
    return _move(request, id, services.habilitation_request_decide, granted=payload.granted, reason=payload.reason)


@router.post(
    "/habilitation-requests/{id}/withdraw", response=responses((200, RequestDetailOut)), summary="Retirer la demande"
)
def request_withdraw(request: ApiRequest, id: str):
    return _move(request, id, services.habilitation_request_withdraw)


# ---------------------------------------------------------------------------------------------------------------
# Suspension and withdrawal of a habilitation


def _habilitation_get(request: ApiRequest, id: str, hid: str) -> Habilitation:
    organisation = organisation_for_user(request.user, id)
    if not (hid.isascii() and hid.isdigit() and len(hid) <= 18):  # no database overflow on a fuzzed id
        raise Http404("Habilitation introuvable.")
    habilitation = organisation.habilitations.select_related("scheme", "organisation").filter(pk=int(hid)).first()
    if habilitation is None:
        raise Http404("Habilitation introuvable.")
    return habilitation


def _habilitation_out(habilitation: Habilitation) -> dict[str, Any]:
    return {
        "id": habilitation.pk,
        "scheme": habilitation.scheme.code,
        "valid_from": habilitation.valid_from,
        "valid_until": habilitation.valid_until,
        "level": habilitation.level,
        "status": habilitation.status_on(timezone.localdate()),
        "status_reason": habilitation.status_reason,
    }


@router.post(
    "/organisations/{id}/habilitations/{hid}/suspend",
    response=responses((200, HabilitationOut)),
    summary="Suspendre une habilitation",
)
def habilitation_suspend(request: ApiRequest, id: str, hid: str, payload: ReasonIn):
    """Plus aucune nouvelle session ; les sessions déjà soumises peuvent encore être validées et clôturées."""
    habilitation = _habilitation_get(request, id, hid)
    return _habilitation_out(
        services.habilitation_suspend(by=request.user, habilitation=habilitation, reason=payload.reason)
    )


@router.post(
    "/organisations/{id}/habilitations/{hid}/withdraw",
    response=responses((200, HabilitationOut)),
    summary="Retirer une habilitation",
)
def habilitation_withdraw(request: ApiRequest, id: str, hid: str, payload: ReasonIn):
    habilitation = _habilitation_get(request, id, hid)
    return _habilitation_out(
        services.habilitation_withdraw(by=request.user, habilitation=habilitation, reason=payload.reason)
    )
