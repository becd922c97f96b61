"""Writes of the certificates domain: keys, duplicates, revocations, trainer certificates, MAC proofs.

Issuance itself (the task) is in issuance.py, retention (purge, reminders) in retention.py.
"""

import datetime as dt
import getpass
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from certiprev.audit.services import audit_event_record
from certiprev.catalog.models import Scheme
from certiprev.lib import cp1
from certiprev.lib.dates import format_fr
from certiprev.lib.errors import WorkflowError
from certiprev.lib.names import clean_text
from certiprev.trainers.models import Trainer, TrainerCertification
from certiprev.trainings.enums import TrainingKind
from certiprev.trainings.models import Trainee
from certiprev.trainings.selectors import organisation_ids_of

from . import keys
from .enums import CertificateKind, KeyStatus, ProofSource
from .issuance import certificates_schedule_issue, delete_file, store_file
from .keys import KeyUnavailable, Signer
from .models import Certificate, MacProof, SigningKey
from .rendering import certificate_pdf

__all__ = [
    "certificate_duplicate_request",
    "certificate_revoke",
    "certificates_schedule_issue",
    "mac_proof_record",
    "signing_key_compromise",
    "signing_key_rotate",
    "trainer_certificate_issue",
]

logger = logging.getLogger(__name__)
MAX_REASON = 2000


def _reason(reason: str, what: str) -> str:
    reason = clean_text(reason, multiline=True)
    if not reason:
        raise WorkflowError("reason_required", f"Indiquez le motif {what}.", field="reason")
    if len(reason) > MAX_REASON:
        raise WorkflowError("reason_too_long", "Le motif ne doit pas dépasser 2 000 caractères.", field="reason")
    return reason


def _operator() -> str:
    """Who ran a key command, for the audit log (commands have no signed-in user)."""
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "inconnu"


# ---------------------------------------------------------------------------------------------------------------
# Signing keys (run from `manage.py certiprev_keys`)


def _rotate(*, by, reason: str, compromise: SigningKey | None = None) -> SigningKey:
    """A new active key; the active one (if any) is retired, or `compromise` is marked compromised."""
    today, now = timezone.localdate(), timezone.now()
    kid = keys.next_kid()
    public_key = keys.signing_key_file_generate(kid)  # the file first: a published key nobody can use is worse
    try:
        with transaction.atomic():
            for old in SigningKey.objects.select_for_update().filter(status=KeyStatus.ACTIVE):
                old.status = KeyStatus.RETIRED
                old.not_after = max(today, old.not_before)
                old.updated_at = now
                if compromise is not None and old.pk == compromise.pk:
                    old.status = KeyStatus.COMPROMISED
                    old.compromised_at, old.compromised_reason = now, reason
                old.save(update_fields=["status", "not_after", "updated_at", "compromised_at", "compromised_reason"])
                audit_event_record(
                    by=by,
                    action=f"signing_key_{old.status}",
                    target=old,
                    comment=reason,
                    data={"kid": old.kid, "not_after": old.not_after.isoformat(), "operator": _operator()},
                )
            new = SigningKey.objects.create(
                kid=kid,
                public_key=cp1.b64url_encode(public_key),
                status=KeyStatus.ACTIVE,
                not_before=keys.signing_lookback_start(today),
                updated_at=now,
            )
            audit_event_record(
                by=by,
                action="signing_key_create",
                target=new,
                comment=reason,
                data={"kid": kid, "not_before": new.not_before.isoformat(), "operator": _operator()},
            )
    except Exception:
        (keys.keys_dir() / keys.signing_file(kid)).unlink(missing_ok=True)
        raise
    # Committed: the keys that stopped signing lose their private half (a stolen disk cannot forge with them).
    for old_kid in SigningKey.objects.exclude(status=KeyStatus.ACTIVE).values_list("kid", flat=True):
        keys.signing_key_file_destroy(old_kid)
    return new


def signing_key_rotate(*, by=None, reason: str = "") -> SigningKey:
    """Create the new active signing key; the previous one is retired with not_after = today.

    Cards it signed stay valid (their certification dates lie in its period); new cards use the new key.
    """
    return _rotate(by=by, reason=clean_text(reason, multiline=True)[:MAX_REASON] or "rotation")


