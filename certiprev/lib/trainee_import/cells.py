"""A spreadsheet cell as text, and the byte and character classes the parser looks for."""

from __future__ import annotations

import datetime as dt
import re

from certiprev.lib.names import clean_name

_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BINARY_SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\x7f\x80-\x9f]")
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1f\x7f\u200b-\u200f\u2060\ufeff]")
_LETTER = re.compile(r"[^\W\d_]")


def _text(value: object) -> str:
    """A cell as trimmed, collapsed text (numbers without a spurious ".0", dates as JJ/MM/AAAA)."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = "VRAI" if value else "FAUX"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, dt.datetime):
        text = _format_date(value.date()) if value.time() == dt.time() else value.strftime("%d/%m/%Y %H:%M")
    elif isinstance(value, dt.date):
        text = _format_date(value)
    else:
        text = str(value)
    return clean_name(_INVISIBLE.sub("", text))


def _format_date(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
