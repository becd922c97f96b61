"""The organisation's transitions of a session: submit to the trainer (after a confirmation), withdraw a
submission, cancel, close."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from certiprev.lib.errors import WorkflowError
from certiprev.trainings import services
from certiprev.trainings.enums import Action
from certiprev.trainings.policy import can
from certiprev.trainings.selectors import session_display, submission_check
from certiprev.www.common import login_required, today

from ..forms import ReasonForm
from .session_page import get_training, render_detail


def _already_closed(request, training):
    """A stale tab's "Clôturer" on a session closed meanwhile: its page, at the certificates, saying so."""
    closed_at = timezone.localtime(training.closed_at) if training.closed_at else None
    when = f" le {closed_at:%d/%m/%Y à %H:%M}" if closed_at else ""
    messages.info(request, f"Cette session est déjà clôturée{when} : ses certificats sont ci-dessous.")
    return redirect(reverse("www:training_detail", args=[training.public_id]) + "#certificats")


@login_required
@require_http_methods(["GET", "POST"])
def training_submit(request, public_id):
    """GET: what the submission sends and what looks wrong (warnings, not refusals); POST: the submission."""
    training = get_training(request, public_id)
    if request.method == "GET":
        if not can(request.user, training, Action.SUBMIT, today()):
            return redirect("www:training_detail", public_id=training.public_id)
        return render(
            request,
            "www/organisation/training_submit.html",
            {"training": training, "submission": submission_check(training)},
        )
    try:
        services.training_submit(by=request.user, training=training)
    except WorkflowError as error:
        return render_detail(request, training, errors=[error.message], status=error.status)
    messages.success(request, f"Session soumise à {training.trainer.full_name}, qui a été prévenu·e par e-mail.")
    return redirect("www:training_detail", public_id=training.public_id)


@login_required
@require_POST
def training_withdraw(request, public_id):
    training = get_training(request, public_id)
    try:
        services.training_withdraw(by=request.user, training=training)
    except WorkflowError as error:
        return render_detail(request, training, errors=[error.message], status=error.status)
    messages.success(
        request, "Soumission retirée : la session est de nouveau en brouillon, modifiable, à soumettre à nouveau."
    )
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
    if session_display(training, today()).is_closed and not can(request.user, training, Action.CLOSE, today()):
        return _already_closed(request, training)
    if request.method == "POST":
        try:
            services.training_close(by=request.user, training=training)
        except WorkflowError as error:
            training.refresh_from_db()
            if session_display(training, today()).is_closed:  # closed by someone else meanwhile
                return _already_closed(request, training)
            errors.append(error.message)
        else:
            messages.success(
                request,
                "Session clôturée : les certificats des stagiaires reçus sont en cours de génération. "
                "Ils apparaissent ci-dessous dans quelques secondes, et les membres de l'organisme sont prévenus "
                "par e-mail quand ils sont prêts.",
            )
            return redirect(reverse("www:training_detail", args=[training.public_id]) + "#certificats")
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