def signing_key_compromise(*, by=None, kid: int, reason: str) -> tuple[SigningKey, SigningKey | None]:
    """Mark a key compromised: no card it ever signed verifies any more. If it was the active key, a new key
    replaces it at once. Returns (the compromised key, the new active key or None)."""
    reason = _reason(reason, "de la compromission")
    key = SigningKey.objects.filter(kid=kid).first()
    if key is None:
        raise WorkflowError("key_unknown", f"Aucune clé de signature n'a l'identifiant {kid}.", status=404)
    if key.status == KeyStatus.COMPROMISED:
        raise WorkflowError("key_already_compromised", f"La clé {kid} est déjà marquée compromise.", status=409)
    replacement = None
    if key.status == KeyStatus.ACTIVE:
        replacement = _replace_compromised(by=by, key=key, reason=reason)
        key.refresh_from_db()
        if key.status == KeyStatus.COMPROMISED:
            return key, replacement
        # Retired by a concurrent rotation meanwhile: it is still compromised, marked below.
    with transaction.atomic():
        now = timezone.now()
        changed = (
            SigningKey.objects.filter(pk=key.pk)
            .exclude(status=KeyStatus.COMPROMISED)
            .update(status=KeyStatus.COMPROMISED, compromised_at=now, compromised_reason=reason, updated_at=now)
        )
        if changed != 1:
            raise WorkflowError("key_already_compromised", f"La clé {kid} est déjà marquée compromise.", status=409)
        key.refresh_from_db()
        audit_event_record(
            by=by,
            action="signing_key_compromised",
            target=key,
            comment=reason,
            data={
                "kid": kid,
                "certificates_last_signed": Certificate.objects.filter(key_id=kid).count(),
                "operator": _operator(),
            },
        )
    keys.signing_key_file_destroy(kid)  # committed: its private half goes (ADR 0006)
    return key, replacement


def _replace_compromised(*, by, key: SigningKey, reason: str) -> SigningKey:
    new = _rotate(by=by, reason=reason, compromise=key)
    logger.warning("signing key %s marked compromised; key %s is now active", key.kid, new.kid)
    return new


# ---------------------------------------------------------------------------------------------------------------
# Duplicates, revocations, trainer certificates


def _signer_unavailable() -> WorkflowError:
    return WorkflowError(
        "signing_unavailable",
        "La signature des certificats est momentanément indisponible. Réessayez plus tard ; si le problème "
        "persiste, contactez l'administration du réseau.",
        status=503,
    )


def _signer() -> Signer:
    try:
        return keys.active_signer()
    except KeyUnavailable:
        logger.exception("no usable signing key")
        raise _signer_unavailable() from None


def _check_signable(certificate: Certificate, signer: Signer, what: str) -> None:
    if certificate.is_revoked:
        raise WorkflowError(
            "certificate_revoked",
            f"Ce certificat a été révoqué le {format_fr(timezone.localdate(certificate.revoked_at))} : "
            f"{what} est impossible.",
            status=409,
        )
    if certificate.is_expired():
        raise WorkflowError(
            "certificate_expired",
            f"Ce certificat a expiré le {format_fr(certificate.valid_until)} : {what} n'aurait aucune valeur. "
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
    certificate: Certificate, *, path: str, pdf: bytes, signer: Signer, by, action: str, data: dict
) -> Certificate:
    """Save the new PDF, point the record at it (15 more days), audit; the previous PDF goes after commit."""
    saved = store_file(path, pdf)
    try:
        with transaction.atomic():
            locked = Certificate.objects.select_for_update().select_related("scheme").get(pk=certificate.pk)
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


def certificate_duplicate_request(*, by, certificate: Certificate) -> Certificate:
    """A new card for a lost one: re-rendered from the record, signed with the current key, same revocation id.

    Only for the issuing organisation's members (or a network administrator); audited; the new PDF is kept
    CERTIFICATE_FILE_DAYS days from now.
    """
    if certificate.kind == CertificateKind.TRAINER or certificate.organisation_id is None:
        raise WorkflowError("not_applicable", "Un certificat de formateur se réédite depuis « Mes certificats ».")
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
    training_id = certificate.training.public_id if certificate.training_id else "sans-session"
    return _store_new_pdf(
        certificate,
        path=f"certificats/{training_id}/{certificate.public_id}-duplicata-{number}.pdf",
        pdf=pdf,
        signer=signer,
        by=by,
        action="certificate_duplicate",
        data={"duplicate": number},
    )


