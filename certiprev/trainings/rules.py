"""Pure rules of a session and its trainees: no model, no database, the same answer wherever they are asked."""

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from certiprev.lib.card import undrawable_message
from certiprev.lib.dates import add_months, format_fr
from certiprev.lib.errors import WorkflowError
from certiprev.lib.names import clean_name, identity_key

from .enums import OPEN_STATES, TrainingKind

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


def is_overdue(state: str, close_before: dt.date, extended_until: dt.date | None, today: dt.date) -> bool:
    """Still open (not closed nor cancelled) past its closing deadline: `Training.is_overdue` on a row's values."""
    return state in OPEN_STATES and deadline_passed(close_before, extended_until, today)


def deadline_passed_q(today: dt.date) -> Q:
    """`deadline_passed` as a query condition on Training rows (same rule, for the database)."""
    return Q(close_before__lt=today) & (Q(close_extended_until__isnull=True) | Q(close_extended_until__lt=today))


def deadline_running_q(today: dt.date) -> Q:
    """The opposite of `deadline_passed_q`: the deadline day or an extension has not passed yet."""
    return Q(close_before__gte=today) | Q(close_extended_until__gte=today)


def session_finished(end_date: dt.date, today: dt.date) -> bool:
    """The session's last day has come: presence and results are known, it may be validated."""
    return end_date <= today


def session_finished_q(today: dt.date) -> Q:
    """`session_finished` as a query condition on Training rows."""
    return Q(end_date__lte=today)


# A session's days lie within this horizon around today: nobody plans a session more than 5 years ahead, and a
# session more than 10 years old (the records' retention) is no longer closed. Beyond it a date is a typo
# (9999 for 2025), and the date arithmetic (closing deadline, validity end) would leave the calendar.
SESSION_YEARS_AHEAD = 5
SESSION_YEARS_BACK = 10
SESSION_DATE_LABELS = {"start_date": "Le premier jour", "end_date": "Le dernier jour"}


def session_date_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    """The earliest and the latest day a session may have."""
    return years_before(today, SESSION_YEARS_BACK), add_months(today, 12 * SESSION_YEARS_AHEAD)


def session_date_problem(field: str, day: dt.date, *, today: dt.date) -> str | None:
    """Why a session's first (`field` "start_date") or last day ("end_date") is refused as implausible, or None."""
    earliest, latest = session_date_bounds(today)
    label = SESSION_DATE_LABELS[field]
    if day > latest:
        return (
            f"{label} ({format_fr(day)}) est trop loin : une session a lieu au plus tard le {format_fr(latest)} "
            f"({SESSION_YEARS_AHEAD} ans à partir d'aujourd'hui)."
        )
    if day < earliest:
        return (
            f"{label} ({format_fr(day)}) est trop ancien : une session a lieu au plus tôt le {format_fr(earliest)} "
            f"({SESSION_YEARS_BACK} ans avant aujourd'hui)."
        )
    return None


def check_session_dates(
    start: dt.date, end: dt.date, *, today: dt.date, extended_until: dt.date | None = None
) -> None:
    """Plausible and coherent dates, and a session that could still be closed in time (an administrator's extension
    counts)."""
    for field, day in (("start_date", start), ("end_date", end)):
        problem = session_date_problem(field, day, today=today)
        if problem:
            raise WorkflowError("dates_out_of_range", problem, field=field)
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
            f"Cette session s'est terminée le {format_fr(end)} : le délai de clôture (le {format_fr(deadline)}) "
            "est déjà dépassé, elle ne pourrait plus être clôturée.",
            field="end_date",
        )


# ---------------------------------------------------------------------------------------------------------------
# A session's other fields

MAX_SESSION_DAYS = 366
MAX_PLACE = 200


def check_kind(kind: str) -> None:
    if kind not in TrainingKind.values:
        raise WorkflowError("kind_invalid", "Le type de session doit être « initiale » ou « MAC ».", field="kind")


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
# An ASCII local part (what mail servers deliver without SMTPUTF8), an internationalised domain allowed.
_EMAIL_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_DOMAIN_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_TLD = re.compile(r"^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$")

# The one wording of each rule: the web form, the API and the import say exactly this.
NAME_LABELS = {"last_name": "Le nom", "first_names": "Le prénom"}
MSG_BIRTH_DATE_MISSING = "La date de naissance est obligatoire."
MSG_BIRTH_DATE_FUTURE = "La date de naissance ne peut pas être dans le futur."
MSG_BIRTH_DATE_TOO_YOUNG = "Le stagiaire doit avoir au moins {min_age} ans."
MSG_BIRTH_DATE_TOO_OLD = "Cette date de naissance n'est pas plausible."
MSG_EMAIL_INVALID = "L'adresse e-mail n'est pas valide."
MSG_EXTERNAL_ID_TOO_LONG = "La référence externe ne doit pas dépasser {limit} caractères."


