"""Write tests/vectors/cp1_vectors.json: CP1 test vectors shared by the Python and browser verifiers.

Every key comes from a FIXED, PUBLIC, TEST-ONLY seed below: never use them for anything real. Ed25519
signatures are deterministic, so running this script again gives the same file byte for byte (a test checks it).

    .venv/bin/python scripts/make_cp1_vectors.py [output.json]
"""

import hashlib
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from certiprev.lib.cp1 import (  # noqa: E402
    DEFAULT_VERIFY_HOST,
    CP1FormatError,
    CP1Record,
    PublicKeyEntry,
    b64url_encode,
    build_key_list,
    bytes_to_digits,
    canonical_json,
    make_content,
    pack,
    pack_text,
    parse_content,
    private_key_from_seed,
    public_key_bytes,
    record_fields,
    revocation_id,
    sign,
    transliterate,
    unpack,
    verify_content,
    verify_key_list,
)
from certiprev.lib.cp1.record import signature_input  # noqa: E402

OUTPUT = ROOT / "tests" / "vectors" / "cp1_vectors.json"
ISSUED_AT = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
TODAY = date(2025, 9, 1)


def test_seed(label: str) -> bytes:
    return hashlib.sha256(f"CP1 TEST VECTORS ONLY - {label}".encode()).digest()


SEEDS = {
    "root": test_seed("root key"),
    1: test_seed("signing key 1"),
    2: test_seed("signing key 2"),
    3: test_seed("signing key 3"),
    7: test_seed("signing key 7 (not listed)"),
}
K_REV = test_seed("revocation key")
ROOT_KEY = private_key_from_seed(SEEDS["root"])
SIGNING_KEYS = {kid: private_key_from_seed(seed) for kid, seed in SEEDS.items() if kid != "root"}
ENTRIES = [
    PublicKeyEntry(
        kid=1,
        public_key=public_key_bytes(SIGNING_KEYS[1]),
        status="retired",
        not_before=date(2024, 1, 1),
        not_after=date(2024, 12, 31),
    ),
    PublicKeyEntry(
        kid=2,
        public_key=public_key_bytes(SIGNING_KEYS[2]),
        status="active",
        not_before=date(2025, 1, 1),
        not_after=None,
    ),
    PublicKeyEntry(
        kid=3,
        public_key=public_key_bytes(SIGNING_KEYS[3]),
        status="compromised",
        not_before=date(2024, 6, 1),
        not_after=date(2025, 6, 30),
    ),
]


def rid(session: int, trainee: int) -> bytes:
    return revocation_id(K_REV, f"session-{session}", f"trainee-{trainee}")


def record(**changes: Any) -> CP1Record:
    fields: dict[str, Any] = {
        "kind": "initial",
        "key_id": 2,
        "scheme_code": 1,
        "certified_on": date(2025, 3, 14),
        "valid_until": date(2027, 3, 14),
        "birth_date": date(1987, 11, 5),
        "organisation_id": 42,
        "revocation_id": rid(1, 1),
        "last_name": "Dupont-Lefèvre",
        "first_names": "Françoise Hélène",
    }
    return CP1Record(**{**fields, **changes})


def signed(rec: CP1Record) -> bytes:
    return sign(rec, SIGNING_KEYS[rec.key_id])


def content_of(data: bytes) -> str:
    return make_content(data, DEFAULT_VERIFY_HOST)


def flip(data: bytes, index: int, mask: int = 0x01) -> bytes:
    out = bytearray(data)
    out[index] ^= mask
    return bytes(out)


def resigned_with_reserved_flag() -> bytes:
    body = bytearray(pack(record()))
    body[0] |= 0x10
    return bytes(body) + SIGNING_KEYS[2].sign(signature_input(bytes(body)))


