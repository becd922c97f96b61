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
    build_revoked_list,
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
    verify_revoked_list,
)
from certiprev.lib.cp1.errors import KeyListError  # noqa: E402
from certiprev.lib.cp1.keys import sign_document  # noqa: E402
from certiprev.lib.cp1.record import signature_input  # noqa: E402

OUTPUT = ROOT / "tests" / "vectors" / "cp1_vectors.json"
ISSUED_AT = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
# The shared key list expires after every vector's "today" (test data); key_list_expired is a short-lived one.
EXPIRES = datetime(2030, 1, 1, 0, 0, 0, tzinfo=UTC)
TODAY = date(2025, 9, 1)
NOW = "2025-09-01T12:00:00Z"  # the moment at which list cases with "now" are checked


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
        # Issue 12.14: ASCII-only whitespace, exact host grammar, maximum length, list rules.
        (
            "valid_host_with_port",
            "A host with a port is accepted (the host is not checked).",
            content_of(a).replace(DEFAULT_VERIFY_HOST, "VERIF.EXEMPLE.FR:8443", 1),
            TODAY,
            other_revoked,
            "valid",
            "ok",
        ),
        (
            "host_with_empty_port",
            "'host:' (a colon without port digits) is malformed.",
            content_of(a).replace(DEFAULT_VERIFY_HOST, DEFAULT_VERIFY_HOST + ":", 1),
            TODAY,
            other_revoked,
            "invalid",
            "malformed",
        ),
        (
            "host_with_two_colons",
            "'a::b' is malformed (one optional :port only, no IPv6 literal).",
            content_of(a).replace(DEFAULT_VERIFY_HOST, "A::B", 1),
            TODAY,
            other_revoked,
            "invalid",
            "malformed",
        ),
        (
            "host_with_empty_label",
            "'a..b' and a label ending with '-' are malformed.",
            content_of(a).replace(DEFAULT_VERIFY_HOST, "VERIF..CERTIPREV-.FR", 1),
            TODAY,
            other_revoked,
            "invalid",
            "malformed",
        ),
        (
            "content_too_long",
            "A content longer than 618 characters is malformed, even if trimming would shorten it.",
            content_of(a) + " " * (619 - len(content_of(a))),
            TODAY,
            other_revoked,
            "invalid",
            "malformed",
        ),
        (
            "leading_byte_order_mark",
            "U+FEFF is not whitespace: malformed.",
            "\ufeff" + content_of(a),
            TODAY,
            other_revoked,
            "invalid",
            "malformed",
        ),
        (
            "trailing_file_separator",
            "U+001C is not whitespace: malformed.",
            content_of(a) + "\x1c",
            TODAY,
            other_revoked,
            "invalid",
            "malformed",
        ),
        (
            "leading_no_break_space",
            "U+00A0 is not whitespace: malformed.",
            "\u00a0" + content_of(a),
            TODAY,
            other_revoked,
            "invalid",
            "malformed",
        ),
        (
            "valid_with_ascii_whitespace",
            "Tab, line feed, vertical tab, form feed, carriage return and space around the content are trimmed.",
            "\t\n\v\f\r " + content_of(a) + " \r\n",
            TODAY,
            other_revoked,
            "valid",
            "ok",
        ),
        (
            "fullwidth_digits",
            "Non-ASCII digits are not digits: malformed.",
            content_of(a)[:-1] + "\uff10",
            TODAY,
            other_revoked,
            "invalid",
            "malformed",
        ),
        (
            "valid_key_with_open_start",
            'The signing key has "not_before": null (open start).',
            content_of(a),
            TODAY,
            other_revoked,
            "valid",
            "ok",
        ),
        (
            "unknown_key_bad_entry_skipped",
            "The entry of key 2 is not usable (kty EC): it is skipped, the rest of the list is kept.",
            content_of(a),
            TODAY,
            other_revoked,
            "unknown_key",
            "unknown_key",
        ),
        (
            "valid_other_key_beside_a_bad_entry",
            "Key 1 verifies its card although the entry of key 2 is skipped.",
            content_of(signed(record(key_id=1, certified_on=date(2024, 5, 2), valid_until=date(2026, 5, 2)))),
            TODAY,
            other_revoked,
            "valid",
            "ok",
        ),
    ]
    special_lists = {
        "valid_key_with_open_start": open_start_key_list(),
        "unknown_key_bad_entry_skipped": bad_entry_key_list(),
        "valid_other_key_beside_a_bad_entry": bad_entry_key_list(),
    }
    root_public = public_key_bytes(ROOT_KEY)
    out = []
    for name, description, content, today, revoked, status, reason in cases:
        case_key_list = special_lists.get(name, key_list)
        entries = verify_key_list(case_key_list, root_public)
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
                "key_list": case_key_list,
                "expected": result.to_dict(),
            }
        )
    return out


def open_start_key_list() -> dict:
    """Key 2 with "not_before": null (allowed: an open start)."""
    entries = [
        PublicKeyEntry(kid=e.kid, public_key=e.public_key, status=e.status, not_before=None, not_after=e.not_after)
        if e.kid == 2
        else e
        for e in ENTRIES
    ]
    return build_key_list(entries, root_private_key=ROOT_KEY, issued_at=ISSUED_AT, expires=EXPIRES)


