"""A `.env` file at the project root, read before the settings: the real environment always wins.

The format is the common subset every tool agrees on (docker compose, python-dotenv, systemd's EnvironmentFile):
`NAME=value` lines, optionally prefixed by `export `; blank lines and `#` comments; a value in single quotes is
taken literally, one in double quotes understands `\\n`, `\\"` and `\\\\`; an unquoted value ends at ` #`.
Anything else stops the start-up with the file and line, rather than silently configuring something else.
"""

import os
import re
import secrets
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_DOUBLE_QUOTED_ESCAPES = {"n": "\n", '"': '"', "\\": "\\"}

# Names whose value came from the file, so that an error about one can say where to look.
loaded_from_file: dict[str, Path] = {}


def _parse_value(raw: str, *, where: str) -> str:
    if raw[:1] == "'":
        end = raw.find("'", 1)
        if end == -1 or raw[end + 1 :].strip()[:1] not in {"", "#"}:
            raise ImproperlyConfigured(f"{where}: unterminated or malformed single-quoted value")
        return raw[1:end]
    if raw[:1] == '"':
        value, index = [], 1
        while index < len(raw):
            char = raw[index]
            if char == "\\" and index + 1 < len(raw) and raw[index + 1] in _DOUBLE_QUOTED_ESCAPES:
                value.append(_DOUBLE_QUOTED_ESCAPES[raw[index + 1]])
                index += 2
                continue
            if char == '"':
                if raw[index + 1 :].strip()[:1] not in {"", "#"}:
                    raise ImproperlyConfigured(f"{where}: text after the closing double quote")
                return "".join(value)
            value.append(char)
            index += 1
        raise ImproperlyConfigured(f"{where}: unterminated double-quoted value")
    return re.split(r"\s#", raw, maxsplit=1)[0].strip()


def parse(text: str, *, source: str = ".env") -> dict[str, str]:
    """The variables of a .env text, in order; a malformed line raises ImproperlyConfigured naming it."""
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        where = f"{source}, line {number}"
        if stripped.startswith("export "):
            stripped = stripped[len("export ") :].lstrip()
        name, equals, raw = stripped.partition("=")
        name = name.strip()
        if not equals:
            raise ImproperlyConfigured(f"{where}: expected NAME=value, got {stripped[:40]!r}")
        if not _NAME.match(name):
            raise ImproperlyConfigured(f"{where}: {name[:40]!r} is not a valid variable name")
        values[name] = _parse_value(raw.strip(), where=where)
    return values


def load(path: Path, environ=os.environ) -> dict[str, str]:
    """Copy the file's variables into `environ` where they are not already set; returns those it set."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError:
        raise ImproperlyConfigured(f"{path} must be UTF-8 text") from None
    applied = {}
    for name, value in parse(text, source=str(path)).items():
        if name not in environ:
            environ[name] = value
            applied[name] = value
            loaded_from_file[name] = path
    return applied


def default_path(base_dir: Path) -> Path | None:
    """DOTENV_FILE names another file; set to an empty value, no file is read (the tests do so)."""
    configured = os.environ.get("DOTENV_FILE")
    if configured is None:
        return base_dir / ".env"
    return Path(configured) if configured.strip() else None


def development_text(*, host: str, port: str) -> str:
    # Listening on every interface still means browsing the machine itself.
    site_host = {"0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(host) or (f"[{host}]" if ":" in host else host)  # noqa: S104
    return (
        "# Written by `make run` for development on this machine (never commit it; .env.example is the reference).\n"
        "# The real environment wins over this file; delete it to get a fresh one.\n"
        "DEBUG=1\n"
        f"SECRET_KEY={secrets.token_urlsafe(50)}\n"
        f"SITE_URL=http://{site_host}:{port}\n"
        "# Demo and development e-mails are written as files in var/mail/ instead of flooding the console.\n"
        "EMAIL_URL=file://\n"
    )


def write_development_file(path: Path, *, host: str, port: str) -> bool:
    """Create the development .env, owner-only (it holds the secret key); never overwrite one. True if written."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(development_text(host=host, port=port))
    return True


if __name__ == "__main__":  # python -m config.dotenv HOST PORT: what `make run` calls before anything else
    target = Path(__file__).resolve().parent.parent / ".env"
    host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
    port = sys.argv[2] if len(sys.argv) > 2 else "8000"
    if write_development_file(target, host=host, port=port):
        print(f"Fichier {target.name} créé pour le développement (DEBUG=1, clé secrète générée, SITE_URL).")
