"""The published lists under /.well-known/certiprev/ (downloads of certificate files: certiprev/www/downloads/)."""

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.http import parse_etags
from django.views.decorators.http import require_http_methods

from . import documents
from .signing_keys import KeyUnavailable

logger = logging.getLogger(__name__)


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
        response: HttpResponse = JsonResponse(
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
