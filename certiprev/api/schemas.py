"""Request and response bodies of the API (OpenAPI components). Dates are ISO `YYYY-MM-DD`."""

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import BaseModel

from certiprev.organisations.enums import OrganisationKind
from certiprev.trainings.enums import TRANSITIONS, TrainingKind, TrainingState


class Out(BaseModel):
    """Response bodies: plain pydantic models fed with dicts (ninja's Schema wraps every nested object in a Django
    attribute getter, which costs more than the rest of the serialisation on the detail endpoint)."""


TrainingKindLiteral = Literal[tuple(TrainingKind.values)]  # type: ignore[valid-type]
TrainingStateLiteral = Literal[tuple(TrainingState.values)]  # type: ignore[valid-type]
TrainingActionLiteral = Literal[tuple(str(action) for action in TRANSITIONS)]  # type: ignore[valid-type]
OrganisationKindLiteral = Literal[tuple(OrganisationKind.values)]  # type: ignore[valid-type]


class ErrorOut(Out):
    detail: str = Field(..., description="Message en français, à montrer tel quel.")
    code: str = Field(..., description="Code stable, pour les programmes.")
    errors: list[dict[str, Any]] = Field(default_factory=list, description="Détails (champ, ligne, message…).")


# ---------------------------------------------------------------------------------------------------------------
# Reference and account


class SchemeOut(Out):
    code: str
    name: str
    initial_hours: int
    mac_hours: int
    validity_months: int
    group_min: int
    group_max: int
    level: Literal["actor", "trainer"] = Field(
        "actor", description="`actor` : formation d'acteurs ; `trainer` : formation de formateurs."
    )
    trains_trainers_for: str | None = Field(
        None, description="Formation de formateurs : le dispositif dont elle forme les formateurs (ex. SST)."
    )


class OrganisationRef(Out):
    id: str
    name: str


class TrainerRef(Out):
    number: str
    first_name: str
    last_name: str


class MeOut(Out):
    email: str
    first_name: str
    last_name: str
    is_network_admin: bool
    organisations: list[OrganisationRef]
    trainer: TrainerRef | None


class TokenIn(Schema):
    name: str = Field("", max_length=100)


class TokenOut(Out):
    prefix: str
    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="Le jeton complet : affiché une seule fois, conservez-le.")


# ---------------------------------------------------------------------------------------------------------------
# Network administration


class OrganisationIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    siret: str = Field(..., min_length=1, max_length=20)
    kind: OrganisationKindLiteral  # type: ignore[valid-type]
    address: str = Field("", max_length=250)
    postal_code: str = Field("", max_length=5)
    city: str = Field("", max_length=100)
    region: str = Field("", max_length=30)


class HabilitationIn(Schema):
    scheme: str = Field(..., min_length=1, max_length=20)
    valid_from: dt.date
    valid_until: dt.date


class PeriodOut(Out):
    scheme: str
    valid_from: dt.date
    valid_until: dt.date


class MemberIn(Schema):
    email: str = Field(..., min_length=3, max_length=254)
    first_name: str = Field("", max_length=150)
    last_name: str = Field("", max_length=150)
    role: Literal["correspondent", "user"] = Field("user", description="correspondent (CEH) ou user (sessions).")


class MemberOut(Out):
    email: str
    first_name: str
    last_name: str
    since: dt.datetime
    role: str


class HabilitationOut(Out):
    id: int
    scheme: str
    valid_from: dt.date
    valid_until: dt.date
    level: int
    status: Literal["active", "suspended", "withdrawn", "expired"]
    status_reason: str


class OrganisationOut(Out):
    id: str
    name: str
    siret: str
    kind: str
    address: str
    postal_code: str
    city: str
    region: str
    created_at: dt.datetime


class OrganisationDetailOut(OrganisationOut):
    habilitations: list[HabilitationOut]
    members: list[MemberOut]


class TrainerIn(Schema):
    number: str | None = Field(None, max_length=20, description="Généré s'il manque (3 lettres, 5 chiffres).")
    first_name: str = Field(..., min_length=1, max_length=100)
    last_name: str = Field(..., min_length=1, max_length=100)
    email: str = Field(..., min_length=3, max_length=254)


TrainerLevelLiteral = Literal["trainer", "trainer_of_trainers"]


