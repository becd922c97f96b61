"""Invitation links: a password-reset-style token with its own salt and a longer life."""

import datetime as dt

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

INVITATION_DAYS = 14


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Valid 14 days; like a reset token it dies once the password is set (the hash is part of the token)."""

    key_salt = "certiprev.www.accounts.InvitationTokenGenerator"  # its former home: a new salt voids sent links

    def check_token(self, user, token) -> bool:
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            return False
        age = self._num_seconds(self._now()) - ts
        return age <= dt.timedelta(days=INVITATION_DAYS).total_seconds()


invitation_token_generator = InvitationTokenGenerator()
