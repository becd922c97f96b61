"""Downloads of certificate files (permission-checked) and the published lists under /.well-known/certiprev/."""

import logging
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import parse_etags
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from certiprev.catalog.models import Scheme
from certiprev.lib.errors import WorkflowError
from certiprev.lib.zipper import attachment_disposition
from certiprev.trainings.models import Training
from certiprev.trainings.selectors import get_training_for_user, trainer_of

from . import documents, selectors, services
from .signing_keys import KeyUnavailable

logger = logging.getLogger(__name__)

TRAINER_CERTIFICATES_URL = "/formateur/certificats/"  # the "Mes certificats" page (certiprev.www)
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
        "certificates/error.html",
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


def _training_for_files(request: HttpRequest, public_id) -> Training:
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
def training_zip(request: HttpRequest, public_id) -> HttpResponse:
    training = _training_for_files(request, public_id)
    try:
        handle, filename = selectors.training_zip_open(training)
    except WorkflowError as error:
        return _error_page(request, error, back_url=_session_url(training))
    return _download(handle, filename, "application/zip")


@login_required
@require_safe
def certificate_pdf(request: HttpRequest, public_id, certificate_id) -> HttpResponse:
    training = _training_for_files(request, public_id)
    certificate = selectors.get_certificate_of_training(training, certificate_id)
    try:
        handle, filename = selectors.certificate_pdf_open(certificate)
    except WorkflowError as error:
        return _error_page(request, error, back_url=_session_url(training))
    return _download(handle, filename, "application/pdf")


@login_required
@require_POST
def certificate_duplicate(request: HttpRequest, public_id, certificate_id) -> HttpResponse:
    training = _training_for_files(request, public_id)
    certificate = selectors.get_certificate_of_training(training, certificate_id)
    try:
        services.certificate_duplicate_request(by=request.user, certificate=certificate)
    except WorkflowError as error:
        return _error_page(request, error, back_url=_session_url(training))
    return redirect("certificates:certificate_pdf", public_id=training.public_id, certificate_id=certificate.public_id)


@login_required
@require_safe
def trainer_certificate_pdf(request: HttpRequest, certificate_id) -> HttpResponse:
    certificate = selectors.get_trainer_certificate_for_user(request.user, certificate_id)
    try:
        handle, filename = selectors.certificate_pdf_open(certificate)
    except WorkflowError as error:
        return _error_page(request, error, back_url=TRAINER_CERTIFICATES_URL)
    return _download(handle, filename, "application/pdf")


@login_required
@require_POST
def trainer_certificate_issue(request: HttpRequest, scheme_code: str) -> HttpResponse:
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


# ---------------------------------------------------------------------------------------------------------------
# /.well-known/certiprev/*.json — public, cacheable, readable from any origin (third-party verifiers)


def _matches(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    candidates = parse_etags(header)
    return "*" in candidates or etag in {candidate.removeprefix("W/") for candidate in candidates}


def _published(request: HttpRequest, build: Callable[[], documents.PublishedDocument]) -> HttpResponse:
    try:
        document = build()
    except KeyUnavailable:
        logger.exception("a published list cannot be signed")
        response = JsonResponse(
            {"detail": "La liste est momentanément indisponible.", "code": "list_unavailable"}, status=503
        )
        response["Retry-After"] = "60"
        return response
    if _matches(request, document.etag):
        response = HttpResponse(status=304)
        del response["Content-Type"]  # a 304 has no body: no text/html default (RFC 9110 §15.4.5)
    else:
        response = HttpResponse(document.body, content_type=document.content_type)
    response["ETag"] = document.etag
    response["Cache-Control"] = document.cache_control
    _cors(response)
    # The same bytes whatever the language: LocaleMiddleware must not add "Vary: Accept-Language" (split caches).
    response._certiprev_no_vary_language = True  # type: ignore[attr-defined]
    return response


def _cors(response: HttpResponse) -> HttpResponse:
    """Readable by a verifier on any origin, ETag included (for its own If-None-Match)."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag"
    return response


def _preflight() -> HttpResponse:
    response = _cors(HttpResponse(status=204))
    del response["Content-Type"]
    response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = "If-None-Match"
    response["Access-Control-Max-Age"] = "86400"
    response["Allow"] = "GET, HEAD, OPTIONS"
    return response


def _list_view(build: Callable[[], documents.PublishedDocument]) -> Callable[[HttpRequest], HttpResponse]:
    @require_http_methods(["GET", "HEAD", "OPTIONS"])
    def view(request: HttpRequest) -> HttpResponse:
        if request.method == "OPTIONS":
            return _preflight()
        return _published(request, build)

    return view


keys_json = _list_view(documents.keys_document)
revoked_json = _list_view(documents.revoked_document)
organisations_json = _list_view(documents.organisations_document)
