"""Name helpers shared by the trainee model, the import and the certificates (no model imports)."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Letters that do not decompose under NFKD but have an obvious ASCII spelling.
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l",
                          "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D"})


def clean_name(value: str) -> str:
    """Trim and collapse spaces; keep the spelling the person gave (accents, case)."""
    return _SPACES.sub(" ", (value or "").replace("\u00a0", " ")).strip()


def strip_accents(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.translate(_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def identity_key(last_name: str, first_names: str, birth_date) -> str:
    """Key under which two declarations of the same person collide (case, accents, spaces, hyphens ignored)."""

    def fold(text: str) -> str:
        text = strip_accents(clean_name(text)).casefold()
        return re.sub(r"[\s\-'’.]+", " ", text).strip()

    return f"{fold(last_name)}|{fold(first_names)}|{birth_date.isoformat()}"
