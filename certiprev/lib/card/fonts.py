"""The card's fonts: which one draws each character, and subsets with a tag of their own.

ReportLab's Bitstream Vera (regular and bold, shipped inside ReportLab, covers every French letter) is embedded as
a subset. Characters Vera lacks (ễ, ř, ș, ő…) are set, cluster by cluster, in Noto Sans from the
``fontpkg-noto-sans`` package; a character neither font has is replaced by its unaccented form, or by "?", so a
name never prints as a blank or a box. `undrawable_characters` tells in advance what would print as "?", so that
the services can refuse it. Fonts are parsed and registered once per process.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import reportlab
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, makeToUnicodeCMap

from certiprev.lib.names import strip_accents

__all__ = [
    "FontSet",
    "card_fonts",
    "clean",
    "clusters",
    "draw_as",
    "load_fonts",
    "subset_tag",
    "undrawable_characters",
    "undrawable_message",
]

logger = logging.getLogger(__name__)

_VERA_DIR = Path(reportlab.__file__).resolve().parent / "fonts"
_FALLBACK_FAMILY = "Noto Sans"
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class FontSet:
    """Names of registered ReportLab fonts and the code points each one really has a glyph for."""

    regular: str
    bold: str
    fallback: str | None
    primary_chars: frozenset[int]
    fallback_chars: frozenset[int]


def subset_tag(font_name: bytes, subset: list[int], taken: set[str]) -> str:
    """Six capital letters derived from the font's name and the subset's characters, not in `taken`.

    ISO 32000-1 §9.6.4: "different subsets in the same PDF file shall have different tags"; ReportLab names the
    first subset of every font AAAAAA. A hash keeps the file reproducible; `taken` settles a collision."""
    seed = font_name + b"|" + ",".join(map(str, subset)).encode()
    for attempt in range(1000):
        digest = hashlib.sha256(seed + b"|%d" % attempt).digest()
        tag = "".join(chr(ord("A") + byte % 26) for byte in digest[:6])
        if tag not in taken:
            taken.add(tag)
            return tag
    raise RuntimeError("no free font subset tag")  # 1000 collisions among 26^6 tags: cannot happen


class TaggedTTFont(TTFont):
    """A TrueType font whose embedded subsets carry tags unique within the file (see `subset_tag`)."""

    def addObjects(self, doc):  # noqa: N802 - ReportLab's name
        # ReportLab's TTFont.addObjects (4.x–5.x), with `subset_tag` in place of SUBSETN(n).
        try:
            state = self.state[doc]
        except KeyError:
            state = self.state[doc] = TTFont.State(self._asciiReadable)
        state.frozen = 1
        taken = doc.__dict__.setdefault("_certiprev_subset_tags", set())
        for n, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(n, doc)[1:]
            face_name = self.face.name + self.face.subfontNameX
            tag = subset_tag(face_name, subset, taken)
            base_font_name = (tag.encode() + b"+" + face_name).decode("pdfdoc")

            pdf_font = pdfdoc.PDFTrueTypeFont()
            pdf_font.__Comment__ = f"Font {self.fontName} subset {n}"
            pdf_font.Name = internal_name
            pdf_font.BaseFont = base_font_name
            pdf_font.FirstChar = 0
            pdf_font.LastChar = len(subset) - 1
            pdf_font.Widths = pdfdoc.PDFArray(list(map(self.face.getCharWidth, subset)))

            cmap = pdfdoc.PDFStream()
            cmap.content = makeToUnicodeCMap(base_font_name, subset)
            if doc.compression:
                cmap.filters = [pdfdoc.PDFZCompress]
            pdf_font.ToUnicode = doc.Reference(cmap, "toUnicodeCMap:" + base_font_name)
            pdf_font.FontDescriptor = self.face.addSubsetObjects(doc, base_font_name, subset)

            doc.Reference(pdf_font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = pdf_font
        del self.state[doc]


def _covered(font: TTFont) -> frozenset[int]:
    # ReportLab maps some code points to glyph 0 (".notdef", the box): those are not covered.
    return frozenset(cp for cp, glyph in font.face.charToGlyph.items() if glyph)


def _fallback_path() -> Path | None:
    """Noto Sans from the `fontpkg-noto-sans` package; without it, letters Vera lacks are transliterated."""
    try:
        import fontpkg

        return Path(fontpkg.path(_FALLBACK_FAMILY))
    except (ImportError, OSError, LookupError, ValueError) as error:  # fontpkg's errors derive from these
        logger.warning(
            "fallback font %r unavailable (%s): letters Vera lacks will be transliterated", _FALLBACK_FAMILY, error
        )
        return None


def load_fonts(prefix: str, with_fallback: bool = True) -> FontSet:
    """Parse and register the fonts under names starting with `prefix` (costly: `card_fonts` does it once)."""
    # asciiReadable=0: subsets hold only the characters used (ReportLab would add all of ASCII), which makes
    # each PDF ~35 % smaller and faster to write; text extraction still works through the ToUnicode map.
    regular = TaggedTTFont(f"{prefix}-Regular", str(_VERA_DIR / "Vera.ttf"), asciiReadable=0)
    bold = TaggedTTFont(f"{prefix}-Bold", str(_VERA_DIR / "VeraBd.ttf"), asciiReadable=0)
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(bold)
    fallback_name: str | None = None
    fallback_chars: frozenset[int] = frozenset()
    path = _fallback_path() if with_fallback else None
    if path is not None:
        fallback = TaggedTTFont(f"{prefix}-Fallback", str(path), asciiReadable=0)
        pdfmetrics.registerFont(fallback)
        fallback_name, fallback_chars = fallback.fontName, _covered(fallback)
    return FontSet(regular.fontName, bold.fontName, fallback_name, _covered(regular) & _covered(bold), fallback_chars)


_font_lock = threading.Lock()
_fontset: FontSet | None = None


def card_fonts() -> FontSet:
    """The fonts of every card, parsed and registered once per process."""
    global _fontset
    if _fontset is None:
        with _font_lock:
            if _fontset is None:
                _fontset = load_fonts("CertiprevCard")
    return _fontset


# --------------------------------------------------------------------------------------------------------------
# Characters → font


@functools.lru_cache(maxsize=8192)
def clean(text: str) -> str:
    """NFC, no control/format characters (bidi overrides, zero-width…), single spaces."""
    text = unicodedata.normalize("NFC", text or "")
    text = "".join(" " if ch.isspace() else ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))
    return _SPACES.sub(" ", text).strip()


def clusters(text: str) -> list[str]:
    """A base character followed by its combining marks stays together in one font."""
    out: list[str] = []
    for ch in text:
        if out and unicodedata.combining(ch):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def draw_as(fonts: FontSet, cluster: str, primary: str) -> tuple[str, str]:
    """(font, text) that prints `cluster`: `primary` (Vera) if it has every character, else the fallback, else
    the unaccented spelling in Vera, else "?" (never a box)."""
    codes = [ord(ch) for ch in cluster]
    if all(cp in fonts.primary_chars for cp in codes):
        return primary, cluster
    if fonts.fallback is not None and all(cp in fonts.fallback_chars for cp in codes):
        return fonts.fallback, cluster
    plain = strip_accents(cluster)
    if plain and all(ord(ch) in fonts.primary_chars for ch in plain):
        return primary, plain
    return primary, "?"


def _visible_units(text: str) -> list[str]:
    """Clusters as a person sees them: marks, variation selectors and emoji modifiers stay with their base."""
    out: list[str] = []
    for ch in text:
        attached = unicodedata.category(ch) in ("Mn", "Me") or 0x1F3FB <= ord(ch) <= 0x1F3FF
        if out and attached:
            out[-1] += ch
        else:
            out.append(ch)
    return out


def undrawable_characters(text: str) -> list[str]:
    """The characters of `text` the card would print as "?" (emoji, CJK…), each once, in order of appearance.

    Pure: reads the fonts' coverage only. A unit is a character with its marks (e.g. "❤️", "👍🏽"); the text is
    checked as typed and in capitals, since the card prints the last name in capitals."""
    fonts = card_fonts()
    found: list[str] = []
    cleaned = clean(text)
    for unit in _visible_units(cleaned):
        if unit in found or unit.isspace():
            continue
        forms = {unit, unit.upper()}
        if any(
            cluster != "?" and draw_as(fonts, cluster, fonts.regular)[1] == "?"
            for form in forms
            for cluster in clusters(form)
        ):
            found.append(unit)
    return found


def undrawable_message(label: str, text: str) -> str | None:
    """The French refusal naming what the card cannot print in `text` ("Le nom", "Le prénom"…), or None."""
    found = undrawable_characters(text)
    if not found:
        return None
    named = ", ".join(f"« {unit} » ({' '.join(f'U+{ord(ch):04X}' for ch in unit)})" for unit in found)
    if len(found) == 1:
        return f"{label} contient {named}, un caractère que la carte ne peut pas imprimer."
    return f"{label} contient des caractères que la carte ne peut pas imprimer : {named}."
