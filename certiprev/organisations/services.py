"""Network administrators' writes on organisations, their members and habilitations."""

import datetime as dt
import re
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction

from certiprev.accounts.api_tokens import api_token_cache_forget
from certiprev.accounts.models import User
from certiprev.accounts.tasks import invitation_send_enqueue
from certiprev.audit.services import audit_event_record
from certiprev.catalog.models import Scheme
from certiprev.lib.errors import WorkflowError
from certiprev.lib.names import clean_name, clean_text
from certiprev.lib.siret import normalise_siret, siret_error
from certiprev.lib.validity import ValidityPeriod

from .enums import MemberRole, OrganisationKind, Region
from .models import AssociatedEntity, Habilitation, Membership, Organisation
from .selectors import is_correspondent, managed_entity
from .signup import require_established

Period = TypeVar("Period", bound=ValidityPeriod)  # a habilitation or a trainer certification


def require_network_admin(by: User | None) -> None:
    if not getattr(by, "is_network_administrator", False):
        raise WorkflowError("forbidden", "Réservé aux administrateurs du réseau.", status=403)


def check_period(valid_from: dt.date, valid_until: dt.date) -> None:
    if valid_until < valid_from:
        raise WorkflowError(
            "period_incoherent", "La fin de validité ne peut pas précéder son début.", field="valid_until"
        )


@transaction.atomic
def organisation_create(
    *,
    by: User | None,
    name: str,
    siret: str,
    kind: str,
    address: str = "",
    postal_code: str = "",
    city: str = "",
    region: str = "",
) -> Organisation:
    require_network_admin(by)
    name = clean_name(name)
    if not name:
        raise WorkflowError("name_required", "Indiquez la raison sociale.", field="name")
    message = siret_error(siret)
    if message:
        raise WorkflowError("siret_invalid", message, field="siret")
    if kind not in OrganisationKind.values:
        raise WorkflowError("kind_invalid", "Type d'organisme inconnu.", field="kind")
    if region and region not in Region.values:
        raise WorkflowError("region_invalid", "Caisse régionale inconnue.", field="region")
    siret = normalise_siret(siret)
    if Organisation.objects.filter(siret=siret).exists():
        raise WorkflowError("siret_taken", f"Un organisme porte déjà le SIRET {siret}.", status=409, field="siret")
    organisation = Organisation.objects.create(
        name=name,
        siret=siret,
        kind=kind,
        address=clean_name(address),
        postal_code=clean_text(postal_code),
        city=clean_name(city),
        region=region,
    )
    audit_event_record(by=by, action="organisation_create", target=organisation, data={"siret": siret})
    return organisation


def period_create(
    *,
    by: User | None,
    model: type[Period],
    target: models.Model,
    action: str,
    valid_from: dt.date,
    valid_until: dt.date,
    **fields: Any,
) -> Period:
    """Create a validity period (habilitation, trainer certification) and its audit row."""
    require_network_admin(by)
    check_period(valid_from, valid_until)
    period = model.objects.create(valid_from=valid_from, valid_until=valid_until, **fields)
    audit_event_record(
        by=by,
        action=action,
        target=target,
        data={
            "scheme": period.scheme.code,  # type: ignore[attr-defined]  # both period models have a scheme
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat(),
        },
    )
    return period


def period_end(
    *,
    by: User | None,
    period: Period,
    target: models.Model,
    action: str,
    on: dt.date,
    reason: str,
    missing_reason: str,
) -> Period:
    """End a validity period early (suspension, withdrawal), audited with its reason."""
    require_network_admin(by)
    reason = clean_text(reason, multiline=True)
    if not reason:
        raise WorkflowError("reason_required", missing_reason, field="reason")
    check_period(period.valid_from, on)
    previous = period.valid_until
    period.valid_until = min(previous, on)
    period.save(update_fields=["valid_until"])
    audit_event_record(
        by=by,
        action=action,
        target=target,
        comment=reason,
        data={
            "scheme": period.scheme.code,  # type: ignore[attr-defined]  # both period models have a scheme
            "previous_until": previous.isoformat(),
            "until": on.isoformat(),
        },
    )
    return period


@transaction.atomic
def habilitation_create(
    *,
    by: User | None,
    organisation: Organisation,
    scheme: Scheme,
    valid_from: dt.date,
    valid_until: dt.date,
    level: int = 1,
) -> Habilitation:
    require_network_admin(by)
    if scheme.trains_trainers_for is not None:  # DESIGN §10: a trainer course runs under level 2 of its scheme
        raise WorkflowError(
            "scheme_is_trainer_course",
            f"{scheme.code} est une formation de formateurs : habilitez l'organisme au niveau 2 du dispositif "
            f"{scheme.trains_trainers_for.code}.",
            field="scheme",
        )
    return period_create(
        by=by,
        model=Habilitation,
        target=organisation,
        action="habilitation_create",
        valid_from=valid_from,
        valid_until=valid_until,
        organisation=organisation,
        scheme=scheme,
        level=level,
    )


