"""Django's session, authentication, language and message middleware, for the pages only.

The API (everything under /api/) authenticates each call by its bearer token, keeps no session, shows no flash
message and answers in French whatever the Accept-Language (the only language: settings.LANGUAGES). Run on an API
call, these four cost ≈ 0.13 ms of its ≈ 0.6 ms in Django (issue 14, ADR 0019) and change nothing in its answer
but two headers (`Vary: Accept-Language` and `Content-Language: fr`), so an API call passes straight through them.
Every other middleware (host validation, security headers, CSP, CSRF, size limits) still runs for it.

The classes are subclasses of Django's, so Django's and the admin's system checks still recognise them.
"""

from django.contrib.auth import middleware as auth
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.middleware import locale
from django.utils.deprecation import MiddlewareMixin

from .middleware import is_api_request


class _PagesOnly(MiddlewareMixin):
    """A request under /api/ goes straight to the next middleware; a page goes through this one."""

    def __call__(self, request):
        if is_api_request(request):
            return self.get_response(request)
        return super().__call__(request)


class SessionMiddleware(_PagesOnly, sessions.SessionMiddleware):
    pass


class AuthenticationMiddleware(auth.AuthenticationMiddleware):
    """On an API call, `request.user` is anonymous until its token authenticates it (api.auth.TokenAuth)."""

    def __call__(self, request):
        if is_api_request(request):
            request.user = AnonymousUser()
            return self.get_response(request)
        return super().__call__(request)


class LocaleMiddleware(_PagesOnly, locale.LocaleMiddleware):
    pass


class MessageMiddleware(_PagesOnly, messages.MessageMiddleware):
    pass
