"""Throttling of failed sign-ins per (e-mail, IP): a few tries, then a wait that the person is told about."""

from __future__ import annotations

import datetime as dt
import math

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from certiprev.www.models import LoginThrottle

MAX_FAILURES = 5
WINDOW = dt.timedelta(minutes=15)
LOCK = dt.timedelta(minutes=15)


def client_ip(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted proxy rewrites it.
    return (request.META.get("REMOTE_ADDR") or "inconnue")[:45]


def _key(email: str) -> str:
    return (email or "").strip().lower()[:254]


def seconds_locked(email: str, ip: str) -> int:
    """Seconds until this (e-mail, IP) may try again; 0 when not locked."""
    row = LoginThrottle.objects.filter(email=_key(email), ip_address=ip).only("locked_until").first()
    if row is None or row.locked_until is None:
        return 0
    remaining = (row.locked_until - timezone.now()).total_seconds()
    return max(0, math.ceil(remaining))


@transaction.atomic
def record_failure(email: str, ip: str) -> int:
    """Count one failure; returns the seconds of the lock it starts (0 when more tries remain)."""
    now = timezone.now()
    row, _created = LoginThrottle.objects.select_for_update().get_or_create(
        email=_key(email), ip_address=ip, defaults={"window_start": now}
    )
    if row.window_start < now - WINDOW or (row.locked_until is not None and row.locked_until <= now):
        row.failures, row.window_start, row.locked_until = 0, now, None
        row.save(update_fields=["failures", "window_start", "locked_until"])
    LoginThrottle.objects.filter(pk=row.pk).update(failures=F("failures") + 1)
    row.refresh_from_db(fields=["failures"])
    if row.failures >= MAX_FAILURES:
        row.locked_until = now + LOCK
        row.save(update_fields=["locked_until"])
        return int(LOCK.total_seconds())
    return 0


def clear(email: str, ip: str) -> None:
    LoginThrottle.objects.filter(email=_key(email), ip_address=ip).delete()


def wait_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return (
        f"Trop de tentatives de connexion échouées pour cette adresse. Par sécurité, attendez {minutes} {unit} "
        "avant de réessayer, ou réinitialisez votre mot de passe."
    )
