"""The published lists under /.well-known/certiprev/ (downloads of certificate files: certiprev/www/downloads/)."""

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.http import parse_etags
from django.views.decorators.http import require_safe

from . import documents
from .keys import KeyUnavailable

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
        response = JsonResponse(
            {"detail": "La liste est momentanément indisponible.", "code": "list_unavailable"}, status=503
        )
        response["Retry-After"] = "60"
        return response
    if _matches(request, document.etag):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(document.body, content_type=document.content_type)
    response["ETag"] = document.etag
    response["Cache-Control"] = document.cache_control
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def keys_json(request: HttpRequest) -> HttpResponse:
    return _published(request, documents.keys_document)


@require_safe
def revoked_json(request: HttpRequest) -> HttpResponse:
    return _published(request, documents.revoked_document)


@require_safe
def organisations_json(request: HttpRequest) -> HttpResponse:
    return _published(request, documents.organisations_document)
