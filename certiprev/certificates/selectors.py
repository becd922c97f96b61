"""Reads of the certificates domain, for the web interface and the API (callers check access to the training first)."""

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import IO, Literal

from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from certiprev.catalog.models import Scheme
from certiprev.lib.dates import format_fr
from certiprev.lib.errors import WorkflowError
from certiprev.trainers.models import Trainer, TrainerCertification
from certiprev.trainings.models import Training
from certiprev.trainings.selectors import AnyUser, session_is_closed, trainer_of

from .models import Certificate, CertificateArchive
from .rendering import certificate_filename

FilesState = Literal["not_closed", "pending", "failed", "ready", "none", "purged"]


def _when(moment: dt.datetime | None) -> str:
    local = timezone.localtime(moment)
    return f"{format_fr(local.date())} à {local:%H} h {local:%M}"


@dataclass(frozen=True)
class TrainingFilesStatus:
    """What the organisation sees about a session's certificate files.

    state: not_closed (no certificate yet), pending (being generated), failed (generation failed, retried by the
    operators), ready (ZIP downloadable until available_until), none (nobody passed), purged (deleted by retention).
    """

    state: FilesState
    certificate_count: int
    generated_at: dt.datetime | None
    available_until: dt.datetime | None
    purged_at: dt.datetime | None
    zip_size: int
    message: str  # French, for people

    @property
    def zip_ready(self) -> bool:
        return self.state == "ready"

    @property
    def purged(self) -> bool:
        return self.state == "purged"


def certificates_for_training(training: Training) -> QuerySet[Certificate]:
    """The certificates of a session, by holder name."""
    return (
        Certificate.objects.filter(training=training)
        .select_related("scheme")
        .order_by("holder_last_name", "holder_first_names", "id")
    )


PENDING_MESSAGE = (
    "Les certificats sont en cours de génération. Cette partie de la page se met à jour d'elle-même dès qu'ils "
    "sont prêts, dans quelques secondes."
)


def _is_gone(delete_after: dt.datetime | None, purged_at: dt.datetime | None, now: dt.datetime) -> bool:
    # Past the announced deletion time a file is gone even if the purge has not run yet: the date shown is exact.
    return purged_at is not None or (delete_after is not None and delete_after <= now)


def training_files_status(training: Training, *, now: dt.datetime | None = None) -> TrainingFilesStatus:
    now = now or timezone.now()
    if not session_is_closed(training):
        return TrainingFilesStatus(
            "not_closed", 0, None, None, None, 0, "Les certificats seront générés à la clôture de la session."
        )
    archive = CertificateArchive.objects.filter(training=training).first()
    count = Certificate.objects.filter(training=training).count()
    if archive is None or archive.generated_at is None:
        return TrainingFilesStatus(
            "pending",
            count,
            None,
            None,
            None,
            0,
            PENDING_MESSAGE,
        )
    if _is_gone(archive.delete_after, archive.purged_at, now):
        gone = archive.purged_at or archive.delete_after
        return TrainingFilesStatus(
            "purged",
            count,
            archive.generated_at,
            archive.delete_after,
            gone,
            0,
            f"Les fichiers ont été supprimés le {_when(gone)}, comme prévu après leur génération. Les certificats "
            "restent valables et vérifiables ; une carte perdue peut faire l'objet d'un duplicata.",
        )
    if count == 0:
        return TrainingFilesStatus(
            "none",
            0,
            archive.generated_at,
            None,
            None,
            0,
            "Aucun stagiaire n'a réussi : aucun certificat n'a été délivré.",
        )
    if not archive.zip_path:
        if archive.last_error and not (archive.lease_until and archive.lease_until > now):
            return TrainingFilesStatus(
                "failed",
                count,
                archive.generated_at,
                archive.delete_after,
                None,
                0,
                "La génération des certificats n'a pas abouti. L'équipe technique en est informée ; réessayez "
                "plus tard.",
            )
        return TrainingFilesStatus(
            "pending",
            count,
            archive.generated_at,
            archive.delete_after,
            None,
            0,
            PENDING_MESSAGE,
        )
    return TrainingFilesStatus(
        "ready",
        count,
        archive.generated_at,
        archive.delete_after,
        None,
        archive.zip_size,
        f"Les fichiers sont disponibles jusqu'au {_when(archive.delete_after)}, puis supprimés automatiquement.",
    )


