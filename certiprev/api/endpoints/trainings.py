"""Sessions: creation (idempotent by external_id), reads, trainees, import, and every workflow transition."""

import datetime as dt
from typing import Literal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from certiprev.certificates import services as certificate_services
from certiprev.lib.dates import local_today
from certiprev.lib.errors import WorkflowError
from certiprev.lib.trainee_import import parse_trainee_file
from certiprev.organisations.models import Organisation
from certiprev.trainings import services
from certiprev.trainings.enums import Action
from certiprev.trainings.models import Training
from certiprev.trainings.policy import acting_role_for
from certiprev.trainings.selectors import (
    TrainingFilter,
    get_trainee_for_user,
    get_training_for_user,
    training_page_for_user,
    trainings_filtered,
    trainings_visible_to,
)

from ..common import (
    acting_organisation,
    json_response,
    responses,
    scheme_get,
    trainee_out,
    training_detail,
    training_summary,
    training_summary_row,
)
from ..errors import ApiError
from ..http import ApiRequest
from ..pagination import Page, page_link
from ..schemas import (
    DeadlineOverrideIn,
    ImportOut,
    PrerequisiteIn,
    PrerequisiteOut,
    ReasonIn,
    TraineeIn,
    TraineeOut,
    TrainingDetailOut,
    TrainingIn,
    TrainingOut,
    TrainingPatch,
    TrainingStateLiteral,
    ValidateIn,
)

router = Router(tags=["Sessions"])


class TrainingFilters(Schema):
    as_: Literal["trainer", "organisation"] | None = Field(
        None,
        alias="as",
        description="`trainer` : les sessions où je suis le formateur ; `organisation` : celles "
        "de mes organismes. Par défaut : les deux (toutes pour un administrateur du réseau).",
    )
    state: TrainingStateLiteral | None = None  # type: ignore[valid-type]
    scheme: str | None = Field(None, max_length=20)
    updated_since: dt.datetime | None = Field(
        None, description="Modifiées depuis (ISO 8601, heure de Paris si sans fuseau) : pour synchroniser."
    )
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


class TrainingPageOut(Page):
    items: list[TrainingOut]


def _as_trainer(filters: TrainingFilters) -> bool | None:
    return {"trainer": True, "organisation": False}.get(filters.as_ or "")


def _training_filter(filters: TrainingFilters) -> TrainingFilter:
    since = filters.updated_since
    if since:
        if timezone.is_naive(since):
            since = timezone.make_aware(since)
        try:
            # In UTC, as the database stores it: PostgreSQL refuses offsets beyond ±15:59 and years before 1.
            since = since.astimezone(dt.UTC)
        except (OverflowError, ValueError):
            raise ApiError(
                422,
                "invalid",
                "Date « updated_since » hors limites.",
                errors=[{"field": "updated_since", "message": "Date hors limites."}],
            ) from None
    return TrainingFilter(
        state=filters.state or "",
        scheme_code=filters.scheme.strip().upper() if filters.scheme else "",
        updated_since=since or None,
    )


def filtered_trainings(user, filters: TrainingFilters) -> QuerySet[Training]:
    return trainings_filtered(trainings_visible_to(user, as_trainer=_as_trainer(filters)), _training_filter(filters))


@router.get("/trainings", response=responses((200, TrainingPageOut)), summary="Sessions (paginées)")
def trainings_list(request: ApiRequest, filters: Query[TrainingFilters]):
    """Les sessions que je peux voir, les plus récentes d'abord."""
    # One query (two past the last page), answered as TrainingPageOut without its validation (tests/api compare).
    page, page_size = filters.page, filters.page_size
    offset = (page - 1) * page_size
    total, rows = training_page_for_user(
        request.user,
        as_trainer=_as_trainer(filters),
        filters=_training_filter(filters),
        offset=offset,
        limit=page_size,
    )
    today = local_today()
    data = {
        "count": total,
        "page": page,
        "page_size": page_size,
        "next": page_link(request, page + 1) if offset + page_size < total else None,
        "previous": page_link(request, page - 1) if page > 1 else None,
        "items": [training_summary_row(row, today) for row in rows],
    }
    return json_response(request, data)


