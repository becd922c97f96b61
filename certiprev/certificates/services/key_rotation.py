"""Signing keys: rotation and compromise (run from `manage.py certiprev_keys`)."""

import getpass
import logging

from django.db import transaction
from django.utils import timezone

from certiprev.accounts.models import User
from certiprev.audit.services import audit_event_record
from certiprev.lib import cp1
from certiprev.lib.errors import WorkflowError
from certiprev.lib.names import clean_text

from .. import signing_keys
from ..enums import KeyStatus
from ..models import Certificate, SigningKey
from ..verification_state import verification_state_forget
from .reasons import MAX_REASON, reason_clean

logger = logging.getLogger(__name__)


def _operator() -> str:
    """Who ran a key command, for the audit log (commands have no signed-in user)."""
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "inconnu"


def _rotate(*, by: User | None, reason: str, compromise: SigningKey | None = None) -> SigningKey:
    """A new active key; the active one (if any) is retired, or `compromise` is marked compromised."""
    today, now = timezone.localdate(), timezone.now()
    kid = signing_keys.next_kid()
    public_key = signing_keys.signing_key_file_generate(kid)  # the file first: a published key nobody can use is worse
    try:
        with transaction.atomic():
            for old in SigningKey.objects.select_for_update().filter(status=KeyStatus.ACTIVE):
                old.status = KeyStatus.RETIRED
                old.not_after = max(today, old.not_before)
                old.updated_at = now
                if compromise is not None and old.pk == compromise.pk:
                    old.status = KeyStatus.COMPROMISED
                    old.compromised_at, old.compromised_reason = now, reason
                old.save(update_fields=["status", "not_after", "updated_at", "compromised_at", "compromised_reason"])
                audit_event_record(
                    by=by,
                    action=f"signing_key_{old.status}",
                    target=old,
                    comment=reason,
                    data={"kid": old.kid, "not_after": old.not_after.isoformat(), "operator": _operator()},
                )
            new = SigningKey.objects.create(
                kid=kid,
                public_key=cp1.b64url_encode(public_key),
                status=KeyStatus.ACTIVE,
                not_before=signing_keys.signing_lookback_start(today),
                updated_at=now,
            )
            audit_event_record(
                by=by,
                action="signing_key_create",
                target=new,
                comment=reason,
                data={"kid": kid, "not_before": new.not_before.isoformat(), "operator": _operator()},
            )
            verification_state_forget()
    except Exception:
        (signing_keys.keys_dir() / signing_keys.signing_file(kid)).unlink(missing_ok=True)
        raise
    # Committed: the keys that stopped signing lose their private half (a stolen disk cannot forge with them).
    for old_kid in SigningKey.objects.exclude(status=KeyStatus.ACTIVE).values_list("kid", flat=True):
        signing_keys.signing_key_file_destroy(old_kid)
    return new


def signing_key_rotate(*, by: User | None = None, reason: str = "") -> SigningKey:
    """Create the new active signing key; the previous one is retired with not_after = today.

    Cards it signed stay valid (their certification dates lie in its period); new cards use the new key.
    """
    return _rotate(by=by, reason=clean_text(reason, multiline=True)[:MAX_REASON] or "rotation")


def signing_key_compromise(*, by: User | None = None, kid: int, reason: str) -> tuple[SigningKey, SigningKey | None]:
    """Mark a key compromised: no card it ever signed verifies any more. If it was the active key, a new key
    replaces it at once. Returns (the compromised key, the new active key or None)."""
    reason = reason_clean(reason, "de la compromission")
    key = SigningKey.objects.filter(kid=kid).first()
    if key is None:
        raise WorkflowError("key_unknown", f"Aucune clé de signature n'a l'identifiant {kid}.", status=404)
    if key.status == KeyStatus.COMPROMISED:
        raise WorkflowError("key_already_compromised", f"La clé {kid} est déjà marquée compromise.", status=409)
    replacement = None
    if key.status == KeyStatus.ACTIVE:
        replacement = _replace_compromised(by=by, key=key, reason=reason)
        key.refresh_from_db()
        if key.status == KeyStatus.COMPROMISED:
            return key, replacement
        # Retired by a concurrent rotation meanwhile: it is still compromised, marked below.
    with transaction.atomic():
        now = timezone.now()
        changed = (
            SigningKey.objects.filter(pk=key.pk)
            .exclude(status=KeyStatus.COMPROMISED)
            .update(status=KeyStatus.COMPROMISED, compromised_at=now, compromised_reason=reason, updated_at=now)
        )
        if changed != 1:
            raise WorkflowError("key_already_compromised", f"La clé {kid} est déjà marquée compromise.", status=409)
        key.refresh_from_db()
        audit_event_record(
            by=by,
            action="signing_key_compromised",
            target=key,
            comment=reason,
            data={
                "kid": kid,
                "certificates_last_signed": Certificate.objects.filter(key_id=kid).count(),
                "operator": _operator(),
            },
        )
        verification_state_forget()
    signing_keys.signing_key_file_destroy(kid)  # committed: its private half goes (ADR 0006)
    return key, replacement


def _replace_compromised(*, by: User | None, key: SigningKey, reason: str) -> SigningKey:
    new = _rotate(by=by, reason=reason, compromise=key)
    logger.warning("signing key %s marked compromised; key %s is now active", key.kid, new.kid)
    return new
