import contextlib
import hashlib
import hmac
import importlib.util
import json
import random
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from certiprev.lib.cp1 import (
    ALPHABET,
    CP1FormatError,
    CP1Record,
    KeyListError,
    PublicKeyEntry,
    b64url_decode,
    b64url_encode,
    build_key_list,
    build_revoked_list,
    bytes_to_digits,
    canonical_json,
    digits_to_bytes,
    fit_names,
    generate_private_key,
    load_private_key,
    load_public_key,
    make_content,
    pack,
    pack_text,
    parse_content,
    private_key_from_seed,
    private_key_seed,
    private_key_to_pem,
    public_key_bytes,
    revocation_id,
    sign,
    sign_document,
    transliterate,
    unpack,
    unpack_text,
    verify,
    verify_content,
    verify_key_list,
    verify_revoked_list,
)

ROOT = Path(__file__).resolve().parents[2]
VECTORS_PATH = ROOT / "tests" / "vectors" / "cp1_vectors.json"
VECTORS = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
KEY = private_key_from_seed(hashlib.sha256(b"test_cp1 signing key").digest())
OTHER_KEY = private_key_from_seed(hashlib.sha256(b"test_cp1 other key").digest())
ENTRY = PublicKeyEntry(kid=5, public_key=public_key_bytes(KEY), status="active", not_before=date(2025, 1, 1))
TODAY = date(2025, 9, 1)


def make_record(**changes) -> CP1Record:
    fields = {
        "kind": "initial",
        "key_id": 5,
        "scheme_code": 1,
        "certified_on": date(2025, 3, 14),
        "valid_until": date(2027, 3, 14),
        "birth_date": date(1987, 11, 5),
        "organisation_id": 42,
        "revocation_id": bytes.fromhex("0011223344556677"),
        "last_name": "Dupont",
        "first_names": "Jeanne",
    }
    return CP1Record(**{**fields, **changes})


def check(content, *, keys=(ENTRY,), revoked=frozenset(), today=TODAY):
    return verify_content(content, keys=list(keys), revoked=None if revoked is None else set(revoked), today=today)


# --- record ---------------------------------------------------------------------------------------------------


def test_sign_then_unpack_returns_the_record_with_transliterated_names():
    record = make_record(last_name="Lefèvre", first_names="Hélène")
    decoded, signature = unpack(sign(record, KEY))
    assert decoded == replace(record, last_name="LEFEVRE", first_names="HELENE")
    assert len(signature) == 64


def test_the_signature_is_ed25519_over_cp1_and_the_body():
    record = make_record()
    signed = sign(record, KEY)
    assert signed[:-64] == pack(record)
    KEY.public_key().verify(signed[-64:], b"CP1" + pack(record))  # raises if wrong


def test_the_second_byte_is_the_key_id():
    assert sign(make_record(key_id=201), KEY)[1] == 201


def test_verify_accepts_the_signing_key_and_refuses_another():
    signed = sign(make_record(), KEY)
    assert verify(signed, KEY.public_key())
    assert verify(signed, public_key_bytes(KEY))
    assert not verify(signed, OTHER_KEY.public_key())
    assert not verify(signed[:-1] + bytes([signed[-1] ^ 1]), KEY.public_key())


@pytest.mark.parametrize("kind", ["initial", "mac", "trainer"])
def test_every_kind_round_trips(kind):
    assert unpack(sign(make_record(kind=kind), KEY))[0].kind == kind


def test_a_record_without_birth_date_is_two_bytes_shorter_and_round_trips():
    with_birth = pack(make_record())
    without = pack(make_record(birth_date=None))
    assert len(with_birth) - len(without) == 2
    assert unpack(sign(make_record(birth_date=None), KEY))[0].birth_date is None


@pytest.mark.parametrize("birth_date", [date(1900, 1, 1), date(1953, 2, 28), date(2008, 6, 30), date(2079, 6, 6)])
def test_birth_dates_from_1900_to_2079_round_trip(birth_date):
    assert unpack(sign(make_record(birth_date=birth_date), KEY))[0].birth_date == birth_date


def test_birth_dates_are_days_since_1900_in_two_bytes():
    body = pack(make_record(birth_date=date(1900, 1, 3)))
    assert body[7:9] == b"\x00\x02"