@router.post(
    "/trainings", response=responses((200, TrainingDetailOut), (201, TrainingDetailOut)), summary="Créer une session"
)
def training_create(request: ApiRequest, payload: TrainingIn):
    """Crée une session en brouillon. Avec un `external_id` déjà connu : 200 et la session existante."""
    user = request.user
    organisation = acting_organisation(user, payload.organisation)
    external_id = (payload.external_id or "").strip()
    if external_id:
        existing = _by_external_id(organisation, external_id)
        if existing is not None:
            return Status(200, training_detail(existing, user=user))
    try:
        training = services.training_create(
            by=user,
            organisation=organisation,
            scheme=scheme_get(payload.scheme),
            kind=payload.kind,
            start_date=payload.start_date,
            end_date=payload.end_date,
            place=payload.place,
            trainer_number=payload.trainer_number,
            external_id=external_id,
        )
    except WorkflowError as exc:
        existing = _by_external_id(organisation, external_id) if exc.code == "external_id_taken" else None
        if existing is None:
            raise
        return Status(200, training_detail(existing, user=user))  # created concurrently with the same reference
    return Status(201, training_detail(training, user=user))


def _by_external_id(organisation: Organisation, external_id: str) -> Training | None:
    if not external_id:
        return None
    return (
        Training.objects.select_related("organisation", "scheme", "trainer")
        .filter(organisation=organisation, external_id=external_id)
        .first()
    )


@router.get("/trainings/{id}", response=responses((200, TrainingDetailOut)), summary="Une session")
def training_get(request: ApiRequest, id: str):
    """La session avec ses stagiaires, leurs résultats et l'historique de ses événements."""
    # Answered as TrainingDetailOut without its validation (tests/api compare the two).
    return json_response(request, training_detail(get_training_for_user(request.user, id), user=request.user))


@router.patch("/trainings/{id}", response=responses((200, TrainingDetailOut)), summary="Modifier une session")
def training_update(request: ApiRequest, id: str, payload: TrainingPatch):
    """Seuls les champs envoyés changent ; toutes les règles sont vérifiées à nouveau (brouillon ou renvoyée)."""
    training = get_training_for_user(request.user, id)
    changes = payload.dict(exclude_unset=True)
    changes = {key: value for key, value in changes.items() if value is not None}
    if "scheme" in changes:
        changes["scheme"] = scheme_get(changes["scheme"])
    if changes:
        services.training_update(by=request.user, training=training, **changes)
    return training_detail(get_training_for_user(request.user, id), user=request.user)


# ---------------------------------------------------------------------------------------------------------------
# Trainees


def _trainee_data(payload: TraineeIn) -> services.TraineeData:
    return services.TraineeData(
        last_name=payload.last_name,
        first_names=payload.first_name,
        birth_date=payload.birth_date,
        email=payload.email or "",
        external_id=payload.external_id or "",
    )


