"""A duplicate of a lost card, and each trainee's card sent by e-mail, asked from the session page (the downloads
themselves: certiprev/www/downloads/)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from certiprev.certificates.selectors import get_certificate_of_training
from certiprev.certificates.services import certificate_duplicate_request, training_cards_email
from certiprev.lib.errors import WorkflowError
from certiprev.www.common import login_required

from .session_page import get_training, session_url


@login_required
@require_POST
def certificate_duplicate(request, public_id, certificate_id):
    """A duplicate of a lost card: a confirmation page first, then the service (members and administrators)."""
    training = get_training(request, public_id)
    certificate = get_certificate_of_training(training, certificate_id)
    if request.POST.get("confirm") != "oui":
        return render(
            request,
            "www/organisation/certificate_duplicate.html",
            {"training": training, "certificate": certificate, "file_days": settings.CERTIFICATE_FILE_DAYS},
        )
    holder = f"{certificate.holder_last_name.upper()} {certificate.holder_first_names}"
    try:
        certificate = certificate_duplicate_request(by=request.user, certificate=certificate)
    except WorkflowError as error:
        messages.error(request, f"Duplicata impossible pour {holder} : {error.message}")
    else:
        until = timezone.localtime(certificate.pdf_delete_after)
        messages.success(
            request,
            f"Duplicata de la carte de {holder} émis : c'est le même certificat, sous une nouvelle carte ; "
            f"téléchargez-le ci-dessous (disponible jusqu'au {until:%d/%m/%Y à %H:%M}).",
        )
    return redirect(session_url(training, f"certificat-{certificate.public_id}"))


@login_required
@require_POST
def training_cards_email_view(request, public_id):
    """Each trainee's own card to their own address (a task sends them, one message per person)."""
    training = get_training(request, public_id)
    try:
        event = training_cards_email(by=request.user, training=training)
    except WorkflowError as error:
        messages.error(request, f"Envoi des cartes impossible : {error.message}")
    else:
        count = event.data["recipients"]
        messages.success(
            request,
            f"Envoi en cours : {count} message{'s' if count > 1 else ''} par e-mail, un par stagiaire, chacun avec "
            "sa seule carte. L'envoi est inscrit dans l'historique de la session.",
        )
    return redirect(session_url(training, "certificats"))