def test_certification_and_expiry_dates_are_days_since_2000_in_two_bytes():
    body = pack(make_record(certified_on=date(2000, 1, 2), valid_until=date(2000, 12, 31)))
    assert body[3:5] == (1).to_bytes(2, "big")
    assert body[5:7] == (365).to_bytes(2, "big")


@pytest.mark.parametrize(
    "changes",
    [
        {"kind": "other"},
        {"key_id": 256},
        {"key_id": -1},
        {"scheme_code": 256},
        {"organisation_id": -1},
        {"organisation_id": 2**32},
        {"revocation_id": b"short"},
        {"certified_on": date(1999, 12, 31)},
        {"valid_until": date(2180, 1, 1)},
        {"birth_date": date(1899, 12, 31)},
        {"birth_date": date(2079, 6, 7)},
        {"valid_until": date(2025, 3, 13)},
    ],
)
def test_pack_refuses_values_the_format_cannot_hold(changes):
    with pytest.raises(ValueError):
        pack(make_record(**changes))


@pytest.mark.parametrize(
    ("organisation_id", "varint_length"), [(0, 1), (127, 1), (128, 2), (16383, 2), (16384, 3), (2**32 - 1, 5)]
)
def test_organisation_ids_are_leb128_varints(organisation_id, varint_length):
    base = len(pack(make_record(organisation_id=0)))
    signed = sign(make_record(organisation_id=organisation_id), KEY)
    assert len(signed) - 64 - base == varint_length - 1
    assert unpack(signed)[0].organisation_id == organisation_id


def test_organisation_id_varint_is_least_significant_group_first():
    body = pack(make_record(organisation_id=300, birth_date=None))
    assert body[7:9] == bytes([0xAC, 0x02])


def test_a_non_minimal_varint_is_a_format_error():
    body = bytearray(pack(make_record(organisation_id=5, birth_date=None)))
    body[7:8] = bytes([0x85, 0x00])
    with pytest.raises(CP1FormatError, match="non-minimal"):
        unpack(bytes(body) + bytes(64))


def test_reserved_flag_bits_are_a_format_error():
    body = bytearray(pack(make_record()))
    body[0] |= 0x80
    with pytest.raises(CP1FormatError, match="reserved"):
        unpack(bytes(body) + bytes(64))


def test_kind_code_3_is_a_format_error():
    body = bytearray(pack(make_record()))
    body[0] |= 0x03
    with pytest.raises(CP1FormatError, match="kind"):
        unpack(bytes(body) + bytes(64))


def test_every_truncation_of_a_record_is_a_format_error_or_fails_verification():
    signed = sign(make_record(), KEY)
    for length in range(len(signed)):
        try:
            unpack(signed[:length])
        except CP1FormatError:
            continue
        assert not verify(signed[:length], KEY.public_key())


def test_records_longer_than_127_bytes_are_a_format_error():
    with pytest.raises(CP1FormatError, match="too long"):
        unpack(bytes(128))


def test_unpack_refuses_non_bytes():
    with pytest.raises(CP1FormatError):
        unpack("not bytes")


# --- names ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Françoise-Hélène", "FRANCOISE-HELENE"),
        ("Gaëlle", "GAELLE"),
        ("Anaïs", "ANAIS"),
        ("Joël Noël", "JOEL NOEL"),
        ("Lætitia", "LAETITIA"),
        ("Œuvray", "OEUVRAY"),
        ("Cœur", "COEUR"),
        ("N’Guessan", "N'GUESSAN"),
        ("d‘Artagnan", "D'ARTAGNAN"),
        ("L'Hôpital", "L'HOPITAL"),
        ("Jean – Pierre", "JEAN-PIERRE"),
        ("Marie‑Ève", "MARIE-EVE"),
        ("J.-P.", "J.-P."),
        ("  de   la  Tour ", "DE LA TOUR"),
    ],
)
def test_french_names_are_transliterated(name, expected):
    assert transliterate(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Łukasz", "LUKASZ"),
        ("Şahin", "SAHIN"),
        ("Nguyễn", "NGUYEN"),
        ("Strauß", "STRAUSS"),
        ("Øster", "OSTER"),
        ("Dvořák", "DVORAK"),
        ("Đorđević", "DORDEVIC"),
        ("Yılmaz", "YILMAZ"),
        ("Þórsdóttir", "THORSDOTTIR"),
        ("Col·lell", "COLLELL"),
    ],
)
def test_foreign_names_are_transliterated(name, expected):
    assert transliterate(name) == expected


