"""Creating and editing a session (two steps: the trainer's name is confirmed before saving)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from certiprev.lib.errors import WorkflowError
from certiprev.organisations.models import Organisation
from certiprev.trainers.models import Trainer
from certiprev.trainings import services
from certiprev.trainings.enums import Action, TrainingKind
from certiprev.trainings.selectors import session_entities_for
from certiprev.www.common import login_required, member_required, roles

from ..forms import TrainingForm
from .session_page import get_training, refused_unless_allowed


def _trainer_preview(request, form: TrainingForm) -> tuple[Trainer | None, bool]:
    """(trainer found for the typed number, whether the person confirmed that same number with "save")."""
    number = form.cleaned_data.get("trainer_number", "")
    try:
        trainer = services.trainer_find(number)
    except WorkflowError as error:
        form.add_workflow_error(error)
        return None, False
    confirmed = form.cleaned_data.get("confirmed_trainer", "") == trainer.number
    return trainer, confirmed and request.POST.get("action") == "save"


@member_required
@require_http_methods(["GET", "POST"])
def training_create(request):
    organisations = list(Organisation.objects.filter(pk__in=roles(request).organisation_ids).order_by("name"))
    entities = session_entities_for(request.user, organisations)
    form = TrainingForm(
        request.POST or None,
        organisations=organisations,
        entities=entities,
        initial={"kind": TrainingKind.INITIAL, "organisation": organisations[0].pk},
    )
    trainer = None
    if request.method == "POST" and form.is_valid():
        trainer, confirmed = _trainer_preview(request, form)
        if trainer is not None and confirmed:
            data = form.cleaned_data
            try:
                training = services.training_create(
                    by=request.user,
                    organisation=data["organisation"],
                    scheme=data["scheme"],
                    kind=data["kind"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    place=data["place"],
                    trainer_number=data["trainer_number"],
                    external_id=data.get("external_id", ""),
                    entity=data.get("entity"),
                )
            except WorkflowError as error:
                form.add_workflow_error(error)
            else:
                messages.success(request, "Session créée. Ajoutez maintenant les stagiaires.")
                return redirect("www:training_detail", public_id=training.public_id)
    return render(
        request,
        "www/organisation/training_form.html",
        {
            "form": form,
            "trainer": trainer if form.is_bound and not form.errors else None,
            "creating": True,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_edit(request, public_id):
    training = get_training(request, public_id)
    refused = refused_unless_allowed(
        request,
        training,
        Action.UPDATE,
        "Cette session n'est plus modifiable : seules les sessions en brouillon ou renvoyées "
        "par le formateur le sont.",
    )
    if refused is not None:
        return refused
    organisations = [training.organisation]
    initial = {
        "scheme": training.scheme_id,
        "kind": training.kind,
        "start_date": training.start_date,
        "end_date": training.end_date,
        "place": training.place,
        "trainer_number": training.trainer.number,
        "confirmed_trainer": training.trainer.number,
        "entity": training.entity_id,
    }
    form = TrainingForm(
        request.POST or None,
        organisations=organisations,
        editing=True,
        initial=initial,
        entities=session_entities_for(request.user, organisations),
    )
    if training.scheme_id not in {s.pk for s in form.fields["scheme"].queryset}:
        form.fields["scheme"].queryset = form.fields["scheme"].queryset | type(training.scheme).objects.filter(
            pk=training.scheme_id
        )
    trainer = None
    if request.method == "POST" and form.is_valid():
        trainer, confirmed = _trainer_preview(request, form)
        if trainer is not None and confirmed:
            data = form.cleaned_data
            try:
                services.training_update(
                    by=request.user,
                    training=training,
                    scheme=data["scheme"],
                    kind=data["kind"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    place=data["place"],
                    trainer_number=data["trainer_number"],
                    **({"entity": data.get("entity")} if "entity" in form.fields else {}),
                )
            except WorkflowError as error:
                form.add_workflow_error(error)
            else:
                messages.success(request, "Session modifiée.")
                return redirect("www:training_detail", public_id=training.public_id)
    return render(
        request,
        "www/organisation/training_form.html",
        {
            "form": form,
            "training": training,
            "trainer": trainer if form.is_bound and not form.errors else None,
            "creating": False,
        },
    )
