"""Cards per second: the fast path against the straightforward one, in the same run, on one core.

    python -m bench.card [n]

Fast path: a QR matrix from segno with a fixed mask, then render_card (fonts parsed once, QR drawn as merged
vector runs, ReportLab's C accelerator `_rl_accel`). Straightforward path: `render_card_straightforward` from the
content string (fonts parsed again per card, ReportLab's pure-Python QR widget with its own mask search), and
as a second baseline segno's default mask search drawn module by module. Pure library: no Django.
"""

from __future__ import annotations

import gc
import itertools
import random
import re
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

import segno
from reportlab.pdfgen.canvas import Canvas
from segno import consts

from certiprev.lib.card import CardData, render_card
from certiprev.lib.card.fonts import card_fonts, clean, load_fonts
from certiprev.lib.card.pdf import render_page
from certiprev.lib.card.text import Block, Fitter, Line, make_runs
from certiprev.lib.qr import ERROR, VERSION

__all__ = ["render_card_straightforward", "rl_accel_in_use", "run", "sample_cards"]

FIXED_MASK = 4
_HOST = "VERIF.CERTIPREV.FR"
_LAST = ["Dupont", "Lefèvre", "Nguyễn", "Da Silva Pereira", "Brontë", "L'Hôpital", "Garçon-Bœuf", "Ÿvelin", "Kowalski"]
_FIRST = ["Jean-Éloïse", "Zoé", "François Marie", "Anaïs", "Łukasz", "Thérèse", "Hélène-Noëlle", "Jérôme", "Inès"]
_SCHEMES = [
    ("SST", "Sauveteur Secouriste du Travail"),
    ("PRAP IBC", "Prévention des risques liés à l'activité physique – Industrie, bâtiment, commerce"),
    ("PRAP 2S", "Prévention des risques liés à l'activité physique – Sanitaire et social"),
]
_KINDS = ["Formation initiale", "Maintien et actualisation des compétences (MAC)", "Formateur"]


def rl_accel_in_use() -> bool:
    """True when ReportLab runs its C accelerator (the `rl_accel` package) rather than the Python fallbacks."""
    from reportlab.lib import rl_accel

    return bool(rl_accel._c_funcs) and not rl_accel._py_funcs  # type: ignore[attr-defined]  # private, unstubbed


def _content(rnd: random.Random) -> str:
    """A CP1-shaped content: a 124-byte record as digits (groups of 7 bytes → 17 digits, DESIGN §5)."""
    record = rnd.randbytes(124)
    widths = {7: 17, 6: 15, 5: 13, 4: 10, 3: 8, 2: 5, 1: 3}
    digits = "".join(
        str(int.from_bytes(record[i : i + 7], "big")).zfill(widths[len(record[i : i + 7])]) for i in range(0, 124, 7)
    )
    return f"HTTPS://{_HOST}/V#{digits}"


def _segments(content: str) -> list[tuple[str, int]]:
    prefix, _, digits = content.partition("#")
    return [(prefix, consts.MODE_ALPHANUMERIC), ("#", consts.MODE_BYTE), (digits, consts.MODE_NUMERIC)]


def qr_matrix_fixed_mask(content: str) -> tuple[bytearray, ...]:
    # segno.make takes a list of (data, mode) segments too; its annotation only names a single value.
    return segno.make(_segments(content), error=ERROR, version=VERSION, mask=FIXED_MASK, boost_error=False).matrix  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------------------------
# The straightforward way: the baseline the fast path is measured against.

_naive_fonts = itertools.count(1)


class _UncachedFitter(Fitter):
    """The card's fitting without its memoisation: every run and block computed again for every card."""

    def line(self, text: str, bold: bool) -> Line:
        return make_runs(self.fonts, text, bold)

    def fit(self, text: str, **options) -> Block:
        return self.fit_uncached(text, **options)


def _cp1_segments(content: str) -> tuple[str, str, str] | None:
    """The CP1 content's three segments (alphanumeric URL, byte "#", numeric record), if it has that shape."""
    prefix, sep, digits = content.partition("#")
    if sep and digits.isdigit() and re.fullmatch(r"[0-9A-Z $%*+\-./:]+", prefix):
        return prefix, sep, digits
    return None