class CertificationOut(PeriodOut):
    level: TrainerLevelLiteral = Field(
        ..., description="`trainer` ou `trainer_of_trainers` (formateur de formateurs)."
    )
    valid: bool = Field(..., description="Valable aujourd'hui.")


class TrainerOut(Out):
    number: str
    first_name: str
    last_name: str
    email: str | None = Field(None, description="Visible des administrateurs du réseau et du formateur lui-même.")
    certifications: list[CertificationOut]


class CertificationIn(HabilitationIn):
    level: TrainerLevelLiteral = "trainer"


class PrerequisiteIn(Schema):
    """Exactly one of: the previous card's QR content, a lookup in the records, or the e-learning date."""

    qr: str | None = Field(None, max_length=2000, description="Contenu du QR code de la carte précédente.")
    lookup: bool = Field(False, description="Chercher le certificat dans le registre (carte perdue).")
    elearning_on: dt.date | None = Field(None, description="Date de l'attestation de l'e-learning INRS.")


class PrerequisiteOut(Out):
    source: Literal["qr", "record", "elearning"]
    scheme: str | None
    valid_until: dt.date | None
    expired: bool
    issuer: str | None = Field(None, description="Organisme qui a délivré le certificat (carte ou registre).")
    elearning_on: dt.date | None = None


# ---------------------------------------------------------------------------------------------------------------
# Trainings


class TrainingIn(Schema):
    scheme: str = Field(..., min_length=1, max_length=20, description="Code du dispositif (SST, PRAP_IBC…).")
    kind: TrainingKindLiteral  # type: ignore[valid-type]
    start_date: dt.date
    end_date: dt.date
    place: str = Field(..., min_length=1, max_length=200)
    trainer_number: str = Field(..., min_length=1, max_length=20)
    external_id: str | None = Field(
        None,
        max_length=100,
        description="Votre référence : rejouer la création "
        "avec la même référence renvoie la session existante (200) sans doublon.",
    )
    organisation: str | None = Field(
        None,
        max_length=64,
        description="Identifiant de l'organisme : obligatoire si vous êtes membre de plusieurs organismes.",
    )


class TrainingPatch(Schema):
    scheme: str | None = Field(None, min_length=1, max_length=20)
    kind: TrainingKindLiteral | None = None  # type: ignore[valid-type]
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    place: str | None = Field(None, min_length=1, max_length=200)
    trainer_number: str | None = Field(None, min_length=1, max_length=20)


# Past the rules' limits (so that the rules word the refusal), yet far from what could cost anything to check.
HUGE_TEXT = 1000


class TraineeIn(Schema):
    """Checked by the trainee rules, as in the web form and the import: a refusal is a 422 `trainee_invalid`
    naming the field, with the same French message. The schema's own limits only keep huge strings out."""

    last_name: str = Field(
        ..., max_length=HUGE_TEXT, description="Nom : obligatoire, une lettre au moins, 100 caractères au plus."
    )
    first_name: str = Field(
        ..., max_length=HUGE_TEXT, description="Prénom(s) : obligatoire, une lettre au moins, 100 caractères au plus."
    )
    birth_date: dt.date
    email: str | None = Field(
        None, max_length=HUGE_TEXT, description="Facultatif ; partie locale en ASCII, 254 caractères au plus."
    )
    external_id: str | None = Field(None, max_length=HUGE_TEXT, description="Facultatif ; 100 caractères au plus.")


class TraineeOut(Out):
    id: str
    last_name: str
    first_name: str
    birth_date: dt.date
    email: str
    external_id: str
    present: bool | None
    passed: bool | None


class EventOut(Out):
    at: dt.datetime
    action: str
    from_state: str
    to_state: str
    actor: str
    comment: str


class TrainingOut(Out):
    id: str
    external_id: str
    organisation: OrganisationRef
    scheme: str
    kind: str
    start_date: dt.date
    end_date: dt.date
    place: str
    trainer: TrainerRef
    state: str
    close_before: dt.date = Field(..., description="Dernier jour pour clôturer (dérogation comprise).")
    overdue: bool
    trainee_count: int
    return_reason: str
    cancel_reason: str
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    validated_at: dt.datetime | None
    closed_at: dt.datetime | None


