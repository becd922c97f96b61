"""API tokens of a user: creation (shown once), revocation, the per-user cap, and the lookup behind
`Authorization: Bearer`. Domain services called by the account page, the API and the admin; the model stays in the
`api` app (its owner since the first migration)."""

from __future__ import annotations

import datetime as dt
import secrets
import time
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Model, QuerySet
from django.db.models.base import ModelState
from django.utils import timezone

from certiprev.api.models import TOKEN_PREFIX, VISIBLE_CHARS, ApiToken, token_digest
from certiprev.audit.services import audit_event_record
from certiprev.lib.errors import WorkflowError

if TYPE_CHECKING:
    from certiprev.accounts.models import User

MAX_NAME = 100
M = TypeVar("M", bound=Model)
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
        api_token_cache_forget(token.digest)
        transaction.on_commit(lambda: api_token_cache_forget(token.digest))
        audit_event_record(by=by, action="api_token_revoke", target=token.user, data={"prefix": token.prefix})
    return token


# The lookup behind every API call, held in process for API_TOKEN_CACHE_SECONDS (default 5 s): the token, its user
# (with the trainer) and the user's organisation ids, by digest. So a token revoked, a user deactivated or a membership
# changed by another process is seen within that bound; the process revoking a token forgets it at once, the one
# changing a membership (organisations.services) forgets all at commit. Each request
# gets its own copies (views may annotate `request.user`). Bounded in size: past MAX_CACHED_TOKENS it starts afresh.
MAX_CACHED_TOKENS = 10_000
_cached_tokens: dict[str, tuple[float, ApiToken, list[tuple[int, int | None, str]]]] = {}


def api_token_cache_forget(digest: str | None = None) -> None:
    """Forget one token (or all of them) in this process."""
    if digest is None:
        _cached_tokens.clear()
    else:
        _cached_tokens.pop(digest, None)


def _token_load(digest: str) -> ApiToken | None:
    try:
        # get(), not first(): no ORDER BY/LIMIT to build on the hottest query of the API (digest is unique).
        return ApiToken.objects.select_related("user", "user__trainer").get(digest=digest, revoked_at__isnull=True)
    except ApiToken.DoesNotExist:
        return None


def _instance_copy(instance: M) -> M:
    """What copy.copy() makes of a model instance (Model.__getstate__: its attributes, its own state and cache of
    related objects), without the pickling protocol copy.copy() goes through: this runs twice per API call."""
    clone = instance.__class__.__new__(instance.__class__)
    clone.__dict__.update(instance.__dict__)
    state = ModelState()
    state.__dict__.update(instance._state.__dict__)
    state.fields_cache = dict(instance._state.fields_cache)
    clone._state = state
    return clone


def _request_copy(token: ApiToken, memberships: list[tuple[int, int | None, str]]) -> ApiToken:
    user = _instance_copy(token.user)
    # trainings.selectors.membership_rows_of's per-request cache: (organisation id, entity id, role) of each membership
    user._certiprev_membership_rows = list(memberships)  # type: ignore[attr-defined]
    mine = _instance_copy(token)
    mine._state.fields_cache["user"] = user  # what `mine.user = user` does, the user_id being the same
    return mine


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The active token matching `raw`, with its user (and the user's trainer) loaded; None otherwise."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    digest = token_digest(raw)
    bound = settings.API_TOKEN_CACHE_SECONDS
    moment = time.time()
    cached = _cached_tokens.get(digest) if bound > 0 else None
    if cached is not None and 0 <= moment - cached[0] < bound:
        _, token, memberships = cached
    else:
        loaded = _token_load(digest)
        if loaded is None:
            _cached_tokens.pop(digest, None)
            return None
        token = loaded
        memberships = list(token.user.memberships.values_list("organisation_id", "entity_id", "role"))
        if bound > 0:
            if len(_cached_tokens) >= MAX_CACHED_TOKENS:
                _cached_tokens.clear()
            _cached_tokens[digest] = (moment, token, memberships)
    if not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now  # the cached token too: written again LAST_USED_RESOLUTION later
    return _request_copy(token, memberships)


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
