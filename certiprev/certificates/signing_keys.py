"""Private keys: where they come from (a file or the environment, never the repository) and how they are made.

Layout of SIGNING_KEYS_DIR (files 0600, directory 0700):
    root.pem            the root key: signs keys.json and revoked.json
    signing-<kid>.pem   one per signing key: signs the QR codes
    revocation.key      K_rev, the HMAC key of revocation ids (64 hex digits)
An environment variable, when set and non-empty, wins over the file: CERTIPREV_ROOT_KEY,
CERTIPREV_SIGNING_KEY_<kid>, CERTIPREV_REVOCATION_KEY. No error message ever contains key material.
"""

import datetime as dt
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Max

from certiprev.catalog.models import Scheme
from certiprev.lib import cp1
from certiprev.lib.dates import add_months

from .models import SigningKey

ROOT_FILE = "root.pem"
REVOCATION_FILE = "revocation.key"
ROOT_ENV = "CERTIPREV_ROOT_KEY"
REVOCATION_ENV = "CERTIPREV_REVOCATION_KEY"
SIGNING_ENV_PREFIX = "CERTIPREV_SIGNING_KEY_"
REVOCATION_KEY_BYTES = 32


class KeyUnavailable(ImproperlyConfigured):
    """A private key is missing, unreadable or does not match its published public key."""


def keys_dir() -> Path:
    return Path(settings.SIGNING_KEYS_DIR)


def signing_file(kid: int) -> str:
    return f"signing-{kid:03d}.pem"


def signing_env(kid: int) -> str:
    return f"{SIGNING_ENV_PREFIX}{kid}"


def _secret(env_name: str, filename: str) -> tuple[str, str] | None:
    """(text, where it came from) or None; `where` names a variable or a file, never the content."""
    value = os.environ.get(env_name, "").strip()
    if value:
        return value, f"la variable {env_name}"
    path = keys_dir() / filename
    try:
        return path.read_text("ascii"), f"le fichier {path}"
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyUnavailable(f"Impossible de lire {path} ({type(exc).__name__}).") from None


def secret_source(env_name: str, filename: str) -> str:
    """ "env", "file" or "" — for `certiprev_keys list`."""
    if os.environ.get(env_name, "").strip():
        return "env"
    return "file" if (keys_dir() / filename).exists() else ""


def _private_key(env_name: str, filename: str, what: str) -> Ed25519PrivateKey:
    found = _secret(env_name, filename)
    if found is None:
        raise KeyUnavailable(
            f"{what} introuvable : ni {env_name} ni {keys_dir() / filename} "
            "(voir `python manage.py certiprev_keys --help`)."
        )
    text, where = found
    try:
        return cp1.load_private_key(text)
    except (ValueError, TypeError):
        raise KeyUnavailable(f"{where} ne contient pas une clé privée Ed25519 lisible.") from None


def root_private_key() -> Ed25519PrivateKey:
    return _private_key(ROOT_ENV, ROOT_FILE, "La clé racine")


def root_public_key() -> bytes:
    """The 32 raw bytes the verifiers embed (the verification page, `certiprev verify --keys-file`)."""
    return cp1.public_key_bytes(root_private_key())


def root_public_key_b64url() -> str:
    return cp1.b64url_encode(root_public_key())


def revocation_key() -> bytes:
    """K_rev. It must never change: revocation ids are recomputed from it."""
    found = _secret(REVOCATION_ENV, REVOCATION_FILE)
    if found is None:
        raise KeyUnavailable(
            f"La clé de révocation K_rev est introuvable : ni {REVOCATION_ENV} ni {keys_dir() / REVOCATION_FILE}."
        )
    text, where = found
    text = text.strip()
    try:
        key = bytes.fromhex(text) if len(text) == 2 * REVOCATION_KEY_BYTES else cp1.b64url_decode(text)
    except ValueError:
        key = b""
    if len(key) < REVOCATION_KEY_BYTES:
        raise KeyUnavailable(f"{where} doit contenir 32 octets aléatoires en hexadécimal (64 caractères).")
    return key


@dataclass(frozen=True, slots=True)
class Signer:
    """An active signing key whose private half was found and matches the published public key."""

    kid: int
    private_key: Ed25519PrivateKey
    entry: cp1.PublicKeyEntry

    def covers(self, day: dt.date) -> bool:
        return self.entry.covers(day)


