"""Ed25519 keys, the signed key list (`keys.json`) and the signed revocation list (docs/cp1-format.md §5–§6)."""

import base64
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .errors import KeyListError
from .record import REVOCATION_ID_LENGTH, load_public_key

KeyStatus = Literal["active", "retired", "compromised"]
KEY_STATUSES: tuple[KeyStatus, ...] = ("active", "retired", "compromised")
MAX_SAFE_INTEGER = 2**53 - 1  # integers a browser's JSON.parse keeps exactly
_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_HEX_ID = re.compile(r"[0-9a-f]{16}")


# --- encodings ---------------------------------------------------------------------------------------------------


def b64url_encode(data: bytes) -> str:
    """Base64url without padding (RFC 4648 §5, as in JWK)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict inverse of b64url_encode: no padding, no other characters; raises ValueError."""
    if not isinstance(text, str) or not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("not unpadded base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64url_encode(data) != text:  # non-zero trailing bits: a second spelling of the same bytes
        raise ValueError("non-canonical base64url")
    return data


def canonical_json(value: Any) -> bytes:
    """Canonical JSON signed by the root key; the same bytes as RFC 8785 (JCS) for the values it accepts.

    Accepted: objects with string keys, arrays, strings of printable ASCII (U+0020–U+007E), integers with
    |n| ≤ 2^53 − 1, true, false, null. Objects are written with keys in ascending order, no whitespace anywhere,
    strings in double quotes with only `"` and `\\` escaped (as `\\"` and `\\\\`), integers in plain decimal.
    Anything else (floats, other characters) raises ValueError: a signer never emits it.
    """
    out: list[str] = []
    _canonical(value, out)
    return "".join(out).encode("ascii")


def _canonical_string(text: str) -> str:
    if not all(" " <= char <= "~" for char in text):
        raise ValueError(f"string {text!r} has characters outside printable ASCII")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _canonical(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise ValueError(f"integer {value} beyond ±(2^53 − 1)")
        out.append(str(value))
    elif isinstance(value, str):
        out.append(_canonical_string(value))
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _canonical(item, out)
        out.append("]")
    elif isinstance(value, dict):
        out.append("{")
        for index, key in enumerate(sorted(value)):
            if not isinstance(key, str):
                raise ValueError("object keys must be strings")
            if index:
                out.append(",")
            out.append(_canonical_string(key))
            out.append(":")
            _canonical(value[key], out)
        out.append("}")
    else:
        raise ValueError(f"{type(value).__name__} is not allowed in a canonical document")


# --- keys ----------------------------------------------------------------------------------------------------------


def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_from_seed(seed: bytes) -> Ed25519PrivateKey:
    """The Ed25519 private key of a 32-byte seed (RFC 8032 private key)."""
    return Ed25519PrivateKey.from_private_bytes(seed)


def private_key_seed(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def private_key_to_pem(private_key: Ed25519PrivateKey) -> bytes:
    """Unencrypted PKCS#8 PEM, the format load_private_key reads from a file or an environment variable."""
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_private_key(data: str | bytes) -> Ed25519PrivateKey:
    """An Ed25519 private key from PKCS#8 PEM, or a 32-byte seed written in hex (64 chars) or base64url (43)."""
    text = data.decode("ascii", "replace") if isinstance(data, bytes) else data
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the PEM key is not an Ed25519 private key")
        return key
    try:
        seed = bytes.fromhex(text) if len(text) == 64 else b64url_decode(text)
    except ValueError:
        raise ValueError("not a PEM key nor a 32-byte seed in hex or base64url") from None
    if len(seed) != 32:
        raise ValueError("an Ed25519 seed has 32 bytes")
    return private_key_from_seed(seed)


def public_key_bytes(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    """The 32 raw bytes of the public key (the JWK "x")."""
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _public_key_object(key: Ed25519PublicKey | bytes) -> Ed25519PublicKey:
    return load_public_key(bytes(key)) if isinstance(key, bytes | bytearray) else key


@dataclass(frozen=True, slots=True, kw_only=True)
class PublicKeyEntry:
    """One signing key of the key list: certificates dated not_before…not_after (inclusive) may use it."""

    kid: int
    public_key: bytes  # 32 raw bytes
    status: KeyStatus
    not_before: date | None  # None: open start
    not_after: date | None = None

    def __post_init__(self) -> None:
        if isinstance(self.kid, bool) or not isinstance(self.kid, int) or not 0 <= self.kid <= 255:
            raise ValueError("kid must be an integer 0–255")
        if not isinstance(self.public_key, bytes) or len(self.public_key) != 32:
            raise ValueError("public_key must be 32 raw bytes")
        if self.status not in KEY_STATUSES:
            raise ValueError(f"status must be one of {KEY_STATUSES}")
        if self.not_before is not None and self.not_after is not None and self.not_after < self.not_before:
            raise ValueError("not_after is before not_before")

    def covers(self, day: date) -> bool:
        """True iff a certificate dated `day` lies in this key's signing period."""
        return (self.not_before is None or self.not_before <= day) and (
            self.not_after is None or day <= self.not_after
        )

    def to_jwk(self) -> dict[str, Any]:
        return {
            "kid": self.kid,
            "kty": "OKP",
            "crv": "Ed25519",
            "x": b64url_encode(self.public_key),
            "status": self.status,
            "not_before": self.not_before.isoformat() if self.not_before else None,
            "not_after": self.not_after.isoformat() if self.not_after else None,
        }

    @classmethod
    def from_jwk(cls, jwk: Any) -> "PublicKeyEntry":
        """Strict parse of one key-list entry; unknown members are ignored. Raises KeyListError."""
        try:
            if not isinstance(jwk, dict):
                raise ValueError("a key must be an object")
            if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
                raise ValueError('a key must have "kty": "OKP" and "crv": "Ed25519"')
            not_before, not_after = jwk.get("not_before"), jwk.get("not_after")
            return cls(
                # Members of any JSON type: checked by b64url_decode and __post_init__ (ValueError, TypeError).
                kid=jwk.get("kid"),  # type: ignore[arg-type]
                public_key=b64url_decode(jwk.get("x")),  # type: ignore[arg-type]
                status=jwk.get("status"),  # type: ignore[arg-type]
                not_before=None if not_before is None else _parse_date(not_before),
                not_after=None if not_after is None else _parse_date(not_after),
            )
        except ValueError as exc:
            raise KeyListError(f"key {jwk.get('kid') if isinstance(jwk, dict) else '?'}: {exc}") from None


def _parse_date(value: Any) -> date:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise ValueError(f"{value!r} is not a YYYY-MM-DD date")
    return date.fromisoformat(value)


def format_issued_at(moment: datetime) -> str:
    """`YYYY-MM-DDTHH:MM:SSZ` in UTC."""
    if moment.tzinfo is None:
        raise ValueError("issued_at must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


def parse_moment(value: Any) -> datetime:
    """The inverse of format_issued_at; raises ValueError."""
    if not isinstance(value, str) or not _MOMENT.fullmatch(value):
        raise ValueError(f"{value!r} is not a YYYY-MM-DDTHH:MM:SSZ moment")
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def check_fresh(document: dict[str, Any], now: datetime | None) -> None:
    """With `now`: the list must carry `issued_at` ≤ `expires` and `now` must not be past `expires` (§6.1)."""
    if now is None:
        return
    try:
        issued_at, expires = parse_moment(document.get("issued_at")), parse_moment(document.get("expires"))
    except ValueError as exc:
        raise KeyListError(f"freshness: {exc}") from None
    if expires < issued_at:
        raise KeyListError("expires is before issued_at")
    if now > expires:
        raise KeyListError(f"the list expired at {document['expires']}")


# --- signed documents ----------------------------------------------------------------------------------------------


def sign_document(document: dict[str, Any], root_private_key: Ed25519PrivateKey) -> dict[str, Any]:
    """A copy of `document` with "signature" = base64url(Ed25519(root, canonical_json(document)))."""
    unsigned = {key: value for key, value in document.items() if key != "signature"}
    signature = root_private_key.sign(canonical_json(unsigned))
    return {**unsigned, "signature": b64url_encode(signature)}


def _reject_duplicate_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise KeyListError("duplicate member in a JSON object")
    return result


def verify_document(document: dict[str, Any] | str | bytes, root_public_key: Ed25519PublicKey | bytes) -> dict:
    """The document (parsed if text) after checking its root signature; raises KeyListError."""
    if isinstance(document, str | bytes):
        try:
            document = json.loads(document, object_pairs_hook=_reject_duplicate_members)
        except (ValueError, RecursionError) as exc:
            raise KeyListError(f"not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise KeyListError("the document must be a JSON object")
    try:
        signature = b64url_decode(document.get("signature"))  # type: ignore[arg-type]  # any JSON: checked there
        signed_bytes = canonical_json({key: value for key, value in document.items() if key != "signature"})
        _public_key_object(root_public_key).verify(signature, signed_bytes)
    except (ValueError, TypeError, RecursionError, InvalidSignature):
        raise KeyListError("bad or missing root signature") from None
    return document


def build_key_list(
    entries: Iterable[PublicKeyEntry],
    *,
    root_private_key: Ed25519PrivateKey,
    issued_at: datetime,
    expires: datetime | None = None,
) -> dict[str, Any]:
    """The signed `keys.json` document (with `expires` when given: what a verifier must not use it after)."""
    keys = sorted(entries, key=lambda entry: entry.kid)
    if len({entry.kid for entry in keys}) != len(keys):
        raise ValueError("duplicate kid")
    document = {"keys": [entry.to_jwk() for entry in keys], "issued_at": format_issued_at(issued_at)}
    if expires is not None:
        document["expires"] = format_issued_at(expires)
    return sign_document(document, root_private_key)


def verify_key_list(
    document: dict[str, Any] | str | bytes, root_public_key: Ed25519PublicKey | bytes, *, now: datetime | None = None
) -> list[PublicKeyEntry]:
    """The usable entries of a `keys.json` whose root signature verifies (and, with `now`, not expired).

    Raises KeyListError for the whole list: bad signature, "keys" not an array, a kid (integer) present twice,
    expired. An entry that does not parse (unknown kty, bad date…) is skipped and the rest kept (§6): a card
    signed by it is then `unknown_key`, never valid.
    """
    document = verify_document(document, root_public_key)
    check_fresh(document, now)
    keys = document.get("keys")
    if not isinstance(keys, list):
        raise KeyListError('"keys" must be an array')
    kids = [jwk.get("kid") for jwk in keys if isinstance(jwk, dict) and type(jwk.get("kid")) is int]
    if len(set(kids)) != len(kids):
        raise KeyListError("duplicate kid")
    entries = []
    for jwk in keys:
        try:
            entries.append(PublicKeyEntry.from_jwk(jwk))
        except KeyListError:
            continue
    return entries


def build_revoked_list(
    revocation_ids: Iterable[bytes],
    *,
    root_private_key: Ed25519PrivateKey,
    issued_at: datetime,
    expires: datetime | None = None,
) -> dict[str, Any]:
    """The signed `revoked.json`: {"revoked": [16 lowercase hex digits, sorted], "issued_at", "expires", …}."""
    ids = sorted({rid.hex() for rid in revocation_ids})
    if any(len(rid) != 2 * REVOCATION_ID_LENGTH for rid in ids):
        raise ValueError("revocation ids have 8 bytes")
    document = {"revoked": ids, "issued_at": format_issued_at(issued_at)}
    if expires is not None:
        document["expires"] = format_issued_at(expires)
    return sign_document(document, root_private_key)


def verify_revoked_list(
    document: dict[str, Any] | str | bytes, root_public_key: Ed25519PublicKey | bytes, *, now: datetime | None = None
) -> set[bytes]:
    """The revocation ids of a signed `revoked.json` (with `now`: refused past its `expires`); raises KeyListError."""
    document = verify_document(document, root_public_key)
    check_fresh(document, now)
    ids = document.get("revoked")
    if not isinstance(ids, list) or not all(isinstance(rid, str) and _HEX_ID.fullmatch(rid) for rid in ids):
        raise KeyListError('"revoked" must be an array of 16-hex-digit strings')
    return {bytes.fromhex(rid) for rid in ids}