def render_card_straightforward(data: CardData, qr: str = "reportlab") -> bytes:
    """The same card done the naive way: the TrueType fonts are parsed, registered and subset again for every
    card, text runs are not cached, and the QR code is encoded from `data.qr_content` for every card: by
    ReportLab's own pure-Python QR widget (`qr="reportlab"`), or by segno with its default mask search drawn one
    rectangle per module (`qr="segno"`)."""
    content = data.qr_content
    if not content:
        raise ValueError("render_card_straightforward needs data.qr_content")
    texts = (
        data.scheme_name,
        data.kind_label,
        data.holder_last_name.upper(),
        data.holder_first_names,
        data.organisation_name,
        data.trainer_name,
        data.entity_name,
    )
    needs_fallback = any(ord(ch) not in card_fonts().primary_chars for text in texts for ch in clean(text))
    # Parsed again for every card (registerFont then maps the name to the face registered first).
    fonts = load_fonts(f"CertiprevNaive{next(_naive_fonts)}", with_fallback=needs_fallback)
    segments = _cp1_segments(content)

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
        # The widget takes a list of encoder segments too; types-reportlab only names a string.
        widget = QrCodeWidget(value, barLevel=ERROR, barBorder=0, barWidth=size, barHeight=size)  # type: ignore[arg-type]
        drawing = Drawing(size, size)
        drawing.add(widget)
        renderPDF.draw(drawing, c, x, top - size)

    def draw_segno_qr(c: Canvas, x: float, top: float, size: float) -> None:
        if segments:
            code = segno.make(
                [  # type: ignore[arg-type]  # a list of (data, mode) segments, as above
                    (segments[0], consts.MODE_ALPHANUMERIC),
                    (segments[1], consts.MODE_BYTE),
                    (segments[2], consts.MODE_NUMERIC),
                ],
                error=ERROR,
                version=VERSION,
                boost_error=False,
            )
        else:
            code = segno.make(content, error=ERROR, boost_error=False)
        matrix = code.matrix  # segno's matrix has no quiet zone
        module = size / len(matrix)
        c.setFillColorRGB(0, 0, 0)
        for row_index, row in enumerate(matrix):
            for col_index, dark in enumerate(row):
                if dark:
                    c.rect(x + col_index * module, top - (row_index + 1) * module, module, module, stroke=0, fill=1)

    draw_qr = {"reportlab": draw_reportlab_qr, "segno": draw_segno_qr}[qr]
    return render_page(data, _UncachedFitter(fonts), draw_qr)


# --------------------------------------------------------------------------------------------------------------
# Measures


def sample_cards(n: int, seed: int = 2025) -> list[CardData]:
    """n varied cards (accents, long scheme names, some fallback letters), each with its own content; the QR
    matrix is left empty: each path computes its own."""
    rnd = random.Random(seed)
    cards = []
    for i in range(n):
        code, name = _SCHEMES[i % len(_SCHEMES)]
        certified = date(2025, 1, 1) + timedelta(days=rnd.randrange(365))
        cards.append(
            CardData(
                scheme_code=code,
                scheme_name=name,
                kind_label=_KINDS[i % len(_KINDS)],
                holder_last_name=rnd.choice(_LAST),
                holder_first_names=rnd.choice(_FIRST),
                certified_on=certified,
                valid_until=certified + timedelta(days=730),
                organisation_name="Prévention Formation Île-de-France",
                trainer_name="Zoé L'Hôpital",
                qr_matrix=(),
                verify_host=_HOST.lower(),
                qr_content=_content(rnd),
                holder_birth_date=date(1970, 1, 1) + timedelta(days=rnd.randrange(15000)),
                course_first_day=certified - timedelta(days=1),
                course_hours=14,
                habilitated_for=code,
                entity_name="Antenne de Lyon Sud" if i % 4 == 0 else "",
            )
        )
    return cards


def _rate(cards: list[CardData], render: Callable[[CardData], bytes]) -> tuple[float, int]:
    gc.collect()
    total_bytes = 0
    start = time.perf_counter()
    for card in cards:
        total_bytes += len(render(card))
    elapsed = time.perf_counter() - start
    return len(cards) / elapsed, total_bytes // max(1, len(cards))


def run(n: int = 200, *, baseline_n: int | None = None, verbose: bool = True) -> dict:
    """Measures cards/s of each path (single thread); returns the figures and prints them when `verbose`."""
    baseline_n = baseline_n or max(10, n // 5)
    cards = sample_cards(n)
    baseline = cards[:baseline_n]

    def fast(card: CardData) -> bytes:
        return render_card(replace(card, qr_matrix=qr_matrix_fixed_mask(card.qr_content)))

    with_matrix = [replace(card, qr_matrix=qr_matrix_fixed_mask(card.qr_content)) for card in cards]
    fast(cards[0])  # fonts parsed and registered once, before timing: that is the point of the fast path
    fast_rate, fast_size = _rate(cards, fast)
    render_rate, _ = _rate(with_matrix, render_card)
    naive_rate, naive_size = _rate(baseline, render_card_straightforward)
    segno_rate, _ = _rate(baseline, lambda card: render_card_straightforward(card, qr="segno"))
    result = {
        "cards": n,
        "baseline_cards": baseline_n,
        "rl_accel": rl_accel_in_use(),
        "fallback_font": card_fonts().fallback is not None,
        "fast_cards_per_s": round(fast_rate, 1),
        "render_only_cards_per_s": round(render_rate, 1),
        "straightforward_cards_per_s": round(naive_rate, 1),
        "straightforward_segno_cards_per_s": round(segno_rate, 1),
        "ratio": round(fast_rate / naive_rate, 1),
        "ratio_vs_segno_baseline": round(fast_rate / segno_rate, 1),
        "fast_pdf_bytes": fast_size,
        "straightforward_pdf_bytes": naive_size,
    }
    if verbose:
        accel = "yes" if result["rl_accel"] else "NO (pip install rl-accel)"
        print(f"PDF cards, {n} cards, one core — ReportLab C accelerator (_rl_accel): {accel}")
        print(f"  fast (segno fixed mask + render_card)         {fast_rate:7.1f} cards/s  {fast_size} bytes/card")
        print(f"  render_card alone (matrix given)              {render_rate:7.1f} cards/s")
        print(
            f"  straightforward (ReportLab QR widget, fonts)  {naive_rate:7.1f} cards/s  "
            f"{naive_size} bytes/card  ratio {result['ratio']}x"
        )
        print(
            f"  straightforward (segno mask search, modules)  {segno_rate:7.1f} cards/s  "
            f"ratio {result['ratio_vs_segno_baseline']}x"
        )
    return result


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
