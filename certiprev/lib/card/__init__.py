"""Certificate cards as one-page PDFs of credit-card size (85.6 × 54 mm).

Pure library: no Django, no model imports. The caller passes the QR code as a module matrix (rows top to
bottom, truthy = dark, no quiet zone); it is drawn as vector rectangles, one per horizontal run of dark modules
(within each byte of 8 modules of a row).

- `fonts`: which font draws each character (Vera, Noto Sans, else a transliteration or "?"), subset tags,
  `undrawable_characters`;
- `text`: font runs, measuring, fitting a text into its box;
- `qr_drawing`: the QR matrix as vector rectangles;
- `layout`: `CardData` and where everything goes;
- `pdf`: the canvas, its metadata, `render_card`;
- `fastpdf`: the same page written directly, font subsets serialised once per character set and the parts of the
  page that repeat from card to card recorded once (`render_card`'s usual path; ReportLab's canvas is the
  fallback).
"""

from .fonts import FontSet, undrawable_characters, undrawable_message
from .layout import CARD_HEIGHT, CARD_WIDTH, QR_MODULE, QR_MODULES, QR_SIZE, CardData, course_line
from .pdf import render_card

__all__ = [
    "CARD_HEIGHT",
    "CARD_WIDTH",
    "QR_MODULE",
    "QR_MODULES",
    "QR_SIZE",
    "CardData",
    "FontSet",
    "course_line",
    "render_card",
    "undrawable_characters",
    "undrawable_message",
]
