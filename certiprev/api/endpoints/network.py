"""Network administrators: organisations, their habilitations and members; trainers and their certifications."""

from django.http import Http404
from django.utils import timezone
from ninja import Field as NinjaField
from ninja import Query, Router, Schema, Status

from certiprev.accounts.tasks import invitation_send_enqueue
from certiprev.organisations import services as organisation_services
from certiprev.organisations.models import Membership, Organisation
from certiprev.organisations.services import require_network_admin
from certiprev.trainers import services as trainer_services
from certiprev.trainers.models import Trainer
from certiprev.trainings.selectors import organisation_ids_of

from ..common import organisation_for_user, parse_uuid, responses, scheme_get
from ..http import ApiRequest
from ..pagination import Page, paginate
from ..schemas import (
    CertificationIn,
    CertificationOut,
    HabilitationIn,
    MemberIn,
    MemberOut,
    OrganisationDetailOut,
    OrganisationIn,
    OrganisationOut,
    PeriodOut,
    TrainerIn,
    TrainerOut,
)

router = Router(tags=["Administration du réseau"])


def _invite(user, context_line: str) -> None:
    invitation_send_enqueue(user=user, context_line=context_line)  # the password set-up link, after commit


def _organisation_out(organisation: Organisation) -> dict:
    return {
        "id": str(organisation.public_id),
        "name": organisation.name,
        "siret": organisation.siret,
        "kind": organisation.kind,
        "address": organisation.address,
        "postal_code": organisation.postal_code,
        "city": organisation.city,
        "region": organisation.region,
        "created_at": organisation.created_at,
    }


def _period(item) -> dict:
    return {"scheme": item.scheme.code, "valid_from": item.valid_from, "valid_until": item.valid_until}


def _member(membership: Membership) -> dict:
    user = membership.user
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "since": membership.created_at,
        "role": membership.role,
    }


def _habilitation(habilitation, today) -> dict:
    return {
        "id": habilitation.pk,
        **_period(habilitation),
        "level": habilitation.level,
        "status": habilitation.status_on(today),
        "status_reason": habilitation.status_reason,
    }


def _organisation_detail(organisation: Organisation) -> dict:
    habilitations = organisation.habilitations.select_related("scheme").order_by("scheme__code", "valid_from")
    members = organisation.memberships.select_related("user").order_by("user__email")
    return {
        **_organisation_out(organisation),
        "habilitations": [_habilitation(h, timezone.localdate()) for h in habilitations],
        "members": [_member(m) for m in members],
    }


def _admin_organisation(request: ApiRequest, id: str) -> Organisation:
    require_network_admin(request.user)
    organisation = Organisation.objects.filter(public_id=parse_uuid(id, "Organisme introuvable.")).first()
    if organisation is None:
        raise Http404("Organisme introuvable.")
    return organisation


class PageQuery(Schema):
    page: int = NinjaField(1, ge=1, le=100_000)
    page_size: int = NinjaField(50, ge=1, le=200)


class OrganisationPageOut(Page):
    items: list[OrganisationOut]


@router.get("/organisations", response=responses((200, OrganisationPageOut)), summary="Organismes")
def organisations_list(request: ApiRequest, query: Query[PageQuery]):
    """Mes organismes ; tous pour un administrateur du réseau."""
    user = request.user
    queryset = Organisation.objects.order_by("name", "id")
    if not user.is_network_administrator:
        queryset = queryset.filter(pk__in=organisation_ids_of(user))
    else:  # a provisional organisation (a sign-up) is not yet one of the network's (ADR signup)
        queryset = queryset.established()
    return paginate(request, queryset, page=query.page, page_size=query.page_size, present=_organisation_out)


@router.post("/organisations", response=responses((201, OrganisationDetailOut)), summary="Créer un organisme")
def organisation_create(request: ApiRequest, payload: OrganisationIn):
    organisation = organisation_services.organisation_create(by=request.user, **payload.dict())
    return Status(201, _organisation_detail(organisation))


@router.get("/organisations/{id}", response=responses((200, OrganisationDetailOut)), summary="Un organisme")
def organisation_get(request: ApiRequest, id: str):
    return _organisation_detail(organisation_for_user(request.user, id))


@router.post(
    "/organisations/{id}/habilitations",
    response=responses((201, PeriodOut)),
    summary="Habiliter un organisme à un dispositif",
)
def habilitation_create(request: ApiRequest, id: str, payload: HabilitationIn):
    organisation = _admin_organisation(request, id)
    habilitation = organisation_services.habilitation_create(
        by=request.user,
        organisation=organisation,
        scheme=scheme_get(payload.scheme),
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
    )
    return Status(201, _period(habilitation))


