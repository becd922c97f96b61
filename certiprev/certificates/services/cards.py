"""Cards signed again: duplicates, trainer certificates ("Mes certificats"); revocations."""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from certiprev.accounts.models import User
from certiprev.audit.services import audit_event_record
from certiprev.catalog.models import Scheme
from certiprev.lib import cp1
from certiprev.lib.dates import format_fr
from certiprev.lib.errors import WorkflowError
from certiprev.trainers.models import Trainer, TrainerCertification
from certiprev.trainings.selectors import organisation_ids_of

from .. import signing_keys
from ..enums import CertificateKind
from ..models import Certificate
from ..rendering import certificate_pdf
from ..signing_keys import KeyUnavailable, Signer
from ..storage import delete_file, store_file
from ..verification_state import verification_state_forget
from .reasons import reason_clean

logger = logging.getLogger(__name__)


def _signer_unavailable() -> WorkflowError:
    return WorkflowError(
        "signing_unavailable",
        "La signature des certificats est momentanément indisponible. Réessayez plus tard ; si le problème "
        "persiste, contactez l'administration du réseau.",
        status=503,
    )


def _signer() -> Signer:
    try:
        return signing_keys.active_signer()
    except KeyUnavailable:
        logger.exception("no usable signing key")
        raise _signer_unavailable() from None


def _check_signable(certificate: Certificate, signer: Signer, what: str) -> None:
    if certificate.is_revoked:
        raise WorkflowError(
            "certificate_revoked",
            f"Ce certificat a été révoqué le {format_fr(timezone.localdate(certificate.revoked_at))} : "
            f"{what} est impossible.",
            status=409,
        )
    if certificate.is_expired():
        raise WorkflowError(
            "certificate_expired",
            f"Ce certificat a expiré le {format_fr(certificate.valid_until)} : {what} n'aurait aucune valeur. "
            "Pour un MAC, le prérequis peut être prouvé par une attestation.",
            status=409,
        )
    if not signer.covers(certificate.certified_on):
        raise WorkflowError(
            "certificate_too_old",
            f"Ce certificat, obtenu le {format_fr(certificate.certified_on)}, est trop ancien pour être signé "
            "à nouveau par la clé actuelle.",
            status=409,
        )


def _store_new_pdf(
    certificate: Certificate, *, path: str, pdf: bytes, signer: Signer, by: User | None, action: str, data: dict
) -> Certificate:
    """Save the new PDF, point the record at it (15 more days), audit; the previous PDF goes after commit."""
    saved = store_file(path, pdf)
    try:
        with transaction.atomic():
            locked = (
                Certificate.objects.select_for_update(of=("self",)).select_related("scheme").get(pk=certificate.pk)
            )
            old_path = locked.pdf_path
            now = timezone.now()
            locked.pdf_path, locked.pdf_generated_at, locked.pdf_purged_at = saved, now, None
            locked.pdf_delete_after = now + dt.timedelta(days=settings.CERTIFICATE_FILE_DAYS)
            locked.key_id, locked.signed_at = signer.kid, now
            locked.duplicate_count = data.get("duplicate", locked.duplicate_count)
            locked.save(
                update_fields=[
                    "pdf_path",
                    "pdf_generated_at",
                    "pdf_purged_at",
                    "pdf_delete_after",
                    "key_id",
                    "signed_at",
                    "duplicate_count",
                ]
            )
            audit_event_record(by=by, action=action, target=locked, data={"key_id": signer.kid, **data})
            if old_path and old_path != saved:
                transaction.on_commit(lambda: delete_file(old_path))
    except Exception:
        delete_file(saved)
        raise
    return locked


def certificate_duplicate_request(*, by: User | None, certificate: Certificate) -> Certificate:
    """A new card for a lost one: re-rendered from the record, signed with the current key, same revocation id.

    Only for the issuing organisation's members (or a network administrator); audited; the new PDF is kept
    CERTIFICATE_FILE_DAYS days from now.
    """
    if certificate.kind == CertificateKind.TRAINER or certificate.organisation_id is None:
        raise WorkflowError("not_applicable", "Un certificat de formateur se réédite depuis « Mes certificats ».")
    is_member = getattr(by, "is_active", False) and certificate.organisation_id in organisation_ids_of(by)
    if not (is_member or getattr(by, "is_network_administrator", False)):
        raise WorkflowError(
            "forbidden",
            "Seul un membre de l'organisme qui a délivré ce certificat peut en demander un duplicata.",
            status=403,
        )
    signer = _signer()
    _check_signable(certificate, signer, "un duplicata")
    number = certificate.duplicate_count + 1
    pdf = certificate_pdf(certificate, signer)
    training_id = certificate.training.public_id if certificate.training is not None else "sans-session"
    return _store_new_pdf(
        certificate,
        path=f"certificats/{training_id}/{certificate.public_id}-duplicata-{number}.pdf",
        pdf=pdf,
        signer=signer,
        by=by,
        action="certificate_duplicate",
        data={"duplicate": number},
    )


