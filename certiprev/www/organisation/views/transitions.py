"""The organisation's transitions of a session: submit to the trainer, cancel, close."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from certiprev.lib.errors import WorkflowError
from certiprev.trainings import services
from certiprev.www.common import login_required

from ..forms import ReasonForm
from .session_page import get_training, render_detail


@login_required
@require_POST
def training_submit(request, public_id):
    training = get_training(request, public_id)
    try:
        services.training_submit(by=request.user, training=training)
    except WorkflowError as error:
        return render_detail(request, training, errors=[error.message], status=error.status)
    messages.success(request, f"Session soumise à {training.trainer.full_name}, qui a été prévenu·e par e-mail.")
    return redirect("www:training_detail", public_id=training.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def training_cancel(request, public_id):
    training = get_training(request, public_id)
    form = ReasonForm(
        request.POST or None, label="Motif de l'annulation", help_text="Il reste dans l'historique de la session."
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.training_cancel(by=request.user, training=training, reason=form.cleaned_data["reason"])
        except WorkflowError as error:
            form.add_workflow_error(error)
        else:
            messages.success(request, "Session annulée.")
            return redirect("www:training_detail", public_id=training.public_id)
    return render(
        request,
        "www/organisation/training_cancel.html",
        {"training": training, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_close(request, public_id):
    training = get_training(request, public_id)
    errors = []
    if request.method == "POST":
        try:
            services.training_close(by=request.user, training=training)
        except WorkflowError as error:
            errors.append(error.message)
        else:
            messages.success(request, "Session clôturée : les certificats des stagiaires reçus sont émis.")
            return redirect("www:training_detail", public_id=training.public_id)
    trainees = list(training.trainees.all())
    return render(
        request,
        "www/organisation/training_close.html",
        {
            "training": training,
            "passed": [t for t in trainees if t.passed],
            "not_passed": [t for t in trainees if not t.passed],
            "action_errors": errors,
        },
        status=409 if errors else 200,
    )
