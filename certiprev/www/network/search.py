"""The network administrators' search: sessions, certificates and trainers found from one box (reads only).

A session by its identifier (the UUID of its address), its internal reference, its organisation or its trainer; a
certificate by its holder's name, narrowed by a birth date; a trainer by number or name. A fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field

from django.db.models import Q

from certiprev.certificates.models import Certificate
from certiprev.trainers.models import Trainer
from certiprev.trainings.models import Training

LIMIT = 20  # per kind: a search, not a listing; more results ask for a narrower search


@dataclass
class SearchResults:
    sessions: list[Training] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)
    trainers: list[Trainer] = field(default_factory=list)
    truncated: bool = False  # some kind had more than LIMIT results

    @property
    def count(self) -> int:
        return len(self.sessions) + len(self.certificates) + len(self.trainers)


_UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.IGNORECASE)


def _uuid(text: str) -> uuid.UUID | None:
    """The identifier in a pasted identifier or page address ("…/sessions/<uuid>/"), if any."""
    found = _UUID.search(text)
    return uuid.UUID(found.group()) if found else None


def _first(queryset) -> tuple[list, bool]:
    rows = list(queryset[: LIMIT + 1])
    return rows[:LIMIT], len(rows) > LIMIT


def network_search(q: str, *, born: dt.date | None = None) -> SearchResults:
    """Everything matching `q` (and `born`, for certificates); nothing when both are empty."""
    q = " ".join(q.split())
    results = SearchResults()
    if not q and born is None:
        return results
    identifier = _uuid(q) if q else None
    if identifier is not None:  # a pasted address or identifier: that session (or certificate) only
        results.sessions = list(
            Training.objects.filter(public_id=identifier).select_related("organisation", "scheme", "trainer")
        )
        results.certificates = list(
            Certificate.objects.filter(public_id=identifier).select_related("scheme", "training")
        )
        return results
    truncated = []
    if q:
        sessions = (
            Training.objects.filter(
                Q(external_id__icontains=q)
                | Q(organisation__name__icontains=q)
                | Q(trainer__number__iexact=q)
                | Q(trainer__last_name__icontains=q)
                | Q(place__icontains=q)
            )
            .select_related("organisation", "scheme", "trainer")
            .order_by("-start_date", "-id")
        )
        results.sessions, more = _first(sessions)
        truncated.append(more)
        trainers = Trainer.objects.filter(
            Q(number__iexact=q) | Q(last_name__icontains=q) | Q(first_name__icontains=q)
        ).order_by("last_name", "first_name", "number")
        results.trainers, more = _first(trainers)
        truncated.append(more)
    certificates = Certificate.objects.select_related("scheme", "training").order_by(
        "holder_last_name", "holder_first_names", "-certified_on", "id"
    )
    if q:
        words = q.split()
        condition = Q()
        for word in words:  # "Martin Léa" or "Léa Martin": every word in the last name or the first names
            condition &= Q(holder_last_name__icontains=word) | Q(holder_first_names__icontains=word)
        certificates = certificates.filter(condition | Q(revocation_id__iexact=q))
    if born is not None:
        certificates = certificates.filter(holder_birth_date=born)
    results.certificates, more = _first(certificates)
    truncated.append(more)
    results.truncated = any(truncated)
    return results
