"""Network administrators' writes on trainers and their certifications; trainers' own preferences."""

import datetime as dt
import logging
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q

from certiprev.accounts.models import User
from certiprev.audit.services import audit_event_record
from certiprev.catalog.models import Scheme
from certiprev.lib.card import undrawable_message
from certiprev.lib.errors import WorkflowError
from certiprev.lib.names import clean_name, identity_key
from certiprev.organisations.services import period_create, period_end, require_network_admin, user_get_or_create

from .enums import TrainerLevel
from .models import TRAINER_NUMBER_RE, Trainer, TrainerCertification, generate_trainer_number

logger = logging.getLogger(__name__)


@transaction.atomic
def trainer_create(*, by: User | None, first_name: str, last_name: str, email: str, number: str = "") -> Trainer:
    """Create a trainer (number generated when not given) with their user account."""
    require_network_admin(by)
    first_name, last_name = clean_name(first_name), clean_name(last_name)
    if not first_name or not last_name:
        raise WorkflowError("name_required", "Indiquez le nom et le prénom du formateur.", field="last_name")
    for field, label, value in (("last_name", "Le nom", last_name), ("first_name", "Le prénom", first_name)):
        problem = undrawable_message(label, value)  # the trainer's name is printed on the cards
        if problem:
            raise WorkflowError("name_undrawable", problem, field=field)
    try:
        validate_email(email or "")
    except ValidationError:
        raise WorkflowError("email_invalid", "L'adresse e-mail n'est pas valide.", field="email") from None
    number = (number or "").strip().upper()
    if number and not re.fullmatch(TRAINER_NUMBER_RE, number):
        raise WorkflowError(
            "trainer_number_invalid",
            "Le numéro est fait de 3 lettres majuscules puis 5 chiffres (ex. ABC12345).",
            field="number",
        )
    if number and Trainer.objects.filter(number=number).exists():
        raise WorkflowError(
            "trainer_number_taken", f"Le numéro {number} est déjà attribué.", status=409, field="number"
        )
    user = user_get_or_create(email=email, first_name=first_name, last_name=last_name)
    if Trainer.objects.filter(user=user).exists():
        raise WorkflowError("trainer_exists", f"{user.email} est déjà formateur.", status=409, field="email")
    for _attempt in range(20):
        candidate = number or generate_trainer_number()
        try:
            with transaction.atomic():
                trainer = Trainer.objects.create(
                    number=candidate, first_name=first_name, last_name=last_name, email=user.email, user=user
                )
            break
        except IntegrityError:
            if number:
                raise WorkflowError(
                    "trainer_number_taken", f"Le numéro {number} est déjà attribué.", status=409, field="number"
                ) from None
    else:  # pragma: no cover - 17 million numbers
        raise WorkflowError("trainer_number_exhausted", "Impossible d'attribuer un numéro : réessayez.", status=409)
    audit_event_record(by=by, action="trainer_create", target=trainer, data={"number": trainer.number})
    return trainer


@transaction.atomic
def trainer_certification_create(
    *,
    by: User | None,
    trainer: Trainer,
    scheme: Scheme,
    valid_from: dt.date,
    valid_until: dt.date,
    level: str = TrainerLevel.TRAINER,
) -> TrainerCertification:
    require_network_admin(by)
    if level not in TrainerLevel.values:
        raise WorkflowError(
            "level_invalid",
            "Le niveau est « trainer » (formateur) ou « trainer_of_trainers » (formateur de formateurs).",
            field="level",
        )
    if scheme.trains_trainers_for is not None:
        raise WorkflowError(
            "scheme_is_trainer_course",
            f"{scheme.code} est une formation de formateurs : certifiez le formateur pour le dispositif "
            f"{scheme.trains_trainers_for.code}.",
            field="scheme",
        )
    return period_create(
        by=by,
        model=TrainerCertification,
        target=trainer,
        action="trainer_certification_create",
        valid_from=valid_from,
        valid_until=valid_until,
        trainer=trainer,
        scheme=scheme,
        level=level,
    )


