from django.db import models

from certiprev.accounts.models import User

from .models import AuditEvent


def audit_event_record(
    *, by: User | None, action: str, target: models.Model | None = None, comment: str = "", data: dict | None = None
) -> AuditEvent:
    """Append one audit row; called inside the service's own transaction so both commit or neither."""
    return AuditEvent.objects.create(
        actor=by if getattr(by, "pk", None) else None,
        actor_name=getattr(by, "display_name", "") or ("système" if by is None else str(by)),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(getattr(target, "public_id", None) or getattr(target, "pk", "")) if target is not None else "",
        comment=comment,
        data=data or {},
    )
