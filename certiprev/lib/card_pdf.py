"""Certificate cards as one-page PDFs of credit-card size (85.6 × 54 mm).

Pure library: no Django, no model imports. The caller passes the QR code as a module matrix (rows top to
bottom, truthy = dark, no quiet zone); it is drawn as vector rectangles, one per horizontal run of dark modules.

Fonts: ReportLab's Bitstream Vera (regular and bold, shipped inside ReportLab, covers every French letter) is
embedded as a subset. Characters Vera lacks (ễ, ř, ș, ő…) are set, cluster by cluster, in Noto Sans from the
``fontpkg-noto-sans`` package; a character neither font has is replaced by its unaccented form, or by "?", so a
name never prints as a blank or a box. Fonts are parsed and registered once per process.
"""

from __future__ import annotations

import io
import logging
import re
import threading
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import reportlab
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from certiprev.lib.names import strip_accents

__all__ = [
    "CARD_HEIGHT",
    "CARD_WIDTH",
    "QR_SIZE",
    "CardData",
    "FontSet",
    "fallback_font_available",
    "render_card",
    "render_cards_straightforward",
]

CARD_WIDTH = 85.6 * mm
CARD_HEIGHT = 54 * mm
QR_SIZE = 21 * mm

_MARGIN = 3 * mm
_BAND_HEIGHT = 11.5 * mm
_GUTTER = 3 * mm
_FOOTER_HEIGHT = 10.5 * mm
_TEXT_WIDTH = CARD_WIDTH - 2 * _MARGIN - QR_SIZE - _GUTTER

_NAVY = (0.106, 0.227, 0.42)
_NAVY_LIGHT = (0.76, 0.83, 0.93)
_INK = (0.1, 0.1, 0.12)
_GREY = (0.38, 0.4, 0.45)
_FOOTER = (0.93, 0.945, 0.965)

logger = logging.getLogger(__name__)

_VERA_DIR = Path(reportlab.__file__).resolve().parent / "fonts"
_FALLBACK_FAMILY = "Noto Sans"


@dataclass(frozen=True, slots=True)
class CardData:
    """Everything printed on one card. Dates are printed as JJ/MM/AAAA."""

    scheme_code: str
    scheme_name: str
    kind_label: str  # "Formation initiale", "Maintien et actualisation des compétences (MAC)", "Formateur"
    holder_last_name: str
    holder_first_names: str
    certified_on: date
    valid_until: date
    organisation_name: str
    trainer_name: str
    qr_matrix: Sequence[Sequence[int | bool]]
    verify_host: str  # e.g. "verif.certiprev.fr", printed under the QR code
    qr_content: str = ""  # only needed by render_cards_straightforward (the benchmark baseline)


# --------------------------------------------------------------------------------------------------------------
# Fonts


@dataclass(frozen=True, slots=True)
class FontSet:
    """Names of registered ReportLab fonts and the code points each one really has a glyph for."""

    regular: str
    bold: str
    fallback: str | None
    primary_chars: frozenset[int]
    fallback_chars: frozenset[int]


_font_lock = threading.Lock()
_fontset: FontSet | None = None


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


def fallback_font_available() -> bool:
    return _fonts().fallback is not None


def _load_fonts(prefix: str, with_fallback: bool = True) -> FontSet:
    # asciiReadable=0: subsets hold only the characters used (ReportLab would add all of ASCII), which makes
    # each PDF ~35 % smaller and faster to write; text extraction still works through the ToUnicode map.
    regular = TTFont(f"{prefix}-Regular", str(_VERA_DIR / "Vera.ttf"), asciiReadable=0)
    bold = TTFont(f"{prefix}-Bold", str(_VERA_DIR / "VeraBd.ttf"), asciiReadable=0)
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(bold)
    fallback_name, fallback_chars = None, frozenset()
    path = _fallback_path() if with_fallback else None
    if path is not None:
        fallback = TTFont(f"{prefix}-Fallback", str(path), asciiReadable=0)
        pdfmetrics.registerFont(fallback)
        fallback_name, fallback_chars = fallback.fontName, _covered(fallback)
    return FontSet(regular.fontName, bold.fontName, fallback_name, _covered(regular) & _covered(bold), fallback_chars)


