"""Certificates, verification and CSV exports, on top of the certificates app's selectors and verifier.

The files (ZIP, one PDF per card) belong to the organisation: its members and network administrators reach them,
the session's trainer does not (as in the web interface). They are kept CERTIFICATE_FILE_DAYS days, then 410.
"""

import csv
import itertools
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, Q
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Status

from certiprev.certificates import selectors as certificate_selectors
from certiprev.certificates.card_checks import organisation_public_id, verification_report
from certiprev.certificates.models import Certificate
from certiprev.certificates.services import training_cards_email
from certiprev.lib.rate_limits import rate_limit_check
from certiprev.lib.zipper import attachment_disposition
from certiprev.trainings.models import Training
from certiprev.trainings.selectors import get_training_for_user, organisation_ids_of

from ..common import ERROR_STATUSES, json_response, responses
from ..errors import ApiError
from ..http import ApiRequest
from ..schemas import CardEmailsOut, CertificatesOut, VerifyIn, VerifyOut
from .trainings import TrainingFilters, filtered_trainings

router = Router(tags=["Certificats et vérification"])

WITH_GONE = (*ERROR_STATUSES, 410)
CSV_RESPONSE = {
    "responses": {
        200: {
            "description": "Fichier CSV (UTF-8, séparateur « ; »).",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
}


def _file_response(description: str, media_type: str) -> dict:
    content = {media_type: {"schema": {"type": "string", "format": "binary"}}}
    return {"responses": {200: {"description": description, "content": content}}}


def training_for_files(request: ApiRequest, id: str) -> Training:
    """The session for its organisation's members and network administrators; 404 for anyone else."""
    user = request.user
    if user.is_network_administrator:
        return get_training_for_user(user, id)
    return get_training_for_user(user, id, as_trainer=False)


def _download(handle, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["Content-Disposition"] = attachment_disposition(filename)  # Django sends no ASCII fallback
    response["Cache-Control"] = "private, no-store"  # personal data: never in a shared cache
    return response


@router.get(
    "/trainings/{id}/certificates",
    response=responses((200, CertificatesOut), errors=WITH_GONE),
    summary="Certificats d'une session",
)
def training_certificates(request: ApiRequest, id: str):
    """Un certificat par stagiaire reçu·e, et l'état des fichiers : date et heure exactes de leur suppression.
    Les certificats restent valables et vérifiables après la suppression des fichiers."""
    training = training_for_files(request, id)
    status = certificate_selectors.training_files_status(training)
    if status.state == "not_closed":
        raise ApiError(409, "not_closed", status.message)
    now = timezone.now()
    certificates = certificate_selectors.certificates_for_training(training).select_related("trainee")

    def pdf_url(certificate: Certificate) -> str | None:
        if certificate.is_revoked or certificate_selectors.certificate_files_status(certificate, now=now) != "ready":
            return None
        return request.build_absolute_uri(
            reverse("api:certificate_pdf", kwargs={"id": training.public_id, "certificate_id": certificate.public_id})
        )

    return {
        "files_state": status.state,
        "message": status.message,
        "files_available_until": status.available_until if status.state != "purged" else None,
        "zip_url": request.build_absolute_uri(reverse("api:certificates_zip", kwargs={"id": training.public_id}))
        if status.zip_ready
        else None,
        "certificates": [
            {
                "id": str(c.public_id),
                "trainee_id": str(c.trainee.public_id) if c.trainee is not None else None,
                "last_name": c.holder_last_name,
                "first_name": c.holder_first_names,
                "birth_date": c.holder_birth_date,
                "kind": c.kind,
                "certified_on": c.certified_on,
                "valid_until": c.valid_until,
                "revoked": c.is_revoked,
                "pdf_url": pdf_url(c),
            }
            for c in certificates
        ],
    }


@router.get(
    "/trainings/{id}/certificates.zip",
    response=responses(errors=WITH_GONE),
    openapi_extra=_file_response("Archive ZIP : un PDF par stagiaire reçu·e.", "application/zip"),
    summary="Archive ZIP des certificats",
    url_name="certificates_zip",
)
def training_certificates_zip(request: ApiRequest, id: str):
    """Les PDF de la session dans une archive ; 410 une fois les fichiers supprimés (fin de la conservation)."""
    handle, filename = certificate_selectors.training_zip_open(training_for_files(request, id))
    return _download(handle, filename, "application/zip")


@router.get(
    "/trainings/{id}/certificates/{certificate_id}.pdf",
    response=responses(errors=WITH_GONE),
    openapi_extra=_file_response("La carte d'un stagiaire (PDF, 85,6 × 54 mm).", "application/pdf"),
    summary="PDF d'un certificat",
    url_name="certificate_pdf",
)
def certificate_pdf(request: ApiRequest, id: str, certificate_id: str):
    training = training_for_files(request, id)
    certificate = certificate_selectors.get_certificate_of_training(training, certificate_id)
    handle, filename = certificate_selectors.certificate_pdf_open(certificate)
    return _download(handle, filename, "application/pdf")


@router.post(
    "/trainings/{id}/certificates/email",
    response=responses((202, CardEmailsOut), errors=WITH_GONE),
    summary="Envoyer à chaque stagiaire sa carte par e-mail",
)
def training_cards_email_endpoint(request: ApiRequest, id: str):
    """Un message par stagiaire reçu·e ayant donné une adresse e-mail, avec sa seule carte en pièce jointe ; envoyé
    en tâche de fond et inscrit dans l'historique de la session. Un nouvel appel envoie les cartes à nouveau."""
    event = training_cards_email(by=request.user, training=training_for_files(request, id))
    count = event.data["recipients"]
    return Status(
        202,
        {
            "recipients": count,
            "message": f"{count} carte{'s' if count > 1 else ''} en cours d'envoi, une par stagiaire.",
        },
    )


@router.post("/verify", response=responses((200, VerifyOut)), summary="Vérifier un certificat (QR code)")
def verify(request: ApiRequest, payload: VerifyIn):
    """Vérifie le contenu d'un QR code CP1 (ou son adresse) : signature, validité, révocation. Débit limité."""
    rate_limit_check(key=f"verify:{request.api_token.pk}", limit=getattr(settings, "API_VERIFY_RATE_LIMIT", 60))
    report = verification_report(content=payload.qr)  # trimmed of ASCII whitespace only, as the page (CP1 §2)
    fields = report["fields"]
    result = {
        "status": report["status"],
        "label": report["label"],
        "reason": report["reason"],
        "revocation_checked": report["revocation_checked"],
        "holder": None,
        "names_truncated": None,
        "scheme": None,
        "scheme_name": None,
        "kind": None,
        "certified_on": None,
        "valid_until": None,
        "organisation": None,
    }
    if fields is None:  # invalid or unknown key: nothing of the content is shown as certified
        return json_response(request, result)
    organisation = report["organisation"] or {}
    organisation_id = organisation.get("id")
    public_id = organisation_public_id(organisation_id) if organisation_id is not None else None
    result.update(
        {
            "holder": {
                "last_name": fields["last_name"],
                "first_name": fields["first_names"],
                "birth_date": fields["birth_date"],
            },
            "names_truncated": fields["names_truncated"],
            "scheme": (report["scheme"] or {}).get("code"),
            "scheme_name": (report["scheme"] or {}).get("name"),
            "kind": fields["kind"],
            "certified_on": fields["certified_on"],
            "valid_until": fields["valid_until"],
            "organisation": {"id": str(public_id) if public_id else None, "name": organisation.get("name", "")}
            if organisation
            else None,
        }
    )
    # Answered as VerifyOut without its validation: `result` holds exactly its fields, in order (tests/api compare).
    return json_response(request, result)


# ---------------------------------------------------------------------------------------------------------------
# Exports


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # Formula injection: a spreadsheet would evaluate a cell starting with = + - @ (or tab / CR).
    if text[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        text = "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(header: list[str], rows: Iterator[tuple]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow([_cell(v) for v in row])


def _first_row_fetched(rows: Iterator[tuple]) -> Iterator[tuple]:
    """Run the query (and fetch its first row) now, so that a refused filter answers 422 instead of a broken 200."""
    rows = iter(rows)
    first = next(rows, None)  # a DataError raised here reaches the API's error handler before any byte is sent
    return rows if first is None else itertools.chain([first], rows)


def _csv_response(lines: Iterator[str], name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="certiprev-{name}-{timezone.localdate():%Y-%m-%d}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


TRAINING_COLUMNS = [
    "id", "external_id", "organisation", "organisation_siret", "scheme", "kind", "start_date", "end_date", "place",
    "trainer_number", "trainer", "state", "trainees", "passed", "close_before", "created_at", "updated_at",
]  # fmt: skip


@router.get("/exports/trainings.csv", response=responses(), openapi_extra=CSV_RESPONSE,
            summary="Export CSV des sessions")  # fmt: skip
def export_trainings(request: ApiRequest, filters: Query[TrainingFilters]):
    """Toutes les sessions visibles (mêmes filtres que la liste, sans pagination), ouvrables dans un tableur."""
    queryset = (
        filtered_trainings(request.user, filters)
        .select_related("organisation", "scheme", "trainer")
        .annotate(trainee_count=Count("trainees"), passed_count=Count("trainees", filter=Q(trainees__passed=True)))
        .order_by("-created_at", "-id")
    )
    rows = (
        (
            t.public_id,
            t.external_id,
            t.organisation.name,
            t.organisation.siret,
            t.scheme.code,
            t.kind,
            t.start_date.isoformat(),
            t.end_date.isoformat(),
            t.place,
            t.trainer.number,
            t.trainer.full_name,
            t.state,
            t.trainee_count,
            t.passed_count,
            t.effective_close_deadline.isoformat(),
            timezone.localtime(t.created_at).isoformat(timespec="seconds"),
            timezone.localtime(t.updated_at).isoformat(timespec="seconds"),
        )  # fmt: skip
        for t in queryset.iterator(chunk_size=500)
    )
    return _csv_response(_csv(TRAINING_COLUMNS, _first_row_fetched(rows)), "sessions")


CERTIFICATE_COLUMNS = [
    "id", "session_id", "session_external_id", "organisation", "scheme", "kind", "last_name", "first_name",
    "birth_date", "certified_on", "valid_until", "revoked_at", "trainer",
]  # fmt: skip


@router.get("/exports/certificates.csv", response=responses(), openapi_extra=CSV_RESPONSE,
            summary="Export CSV des certificats")  # fmt: skip
def export_certificates(request: ApiRequest):
    """Les certificats délivrés par mes organismes (tous pour un administrateur du réseau), les plus récents
    d'abord : titulaire, dispositif, dates, session d'origine."""
    user = request.user
    queryset = Certificate.objects.filter(training__isnull=False)
    if not user.is_network_administrator:
        queryset = queryset.filter(training__organisation_id__in=organisation_ids_of(user))
    queryset = queryset.select_related("scheme", "training").order_by("-issued_at", "-id")
    rows = (
        (
            c.public_id,
            c.training.public_id,
            c.training.external_id,
            c.organisation_name,
            c.scheme.code,
            c.kind,
            c.holder_last_name,
            c.holder_first_names,
            c.holder_birth_date,
            c.certified_on,
            c.valid_until,
            timezone.localtime(c.revoked_at).isoformat(timespec="seconds") if c.revoked_at else "",
            c.trainer_name,
        )  # fmt: skip
        for c in queryset.iterator(chunk_size=500)
    )
    return _csv_response(_csv(CERTIFICATE_COLUMNS, _first_row_fetched(rows)), "certificats")
