"""Names in a CP1 record: transliteration to a 40-character alphabet, the 60-character cap and base-40 packing."""

import re
import unicodedata

from .errors import CP1FormatError

# Base-40 alphabet; the index of a character is its value. Space is 0 so that the padding of a short last triple
# is a zero digit. This order is part of the format (docs/cp1-format.md).
ALPHABET = " ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-'."
_VALUE = {char: index for index, char in enumerate(ALPHABET)}
NAMES_MAX_CHARS = 60
# When both names do not fit, the first names keep at least this many characters (if they have them).
FIRST_NAMES_RESERVED = 20
_TRIPLE_LIMIT = 40**3  # 64000 <= 0xFFFF: three characters always fit in two bytes

# Letters that do not decompose under NFKD but have an obvious Latin spelling.
_ONE_LETTER = dict(zip("ØøŁłĐđÐðıĦħŦŧƏəĸ", "OOLLDDDDIHHTTEEK", strict=True))
_TWO_LETTERS = {
    "ß": "SS",
    "ẞ": "SS",
    "Æ": "AE",
    "æ": "AE",
    "Œ": "OE",
    "œ": "OE",
    "Þ": "TH",
    "þ": "TH",
    "Ŋ": "NG",
    "ŋ": "NG",
}
# Catalan "l·l" (Col·lell): the middle dot is spelling, not a separator.
_SPECIAL = str.maketrans({**_ONE_LETTER, **_TWO_LETTERS, "·": "", "\u0387": ""})
_APOSTROPHES = frozenset("'`´‘’‚‛′ʹʻʼʽˈ＇")
_HYPHENS = frozenset("-‐‑‒–—―−﹘﹣－")
_SPACES = re.compile(r" +")
_AROUND_JOINERS = re.compile(r" ?([-']) ?")


def transliterate(name: str) -> str:
    """Spell a name with `A–Z 0–9 space - ' .` only: accents removed, ligatures expanded, other scripts dropped.

    Other punctuation and symbols become spaces; spaces are collapsed, removed around hyphens and apostrophes,
    and spaces, hyphens and apostrophes are trimmed at both ends.
    """
    text = unicodedata.normalize("NFKD", (name or "").translate(_SPECIAL))
    text = unicodedata.normalize("NFKD", text.upper())
    out = []
    for char in text:
        if char in _VALUE:
            out.append(char)
        elif char in _APOSTROPHES:
            out.append("'")
        elif char in _HYPHENS:
            out.append("-")
        elif char.isspace() or unicodedata.category(char)[0] in "PSZ":
            out.append(" ")
        # Anything else (combining marks, letters and digits of other scripts, control characters) is dropped.
    text = _AROUND_JOINERS.sub(r"\1", _SPACES.sub(" ", "".join(out)))
    return text.strip(" -'")


def _cut(text: str, budget: int, *, by_words: bool) -> str:
    if len(text) <= budget:
        return text
    if by_words:
        words = text.split(" ")
        while len(words) > 1 and len(" ".join(words)) > budget:
            words.pop()
        text = " ".join(words)
    return text[:budget].rstrip(" -'")


def fit_names(last_name: str, first_names: str) -> tuple[str, str, bool]:
    """Shorten transliterated names to NAMES_MAX_CHARS in total; returns (last, first, truncated).

    The first names keep max(60 − len(last), min(len(first), 20)) characters, by dropping whole trailing words
    first, then by cutting; the last name gets what remains, cut by characters. A cut never leaves a trailing
    space, hyphen or apostrophe.
    """
    if len(last_name) + len(first_names) <= NAMES_MAX_CHARS:
        return last_name, first_names, False
    first_budget = max(NAMES_MAX_CHARS - len(last_name), min(len(first_names), FIRST_NAMES_RESERVED))
    first = _cut(first_names, first_budget, by_words=True)
    last = _cut(last_name, NAMES_MAX_CHARS - len(first), by_words=False)
    return last, first, True


def pack_text(text: str) -> bytes:
    """Base-40: each triple → 2 bytes big-endian (c1·1600 + c2·40 + c3); a last single character → 1 byte;
    a last pair is padded with a space to a triple."""
    if len(text) % 3 == 2:
        text += " "
    try:
        values = [_VALUE[char] for char in text]
    except KeyError as exc:
        raise ValueError(f"character {exc.args[0]!r} is not in the CP1 name alphabet") from None
    out = bytearray()
    full = len(values) - len(values) % 3
    for i in range(0, full, 3):
        out += (values[i] * 1600 + values[i + 1] * 40 + values[i + 2]).to_bytes(2, "big")
    if full < len(values):
        out.append(values[-1])
    return bytes(out)


def unpack_text(data: bytes) -> str:
    """Inverse of pack_text; trailing spaces (padding) are removed."""
    chars: list[str] = []
    pairs = len(data) - len(data) % 2
    for i in range(0, pairs, 2):
        value = (data[i] << 8) | data[i + 1]
        if value >= _TRIPLE_LIMIT:
            raise CP1FormatError(f"names: base-40 triple value {value} out of range")
        chars += (ALPHABET[value // 1600], ALPHABET[value // 40 % 40], ALPHABET[value % 40])
    if pairs < len(data):
        if data[-1] >= 40:
            raise CP1FormatError(f"names: base-40 single value {data[-1]} out of range")
        chars.append(ALPHABET[data[-1]])
    return "".join(chars).rstrip(" ")