def _fonts() -> FontSet:
    """Parse and register the fonts once per process (the fast path)."""
    global _fontset
    if _fontset is None:
        with _font_lock:
            if _fontset is None:
                _fontset = _load_fonts("CertiprevCard")
    return _fontset


# --------------------------------------------------------------------------------------------------------------
# Text: cleaning, per-cluster font runs, measuring, fitting

Run = tuple[str, str, bool]  # (font name, text, fake bold: stroke the fallback glyphs to thicken them)
Line = tuple[Run, ...]

_SPACES = re.compile(r"\s+")
_TOKENS = re.compile(r"[^\s\-]*(?:\s+|-+|$)")


def _clean(text: str) -> str:
    """NFC, no control/format characters (bidi overrides, zero-width…), single spaces."""
    text = unicodedata.normalize("NFC", text or "")
    text = "".join(" " if ch.isspace() else ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))
    return _SPACES.sub(" ", text).strip()


def _clusters(text: str) -> list[str]:
    """A base character followed by its combining marks stays together in one font."""
    out: list[str] = []
    for ch in text:
        if out and unicodedata.combining(ch):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _make_runs(fonts: FontSet, text: str, bold: bool) -> Line:
    primary = fonts.bold if bold else fonts.regular
    runs: list[list] = []
    for cluster in _clusters(text):
        codes = [ord(ch) for ch in cluster]
        if all(cp in fonts.primary_chars for cp in codes):
            font, piece = primary, cluster
        elif fonts.fallback is not None and all(cp in fonts.fallback_chars for cp in codes):
            font, piece = fonts.fallback, cluster
        else:  # neither font has it: its unaccented spelling if Vera has that, never a box
            plain = strip_accents(cluster)
            ok = plain and all(ord(ch) in fonts.primary_chars for ch in plain)
            font, piece = primary, plain if ok else "?"
        if runs and runs[-1][0] == font:
            runs[-1][1] += piece
        else:
            runs.append([font, piece])
    return tuple((font, piece, bold and font == fonts.fallback) for font, piece in runs)


@lru_cache(maxsize=8192)
def _runs_cached(fonts: FontSet, text: str, bold: bool) -> Line:
    return _make_runs(fonts, text, bold)


def _width(line: Line, size: float) -> float:
    return sum(pdfmetrics.stringWidth(piece, font, size) for font, piece, _ in line)


@dataclass(frozen=True, slots=True)
class _Block:
    lines: tuple[Line, ...]
    size: float
    color: tuple[float, float, float]
    leading: float
    prefix: Line = ()  # drawn before the first line, in `prefix_color` (a label such as "Obtenu le ")
    prefix_color: tuple[float, float, float] = _GREY