def test_other_scripts_are_dropped_and_other_punctuation_becomes_a_space():
    assert transliterate("王 Wang") == "WANG"
    assert transliterate("Ivanov (dit Ivan)") == "IVANOV DIT IVAN"
    assert transliterate("Anne-Marie, Joséphine") == "ANNE-MARIE JOSEPHINE"
    assert transliterate("Иван") == ""
    assert transliterate("") == ""


def test_transliteration_only_uses_the_base40_alphabet():
    rng = random.Random(7)
    for _ in range(300):
        text = "".join(chr(rng.randint(0x20, 0x2FFF)) for _ in range(rng.randint(0, 30)))
        assert set(transliterate(text)) <= set(ALPHABET)


def test_names_within_60_characters_are_kept_whole():
    assert fit_names("A" * 30, "B" * 30) == ("A" * 30, "B" * 30, False)


def test_long_first_names_lose_whole_trailing_words_first():
    first_names = "JEAN-PIERRE FRANCOIS MARIE JOSEPH ALEXANDRE EMMANUEL GEORGES"
    last, first, truncated = fit_names("MARTIN", first_names)
    assert (last, first, truncated) == ("MARTIN", "JEAN-PIERRE FRANCOIS MARIE JOSEPH ALEXANDRE EMMANUEL", True)


def test_a_very_long_last_name_keeps_20_characters_for_the_first_names():
    last, first, truncated = fit_names("X" * 70, "ALEXANDRA CHARLOTTE EUGENIE")
    assert (last, first, truncated) == ("X" * 41, "ALEXANDRA CHARLOTTE", True)


def test_a_cut_never_leaves_a_trailing_hyphen_or_space():
    last, first, _ = fit_names("A" * 44, "JEAN-BAPTISTE-MARIE-ANTOINE")
    assert (last, first) == ("A" * 41, "JEAN-BAPTISTE-MARIE")


def test_names_over_60_characters_are_shortened_and_flagged_in_the_record():
    record = make_record(
        last_name="de la Tour d'Auvergne-Lauraguais", first_names="Marie-Christine Anne-Sophie Éléonore"
    )
    decoded, _ = unpack(sign(record, KEY))
    assert decoded.names_truncated
    assert decoded.last_name == "DE LA TOUR D'AUVERGNE-LAURAGUAIS"
    assert decoded.first_names == "MARIE-CHRISTINE ANNE-SOPHIE"
    assert not unpack(sign(make_record(), KEY))[0].names_truncated


def test_names_truncated_given_to_pack_is_ignored():
    assert not unpack(sign(make_record(names_truncated=True), KEY))[0].names_truncated


def test_empty_names_round_trip():
    decoded, _ = unpack(sign(make_record(last_name="王", first_names=""), KEY))
    assert (decoded.last_name, decoded.first_names) == ("", "")


def test_base40_packs_three_characters_in_two_bytes():
    assert len(pack_text("ABC" * 20)) == 40
    assert pack_text("ABC") == (1 * 1600 + 2 * 40 + 3).to_bytes(2, "big")
    assert pack_text("A") == b"\x01"
    assert pack_text("AB") == pack_text("AB ")


def test_base40_round_trips_every_length_up_to_60():
    rng = random.Random(3)
    for length in range(61):
        text = "".join(rng.choice(ALPHABET) for _ in range(length)).strip(" ")
        assert unpack_text(pack_text(text)) == text


def test_base40_values_out_of_range_are_format_errors():
    with pytest.raises(CP1FormatError):
        unpack_text((64000).to_bytes(2, "big"))
    with pytest.raises(CP1FormatError):
        unpack_text(bytes([40]))


def test_pack_text_refuses_characters_outside_the_alphabet():
    with pytest.raises(ValueError):
        pack_text("abc")


# --- digits and content ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("byte_count", "digit_count"),
    [(1, 3), (2, 5), (3, 8), (4, 10), (5, 13), (6, 15), (7, 17), (8, 20), (13, 32), (14, 34), (127, 309)],
)
def test_digit_groups_have_the_fixed_lengths(byte_count, digit_count):
    assert len(bytes_to_digits(b"\xff" * byte_count)) == digit_count
    assert len(bytes_to_digits(b"\x00" * byte_count)) == digit_count


