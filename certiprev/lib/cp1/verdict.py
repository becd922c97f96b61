"""Verification of a scanned CP1 content against a key list and a revocation list (docs/cp1-format.md §7)."""

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature

from .content import parse_content
from .errors import CP1FormatError
from .keys import PublicKeyEntry
from .record import SIGNATURE_LENGTH, CP1Record, load_public_key, signature_input, unpack

Status = Literal["valid", "expired", "revoked", "invalid", "unknown_key"]
# Statuses whose record was signed by a trusted key inside its signing period: its fields may be shown as certified.
AUTHENTIC_STATUSES = frozenset({"valid", "expired", "revoked"})


@dataclass(frozen=True, slots=True)
class VerificationResult:
    """Outcome of verify_content.

    record: the decoded record whenever the content could be decoded, even for "invalid" and "unknown_key";
    show its fields as certified only if `authentic`. revocation_checked: False when the revocation list was not
    available (or verification stopped earlier) — the card is then NOT known to be unrevoked. reason: a short
    machine-readable cause ("ok", "malformed", "unknown_key", "bad_signature", "key_compromised",
    "outside_key_period", "revoked", "expired"); detail: a human-readable explanation (English).
    """

    status: Status
    reason: str
    record: CP1Record | None = None
    revocation_checked: bool = False
    detail: str = ""

    @property
    def authentic(self) -> bool:
        return self.status in AUTHENTIC_STATUSES

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "reason": self.reason,
            "revocation_checked": self.revocation_checked,
            "fields": record_fields(self.record) if self.record is not None else None,
        }


def record_fields(record: CP1Record) -> dict[str, Any]:
    """The record as JSON-ready fields (ISO dates, revocation id in lowercase hex)."""
    return {
        "kind": record.kind,
        "key_id": record.key_id,
        "scheme_code": record.scheme_code,
        "certified_on": record.certified_on.isoformat(),
        "valid_until": record.valid_until.isoformat(),
        "birth_date": record.birth_date.isoformat() if record.birth_date else None,
        "organisation_id": record.organisation_id,
        "revocation_id": record.revocation_id.hex(),
        "last_name": record.last_name,
        "first_names": record.first_names,
        "names_truncated": record.names_truncated,
    }


def _find_key(keys: Iterable[PublicKeyEntry], kid: int) -> PublicKeyEntry | None:
    for entry in keys:
        if entry.kid == kid:
            return entry
    return None


def _check(
    content: Any, keys: Iterable[PublicKeyEntry], revoked: AbstractSet[bytes] | None, today: date
) -> VerificationResult:
    try:
        signed = parse_content(content)
        record, signature = unpack(signed)
    except CP1FormatError as exc:
        return VerificationResult("invalid", "malformed", detail=str(exc))
    entry = _find_key(keys, record.key_id)
    if entry is None:
        return VerificationResult("unknown_key", "unknown_key", record, detail=f"key id {record.key_id} is not listed")
    try:
        load_public_key(entry.public_key).verify(signature, signature_input(signed[:-SIGNATURE_LENGTH]))
    except InvalidSignature:
        return VerificationResult("invalid", "bad_signature", record, detail="the signature does not match")
    if entry.status == "compromised":
        return VerificationResult("invalid", "key_compromised", record, detail=f"key {entry.kid} is compromised")
    if not entry.covers(record.certified_on):
        return VerificationResult(
            "invalid", "outside_key_period", record, detail=f"certified on a day key {entry.kid} could not sign"
        )
    if revoked is not None and record.revocation_id in revoked:
        return VerificationResult("revoked", "revoked", record, revocation_checked=True)
    checked = revoked is not None
    if today > record.valid_until:
        return VerificationResult("expired", "expired", record, revocation_checked=checked)
    return VerificationResult("valid", "ok", record, revocation_checked=checked)


def verify_content(
    content: str, *, keys: Iterable[PublicKeyEntry], revoked: AbstractSet[bytes] | None, today: date
) -> VerificationResult:
    """Check a scanned content; never raises (anything unexpected in the content gives "invalid").

    Rules, in order: undecodable → invalid; key id not in `keys` → unknown_key; bad signature → invalid; key
    compromised → invalid; certified_on outside the key's signing period → invalid; revocation id in `revoked` →
    revoked; today > valid_until → expired; otherwise valid. `revoked=None` means the revocation list could not
    be obtained: the result then has revocation_checked=False.
    """
    try:
        return _check(content, keys, revoked, today)
    except Exception as exc:  # a verifier answers "invalid" rather than crash on hostile input
        return VerificationResult("invalid", "malformed", detail=f"{type(exc).__name__}: {exc}")