class _Fitter:
    """Shrinks, then wraps, then (last resort) truncates a text so that it never leaves its box.

    With `cached`, text runs and whole fitted blocks are memoised (process-wide LRU): the scheme, organisation,
    trainer and labels repeat from card to card."""

    def __init__(self, fonts: FontSet, cached: bool):
        self.fonts = fonts
        self.runs = _runs_cached if cached else _make_runs
        self.cached = cached

    def line(self, text: str, bold: bool) -> Line:
        return self.runs(self.fonts, text, bold)

    def unit_width(self, text: str, bold: bool) -> float:
        return _width(self.line(text, bold), 1.0)

    def wrap(self, text: str, bold: bool, limit: float) -> list[str]:
        """Greedy wrap at spaces and after hyphens; `limit` is in units of the font size."""
        lines: list[str] = []
        current = ""
        for token in (t for t in _TOKENS.findall(text) if t):
            candidate = current + token
            if self.unit_width(candidate.rstrip(), bold) <= limit:
                current = candidate
                continue
            if current:
                lines.append(current.rstrip())
            current = ""
            # A token wider than the whole line is broken between characters.
            for cluster in _clusters(token):
                if current and self.unit_width((current + cluster).rstrip(), bold) > limit:
                    lines.append(current.rstrip())
                    current = ""
                current += cluster
        if current.strip():
            lines.append(current.rstrip())
        return lines or [""]

    def truncate(self, text: str, bold: bool, limit: float) -> str:
        clusters = _clusters(text)
        while clusters and self.unit_width("".join(clusters).rstrip() + "…", bold) > limit:
            clusters.pop()
        return "".join(clusters).rstrip() + "…"

    def fit(self, text: str, **options) -> _Block:
        if self.cached:
            return _fit_cached(self.fonts, text, tuple(sorted(options.items())))
        return self.fit_uncached(text, **options)

    def fit_uncached(
        self,
        text: str,
        *,
        bold: bool,
        width: float,
        size: float,
        min_size: float,
        max_lines: int = 1,
        wrap_below: float | None = None,
        max_height: float | None = None,
        color: tuple[float, float, float] = _INK,
        leading: float = 1.18,
    ) -> _Block:
        """One line at `size`, else one line shrunk down to `wrap_below`, else wrapped onto up to `max_lines`
        lines (and within `max_height`) at the largest size >= `min_size` that fits, else as many lines as
        allowed at `min_size`, the last one cut with an ellipsis."""
        text = _clean(text)

        def block(lines: Sequence[str], at: float) -> _Block:
            return _Block(tuple(self.line(t, bold) for t in lines), at, color, at * leading)

        one = self.unit_width(text, bold)
        floor = min_size if max_lines == 1 else max(min_size, wrap_below or size * 0.8)
        if one * size <= width:
            return block([text], size)
        if one * floor <= width:
            return block([text], int(width / one * 4) / 4)  # quarter-point steps, rounded down
        if max_height is not None:
            max_lines = max(1, min(max_lines, int(max_height / (min_size * leading))))
        at = size
        while max_lines > 1 and at >= min_size:
            lines = self.wrap(text, bold, width / at)
            if len(lines) <= max_lines and (max_height is None or len(lines) * at * leading <= max_height):
                return block(lines, at)
            at -= 0.25
        lines = self.wrap(text, bold, width / min_size)
        if len(lines) > max_lines:
            kept = lines[: max_lines - 1]
            consumed = 0
            for line in kept:  # wrapped lines are slices of `text`, less the spaces they were broken at
                consumed = text.index(line, consumed) + len(line)
            lines = [*kept, self.truncate(text[consumed:].lstrip(), bold, width / min_size)]
        return block(lines, min_size)


@lru_cache(maxsize=4096)
def _fit_cached(fonts: FontSet, text: str, options: tuple[tuple[str, object], ...]) -> _Block:
    return _Fitter(fonts, cached=True).fit_uncached(text, **dict(options))


# --------------------------------------------------------------------------------------------------------------
# Drawing


def _draw_line(c: Canvas, x: float, y: float, line: Line, size: float, color: tuple[float, float, float]) -> None:
    """One text object per line; font switches inside it, the PDF advances the pen itself."""
    text = c.beginText(x, y)
    c.setFillColorRGB(*color)
    stroked = False
    for font, piece, fake_bold in line:
        if not piece:
            continue
        text.setFont(font, size)
        if fake_bold != stroked:
            if fake_bold:
                c.setStrokeColorRGB(*color)
                c.setLineWidth(size * 0.045)
            text.setTextRenderMode(2 if fake_bold else 0)
            stroked = fake_bold
        text.textOut(piece)
    if stroked:
        text.setTextRenderMode(0)
    c.drawText(text)


def _draw_block(c: Canvas, x: float, top: float, block: _Block, align_right: float | None = None) -> float:
    """Draws from `top` downwards; returns the y below the block."""
    y = top
    for index, line in enumerate(block.lines):
        y -= block.size * 0.93  # baseline: ascent of Vera ≈ 0.93 em
        dx = x if align_right is None else align_right - _width(line, block.size)
        if index == 0 and block.prefix:
            _draw_line(c, dx, y, block.prefix, block.size, block.prefix_color)
            dx += _width(block.prefix, block.size)
        _draw_line(c, dx, y, line, block.size, block.color)
        y -= block.leading - block.size * 0.93
    return y


def _block_height(block: _Block) -> float:
    return block.leading * len(block.lines)


