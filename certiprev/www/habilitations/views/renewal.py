"""The renewal link of the expiry reminders: a page that creates the draft renewal request on a click (ADR 0007).

GET only shows what would be created: mail scanners open the links of e-mails, and a draft renewal holds its
scheme (no other request for it while open). The POST creates it through the same service as the API.
"""

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from certiprev.accounts.http import AuthenticatedRequest
from certiprev.habilitations.enums import RequestKind
from certiprev.habilitations.selectors import open_request_for, request_missing_while_editable, roles_on_organisation
from certiprev.habilitations.services import habilitation_request_create
from certiprev.lib.errors import WorkflowError
from certiprev.organisations.models import Habilitation
from certiprev.trainings.selectors import organisation_ids_of
from certiprev.www.common import login_required


def _get_habilitation(request: AuthenticatedRequest, pk: int) -> Habilitation:
    """A habilitation of one of the user's organisations (any, for a national administrator); 404 otherwise."""
    queryset = Habilitation.objects.select_related("organisation", "scheme")
    if not request.user.is_network_administrator:
        queryset = queryset.filter(organisation_id__in=organisation_ids_of(request.user))
    habilitation = queryset.filter(pk=pk).first()
    if habilitation is None:
        raise Http404("Habilitation introuvable.")
    return habilitation


@login_required
@require_http_methods(["GET", "POST"])
def renewal(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    habilitation = _get_habilitation(request, pk)
    roles = roles_on_organisation(request.user, habilitation.organisation)
    may_create = bool(roles & {"correspondent", "admin"})
    context: dict[str, Any] = {
        "habilitation": habilitation,
        "may_create": may_create,
        "is_correspondent": "correspondent" in roles,
        "error": "",
        "created": None,
    }
    status = 200
    if request.method == "POST":
        try:
            context["created"] = habilitation_request_create(
                by=request.user,
                organisation=habilitation.organisation,
                kind=RequestKind.RENEWAL,
                schemes=[habilitation.scheme],
                level=habilitation.level,
            )
        except WorkflowError as error:
            context["error"], status = error.message, error.status
    current = context["created"] or open_request_for(habilitation.organisation, habilitation.scheme)
    context["request_open"] = current
    context["missing"] = request_missing_while_editable(current) if current is not None else []
    return render(request, "www/habilitations/renewal.html", context, status=status)