def test_digit_groups_are_zero_padded_big_endian():
    assert bytes_to_digits(b"\x00\x01") == "00001"
    assert bytes_to_digits(bytes(6) + b"\x01") == "0" * 16 + "1"
    assert bytes_to_digits(b"\x01" + bytes(7)) == "00281474976710656" + "000"


def test_digits_round_trip_random_bytes():
    rng = random.Random(11)
    for length in range(1, 140):
        data = rng.randbytes(length)
        assert digits_to_bytes(bytes_to_digits(data)) == data


@pytest.mark.parametrize("length", [1, 2, 4, 6, 7, 9, 11, 12, 14, 16, 18, 19, 21, 33])
def test_impossible_digit_counts_are_rejected(length):
    with pytest.raises(CP1FormatError, match="impossible"):
        digits_to_bytes("0" * length)


@pytest.mark.parametrize("digits", ["256", "65536", "16777216", "72057594037927936", "0" * 17 + "999"])
def test_overflowing_digit_groups_are_rejected(digits):
    with pytest.raises(CP1FormatError, match="overflow"):
        digits_to_bytes(digits)


@pytest.mark.parametrize("digits", ["", "12a", "１２３", "-12", " 123"])
def test_non_digit_strings_are_rejected(digits):
    with pytest.raises(CP1FormatError):
        digits_to_bytes(digits)


def test_content_is_the_uppercase_url_then_hash_then_digits():
    signed = sign(make_record(), KEY)
    content = make_content(signed, "verif.example.org")
    assert content == "HTTPS://VERIF.EXAMPLE.ORG/V#" + bytes_to_digits(signed)
    assert make_content(signed).startswith("HTTPS://VERIF.CERTIPREV.FR/V#")


@pytest.mark.parametrize("host", ["", "https://x.fr", "a_b.fr", "x.fr/", "-x.fr", "é.fr"])
def test_invalid_hosts_are_refused(host):
    with pytest.raises(ValueError):
        make_content(b"\x01", host)


def test_parse_content_accepts_lowercase_urls_whitespace_ports_and_bare_digits():
    signed = sign(make_record(), KEY)
    digits = bytes_to_digits(signed)
    for content in (
        f"HTTPS://VERIF.CERTIPREV.FR/V#{digits}",
        f"  https://verif.certiprev.fr/v#{digits}\r\n",
        f"http://localhost:8000/V#{digits}",
        digits,
    ):
        assert parse_content(content) == signed


@pytest.mark.parametrize(
    "content",
    [
        "",
        "   ",
        "HTTPS://VERIF.CERTIPREV.FR/V#",
        "HTTPS://VERIF.CERTIPREV.FR/V#hello",
        "HTTPS://VERIF.CERTIPREV.FR/V#123 456",
        "HTTPS://VERIF.CERTIPREV.FR/X#123",
        "HTTPS://VERIF.CERTIPREV.FR/V/#123",
        "ftp://verif.certiprev.fr/V#123",
        "https://example.com/",
        "#123",
        "9" * 5000,
    ],
)
def test_parse_content_rejects_garbage_with_a_format_error(content):
    with pytest.raises(CP1FormatError):
        parse_content(content)


def test_garbage_never_raises_anything_but_a_format_error():
    rng = random.Random(5)
    valid = make_content(sign(make_record(), KEY))
    inputs = [rng.randbytes(rng.randint(0, 130)) for _ in range(300)]
    for data in inputs:
        with contextlib.suppress(CP1FormatError):
            unpack(data)
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(0, 400)))
        mutated = list(valid)
        mutated[rng.randrange(len(mutated))] = chr(rng.randint(0, 0x10FFFF))
        for content in (digits, "".join(mutated), data.decode("latin-1"), valid[: rng.randrange(len(valid))]):
            with contextlib.suppress(CP1FormatError):
                unpack(parse_content(content))


# --- revocation id --------------------------------------------------------------------------------------------


def test_revocation_id_is_the_truncated_hmac_of_length_prefixed_ids():
    k_rev = b"k" * 32
    message = b"\x00\x03s-1" + b"\x00\x04t-22"
    assert revocation_id(k_rev, "s-1", "t-22") == hmac.new(k_rev, message, hashlib.sha256).digest()[:8]