_DARK_RUN = re.compile(rb"[^\x00]+")


def _qr_path(matrix: Sequence[Sequence[int | bool]]) -> tuple[int, str]:
    """PDF path operators in module units (y downwards): one rectangle per horizontal run of dark modules, runs
    with the same span on consecutive rows merged into one taller rectangle."""
    n = len(matrix)
    if n == 0 or any(len(row) != n for row in matrix):
        raise ValueError("qr_matrix must be a non-empty square matrix")
    ops: list[str] = []
    open_runs: dict[tuple[int, int], int] = {}  # (x0, x1) -> first row
    for y in range(n + 1):
        row = matrix[y] if y < n else ()
        bits = row if isinstance(row, bytes | bytearray) else bytes(map(bool, row))
        spans = {m.span(): y for m in _DARK_RUN.finditer(bits)}
        for span, top in open_runs.items():
            if span in spans:
                spans[span] = top
            else:
                ops.append(f"{span[0]} {top} {span[1] - span[0]} {y - top} re")
        open_runs = spans
    return n, "\n".join(ops)


def _draw_qr_matrix(c: Canvas, matrix: Sequence[Sequence[int | bool]], x: float, top: float, size: float) -> None:
    n, path = _qr_path(matrix)
    module = size / n
    c.saveState()
    c.setFillColorRGB(0, 0, 0)
    # Integer module coordinates keep the content stream short; the CTM scales them to the page.
    c.addLiteral(f"1 0 0 1 {x:.3f} {top:.3f} cm {module:.5f} 0 0 {-module:.5f} 0 0 cm\n{path}\nf")
    c.restoreState()


def _draw_card(
    c: Canvas, data: CardData, fit: _Fitter, draw_qr: Callable[[Canvas, float, float, float], None]
) -> None:
    w, h = CARD_WIDTH, CARD_HEIGHT

    # Title band: a small caption, the scheme's name (up to two lines) and its code on the right.
    c.setFillColorRGB(*_NAVY)
    c.rect(0, h - _BAND_HEIGHT, w, _BAND_HEIGHT, stroke=0, fill=1)
    code = fit.fit(data.scheme_code, bold=True, width=22 * mm, size=9, min_size=5, color=_NAVY_LIGHT)
    code_width = _width(code.lines[0], code.size)
    caption = fit.fit(
        "CERTIFICAT DE COMPÉTENCES", bold=False, width=_TEXT_WIDTH, size=4.6, min_size=3.5, color=_NAVY_LIGHT
    )
    name = fit.fit(
        data.scheme_name,
        bold=True,
        width=w - 2 * _MARGIN - code_width - 3 * mm,
        size=8.5,
        min_size=5.5,
        max_lines=2,
        wrap_below=7,
        color=(1, 1, 1),
        leading=1.12,
    )
    inner = _block_height(caption) + 0.6 + _block_height(name)
    y = _draw_block(c, _MARGIN, h - (_BAND_HEIGHT - inner) / 2, caption)
    _draw_block(c, _MARGIN, y - 0.6, name)
    _draw_block(c, 0, h - (_BAND_HEIGHT - _block_height(code)) / 2, code, align_right=w - _MARGIN)

    # QR code on the right (vectors, no text), the verification domain beneath it, clear of its quiet zone.
    area_top = h - _BAND_HEIGHT - 2.4 * mm
    qr_x = w - _MARGIN - QR_SIZE
    qr_top = h - _BAND_HEIGHT - 1.8 * mm  # ≥ 4 modules (0.43 mm each) of white around the code
    draw_qr(c, qr_x, qr_top, QR_SIZE)
    host = fit.fit(data.verify_host, bold=True, width=QR_SIZE + 2 * mm, size=5.6, min_size=3.5, color=_INK)
    host_top = qr_top - QR_SIZE - 1.75 * mm
    host_baseline = host_top - host.size * 0.93

    # Left column: the kind and the holder from the top, the dates at the bottom, their last baseline level
    # with the domain's. Everything shrinks together if wrapped lines make the column too tall.
    area_bottom = _FOOTER_HEIGHT + 1.6 * mm
    for scale in (1.0, 0.92, 0.85, 0.78, 0.72, 0.66):
        head, dates = _left_column(fit, data, scale)
        head_height = sum(gap + _block_height(b) for gap, b in head)
        dates_height = sum(gap + _block_height(b) for gap, b in dates)
        dates_top = min(
            host_baseline + dates_height - dates[-1][1].leading + dates[-1][1].size * 0.93,
            area_top - head_height - 2.4 * scale,
        )
        if dates_top - dates_height >= area_bottom:
            break
    y = area_top
    for gap, block in head:
        y = _draw_block(c, _MARGIN, y - gap, block)
    y = dates_top
    for gap, block in dates:
        y = _draw_block(c, _MARGIN, y - gap, block)

    # Footer band, full width: the training organisation and the trainer, each under a small label.
    c.setFillColorRGB(*_FOOTER)
    c.rect(0, 0, w, _FOOTER_HEIGHT, stroke=0, fill=1)
    c.setFillColorRGB(*_NAVY)
    c.rect(0, _FOOTER_HEIGHT - 0.25 * mm, w, 0.25 * mm, stroke=0, fill=1)
    organisation_width = 46 * mm
    trainer_x = _MARGIN + organisation_width + _GUTTER
    for x, width, label, value in (
        (_MARGIN, organisation_width, "ORGANISME DE FORMATION", data.organisation_name),
        (trainer_x, w - _MARGIN - trainer_x, "FORMATEUR", data.trainer_name),
    ):
        caption = fit.fit(label, bold=False, width=width, size=4.4, min_size=3.5, color=_GREY, leading=1.15)
        top = _draw_block(c, x, _FOOTER_HEIGHT - 1.5 * mm, caption) - 0.5
        value_block = fit.fit(
            value,
            bold=False,
            width=width,
            size=6.2,
            min_size=4.2,
            max_lines=3,
            wrap_below=5.4,
            max_height=top - 1.2 * mm,
            leading=1.08,
        )
        _draw_block(c, x, top, value_block)

    # Last in the text layer, so that copying the card's text reads naturally.
    _draw_block(c, qr_x + (QR_SIZE - _width(host.lines[0], host.size)) / 2, host_top, host)


