from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from . import throttle


class EmailBackend(ModelBackend):
    """Sign in by e-mail, case-insensitively, under the sign-in lock (accounts.throttle) whatever the form.

    A locked (e-mail, IP) or IP is refused before the password is even checked, so the right password does not
    get in while locked; each refusal of a wrong password is counted.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = kwargs.get("email") or username
        if email is None or password is None:
            return None
        ip = throttle.client_ip(request)
        if throttle.seconds_locked(email, ip):
            raise PermissionDenied  # authenticate() stops here: no other backend is asked
        user = super().authenticate(request, username=email.strip().lower(), password=password)
        if user is None:
            throttle.record_failure(email, ip)
        else:
            throttle.clear(email, ip)
        return user
