"""The session page's certificate sections: the closed session's files and cards, and the MAC trainees' previous
cards (rows, forms, and recording one with what it shows).

Helpers of organisation/views/session_page.py (the actions are views/duplicates.py and views/previous_cards.py); a
fixed number of queries whatever the number of certificates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.urls import reverse
from django.utils import timezone

from certiprev.certificates import selectors as certificate_selectors
from certiprev.certificates.card_mail import cards_to_email
from certiprev.certificates.enums import CertificateKind, ProofSource
from certiprev.certificates.models import Certificate, MacProof
from certiprev.certificates.selectors import TrainingFilesStatus
from certiprev.certificates.services import mac_proof_record
from certiprev.lib.dates import format_fr
from certiprev.lib.errors import WorkflowError
from certiprev.trainings.models import Trainee, Training

from .forms import OldCardForm


@dataclass(frozen=True)
class CertificateRow:
    certificate: Certificate
    file_state: str  # "ready", "pending" or "purged" (its own PDF; a duplicate has its own deletion date)
    delete_after: dt.datetime | None
    can_duplicate: bool
    revoke_url: str  # the network administrator's revocation page, "" for anyone else


@dataclass(frozen=True)
class CertificatesSection:
    files: TrainingFilesStatus
    rows: list[CertificateRow]
    deletion_soon: bool  # the files go within CERTIFICATE_REMINDER_DAYS: highlighted
    email_count: int = 0  # trainees with a valid card and an e-mail address (0 when the viewer may not send them)


def certificates_section(
    training: Training, *, is_admin: bool, can_email: bool = False, now: dt.datetime | None = None
) -> CertificatesSection:
    """A closed session's certificates and files, as its organisation (or an administrator) sees them."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    files = certificate_selectors.training_files_status(training, now=now)
    rows = []
    for certificate in certificate_selectors.certificates_for_training(training):
        rows.append(
            CertificateRow(
                certificate=certificate,
                file_state=certificate_selectors.certificate_files_status(certificate, now=now),
                delete_after=certificate.pdf_delete_after,
                # A trainer card (trainer course) is edited again by its trainer, from "Mes certificats".
                can_duplicate=not certificate.is_revoked
                and not certificate.is_expired(today)
                and certificate.kind != CertificateKind.TRAINER,
                revoke_url=(
                    reverse("www:network_certificate_revoke", args=[certificate.public_id])
                    if is_admin and not certificate.is_revoked
                    else ""
                ),
            )
        )
    soon = dt.timedelta(days=settings.CERTIFICATE_REMINDER_DAYS)
    deletion_soon = bool(files.state == "ready" and files.available_until and files.available_until - now <= soon)
    email_count = cards_to_email(training).count() if can_email and files.state == "ready" else 0
    return CertificatesSection(files=files, rows=rows, deletion_soon=deletion_soon, email_count=email_count)


def old_card_prefix(trainee: Trainee) -> str:
    return f"carte-{trainee.public_id}"


@dataclass(frozen=True)
class MacRow:
    """One trainee of a MAC session: the proof recorded from their previous card, and the form to check one."""

    trainee: Trainee
    proof: MacProof | None
    form: OldCardForm | None
    open: bool  # the form is unfolded: nothing recorded yet, or an error to correct


def mac_rows(trainees: list[Trainee], *, can_check: bool, bound: tuple[Trainee, OldCardForm] | None) -> list[MacRow]:
    """Trainees must come with select_related("mac_proof__scheme")."""
    rows = []
    for trainee in trainees:
        proof = getattr(trainee, "mac_proof", None)
        form = None
        if can_check:
            form = bound[1] if bound and bound[0].pk == trainee.pk else OldCardForm(prefix=old_card_prefix(trainee))
        rows.append(MacRow(trainee=trainee, proof=proof, form=form, open=bool(form and (form.errors or not proof))))
    return rows


def expired_card_warning(valid_until: dt.date) -> str:
    # DESIGN §2: a MAC for a holder whose certificate has expired is allowed, with a clear warning.
    return (
        f"Ce certificat a expiré le {format_fr(valid_until)}. Le MAC reste possible, mais le stagiaire n'était plus "
        "certifié depuis cette date : c'est à l'organisme de décider."
    )


def record_old_card_proof(request, trainee: Trainee, content: str, source: str) -> MacProof | None:
    """Record a MAC trainee's previous card as their proof (verified again by the service) and say what it shows."""
    try:
        proof = mac_proof_record(
            by=request.user, trainee=trainee, content=content, source=source or ProofSource.QR_CONTENT
        )
    except WorkflowError as error:
        messages.error(request, f"Ancienne carte de {trainee} non enregistrée : {error.message}")
        return None
    what = (
        f"{proof.scheme.short_name} obtenu le {format_fr(proof.certified_on)}, valable jusqu'au "
        f"{format_fr(proof.valid_until)}"
    )
    if proof.expired:
        messages.warning(
            request,
            f"Ancienne carte de {trainee} enregistrée ({what}). {expired_card_warning(proof.valid_until)}",
        )
    else:
        messages.success(request, f"Ancienne carte de {trainee} valide ({what}) : le prérequis du MAC est enregistré.")
    if not proof.names_match:
        messages.warning(
            request,
            f"Les noms inscrits sur la carte ne sont pas ceux saisis pour {trainee} : vérifiez son identité et "
            "corrigez la saisie si besoin.",
        )
    return proof