@dataclass(frozen=True)
class TraineeData:
    last_name: str
    first_names: str
    birth_date: dt.date
    email: str = ""
    external_id: str = ""


def name_missing_message(field: str) -> str:
    return f"{NAME_LABELS[field]} est obligatoire."


def name_problem(field: str, value: str) -> str | None:
    """Why a last name (`field` "last_name") or first names ("first_names") is refused, or None."""
    value = clean_name(value or "")
    label = NAME_LABELS[field]
    if not value:
        return name_missing_message(field)
    if len(value) > MAX_TEXT:
        return f"{label} ne doit pas dépasser {MAX_TEXT} caractères."
    if not _LETTER.search(value):
        return f"{label} doit contenir au moins une lettre."
    return undrawable_message(label, value)  # printed on the signed card: an emoji would print as "?"


def years_before(day: dt.date, years: int) -> dt.date:
    if day.year - years < dt.MINYEAR:
        return dt.date.min
    return add_months(day, -12 * years)  # 29 February → 28 February


def birth_date_problem(
    birth: object, *, today: dt.date, min_age: int = MIN_TRAINEE_AGE, max_age: int = MAX_TRAINEE_AGE
) -> str | None:
    """Why a birth date is refused (none, in the future, too young or implausibly old), or None."""
    if not isinstance(birth, dt.date):
        return MSG_BIRTH_DATE_MISSING
    if isinstance(birth, dt.datetime):
        birth = birth.date()
    if birth > today:
        return MSG_BIRTH_DATE_FUTURE
    if birth > years_before(today, min_age):
        return MSG_BIRTH_DATE_TOO_YOUNG.format(min_age=min_age)
    if birth < years_before(today, max_age):
        return MSG_BIRTH_DATE_TOO_OLD
    return None


def email_problem(email: str) -> str | None:
    """None when `email` (already stripped, not empty) looks deliverable, else the message."""
    if len(email) > MAX_EMAIL:
        return MSG_EMAIL_INVALID
    local, at, domain = email.rpartition("@")
    if not at or len(local) > 64 or not _EMAIL_LOCAL.match(local):
        return MSG_EMAIL_INVALID
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return MSG_EMAIL_INVALID
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.match(label) for label in labels) or not _TLD.match(labels[-1]):
        return MSG_EMAIL_INVALID
    return None


def external_id_problem(value: str) -> str | None:
    if len(value or "") > MAX_TEXT:
        return MSG_EXTERNAL_ID_TOO_LONG.format(limit=MAX_TEXT)
    return None


def trainee_data_errors(
    data: TraineeData,
    *,
    today: dt.date,
    min_age: int = MIN_TRAINEE_AGE,
    max_age: int = MAX_TRAINEE_AGE,
    email_required: bool = False,
) -> list[tuple[str, str]]:
    """(field, French message) for every problem in one trainee's data (`email_required`: a trainer course)."""
    problems = [
        ("last_name", name_problem("last_name", data.last_name)),
        ("first_names", name_problem("first_names", data.first_names)),
        ("birth_date", birth_date_problem(data.birth_date, today=today, min_age=min_age, max_age=max_age)),
    ]
    email = (data.email or "").strip()
    if email:
        problems.append(("email", email_problem(email)))
    elif email_required:
        problems.append(("email", MSG_EMAIL_REQUIRED))
    problems.append(("external_id", external_id_problem(data.external_id)))
    return [(field, message) for field, message in problems if message]


def trainee_identity(data: TraineeData) -> tuple[str, str, str]:
    """The cleaned names and the key two declarations of one person share (duplicate check)."""
    last, first = clean_name(data.last_name), clean_name(data.first_names)
    return last, first, identity_key(last, first, data.birth_date)


def duplicate_message(data: TraineeData) -> str:
    return (
        f"{clean_name(data.last_name).upper()} {clean_name(data.first_names)}, né·e le {format_fr(data.birth_date)}, "
        "est déjà déclaré·e sur cette session."
    )


# ---------------------------------------------------------------------------------------------------------------
# Trainer courses (DESIGN §10): who may run them, who may teach them, what each trainee proves before submission


def trainer_course_label(course_name: str) -> str:
    return f"une formation de formateurs ({course_name})"


def level_two_missing_message(
    organisation_name: str, actor_code: str, course_name: str, *, has_level_one: bool
) -> str:
    if has_level_one:
        return (
            f"L'habilitation {actor_code} de {organisation_name} est de niveau 1 : seule une habilitation de niveau 2 "
            f"permet d'organiser {trainer_course_label(course_name)}."
        )
    return (
        f"{organisation_name} n'a pas d'habilitation de niveau 2 pour le dispositif {actor_code} : elle seule permet "
        f"d'organiser {trainer_course_label(course_name)}."
    )


def trainer_of_trainers_missing_message(trainer_label: str, actor_code: str, course_name: str) -> str:
    return (
        f"Le formateur {trainer_label} n'est pas formateur de formateurs pour le dispositif {actor_code} : "
        f"{trainer_course_label(course_name)} est animée par un formateur de formateurs certifié."
    )


