"""Writes on the catalogue of schemes (their rules are data, edited by national administrators)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from certiprev.audit.services import audit_event_record
from certiprev.lib.errors import WorkflowError
from certiprev.organisations.services import require_network_admin

from .models import Scheme

if TYPE_CHECKING:
    from certiprev.accounts.models import User

MAX_HABILITATION_MONTHS = 240


@transaction.atomic
def scheme_habilitation_months_set(*, by: User | None, scheme: Scheme, habilitation_months: int) -> Scheme:
    """Set the duration the CNH grants a habilitation of this scheme for (later grants only)."""
    require_network_admin(by)
    if not 1 <= habilitation_months <= MAX_HABILITATION_MONTHS:
        raise WorkflowError(
            "months_invalid",
            f"La durée d'une habilitation est comprise entre 1 et {MAX_HABILITATION_MONTHS} mois.",
            field="habilitation_months",
        )
    previous = scheme.habilitation_months
    scheme.habilitation_months = habilitation_months
    scheme.save(update_fields=["habilitation_months"])
    audit_event_record(
        by=by,
        action="scheme_habilitation_months_set",
        target=scheme,
        data={"scheme": scheme.code, "previous": previous, "months": habilitation_months},
    )
    return scheme