def _purged_error(when: dt.datetime | None, what: str) -> WorkflowError:
    moment = f" le {_when(when)}" if when else ""
    return WorkflowError(
        "files_purged",
        f"{what} a été supprimé{moment} : Certiprev ne conserve les fichiers de certificats que quelques jours "
        "après leur génération, pour limiter les données personnelles gardées. Les certificats restent valables et "
        "vérifiables par leur QR code ; pour une carte perdue, l'organisme peut demander un duplicata.",
        status=410,
    )


def _pending_error() -> WorkflowError:
    return WorkflowError(
        "files_pending", "Les certificats sont en cours de génération : réessayez dans un instant.", status=409
    )


def _open(path: str) -> IO[bytes]:
    try:
        return default_storage.open(path, "rb")
    except (FileNotFoundError, OSError):
        raise _pending_error() from None


def training_zip_open(training: Training, *, now: dt.datetime | None = None) -> tuple[IO[bytes], str]:
    """(open file, download name) of the session's ZIP; WorkflowError files_purged (410) or files_pending (409)."""
    status = training_files_status(training, now=now)
    if status.state == "purged":
        raise _purged_error(status.purged_at, "Le fichier ZIP des certificats")
    if status.state == "none":
        raise WorkflowError("no_certificates", status.message, status=404)
    if status.state == "not_closed":
        raise WorkflowError("not_closed", status.message, status=409)
    if status.state != "ready":
        raise _pending_error()
    archive = training.certificate_archive
    return _open(archive.zip_path), archive.zip_filename


def certificate_files_status(certificate: Certificate, *, now: dt.datetime | None = None) -> str:
    """ "ready", "pending" or "purged" for the certificate's own PDF."""
    now = now or timezone.now()
    if _is_gone(certificate.pdf_delete_after, certificate.pdf_purged_at, now):
        return "purged"
    return "ready" if certificate.pdf_path else "pending"


def certificate_pdf_open(certificate: Certificate, *, now: dt.datetime | None = None) -> tuple[IO[bytes], str]:
    """(open file, download name) of one certificate's PDF; WorkflowError files_purged (410), certificate_revoked
    (409) or files_pending (409)."""
    if certificate.is_revoked:
        raise WorkflowError(
            "certificate_revoked", "Ce certificat a été révoqué : sa carte ne peut plus être téléchargée.", status=409
        )
    state = certificate_files_status(certificate, now=now)
    if state == "purged":
        raise _purged_error(
            certificate.pdf_purged_at or certificate.pdf_delete_after, "Le fichier PDF de ce certificat"
        )
    if state == "pending":
        raise _pending_error()
    return _open(certificate.pdf_path), certificate_filename(certificate)


def _uuid(value: object) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise Http404("Certificat introuvable.") from None


def get_certificate_of_training(training: Training, public_id: object) -> Certificate:
    """A certificate of a training the caller may already see; 404 otherwise."""
    try:
        return Certificate.objects.select_related("scheme", "training").get(
            training=training, public_id=_uuid(public_id)
        )
    except Certificate.DoesNotExist:
        raise Http404("Certificat introuvable.") from None


def get_trainer_certificate_for_user(user: AnyUser, public_id: object) -> Certificate:
    """One of the signed-in trainer's own trainer certificates; 404 for anyone else's."""
    trainer = trainer_of(user)
    if trainer is None:
        raise Http404("Certificat introuvable.")
    try:
        return Certificate.objects.select_related("scheme").get(
            public_id=_uuid(public_id), kind="trainer", trainer_certification__trainer=trainer
        )
    except Certificate.DoesNotExist:
        raise Http404("Certificat introuvable.") from None


@dataclass(frozen=True)
class TrainerCertificateRow:
    """One line of "Mes certificats": a certification, whether a card can be issued today, the current file."""

    certification: TrainerCertification
    scheme: Scheme
    can_issue: bool
    certificate: Certificate | None
    file_state: str  # "ready", "purged", "pending" or "" (never issued)


def trainer_certificates(trainer: Trainer, *, today: dt.date | None = None) -> list[TrainerCertificateRow]:
    today = today or timezone.localdate()
    certifications = (
        TrainerCertification.objects.filter(trainer=trainer)
        .select_related("scheme")
        .order_by("scheme__code", "-valid_until")
    )
    by_certification = {
        c.trainer_certification_id: c
        for c in Certificate.objects.filter(trainer_certification__trainer=trainer).select_related("scheme")
    }
    rows = []
    for certification in certifications:
        certificate = by_certification.get(certification.pk)
        rows.append(
            TrainerCertificateRow(
                certification=certification,
                scheme=certification.scheme,
                can_issue=certification.covers(today),
                certificate=certificate,
                file_state=certificate_files_status(certificate) if certificate else "",
            )
        )
    return rows
