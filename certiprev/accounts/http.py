"""Request types for code that only signed-in users reach: annotations for the type checker, nothing at runtime."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from certiprev.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """A request behind `login_required` or the API's token check: `user` is a `User`, never anonymous."""

    user: User
