"""The habilitations a request produces (the CNH's grant), and their suspension or withdrawal by the network."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from certiprev.audit.services import audit_event_record
from certiprev.lib.dates import add_months
from certiprev.lib.errors import WorkflowError
from certiprev.lib.workflow import row_lock
from certiprev.organisations.enums import HabilitationStatus
from certiprev.organisations.models import Habilitation
from certiprev.organisations.services import require_network_admin
from certiprev.organisations.signup import organisation_establish

from ..enums import RequestKind
from ..models import HabilitationRequest
from .common import require_text

if TYPE_CHECKING:
    from certiprev.accounts.models import User


def habilitations_grant(*, by: User | None, request: HabilitationRequest) -> list[Habilitation]:
    """Create or extend the organisation's habilitation for each scheme of a granted request.

    An active habilitation still running is extended by the scheme's duration from its end (a renewal granted
    early loses nothing) and raised to the request's level; otherwise a new one starts today. A new associated
    entity trains under the parent's habilitation: nothing to create. Runs in the decision's transaction.
    """
    if request.kind == RequestKind.ASSOCIATED_ENTITY:
        return []
    if request.kind == RequestKind.INITIAL and request.organisation.is_provisional:
        # A signed-up organisation's first grant makes it a normal one; its correspondent stays (ADR signup).
        organisation_establish(by=by, organisation=request.organisation)
    today = timezone.localdate()
    result = []
    for scheme in request.schemes.order_by("code"):
        current = (
            Habilitation.objects.filter(
                organisation=request.organisation, scheme=scheme, status=HabilitationStatus.ACTIVE
            )
            .filter(valid_until__gte=today, valid_from__lte=today)
            .order_by("-valid_until")
            .first()
        )
        if current is not None:
            previous = current.valid_until
            current.valid_until = add_months(previous, scheme.habilitation_months)
            current.level = max(current.level, request.level)
            current.save(update_fields=["valid_until", "level"])
            habilitation, data = current, {"previous_until": previous.isoformat()}
        else:
            habilitation = Habilitation.objects.create(
                organisation=request.organisation,
                scheme=scheme,
                level=request.level,
                valid_from=today,
                valid_until=add_months(today, scheme.habilitation_months),
            )
            data = {}
        audit_event_record(
            by=by,
            action="habilitation_grant",
            target=request.organisation,
            data={
                "scheme": scheme.code,
                "level": habilitation.level,
                "valid_from": habilitation.valid_from.isoformat(),
                "valid_until": habilitation.valid_until.isoformat(),
                "request": str(request.public_id),
                **data,
            },
        )
        result.append(habilitation)
    return result


def _status_change(
    *, by: User | None, habilitation: Habilitation, status: str, reason: str, what: str
) -> Habilitation:
    require_network_admin(by)
    reason = require_text(reason, f"le motif de la {what}")
    row_lock(habilitation, related=("scheme", "organisation"))
    if habilitation.status == HabilitationStatus.WITHDRAWN:
        raise WorkflowError("invalid_state", "Cette habilitation est déjà retirée.", status=409)
    if habilitation.status == status:
        raise WorkflowError(
            "invalid_state", f"Cette habilitation est déjà {habilitation.get_status_display()}.", status=409
        )
    habilitation.status = status
    habilitation.status_reason = reason
    habilitation.status_changed_on = timezone.localdate()
    habilitation.save(update_fields=["status", "status_reason", "status_changed_on"])
    audit_event_record(
        by=by,
        action=f"habilitation_{status}",
        target=habilitation.organisation,
        comment=reason,
        data={"scheme": habilitation.scheme.code, "on": habilitation.status_changed_on.isoformat()},
    )
    return habilitation


@transaction.atomic
def habilitation_suspend(*, by: User | None, habilitation: Habilitation, reason: str) -> Habilitation:
    """Suspend a habilitation with a reason: no new session from now on (ADR 0007)."""
    return _status_change(
        by=by, habilitation=habilitation, status=HabilitationStatus.SUSPENDED, reason=reason, what="suspension"
    )


@transaction.atomic
def habilitation_withdraw(*, by: User | None, habilitation: Habilitation, reason: str) -> Habilitation:
    """Withdraw a habilitation with a reason, for good: no new session from now on (ADR 0007)."""
    return _status_change(
        by=by, habilitation=habilitation, status=HabilitationStatus.WITHDRAWN, reason=reason, what="retrait"
    )
