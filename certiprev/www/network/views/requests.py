"""Network pages on habilitation requests: the queue of the instructor, the CNH and the national administrator, the
detail with its documents and history, and the actions the transition table gives them (never a state test here:
the buttons are `policy.allowed_actions`, the refusals the services' messages)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from certiprev.habilitations import policy, services
from certiprev.habilitations.enums import Action
from certiprev.habilitations.models import HabilitationRequest
from certiprev.habilitations.queues import (
    default_queue_state,
    get_network_document_for_user,
    get_network_request_for_user,
    granted_habilitations,
    network_queue,
)
from certiprev.habilitations.selectors import waiting_phrase
from certiprev.lib.errors import WorkflowError
from certiprev.www.common import AccessibleFormMixin, network_staff_required, paginate

from ..forms import MessageForm, QueueFilterForm, ReasonForm, VerdictForm


@network_staff_required
def requests_queue(request):
    # No state chosen yet: the queue opens on the state the person acts on (the CNH: awaiting its decision).
    data = {"state": request.GET.get("state", default_queue_state(request.user)), "kind": request.GET.get("kind", "")}
    form = QueueFilterForm(data)
    chosen = form.cleaned_data if form.is_valid() else {"state": "", "kind": ""}
    page = paginate(request, network_queue(request.user, in_state=chosen["state"], kind=chosen["kind"]))
    rows = [(item, waiting_phrase(item)) for item in page.object_list]
    return render(request, "www/network/requests.html", {"form": form, "page": page, "rows": rows})


def _render_detail(
    request: HttpRequest,
    target: HabilitationRequest,
    *,
    complements_form: MessageForm | None = None,
    opinion_form: ReasonForm | None = None,
    decision_form: ReasonForm | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    allowed = policy.allowed_actions(request.user, target)
    return render(
        request,
        "www/network/request_detail.html",
        {
            "hr": target,
            "waiting": waiting_phrase(target),
            "schemes": sorted(s.code for s in target.schemes.all()),
            "trainers": list(target.trainers.order_by("number")),
            "documents": list(target.documents.all()),
            "events": list(target.events.all()),
            "habilitations": granted_habilitations(target),
            "can_review": Action.REVIEW in allowed,
            "can_complements": Action.REQUEST_COMPLEMENTS in allowed,
            "can_opinion": Action.GIVE_OPINION in allowed,
            "can_grant": Action.GRANT in allowed,
            "can_refuse": Action.REFUSE in allowed,
            "complements_form": complements_form or MessageForm(prefix="complements"),
            "opinion_form": opinion_form or ReasonForm(prefix="opinion"),
            "decision_form": decision_form or ReasonForm(prefix="decision"),
            "errors": errors or [],
        },
        status=status,
    )


@network_staff_required
def request_detail(request, public_id):
    return _render_detail(request, get_network_request_for_user(request.user, public_id))


@network_staff_required
def request_document(request, public_id, document_id):
    document = get_network_document_for_user(request.user, public_id, document_id)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{slugify(document.label)[:80] or document.public_id}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _act(
    request: HttpRequest,
    target: HabilitationRequest,
    *,
    write: Callable[..., Any],
    done: str,
    form: AccessibleFormMixin | None = None,
    form_name: str = "",
    fields: Callable[[dict[str, Any]], dict[str, Any]] = lambda data: {},
) -> HttpResponse:
    """Run the service on the request; its refusal is shown on the detail page (in the action's form if any)."""
    errors = []
    data = form.cleaned_data if form is not None and form.is_valid() else {}
    if form is None or form.is_valid():
        try:
            write(by=request.user, request=target, **fields(data))
        except WorkflowError as error:
            # A missing text goes next to its field; a refusal of the role or the state at the top of the page: the
            # action's form may no longer be offered at all.
            if form is not None and error.field in form.fields:
                form.add_workflow_error(error)
            else:
                errors.append(error.message)
        else:
            messages.success(request, done)
            return redirect("www:network_request", public_id=target.public_id)
    target.refresh_from_db()
    forms: dict[str, Any] = {form_name: form} if form is not None and form.errors else {}
    return _render_detail(request, target, errors=errors, status=422, **forms)


@network_staff_required
@require_POST
def request_review(request, public_id):
    target = get_network_request_for_user(request.user, public_id)
    return _act(
        request,
        target,
        write=services.habilitation_request_review,
        done="Demande prise en charge : elle est en cours d'instruction.",
    )


@network_staff_required
@require_POST
def request_complements(request, public_id):
    target = get_network_request_for_user(request.user, public_id)
    return _act(
        request,
        target,
        write=services.habilitation_request_complements,
        done="Compléments demandés : l'organisme en est averti par e-mail.",
        form=MessageForm(request.POST, prefix="complements"),
        form_name="complements_form",
        fields=lambda data: {"message": data.get("message", "")},
    )


@network_staff_required
@require_POST
def request_opinion(request, public_id):
    target = get_network_request_for_user(request.user, public_id)
    favourable = request.POST.get("opinion-verdict") == "1"
    return _act(
        request,
        target,
        write=services.habilitation_request_opinion,
        done=f"Avis {'favorable' if favourable else 'défavorable'} rendu : la demande attend la décision de la CNH.",
        form=VerdictForm(request.POST, prefix="opinion", missing="Choisissez : avis favorable ou défavorable."),
        form_name="opinion_form",
        fields=lambda data: {"favourable": data["verdict"], "reason": data.get("reason", "")},
    )


@network_staff_required
@require_POST
def request_decision(request, public_id):
    target = get_network_request_for_user(request.user, public_id)
    granted = request.POST.get("decision-verdict") == "1"
    return _act(
        request,
        target,
        write=services.habilitation_request_decide,
        done="Habilitation accordée." if granted else "Habilitation refusée : le motif est transmis à l'organisme.",
        form=VerdictForm(request.POST, prefix="decision", missing="Choisissez : accorder ou refuser."),
        form_name="decision_form",
        fields=lambda data: {"granted": data["verdict"], "reason": data.get("reason", "")},
    )