def _left_column(fit: _Fitter, data: CardData, scale: float) -> tuple[list[tuple[float, _Block]], ...]:
    width = _TEXT_WIDTH

    def dated(label: str, day: date, bold_date: bool) -> _Block:
        size = 7 * scale
        return _Block(
            (fit.line(f"{day:%d/%m/%Y}", bold_date),), size, _INK, size * 1.22, prefix=fit.line(label + " ", False)
        )

    kind = fit.fit(
        data.kind_label,
        bold=True,
        width=width,
        size=6 * scale,
        min_size=4.4 * scale,
        max_lines=2,
        wrap_below=5.2 * scale,
        color=_NAVY,
        leading=1.12,
    )
    last = fit.fit(
        data.holder_last_name.upper(),
        bold=True,
        width=width,
        size=11 * scale,
        min_size=6 * scale,
        max_lines=2,
        wrap_below=8.5 * scale,
        leading=1.08,
    )
    first = fit.fit(
        data.holder_first_names,
        bold=False,
        width=width,
        size=8.5 * scale,
        min_size=5.5 * scale,
        max_lines=2,
        wrap_below=7 * scale,
        leading=1.1,
    )
    head = [(0.0, kind), (1.8 * scale, last), (0.3 * scale, first)]
    dates = [
        (0.0, dated("Obtenu le", data.certified_on, False)),
        (0.0, dated("Valable jusqu'au", data.valid_until, True)),
    ]
    return head, dates


def _render(
    data: CardData, fonts: FontSet, cached: bool, draw_qr: Callable[[Canvas, float, float, float], None]
) -> bytes:
    buffer = io.BytesIO()
    c = Canvas(
        buffer,
        pagesize=(CARD_WIDTH, CARD_HEIGHT),
        pageCompression=1,
        invariant=1,
        initialFontName=fonts.regular,
        initialFontSize=7,
    )
    c.setViewerPreference("PrintScaling", "None")
    holder = f"{_clean(data.holder_last_name).upper()} {_clean(data.holder_first_names)}"
    c.setTitle(f"{_clean(data.scheme_name)} – {holder}")
    c.setCreator("Certiprev")
    _draw_card(c, data, _Fitter(fonts, cached), draw_qr)
    c.showPage()
    c.save()
    return buffer.getvalue()


