"""The public sign-up of a new organisation (issue 9 item 4, ADR signup): a provisional organisation and its
correspondent.

The account is created inactive with its password; a signed link (django.core.signing, time-stamped, its own salt)
sent to the address activates it. Until the CNH grants its initial request the organisation is provisional: it may
only fill and transmit that request, and it is listed nowhere (`Organisation.objects.established()`).

An address that already has an account gets no second one and the page says the same as for a new address (no
existence leak): the owner receives a notice instead — or, for a sign-up still unconfirmed, a fresh link.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass, replace
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from certiprev.accounts.models import User
from certiprev.audit.services import audit_event_record
from certiprev.lib.errors import WorkflowError
from certiprev.lib.names import clean_name
from certiprev.lib.rate_limits import RateLimited, rate_limit_check
from certiprev.lib.siret import normalise_siret, siret_error

from .enums import MemberRole, OrganisationKind, Region
from .models import Membership, Organisation

LINK_SALT = "certiprev.organisations.signup"
LINK_MAX_AGE = dt.timedelta(hours=48)


@dataclass(frozen=True)
class SignupForm:
    name: str
    siret: str
    kind: str
    region: str
    first_name: str
    last_name: str
    email: str
    password: str


def signup_throttle_check(*, email: str, ip: str) -> None:
    """Per address and per client IP, per hour; a WorkflowError (429) saying how long to wait."""
    # Hashed: the raw POST value may hold spaces or control characters no cache key may contain.
    address = hashlib.sha256((email or "").strip().lower().encode("utf-8", "replace")).hexdigest()[:32]
    try:
        for key, limit in (
            (f"signup-email:{address}", settings.SIGNUP_PER_ADDRESS_PER_HOUR),
            (f"signup-ip:{ip}", settings.SIGNUP_PER_IP_PER_HOUR),
        ):
            rate_limit_check(key=key, limit=limit, window=3600)
    except RateLimited as limited:
        minutes = max(1, math.ceil(limited.retry_after / 60))
        raise WorkflowError(
            "throttled",
            f"Trop d'inscriptions depuis ce poste ou pour cette adresse\u00a0: réessayez dans {minutes} min.",
            status=429,
        ) from None


def _errors(data: SignupForm) -> list[dict[str, str]]:
    errors = []

    def add(field: str, message: str) -> None:
        errors.append({"field": field, "message": message})

    if not clean_name(data.name):
        add("name", "Indiquez la raison sociale de l'organisme.")
    message = siret_error(data.siret)
    if message:
        add("siret", message)
    if data.kind not in OrganisationKind.values:
        add("kind", "Choisissez le type d'organisme.")
    if data.region not in Region.values:
        add("region", "Choisissez la région de l'organisme\u00a0: elle désigne sa caisse de rattachement.")
    if not clean_name(data.first_name):
        add("first_name", "Indiquez votre prénom.")
    if not clean_name(data.last_name):
        add("last_name", "Indiquez votre nom.")
    try:
        validate_email(data.email)
    except ValidationError:
        add("email", "Saisissez une adresse e-mail valide, par exemple nom@organisme.fr.")
    else:
        if len(data.email) > 254:
            add("email", "L'adresse e-mail ne doit pas dépasser 254 caractères.")
    candidate = get_user_model()(email=data.email, first_name=data.first_name, last_name=data.last_name)
    try:
        password_validation.validate_password(data.password, user=candidate)
    except ValidationError as error:
        for text in error.messages:
            add("password", text)
    return errors


def _pending_signup(user: User) -> Organisation | None:
    """The provisional organisation of a sign-up not yet confirmed by this (inactive, never signed-in) account."""
    if user.is_active or user.last_login is not None:
        return None
    membership = (
        Membership.objects.filter(user=user, role=MemberRole.CORRESPONDENT, organisation__is_provisional=True)
        .select_related("organisation")
        .first()
    )
    return membership.organisation if membership else None


@transaction.atomic
def organisation_signup(*, data: SignupForm) -> None:
    """Register a provisional organisation and its inactive correspondent, and send the confirmation link.

    Returns the same (nothing) whether the address was new or not: an address that has an account gets a notice
    (or, for an unconfirmed sign-up, a fresh link) and nothing is created. Invalid data: one WorkflowError whose
    `errors` names every field to correct.
    """
    email = (data.email or "").strip().lower()
    data = replace(data, email=email, siret=normalise_siret(data.siret))
    errors = _errors(data)
    if errors:
        raise WorkflowError("signup_invalid", errors[0]["message"], field=errors[0]["field"], errors=errors)
    existing = get_user_model().objects.filter(email__iexact=email).first()
    if existing is not None:
        _notify_existing(existing)
        return
    if Organisation.objects.filter(siret=data.siret).exists():
        raise _siret_taken()
    user = get_user_model()(
        email=email,
        first_name=clean_name(data.first_name)[:150],
        last_name=clean_name(data.last_name)[:150],
        is_active=False,  # until the link is opened
    )
    user.set_password(data.password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same address signed up at the same moment: that one wins, this one is told nothing
        return
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                name=clean_name(data.name), siret=data.siret, kind=data.kind, region=data.region, is_provisional=True
            )
    except IntegrityError:
        raise _siret_taken() from None
    Membership.objects.create(user=user, organisation=organisation, role=MemberRole.CORRESPONDENT)
    audit_event_record(by=None, action="organisation_signup", target=organisation, data={"siret": data.siret})
    transaction.on_commit(partial(signup_email_task.enqueue, user.pk, "confirm"))


def _siret_taken() -> WorkflowError:
    return WorkflowError(
        "siret_taken",
        "Un organisme est déjà inscrit sur Certiprev avec ce SIRET\u00a0: demandez à son correspondant de vous "
        "ajouter comme membre, ou contactez votre caisse régionale.",
        status=409,
        field="siret",
        errors=[{"field": "siret", "message": "Un organisme est déjà inscrit sur Certiprev avec ce SIRET."}],
    )


def _notify_existing(user: User) -> None:
    kind = "confirm" if _pending_signup(user) is not None else "notice" if user.is_active else ""
    if kind:
        transaction.on_commit(partial(signup_email_task.enqueue, user.pk, kind))


def link_hours() -> int:
    return int(LINK_MAX_AGE.total_seconds() // 3600)


def confirmation_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=LINK_SALT)


def confirmation_url(user: User) -> str:
    return settings.SITE_URL + reverse("www:signup_confirm", kwargs={"token": confirmation_token(user)})


def _user_of_token(token: str) -> User:
    try:
        payload = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise WorkflowError(
            "link_expired",
            f"Ce lien de confirmation a expiré (il est valable {link_hours()} heures). "
            "Inscrivez-vous de nouveau avec la même adresse\u00a0: vous recevrez un nouveau lien.",
            status=410,
        ) from None
    except signing.BadSignature:
        raise _invalid_link() from None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise _invalid_link()
    user = get_user_model().objects.filter(pk=payload["u"], email=payload.get("e")).first()
    if user is None:
        raise _invalid_link()
    return user


def _invalid_link() -> WorkflowError:
    return WorkflowError(
        "link_invalid",
        "Ce lien de confirmation n'est pas valide\u00a0: il a peut-être été coupé ou modifié. Copiez le lien complet "
        "reçu par e-mail, ou inscrivez-vous de nouveau.",
        status=400,
    )


def signup_check_link(*, token: str) -> User:
    """The account a confirmation link names, or a WorkflowError (expired, invalid) with its French message."""
    return _user_of_token(token)


@transaction.atomic
def signup_confirm(*, token: str) -> User:
    """Open a confirmation link: the account becomes active and may sign in. Opening it again changes nothing."""
    user = _user_of_token(token)
    if _pending_signup(user) is None:
        return user  # already confirmed (or not a sign-up at all): nothing to do
    type(user).objects.filter(pk=user.pk, is_active=False, last_login__isnull=True).update(is_active=True)
    user.refresh_from_db(fields=["is_active"])
    organisation = Organisation.objects.filter(memberships__user=user, is_provisional=True).first()
    if organisation is not None:
        audit_event_record(by=user, action="organisation_signup_confirm", target=organisation, data={})
    return user


@transaction.atomic
def organisation_establish(*, by: User | None, organisation: Organisation) -> bool:
    """A provisional organisation becomes a normal one (its initial request granted); False if it already was."""
    changed = Organisation.objects.filter(pk=organisation.pk, is_provisional=True).update(is_provisional=False)
    organisation.is_provisional = False
    if changed:
        audit_event_record(by=by, action="organisation_establish", target=organisation, data={})
    return bool(changed)


def require_established(organisation: Organisation, what: str) -> None:
    """Refuse `what` (e.g. "créer une session") for a provisional organisation, in French."""
    if organisation.is_provisional:
        raise WorkflowError(
            "organisation_provisional",
            f"Impossible de {what}\u00a0: {organisation.name} est en cours d'inscription. Ce sera possible une "
            "fois sa demande d'habilitation initiale accordée par la CNH.",
            status=409,
        )


def signup_email_send(*, user_id: int, kind: str) -> bool:
    """The confirmation link ("confirm") or the notice to an existing account ("notice"); False when not sent."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or kind not in ("confirm", "notice"):
        return False
    if kind == "confirm" and _pending_signup(user) is None:
        return False
    context = {
        "user": user,
        "url": confirmation_url(user) if kind == "confirm" else settings.SITE_URL + reverse("www:login"),
        "reset_url": settings.SITE_URL + reverse("www:password_reset"),
        "hours": link_hours(),
    }
    subject = render_to_string(f"www/signup/email/{kind}_subject.txt", context).strip()
    send_mail(subject, render_to_string(f"www/signup/email/{kind}.txt", context), None, [user.email])
    return True


@task()
def signup_email_task(user_id: int, kind: str) -> bool:
    return signup_email_send(user_id=user_id, kind=kind)
