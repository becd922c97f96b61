"""What server-side verification reads, held in process: public keys, revoked ids, scheme and organisation names.

A check (`card_checks.certificate_verify`, the API's POST /api/v1/verify, the MAC enrolment's old card) then makes
no query in the steady state. Staleness bound: VERIFICATION_CACHE_SECONDS (default 5 s). Past it, the next check
reads one stamp of the revocations (count and latest `revoked_at`) and one of the keys (count and latest
`updated_at`); the keys and the revoked set are reloaded only if a stamp moved, and in any case every
VERIFICATION_RELOAD_SECONDS (a safety net for a change no stamp shows, e.g. a revoked row deleted while another is
revoked in the same second). Names (schemes, organisations) are forgotten at the same bound and read again lazily.

So a revocation or a key change made by any process is seen by every other within VERIFICATION_CACHE_SECONDS; the
process that makes it forgets its state at commit (`verification_state_forget`), so it sees it at once.

The state is an immutable snapshot swapped in one assignment: threads of a gthread worker read it without a lock
(two threads refreshing at once each run the stamp query; harmless).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max

from certiprev.catalog.models import Scheme
from certiprev.lib import cp1
from certiprev.organisations.models import Organisation

from .models import Certificate, SigningKey

Stamp = tuple[object, ...]


def _bound() -> float:
    return float(settings.VERIFICATION_CACHE_SECONDS)


def _reload_every() -> float:
    return float(settings.VERIFICATION_RELOAD_SECONDS)


@dataclass(frozen=True)
class SchemeName:
    code: str
    name: str


@dataclass(frozen=True)
class OrganisationName:
    name: str
    public_id: str


@dataclass
class _Snapshot:
    keys: tuple[cp1.PublicKeyEntry, ...]
    revoked: frozenset[bytes]
    stamp: Stamp
    loaded_at: float
    checked_at: float
    # Filled lazily, per id: a lookup costs one query per scheme or organisation per bound, never per check.
    schemes: dict[int, SchemeName | None] = field(default_factory=dict)
    organisations: dict[int, OrganisationName | None] = field(default_factory=dict)


def _stamp() -> Stamp:
    revoked = Certificate.objects.revoked().aggregate(n=Count("id"), last=Max("revoked_at"))
    keys = SigningKey.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return (revoked["n"], revoked["last"], keys["n"], keys["last"])


class VerificationState:
    """One process's view; `verification_state` below is the one the product uses (tests make more, as if they
    were other processes)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        # Wall-clock seconds (time-machine moves them in tests); a clock going backwards counts as expired.
        self._clock = clock
        self._snapshot: _Snapshot | None = None

    def forget(self) -> None:
        self._snapshot = None

    def _load(self, now: float, stamp: Stamp | None = None) -> _Snapshot:
        stamp = stamp if stamp is not None else _stamp()
        keys = tuple(key.entry() for key in SigningKey.objects.order_by("kid"))
        ids = Certificate.objects.revoked().values_list("revocation_id", flat=True).distinct()
        revoked = frozenset(bytes.fromhex(rid) for rid in ids)
        snapshot = _Snapshot(keys=keys, revoked=revoked, stamp=stamp, loaded_at=now, checked_at=now)
        self._snapshot = snapshot
        return snapshot

    def current(self) -> _Snapshot:
        now = self._clock()
        snapshot = self._snapshot
        if snapshot is None:
            return self._load(now)
        age = now - snapshot.checked_at
        if 0 <= age < _bound():
            return snapshot
        if not 0 <= now - snapshot.loaded_at < _reload_every():
            return self._load(now)
        stamp = _stamp()
        if stamp != snapshot.stamp:
            return self._load(now, stamp)
        # Unchanged: keep keys and revocations, start a new period (names are read again, lazily).
        fresh = _Snapshot(
            keys=snapshot.keys, revoked=snapshot.revoked, stamp=stamp, loaded_at=snapshot.loaded_at, checked_at=now
        )
        self._snapshot = fresh
        return fresh

    def keys(self) -> tuple[cp1.PublicKeyEntry, ...]:
        return self.current().keys

    def revoked(self) -> frozenset[bytes]:
        return self.current().revoked

    def scheme(self, qr_code: int) -> SchemeName | None:
        """The scheme a QR code's scheme number names (code, name), or None."""
        names = self.current().schemes
        if qr_code not in names:
            found = Scheme.objects.filter(qr_code=qr_code).values_list("code", "name").first()
            names[qr_code] = SchemeName(*found) if found else None
        return names[qr_code]

    def organisation(self, organisation_id: int) -> OrganisationName | None:
        names = self.current().organisations
        if organisation_id not in names:
            found = Organisation.objects.filter(pk=organisation_id).values_list("name", "public_id").first()
            names[organisation_id] = OrganisationName(found[0], str(found[1])) if found else None
        return names[organisation_id]


verification_state = VerificationState()


def verification_state_forget() -> None:
    """This process reads keys and revocations again: at once (this transaction sees its own change) and after the
    commit (another thread may have reloaded the old state meanwhile)."""
    verification_state.forget()
    transaction.on_commit(verification_state.forget)
