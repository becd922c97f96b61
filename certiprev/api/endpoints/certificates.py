"""Certificates, verification and CSV exports.

The certificates themselves belong to `certiprev.certificates`, built separately: until it provides its models and
services, these operations keep their documented contract and answer 409 `certificates_unavailable`.
"""

import csv
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, Q
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from ninja import Query, Router

from certiprev.trainings.enums import TrainingState
from certiprev.trainings.selectors import get_training_for_user

from ..auth import rate_limit_check
from ..common import ERROR_STATUSES, responses
from ..errors import ApiError
from ..schemas import CertificatesOut, VerifyIn, VerifyOut
from .trainings import TrainingFilters, filtered_trainings

router = Router(tags=["Certificats et vérification"])

WITH_GONE = (*ERROR_STATUSES, 410)

CSV_RESPONSE = {
    "responses": {
        200: {
            "description": "Fichier CSV (UTF-8, séparateur « ; »).",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
}
ZIP_RESPONSE = {
    "responses": {
        200: {
            "description": "Archive ZIP : un PDF par stagiaire reçu·e.",
            "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def _unavailable() -> ApiError:
    return ApiError(
        409,
        "certificates_unavailable",
        "Les certificats ne sont pas encore disponibles par l'API dans cette version de Certiprev.",
    )


def _closed_training(request: HttpRequest, id: str):
    training = get_training_for_user(request.user, id)
    if training.state != TrainingState.CLOSED:
        raise ApiError(409, "not_closed", "La session n'est pas clôturée : ses certificats ne sont pas encore émis.")
    return training


@router.get(
    "/trainings/{id}/certificates",
    response=responses((200, CertificatesOut), errors=WITH_GONE),
    summary="Certificats d'une session",
)
def training_certificates(request: HttpRequest, id: str):
    """Un certificat par stagiaire reçu·e, avec la date de suppression des fichiers (les données restent)."""
    _closed_training(request, id)
    raise _unavailable()  # TODO(certificates): list Certificate rows and their file URLs.


@router.get(
    "/trainings/{id}/certificates.zip",
    response=responses(errors=WITH_GONE),
    openapi_extra=ZIP_RESPONSE,
    summary="Archive ZIP des certificats",
)
def training_certificates_zip(request: HttpRequest, id: str):
    """Les PDF de la session dans une archive ; 410 une fois les fichiers supprimés (fin de la conservation)."""
    _closed_training(request, id)
    raise _unavailable()  # TODO(certificates): stream the ZIP, 410 `files_purged` after CERTIFICATE_FILE_DAYS.


@router.post("/verify", response=responses((200, VerifyOut)), summary="Vérifier un certificat (QR code)")
def verify(request: HttpRequest, payload: VerifyIn):
    """Vérifie le contenu d'un QR code CP1 (ou son adresse) : signature, validité, révocation. Limité en débit."""
    rate_limit_check(key=f"verify:{request.api_token.pk}", limit=getattr(settings, "API_VERIFY_RATE_LIMIT", 60))
    raise _unavailable()  # TODO(certificates): decode with certiprev.lib.cp1 against the key and revocation lists.


# ---------------------------------------------------------------------------------------------------------------
# Exports

EXPORT_COLUMNS = [
    "id",
    "external_id",
    "organisation",
    "organisation_siret",
    "scheme",
    "kind",
    "start_date",
    "end_date",
    "place",
    "trainer_number",
    "trainer",
    "state",
    "trainees",
    "passed",
    "close_before",
    "created_at",
    "updated_at",
]


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # Formula injection: a spreadsheet would evaluate a cell starting with = + - @ (or tab / CR).
    if text[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        text = "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _rows(queryset) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)
    for t in queryset.iterator(chunk_size=500):
        yield writer.writerow(
            [
                _cell(v)
                for v in (
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
                )
            ]
        )


@router.get(
    "/exports/trainings.csv", response=responses(), openapi_extra=CSV_RESPONSE, summary="Export CSV des sessions"
)
def export_trainings(request: HttpRequest, filters: Query[TrainingFilters]):
    """Toutes les sessions visibles (mêmes filtres que la liste, sans pagination), ouvrables dans un tableur."""
    queryset = (
        filtered_trainings(request.user, filters)
        .select_related("organisation", "scheme", "trainer")
        .annotate(trainee_count=Count("trainees"), passed_count=Count("trainees", filter=Q(trainees__passed=True)))
        .order_by("-created_at", "-id")
    )
    response = StreamingHttpResponse(_rows(queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="certiprev-sessions-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


@router.get(
    "/exports/certificates.csv", response=responses(), openapi_extra=CSV_RESPONSE, summary="Export CSV des certificats"
)
def export_certificates(request: HttpRequest):
    """Les certificats émis pour mes organismes (titulaire, dispositif, dates, session)."""
    raise _unavailable()  # TODO(certificates): stream Certificate rows visible to the user.
