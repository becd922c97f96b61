"""Downloads of certificate files (permission-checked): a session's ZIP and PDFs, a trainer's own card.

Interface code over the certificates app's selectors and services; the URL names keep the `certificates:` namespace.
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from certiprev.accounts.http import AuthenticatedRequest
from certiprev.catalog.models import Scheme
from certiprev.certificates import selectors, services
from certiprev.lib.errors import WorkflowError
from certiprev.lib.zipper import attachment_disposition
from certiprev.trainings.models import Training
from certiprev.trainings.selectors import get_training_for_user, trainer_of

TRAINER_CERTIFICATES_URL = "/formateur/certificats/"  # the "Mes certificats" page
TITLES = {
    410: "Fichier supprimé",
    409: "Fichier indisponible pour le moment",
    404: "Introuvable",
    403: "Accès refusé",
    503: "Service momentanément indisponible",
}


def _error_page(request: HttpRequest, error: WorkflowError, *, back_url: str = "") -> HttpResponse:
    response = render(
        request,
        "www/downloads/error.html",
        {
            "title": TITLES.get(error.status, "Action impossible"),
            "message": error.message,
            "code": error.code,
            "back_url": back_url,
            "retry": error.code == "files_pending",
        },
        status=error.status,
    )
    response["Cache-Control"] = "no-store"
    return response


def _download(handle, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["Content-Disposition"] = attachment_disposition(filename)  # Django sends no ASCII fallback
    response["Cache-Control"] = "private, no-store"  # personal data: never in a shared cache
    return response


def _training_for_files(request: AuthenticatedRequest, public_id) -> Training:
    """The session if the user is a member of its organisation or a network administrator; 404 for anyone else
    (the session's trainer included: the certificates are the organisation's to hand out)."""
    user = request.user
    if user.is_network_administrator:
        return get_training_for_user(user, public_id)
    return get_training_for_user(user, public_id, as_trainer=False)


def _session_url(training: Training) -> str:
    return f"/sessions/{training.public_id}/"


@login_required
@require_safe
def training_zip(request: AuthenticatedRequest, public_id) -> HttpResponseBase:
    training = _training_for_files(request, public_id)
    try:
        handle, filename = selectors.training_zip_open(training)
    except WorkflowError as error:
        return _error_page(request, error, back_url=_session_url(training))
    return _download(handle, filename, "application/zip")


@login_required
@require_safe
def certificate_pdf(request: AuthenticatedRequest, public_id, certificate_id) -> HttpResponseBase:
    training = _training_for_files(request, public_id)
    certificate = selectors.get_certificate_of_training(training, certificate_id)
    try:
        handle, filename = selectors.certificate_pdf_open(certificate)
    except WorkflowError as error:
        return _error_page(request, error, back_url=_session_url(training))
    return _download(handle, filename, "application/pdf")


@login_required
@require_POST
def certificate_duplicate(request: AuthenticatedRequest, public_id, certificate_id) -> HttpResponseBase:
    training = _training_for_files(request, public_id)
    certificate = selectors.get_certificate_of_training(training, certificate_id)
    try:
        services.certificate_duplicate_request(by=request.user, certificate=certificate)
    except WorkflowError as error:
        return _error_page(request, error, back_url=_session_url(training))
    return redirect("certificates:certificate_pdf", public_id=training.public_id, certificate_id=certificate.public_id)


@login_required
@require_safe
def trainer_certificate_pdf(request: AuthenticatedRequest, certificate_id) -> HttpResponseBase:
    certificate = selectors.get_trainer_certificate_for_user(request.user, certificate_id)
    try:
        handle, filename = selectors.certificate_pdf_open(certificate)
    except WorkflowError as error:
        return _error_page(request, error, back_url=TRAINER_CERTIFICATES_URL)
    return _download(handle, filename, "application/pdf")


@login_required
@require_POST
def trainer_certificate_issue(request: AuthenticatedRequest, scheme_code: str) -> HttpResponseBase:
    trainer = trainer_of(request.user)
    if trainer is None:
        return _error_page(
            request, WorkflowError("not_a_trainer", "Cette page est réservée aux formateurs.", status=404)
        )
    scheme = get_object_or_404(Scheme, code=scheme_code.upper())
    try:
        certificate = services.trainer_certificate_issue(by=request.user, trainer=trainer, scheme=scheme)
    except WorkflowError as error:
        return _error_page(request, error, back_url=TRAINER_CERTIFICATES_URL)
    return redirect("certificates:trainer_certificate_pdf", certificate_id=certificate.public_id)