def render_card(data: CardData) -> bytes:
    """One PDF page of 85.6 × 54 mm; the QR code comes from `data.qr_matrix`, drawn as vectors."""
    fonts = _fonts()

    def draw_qr(c: Canvas, x: float, top: float, size: float) -> None:
        _draw_qr_matrix(c, data.qr_matrix, x, top, size)

    return _render(data, fonts, True, draw_qr)


# --------------------------------------------------------------------------------------------------------------
# The straightforward way, kept only as the benchmark's baseline.

_naive_counter = 0


def _segments(content: str) -> tuple[str, str, str] | None:
    """The CP1 content's three segments (alphanumeric URL, byte "#", numeric record), if it has that shape."""
    prefix, sep, digits = content.partition("#")
    if sep and digits.isdigit() and re.fullmatch(r"[0-9A-Z $%*+\-./:]+", prefix):
        return prefix, sep, digits
    return None


def render_cards_straightforward(data: CardData, qr: str = "reportlab") -> bytes:
    """The same card done the naive way, kept only as the benchmark's baseline: the TrueType fonts are parsed,
    registered and subset again for every card, text runs are not cached, and the QR code is encoded from
    `data.qr_content` for every card: by ReportLab's own pure-Python QR widget (`qr="reportlab"`), or by segno
    with its default mask search drawn one rectangle per module (`qr="segno"`)."""
    global _naive_counter
    _naive_counter += 1
    content = data.qr_content
    if not content:
        raise ValueError("render_cards_straightforward needs data.qr_content")
    texts = (
        data.scheme_name,
        data.kind_label,
        data.holder_last_name.upper(),
        data.holder_first_names,
        data.organisation_name,
        data.trainer_name,
    )
    needs_fallback = any(ord(ch) not in _fonts().primary_chars for text in texts for ch in _clean(text))
    # Parsed again for every card (registerFont then maps the name to the face registered first).
    fonts = _load_fonts(f"CertiprevNaive{_naive_counter}", with_fallback=needs_fallback)
    segments = _segments(content)

    def draw_reportlab_qr(c: Canvas, x: float, top: float, size: float) -> None:
        from reportlab.graphics import renderPDF
        from reportlab.graphics.barcode import qrencoder
        from reportlab.graphics.barcode.qr import QrCodeWidget
        from reportlab.graphics.shapes import Drawing

        value: str | list = content
        if segments:
            value = [
                qrencoder.QRAlphaNum(segments[0]),
                qrencoder.QR8bitByte(segments[1]),
                qrencoder.QRNumber(segments[2]),
            ]
        widget = QrCodeWidget(value, barLevel="M", barBorder=0, barWidth=size, barHeight=size)
        drawing = Drawing(size, size)
        drawing.add(widget)
        renderPDF.draw(drawing, c, x, top - size)

    def draw_segno_qr(c: Canvas, x: float, top: float, size: float) -> None:
        import segno
        from segno import consts

        if segments:
            code = segno.make(
                [
                    (segments[0], consts.MODE_ALPHANUMERIC),
                    (segments[1], consts.MODE_BYTE),
                    (segments[2], consts.MODE_NUMERIC),
                ],
                error="m",
                version=8,
                boost_error=False,
            )
        else:
            code = segno.make(content, error="m", boost_error=False)
        matrix = code.matrix  # segno's matrix has no quiet zone
        module = size / len(matrix)
        c.setFillColorRGB(0, 0, 0)
        for row_index, row in enumerate(matrix):
            for col_index, dark in enumerate(row):
                if dark:
                    c.rect(x + col_index * module, top - (row_index + 1) * module, module, module, stroke=0, fill=1)

    draw_qr = {"reportlab": draw_reportlab_qr, "segno": draw_segno_qr}[qr]
    return _render(data, fonts, False, draw_qr)
