"""CP1: the signed record carried by Certiprev QR codes (pure library: no Django, no models).

Format specification: docs/cp1-format.md. Typical use:

    signed = sign(CP1Record(...), private_key)
    content = make_content(signed, verify_host)          # what the QR code holds (certiprev.lib.qr)
    result = verify_content(content, keys=entries, revoked=ids, today=date.today())
"""

from .content import (
    DEFAULT_VERIFY_HOST,
    bytes_to_digits,
    content_prefix,
    digits_to_bytes,
    make_content,
    normalize_host,
    parse_content,
)
from .errors import CP1Error, CP1FormatError, KeyListError
from .keys import (
    KEY_STATUSES,
    PublicKeyEntry,
    b64url_decode,
    b64url_encode,
    build_key_list,
    build_revoked_list,
    canonical_json,
    generate_private_key,
    load_private_key,
    private_key_from_seed,
    private_key_seed,
    private_key_to_pem,
    public_key_bytes,
    sign_document,
    verify_document,
    verify_key_list,
    verify_revoked_list,
)
from .names import ALPHABET, NAMES_MAX_CHARS, fit_names, pack_text, transliterate, unpack_text
from .record import (
    BIRTH_DATE_EPOCH,
    DATE_EPOCH,
    KINDS,
    MAX_RECORD_LENGTH,
    CP1Record,
    load_public_key,
    pack,
    revocation_id,
    sign,
    unpack,
    verify,
)
from .verdict import AUTHENTIC_STATUSES, VerificationResult, record_fields, verify_content

__all__ = [
    "ALPHABET",
    "AUTHENTIC_STATUSES",
    "BIRTH_DATE_EPOCH",
    "DATE_EPOCH",
    "DEFAULT_VERIFY_HOST",
    "KEY_STATUSES",
    "KINDS",
    "MAX_RECORD_LENGTH",
    "NAMES_MAX_CHARS",
    "CP1Error",
    "CP1FormatError",
    "CP1Record",
    "KeyListError",
    "PublicKeyEntry",
    "VerificationResult",
    "b64url_decode",
    "b64url_encode",
    "build_key_list",
    "build_revoked_list",
    "bytes_to_digits",
    "canonical_json",
    "content_prefix",
    "digits_to_bytes",
    "fit_names",
    "generate_private_key",
    "load_private_key",
    "load_public_key",
    "make_content",
    "normalize_host",
    "pack",
    "pack_text",
    "parse_content",
    "private_key_from_seed",
    "private_key_seed",
    "private_key_to_pem",
    "public_key_bytes",
    "record_fields",
    "revocation_id",
    "sign",
    "sign_document",
    "transliterate",
    "unpack",
    "unpack_text",
    "verify",
    "verify_content",
    "verify_document",
    "verify_key_list",
    "verify_revoked_list",
]