def test_revocation_id_accepts_str_bytes_and_int_identifiers_alike():
    assert revocation_id(b"k", 12, "34") == revocation_id(b"k", b"12", 34)


def test_revocation_id_does_not_depend_only_on_the_concatenation():
    assert revocation_id(b"k", "ab", "c") != revocation_id(b"k", "a", "bc")
    assert revocation_id(b"k", "a", "b") != revocation_id(b"other", "a", "b")


def test_revocation_id_refuses_an_empty_key_and_other_types():
    with pytest.raises(ValueError):
        revocation_id(b"", "a", "b")
    with pytest.raises(TypeError):
        revocation_id(b"k", 1.5, "b")


# --- keys and signed documents ----------------------------------------------------------------------------------


def test_private_keys_load_from_pem_hex_and_base64url_seeds():
    key = generate_private_key()
    seed = private_key_seed(key)
    for data in (private_key_to_pem(key), private_key_to_pem(key).decode(), seed.hex(), b64url_encode(seed)):
        assert private_key_seed(load_private_key(data)) == seed


@pytest.mark.parametrize(
    "data", ["", "00" * 31, "not a key", "-----BEGIN PRIVATE KEY-----\nxx\n-----END PRIVATE KEY-----"]
)
def test_bad_private_key_material_is_refused(data):
    with pytest.raises(ValueError):
        load_private_key(data)


def test_b64url_is_unpadded_and_strict():
    assert b64url_encode(b"\xfb\xff") == "-_8"
    assert b64url_decode("-_8") == b"\xfb\xff"
    for text in ("-_8=", "a+b/", "A", "-_9", 12):
        with pytest.raises(ValueError):
            b64url_decode(text)


def test_public_key_objects_are_cached():
    raw = public_key_bytes(KEY)
    assert load_public_key(raw) is load_public_key(bytes(raw))


def test_canonical_json_sorts_keys_and_has_no_whitespace():
    value = {"b": [1, 'x"y\\z', None, True, False], "a": {"d": -3, "c": "~ !"}}
    assert canonical_json(value) == b'{"a":{"c":"~ !","d":-3},"b":[1,"x\\"y\\\\z",null,true,false]}'


def test_canonical_json_equals_sorted_compact_json_dumps_for_ascii_documents():
    document = VECTORS["canonical_json"]["document"]
    assert canonical_json(document) == json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    assert canonical_json(document).decode() == VECTORS["canonical_json"]["canonical"]


@pytest.mark.parametrize("value", [1.5, "é", "a\nb", {"é": 1}, 2**53, {1: 2}, b"x"])
def test_canonical_json_refuses_what_a_signer_never_emits(value):
    with pytest.raises(ValueError):
        canonical_json(value)


ROOT_KEY = private_key_from_seed(hashlib.sha256(b"test_cp1 root").digest())
ENTRIES = [
    PublicKeyEntry(
        kid=1,
        public_key=public_key_bytes(OTHER_KEY),
        status="retired",
        not_before=date(2024, 1, 1),
        not_after=date(2024, 12, 31),
    ),
    ENTRY,
]
ISSUED_AT = datetime(2025, 5, 6, 7, 8, 9, tzinfo=UTC)


def test_key_list_round_trips_through_json_text():
    document = build_key_list(ENTRIES, root_private_key=ROOT_KEY, issued_at=ISSUED_AT)
    assert document["issued_at"] == "2025-05-06T07:08:09Z"
    assert document["keys"][1] == {
        "kid": 5,
        "kty": "OKP",
        "crv": "Ed25519",
        "x": b64url_encode(public_key_bytes(KEY)),
        "status": "active",
        "not_before": "2025-01-01",
        "not_after": None,
    }
    assert verify_key_list(json.dumps(document), public_key_bytes(ROOT_KEY)) == ENTRIES
    assert verify_key_list(document, ROOT_KEY.public_key()) == ENTRIES