MSG_EMAIL_REQUIRED = (
    "L'adresse e-mail est obligatoire pour une formation de formateurs : elle ouvre le compte du futur formateur."
)


@dataclass(frozen=True)
class TraineePrerequisites:
    """What a trainer-course trainee has recorded, as the submission rule reads it."""

    name: str
    email: str
    proof_scheme: str | None  # code of the certificate proven (card or records), None when nothing is recorded
    proof_valid_until: dt.date | None
    elearning_on: dt.date | None


def codes_phrase(codes: list[str]) -> str:
    """["SST", "APS_ASD"] → "SST ou APS ASD"."""
    labels = [code.replace("_", " ") for code in codes]
    return " ou ".join(labels) if len(labels) <= 2 else ", ".join(labels[:-1]) + " ou " + labels[-1]


def trainer_course_problems(
    trainees: list[TraineePrerequisites],
    *,
    course_name: str,
    accepted_codes: list[str],
    requires_elearning: bool,
    start: dt.date,
    prerequisites_required: bool = True,
) -> list[str]:
    """Every reason the trainees of a trainer course keep it from being submitted (French, one per problem)."""
    problems = []
    accepted = codes_phrase(accepted_codes)
    for trainee in trainees:
        if not trainee.email:
            problems.append(
                f"{trainee.name} n'a pas d'adresse e-mail : elle est obligatoire pour une formation de formateurs "
                "(elle ouvre son compte de formateur)."
            )
        if not prerequisites_required:
            continue
        if trainee.proof_scheme is None or trainee.proof_valid_until is None:
            problems.append(
                f"Le prérequis de {trainee.name} n'est pas enregistré : un certificat {accepted} valide (carte "
                "scannée ou recherche dans le registre des certificats)."
            )
        elif trainee.proof_valid_until < start:
            problems.append(
                f"Le certificat {trainee.proof_scheme.replace('_', ' ')} de {trainee.name} a expiré le "
                f"{format_fr(trainee.proof_valid_until)} : la formation {course_name} demande un certificat "
                f"{accepted} valide au premier jour."
            )
        if requires_elearning and trainee.elearning_on is None:
            problems.append(
                f"La date de l'attestation de l'e-learning INRS de {trainee.name} n'est pas enregistrée : "
                f"c'est un prérequis de la formation {course_name}."
            )
    return problems


def elearning_date_problem(day: object, *, start: dt.date, today: dt.date) -> str | None:
    """Why the date of an e-learning attestation is refused: none, in the future, after the session's first day."""
    if not isinstance(day, dt.date):
        return "Indiquez la date de l'attestation de l'e-learning INRS."
    if day > today:
        return "La date de l'attestation de l'e-learning ne peut pas être dans le futur."
    if day > start:
        return (
            f"L'attestation de l'e-learning doit précéder la session : elle est datée du {format_fr(day)}, la "
            f"session commence le {format_fr(start)}."
        )
    if day < years_before(today, SESSION_YEARS_BACK):
        return "Cette date d'attestation n'est pas plausible."
    return None


# Warnings before submission: what looks wrong but is not refused (the organisation knows its session)

# A training day rarely exceeds 7 hours (the schemes' programmes are written in 7-hour days).
HOURS_PER_DAY = 7


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def group_size_warning(count: int, *, group_min: int, group_max: int) -> str | None:
    """The session's number of trainees against the scheme's limits: the refusal "Soumettre" would give, ahead."""
    if count > group_max:
        return f"La session compte {_plural(count, 'stagiaire')}, le maximum est {group_max}."
    if count < group_min:
        return f"La session compte {_plural(count, 'stagiaire')}, le minimum est {group_min}."
    return None


def schedule_warning(start: dt.date, end: dt.date, *, hours: int) -> str | None:
    """Whether the session's span fits the scheme's hours: too few days for them, or spread over far too many."""
    span = (end - start).days + 1
    needed = max(1, -(-hours // HOURS_PER_DAY))  # the days the hours take, at most 7 hours a day
    lasting = f"{hours} h de formation"
    if span < needed:
        return (
            f"La session dure {_plural(span, 'jour')} pour {lasting} : plus de {HOURS_PER_DAY} h par jour. "
            "Vérifiez les dates."
        )
    if span > max(2 * needed, needed + 7):
        return (
            f"La session s'étend sur {_plural(span, 'jour')} pour {lasting} ({_plural(needed, 'jour')} environ). "
            "Vérifiez les dates."
        )
    return None


def mac_prerequisite_warning(missing: int, total: int) -> str | None:
    """A MAC session's trainees whose previous card (the prerequisite) is not checked yet."""
    if not missing:
        return None
    if missing == 1:
        what = "1 stagiaire n'a pas son ancienne carte vérifiée"
    else:
        what = f"{missing} stagiaires sur {total} n'ont pas leur ancienne carte vérifiée"
    return f"Prérequis du MAC : {what}."