@transaction.atomic
def habilitation_end(*, by: User | None, habilitation: Habilitation, on: dt.date, reason: str) -> Habilitation:
    """End a habilitation early (suspension, withdrawal); audited with its reason."""
    return period_end(
        by=by,
        period=habilitation,
        target=habilitation.organisation,
        action="habilitation_end",
        on=on,
        reason=reason,
        missing_reason="Indiquez le motif de la fin d'habilitation.",
    )


def user_get_or_create(*, email: str, first_name: str = "", last_name: str = "") -> User:
    """The account for this e-mail, created without a usable password (the invitation sets it)."""
    User = get_user_model()
    email = (email or "").strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, first_name=clean_name(first_name)[:150], last_name=clean_name(last_name)[:150])
        user.set_unusable_password()
        user.save()
    return user


@transaction.atomic
def membership_create(
    *,
    by: User | None,
    organisation: Organisation,
    email: str,
    first_name: str = "",
    last_name: str = "",
    role: str = MemberRole.USER,
) -> Membership:
    require_network_admin(by)
    require_established(organisation, "ajouter un membre")
    if role not in (MemberRole.CORRESPONDENT, MemberRole.USER):
        raise WorkflowError("role_invalid", "Rôle inconnu : correspondent ou user.", field="role")
    try:
        validate_email(email)
    except ValidationError:
        raise WorkflowError("email_invalid", "L'adresse e-mail n'est pas valide.", field="email") from None
    user = user_get_or_create(email=email, first_name=first_name, last_name=last_name)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    except IntegrityError:
        raise WorkflowError(
            "member_exists", f"{user.email} est déjà membre de {organisation.name}.", status=409, field="email"
        ) from None
    audit_event_record(by=by, action="membership_create", target=organisation, data={"email": user.email})
    transaction.on_commit(api_token_cache_forget)  # this process's API sees the new membership at once
    return membership


@transaction.atomic
def membership_remove(*, by: User | None, membership: Membership) -> None:
    require_network_admin(by)
    audit_event_record(
        by=by, action="membership_remove", target=membership.organisation, data={"email": membership.user.email}
    )
    membership.delete()
    transaction.on_commit(api_token_cache_forget)  # this process's API sees it at once; the others within the bound


# ---------------------------------------------------------------------------------------------------------------
# The organisation's own writes: its correspondent (CEH) keeps the master data, the members and the associated
# entities; an entity's correspondent (CEA) the members of that entity only. Who may do what: selectors.py.

_POSTAL_CODE = re.compile(r"^\d{5}$")


def _member_line(organisation: Organisation) -> str:
    return f"Vous êtes membre de {organisation.name} sur Certiprev."


def _require_correspondent(by: User | None, organisation: Organisation) -> None:
    if not is_correspondent(by, organisation):
        raise WorkflowError("forbidden", "Réservé au correspondant de l'organisme.", status=403)


def _address(*, address: str, postal_code: str, city: str) -> dict[str, str]:
    postal_code = clean_text(postal_code)
    if postal_code and not _POSTAL_CODE.match(postal_code):
        raise WorkflowError("postal_code_invalid", "Le code postal est fait de 5 chiffres.", field="postal_code")
    return {"address": clean_name(address)[:250], "postal_code": postal_code, "city": clean_name(city)[:100]}


_MASTER_DATA = ("name", "address", "postal_code", "city", "region")


@transaction.atomic
def organisation_update(
    *, by: User | None, organisation: Organisation, name: str, address: str, postal_code: str, city: str, region: str
) -> Organisation:
    """The correspondent's changes to the master data ("tronc commun"); the SIRET is never changed here."""
    _require_correspondent(by, organisation)
    name = clean_name(name)[:200]
    if not name:
        raise WorkflowError("name_required", "Indiquez la raison sociale.", field="name")
    if region and region not in Region.values:
        raise WorkflowError("region_invalid", "Caisse régionale inconnue.", field="region")
    fields = {"name": name, "region": region, **_address(address=address, postal_code=postal_code, city=city)}
    before = {field: getattr(organisation, field) for field in _MASTER_DATA}
    for field, value in fields.items():
        setattr(organisation, field, value)
    organisation.save(update_fields=list(_MASTER_DATA))
    changed = {field: [before[field], fields[field]] for field in _MASTER_DATA if before[field] != fields[field]}
    audit_event_record(by=by, action="organisation_update", target=organisation, data={"changed": changed})
    return organisation