def content_cases(key_list: dict) -> list[dict[str, Any]]:
    a = signed(record())
    other_revoked = [rid(9, 9).hex()]
    longest = record(
        kind="mac",
        organisation_id=2**32 - 1,
        last_name="de la Tour d'Auvergne-Lauraguais",
        first_names="Marie-Christine Anne-Sophie Éléonore Bénédicte",
        revocation_id=rid(4, 4),
    )
    # (name, description, content, today, revoked list, expected status, expected reason)
    cases: list[tuple[str, str, str, date, list[str] | None, str, str]] = [
        (
            "valid",
            "Initial certificate (scheme code 1), active key 2, not revoked.",
            content_of(a),
            TODAY,
            other_revoked,
            "valid",
            "ok",
        ),
        (
            "valid_lowercase_with_whitespace",
            "Same code read as a lowercase URL with surrounding whitespace.",
            f"  {content_of(a).lower()}\n",
            TODAY,
            other_revoked,
            "valid",
            "ok",
        ),
        (
            "valid_bare_digits",
            "Only the digits after '#' (manual entry).",
            content_of(a).partition("#")[2],
            TODAY,
            other_revoked,
            "valid",
            "ok",
        ),
        (
            "valid_trainer_without_birth_date",
            "Trainer certificate, no birth date, foreign names transliterated.",
            content_of(
                signed(
                    record(
                        kind="trainer",
                        scheme_code=3,
                        birth_date=None,
                        organisation_id=0,
                        last_name="Şahin-Nguyễn",
                        first_names="Łukasz",
                        revocation_id=rid(2, 2),
                    )
                )
            ),
            TODAY,
            other_revoked,
            "valid",
            "ok",
        ),
        (
            "valid_mac_names_truncated_longest_record",
            "MAC, 5-byte organisation varint, names over 60 characters: the longest record (127 bytes).",
            content_of(signed(longest)),
            TODAY,
            other_revoked,
            "valid",
            "ok",
        ),
        (
            "valid_on_last_day",
            "today == valid_until is still valid.",
            content_of(a),
            date(2027, 3, 14),
            other_revoked,
            "valid",
            "ok",
        ),
        (
            "valid_retired_key_inside_its_period",
            "Key 1 is retired but signed this on 2024-05-10, in its period.",
            content_of(
                signed(
                    record(
                        key_id=1,
                        certified_on=date(2024, 5, 10),
                        valid_until=date(2026, 5, 10),
                        revocation_id=rid(3, 3),
                    )
                )
            ),
            TODAY,
            other_revoked,
            "valid",
            "ok",
        ),
        (
            "valid_revocation_list_unavailable",
            "revoked = null: valid but revocation_checked is false.",
            content_of(a),
            TODAY,
            None,
            "valid",
            "ok",
        ),
        (
            "expired",
            "today is after valid_until.",
            content_of(a),
            date(2027, 3, 15),
            other_revoked,
            "expired",
            "expired",
        ),
        (
            "revoked",
            "The revocation id is in the revoked list.",
            content_of(a),
            TODAY,
            [*other_revoked, rid(1, 1).hex()],
            "revoked",
            "revoked",
        ),
        (
            "revoked_and_expired",
            "Revocation is reported before expiry.",
            content_of(a),
            date(2028, 1, 1),
            [rid(1, 1).hex()],
            "revoked",
            "revoked",
        ),
        (
            "unknown_key",
            "Signed by key 7, which is not in the key list.",
            content_of(signed(record(key_id=7))),
            TODAY,
            other_revoked,
            "unknown_key",
            "unknown_key",
        ),
        (
            "retired_key_outside_its_period",
            "Key 1 (period 2024) used for a certificate dated 2025-02-01.",
            content_of(signed(record(key_id=1, certified_on=date(2025, 2, 1), valid_until=date(2027, 2, 1)))),
            TODAY,
            other_revoked,
            "invalid",
            "outside_key_period",
        ),
        (
            "compromised_key",
            "Key 3 is compromised: everything it signed is invalid, even inside its period.",
            content_of(signed(record(key_id=3, certified_on=date(2025, 1, 10), valid_until=date(2027, 1, 10)))),
            TODAY,
            other_revoked,
            "invalid",
            "key_compromised",
        ),
        (
            "tampered_name_byte",
            "One byte of the names changed: still decodable, signature fails.",
            content_of(flip(a, len(a) - 64 - 1)),
            TODAY,
            other_revoked,
            "invalid",
            "bad_signature",
        ),
        (
            "tampered_certification_date",
            "Certification date moved by one day.",
            content_of(flip(a, 4)),
            TODAY,
            other_revoked,
            "invalid",
            "bad_signature",
        ),
        (
            "tampered_key_id",
            "Key id byte changed from 2 to 3 (a listed key).",
            content_of(flip(a, 1)),
            TODAY,
            other_revoked,
            "invalid",
            "bad_signature",
        ),
        (
            "tampered_signature_byte",
            "Last byte of the signature changed.",
            content_of(flip(a, len(a) - 1)),
            TODAY,
            other_revoked,
            "invalid",
            "bad_signature",
        ),
        (
            "reserved_flag_bit_set",
            "Correctly signed, but a reserved bit of the flags byte is set.",
            content_of(resigned_with_reserved_flag()),
            TODAY,
            other_revoked,
            "invalid",
            "malformed",
        ),
        (
            "truncated_digits",
            "Last digit missing: impossible digit count.",
            content_of(a)[:-1],
            TODAY,
            other_revoked,
            "invalid",
            "malformed",
        ),
        (
            "truncated_last_group",
            "Last 7 bytes dropped (17 digits fewer): the rest no longer verifies.",
            content_of(a[:-7]),
            TODAY,
            other_revoked,
            "invalid",
            "bad_signature",
        ),
        (
            "truncated_too_short",
            "Only the first 80 bytes: too short for the smallest record (81 bytes).",
            content_of(a[:80]),
            TODAY,
            other_revoked,
            "invalid",
            "malformed",
        ),
        (
            "garbage_after_hash",
            "Not digits after '#'.",
            f"HTTPS://{DEFAULT_VERIFY_HOST}/V#hello",
            TODAY,
            other_revoked,
            "invalid",
            "malformed",
        ),
        (
            "digit_group_overflow",
            "A 17-digit group above 2^56 - 1.",
            content_of(a).replace(content_of(a).partition("#")[2][:17], "9" * 17, 1),
            TODAY,
            other_revoked,
            "invalid",
            "malformed",
        ),
        ("not_a_cp1_url", "Some other QR code.", "https://example.com/", TODAY, other_revoked, "invalid", "malformed"),
        ("empty", "Empty content.", "", TODAY, other_revoked, "invalid", "malformed"),
    ]
    root_public = public_key_bytes(ROOT_KEY)
    entries = verify_key_list(key_list, root_public)
    out = []
    for name, description, content, today, revoked, status, reason in cases:
        revoked_set = None if revoked is None else {bytes.fromhex(value) for value in revoked}
        result = verify_content(content, keys=entries, revoked=revoked_set, today=today)
        if (result.status, result.reason) != (status, reason):
            raise AssertionError(f"{name}: got {result.status}/{result.reason}, want {status}/{reason}")
        try:
            record_hex = parse_content(content).hex()
        except CP1FormatError:
            record_hex = None
        out.append(
            {
                "name": name,
                "description": description,
                "content": content,
                "record_hex": record_hex,
                "today": today.isoformat(),
                "revoked": revoked,
                "root_public_key": b64url_encode(root_public),
                "key_list": key_list,
                "expected": result.to_dict(),
            }
        )
    return out


