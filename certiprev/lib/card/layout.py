"""What goes where on the card: the data printed, the title band, the QR code, the holder, the dates, the footer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .text import GREY, INK, Block, Fitter, Line, line_width

__all__ = ["CARD_HEIGHT", "CARD_WIDTH", "QR_SIZE", "CardData", "QrDrawer", "draw_card"]

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
_FOOTER = (0.93, 0.945, 0.965)

QrDrawer = Callable[[Canvas, float, float, float], None]  # (canvas, x, top, size)


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
    organisation_name: str  # the issuing organisation, also the PDF's author
    trainer_name: str
    qr_matrix: Sequence[Sequence[int | bool]]
    verify_host: str  # e.g. "verif.certiprev.fr", printed under the QR code
    qr_content: str = ""  # the text `qr_matrix` encodes (not drawn: the matrix is)
    created_at: datetime | None = None  # the PDF's creation date; None: the certification day (reproducible)


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


def _draw_block(c: Canvas, x: float, top: float, block: Block, align_right: float | None = None) -> float:
    """Draws from `top` downwards; returns the y below the block."""
    y = top
    for index, line in enumerate(block.lines):
        y -= block.size * 0.93  # baseline: ascent of Vera ≈ 0.93 em
        dx = x if align_right is None else align_right - line_width(line, block.size)
        if index == 0 and block.prefix:
            _draw_line(c, dx, y, block.prefix, block.size, block.prefix_color)
            dx += line_width(block.prefix, block.size)
        _draw_line(c, dx, y, line, block.size, block.color)
        y -= block.leading - block.size * 0.93
    return y


def draw_card(c: Canvas, data: CardData, fit: Fitter, draw_qr: QrDrawer) -> None:
    w, h = CARD_WIDTH, CARD_HEIGHT

    # Title band: a small caption, the scheme's name (up to two lines) and its code on the right.
    c.setFillColorRGB(*_NAVY)
    c.rect(0, h - _BAND_HEIGHT, w, _BAND_HEIGHT, stroke=0, fill=1)
    code = fit.fit(data.scheme_code, bold=True, width=22 * mm, size=9, min_size=5, color=_NAVY_LIGHT)
    code_width = line_width(code.lines[0], code.size)
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
    inner = caption.height + 0.6 + name.height
    y = _draw_block(c, _MARGIN, h - (_BAND_HEIGHT - inner) / 2, caption)
    _draw_block(c, _MARGIN, y - 0.6, name)
    _draw_block(c, 0, h - (_BAND_HEIGHT - code.height) / 2, code, align_right=w - _MARGIN)

    # QR code on the right (vectors, no text), the verification domain beneath it, clear of its quiet zone.
    area_top = h - _BAND_HEIGHT - 2.4 * mm
    qr_x = w - _MARGIN - QR_SIZE
    qr_top = h - _BAND_HEIGHT - 1.8 * mm  # ≥ 4 modules (0.43 mm each) of white around the code
    draw_qr(c, qr_x, qr_top, QR_SIZE)
    host = fit.fit(data.verify_host, bold=True, width=QR_SIZE + 2 * mm, size=5.6, min_size=3.5, color=INK)
    host_top = qr_top - QR_SIZE - 1.75 * mm
    host_baseline = host_top - host.size * 0.93

    # Left column: the kind and the holder from the top, the dates at the bottom, their last baseline level
    # with the domain's. Everything shrinks together if wrapped lines make the column too tall.
    area_bottom = _FOOTER_HEIGHT + 1.6 * mm
    for scale in (1.0, 0.92, 0.85, 0.78, 0.72, 0.66):
        head, dates = _left_column(fit, data, scale)
        head_height = sum(gap + b.height for gap, b in head)
        dates_height = sum(gap + b.height for gap, b in dates)
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
    for x, box_width, label, value in (
        (_MARGIN, organisation_width, "ORGANISME DE FORMATION", data.organisation_name),
        (trainer_x, w - _MARGIN - trainer_x, "FORMATEUR", data.trainer_name),
    ):
        caption = fit.fit(label, bold=False, width=box_width, size=4.4, min_size=3.5, color=GREY, leading=1.15)
        top = _draw_block(c, x, _FOOTER_HEIGHT - 1.5 * mm, caption) - 0.5
        value_block = fit.fit(
            value,
            bold=False,
            width=box_width,
            size=6.2,
            min_size=4.2,
            max_lines=3,
            wrap_below=5.4,
            max_height=top - 1.2 * mm,
            leading=1.08,
        )
        _draw_block(c, x, top, value_block)

    # Last in the text layer, so that copying the card's text reads naturally.
    _draw_block(c, qr_x + (QR_SIZE - line_width(host.lines[0], host.size)) / 2, host_top, host)


def _left_column(fit: Fitter, data: CardData, scale: float) -> tuple[list[tuple[float, Block]], ...]:
    def dated(label: str, day: date, bold_date: bool) -> Block:
        size = 7 * scale
        return Block(
            (fit.line(f"{day:%d/%m/%Y}", bold_date),), size, INK, size * 1.22, prefix=fit.line(label + " ", False)
        )

    kind = fit.fit(
        data.kind_label,
        bold=True,
        width=_TEXT_WIDTH,
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
        width=_TEXT_WIDTH,
        size=11 * scale,
        min_size=6 * scale,
        max_lines=2,
        wrap_below=8.5 * scale,
        leading=1.08,
    )
    first = fit.fit(
        data.holder_first_names,
        bold=False,
        width=_TEXT_WIDTH,
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
