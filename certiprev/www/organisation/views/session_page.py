"""The session page as its organisation (or a network administrator) sees it, and its trainees' add/edit/remove."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from certiprev.certificates.card_checks import prerequisite_card_check, prerequisite_schemes
from certiprev.lib.errors import WorkflowError
from certiprev.trainings import services
from certiprev.trainings.enums import Action, Actor, TrainingKind
from certiprev.trainings.policy import acting_role_for, allowed_actions
from certiprev.trainings.selectors import (
    get_trainee_for_user,
    get_training_for_user,
    roles_on,
    session_display,
    submission_check,
)
from certiprev.www.common import login_required, roles, today

from ..certificate_sections import certificates_section, mac_rows, record_old_card_proof
from ..forms import OldCardForm, OldCardProofForm, TraineeForm


def session_url(training, anchor: str = "") -> str:
    return reverse("www:training_detail", args=[training.public_id]) + (f"#{anchor}" if anchor else "")


def get_training(request, public_id):
    """The session as the organisation (or a network administrator) sees it; 404 for anyone else."""
    as_trainer = None if roles(request).is_admin else False
    return get_training_for_user(request.user, public_id, as_trainer=as_trainer)


def refused_unless_allowed(request, training, action: Action, message: str) -> HttpResponse | None:
    """None if the policy allows `action` now; else back to the session page. Whoever holds the role for `action`
    but may not do it now (the session's state) is told `message`; anyone else just sees the page."""
    if action in allowed_actions(request.user, training, today()):
        return None
    if acting_role_for(request.user, training, action) is not None:
        messages.error(request, message)
    return redirect("www:training_detail", public_id=training.public_id)


def render_detail(
    request,
    training,
    *,
    add_form=None,
    edit_form=None,
    edit_trainee=None,
    errors=(),
    status=200,
    old_card=None,
    prefill_form=None,
    prefill=None,
    proof_form=None,
):
    """The session page. `old_card` = (trainee, bound OldCardForm) to show a MAC check's errors; `prefill_form`, or
    `prefill` (an OldCardCheck) with `proof_form`, for the "add a trainee" form prefilled from an old card."""
    today_ = today()
    user_roles = roles_on(request.user, training)
    allowed = allowed_actions(request.user, training, today_)
    display = session_display(training, today_)
    is_member = Actor.MEMBER in user_roles
    # A MAC's and a trainer course's trainees prove a prerequisite (their previous certificate, DESIGN §10–§11).
    is_mac = training.kind == TrainingKind.MAC or training.scheme.is_trainer_course
    if edit_trainee is None and Action.TRAINEE_UPDATE in allowed and request.GET.get("modifier"):
        edit_trainee = get_trainee_for_user(request.user, training, request.GET["modifier"])
        edit_form = TraineeForm(
            prefix="edit",
            form_id="edit-trainee-form",
            initial={
                "last_name": edit_trainee.last_name,
                "first_names": edit_trainee.first_names,
                "birth_date": edit_trainee.birth_date,
                "email": edit_trainee.email,
            },
        )
    trainees_qs = training.trainees.all()
    if is_mac:
        trainees_qs = trainees_qs.select_related("mac_proof__scheme")
    trainees = list(trainees_qs)
    events = list(training.events.select_related("actor").order_by("at", "id"))
    summary_form = edit_form if edit_form is not None and edit_form.is_bound else add_form
    if old_card is not None:
        summary_form = old_card[1]
    elif prefill_form is not None:
        summary_form = prefill_form
    # Checking a previous card moves nothing: the table lets members do it while a MAC session is open.
    can_check_cards = Action.MAC_CHECK in allowed
    context = {
        "training": training,
        "trainees": trainees,
        "events": events,
        "is_member": is_member,
        "allowed_actions": allowed,
        "display": display,
        "add_form": add_form or (TraineeForm(prefix="add") if Action.TRAINEE_ADD in allowed else None),
        "summary_form": summary_form,
        "edit_form": edit_form,
        "edit_trainee": edit_trainee,
        "action_errors": list(errors),
        "passed": [t for t in trainees if t.passed],
        "is_mac": is_mac,
    }
    if training.scheme.is_trainer_course and context["add_form"] is not None:
        # Required there: the e-mail opens the future trainer's account (DESIGN §10).
        context["add_form"].fields["email"].label = "E-mail (obligatoire pour une formation de formateurs)"
    if Action.TRAINEE_ADD in allowed or Action.SUBMIT in allowed:
        # The count against the limit and what would stop or worry a submission, said before "Soumettre".
        context["submission"] = submission_check(training, count=len(trainees))
    if display.is_closed:
        context["certificates"] = certificates_section(
            training, is_admin=Actor.ADMIN in user_roles, can_email=Action.CARDS_EMAIL in allowed
        )
    if is_mac:
        context["mac_rows"] = mac_rows(trainees, can_check=can_check_cards, bound=old_card)
        context["can_check_cards"] = can_check_cards
        context["is_trainer_course"] = training.scheme.is_trainer_course
        context["needs_elearning"] = training.scheme.requires_elearning
        context["accepted_schemes"] = " ou ".join(s.code.replace("_", " ") for s in prerequisite_schemes(training))
        if Action.TRAINEE_ADD in allowed:
            context["prefill_form"] = prefill_form or OldCardForm(prefix="prefill")
            context["prefill"] = prefill
            context["proof_form"] = proof_form or OldCardProofForm(prefix="add")
    return render(request, "www/organisation/training_detail.html", context, status=status)


@login_required
def training_detail(request, public_id):
    return render_detail(request, get_training(request, public_id))


@login_required
def training_certificates_fragment(request, public_id):
    """The certificates section alone, which the session page fetches again while the files are being generated."""
    training = get_training(request, public_id)
    if not session_display(training, today()).is_closed:
        raise Http404("La session n'est pas clôturée.")
    context = {
        "training": training,
        "certificates": certificates_section(
            training,
            is_admin=Actor.ADMIN in roles_on(request.user, training),
            can_email=Action.CARDS_EMAIL in allowed_actions(request.user, training, today()),
        ),
    }
    response = render(request, "www/training/_certificates.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _trainee_data(form: TraineeForm) -> services.TraineeData:
    data = form.cleaned_data
    return services.TraineeData(
        last_name=data["last_name"],
        first_names=data["first_names"],
        birth_date=data["birth_date"],
        email=data.get("email") or "",
    )


@login_required
@require_POST
def trainee_add(request, public_id):
    training = get_training(request, public_id)
    form = TraineeForm(request.POST, prefix="add")
    # A MAC trainee prefilled from their previous card: the card comes along and becomes their proof.
    proof_form = OldCardProofForm(request.POST, prefix="add")
    mac_check = Action.MAC_CHECK in allowed_actions(request.user, training)
    card = proof_form.cleaned_data if proof_form.is_valid() and mac_check else {}
    if form.is_valid():
        try:
            trainee = services.trainee_add(by=request.user, training=training, data=_trainee_data(form))
        except WorkflowError as error:
            form.add_workflow_error(error)
        else:
            messages.success(request, f"{trainee} a été ajouté·e à la liste.")
            if card.get("old_card_content"):
                record_old_card_proof(request, trainee, card["old_card_content"], card["old_card_source"])
            return redirect(reverse("www:training_detail", args=[training.public_id]) + "#ajouter")
    prefill = None
    if card.get("old_card_content"):
        try:
            prefill = prerequisite_card_check(training=training, content=card["old_card_content"])
        except WorkflowError:
            proof_form = None  # not a usable card after all: the person adds the trainee without it
    return render_detail(request, training, add_form=form, prefill=prefill, proof_form=proof_form, status=422)


@login_required
@require_POST
def trainee_edit(request, public_id, trainee_id):
    training = get_training(request, public_id)
    trainee = get_trainee_for_user(request.user, training, trainee_id)
    form = TraineeForm(request.POST, prefix="edit", form_id="edit-trainee-form")
    if form.is_valid():
        try:
            trainee = services.trainee_update(by=request.user, trainee=trainee, data=_trainee_data(form))
        except WorkflowError as error:
            form.add_workflow_error(error)
        else:
            messages.success(request, f"{trainee} a été modifié·e.")
            return redirect(
                reverse("www:training_detail", args=[training.public_id]) + f"#stagiaire-{trainee.public_id}"
            )
    return render_detail(request, training, edit_form=form, edit_trainee=trainee, status=422)


@login_required
@require_POST
def trainee_remove(request, public_id, trainee_id):
    training = get_training(request, public_id)
    trainee = get_trainee_for_user(request.user, training, trainee_id)
    name = str(trainee)
    try:
        services.trainee_remove(by=request.user, trainee=trainee)
    except WorkflowError as error:
        return render_detail(request, training, errors=[error.message], status=error.status)
    messages.success(request, f"{name} a été retiré·e de la liste.")
    return redirect(reverse("www:training_detail", args=[training.public_id]) + "#stagiaires")
