"""Every error of the API is JSON `{"detail": <French>, "code": <stable code>, "errors": [...]}`.

The NinjaAPI exception handlers below cover what happens inside an operation; `guard` wraps the URL callbacks to
turn what happens around them (unknown path, wrong method, body too large, a crash) into the same shape.
"""

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from certiprev.lib.errors import WorkflowError
from certiprev.lib.rate_limits import RateLimited

logger = logging.getLogger("certiprev.api")

DEFAULT_MAX_REQUEST_BYTES = 3 * 1024 * 1024


class ApiError(Exception):
    """An error the API raises itself (outside the domain services)."""

    def __init__(self, status: int, code: str, detail: str, *, errors: list | None = None, **extra: Any):
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail
        self.errors = errors or []
        self.extra = extra


def error_body(detail: str, code: str, errors: list | None = None, **extra: Any) -> dict[str, Any]:
    return {"detail": detail, "code": code, "errors": errors or [], **extra}


def error_response(status: int, detail: str, code: str, errors: list | None = None, **extra: Any) -> JsonResponse:
    return JsonResponse(
        error_body(detail, code, errors, **extra), status=status, json_dumps_params={"ensure_ascii": False}
    )


STATUS_DEFAULTS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "Requête invalide."),
    401: ("unauthenticated", "Authentification requise : envoyez l'en-tête « Authorization: Bearer <jeton> »."),
    403: ("forbidden", "Vous n'avez pas le droit de faire cela."),
    404: ("not_found", "Ressource introuvable."),
    405: ("method_not_allowed", "Méthode HTTP non autorisée sur cette adresse."),
    406: ("not_acceptable", "Format de réponse non disponible : cette API répond en JSON."),
    409: ("conflict", "Conflit avec l'état actuel de la ressource."),
    410: ("gone", "Cette ressource n'est plus disponible."),
    413: ("request_too_large", "La requête est trop volumineuse."),
    415: ("unsupported_media_type", "Type de contenu non pris en charge."),
    422: ("invalid", "Données invalides."),
    429: ("rate_limited", "Trop de requêtes : réessayez plus tard."),
    500: ("internal_error", "Erreur interne : l'incident a été enregistré. Réessayez plus tard."),
}


def default_error(status: int) -> JsonResponse:
    code, detail = STATUS_DEFAULTS.get(status, ("error", "Erreur."))
    return error_response(status, detail, code)


# ---------------------------------------------------------------------------------------------------------------
# Validation errors of the request (pydantic) rewritten in French

_LOCATIONS = {
    "body": "corps",
    "query": "paramètre",
    "path": "chemin",
    "form": "formulaire",
    "file": "fichier",
    "header": "en-tête",
    "cookie": "cookie",
}


