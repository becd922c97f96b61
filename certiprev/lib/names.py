"""Name helpers shared by the trainee model, the import and the certificates (no model imports)."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Letters that do not decompose under NFKD but have an obvious ASCII spelling.
_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ı": "i",
        "þ": "th",
        "Þ": "TH",
        "ð": "d",
        "Ð": "D",
    }
)


# Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the directional marks
# (LRM, RLM, ALM): they reorder what is displayed ("Trojan Source"), so a name could read differently on a screen
# than it is stored and signed.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def _drop_controls(value: str, keep: str = "") -> str:
    # Control characters (NUL above all: PostgreSQL text refuses it) never belong in what people type.
    return "".join(c for c in value if c in keep or (unicodedata.category(c) != "Cc" and c not in BIDI_CONTROLS))


def clean_name(value: str) -> str:
    """Trim and collapse spaces, drop control and bidirectional control characters; keep the spelling the person
    gave (accents, case)."""
    return _SPACES.sub(" ", _drop_controls((value or "").replace("\u00a0", " "), keep="\t\n\r")).strip()


def clean_text(value: str, *, multiline: bool = False) -> str:
    """Free text (reasons, references): control and bidirectional control characters dropped, line breaks kept
    only when multiline."""
    text = _drop_controls((value or "").replace("\r\n", "\n"), keep="\n\t" if multiline else "")
    return text.strip()


def strip_accents(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.translate(_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_key(value: str) -> str:
    """A name folded for prefix search: "Saint-Étienne" → "saint etienne" (case, accents, hyphens ignored)."""
    text = strip_accents(clean_name(value)).casefold()
    return re.sub(r"[\s\-'’.]+", " ", text).strip()


def identity_key(last_name: str, first_names: str, birth_date) -> str:
    """Key under which two declarations of the same person collide (case, accents, spaces, hyphens ignored)."""

    def fold(text: str) -> str:
        text = strip_accents(clean_name(text)).casefold()
        return re.sub(r"[\s\-'’.]+", " ", text).strip()

    return f"{fold(last_name)}|{fold(first_names)}|{birth_date.isoformat()}"
