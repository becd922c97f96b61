"""API tokens of a user: creation (shown once), revocation, the per-user cap, and the lookup behind
`Authorization: Bearer`. Domain services called by the account page, the API and the admin; the model stays in the
`api` app (its owner since the first migration)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from certiprev.api.models import TOKEN_PREFIX, VISIBLE_CHARS, ApiToken, token_digest
from certiprev.audit.services import audit_event_record
from certiprev.lib.errors import WorkflowError

if TYPE_CHECKING:
    from certiprev.accounts.models import User

MAX_NAME = 100
# last_used_at is written at most this often per token: a write per request would cost more than the request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def max_tokens_per_user() -> int:
    return getattr(settings, "API_MAX_TOKENS_PER_USER", 20)


@transaction.atomic
def api_token_create(*, by: User | None, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for `user` (by themselves or a network administrator); returns the model and the raw token."""
    if by is not None and by.pk != user.pk and not getattr(by, "is_network_administrator", False):
        raise WorkflowError("forbidden", "Vous ne pouvez créer de jeton que pour vous-même.", status=403)
    if not user.is_active:
        raise WorkflowError("user_inactive", f"Le compte {user.email} est désactivé.", status=409)
    name = " ".join((name or "").split())
    if len(name) > MAX_NAME:
        raise WorkflowError(
            "name_too_long", f"Le nom du jeton ne doit pas dépasser {MAX_NAME} caractères.", field="name"
        )
    # The user row is locked so that two concurrent creations cannot both pass the ceiling.
    get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
    ceiling = max_tokens_per_user()
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= ceiling:
        raise WorkflowError(
            "too_many_tokens",
            f"Ce compte a déjà {ceiling} jetons d'API actifs, le maximum : révoquez-en un avant d'en créer un autre.",
            status=409,
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:VISIBLE_CHARS], digest=token_digest(raw))
    audit_event_record(by=by, action="api_token_create", target=user, data={"prefix": token.prefix, "name": name})
    return token, raw


@transaction.atomic
def api_token_revoke(*, by: User, token: ApiToken) -> ApiToken:
    """Revoke a token: its owner or a network administrator. Revoking twice is harmless."""
    if by.pk != token.user_id and not getattr(by, "is_network_administrator", False):
        raise WorkflowError("forbidden", "Vous ne pouvez révoquer que vos propres jetons.", status=403)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=token.revoked_at)
        audit_event_record(by=by, action="api_token_revoke", target=token.user, data={"prefix": token.prefix})
    return token


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The active token matching `raw`, with its user (and the user's trainer) loaded; None otherwise."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    try:
        # get(), not first(): no ORDER BY/LIMIT to build on the hottest query of the API (digest is unique).
        token = ApiToken.objects.select_related("user", "user__trainer").get(
            digest=token_digest(raw), revoked_at__isnull=True
        )
    except ApiToken.DoesNotExist:
        return None
    if not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
