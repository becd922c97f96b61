"""The network's staff: national administrators, caisse instructors and CNH members (ADR 0007)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from certiprev.accounts.models import NetworkRole
from certiprev.audit.services import audit_event_record
from certiprev.lib.errors import WorkflowError
from certiprev.organisations.enums import Region
from certiprev.organisations.services import user_get_or_create

if TYPE_CHECKING:
    from certiprev.accounts.models import User

STAFF_ROLES = ("administrator", "instructor", "cnh")


@transaction.atomic
def network_staff_create(
    *, by: User | None, email: str, first_name: str = "", last_name: str = "", role: str, caisse: str = ""
) -> User:
    """Give an account (created if needed) a network role; national administrators only."""
    if not (getattr(by, "is_active", False) and getattr(by, "is_network_administrator", False)):
        raise WorkflowError("forbidden", "Réservé aux administrateurs nationaux.", status=403)
    if role not in STAFF_ROLES:
        raise WorkflowError("role_invalid", "Rôle inconnu : administrator, instructor ou cnh.", field="role")
    try:
        validate_email(email)
    except ValidationError:
        raise WorkflowError("email_invalid", "L'adresse e-mail n'est pas valide.", field="email") from None
    if role == "instructor" and caisse not in Region.values:
        raise WorkflowError("caisse_required", "Indiquez la caisse de l'instructeur (voir /caisses).", field="caisse")
    if role != "instructor" and caisse:
        raise WorkflowError("caisse_unexpected", "Seul un instructeur est rattaché à une caisse.", field="caisse")
    user = user_get_or_create(email=email, first_name=first_name, last_name=last_name)
    if role == "administrator":
        user.is_network_admin, user.is_staff, user.network_role, user.caisse = True, True, "", ""
    else:
        user.is_network_admin, user.network_role, user.caisse = False, NetworkRole(role), caisse
    user.save(update_fields=["is_network_admin", "is_staff", "network_role", "caisse"])
    audit_event_record(by=by, action="network_staff_create", target=user, data={"role": role, "caisse": caisse})
    return user


def staff_role(user: User) -> str:
    return "administrator" if user.is_network_admin else user.network_role
