"""The CP1 record: byte layout, packing, Ed25519 signing and strict unpacking (docs/cp1-format.md §2)."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .errors import CP1FormatError
from .names import NAMES_MAX_CHARS, fit_names, pack_text, transliterate, unpack_text

Kind = Literal["initial", "mac", "trainer"]
KINDS: tuple[Kind, ...] = ("initial", "mac", "trainer")  # index = 2-bit code in the flags byte
SIGNATURE_INPUT_PREFIX = b"CP1"
SIGNATURE_LENGTH = 64
REVOCATION_ID_LENGTH = 8
DATE_EPOCH = date(2000, 1, 1)  # certification and expiry dates
BIRTH_DATE_EPOCH = date(1900, 1, 1)  # birth dates: 1900-01-01 … 2079-06-06
MAX_ORGANISATION_ID = 2**32 - 1  # varint of at most 5 bytes

# Flags byte (byte 0): bits 0–1 kind, bit 2 birth date present, bit 3 names truncated, bits 4–7 reserved (0).
_KIND_MASK = 0x03
_FLAG_BIRTH_DATE = 0x04
_FLAG_NAMES_TRUNCATED = 0x08
_RESERVED_MASK = 0xF0
# flags, key id, scheme, 2 dates, organisation varint (≥ 1), revocation id, last-name length
MIN_BODY_LENGTH = 1 + 1 + 1 + 2 + 2 + 1 + REVOCATION_ID_LENGTH + 1
MAX_BODY_LENGTH = 1 + 1 + 1 + 2 + 2 + 2 + 5 + REVOCATION_ID_LENGTH + 1 + 40  # 63
MAX_RECORD_LENGTH = MAX_BODY_LENGTH + SIGNATURE_LENGTH  # 127


@dataclass(frozen=True, slots=True, kw_only=True)
class CP1Record:
    """What a CP1 QR code certifies.

    Names are given as typed (any Unicode); pack() transliterates and shortens them and derives the
    names_truncated flag (the field is ignored on pack). unpack() returns the transliterated names and the flag.
    """

    kind: Kind
    key_id: int
    scheme_code: int
    certified_on: date
    valid_until: date
    birth_date: date | None
    organisation_id: int
    revocation_id: bytes
    last_name: str
    first_names: str
    names_truncated: bool = False


def _day_number(value: date, epoch: date, what: str) -> bytes:
    days = (value - epoch).days
    if not 0 <= days <= 0xFFFF:
        last = epoch + timedelta(days=0xFFFF)
        raise ValueError(f"{what} {value.isoformat()} outside {epoch.isoformat()}…{last.isoformat()}")
    return days.to_bytes(2, "big")


def encode_varint(value: int) -> bytes:
    """Unsigned LEB128: 7 bits per byte, least significant group first, high bit = more bytes follow."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _decode_varint(data: bytes, offset: int) -> tuple[int, int]:
    value = shift = 0
    for index in range(offset, min(offset + 5, len(data))):
        byte = data[index]
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            if byte == 0 and index > offset:
                raise CP1FormatError("organisation id: non-minimal varint")
            if value > MAX_ORGANISATION_ID:
                raise CP1FormatError("organisation id: varint above 2^32 - 1")
            return value, index + 1
    raise CP1FormatError("organisation id: unterminated varint")


def pack_names(last_name: str, first_names: str) -> tuple[bytes, bool]:
    """Names field: 1 byte = number of characters of the last name, then base-40 of last ‖ first."""
    last, first, truncated = fit_names(transliterate(last_name), transliterate(first_names))
    return bytes([len(last)]) + pack_text(last + first), truncated


def pack(record: CP1Record) -> bytes:
    """The unsigned record body (everything but the signature)."""
    if record.kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {record.kind!r}")
    for what, value in (("key_id", record.key_id), ("scheme_code", record.scheme_code)):
        if not isinstance(value, int) or not 0 <= value <= 255:
            raise ValueError(f"{what} must be an integer 0–255, not {value!r}")
    if not isinstance(record.organisation_id, int) or not 0 <= record.organisation_id <= MAX_ORGANISATION_ID:
        raise ValueError(f"organisation_id must be an integer 0–{MAX_ORGANISATION_ID}")
    if not isinstance(record.revocation_id, bytes) or len(record.revocation_id) != REVOCATION_ID_LENGTH:
        raise ValueError("revocation_id must be 8 bytes")
    if record.valid_until < record.certified_on:
        raise ValueError("valid_until is before certified_on")
    names, truncated = pack_names(record.last_name, record.first_names)
    flags = KINDS.index(record.kind)
    if record.birth_date is not None:
        flags |= _FLAG_BIRTH_DATE
    if truncated:
        flags |= _FLAG_NAMES_TRUNCATED
    parts = [
        bytes([flags, record.key_id, record.scheme_code]),
        _day_number(record.certified_on, DATE_EPOCH, "certified_on"),
        _day_number(record.valid_until, DATE_EPOCH, "valid_until"),
    ]
    if record.birth_date is not None:
        parts.append(_day_number(record.birth_date, BIRTH_DATE_EPOCH, "birth_date"))
    parts += [encode_varint(record.organisation_id), record.revocation_id, names]
    return b"".join(parts)


