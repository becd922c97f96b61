"""Bearer-token authentication with a per-token rate limit, and a per-IP limit on calls without a valid token."""

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer

from certiprev.accounts.api_tokens import api_token_authenticate
from certiprev.lib.rate_limits import rate_limit_check

from .models import ApiToken


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cpk_…`; the request then acts as the token's user."""

    openapi_description = "Jeton personnel créé depuis la page « Mon compte » ou par `create_api_token <email>`."

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