@router.post(
    "/organisations/{id}/members", response=responses((201, MemberOut)), summary="Ajouter un membre (et l'inviter)"
)
def member_create(request: ApiRequest, id: str, payload: MemberIn):
    """Crée le compte s'il n'existe pas et envoie l'invitation par e-mail."""
    organisation = _admin_organisation(request, id)
    membership = organisation_services.membership_create(
        by=request.user,
        organisation=organisation,
        email=payload.email,
        first_name=payload.first_name,
        last_name=payload.last_name,
        role=payload.role,
    )
    _invite(membership.user, f"Vous êtes membre de {organisation.name} sur Certiprev.")
    return Status(201, _member(membership))


@router.delete("/organisations/{id}/members/{email}", response=responses((204, None)), summary="Retirer un membre")
def member_remove(request: ApiRequest, id: str, email: str):
    """Le membre perd aussitôt l'accès aux sessions de l'organisme (ses jetons n'y donnent plus accès)."""
    organisation = _admin_organisation(request, id)
    membership = (
        organisation.memberships.select_related("user", "organisation")
        .filter(user__email__iexact=email.strip())
        .first()
    )
    if membership is None:
        raise Http404("Membre introuvable.")
    organisation_services.membership_remove(by=request.user, membership=membership)
    return Status(204, None)


def _certification(certification, today) -> dict:
    return {**_period(certification), "level": certification.level, "valid": certification.covers(today)}


def _trainer_out(trainer: Trainer, *, with_email: bool) -> dict:
    certifications = trainer.certifications.select_related("scheme").order_by("scheme__code", "valid_from")
    today = timezone.localdate()
    return {
        "number": trainer.number,
        "first_name": trainer.first_name,
        "last_name": trainer.last_name,
        "email": trainer.email if with_email else None,
        "certifications": [_certification(c, today) for c in certifications],
    }


def _trainer_get(number: str) -> Trainer:
    trainer = Trainer.objects.filter(number=(number or "").strip().upper()[:8]).first()
    if trainer is None:
        raise Http404("Formateur introuvable.")
    return trainer


@router.post("/trainers", response=responses((201, TrainerOut)), summary="Créer un formateur (et l'inviter)")
def trainer_create(request: ApiRequest, payload: TrainerIn):
    """Crée le formateur et son compte ; le numéro est généré s'il n'est pas fourni."""
    trainer = trainer_services.trainer_create(
        by=request.user,
        first_name=payload.first_name,
        last_name=payload.last_name,
        email=payload.email,
        number=payload.number or "",
    )
    _invite(trainer.user, f"Vous êtes formateur ou formatrice sur Certiprev (numéro {trainer.number}).")
    return Status(201, _trainer_out(trainer, with_email=True))


class TrainerQuery(Schema):
    email: str = NinjaField(..., min_length=3, max_length=254)


@router.get("/trainers", response=responses((200, list[TrainerOut])), summary="Trouver un formateur par e-mail")
def trainers_find(request: ApiRequest, query: Query[TrainerQuery]):
    """Le formateur dont c'est l'adresse e-mail exacte (aucun, ou un seul) : par exemple après une formation de
    formateurs, pour connaître le numéro du nouveau formateur."""
    email = query.email.strip()
    trainers = Trainer.objects.filter(email__iexact=email).order_by("number")[:1]
    # The caller typed the exact address: showing it back discloses nothing more.
    return [_trainer_out(t, with_email=True) for t in trainers]


@router.get("/trainers/{number}", response=responses((200, TrainerOut)), summary="Un formateur")
def trainer_get(request: ApiRequest, number: str):
    """Un formateur et ses certifications, par son numéro (pour vérifier avant de créer une session)."""
    trainer = _trainer_get(number)
    user = request.user
    return _trainer_out(trainer, with_email=user.is_network_administrator or trainer.user_id == user.pk)


@router.post(
    "/trainers/{number}/certifications",
    response=responses((201, CertificationOut)),
    summary="Certifier un formateur pour un dispositif",
)
def certification_create(request: ApiRequest, number: str, payload: CertificationIn):
    require_network_admin(request.user)
    certification = trainer_services.trainer_certification_create(
        by=request.user,
        trainer=_trainer_get(number),
        scheme=scheme_get(payload.scheme),
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
        level=payload.level,
    )
    return Status(201, _certification(certification, timezone.localdate()))
