"""Safe file names for certificate PDFs and the session ZIP that bundles them (pure library, no Django).

Entries are stored, not deflated (the PDFs are already compressed), under UTF-8 names (general purpose flag bit
11, set by `zipfile` for any non-ASCII name) so that "Prénom" survives on every current unzip tool. Names that
collide — exactly or only by case or Unicode normalisation, as they would on Windows or macOS — get `_2`, `_3`…
"""

from __future__ import annotations

import io
import re
import time
import unicodedata
import zipfile
from collections.abc import Iterable
from datetime import date
from typing import IO
from urllib.parse import quote

from certiprev.lib.names import strip_accents

__all__ = ["attachment_disposition", "build_zip", "safe_card_filename", "safe_component", "write_zip"]

# Characters Windows, macOS or Linux refuse or treat specially in a file name, and whitespace.
_RESERVED = re.compile(r'[<>:"/\\|?*\s]+')
_DASHES = re.compile(r"-{2,}")
_WINDOWS_DEVICES = re.compile(r"(?i)^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\.|$)")
_MAX_LAST, _MAX_FIRST, _MAX_SCHEME = 40, 30, 20
_MAX_NAME = 120  # characters, extension included: leaves room for a folder on Windows' 260-character paths


def safe_component(value: str, max_length: int, placeholder: str, *, keep_underscore: bool = False) -> str:
    """One field of a file name: NFC, accents kept, no control or format character (bidi overrides,
    zero-width…), no path separator nor character Windows reserves, whitespace and `_` (the field separator)
    turned into `-`, no leading or trailing dot/dash/apostrophe, at most `max_length` characters; `placeholder`
    when nothing is left."""
    text = unicodedata.normalize("NFC", value or "")
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")  # Cc, Cf, Cs, Co, Cn
    text = _RESERVED.sub("-", text.replace("’", "'"))
    if not keep_underscore:
        text = text.replace("_", "-")
    text = _DASHES.sub("-", text).strip(" .-'")
    text = text[:max_length].rstrip(" .-'")
    return text or placeholder


def _not_a_device(name: str) -> str:
    return f"_{name}" if _WINDOWS_DEVICES.match(name) else name


def safe_card_filename(last_name: str, first_names: str, scheme_code: str, on: date) -> str:
    """`NOM_Prénom_SCHEME_AAAA-MM-JJ.pdf`: last name in capitals, first names as given (accents kept), the
    scheme code and the certification date."""
    last = safe_component(last_name.upper(), _MAX_LAST, "SANS-NOM")
    first = safe_component(first_names, _MAX_FIRST, "")
    scheme = safe_component(scheme_code, _MAX_SCHEME, "CERTIFICAT")
    parts = [last, first, scheme, on.isoformat()] if first else [last, scheme, on.isoformat()]
    return _not_a_device("_".join(parts) + ".pdf")


def attachment_disposition(filename: str) -> str:
    """`Content-Disposition` of a download (RFC 6266): `filename=` an ASCII spelling for clients that read only
    that one (accents removed, anything else `_`), `filename*=` the exact UTF-8 name (RFC 8187)."""
    exact = unicodedata.normalize("NFC", filename)
    fallback = "".join(ch if " " <= ch <= "~" and ch not in '"\\' else "_" for ch in strip_accents(exact))
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(exact, safe='')}"


def _safe_entry_name(name: str) -> str:
    """A flat entry name (no folder, no "..") for a name that did not come from safe_card_filename."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not re.fullmatch(r"[A-Za-z0-9]{1,8}", extension):
        stem, extension = name, ""
    extension = f".{extension.lower()}" if extension else ""
    stem = safe_component(stem, _MAX_NAME - len(extension), "fichier", keep_underscore=True)
    return _not_a_device(stem + extension)


def _fold(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def _unique(name: str, taken: set[str]) -> str:
    if _fold(name) not in taken:
        taken.add(_fold(name))
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    suffix_ext = f".{extension}" if extension else ""
    counter = 2
    while True:
        candidate = f"{stem}_{counter}{suffix_ext}"
        if _fold(candidate) not in taken:
            taken.add(_fold(candidate))
            return candidate
        counter += 1


def write_zip(
    items: Iterable[tuple[str, bytes]],
    fileobj: IO[bytes],
    *,
    date_time: tuple[int, int, int, int, int, int] | None = None,
) -> list[str]:
    """Streams the entries into `fileobj` (which need not be seekable) one by one; returns the entry names used.

    Each name is made flat and safe (it normally comes from safe_card_filename already) and unique."""
    stamp = date_time or time.localtime()[:6]
    taken: set[str] = set()
    names: list[str] = []
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for raw_name, payload in items:
            name = _unique(_safe_entry_name(raw_name), taken)
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16  # a regular file, rw-r--r--, once extracted
            archive.writestr(info, payload)
            names.append(name)
    return names


def build_zip(
    items: Iterable[tuple[str, bytes]], *, date_time: tuple[int, int, int, int, int, int] | None = None
) -> bytes:
    """The whole ZIP in memory (see write_zip)."""
    buffer = io.BytesIO()
    write_zip(items, buffer, date_time=date_time)
    return buffer.getvalue()
