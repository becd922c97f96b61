"""Request hygiene (NUL characters refused at the door, bodies larger than their view accepts refused before they
are read) and the Content-Security-Policy of every page."""

import functools
import secrets
from collections.abc import Callable

from django.http import HttpResponseBadRequest, JsonResponse

_NUL_MARKERS = ("%00", "\x00")
API_PREFIX = "/api/"


def is_api_request(request) -> bool:
    """Under /api/ (the URL path as routed, without any script prefix): JSON answers, token authentication."""
    return request.path_info.startswith(API_PREFIX)


class RejectNullCharactersMiddleware:
    """Query strings carrying a NUL character are refused: PostgreSQL refuses it in any text value."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if any(marker in query for marker in _NUL_MARKERS):  # (ids in paths are parsed by the views: 404)
            if is_api_request(request):
                return JsonResponse(
                    {
                        "detail": "La requête contient un caractère nul (%00) interdit.",
                        "code": "invalid",
                        "errors": [],
                    },
                    status=400,
                )
            return HttpResponseBadRequest("Requête invalide : elle contient un caractère nul (%00).".encode())
        return self.get_response(request)


def request_content_length(request) -> int:
    """The announced body size; Django reads no body without a valid Content-Length, so 0 then."""
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def limit_request_size(max_bytes: int, refuse: Callable) -> Callable:
    """Decorate a view whose request body may not exceed `max_bytes`: `refuse(request, length, *args, **kwargs)`
    answers instead. `RequestSizeLimitMiddleware` applies it before the CSRF check, which reads `request.POST` and so
    would first stream a whole upload to disk; the view applies it again if the middleware is missing."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            length = request_content_length(request)
            if length > max_bytes:
                return refuse(request, length, *args, **kwargs)
            return view(request, *args, **kwargs)

        # Carried up through outer decorators (functools.wraps copies __dict__).
        wrapper.max_request_bytes = max_bytes  # type: ignore[attr-defined]
        wrapper.refuse_too_large = refuse  # type: ignore[attr-defined]
        return wrapper

    return decorator


class RequestSizeLimitMiddleware:
    """Refuses a body larger than its view declares (`limit_request_size`) from its Content-Length, unread.

    A lying Content-Length cannot help: Django never reads past it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = getattr(view_func, "max_request_bytes", None)
        if limit is not None and request_content_length(request) > limit:
            return view_func.refuse_too_large(request, request_content_length(request), *view_args, **view_kwargs)
        return None


class _Nonce:
    """A per-request CSP nonce, drawn only if a template asks for it (so cached pages keep a stable header)."""

    __slots__ = ("_value",)

    def __init__(self) -> None:
        self._value: str | None = None

    def __str__(self) -> str:
        if self._value is None:
            self._value = secrets.token_urlsafe(18)
        return self._value

    @property
    def used(self) -> bool:
        return self._value is not None


def content_security_policy(nonce: str | None = None) -> str:
    """Same-origin files only; an inline <script> or <style> runs only with the request's nonce."""
    own = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {own}",
            f"style-src {own}",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


_POLICY_WITHOUT_NONCE = content_security_policy()  # most responses: built once, not per request


class ContentSecurityPolicyMiddleware:
    """Every response gets a CSP unless its view set a stricter one (the verification page /V does)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = _Nonce()
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            nonce = request.csp_nonce
            response["Content-Security-Policy"] = (
                content_security_policy(str(nonce)) if nonce.used else _POLICY_WITHOUT_NONCE
            )
        return response


def csp_nonce(request) -> dict:
    """Context processor: `<style nonce="{{ csp_nonce }}">` for the few inline blocks a template needs."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
