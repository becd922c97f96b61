"""The card as a one-page PDF: canvas, metadata, and the fast path `render_card`."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time
from typing import Any, cast

from reportlab.pdfgen.canvas import Canvas

from .fastpdf import Unsupported, render_page_fast
from .fonts import card_fonts, clean
from .layout import CARD_HEIGHT, CARD_WIDTH, CardData, QrDrawer, draw_card
from .qr_drawing import draw_qr_matrix
from .text import Fitter

__all__ = ["card_info", "pdf_date", "render_card", "render_page"]


def pdf_date(moment: datetime) -> str:
    """A PDF date string (ISO 32000-1 §7.9.4), `D:AAAAMMJJHHmmSS+HH'mm'`; a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    utc_offset = moment.utcoffset()
    assert utc_offset is not None  # an aware datetime (tzinfo set above)
    offset = int(utc_offset.total_seconds()) // 60
    sign = "-" if offset < 0 else "+"
    return f"D:{moment:%Y%m%d%H%M%S}{sign}{abs(offset) // 60:02d}'{abs(offset) % 60:02d}'"


def card_info(data: CardData) -> dict[str, str]:
    """The PDF's Info entries: title, author (the organisation), subject, creator and dates."""
    holder = f"{clean(data.holder_last_name).upper()} {clean(data.holder_first_names)}"
    created = data.created_at or datetime.combine(data.certified_on, time(), tzinfo=UTC)
    stamp = pdf_date(created)
    return {
        "Title": f"{clean(data.scheme_name)} – {holder}",
        "Author": clean(data.organisation_name),
        "Subject": (
            f"Certificat {clean(data.scheme_code)} ({clean(data.kind_label)}) de {holder}, obtenu le "
            f"{data.certified_on:%d/%m/%Y}, valable jusqu'au {data.valid_until:%d/%m/%Y}"
        ),
        "Creator": "Certiprev",
        "CreationDate": stamp,
        "ModDate": stamp,
        "Keywords": "",
    }


def _set_metadata(c: Canvas, data: CardData) -> None:
    info = card_info(data)
    c.setTitle(info["Title"])
    c.setAuthor(info["Author"])
    c.setSubject(info["Subject"])
    c.setCreator(info["Creator"])
    stamp = info["CreationDate"]
    # invariant=1 keeps the file reproducible (its /ID derives from the content); the formatter replaces the
    # fixed 2000-01-01 date that mode writes by the real one.
    c.setDateFormatter(lambda *_: stamp)


def render_page(data: CardData, fit: Fitter, draw_qr: QrDrawer) -> bytes:
    """The card laid out with `fit` (its fonts) and the QR code drawn by `draw_qr`."""
    buffer = io.BytesIO()
    c = Canvas(
        buffer,
        pagesize=(CARD_WIDTH, CARD_HEIGHT),
        pageCompression=1,
        invariant=1,
        # A font name: types-reportlab typed it as a float before 5.1, as a string since; either accepts Any.
        initialFontName=cast(Any, fit.fonts.regular),
        initialFontSize=7,
    )
    c.setViewerPreference("PrintScaling", "None")
    _set_metadata(c, data)
    draw_card(c, data, fit, draw_qr)
    c.showPage()
    c.save()
    return buffer.getvalue()


def render_card(data: CardData) -> bytes:
    """One PDF page of 85.6 × 54 mm; the QR code comes from `data.qr_matrix`, drawn as vectors.

    Written directly (`fastpdf`); a card that needs the fallback font is written by ReportLab, the same page."""

    def draw_qr(c: Canvas, x: float, top: float, size: float) -> None:
        draw_qr_matrix(c, data.qr_matrix, x, top, size)

    fit = Fitter(card_fonts())
    try:
        return render_page_fast(data, fit, draw_qr, card_info(data))
    except Unsupported:
        return render_page(data, fit, draw_qr)
