"""Bearer-token authentication with a per-token rate limit, and a per-IP limit on calls without a valid token."""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.security import HttpBearer

from .errors import RateLimited
from .models import ApiToken
from .services import api_token_authenticate

WINDOW_SECONDS = 60


def rate_limit_check(*, key: str, limit: int, window: int = WINDOW_SECONDS, what: str = "requests") -> None:
    """Fixed-window counter in Django's cache; raises RateLimited past `limit` requests in the current window.

    The counter lives in the default cache: per process with the default LocMemCache (so with N web processes a
    token gets up to N × limit), shared by all processes with a shared cache (CACHE_URL=redis://…).
    """
    if limit <= 0:
        return
    now = time.time()
    window_index = int(now // window)
    cache_key = f"api-rate:{key}:{window_index}"
    if cache.add(cache_key, 1, timeout=window + 5):
        return
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.add(cache_key, 1, timeout=window + 5)
        return
    if count > limit:
        retry_after = max(1, int((window_index + 1) * window - now) + 1)
        raise RateLimited(retry_after=retry_after, limit=limit, what=what)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cpk_…`; the request then acts as the token's user."""

    openapi_description = "Jeton personnel créé depuis la page « Mon compte » ou par `create_api_token <email>`."

    def __call__(self, request: HttpRequest):
        result = super().__call__(request)
        if result is None:
            # No token or a bad one: counted per IP (REMOTE_ADDR, as the sign-in throttle), so guessing is slow.
            rate_limit_check(
                key=f"anonymous:{(request.META.get('REMOTE_ADDR') or '')[:45]}",
                limit=getattr(settings, "API_ANONYMOUS_RATE_LIMIT", 60),
                what="anonymous",
            )
        return result

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = api_token_authenticate(token.strip())
        if api_token is None:
            return None
        rate_limit_check(key=f"token:{api_token.pk}", limit=getattr(settings, "API_RATE_LIMIT", 600))
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token