def bad_entry_key_list() -> dict:
    """Signed, but the entry of key 2 has "kty": "EC": skipped; keys 1 and 3 stay usable."""
    document = build_key_list(ENTRIES, root_private_key=ROOT_KEY, issued_at=ISSUED_AT, expires=EXPIRES)
    document["keys"][1]["kty"] = "EC"
    return sign_document(document, ROOT_KEY)


def key_list_cases(key_list: dict) -> list[dict[str, Any]]:
    tampered = json.loads(json.dumps(key_list))
    tampered["keys"][2]["status"] = "active"
    other_root = private_key_from_seed(test_seed("another root key"))
    expired = build_key_list(
        ENTRIES, root_private_key=ROOT_KEY, issued_at=ISSUED_AT, expires=datetime(2025, 1, 9, 3, 4, 5, tzinfo=UTC)
    )
    duplicate = json.loads(json.dumps(key_list))
    duplicate["keys"].append({**duplicate["keys"][0], "status": "active"})
    duplicate = sign_document(duplicate, ROOT_KEY)
    cases = [
        {
            "name": "key_list_ok",
            "root_public_key": b64url_encode(public_key_bytes(ROOT_KEY)),
            "key_list": key_list,
            "now": NOW,
            "expected": "ok",
            "kids": [1, 2, 3],
        },
        {
            "name": "key_list_open_start",
            "root_public_key": b64url_encode(public_key_bytes(ROOT_KEY)),
            "key_list": open_start_key_list(),
            "now": NOW,
            "expected": "ok",
            "kids": [1, 2, 3],
        },
        {
            "name": "key_list_bad_entry_skipped",
            "root_public_key": b64url_encode(public_key_bytes(ROOT_KEY)),
            "key_list": bad_entry_key_list(),
            "now": NOW,
            "expected": "ok",
            "kids": [1, 3],
        },
        {
            "name": "key_list_expired",
            "root_public_key": b64url_encode(public_key_bytes(ROOT_KEY)),
            "key_list": expired,
            "now": NOW,
            "expected": "error",
        },
        {
            "name": "key_list_duplicate_kid",
            "root_public_key": b64url_encode(public_key_bytes(ROOT_KEY)),
            "key_list": duplicate,
            "now": NOW,
            "expected": "error",
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
    for case in cases:  # the script checks its own expectations
        try:
            kids = [e.kid for e in verify_key_list(case["key_list"], _root_of(case), now=_moment(case.get("now")))]
            outcome = "ok"
        except KeyListError:
            kids, outcome = None, "error"
        if outcome != case["expected"] or (outcome == "ok" and kids != case["kids"]):
            raise AssertionError(f"{case['name']}: got {outcome} {kids}")
    return cases


def _root_of(case: dict) -> bytes:
    from certiprev.lib.cp1 import b64url_decode

    return b64url_decode(case["root_public_key"])


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def revoked_list_cases() -> list[dict[str, Any]]:
    """Signed revoked.json documents (§6): verify (ok, with their ids) or be rejected (error) at `now`."""
    ids = sorted([rid(9, 9), rid(3, 3)])
    issued_at = datetime(2025, 9, 1, 6, 0, 0, tzinfo=UTC)
    good = build_revoked_list(ids, root_private_key=ROOT_KEY, issued_at=issued_at, expires=issued_at.replace(day=2))
    tampered = {**good, "revoked": [ids[0].hex()]}
    expired = build_revoked_list(
        ids,
        root_private_key=ROOT_KEY,
        issued_at=datetime(2025, 8, 30, 6, 0, 0, tzinfo=UTC),
        expires=datetime(2025, 8, 31, 6, 0, 0, tzinfo=UTC),
    )
    no_expires = build_revoked_list(ids, root_private_key=ROOT_KEY, issued_at=issued_at)
    root = b64url_encode(public_key_bytes(ROOT_KEY))
    cases = [
        {"name": "revoked_list_ok", "revoked_list": good, "expected": "ok", "revoked": [i.hex() for i in ids]},
        {"name": "revoked_list_tampered", "revoked_list": tampered, "expected": "error"},
        {"name": "revoked_list_expired", "revoked_list": expired, "expected": "error"},
        {"name": "revoked_list_without_expires", "revoked_list": no_expires, "expected": "error"},
    ]
    for case in cases:
        case.update(root_public_key=root, now=NOW)
        try:
            got = sorted(v.hex() for v in verify_revoked_list(case["revoked_list"], _root_of(case), now=_moment(NOW)))
            outcome = "ok"
        except KeyListError:
            got, outcome = None, "error"
        if outcome != case["expected"] or (outcome == "ok" and got != case["revoked"]):
            raise AssertionError(f"{case['name']}: got {outcome}")
    return cases


def build_vectors() -> dict[str, Any]:
    key_list = build_key_list(ENTRIES, root_private_key=ROOT_KEY, issued_at=ISSUED_AT, expires=EXPIRES)
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
        "revoked_list_cases": revoked_list_cases(),
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
