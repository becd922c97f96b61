"""The trainer's pages, designed for a phone in the training room."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from certiprev.accounts.http import AuthenticatedRequest
from certiprev.certificates.selectors import trainer_certificates
from certiprev.lib.errors import WorkflowError
from certiprev.trainings import selectors as trainings_selectors
from certiprev.trainings import services
from certiprev.trainings.enums import Action
from certiprev.trainings.policy import allowed_actions, condition_refusal, validation_opens_on
from certiprev.trainings.selectors import get_training_for_user, trainings_visible_to
from certiprev.www import selectors
from certiprev.www.common import roles, today, trainer_required
from certiprev.www.organisation.forms import ReasonForm

from .forms import ValidationForm


@trainer_required
def to_validate(request):
    view = "traitees" if request.GET.get("vue") == "traitees" else "a-valider"
    mine = trainings_visible_to(request.user, as_trainer=True).select_related("organisation", "scheme")
    today_ = today()
    waiting_count = trainings_selectors.trainer_waiting_count(mine, today=today_)
    queryset = trainings_selectors.trainer_sessions(mine, done=view == "traitees", today=today_)
    paginator = Paginator(selectors.with_trainee_count(queryset), 20)
    if view == "a-valider":
        paginator.count = waiting_count  # the same sessions: no second COUNT query
    page = paginator.get_page(request.GET.get("page"))
    upcoming = []
    if view == "a-valider" and page.number == 1:
        # Submitted but not over yet: apart from "À valider", each with the day its validation opens.
        upcoming = list(
            selectors.with_trainee_count(trainings_selectors.trainer_upcoming_sessions(mine, today=today_))[:50]
        )
    return render(
        request,
        "www/trainer/to_validate.html",
        {
            "page": page,
            "view": view,
            "waiting_count": waiting_count,
            "upcoming": upcoming,
            "today": today_,
        },
    )


def _get(request, public_id):
    return get_training_for_user(request.user, public_id, as_trainer=True)


@trainer_required
@require_http_methods(["GET", "POST"])
def validate(request: AuthenticatedRequest, public_id: str) -> HttpResponse:
    training = _get(request, public_id)
    trainees = list(training.trainees.all())
    today_ = today()
    allowed = allowed_actions(request.user, training, today_)
    step = request.POST.get("step", "")
    if not allowed & {Action.VALIDATE, Action.RETURN}:
        display = trainings_selectors.session_display(training, today_)
        # Back to the summary after validating, then "Confirmer" again: say so rather than land silently.
        already_validated = request.method == "POST" and step == "confirm" and display.has_results
        return render(
            request,
            "www/trainer/training_done.html",
            {"training": training, "trainees": trainees, "display": display, "already_validated": already_validated},
            status=409 if already_validated else 200,
        )
    opens_on = validation_opens_on(request.user, training, today_)
    if opens_on is not None:
        # Not over yet: shown read-only (nothing to fill in that would be refused), with the day validation opens.
        # A form posted from a page opened elsewhere is refused with the policy's own message.
        refusal = condition_refusal(training, Action.VALIDATE).message if request.method == "POST" else ""
        return render(
            request,
            "www/trainer/validate.html",
            {
                "training": training,
                "trainees": trainees,
                "opens_on": opens_on,
                "allowed_actions": allowed,
                "error_lines": [("", refusal)] if refusal else [],
            },
            status=409 if refusal else 200,
        )
    initial = {}
    if request.method == "GET" and request.GET.get("tous") == "reussis":
        for trainee in trainees:
            initial[f"present-{trainee.public_id}"] = "oui"
            initial[f"passed-{trainee.public_id}"] = "oui"
    form = ValidationForm(request.POST if request.method == "POST" else None, trainees=trainees, initial=initial)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        results = form.results()
        if step == "confirm":
            try:
                services.training_validate(
                    by=request.user,
                    training=training,
                    results=[
                        services.TraineeResult(str(t.public_id), present=present, passed=passed)
                        for t, present, passed in results
                    ],
                )
            except WorkflowError as error:
                errors.append(error.message)
            else:
                messages.success(
                    request,
                    f"Session validée. {training.organisation.name} est prévenu et peut maintenant la clôturer.",
                )
                return redirect("www:trainer_home")
        elif step == "summary":
            return render(
                request,
                "www/trainer/validate_summary.html",
                {
                    "training": training,
                    "form": form,
                    "passed": [t for t, _p, ok in results if ok],
                    "failed": [t for t, present, ok in results if present and not ok],
                    "absent": [t for t, present, _ok in results if not present],
                },
            )
    return render(
        request,
        "www/trainer/validate.html",
        {
            "training": training,
            "form": form,
            "error_lines": [("", error) for error in errors] + (form.summary_errors() if form.is_bound else []),
            "allowed_actions": allowed,
        },
        status=422 if (form.is_bound and (form.errors or errors)) else 200,
    )


@trainer_required
@require_http_methods(["GET", "POST"])
def return_training(request, public_id):
    training = _get(request, public_id)
    form = ReasonForm(
        request.POST or None,
        label="Motif du renvoi",
        help_text="Expliquez à l'organisme ce qu'il doit corriger (stagiaire manquant, date erronée…).",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.training_return(by=request.user, training=training, reason=form.cleaned_data["reason"])
        except WorkflowError as error:
            form.add_workflow_error(error)
        else:
            messages.success(request, f"Session renvoyée à {training.organisation.name}, qui a été prévenu.")
            return redirect("www:trainer_home")
    return render(
        request, "www/trainer/return.html", {"training": training, "form": form}, status=422 if form.errors else 200
    )


@trainer_required
def my_certificates(request):
    """ "Mes certificats": the trainer's certifications, a card to issue for each current one, the cards issued."""
    trainer = roles(request).trainer
    rows = trainer_certificates(trainer, today=today())
    return render(
        request,
        "www/trainer/certificates.html",
        {
            "trainer": trainer,
            "rows": rows,
            "issued": [row for row in rows if row.certificate is not None],
            "today": today(),
            "file_days": settings.CERTIFICATE_FILE_DAYS,
        },
    )