@transaction.atomic
def entity_create(
    *, by: User | None, organisation: Organisation, name: str, address: str = "", postal_code: str = "", city: str = ""
) -> AssociatedEntity:
    """A new associated entity of the organisation, created by its correspondent."""
    _require_correspondent(by, organisation)
    require_established(organisation, "créer une entité associée")
    name = clean_name(name)[:200]
    if not name:
        raise WorkflowError("name_required", "Indiquez le nom de l'entité.", field="name")
    entity = AssociatedEntity.objects.create(
        organisation=organisation, name=name, **_address(address=address, postal_code=postal_code, city=city)
    )
    audit_event_record(by=by, action="entity_create", target=organisation, data={"entity": str(entity.public_id)})
    return entity


@transaction.atomic
def entity_update(
    *, by: User | None, entity: AssociatedEntity, name: str, address: str, postal_code: str, city: str
) -> AssociatedEntity:
    _require_correspondent(by, entity.organisation)
    name = clean_name(name)[:200]
    if not name:
        raise WorkflowError("name_required", "Indiquez le nom de l'entité.", field="name")
    entity.name = name
    for field, value in _address(address=address, postal_code=postal_code, city=city).items():
        setattr(entity, field, value)
    entity.save(update_fields=["name", "address", "postal_code", "city"])
    audit_event_record(
        by=by, action="entity_update", target=entity.organisation, data={"entity": str(entity.public_id)}
    )
    return entity


@transaction.atomic
def member_add(
    *,
    by: User | None,
    organisation: Organisation,
    email: str,
    first_name: str = "",
    last_name: str = "",
    role: str = MemberRole.USER,
    entity: AssociatedEntity | None = None,
) -> Membership:
    """A member added by the organisation's correspondent (any role, any entity) or by an entity's correspondent
    (to that entity only); a new account gets its invitation e-mail after commit."""
    managed = managed_entity(by, organisation)
    if not is_correspondent(by, organisation):
        if managed is None:
            raise WorkflowError("forbidden", "Réservé aux correspondants de l'organisme.", status=403)
        if role == MemberRole.CORRESPONDENT:
            raise WorkflowError(
                "role_invalid", "Seul le correspondant de l'organisme désigne un correspondant.", field="role"
            )
        entity = managed  # a CEA adds members to their own entity, whatever was posted
    require_established(organisation, "ajouter un membre")
    if role not in MemberRole.values:
        raise WorkflowError("role_invalid", "Rôle inconnu.", field="role")
    if entity is not None and entity.organisation_id != organisation.pk:
        raise WorkflowError("entity_unknown", "Cette entité n'est pas rattachée à l'organisme.", field="entity")
    if role == MemberRole.ENTITY_CORRESPONDENT and entity is None:
        raise WorkflowError(
            "entity_required", "Choisissez l'entité associée dont il sera le correspondant.", field="entity"
        )
    if role == MemberRole.CORRESPONDENT:
        entity = None  # the organisation's correspondent is the whole organisation's
    try:
        validate_email(email)
    except ValidationError:
        raise WorkflowError("email_invalid", "L'adresse e-mail n'est pas valide.", field="email") from None
    user = user_get_or_create(email=email, first_name=first_name, last_name=last_name)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(user=user, organisation=organisation, role=role, entity=entity)
    except IntegrityError:
        raise WorkflowError(
            "member_exists", f"{user.email} est déjà membre de {organisation.name}.", status=409, field="email"
        ) from None
    if not user.has_usable_password():
        invitation_send_enqueue(user=user, context_line=_member_line(organisation))
    audit_event_record(
        by=by,
        action="membership_create",
        target=organisation,
        data={"email": user.email, "role": role, "entity": str(entity.public_id) if entity else None},
    )
    transaction.on_commit(api_token_cache_forget)  # this process's API sees the new membership at once
    return membership


@transaction.atomic
def member_remove(*, by: User | None, membership: Membership) -> None:
    """A member removed by a correspondent who manages them; nobody removes themselves here."""
    organisation = membership.organisation
    if not is_correspondent(by, organisation):
        managed = managed_entity(by, organisation)
        if managed is None or membership.entity_id != managed.pk:
            raise WorkflowError("forbidden", "Ce membre ne fait pas partie de votre entité.", status=403)
        if membership.role == MemberRole.CORRESPONDENT:
            raise WorkflowError(
                "forbidden", "Seul le correspondant de l'organisme peut retirer ce membre.", status=403
            )
    if membership.user_id == getattr(by, "pk", None):
        raise WorkflowError(
            "member_self",
            "Vous ne pouvez pas vous retirer vous-même : demandez-le à un autre correspondant.",
            status=409,
        )
    audit_event_record(by=by, action="membership_remove", target=organisation, data={"email": membership.user.email})
    membership.delete()
    transaction.on_commit(api_token_cache_forget)  # this process's API sees it at once; the others within the bound
