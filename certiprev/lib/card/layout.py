"""What goes where on the card: the data printed, the title band, the QR code, the holder, the dates, the footer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .text import GREY, INK, Block, Fitter, Line, line_width

__all__ = [
    "CARD_HEIGHT",
    "CARD_WIDTH",
    "QR_MODULE",
    "QR_MODULES",
    "QR_SIZE",
    "CardData",
    "QrDrawer",
    "course_line",
    "draw_card",
]

CARD_WIDTH = 85.6 * mm
CARD_HEIGHT = 54 * mm
# The module of the former 21 mm version 8-M code, kept for version 11-Q (certiprev.lib.qr): same reading
# distance and print tolerance, 61 modules = 26.1 mm.
QR_MODULE = 3 / 7 * mm
QR_MODULES = 61
QR_SIZE = QR_MODULES * QR_MODULE

_MARGIN = 3 * mm
_QR_MARGIN = 2.5 * mm  # right of the code: its 4-module quiet zone is 1.7 mm
_BAND_HEIGHT = 10 * mm
_GUTTER = 2.5 * mm
_FOOTER_HEIGHT = 11 * mm
_TEXT_WIDTH = CARD_WIDTH - _MARGIN - _QR_MARGIN - QR_SIZE - _GUTTER

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
    holder_birth_date: date | None = None  # None: not printed (trainer certificates)
    course_first_day: date | None = None  # the course ran from it to `certified_on`; None: no course line
    course_hours: int | None = None  # the scheme's hours for this kind of course
    habilitated_for: str = ""  # "SST": "Organisme habilité SST" over the organisation; "": "Organisme de formation"
    entity_name: str = ""  # the associated entity that ran the session under the organisation's habilitation


def course_line(first_day: date, last_day: date, hours: int | None) -> str:
    """ "Formation du 10/03 au 11/03/2026 (14 h)", "Formation le 11/03/2026 (7 h)"; the first day's year is
    printed only when it differs from the last day's."""
    duration = f" ({hours}\u00a0h)" if hours else ""
    if first_day == last_day:
        return f"Formation le {last_day:%d/%m/%Y}{duration}"
    start = f"{first_day:%d/%m}" if first_day.year == last_day.year else f"{first_day:%d/%m/%Y}"
    return f"Formation du {start} au {last_day:%d/%m/%Y}{duration}"


def _draw_line(c: Canvas, x: float, y: float, line: Line, size: float, color: tuple[float, float, float]) -> None:
    """One text object per line; font switches inside it, the PDF advances the pen itself."""
    direct = getattr(c, "draw_line", None)  # fastpdf's recorder: the same operators, recorded in one call
    if direct is not None:
        direct(x, y, line, size, color)
        return
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
    _segment(c, ("band", fit.fonts, data.scheme_code, data.scheme_name), lambda c: _draw_band(c, data, fit))

    # QR code on the right (vectors, no text), the verification domain beneath it, clear of its quiet zone.
    area_top = h - _BAND_HEIGHT - 2 * mm
    qr_x = w - _QR_MARGIN - QR_SIZE
    qr_top = h - _BAND_HEIGHT - 1.8 * mm  # ≥ 4 modules (0.43 mm each) of white around the code
    draw_qr(c, qr_x, qr_top, QR_SIZE)
    host = fit.fit(data.verify_host, bold=True, width=QR_SIZE + 2 * mm, size=5.6, min_size=3.5, color=INK)
    host_top = qr_top - QR_SIZE - 1.75 * mm
    host_baseline = host_top - host.size * 0.93

    # Left column: the kind and the holder from the top, the dates at the bottom, their last baseline level
    # with the domain's. Everything shrinks together if wrapped lines make the column too tall.
    area_bottom = _FOOTER_HEIGHT + 0.6 * mm
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

    # Footer band, full width: the training organisation (habilitated for the scheme, and the associated entity
    # that ran the session) and the trainer, each under a small label.
    footer = ("footer", fit.fonts, data.habilitated_for, data.organisation_name, data.entity_name, data.trainer_name)
    _segment(c, footer, lambda c: _draw_footer(c, data, fit))

    # Last in the text layer, so that copying the card's text reads naturally.
    host_x = qr_x + (QR_SIZE - line_width(host.lines[0], host.size)) / 2
    _segment(c, ("host", fit.fonts, data.verify_host), lambda c: _draw_block(c, host_x, host_top, host))


