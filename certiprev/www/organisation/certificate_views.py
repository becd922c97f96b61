"""Certificate actions of the session page: a duplicate for a lost card, a MAC trainee's previous card.

Downloads (ZIP, PDF) are the certificates app's own views (certiprev/certificates/urls.py).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from certiprev.certificates.selectors import get_certificate_of_training
from certiprev.certificates.services import certificate_duplicate_request
from certiprev.lib.errors import WorkflowError
from certiprev.trainings.enums import EDITABLE_STATES, Actor, TrainingKind
from certiprev.trainings.models import OPEN_STATES
from certiprev.trainings.selectors import get_trainee_for_user, roles_on
from certiprev.www.common import login_required

from .certificates import old_card_prefix, record_old_card_proof
from .forms import OldCardForm, OldCardProofForm, TraineeForm
from .views import get_training, render_detail


def _session_url(training, anchor: str = "") -> str:
    return reverse("www:training_detail", args=[training.public_id]) + (f"#{anchor}" if anchor else "")


@login_required
@require_POST
def certificate_duplicate(request, public_id, certificate_id):
    """A duplicate of a lost card: a confirmation page first, then the service (members and administrators)."""
    training = get_training(request, public_id)
    certificate = get_certificate_of_training(training, certificate_id)
    if request.POST.get("confirm") != "oui":
        return render(
            request,
            "www/organisation/certificate_duplicate.html",
            {"training": training, "certificate": certificate, "file_days": settings.CERTIFICATE_FILE_DAYS},
        )
    holder = f"{certificate.holder_last_name.upper()} {certificate.holder_first_names}"
    try:
        certificate = certificate_duplicate_request(by=request.user, certificate=certificate)
    except WorkflowError as error:
        messages.error(request, f"Duplicata impossible pour {holder} : {error.message}")
    else:
        until = timezone.localtime(certificate.pdf_delete_after)
        messages.success(
            request,
            f"Duplicata de la carte de {holder} émis, signé à nouveau avec le même identifiant de révocation : "
            f"téléchargez-le ci-dessous (disponible jusqu'au {until:%d/%m/%Y à %H:%M}).",
        )
    return redirect(_session_url(training, f"certificat-{certificate.public_id}"))


def _member_training(request, public_id):
    """The session for the organisation's members only (the check of old cards is theirs); 404 for anyone else."""
    training = get_training(request, public_id)
    if Actor.MEMBER not in roles_on(request.user, training) or training.kind != TrainingKind.MAC:
        raise Http404("Page introuvable.")
    return training


def _form_status(form: OldCardForm, error: WorkflowError | None = None) -> int:
    return 413 if form.too_large or (error is not None and error.status == 413) else 422


@login_required
@require_POST
def trainee_old_card(request, public_id, trainee_id):
    """Check a MAC trainee's previous card (pasted QR content or photo) and record it as their proof."""
    training = _member_training(request, public_id)
    trainee = get_trainee_for_user(request.user, training, trainee_id)
    anchor = f"carte-{trainee.public_id}"
    if training.state not in OPEN_STATES:
        messages.error(request, "La session est clôturée ou annulée : le prérequis ne se vérifie plus.")
        return redirect(_session_url(training, anchor))
    form = OldCardForm(request.POST, request.FILES, prefix=old_card_prefix(trainee))
    error = None
    if form.is_valid():
        try:
            check = form.check(training)
        except WorkflowError as refused:
            error = refused
            form.add_card_error(refused)
        else:
            record_old_card_proof(request, trainee, check.content, form.source)
            return redirect(_session_url(training, anchor))
    return render_detail(request, training, old_card=(trainee, form), status=_form_status(form, error))


@login_required
@require_POST
def trainee_prefill(request, public_id):
    """Step 1 of "add a trainee" for a MAC: read the previous card, then show the form filled from it (no JS)."""
    training = _member_training(request, public_id)
    if training.state not in EDITABLE_STATES:
        messages.error(request, "Les stagiaires ne peuvent plus être modifiés dans cet état de la session.")
        return redirect(_session_url(training))
    form = OldCardForm(request.POST, request.FILES, prefix="prefill")
    error = None
    if form.is_valid():
        try:
            check = form.check(training)
        except WorkflowError as refused:
            error = refused
            form.add_card_error(refused)
        else:
            add_form = TraineeForm(
                prefix="add",
                initial={
                    "last_name": check.prefill["last_name"],
                    "first_names": check.prefill["first_names"],
                    "birth_date": check.prefill["birth_date"],
                },
            )
            proof_form = OldCardProofForm(
                prefix="add", initial={"old_card_content": check.content, "old_card_source": form.source}
            )
            return render_detail(request, training, add_form=add_form, prefill=check, proof_form=proof_form)
    return render_detail(request, training, prefill_form=form, status=_form_status(form, error))
