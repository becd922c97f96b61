"""The request type of the API's endpoints (annotations only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from certiprev.accounts.http import AuthenticatedRequest

if TYPE_CHECKING:
    from .models import ApiToken


class ApiRequest(AuthenticatedRequest):
    """A request `TokenAuth` let through: the token's user and the token itself (`auth.py`)."""

    api_token: ApiToken