@router.post(
    "/trainings/{id}/trainees/import",
    response=responses((200, ImportOut)),
    summary="Importer des stagiaires (CSV ou XLSX)",
)
def trainees_import(request: ApiRequest, id: str, file: File[UploadedFile], dry_run: Form[bool] = False):
    """Fichier CSV (`;` ou `,`, UTF-8 ou Windows-1252) ou XLSX, colonnes Nom, Prénom(s), Date de naissance,
    E-mail, Identifiant (en français ou en anglais, dans n'importe quel ordre). Tout ou rien : à la moindre erreur
    (422, `import_invalid`, avec ligne, champ et message), aucun stagiaire n'est ajouté. `dry_run` vérifie tout
    sans rien enregistrer."""
    user = request.user
    training = get_training_for_user(user, id)
    if acting_role_for(user, training, Action.TRAINEE_ADD) is None:  # parse nothing for someone who may not add
        raise WorkflowError("forbidden", "Seul le membre de l'organisme peut importer des stagiaires.", status=403)
    result = parse_trainee_file(
        file.read(),
        file.name or "",
        file.content_type,
        existing_keys=set(training.trainees.values_list("identity_key", flat=True)),
        today=timezone.localdate(),
    )
    warnings = [{"line": w.line, "field": w.field, "message": w.message} for w in result.warnings]
    if result.errors:
        _import_refused([{"line": e.line, "field": e.field, "message": e.message} for e in result.errors], warnings)
    rows = [
        services.TraineeData(
            last_name=r.last_name,
            first_names=r.first_names,
            birth_date=r.birth_date,
            email=r.email,
            external_id=r.external_id,
        )
        for r in result.rows
    ]
    try:
        with transaction.atomic():
            created = services.trainees_add_many(by=user, training=training, rows=rows)
            if dry_run:
                raise _DryRun
    except _DryRun:
        return {"dry_run": True, "created": 0, "valid_rows": len(rows), "errors": [], "warnings": warnings}
    except WorkflowError as exc:
        if exc.code != "import_invalid":
            raise
        # The service numbers the rows it was given; people read the lines of their file.
        lines = [r.line for r in result.rows]
        errors = [
            {
                "line": lines[e["line"] - 1] if 0 < e.get("line", 0) <= len(lines) else e.get("line"),
                "field": e.get("field"),
                "message": e["message"],
            }
            for e in exc.errors
        ]
        _import_refused(errors, warnings)
    return {"dry_run": False, "created": len(created), "valid_rows": len(rows), "errors": [], "warnings": warnings}


class _DryRun(Exception):
    """Rolls the simulated import back after every rule of the real one has been checked."""


def _import_refused(errors: list[dict], warnings: list[dict]) -> None:
    first = errors[0]
    where = f"ligne {first['line']} : " if first.get("line") else ""
    raise ApiError(
        422,
        "import_invalid",
        f"Aucun stagiaire n'a été ajouté : corrigez le fichier ({where}{first['message']})",
        errors=errors,
        created=0,
        warnings=warnings,
    )


@router.post("/trainings/{id}/trainees", response=responses((201, TraineeOut)), summary="Ajouter un stagiaire")
def trainee_add(request: ApiRequest, id: str, payload: TraineeIn):
    training = get_training_for_user(request.user, id)
    trainee = services.trainee_add(by=request.user, training=training, data=_trainee_data(payload))
    return Status(201, trainee_out(trainee))


@router.put(
    "/trainings/{id}/trainees/{trainee_id}", response=responses((200, TraineeOut)), summary="Modifier un stagiaire"
)
def trainee_update(request: ApiRequest, id: str, trainee_id: str, payload: TraineeIn):
    training = get_training_for_user(request.user, id)
    trainee = get_trainee_for_user(request.user, training, trainee_id)
    trainee = services.trainee_update(by=request.user, trainee=trainee, data=_trainee_data(payload))
    return trainee_out(trainee)


@router.delete(
    "/trainings/{id}/trainees/{trainee_id}", response=responses((204, None)), summary="Retirer un stagiaire"
)
def trainee_remove(request: ApiRequest, id: str, trainee_id: str):
    training = get_training_for_user(request.user, id)
    trainee = get_trainee_for_user(request.user, training, trainee_id)
    services.trainee_remove(by=request.user, trainee=trainee)
    return Status(204, None)


# ---------------------------------------------------------------------------------------------------------------
# Transitions


@router.post("/trainings/{id}/submit", response=responses((200, TrainingOut)), summary="Soumettre au formateur")
def training_submit(request: ApiRequest, id: str):
    """Vérifie à nouveau habilitation, certification du formateur, dates et nombre de stagiaires."""
    training = services.training_submit(by=request.user, training=get_training_for_user(request.user, id))
    return training_summary(training)


@router.post(
    "/trainings/{id}/withdraw", response=responses((200, TrainingOut)), summary="Retirer la soumission (organisme)"
)
def training_withdraw(request: ApiRequest, id: str):
    """Tant que le formateur ne l'a ni validée ni renvoyée, l'organisme reprend la session (retour au brouillon)."""
    training = services.training_withdraw(by=request.user, training=get_training_for_user(request.user, id))
    return training_summary(training)