def signature_input(body: bytes) -> bytes:
    return SIGNATURE_INPUT_PREFIX + body


def sign(record: CP1Record, private_key: Ed25519PrivateKey) -> bytes:
    """The signed record: body ‖ Ed25519(private_key, b"CP1" ‖ body)."""
    body = pack(record)
    return body + private_key.sign(signature_input(body))


def unpack(signed: bytes) -> tuple[CP1Record, bytes]:
    """Decode a signed record (no signature check); raises CP1FormatError on anything malformed."""
    if not isinstance(signed, bytes | bytearray):
        raise CP1FormatError("record must be bytes")
    signed = bytes(signed)
    if len(signed) < MIN_BODY_LENGTH + SIGNATURE_LENGTH:
        raise CP1FormatError(f"record too short ({len(signed)} bytes)")
    if len(signed) > MAX_RECORD_LENGTH:
        raise CP1FormatError(f"record too long ({len(signed)} bytes)")
    body, signature = signed[:-SIGNATURE_LENGTH], signed[-SIGNATURE_LENGTH:]
    flags = body[0]
    if flags & _RESERVED_MASK:
        raise CP1FormatError(f"unsupported flags byte 0x{flags:02x} (reserved bits set)")
    if (flags & _KIND_MASK) >= len(KINDS):
        raise CP1FormatError("unknown kind code 3")
    offset = 7
    certified_on = DATE_EPOCH + timedelta(days=int.from_bytes(body[3:5], "big"))
    valid_until = DATE_EPOCH + timedelta(days=int.from_bytes(body[5:7], "big"))
    birth_date = None
    if flags & _FLAG_BIRTH_DATE:
        birth_date = BIRTH_DATE_EPOCH + timedelta(days=int.from_bytes(body[7:9], "big"))
        offset = 9
    organisation_id, offset = _decode_varint(body, offset)
    if len(body) < offset + REVOCATION_ID_LENGTH + 1:
        raise CP1FormatError("record truncated before the names")
    revocation_id = body[offset : offset + REVOCATION_ID_LENGTH]
    offset += REVOCATION_ID_LENGTH
    last_length = body[offset]
    text = unpack_text(body[offset + 1 :])
    if len(text) > NAMES_MAX_CHARS:
        raise CP1FormatError(f"names longer than {NAMES_MAX_CHARS} characters")
    if last_length > len(text):
        raise CP1FormatError("last-name length beyond the names")
    record = CP1Record(
        kind=KINDS[flags & _KIND_MASK],
        key_id=body[1],
        scheme_code=body[2],
        certified_on=certified_on,
        valid_until=valid_until,
        birth_date=birth_date,
        organisation_id=organisation_id,
        revocation_id=revocation_id,
        last_name=text[:last_length],
        first_names=text[last_length:],
        names_truncated=bool(flags & _FLAG_NAMES_TRUNCATED),
    )
    return record, signature


@lru_cache(maxsize=256)
def load_public_key(raw: bytes) -> Ed25519PublicKey:
    """Ed25519 public key object from its 32 raw bytes, cached (loading costs as much as a verification)."""
    return Ed25519PublicKey.from_public_bytes(raw)


def verify(signed: bytes, public_key: Ed25519PublicKey | bytes) -> bool:
    """True iff the last 64 bytes are a valid Ed25519 signature of b"CP1" ‖ the rest."""
    if isinstance(public_key, bytes):
        public_key = load_public_key(public_key)
    if len(signed) <= SIGNATURE_LENGTH:
        return False
    try:
        public_key.verify(signed[-SIGNATURE_LENGTH:], signature_input(signed[:-SIGNATURE_LENGTH]))
    except InvalidSignature:
        return False
    return True


def _id_part(value: str | bytes | int) -> bytes:
    if isinstance(value, bytes):
        raw = value
    elif isinstance(value, str | int) and not isinstance(value, bool):
        raw = str(value).encode()
    else:
        raise TypeError(f"identifier must be str, bytes or int, not {type(value).__name__}")
    if len(raw) > 0xFFFF:
        raise ValueError("identifier longer than 65535 bytes")
    return len(raw).to_bytes(2, "big") + raw


def revocation_id(k_rev: bytes, session_id: str | bytes | int, trainee_id: str | bytes | int) -> bytes:
    """HMAC-SHA256(K_rev, u16(len s) ‖ s ‖ u16(len t) ‖ t)[:8]; str and int identifiers are UTF-8 of str()."""
    if not k_rev:
        raise ValueError("empty revocation key")
    message = _id_part(session_id) + _id_part(trainee_id)
    return hmac.new(k_rev, message, hashlib.sha256).digest()[:REVOCATION_ID_LENGTH]