@transaction.atomic
def trainer_certification_extend(
    *, by: User | None, certification: TrainerCertification, valid_until: dt.date
) -> TrainerCertification:
    """Extend = a new certification period from the day after the current one ends (the history is kept)."""
    require_network_admin(by)
    if valid_until <= certification.valid_until:
        raise WorkflowError(
            "extension_not_after",
            f"La nouvelle fin de validité doit suivre l'actuelle ({certification.valid_until:%d/%m/%Y}).",
            field="valid_until",
        )
    return trainer_certification_create(
        by=by,
        trainer=certification.trainer,
        scheme=certification.scheme,
        valid_from=certification.valid_until + dt.timedelta(days=1),
        valid_until=valid_until,
        level=certification.level,
    )


@transaction.atomic
def trainer_certification_end(
    *, by: User | None, certification: TrainerCertification, on: dt.date, reason: str
) -> TrainerCertification:
    return period_end(
        by=by,
        period=certification,
        target=certification.trainer,
        action="trainer_certification_end",
        on=on,
        reason=reason,
        missing_reason="Indiquez le motif de la fin de certification.",
    )


@transaction.atomic
def trainer_preferences_update(*, by: User | None, trainer: Trainer, notify_on_submission: bool) -> Trainer:
    if by is None or not by.is_authenticated or trainer.user_id != by.pk:
        raise WorkflowError("forbidden", "Vous ne pouvez modifier que vos propres préférences.", status=403)
    trainer.notify_on_submission = notify_on_submission
    trainer.save(update_fields=["notify_on_submission"])
    return trainer


def _trainer_insert(**fields) -> Trainer:
    """A new trainer with a fresh number (a collision with an existing number draws again)."""
    for _attempt in range(20):
        try:
            with transaction.atomic():
                return Trainer.objects.create(number=generate_trainer_number(), **fields)
        except IntegrityError:
            if Trainer.objects.filter(identity_key=fields.get("identity_key") or "-").exists():
                raise  # the same person created concurrently: the caller finds them
    raise WorkflowError("trainer_number_exhausted", "Impossible d'attribuer un numéro : réessayez.", status=409)


def trainer_for_person(*, first_name: str, last_name: str, birth_date: dt.date, email: str) -> tuple[Trainer, bool]:
    """The trainer who is this person, created with a number and an account if none (DESIGN §10); and whether an
    invitation to the account is due (it was created now, without a password).

    The same person: the same names and birth date (folded as the duplicate check: case, accents, spaces, hyphens
    ignored), or — for a trainer typed by an administrator, whose birth date is unknown — the same names and e-mail.
    A unique index on the identity keeps two concurrent issuances from creating the person twice.
    """
    first_name, last_name = clean_name(first_name), clean_name(last_name)
    email = (email or "").strip().lower()
    key = identity_key(last_name, first_name, birth_date)
    trainer = Trainer.objects.filter(identity_key=key).first()
    if trainer is not None:
        return trainer, False
    for candidate in Trainer.objects.filter(
        Q(email__iexact=email) | Q(user__email__iexact=email), identity_key=""
    ).order_by("pk"):
        if identity_key(candidate.last_name, candidate.first_name, birth_date) == key:
            candidate.birth_date, candidate.identity_key = birth_date, key
            candidate.save(update_fields=["birth_date", "identity_key"])
            return candidate, False
    created_user = not User.objects.filter(email__iexact=email).exists()
    user: User | None = user_get_or_create(email=email, first_name=first_name, last_name=last_name)
    if Trainer.objects.filter(user=user).exists():
        # The e-mail is another trainer's (other names or birth date): a new person, without that person's account.
        logger.warning("trainer course: %s is already another trainer's e-mail, new trainer without account", email)
        user, created_user = None, False
    try:
        trainer = _trainer_insert(
            first_name=first_name,
            last_name=last_name,
            email=email,
            birth_date=birth_date,
            identity_key=key,
            user=user,
        )
    except IntegrityError:
        return Trainer.objects.get(identity_key=key), False
    audit_event_record(by=None, action="trainer_create", target=trainer, data={"number": trainer.number})
    return trainer, created_user