@router.post("/trainings/{id}/return", response=responses((200, TrainingOut)), summary="Renvoyer à l'organisme")
def training_return(request: ApiRequest, id: str, payload: ReasonIn):
    """Le formateur de la session la renvoie à l'organisme avec un motif."""
    training = services.training_return(
        by=request.user, training=get_training_for_user(request.user, id), reason=payload.reason
    )
    return training_summary(training)


@router.post("/trainings/{id}/validate", response=responses((200, TrainingOut)), summary="Valider (formateur)")
def training_validate(request: ApiRequest, id: str, payload: ValidateIn):
    """Pour chaque stagiaire, exactement une fois : présent (identité vérifiée) puis réussi. Absent ⇒ non réussi."""
    results = [services.TraineeResult(r.trainee_id, present=r.present, passed=r.passed) for r in payload.results]
    training = services.training_validate(
        by=request.user, training=get_training_for_user(request.user, id), results=results
    )
    return training_summary(training)


@router.post("/trainings/{id}/close", response=responses((200, TrainingOut)), summary="Clôturer")
def training_close(request: ApiRequest, id: str):
    """Clôture une session validée (au plus tard 3 mois après son dernier jour) ; les certificats sont émis."""
    training = services.training_close(by=request.user, training=get_training_for_user(request.user, id))
    return training_summary(training)


@router.post("/trainings/{id}/cancel", response=responses((200, TrainingOut)), summary="Annuler")
def training_cancel(request: ApiRequest, id: str, payload: ReasonIn):
    training = services.training_cancel(
        by=request.user, training=get_training_for_user(request.user, id), reason=payload.reason
    )
    return training_summary(training)


@router.post(
    "/trainings/{id}/deadline-override",
    response=responses((200, TrainingOut)),
    summary="Prolonger le délai de clôture (administrateur du réseau)",
)
def training_override_deadline(request: ApiRequest, id: str, payload: DeadlineOverrideIn):
    training = services.training_override_deadline(
        by=request.user,
        training=get_training_for_user(request.user, id),
        reason=payload.reason,
        until=payload.until,
    )
    return training_summary(training)


# ---------------------------------------------------------------------------------------------------------------
# Prerequisites (DESIGN §10–§11)


@router.post(
    "/trainings/{id}/trainees/{trainee_id}/prerequisite",
    response=responses((201, PrerequisiteOut)),
    summary="Enregistrer le prérequis d'un stagiaire (MAC, formation de formateurs)",
)
def trainee_prerequisite(request: ApiRequest, id: str, trainee_id: str, payload: PrerequisiteIn):
    """`{"qr": "<contenu du QR code>"}` (la carte précédente), `{"lookup": true}` (le registre des certificats, sans
    la carte : identité exacte, réponse limitée au plus récent, chaque recherche tracée et limitée par jour) ou
    `{"elearning_on": "AAAA-MM-JJ"}` (l'attestation de l'e-learning INRS d'une formation de formateurs).
    Rien trouvé dans le registre : 422 `no_certificate_found` ; limite du jour atteinte : 429."""
    training = get_training_for_user(request.user, id)
    trainee = get_trainee_for_user(request.user, training, trainee_id)
    given = [payload.qr is not None, payload.lookup, payload.elearning_on is not None]
    if sum(given) != 1:
        raise WorkflowError(
            "prerequisite_invalid",
            "Envoyez exactement un des champs : qr (la carte), lookup (le registre) ou elearning_on (l'e-learning).",
        )
    if payload.elearning_on is not None:
        trainee = services.trainee_elearning_record(by=request.user, trainee=trainee, on=payload.elearning_on)
        return Status(
            201,
            {
                "source": "elearning",
                "scheme": None,
                "valid_until": None,
                "expired": False,
                "elearning_on": trainee.elearning_on,
            },
        )
    if payload.lookup:
        proof = certificate_services.prerequisite_lookup(by=request.user, trainee=trainee)
        source = "record"
    else:
        proof = certificate_services.mac_proof_record(by=request.user, trainee=trainee, content=payload.qr or "")
        source = "qr"
    return Status(
        201,
        {
            "source": source,
            "scheme": proof.scheme.code,
            "valid_until": proof.valid_until,
            "expired": proof.expired,
            "issuer": proof.issuer_name or None,
            "elearning_on": trainee.elearning_on,
        },
    )
