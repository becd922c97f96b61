"""Throttling of failed sign-ins, shared by every way in (web sign-in, Django admin, password reset).

Two counters in the database (every web process sees the same): per (e-mail, IP), a few tries then a wait the
person is told about; per IP whatever the e-mail, a higher ceiling, so that one address cannot try many accounts.
The authentication backend enforces them, so a form that calls `authenticate()` cannot forget the lock.
"""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from .models import LoginThrottle

MAX_FAILURES = 5
WINDOW = dt.timedelta(minutes=15)
LOCK = dt.timedelta(minutes=15)
ANY_EMAIL = ""  # the e-mail of the per-IP counter (a real address is never empty)


def ip_max_failures() -> int:
    """Failures from one IP, all e-mails together, before the IP is locked (setting LOGIN_IP_MAX_FAILURES)."""
    return getattr(settings, "LOGIN_IP_MAX_FAILURES", 50)


def client_ip(request: HttpRequest | None) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted proxy rewrites it.
    if request is None:
        return "inconnue"
    return (request.META.get("REMOTE_ADDR") or "inconnue")[:45]


def _key(email: str) -> str:
    return (email or "").strip().lower()[:254]


def _seconds(locked_until: dt.datetime | None, now: dt.datetime) -> int:
    if locked_until is None:
        return 0
    return max(0, math.ceil((locked_until - now).total_seconds()))


def seconds_locked(email: str, ip: str) -> int:
    """Seconds until this (e-mail, IP) may try again, counting the IP's own lock; 0 when not locked."""
    rows = LoginThrottle.objects.filter(email__in={_key(email), ANY_EMAIL}, ip_address=ip).values_list(
        "locked_until", flat=True
    )
    now = timezone.now()
    return max((_seconds(locked_until, now) for locked_until in rows), default=0)


def ip_seconds_locked(ip: str) -> int:
    """Seconds until this IP may try again (its ceiling reached); 0 when not locked."""
    row = LoginThrottle.objects.filter(email=ANY_EMAIL, ip_address=ip).only("locked_until").first()
    return _seconds(row.locked_until, timezone.now()) if row is not None else 0


def _count(email: str, ip: str, ceiling: int, now: dt.datetime) -> int:
    row, _created = LoginThrottle.objects.select_for_update().get_or_create(
        email=email, ip_address=ip, defaults={"window_start": now}
    )
    if row.window_start < now - WINDOW or (row.locked_until is not None and row.locked_until <= now):
        row.failures, row.window_start, row.locked_until = 0, now, None
        row.save(update_fields=["failures", "window_start", "locked_until"])
    LoginThrottle.objects.filter(pk=row.pk).update(failures=F("failures") + 1)
    row.refresh_from_db(fields=["failures"])
    if row.failures >= ceiling and row.locked_until is None:
        row.locked_until = now + LOCK
        row.save(update_fields=["locked_until"])
    return _seconds(row.locked_until, now)


@transaction.atomic
def record_failure(email: str, ip: str) -> int:
    """Count one failure for the (e-mail, IP) and for the IP; returns the seconds of the lock now in force."""
    now = timezone.now()
    by_email = _count(_key(email), ip, MAX_FAILURES, now)
    by_ip = _count(ANY_EMAIL, ip, ip_max_failures(), now)
    return max(by_email, by_ip)


@transaction.atomic
def record_attempt(ip: str) -> int:
    """Count a password-reset request against the IP's ceiling; returns the seconds of the IP's lock."""
    return _count(ANY_EMAIL, ip, ip_max_failures(), timezone.now())


@transaction.atomic
def clear(email: str, ip: str) -> None:
    """A successful sign-in clears its (e-mail, IP) counter and takes its failures off the IP's counter.

    Only its own failures: signing in to one's own account between guesses at others must not reset the ceiling.
    """
    row = LoginThrottle.objects.select_for_update().filter(email=_key(email) or None, ip_address=ip).first()
    if row is None:
        return
    row.delete()
    ip_row = LoginThrottle.objects.select_for_update().filter(email=ANY_EMAIL, ip_address=ip).first()
    if ip_row is not None and ip_row.failures <= row.failures:
        ip_row.delete()
    elif ip_row is not None:
        LoginThrottle.objects.filter(pk=ip_row.pk).update(failures=ip_row.failures - row.failures)


def wait_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return (
        f"Trop de tentatives de connexion échouées pour cette adresse. Par sécurité, attendez {minutes} {unit} "
        "avant de réessayer, ou réinitialisez votre mot de passe."
    )


def reset_wait_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return (
        f"Trop de demandes depuis votre connexion. Par sécurité, attendez {minutes} {unit} avant de demander un "
        "nouveau lien."
    )
