"""The network's search page, and a certificate's revocation from it (the same audited service as the admin)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from certiprev.certificates.models import Certificate
from certiprev.certificates.services import certificate_revoke
from certiprev.lib.errors import WorkflowError
from certiprev.www.common import admin_required

from ..forms import NetworkSearchForm, ReasonOnlyForm
from ..search import LIMIT, network_search


@admin_required
def search(request):
    form = NetworkSearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        q, born = form.cleaned_data["q"], form.cleaned_data["born"]
        if q.strip() or born:
            results = network_search(q, born=born)
    return render(
        request,
        "www/network/search.html",
        {"form": form, "results": results, "limit": LIMIT, "query": request.GET.urlencode()},
    )


@admin_required
@require_http_methods(["GET", "POST"])
def certificate_revoke_view(request, public_id):
    certificate = get_object_or_404(Certificate.objects.select_related("scheme", "training"), public_id=public_id)
    form = ReasonOnlyForm(request.POST or None)
    back = request.GET.get("retour", "")
    back_url = reverse("www:network_search") + (f"?{back}" if back and "//" not in back else "")
    if request.method == "POST" and form.is_valid():
        try:
            certificate_revoke(by=request.user, certificate=certificate, reason=form.cleaned_data["reason"])
        except WorkflowError as error:
            form.add_workflow_error(error)
        else:
            messages.success(
                request,
                f"Certificat de {certificate.holder_last_name.upper()} {certificate.holder_first_names} révoqué : il "
                "apparaît comme retiré à toute vérification, et dans la liste publique des certificats révoqués.",
            )
            return redirect(back_url)
    return render(
        request,
        "www/network/certificate_revoke.html",
        {"certificate": certificate, "form": form, "back_url": back_url},
        status=422 if form.errors else 200,
    )