class TrainingDetailOut(TrainingOut):
    trainees: list[TraineeOut]
    events: list[EventOut]
    allowed_actions: list[TrainingActionLiteral] = Field(  # type: ignore[valid-type]
        ...,
        description="Ce que l'appelant peut faire sur la session aujourd'hui (rôles, état et délai de clôture), "
        "exactement les boutons de la page web : `update`, `trainee_add`, `submit`, `close`, `cancel`…",
    )


class TrainingPageOut(Out):
    count: int
    page: int
    page_size: int
    next: str | None
    previous: str | None
    items: list[TrainingOut]


class ReasonIn(Schema):
    reason: str = Field(..., max_length=2000)


class DeadlineOverrideIn(ReasonIn):
    until: dt.date


class ResultIn(Schema):
    trainee_id: str = Field(..., min_length=1, max_length=64)
    present: bool
    passed: bool


class ValidateIn(Schema):
    results: list[ResultIn] = Field(..., max_length=500)


class ImportIssueOut(Out):
    line: int | None
    field: str | None
    message: str


class ImportOut(Out):
    dry_run: bool
    created: int = Field(..., description="Stagiaires ajoutés (0 en simulation).")
    valid_rows: int = Field(..., description="Lignes valides lues dans le fichier.")
    errors: list[ImportIssueOut]
    warnings: list[ImportIssueOut]


# ---------------------------------------------------------------------------------------------------------------
# Certificates and verification (served once the certificates app is there)


class CertificateOut(Out):
    id: str
    trainee_id: str | None
    last_name: str
    first_name: str
    birth_date: dt.date | None
    kind: str
    certified_on: dt.date
    valid_until: dt.date
    revoked: bool
    pdf_url: str | None = Field(..., description="Le PDF de la carte, tant que les fichiers sont conservés.")


class CertificatesOut(Out):
    files_state: Literal["pending", "failed", "ready", "none", "purged"] = Field(
        ...,
        description="pending : en cours de génération ; ready : téléchargeables ; purged : fichiers supprimés "
        "(les certificats restent valables) ; none : aucun stagiaire reçu ; failed : génération en échec.",
    )
    message: str
    files_available_until: dt.datetime | None = Field(..., description="Date et heure exactes de suppression.")
    zip_url: str | None
    certificates: list[CertificateOut]


class CardEmailsOut(Out):
    recipients: int = Field(..., description="Nombre de stagiaires à qui leur propre carte va être envoyée.")
    message: str


class VerifyIn(Schema):
    qr: str = Field(..., min_length=1, max_length=2000, description="Contenu du QR code ou son adresse.")


class HolderOut(Out):
    last_name: str
    first_name: str
    birth_date: dt.date | None = None


class VerifyOrganisationOut(Out):
    id: str | None = Field(..., description="Identifiant public de l'organisme (null pour le réseau lui-même).")
    name: str


class VerifyOut(Out):
    status: Literal["valid", "expired", "revoked", "invalid", "unknown_key"]
    label: str = Field(..., description="Le verdict en français.")
    reason: str
    revocation_checked: bool
    holder: HolderOut | None
    names_truncated: bool | None
    scheme: str | None
    scheme_name: str | None
    kind: str | None
    certified_on: dt.date | None
    valid_until: dt.date | None
    organisation: VerifyOrganisationOut | None


# ---------------------------------------------------------------------------------------------------------------
# Webhooks


class WebhookIn(Schema):
    url: str = Field(..., min_length=1, max_length=500)
    events: list[str] = Field(
        default_factory=list, max_length=20, description="Événements souhaités ; liste vide : tous."
    )
    description: str = Field("", max_length=200)
    organisation: str | None = Field(
        None, max_length=64, description="Obligatoire si vous êtes membre de plusieurs organismes."
    )


class WebhookOut(Out):
    id: str
    organisation: OrganisationRef
    url: str
    events: list[str]
    description: str
    is_active: bool
    created_at: dt.datetime


class WebhookCreatedOut(WebhookOut):
    secret: str = Field(..., description="Secret de signature HMAC-SHA256 : affiché une seule fois.")


class WebhookAttemptOut(Out):
    at: dt.datetime
    status_code: int | None
    error: str
    duration_ms: int


class WebhookDeliveryOut(Out):
    id: str
    event_id: str
    event: str
    state: str
    attempts: int
    next_attempt_at: dt.datetime | None
    created_at: dt.datetime
    delivered_at: dt.datetime | None
    last_status_code: int | None
    last_error: str
    log: list[WebhookAttemptOut]