def test_key_list_signature_covers_every_member_but_the_signature():
    document = build_key_list(ENTRIES, root_private_key=ROOT_KEY, issued_at=ISSUED_AT)
    ROOT_KEY.public_key().verify(
        b64url_decode(document["signature"]),
        json.dumps(
            {k: v for k, v in document.items() if k != "signature"}, sort_keys=True, separators=(",", ":")
        ).encode(),
    )


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d["keys"][0].__setitem__("status", "active"),
        lambda d: d["keys"][1].__setitem__("not_before", "2020-01-01"),
        lambda d: d.__setitem__("issued_at", "2030-01-01T00:00:00Z"),
        lambda d: d.__setitem__("extra", 1),
        lambda d: d.__setitem__("signature", "AAAA"),
        lambda d: d.pop("signature"),
        lambda d: d["keys"].pop(0),
    ],
)
def test_a_tampered_key_list_is_refused(tamper):
    document = build_key_list(ENTRIES, root_private_key=ROOT_KEY, issued_at=ISSUED_AT)
    tamper(document)
    with pytest.raises(KeyListError):
        verify_key_list(document, ROOT_KEY.public_key())


def test_a_key_list_signed_by_another_root_is_refused():
    document = build_key_list(ENTRIES, root_private_key=OTHER_KEY, issued_at=ISSUED_AT)
    with pytest.raises(KeyListError):
        verify_key_list(document, ROOT_KEY.public_key())


@pytest.mark.parametrize(
    "bad_key",
    [
        {"kty": "EC"},
        {"crv": "X25519"},
        {"kid": 256},
        {"kid": True},
        {"x": "AAAA"},
        {"status": "revoked"},
        {"not_before": "2025-1-1"},
        {"not_after": "2024-12-31"},
    ],
)
def test_a_malformed_key_entry_is_skipped_and_the_rest_of_the_list_kept(bad_key):
    # Issue 12.14 (ADR 0006): one bad entry no longer discards the whole list; a card of that entry is unknown_key.
    document = build_key_list(ENTRIES, root_private_key=ROOT_KEY, issued_at=ISSUED_AT)
    document["keys"][1].update(bad_key)  # kid 5
    entries = verify_key_list(sign_document(document, ROOT_KEY), ROOT_KEY.public_key())
    assert [entry.kid for entry in entries] == [1]
    content = make_content(sign(make_record(), KEY))
    assert verify_content(content, keys=entries, revoked=set(), today=TODAY).status == "unknown_key"


def test_a_key_list_with_duplicate_kids_or_duplicate_members_is_refused():
    document = sign_document({"keys": [ENTRY.to_jwk(), ENTRY.to_jwk()], "issued_at": "x"}, ROOT_KEY)
    with pytest.raises(KeyListError, match="duplicate"):
        verify_key_list(document, ROOT_KEY.public_key())
    text = json.dumps(build_key_list([ENTRY], root_private_key=ROOT_KEY, issued_at=ISSUED_AT))
    with pytest.raises(KeyListError, match="duplicate"):
        verify_key_list(text.replace('"kid": 5', '"kid": 5, "kid": 6'), ROOT_KEY.public_key())


@pytest.mark.parametrize("text", ["", "[]", "{", '{"keys": 1.5e999}', "[" * 100000, b"\xff"])
def test_a_key_list_that_is_not_a_json_object_is_refused(text):
    with pytest.raises(KeyListError):
        verify_key_list(text, ROOT_KEY.public_key())


def test_revoked_list_round_trips_and_is_signed():
    ids = {bytes.fromhex("0011223344556677"), bytes.fromhex("ffeeddccbbaa9988")}
    document = build_revoked_list(ids, root_private_key=ROOT_KEY, issued_at=ISSUED_AT)
    assert document["revoked"] == ["0011223344556677", "ffeeddccbbaa9988"]
    assert verify_revoked_list(json.dumps(document), ROOT_KEY.public_key()) == ids
    document["revoked"].pop()
    with pytest.raises(KeyListError):
        verify_revoked_list(document, ROOT_KEY.public_key())


def test_a_key_covers_its_signing_period_inclusively():
    entry = ENTRIES[0]
    assert entry.covers(date(2024, 1, 1)) and entry.covers(date(2024, 12, 31))
    assert not entry.covers(date(2023, 12, 31)) and not entry.covers(date(2025, 1, 1))
    assert ENTRY.covers(date(2099, 1, 1))


# --- verification -----------------------------------------------------------------------------------------------


def test_a_fresh_certificate_is_valid_with_its_fields():
    result = check(make_content(sign(make_record(), KEY)))
    assert (result.status, result.reason, result.revocation_checked, result.authentic) == ("valid", "ok", True, True)
    assert result.record == replace(make_record(), last_name="DUPONT", first_names="JEANNE")


