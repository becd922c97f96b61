"""« Demandes d'habilitation »: the organisation's correspondent creates, completes, transmits and withdraws its
requests. What a button may do comes from `policy.allowed_actions`; every request is reached through
`get_request_for_correspondent` (404 for anyone else, a provisional correspondent included in the check)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from certiprev.accounts.http import AuthenticatedRequest
from certiprev.habilitations import policy, services
from certiprev.habilitations.enums import Action, RequestKind, RequestState
from certiprev.habilitations.models import HabilitationRequest
from certiprev.habilitations.queues import granted_habilitations
from certiprev.habilitations.rules import size_fr
from certiprev.habilitations.selectors import (
    get_document_for_correspondent,
    get_request_for_correspondent,
    request_missing_while_editable,
    requests_in_state,
    requests_of_correspondent,
    waiting_on,
    waiting_since,
)
from certiprev.lib.errors import WorkflowError
from certiprev.organisations.selectors import correspondent_organisations
from certiprev.www.common import correspondent_required, paginate

from ..forms import DocumentForm, RequestEditForm, RequestForm

FIELD_MAP = {"trainer_numbers": "trainer_numbers", "schemes": "schemes", "entity": "entity", "level": "level"}


def _add_errors(form, error: WorkflowError) -> None:
    """Every problem the service named, each next to its field (the unknown trainer numbers one by one)."""
    if error.errors:
        for item in error.errors:
            field = item.get("field", "")
            form.add_error(field if field in form.fields else None, item["message"])
    else:
        form.add_workflow_error(error, field_map=FIELD_MAP)


def _with_waiting(item: HabilitationRequest) -> HabilitationRequest:
    """Who holds the request and since when, for "attendu de : la Carsat Rhône-Alpes depuis 12 jours"."""
    item.waiting_on = waiting_on(item)  # type: ignore[attr-defined]
    item.waiting_since = waiting_since(item)  # type: ignore[attr-defined]
    return item


@correspondent_required
def request_list(request: AuthenticatedRequest) -> HttpResponse:
    chosen = request.GET.get("etat", "")
    if chosen not in RequestState.values:
        chosen = ""
    queryset = (
        requests_in_state(requests_of_correspondent(request.user), chosen)
        .select_related("organisation", "entity")
        .prefetch_related("schemes")
        .order_by("-state_changed_at", "-id")
    )
    page = paginate(request, queryset)
    for item in page:
        _with_waiting(item)
    organisations = correspondent_organisations(request.user)
    return render(
        request,
        "www/habilitations/request_list.html",
        {"page": page, "states": RequestState.choices, "chosen": chosen, "several": len(organisations) > 1},
    )


@correspondent_required
@require_http_methods(["GET", "POST"])
def request_create(request: AuthenticatedRequest) -> HttpResponse:
    organisations = correspondent_organisations(request.user)
    form = RequestForm(request.POST or None, organisations=organisations, initial={"kind": RequestKind.INITIAL})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.habilitation_request_create(
                by=request.user,
                organisation=data["organisation"],
                kind=data["kind"],
                schemes=list(data["schemes"]),
                level=data["level"],
                trainer_numbers=data["trainer_numbers"],
                entity=data.get("entity"),
            )
        except WorkflowError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Brouillon de demande créé. Joignez les documents puis transmettez-la.")
            return redirect("www:request_detail", public_id=created.public_id)
    return render(request, "www/habilitations/request_form.html", {"form": form}, status=422 if form.errors else 200)


def _render_detail(
    request,
    target: HabilitationRequest,
    *,
    document_form=None,
    transmit_error: WorkflowError | None = None,
    status: int = 200,
) -> HttpResponse:
    actions = policy.allowed_actions(request.user, target)
    context: dict[str, Any] = {
        "hr": _with_waiting(target),
        "actions": {str(a) for a in actions},
        "schemes": list(target.schemes.order_by("code")),
        "trainers": list(target.trainers.order_by("number")),
        "documents": list(target.documents.all()),
        "events": list(target.events.all()),
        "habilitations": granted_habilitations(target),  # the validity the grant gave, "valable du … au …"
        "missing": request_missing_while_editable(target),
        "document_form": document_form or DocumentForm(prefix="doc"),
        "max_size": size_fr(services.max_document_bytes()),
        "transmit_error": transmit_error,
    }
    return render(request, "www/habilitations/request_detail.html", context, status=status)


@correspondent_required
def request_detail(request: AuthenticatedRequest, public_id) -> HttpResponse:
    return _render_detail(request, get_request_for_correspondent(request.user, public_id))


@correspondent_required
@require_POST
def document_add(request: AuthenticatedRequest, public_id) -> HttpResponse:
    target = get_request_for_correspondent(request.user, public_id)
    form = DocumentForm(request.POST, request.FILES, prefix="doc")
    if form.is_valid():
        upload = form.cleaned_data["file"]
        limit = services.max_document_bytes()
        try:
            services.habilitation_request_document_add(
                by=request.user,
                request=target,
                label=form.cleaned_data["label"],
                content=upload.read(limit + 1),  # one byte past the limit is enough to refuse it
                filename=upload.name or "",
            )
        except WorkflowError as error:
            form.add_workflow_error(error)
        else:
            messages.success(request, f"Document « {form.cleaned_data['label']} » joint à la demande.")
            return redirect("www:request_detail", public_id=target.public_id)
    return _render_detail(request, target, document_form=form, status=422)


@correspondent_required
def document_download(request: AuthenticatedRequest, public_id, document_id) -> FileResponse:
    document = get_document_for_correspondent(request.user, public_id, document_id)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{document.public_id}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@correspondent_required
@require_http_methods(["GET", "POST"])
def request_edit(request: AuthenticatedRequest, public_id) -> HttpResponse:
    target = get_request_for_correspondent(request.user, public_id)
    if not policy.can(request.user, target, Action.EDIT):
        messages.error(request, "Cette demande n'est plus modifiable : elle a quitté les mains de l'organisme.")
        return redirect("www:request_detail", public_id=target.public_id)
    initial = {
        "schemes": list(target.schemes.values_list("pk", flat=True)),
        "trainer_numbers": "\n".join(target.trainers.order_by("number").values_list("number", flat=True)),
    }
    form = RequestEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            _edit(request, target, form.cleaned_data)
        except WorkflowError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "La demande est modifiée.")
            return redirect("www:request_detail", public_id=target.public_id)
    return render(
        request,
        "www/habilitations/request_edit.html",
        {"form": form, "hr": target},
        status=422 if form.errors else 200,
    )


def _edit(request, target: HabilitationRequest, data: dict) -> None:
    with transaction.atomic():  # both or neither
        services.habilitation_request_schemes_set(by=request.user, request=target, schemes=list(data["schemes"]))
        services.habilitation_request_trainers_set(
            by=request.user, request=target, trainer_numbers=data["trainer_numbers"]
        )


@correspondent_required
@require_POST
def request_transmit(request: AuthenticatedRequest, public_id) -> HttpResponse:
    target = get_request_for_correspondent(request.user, public_id)
    try:
        services.habilitation_request_transmit(by=request.user, request=target)
    except WorkflowError as error:
        return _render_detail(request, target, transmit_error=error, status=error.status)
    messages.success(request, "Demande transmise à votre caisse régionale.")
    return redirect("www:request_detail", public_id=target.public_id)


@correspondent_required
@require_http_methods(["GET", "POST"])
def request_withdraw(request: AuthenticatedRequest, public_id) -> HttpResponse:
    target = get_request_for_correspondent(request.user, public_id)
    error = ""
    status = 200
    if request.method == "POST":
        try:
            services.habilitation_request_withdraw(by=request.user, request=target)
        except WorkflowError as refusal:
            error, status = refusal.message, refusal.status
        else:
            messages.success(request, "Demande retirée.")
            return redirect("www:request_detail", public_id=target.public_id)
    elif not policy.can(request.user, target, Action.WITHDRAW):
        messages.error(request, "Cette demande ne peut plus être retirée.")
        return redirect("www:request_detail", public_id=target.public_id)
    return render(
        request,
        "www/habilitations/request_withdraw.html",
        {"hr": target, "error": error, "schemes": list(target.schemes.order_by("code"))},
        status=status,
    )