def _describe(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "Ce champ est obligatoire."
    if kind in {"string_too_long", "too_long"}:
        limit = ctx.get("max_length")
        return (
            f"Trop long : {limit} caractères au maximum."
            if kind == "string_too_long"
            else (f"Trop d'éléments : {limit} au maximum.")
        )
    if kind in {"string_too_short", "too_short"}:
        limit = ctx.get("min_length")
        if kind == "string_too_short":
            return "Ce champ ne peut pas être vide." if limit == 1 else f"Trop court : {limit} caractères au minimum."
        return f"Pas assez d'éléments : {limit} au minimum."
    if kind == "string_type":
        return "Texte attendu."
    if kind.startswith("date") or kind.startswith("datetime"):
        if kind.startswith("datetime"):
            return "Date et heure invalides : format attendu AAAA-MM-JJ ou AAAA-MM-JJTHH:MM:SS."
        return "Date invalide : format attendu AAAA-MM-JJ (par exemple 2025-03-14)."
    if kind.startswith("bool"):
        return "Valeur booléenne attendue : true ou false."
    if kind.startswith("int") or kind.startswith("float") or kind.startswith("decimal"):
        return "Nombre attendu."
    if kind in {"greater_than_equal", "greater_than"}:
        return f"Doit être supérieur ou égal à {ctx.get('ge', ctx.get('gt'))}."
    if kind in {"less_than_equal", "less_than"}:
        return f"Doit être inférieur ou égal à {ctx.get('le', ctx.get('lt'))}."
    if kind in {"literal_error", "enum"}:
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", " ou ")
        return f"Valeur non autorisée : valeurs possibles {expected}." if expected else "Valeur non autorisée."
    if kind.startswith("uuid"):
        return "Identifiant invalide : un UUID est attendu."
    if kind in {"list_type", "tuple_type", "set_type"}:
        return "Liste attendue."
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return "Objet JSON attendu."
    if kind == "json_invalid":
        return "Le corps de la requête n'est pas du JSON valide."
    if kind == "extra_forbidden":
        return "Champ inconnu."
    if kind.startswith("url"):
        return "Adresse (URL) invalide."
    if kind == "value_error":
        message = str(ctx.get("error", "")) or error.get("msg", "")
        return message.removeprefix("Value error, ") or "Valeur invalide."
    return "Valeur invalide."


def _field_and_location(loc: tuple | list) -> tuple[str, str]:
    parts = [str(part) for part in loc]
    location = parts[0] if parts and parts[0] in _LOCATIONS else ""
    rest = parts[1:] if location else parts
    # ninja puts the parameter name (e.g. "payload") before the field names of a body schema.
    if location in {"body", "form", "file"} and len(rest) > 1:
        rest = rest[1:]
    elif location in {"body", "form", "file"} and len(rest) == 1 and rest[0] in {"payload", "data"}:
        rest = []
    return ".".join(rest), location


def validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    result = []
    for error in errors:
        field, location = _field_and_location(error.get("loc", ()))
        result.append({"field": field or None, "location": location or None, "message": _describe(error)})
    return result


def validation_response(errors: list[dict[str, Any]]) -> JsonResponse:
    items = validation_errors(errors)
    if not items:
        return error_response(422, "Données invalides.", "invalid")
    first = items[0]
    where = f" ({first['field']})" if first["field"] else ""
    return error_response(422, f"Données invalides{where} : {first['message']}", "invalid", items)


# ---------------------------------------------------------------------------------------------------------------
# NinjaAPI exception handlers


def install_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(WorkflowError)
    def on_workflow_error(request: HttpRequest, exc: WorkflowError) -> HttpResponse:
        errors = exc.errors or ([{"field": exc.field, "message": exc.message}] if exc.field else [])
        return error_response(exc.status, exc.message, exc.code, errors)

    @api.exception_handler(ApiError)
    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(exc.status, exc.detail, exc.code, exc.errors, **exc.extra)

    @api.exception_handler(ValidationError)
    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return validation_response(exc.errors)

    @api.exception_handler(AuthenticationError)
    def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        if header:
            response = error_response(401, "Jeton d'API invalide, révoqué ou compte désactivé.", "invalid_token")
        else:
            response = default_error(401)
        response["WWW-Authenticate"] = 'Bearer realm="certiprev"'
        return response

    @api.exception_handler(RateLimited)
    def on_rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        who = "depuis cette adresse IP sans jeton valide" if exc.what == "anonymous" else "pour ce jeton"
        detail = f"Trop de requêtes : {exc.limit} par minute au maximum {who}. Réessayez dans {exc.retry_after} s."
        response = error_response(429, detail, "rate_limited", retry_after=exc.retry_after)
        response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:
            return error_response(400, "Le corps de la requête n'est pas du JSON valide.", "malformed_body")
        return default_error(exc.status_code)

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        message = str(exc)
        # Only our own French messages ("Session introuvable.") are shown; Django's English ones are not.
        if not message.endswith("introuvable."):
            message = STATUS_DEFAULTS[404][1]
        return error_response(404, message, "not_found")

    @api.exception_handler(PermissionDenied)
    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return default_error(403)

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return too_large_response()

    @api.exception_handler(MultiPartParserError)
    def on_bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        return malformed_multipart_response()

    @api.exception_handler(UnreadablePostError)
    def on_unreadable_body(request: HttpRequest, exc: UnreadablePostError) -> HttpResponse:
        return error_response(400, "Le corps de la requête n'a pas pu être lu entièrement.", "malformed_body")

    @api.exception_handler(TooManyFieldsSent)
    def on_too_many_fields(request: HttpRequest, exc: TooManyFieldsSent) -> HttpResponse:
        return error_response(413, "Trop de champs dans la requête.", "request_too_large")

    @api.exception_handler(DjangoValidationError)
    def on_django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        messages = [str(m) for m in exc.messages] or ["Données invalides."]
        return error_response(422, messages[0], "invalid", [{"field": None, "message": m} for m in messages])

    @api.exception_handler(IntegrityError)
    def on_integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        logger.warning("API integrity error on %s %s: %s", request.method, request.path, exc)
        return error_response(
            409, "La ressource vient d'être modifiée par ailleurs : rechargez-la et recommencez.", "conflict"
        )

    @api.exception_handler(DataError)
    def on_data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
        # The database refused a value (a NUL character, a number out of range): the client's data, not a crash.
        logger.warning("API data refused by the database on %s %s: %s", request.method, request.path, exc)
        return error_response(
            422, "Données refusées : une valeur contient des caractères interdits ou dépasse les limites.", "invalid"
        )

    @api.exception_handler(Exception)
    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("Unexpected API error on %s %s", request.method, request.path)
        return default_error(500)


def malformed_multipart_response() -> JsonResponse:
    return error_response(
        400,
        "Corps multipart/form-data illisible : l'en-tête Content-Type doit porter un « boundary » valide "
        "et le corps le respecter.",
        "malformed_body",
    )


def too_large_response() -> JsonResponse:
    limit = max_request_bytes()
    return error_response(
        413, f"La requête est trop volumineuse : {limit // (1024 * 1024)} Mo au maximum.", "request_too_large"
    )


def max_request_bytes() -> int:
    return getattr(settings, "API_MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES)


# ---------------------------------------------------------------------------------------------------------------
# Around the operations


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def guard(view: Callable) -> Callable:
    """Size limit before the body is read; JSON instead of Django's HTML for errors raised around ninja."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error_response(400, "En-tête Content-Length invalide.", "bad_request")
        if length > max_request_bytes():
            return too_large_response()
        try:
            response = view(request, *args, **kwargs)
        except Http404:  # raised by ninja's own views (the API root)
            return not_found(request)
        except MultiPartParserError:  # the body is parsed before the operation runs (no boundary, bad framing)
            return malformed_multipart_response()
        except Exception:  # a last resort: ninja's handlers normally answer first
            logger.exception("Unexpected API error on %s %s", request.method, request.path)
            return default_error(500)
        if response.status_code >= 400 and not _is_json(response):
            replacement = default_error(response.status_code)
            if response.status_code == 405 and response.has_header("Allow"):
                replacement["Allow"] = response["Allow"]
            return replacement
        return response

    return wrapper


def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Any path under /api/v1/ that no operation serves."""
    return error_response(404, "Adresse inconnue dans l'API : voir /api/v1/docs.", "not_found")


not_found.csrf_exempt = True  # type: ignore[attr-defined]