def test_a_certificate_is_valid_on_its_last_day_and_expired_the_day_after():
    content = make_content(sign(make_record(), KEY))
    assert check(content, today=date(2027, 3, 14)).status == "valid"
    assert check(content, today=date(2027, 3, 15)).status == "expired"


def test_a_listed_revocation_id_gives_revoked():
    record = make_record()
    result = check(make_content(sign(record, KEY)), revoked={record.revocation_id})
    assert (result.status, result.revocation_checked, result.authentic) == ("revoked", True, True)


def test_without_a_revocation_list_the_result_says_revocation_was_not_checked():
    content = make_content(sign(make_record(), KEY))
    assert check(content, revoked=None).revocation_checked is False
    assert check(content, revoked=None).status == "valid"
    assert check(content, revoked=None, today=date(2030, 1, 1)).revocation_checked is False


def test_an_unlisted_key_gives_unknown_key_with_unauthenticated_fields():
    result = check(make_content(sign(make_record(key_id=9), OTHER_KEY)))
    assert (result.status, result.authentic, result.revocation_checked) == ("unknown_key", False, False)
    assert result.record.key_id == 9


def test_a_compromised_key_gives_invalid():
    compromised = replace(ENTRY, status="compromised")
    result = check(make_content(sign(make_record(), KEY)), keys=[compromised])
    assert (result.status, result.reason) == ("invalid", "key_compromised")


def test_a_retired_key_is_valid_inside_its_period_and_invalid_outside():
    retired = replace(ENTRY, status="retired", not_before=date(2024, 1, 1), not_after=date(2025, 3, 13))
    inside = make_content(sign(make_record(certified_on=date(2025, 3, 13)), KEY))
    outside = make_content(sign(make_record(certified_on=date(2025, 3, 14)), KEY))
    before = make_content(sign(make_record(certified_on=date(2023, 12, 31)), KEY))
    assert check(inside, keys=[retired]).status == "valid"
    assert (check(outside, keys=[retired]).status, check(outside, keys=[retired]).reason) == (
        "invalid",
        "outside_key_period",
    )
    assert check(before, keys=[retired]).status == "invalid"


def test_a_record_signed_by_the_wrong_key_for_its_kid_is_invalid():
    result = check(make_content(sign(make_record(), OTHER_KEY)))
    assert (result.status, result.reason, result.authentic) == ("invalid", "bad_signature", False)


def test_changing_any_single_digit_makes_the_content_invalid():
    content = make_content(sign(make_record(), KEY))
    prefix, _, digits = content.partition("#")
    every_kid = [replace(ENTRY, kid=kid) for kid in range(256)]  # a changed key id meets a key, not unknown_key
    for index, digit in enumerate(digits):
        for delta in (1, 5):
            changed = digits[:index] + str((int(digit) + delta) % 10) + digits[index + 1 :]
            assert check(f"{prefix}#{changed}", keys=every_kid).status == "invalid", index


def test_changing_any_single_byte_makes_the_record_invalid():
    signed = sign(make_record(), KEY)
    for index in range(len(signed)):
        for mask in (0x01, 0x80):
            tampered = bytearray(signed)
            tampered[index] ^= mask
            status = check(make_content(bytes(tampered))).status
            assert status in ("invalid", "unknown_key"), (index, mask)
            assert status == "invalid" or index == 1


def test_verify_content_never_raises_on_any_input():
    rng = random.Random(13)
    valid = make_content(sign(make_record(), KEY))
    inputs = [None, 12, b"bytes", ["list"], "", "#", valid + "0", valid[:-1], valid.replace("#", "##")]
    for _ in range(1000):
        kind = rng.randrange(4)
        if kind == 0:
            inputs.append("".join(chr(rng.randint(0, 0x10FFFF)) for _ in range(rng.randint(0, 50))))
        elif kind == 1:
            inputs.append("HTTPS://X/V#" + "".join(rng.choice("0123456789") for _ in range(rng.randint(0, 320))))
        elif kind == 2:
            position = rng.randrange(len(valid))
            inputs.append(valid[:position] + rng.choice("0123456789#/ ") + valid[position + 1 :])
        else:
            inputs.append(make_content(rng.randbytes(rng.randint(1, 127))))
    for content in inputs:
        result = verify_content(content, keys=[ENTRY], revoked=set(), today=TODAY)
        assert result.status in ("valid", "invalid", "unknown_key", "expired", "revoked")
        if content is not valid and not isinstance(content, str):
            assert result.status == "invalid"