def certificate_revoke(*, by, certificate: Certificate, reason: str) -> Certificate:
    """A network administrator revokes a certificate (reason required, audited): it enters revoked.json."""
    if not getattr(by, "is_network_administrator", False):
        raise WorkflowError("forbidden", "Seul un administrateur du réseau peut révoquer un certificat.", status=403)
    reason = _reason(reason, "de la révocation")
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
    return certificate


def trainer_revocation_id(k_rev: bytes, certification: TrainerCertification, trainer: Trainer) -> str:
    """The revocation id of a trainer certificate: HMAC over its certification and the trainer's number."""
    return cp1.revocation_id(k_rev, f"trainer-certification:{certification.pk}", trainer.number).hex()


def trainer_certificate_issue(*, by, trainer: Trainer, scheme: Scheme) -> Certificate:
    """ "Mes certificats": the trainer's own certificate for a scheme they are certified in today, freshly signed,
    in the same CP1 format (kind "trainer"); the PDF is kept CERTIFICATE_FILE_DAYS days."""
    if not (getattr(by, "is_authenticated", False) and by.is_active and trainer.user_id == by.pk):
        raise WorkflowError(
            "forbidden", "Seul le formateur lui-même peut éditer son certificat de formateur.", status=403
        )
    today = timezone.localdate()
    certification = (
        TrainerCertification.objects.filter(
            trainer=trainer, scheme=scheme, valid_from__lte=today, valid_until__gte=today
        )
        .order_by("-valid_until", "-pk")
        .first()
    )
    if certification is None:
        raise WorkflowError(
            "trainer_not_certified",
            f"Vous n'avez pas de certification de formateur {scheme.code} en cours de validité.",
            status=409,
        )
    try:
        k_rev = keys.revocation_key()
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


# ---------------------------------------------------------------------------------------------------------------
# MAC prerequisite


@transaction.atomic
def mac_proof_record(*, by, trainee: Trainee, content: str, source: str = ProofSource.QR_CONTENT) -> MacProof:
    """Record on a MAC trainee the proof given by their previous card (verified again here, never trusted from the
    client): scheme, dates, key id, revocation id — not the image. Returns the stored proof."""
    from .verification import old_card_check

    training = trainee.training
    is_member = getattr(by, "is_active", False) and training.organisation_id in organisation_ids_of(by)
    if not is_member:
        raise WorkflowError("forbidden", "Seul un membre de l'organisme peut enregistrer ce prérequis.", status=403)
    if training.kind != TrainingKind.MAC:
        raise WorkflowError("not_a_mac", "Le prérequis se prouve pour une session de MAC uniquement.")
    if source not in ProofSource.values:
        raise WorkflowError("source_invalid", "Preuve inconnue.")
    check = old_card_check(content=content, scheme=training.scheme, today=training.start_date)
    proof = check.proof
    names_match = check.names_match(trainee.last_name, trainee.first_names)
    stored, _ = MacProof.objects.update_or_create(
        trainee=trainee,
        defaults={
            "source": source,
            "scheme": training.scheme,
            "kind": proof["kind"],
            "certified_on": proof["certified_on"],
            "valid_until": proof["valid_until"],
            "key_id": proof["key_id"],
            "revocation_id": proof["revocation_id"],
            "organisation_id_on_card": proof["organisation_id"],
            "expired": check.expired,
            "names_match": names_match,
            "checked_at": timezone.now(),
            "checked_by": by,
        },
    )
    audit_event_record(
        by=by,
        action="mac_proof_record",
        target=training,
        data={
            "trainee": str(trainee.public_id),
            "source": source,
            "scheme": training.scheme.code,
            "certified_on": stored.certified_on.isoformat(),
            "valid_until": stored.valid_until.isoformat(),
            "key_id": stored.key_id,
            "expired": stored.expired,
            "names_match": names_match,
        },
    )
    return stored