def _segment(c: Canvas, key: tuple, draw: Callable[[Canvas], object]) -> None:
    """Draws what `draw` draws, which depends only on `key`: a canvas that can replay it (fastpdf's recorder,
    which keeps what such a part recorded) does so, ReportLab's draws it."""
    replay = getattr(c, "replay", None)
    if replay is None:
        draw(c)
    else:
        replay(key, draw)


def _draw_band(c: Canvas, data: CardData, fit: Fitter) -> None:
    w, h = CARD_WIDTH, CARD_HEIGHT
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


def _draw_footer(c: Canvas, data: CardData, fit: Fitter) -> None:
    w = CARD_WIDTH
    c.setFillColorRGB(*_FOOTER)
    c.rect(0, 0, w, _FOOTER_HEIGHT, stroke=0, fill=1)
    c.setFillColorRGB(*_NAVY)
    c.rect(0, _FOOTER_HEIGHT - 0.25 * mm, w, 0.25 * mm, stroke=0, fill=1)
    organisation_width = 50 * mm
    trainer_x = _MARGIN + organisation_width + _GUTTER
    organisation_label = (
        f"ORGANISME HABILITÉ {data.habilitated_for}" if data.habilitated_for else "ORGANISME DE FORMATION"
    )
    for x, box_width, label, value, entity in (
        (_MARGIN, organisation_width, organisation_label, data.organisation_name, data.entity_name),
        (trainer_x, w - _QR_MARGIN - trainer_x, "FORMATEUR", data.trainer_name, ""),
    ):
        caption = fit.fit(label, bold=False, width=box_width, size=4.4, min_size=3.5, color=GREY, leading=1.15)
        top = _draw_block(c, x, _FOOTER_HEIGHT - 1.4 * mm, caption) - 0.5
        entity_block = _entity_block(fit, entity, box_width) if entity else None
        room = top - 1 * mm - (entity_block.height if entity_block else 0)
        value_block = fit.fit(
            value,
            bold=False,
            width=box_width,
            size=6.2,
            min_size=4.2,
            max_lines=3,
            wrap_below=5.4,
            max_height=room,
            leading=1.08,
        )
        bottom = _draw_block(c, x, top, value_block)
        if entity_block:
            _draw_block(c, x, bottom, entity_block)


def _entity_block(fit: Fitter, name: str, width: float) -> Block:
    """ "Entité : Antenne de Lyon" on one line under the organisation's name, shrunk or cut to fit."""
    prefix = fit.line("Entité\u00a0: ", False)
    size = 5.2
    value = fit.fit(name, bold=False, width=width - line_width(prefix, size), size=size, min_size=4.2)
    return Block(value.lines, value.size, INK, value.size * 1.12, prefix=prefix)


def _labelled(fit: Fitter, label: str, value: str, bold_value: bool, size: float) -> Block:
    """A grey label and its value on one line."""
    return Block((fit.line(value, bold_value),), size, INK, size * 1.22, prefix=fit.line(label + " ", False))


def _labelled_size(fit: Fitter, lines: Sequence[tuple[str, str, bool]], size: float) -> float:
    """The largest size (quarter points, at most `size`) at which every labelled line fits the column."""
    widest = max(fit.unit_width(label + " ", False) + fit.unit_width(value, bold) for label, value, bold in lines)
    return min(size, int(_TEXT_WIDTH / widest * 4) / 4)


def _left_column(fit: Fitter, data: CardData, scale: float) -> tuple[list[tuple[float, Block]], ...]:
    labelled: list[tuple[str, str, bool]] = []
    if data.course_first_day is not None:
        course = course_line(data.course_first_day, data.certified_on, data.course_hours)
        label, _, value = course.partition(" ")
        labelled.append((label, value, False))
    labelled += [
        ("Obtenu le", f"{data.certified_on:%d/%m/%Y}", False),
        ("Valable jusqu'au", f"{data.valid_until:%d/%m/%Y}", True),
    ]
    size = _labelled_size(fit, labelled, 6.8 * scale)

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
    head = [(0.0, kind), (1.6 * scale, last), (0.3 * scale, first)]
    if data.holder_birth_date is not None:
        birth = ("Date de naissance\u00a0:", f"{data.holder_birth_date:%d/%m/%Y}", False)
        head.append((0.6 * scale, _labelled(fit, *birth, _labelled_size(fit, [birth], 6.5 * scale))))
    dates = [(0.0, _labelled(fit, label, value, bold, size)) for label, value, bold in labelled]
    return head, dates