def test_verify_content_survives_broken_key_entries():
    result = verify_content(make_content(sign(make_record(), KEY)), keys=[None], revoked=set(), today=TODAY)
    assert result.status == "invalid"


# --- shared test vectors ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", VECTORS["content_cases"], ids=lambda case: case["name"])
def test_each_content_vector_gives_its_expected_status_and_fields(case):
    entries = verify_key_list(case["key_list"], b64url_decode(case["root_public_key"]))
    revoked = None if case["revoked"] is None else {bytes.fromhex(value) for value in case["revoked"]}
    result = verify_content(case["content"], keys=entries, revoked=revoked, today=date.fromisoformat(case["today"]))
    assert result.to_dict() == case["expected"]


def test_the_vectors_cover_every_status_and_reason():
    cases = VECTORS["content_cases"]
    assert {case["expected"]["status"] for case in cases} == {"valid", "expired", "revoked", "invalid", "unknown_key"}
    reasons = {"ok", "expired", "revoked", "unknown_key", "bad_signature", "key_compromised", "outside_key_period"}
    assert {case["expected"]["reason"] for case in cases} == reasons | {"malformed"}


@pytest.mark.parametrize("case", VECTORS["key_list_cases"], ids=lambda case: case["name"])
def test_each_key_list_vector_verifies_or_fails_as_expected(case):
    root = b64url_decode(case["root_public_key"])
    now = _vector_moment(case.get("now"))
    if case["expected"] == "ok":
        assert [entry.kid for entry in verify_key_list(case["key_list"], root, now=now)] == case["kids"]
    else:
        with pytest.raises(KeyListError):
            verify_key_list(case["key_list"], root, now=now)


def _vector_moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


@pytest.mark.parametrize("case", VECTORS["revoked_list_cases"], ids=lambda case: case["name"])
def test_each_signed_revoked_list_vector_verifies_or_fails_as_expected(case):
    root = b64url_decode(case["root_public_key"])
    now = _vector_moment(case["now"])
    if case["expected"] == "ok":
        assert sorted(v.hex() for v in verify_revoked_list(case["revoked_list"], root, now=now)) == case["revoked"]
    else:
        with pytest.raises(KeyListError):
            verify_revoked_list(case["revoked_list"], root, now=now)


def test_the_vectors_cover_the_list_and_parsing_rules_of_issue_12():
    names = {case["name"] for case in VECTORS["content_cases"]}
    assert {
        "host_with_empty_port", "host_with_two_colons", "content_too_long", "leading_byte_order_mark",
        "trailing_file_separator", "valid_key_with_open_start", "unknown_key_bad_entry_skipped",
    } <= names  # fmt: skip
    assert {case["name"] for case in VECTORS["key_list_cases"]} >= {"key_list_expired", "key_list_bad_entry_skipped"}
    assert {case["expected"] for case in VECTORS["revoked_list_cases"]} == {"ok", "error"}


def test_the_digit_and_base40_vectors_match_the_implementation():
    for item in VECTORS["digit_groups"]:
        assert bytes_to_digits(bytes.fromhex(item["hex"])) == item["digits"]
        assert digits_to_bytes(item["digits"]).hex() == item["hex"]
    for item in VECTORS["invalid_digit_strings"]:
        with pytest.raises(CP1FormatError):
            digits_to_bytes(item["digits"])
    for item in VECTORS["base40"]:
        assert pack_text(item["text"]).hex() == item["hex"]
        assert unpack_text(bytes.fromhex(item["hex"])) == item["text"]


def test_the_transliteration_and_revocation_vectors_match_the_implementation():
    for item in VECTORS["transliteration"]:
        assert transliterate(item["input"]) == item["output"]
    for item in VECTORS["revocation_ids"]:
        k_rev = bytes.fromhex(item["k_rev_hex"])
        assert revocation_id(k_rev, item["session_id"], item["trainee_id"]).hex() == item["revocation_id_hex"]


def test_the_vectors_file_is_exactly_what_the_script_generates():
    spec = importlib.util.spec_from_file_location("make_cp1_vectors", ROOT / "scripts" / "make_cp1_vectors.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.render() == VECTORS_PATH.read_text(encoding="utf-8")
