"""Bytes ↔ decimal digits and the QR content string `HTTPS://<HOST>/V#<digits>` (docs/cp1-format.md §4)."""

import re

from .errors import CP1FormatError

DEFAULT_VERIFY_HOST = "VERIF.CERTIPREV.FR"
VERIFY_PATH = "/V"
GROUP_BYTES = 7
GROUP_DIGITS = 17
# Number of digits for a last group of n bytes (n = 1…6): the length of 256**n - 1 in decimal.
LAST_GROUP_DIGITS = {1: 3, 2: 5, 3: 8, 4: 10, 5: 13, 6: 15}
_BYTES_FOR_DIGITS = {digits: n for n, digits in LAST_GROUP_DIGITS.items()}
# QR alphanumeric mode characters a host may use (it is uppercased first).
_HOST = re.compile(r"[A-Z0-9](?:[A-Z0-9-]*[A-Z0-9])?(?:\.[A-Z0-9](?:[A-Z0-9-]*[A-Z0-9])?)*(?::[0-9]{1,5})?", re.ASCII)
# §2: host = labels of ASCII letters/digits/hyphens (not at a label's ends) joined by dots, then an optional :port.
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_CONTENT = re.compile(
    rf"(?:https?://({_LABEL}(?:\.{_LABEL})*(?::[0-9]{{1,5}})?)/v#)?([0-9]+)", re.IGNORECASE | re.ASCII
)
_MAX_DIGITS = 1000  # far above any CP1 record; bounds the work done on hostile input
MAX_CONTENT_LENGTH = 618  # characters, before trimming (§2): twice the longest digit string
ASCII_WHITESPACE = " \t\n\v\f\r"  # the only characters trimmed (U+FEFF, U+001C, U+00A0… are not whitespace)


def bytes_to_digits(data: bytes) -> str:
    """Groups of 7 bytes → 17 digits (big-endian, zero-padded); a last group of 1–6 bytes → 3/5/8/10/13/15."""
    if not data:
        raise ValueError("no bytes to encode")
    out = []
    for start in range(0, len(data), GROUP_BYTES):
        group = data[start : start + GROUP_BYTES]
        width = GROUP_DIGITS if len(group) == GROUP_BYTES else LAST_GROUP_DIGITS[len(group)]
        out.append(str(int.from_bytes(group, "big")).zfill(width))
    return "".join(out)


def digits_to_bytes(digits: str) -> bytes:
    """Inverse of bytes_to_digits; rejects impossible lengths and groups whose value does not fit their bytes."""
    if not isinstance(digits, str) or not digits.isascii() or not digits.isdigit():
        raise CP1FormatError("the record must be decimal digits")
    if len(digits) > _MAX_DIGITS:
        raise CP1FormatError(f"too many digits ({len(digits)})")
    full, rest = divmod(len(digits), GROUP_DIGITS)
    if rest and rest not in _BYTES_FOR_DIGITS:
        raise CP1FormatError(f"impossible digit count {len(digits)} (last group of {rest} digits)")
    out = bytearray()
    widths = [(GROUP_DIGITS, GROUP_BYTES)] * full + ([(rest, _BYTES_FOR_DIGITS[rest])] if rest else [])
    start = 0
    for width, size in widths:
        value = int(digits[start : start + width])
        if value >> (8 * size):
            raise CP1FormatError(f"digit group at {start} overflows {size} bytes")
        out += value.to_bytes(size, "big")
        start += width
    return bytes(out)


def normalize_host(verify_host: str) -> str:
    host = (verify_host or "").strip().upper()
    if not _HOST.fullmatch(host):
        raise ValueError(f"invalid verification host {verify_host!r} (letters, digits, dots, hyphens, :port)")
    return host


def content_prefix(verify_host: str = DEFAULT_VERIFY_HOST) -> str:
    """`HTTPS://<HOST>/V`: the part of the content encoded in QR alphanumeric mode."""
    return f"HTTPS://{normalize_host(verify_host)}{VERIFY_PATH}"


def make_content(signed: bytes, verify_host: str = DEFAULT_VERIFY_HOST) -> str:
    """The QR content of a signed record: `HTTPS://<HOST>/V#<digits>`."""
    return f"{content_prefix(verify_host)}#{bytes_to_digits(signed)}"


def parse_content(content: str) -> bytes:
    """Signed record bytes from a scanned content or URL (any case, surrounding whitespace) or bare digits.

    The host is not checked: authenticity comes from the signature, not from where the QR points.
    """
    if not isinstance(content, str):
        raise CP1FormatError("content must be a string")
    if len(content) > MAX_CONTENT_LENGTH:
        raise CP1FormatError("content too long")
    match = _CONTENT.fullmatch(content.strip(ASCII_WHITESPACE))
    if match is None:
        raise CP1FormatError("not a CP1 content (expected HTTPS://<host>/V#<digits>)")
    return digits_to_bytes(match.group(2))