def key_list_cases(key_list: dict) -> list[dict[str, Any]]:
    tampered = json.loads(json.dumps(key_list))
    tampered["keys"][2]["status"] = "active"
    other_root = private_key_from_seed(test_seed("another root key"))
    return [
        {
            "name": "key_list_ok",
            "root_public_key": b64url_encode(public_key_bytes(ROOT_KEY)),
            "key_list": key_list,
            "expected": "ok",
        },
        {
            "name": "key_list_tampered_status",
            "root_public_key": b64url_encode(public_key_bytes(ROOT_KEY)),
            "key_list": tampered,
            "expected": "error",
        },
        {
            "name": "key_list_wrong_root",
            "root_public_key": b64url_encode(public_key_bytes(other_root)),
            "key_list": key_list,
            "expected": "error",
        },
    ]


def build_vectors() -> dict[str, Any]:
    key_list = build_key_list(ENTRIES, root_private_key=ROOT_KEY, issued_at=ISSUED_AT)
    unsigned = {key: value for key, value in key_list.items() if key != "signature"}
    samples = bytes(range(0xF0, 0x100)) + bytes(range(14))
    return {
        "format": "CP1",
        "spec": "docs/cp1-format.md",
        "warning": "TEST-ONLY keys derived from public seeds: never trust them outside tests.",
        "verify_host": DEFAULT_VERIFY_HOST,
        "test_seeds_hex": {
            "root": SEEDS["root"].hex(),
            **{f"kid_{kid}": SEEDS[kid].hex() for kid in (1, 2, 3, 7)},
            "k_rev": K_REV.hex(),
        },
        "content_cases": content_cases(key_list),
        "key_list_cases": key_list_cases(key_list),
        "canonical_json": {"document": unsigned, "canonical": canonical_json(unsigned).decode("ascii")},
        "digit_groups": [
            {"hex": samples[:n].hex(), "digits": bytes_to_digits(samples[:n])}
            for n in (1, 2, 3, 4, 5, 6, 7, 8, 14, 20)
        ]
        + [
            {"hex": "ff" * 7, "digits": bytes_to_digits(b"\xff" * 7)},
            {"hex": "00" * 6, "digits": bytes_to_digits(b"\x00" * 6)},
        ],
        "invalid_digit_strings": [
            {"digits": "1", "why": "impossible length"},
            {"digits": "1234", "why": "impossible length"},
            {"digits": "0" * 18, "why": "impossible length"},
            {"digits": "256", "why": "group overflow (1 byte)"},
            {"digits": "65536", "why": "group overflow (2 bytes)"},
            {"digits": "72057594037927936", "why": "group overflow (7 bytes)"},
        ],
        "base40": [
            {"text": text, "hex": pack_text(text).hex()}
            for text in ("A", "AB", "ABC", "DUPONT-LEFEVREFRANCOISE HELENE", "O'NEIL J.-P.", "Z9")
        ],
        "transliteration": [
            {"input": name, "output": transliterate(name)}
            for name in (
                "Françoise-Hélène",
                "N’Guessan",
                "Łukasz",
                "Şahin",
                "Nguyễn Thị",
                "Œuvray",
                "Lætitia",
                "Strauß",
                "Anaïs",
                "Jean - Pierre",
                "O'Neil",
                "王小明",
                "Col·lell",
            )
        ],
        "revocation_ids": [
            {
                "k_rev_hex": K_REV.hex(),
                "session_id": f"session-{s}",
                "trainee_id": f"trainee-{t}",
                "revocation_id_hex": rid(s, t).hex(),
            }
            for s, t in ((1, 1), (2, 2), (9, 9))
        ],
        "unpacked_example": {
            "record_hex": signed(record()).hex(),
            "fields": record_fields(unpack(signed(record()))[0]),
        },
    }


def render() -> str:
    return json.dumps(build_vectors(), indent=1, ensure_ascii=False) + "\n"


def main() -> None:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT
    output.write_text(render(), encoding="utf-8")
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
