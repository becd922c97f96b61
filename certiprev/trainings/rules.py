"""Pure rules of a session and its trainees: no model, no database, the same answer wherever they are asked."""

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from certiprev.lib.dates import add_months, format_fr
from certiprev.lib.errors import WorkflowError
from certiprev.lib.names import clean_name, identity_key

from .enums import TrainingKind

# ---------------------------------------------------------------------------------------------------------------
# The closing deadline (DESIGN §3, ADR 0001): the one place of the overdue rule


def close_deadline_for(end_date: dt.date) -> dt.date:
    """Last day on which a session may be closed: its last day + 3 months (regulation, FORPREV v2)."""
    return add_months(end_date, settings.CLOSE_DEADLINE_MONTHS)


def effective_close_deadline(close_before: dt.date, extended_until: dt.date | None) -> dt.date:
    """The deadline that applies: the regulatory one, or a later administrator's extension."""
    if extended_until and extended_until > close_before:
        return extended_until
    return close_before


def deadline_passed(close_before: dt.date, extended_until: dt.date | None, today: dt.date) -> bool:
    """Past the closing deadline and no extension running. The deadline day itself still counts (ADR 0001)."""
    return today > effective_close_deadline(close_before, extended_until)


def deadline_passed_q(today: dt.date) -> Q:
    """`deadline_passed` as a query condition on Training rows (same rule, for the database)."""
    return Q(close_before__lt=today) & ~Q(close_extended_until__gte=today)


def check_session_dates(
    start: dt.date, end: dt.date, *, today: dt.date, extended_until: dt.date | None = None
) -> None:
    """Coherent dates, and a session that could still be closed in time (an administrator's extension counts)."""
    if end < start:
        raise WorkflowError(
            "dates_incoherent",
            f"Le dernier jour ({format_fr(end)}) ne peut pas précéder le premier jour ({format_fr(start)}).",
            field="end_date",
        )
    if (end - start).days > MAX_SESSION_DAYS:
        raise WorkflowError("dates_incoherent", "Une session ne peut pas durer plus d'un an.", field="end_date")
    deadline = close_deadline_for(end)
    if deadline_passed(deadline, extended_until, today):
        raise WorkflowError(
            "close_deadline_passed",
            f"Cette session s'est terminée le {format_fr(end)} : le délai de clôture (le {format_fr(deadline)}) "
            "est déjà dépassé, elle ne pourrait plus être clôturée.",
            field="end_date",
        )


# ---------------------------------------------------------------------------------------------------------------
# A session's other fields

MAX_SESSION_DAYS = 366
MAX_PLACE = 200


def check_kind(kind: str) -> None:
    if kind not in TrainingKind.values:
        raise WorkflowError("kind_invalid", "Le type de session doit être « initiale » ou « MAC ».", field="kind")


def check_place(place: str) -> str:
    """The cleaned place, or a WorkflowError if it is empty or too long."""
    place = clean_name(place)
    if not place:
        raise WorkflowError("place_required", "Indiquez le lieu de la session.", field="place")
    if len(place) > MAX_PLACE:
        raise WorkflowError("place_too_long", f"Le lieu ne doit pas dépasser {MAX_PLACE} caractères.", field="place")
    return place


# ---------------------------------------------------------------------------------------------------------------
# Trainees

MIN_TRAINEE_AGE = 14
MAX_TRAINEE_AGE = 120
MAX_TEXT = 100
MAX_EMAIL = 254
_LETTER = re.compile(r"[^\W\d_]")
_EMAIL = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$")


@dataclass(frozen=True)
class TraineeData:
    last_name: str
    first_names: str
    birth_date: dt.date
    email: str = ""
    external_id: str = ""


def trainee_data_errors(data: TraineeData, *, today: dt.date) -> list[tuple[str, str]]:
    """(field, French message) for every problem in one trainee's data."""
    errors: list[tuple[str, str]] = []
    names = (("last_name", "Le nom", data.last_name), ("first_names", "Le prénom", data.first_names))
    for field, label, value in names:
        value = clean_name(value)
        if not value:
            errors.append((field, f"{label} est obligatoire."))
        elif len(value) > MAX_TEXT:
            errors.append((field, f"{label} ne doit pas dépasser {MAX_TEXT} caractères."))
        elif not _LETTER.search(value):
            errors.append((field, f"{label} doit contenir au moins une lettre."))
    birth = data.birth_date
    if not isinstance(birth, dt.date):
        errors.append(("birth_date", "La date de naissance est obligatoire."))
    elif birth > today:
        errors.append(("birth_date", "La date de naissance ne peut pas être dans le futur."))
    elif birth > add_months(today, -12 * MIN_TRAINEE_AGE):
        errors.append(("birth_date", f"Le stagiaire doit avoir au moins {MIN_TRAINEE_AGE} ans."))
    elif birth < add_months(today, -12 * MAX_TRAINEE_AGE):
        errors.append(("birth_date", "Cette date de naissance n'est pas plausible."))
    email = (data.email or "").strip()
    if email and (len(email) > MAX_EMAIL or not _EMAIL.match(email)):
        errors.append(("email", "L'adresse e-mail n'est pas valide."))
    if len(data.external_id or "") > MAX_TEXT:
        errors.append(("external_id", f"La référence externe ne doit pas dépasser {MAX_TEXT} caractères."))
    return errors


def trainee_identity(data: TraineeData) -> tuple[str, str, str]:
    """The cleaned names and the key two declarations of one person share (duplicate check)."""
    last, first = clean_name(data.last_name), clean_name(data.first_names)
    return last, first, identity_key(last, first, data.birth_date)


def duplicate_message(data: TraineeData) -> str:
    return (
        f"{clean_name(data.last_name).upper()} {clean_name(data.first_names)}, né·e le {format_fr(data.birth_date)}, "
        "est déjà déclaré·e sur cette session."
    )
