"""The public directory of habilitated organisations (DESIGN §9, as INRS publishes): reads only, nothing personal.

Listed: training bodies holding at least one active habilitation running today (suspended, withdrawn, expired and
not yet started ones are left out). Companies habilitated to train their own staff are not listed: they take no
outside trainees (ADR 0007). Shown per organisation: name, city, postal code, caisse, and per scheme its level and
last day; never a SIRET, an address line, a person or an e-mail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from certiprev.lib.names import search_key
from certiprev.organisations.enums import HabilitationStatus, OrganisationKind, Region
from certiprev.organisations.models import Habilitation, Organisation

# The exact keys of one entry and of one of its habilitations (the tests assert these sets).
ENTRY_KEYS = ("id", "name", "city", "postal_code", "region", "habilitations")
HABILITATION_KEYS = ("scheme", "scheme_name", "level", "valid_until")


@dataclass(frozen=True)
class DirectoryFilters:
    scheme: str = ""
    region: str = ""
    city: str = ""

    @classmethod
    def clean(cls, *, scheme: str | None, region: str | None, city: str | None) -> DirectoryFilters:
        """Unknown values filter nothing out rather than fail: a public search box never answers with an error."""
        region = (region or "").strip()
        return cls(
            scheme=(scheme or "").strip().upper()[:20],
            region=region if region in Region.values else "",
            city=search_key(city or "")[:100],
        )


def _current(day: dt.date) -> QuerySet[Habilitation]:
    return Habilitation.objects.filter(status=HabilitationStatus.ACTIVE, valid_from__lte=day, valid_until__gte=day)


def directory_organisations(filters: DirectoryFilters, *, day: dt.date | None = None) -> QuerySet[Organisation]:
    """The listed organisations, by name, with `listed_habilitations` prefetched (three queries for a page)."""
    day = day or timezone.localdate()
    listed = _current(day).filter(organisation=OuterRef("pk"))
    if filters.scheme:
        listed = listed.filter(scheme__code=filters.scheme)
    queryset = Organisation.objects.established().filter(Exists(listed), kind=OrganisationKind.TRAINING_BODY)
    if filters.region:
        queryset = queryset.filter(region=filters.region)
    if filters.city:
        queryset = queryset.filter(city_key__startswith=filters.city)
    return (
        queryset.only("public_id", "name", "city", "postal_code", "region")
        .order_by("name", "id")
        .prefetch_related(
            Prefetch(
                "habilitations",
                queryset=_current(day).select_related("scheme").order_by("scheme__code"),
                to_attr="listed_habilitations",
            )
        )
    )


def directory_entry(organisation: Organisation) -> dict[str, Any]:
    region = organisation.region
    return {
        "id": str(organisation.public_id),
        "name": organisation.name,
        "city": organisation.city,
        "postal_code": organisation.postal_code,
        "region": {"code": region, "name": Region(region).label} if region else None,
        "habilitations": [
            {
                "scheme": habilitation.scheme.code,
                "scheme_name": habilitation.scheme.name,
                "level": habilitation.level,
                "valid_until": habilitation.valid_until.isoformat(),
            }
            for habilitation in organisation.listed_habilitations  # type: ignore[attr-defined]
        ],
    }