def certificate_revoke(*, by: User | None, certificate: Certificate, reason: str) -> Certificate:
    """A network administrator revokes a certificate (reason required, audited): it enters revoked.json."""
    if not getattr(by, "is_network_administrator", False):
        raise WorkflowError("forbidden", "Seul un administrateur du réseau peut révoquer un certificat.", status=403)
    reason = reason_clean(reason, "de la révocation")
    with transaction.atomic():
        now = timezone.now()
        changed = Certificate.objects.filter(pk=certificate.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_reason=reason, revoked_by=by
        )
        if changed != 1:
            raise WorkflowError("already_revoked", "Ce certificat est déjà révoqué.", status=409)
        certificate.refresh_from_db()
        audit_event_record(
            by=by,
            action="certificate_revoke",
            target=certificate,
            comment=reason,
            data={"revocation_id": certificate.revocation_id},
        )
        verification_state_forget()  # this process at commit; the others within VERIFICATION_CACHE_SECONDS
    return certificate


def trainer_revocation_id(k_rev: bytes, certification: TrainerCertification, trainer: Trainer) -> str:
    """The revocation id of a trainer certificate: HMAC over its certification and the trainer's number."""
    return cp1.revocation_id(k_rev, f"trainer-certification:{certification.pk}", trainer.number).hex()


def trainer_certificate_issue(*, by: User | None, trainer: Trainer, scheme: Scheme) -> Certificate:
    """ "Mes certificats": the trainer's own certificate for a scheme they are certified in today, freshly signed,
    in the same CP1 format (kind "trainer"); the PDF is kept CERTIFICATE_FILE_DAYS days."""
    if not (by is not None and by.is_authenticated and by.is_active and trainer.user_id == by.pk):
        raise WorkflowError(
            "forbidden", "Seul le formateur lui-même peut éditer son certificat de formateur.", status=403
        )
    today = timezone.localdate()
    certification = (
        TrainerCertification.objects.filter(trainer=trainer, scheme=scheme)
        .valid_on(today)
        .order_by("-valid_until", "-pk")
        .first()
    )
    if certification is None:
        raise WorkflowError(
            "trainer_not_certified",
            f"Vous n'avez pas de certification de formateur {scheme.short_name} en cours de validité.",
            status=409,
        )
    try:
        k_rev = signing_keys.revocation_key()
    except KeyUnavailable:
        logger.exception("no revocation key")
        raise _signer_unavailable() from None
    printed = {
        "kind": CertificateKind.TRAINER,
        "scheme": scheme,
        "holder_last_name": trainer.last_name,
        "holder_first_names": trainer.first_name,
        "holder_birth_date": None,
        "certified_on": certification.valid_from,
        "valid_until": certification.valid_until,
        "organisation": None,
        "organisation_name": settings.CERTIFICATE_NETWORK_NAME,
        "trainer_name": f"N° {trainer.number}",
    }
    certificate, created = Certificate.objects.get_or_create(
        trainer_certification=certification,
        defaults={**printed, "revocation_id": trainer_revocation_id(k_rev, certification, trainer)},
    )
    if not created and not certificate.is_revoked:
        # The certification (dates) or the trainer's name may have been corrected since: print today's truth.
        for field, value in printed.items():
            setattr(certificate, field, value)
        certificate.save(update_fields=[f for f in printed if f not in {"kind", "scheme", "organisation"}])
    signer = _signer()
    _check_signable(certificate, signer, "une nouvelle édition")
    number = certificate.duplicate_count + (0 if created else 1)
    pdf = certificate_pdf(certificate, signer)
    return _store_new_pdf(
        certificate,
        path=f"certificats/formateurs/{certificate.public_id}-{number}.pdf",
        pdf=pdf,
        signer=signer,
        by=by,
        action="trainer_certificate_issue",
        data={"duplicate": number, "scheme": scheme.code},
    )