def signer_for(key) -> Signer:
    """The Signer of a SigningKey row; refuses a key that is not active, or a private key not the published one."""
    if key.status != "active":
        # A retired or compromised key never signs again, even if its private half is still around (ADR 0006).
        raise KeyUnavailable(f"La clé de signature {key.kid} n'est pas active ({key.status}) : elle ne signe plus.")
    private = _private_key(signing_env(key.kid), signing_file(key.kid), f"La clé privée de signature {key.kid}")
    if cp1.public_key_bytes(private) != key.public_key_bytes:
        raise KeyUnavailable(f"La clé privée trouvée pour la clé {key.kid} ne correspond pas à sa clé publique.")
    return Signer(kid=key.kid, private_key=private, entry=key.entry())


def active_signer() -> Signer:
    key = SigningKey.objects.filter(status="active").first()
    if key is None:
        raise KeyUnavailable("Aucune clé de signature active : lancez `python manage.py certiprev_keys rotate`.")
    return signer_for(key)


# --- making keys ---------------------------------------------------------------------------------------------------


def write_secret_file(path: Path, data: bytes) -> None:
    """Create a new file readable by its owner only; refuses to overwrite an existing one."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, 0o600)  # whatever the umask


def root_key_exists() -> bool:
    return bool(secret_source(ROOT_ENV, ROOT_FILE))


def revocation_key_exists() -> bool:
    return bool(secret_source(REVOCATION_ENV, REVOCATION_FILE))


def root_key_generate() -> bytes:
    """A new root key in SIGNING_KEYS_DIR; returns its public key. Never replaces one (verifiers embed it)."""
    if root_key_exists():
        raise KeyUnavailable("Une clé racine existe déjà : la remplacer casserait tous les vérificateurs.")
    private = cp1.generate_private_key()
    write_secret_file(keys_dir() / ROOT_FILE, cp1.private_key_to_pem(private))
    return cp1.public_key_bytes(private)


def revocation_key_generate() -> None:
    if revocation_key_exists():
        raise KeyUnavailable("La clé de révocation existe déjà : la changer rendrait les révocations impossibles.")
    write_secret_file(keys_dir() / REVOCATION_FILE, secrets.token_bytes(REVOCATION_KEY_BYTES).hex().encode() + b"\n")


def next_kid() -> int:
    """Key ids are never reused: a verifier must not confuse a new key with a retired or compromised one."""
    kid = (SigningKey.objects.aggregate(highest=Max("kid"))["highest"] or 0) + 1
    # A private key left over for an id the database does not know (a reset development database) is skipped.
    while kid <= 255 and secret_source(signing_env(kid), signing_file(kid)):
        kid += 1
    if kid > 255:
        raise KeyUnavailable("Les 255 identifiants de clé sont épuisés (voir docs/cp1-format.md).")
    return kid


def signing_lookback_start(today: dt.date) -> dt.date:
    """First certification date a new key may sign (its not_before), see ADR 0003.

    A key signs cards dated before its creation: sessions closed up to CLOSE_DEADLINE_MONTHS (plus a month of
    administrator extension) after their last day, and duplicates of still-valid cards. So a new key covers
    every certification date whose card may still be valid today: the longest validity of any scheme.
    """
    longest = Scheme.objects.aggregate(initial=Max("validity_months"), trainer=Max("trainer_validity_months"))
    months = max(longest["initial"] or 0, longest["trainer"] or 0, 36) + settings.CLOSE_DEADLINE_MONTHS + 1
    return add_months(today, -months)


def signing_key_file_generate(kid: int) -> bytes:
    """Writes signing-<kid>.pem; returns the public key. Only the file: the caller records the SigningKey."""
    private = cp1.generate_private_key()
    write_secret_file(keys_dir() / signing_file(kid), cp1.private_key_to_pem(private))
    return cp1.public_key_bytes(private)


def signing_key_file_destroy(kid: int) -> bool:
    """Overwrite then delete signing-<kid>.pem (after rotate or compromise); True if a file was destroyed.

    Overwriting first defeats a plain undelete; on copy-on-write or journaling file systems and SSDs it is no
    guarantee, hence the disk encryption advised in ADR 0006. A key given by environment variable cannot be removed
    from here: `signer_for` refuses it (it is no longer active) and `certiprev_keys list` asks to remove it.
    """
    path = keys_dir() / signing_file(kid)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return False
    with open(path, "r+b") as handle:
        handle.write(secrets.token_bytes(max(size, 1)))
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink()
    return True
