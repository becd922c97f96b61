"""A MAC trainee's previous card: checked on the session page and recorded as the MAC prerequisite, or read to
prefill the "add a trainee" form."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from certiprev.certificates.services import lookup_answer, prerequisite_lookup
from certiprev.lib.errors import WorkflowError
from certiprev.trainings import services
from certiprev.trainings.enums import Action, Actor, TrainingKind
from certiprev.trainings.policy import can
from certiprev.trainings.selectors import get_trainee_for_user, roles_on
from certiprev.www.common import login_required, today

from ..certificate_sections import expired_card_warning, old_card_prefix, record_old_card_proof
from ..forms import ElearningForm, OldCardForm, OldCardProofForm, TraineeForm
from .session_page import get_training, refused_unless_allowed, render_detail, session_url


def _member_training(request, public_id):
    """The session for the organisation's members only (the check of old cards is theirs); 404 for anyone else."""
    training = get_training(request, public_id)
    has_prerequisite = training.kind == TrainingKind.MAC or training.scheme.is_trainer_course
    if Actor.MEMBER not in roles_on(request.user, training) or not has_prerequisite:
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
    if not can(request.user, training, Action.MAC_CHECK, today()):
        messages.error(request, "La session est clôturée ou annulée : le prérequis ne se vérifie plus.")
        return redirect(session_url(training, anchor))
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
            return redirect(session_url(training, anchor))
    return render_detail(request, training, old_card=(trainee, form), status=_form_status(form, error))


@login_required
@require_POST
def trainee_prefill(request, public_id):
    """Step 1 of "add a trainee" for a MAC: read the previous card, then show the form filled from it (no JS)."""
    training = _member_training(request, public_id)
    refused = refused_unless_allowed(
        request,
        training,
        Action.TRAINEE_ADD,
        "Les stagiaires ne peuvent plus être modifiés dans cet état de la session.",
    )
    if refused is not None:
        return refused
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


@login_required
@require_POST
def trainee_record_lookup(request, public_id, trainee_id):
    """DESIGN §11: no card at hand — ask the records for this trainee's certificate (exact identity, audited)."""
    training = _member_training(request, public_id)
    trainee = get_trainee_for_user(request.user, training, trainee_id)
    anchor = f"carte-{trainee.public_id}"
    try:
        proof = prerequisite_lookup(by=request.user, trainee=trainee)
    except WorkflowError as error:
        messages.error(request, f"Registre des certificats ({trainee}) : {error.message}")
        return redirect(session_url(training, anchor))
    answer = lookup_answer(proof.certificate) if proof.certificate else ""
    if proof.expired:
        messages.warning(
            request, f"Registre des certificats ({trainee}) : {answer} {expired_card_warning(proof.valid_until)}"
        )
    else:
        messages.success(request, f"Registre des certificats ({trainee}) : {answer} Le prérequis est enregistré.")
    return redirect(session_url(training, anchor))


@login_required
@require_POST
def trainee_elearning(request, public_id, trainee_id):
    """A trainer-course trainee's INRS e-learning attestation: its date is recorded (the document is not kept)."""
    training = _member_training(request, public_id)
    trainee = get_trainee_for_user(request.user, training, trainee_id)
    anchor = f"carte-{trainee.public_id}"
    form = ElearningForm(request.POST, prefix=f"elearning-{trainee.public_id}")
    if not form.is_valid():
        messages.error(request, f"E-learning de {trainee} : {form.errors['on'][0]}")
        return redirect(session_url(training, anchor))
    try:
        services.trainee_elearning_record(by=request.user, trainee=trainee, on=form.cleaned_data["on"])
    except WorkflowError as error:
        messages.error(request, f"E-learning de {trainee} : {error.message}")
    else:
        messages.success(request, f"Attestation de l'e-learning de {trainee} enregistrée.")
    return redirect(session_url(training, anchor))
