"""Network administrators' writes on organisations, their members and habilitations."""

import datetime as dt
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction

from certiprev.accounts.api_tokens import api_token_cache_forget
from certiprev.accounts.models import User
from certiprev.audit.services import audit_event_record
from certiprev.catalog.models import Scheme
from certiprev.lib.errors import WorkflowError
from certiprev.lib.names import clean_name, clean_text
from certiprev.lib.siret import normalise_siret, siret_error
from certiprev.lib.validity import ValidityPeriod

from .enums import MemberRole, OrganisationKind, Region
from .models import Habilitation, Membership, Organisation

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
    *, by: User | None, organisation: Organisation, scheme: Scheme, valid_from: dt.date, valid_until: dt.date
) -> Habilitation:
    return period_create(
        by=by,
        model=Habilitation,
        target=organisation,
        action="habilitation_create",
        valid_from=valid_from,
        valid_until=valid_until,
        organisation=organisation,
        scheme=scheme,
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
    if role not in (MemberRole.CORRESPONDENT, MemberRole.USER):
        raise WorkflowError("role_invalid", "Rôle inconnu : correspondent ou user.", field="role")
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
