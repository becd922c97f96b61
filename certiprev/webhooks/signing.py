"""Webhook signatures (pure helpers, no Django): what Certiprev sends and what a receiver checks.

Header `Certiprev-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. The timestamp is
inside the signed text, so a receiver that refuses old timestamps (5 minutes by default) refuses replays too; the
`Certiprev-Event-Id` header, the same on every retry, lets it ignore a delivery it has already processed.
"""

import hashlib
import hmac
import secrets
import time

SIGNATURE_HEADER = "Certiprev-Signature"
EVENT_ID_HEADER = "Certiprev-Event-Id"
EVENT_TYPE_HEADER = "Certiprev-Event"
DELIVERY_ID_HEADER = "Certiprev-Delivery-Id"
ATTEMPT_HEADER = "Certiprev-Delivery-Attempt"
SECRET_PREFIX = "whsec_"  # noqa: S105 - a marker, not a secret
DEFAULT_TOLERANCE = 300


def secret_generate() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(int(timestamp)).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def signature_verify(
    secret: str, header: str, body: bytes, *, tolerance: int = DEFAULT_TOLERANCE, now: float | None = None
) -> bool:
    """True when `header` signs `body` with `secret` and its timestamp is within `tolerance` seconds of now."""
    timestamp, candidates = None, []
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1":
            candidates.append(value)
    if timestamp is None or not candidates:
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)
