"""The lists published under /.well-known/certiprev/ (docs/cp1-format.md §6): keys, revocations, organisations.

keys.json and revoked.json are signed by the root key and carry `issued_at` and `expires`. Ed25519 signatures are
deterministic, so a document built from the same data with the same `issued_at` is byte-identical in every process:
the ETag is stable without any cache or shared state. keys.json's `issued_at` is the later of the last change to a
key and the start of the current UTC day; revoked.json's is the later of the last revocation and the start of the
current hour, so that a verifier sees a list at most an hour old (a replayed old list shows its age, and stops being
used at its `expires`). organisations.json is informative and unsigned (names are not ASCII).
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from certiprev.lib import cp1
from certiprev.organisations.models import Habilitation, Organisation

from .models import Certificate, SigningKey
from .rendering import NETWORK_ORGANISATION_ID
from .signing_keys import root_private_key

EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class PublishedDocument:
    body: bytes
    etag: str
    cache_control: str
    content_type: str = "application/json"


def _published(body: bytes, cache_control: str, content_type: str = "application/json") -> PublishedDocument:
    return PublishedDocument(body, f'"{hashlib.sha256(body).hexdigest()[:32]}"', cache_control, content_type)


# Freshness (docs/cp1-format.md §6.1): a verifier refuses a list past its `expires`. keys.json is re-issued every
# day (or at the last key change, if later) and valid a week; revoked.json every hour and valid a day. Both stay
# deterministic within their period, so the ETag is stable across processes.
KEYS_VALIDITY = dt.timedelta(days=7)
REVOKED_VALIDITY = dt.timedelta(days=1)


def keys_document(*, now: dt.datetime | None = None) -> PublishedDocument:
    """The signed keys.json: every signing key ever used, with its status and signing period."""
    now = now or timezone.now()
    keys = list(SigningKey.objects.order_by("kid"))
    day = now.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    issued_at = max([day, *(key.updated_at for key in keys)])
    document = cp1.build_key_list(
        [key.entry() for key in keys],
        root_private_key=root_private_key(),
        issued_at=issued_at,
        expires=issued_at + KEYS_VALIDITY,
    )
    return _published(cp1.canonical_json(document), "public, max-age=3600")


def revoked_document(*, now: dt.datetime | None = None) -> PublishedDocument:
    """The signed revoked.json: the revocation ids of every revoked certificate (kept after expiry: ADR 0003)."""
    now = now or timezone.now()
    revoked = Certificate.objects.revoked()
    ids = [bytes.fromhex(rid) for rid in revoked.values_list("revocation_id", flat=True).distinct()]
    last = revoked.aggregate(last=Max("revoked_at"))["last"]
    hour = now.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
    issued_at = max(hour, last) if last else hour
    document = cp1.build_revoked_list(
        ids, root_private_key=root_private_key(), issued_at=issued_at, expires=issued_at + REVOKED_VALIDITY
    )
    return _published(cp1.canonical_json(document), "public, max-age=300")


def organisations_document(*, today: dt.date | None = None) -> PublishedDocument:
    """organisations.json: {"organisations": {"<id>": {"name", "habilitation", "schemes"}}, "as_of"}.

    `habilitation` is "active" (habilitated today for the listed schemes) or "expired"; id 0 is the network itself,
    the issuer of trainer certificates. Only organisations that ever held a habilitation (so may have issued a card).
    """
    today = today or timezone.localdate()
    schemes_now: dict[int, set[str]] = {}
    for organisation_id, code, start, end in Habilitation.objects.values_list(
        "organisation_id", "scheme__code", "valid_from", "valid_until"
    ):
        current = schemes_now.setdefault(organisation_id, set())
        if start <= today <= end:
            current.add(code)
    entries = {
        str(NETWORK_ORGANISATION_ID): {
            "name": settings.CERTIFICATE_NETWORK_NAME,
            "habilitation": "network",
            "schemes": [],
        },
    }
    for organisation_id, name in Organisation.objects.filter(pk__in=schemes_now).values_list("pk", "name"):
        listed = sorted(schemes_now[organisation_id])
        entries[str(organisation_id)] = {
            "name": name,
            "habilitation": "active" if listed else "expired",
            "schemes": listed,
        }
    body = json.dumps(
        {"organisations": entries, "as_of": today.isoformat()},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    ).encode("utf-8")
    return _published(body, "public, max-age=3600", "application/json; charset=utf-8")
