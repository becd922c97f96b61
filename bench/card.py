"""Cards per second: the production path against the straightforward one, in the same run, on one core.

    python -m bench.card [n]

Both paths do everything issuing a card does (certificates.rendering.certificate_pdf, then the file write of
storage.store_file): sign the CP1 record (Ed25519), compute the QR code, draw the PDF, write it to a new file.
Production path: `qr_rows` (tables fixed for 11-Q mask 4) and `render_card` (direct PDF writer, fonts subset once
per character set, ReportLab for cards needing the fallback font). Straightforward path:
`render_card_straightforward` (fonts parsed again per card, ReportLab's pure-Python QR widget with its own mask
search, ReportLab's document writer). Both warmed, the same cards, 5 interleaved runs each; medians of cards per
second (wall clock) and per CPU second (the cost on one free core: the machine may be loaded), with the load
average. Pure library: no Django.
"""

from __future__ import annotations

import gc
import importlib.util
import itertools
import os
import random
import re
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import segno
from reportlab.pdfgen.canvas import Canvas
from segno import consts

from certiprev.lib import cp1
from certiprev.lib.card import CardData, render_card
from certiprev.lib.card.fonts import card_fonts, clean, load_fonts
from certiprev.lib.card.pdf import render_page
from certiprev.lib.card.text import Block, Fitter, Line, make_runs
from certiprev.lib.qr import ERROR, VERSION, qr_rows

__all__ = [
    "production_card",
    "render_card_straightforward",
    "rl_accel_in_use",
    "run",
    "sample_cards",
    "straightforward_card",
]

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


_KINDS_CP1 = {"Formation initiale": "initial", "Maintien et actualisation des compétences (MAC)": "mac"}


def _signed_content(card: CardData, index: int, private_key) -> str:
    """What certificate_content does: the card's CP1 record, newly signed, as `HTTPS://<HOST>/V#<digits>`."""
    record = cp1.CP1Record(
        kind=_KINDS_CP1.get(card.kind_label, "trainer"),  # type: ignore[arg-type]  # a Kind value
        key_id=1,
        scheme_code=1 + index % 3,
        certified_on=card.certified_on,
        valid_until=card.valid_until,
        birth_date=card.holder_birth_date,
        organisation_id=1000 + index,
        revocation_id=index.to_bytes(8, "big"),
        last_name=card.holder_last_name,
        first_names=card.holder_first_names,
    )
    return cp1.make_content(cp1.sign(record, private_key), _HOST)


def _write(directory: Path, name: str, pdf: bytes) -> None:
    """What Django's FileSystemStorage.save does with a card: a new file, exclusive create, mode 0o600."""
    path = directory / name
    if path.exists():
        path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, pdf)
    finally:
        os.close(fd)
    os.chmod(path, 0o600)


def production_card(card: CardData, index: int, private_key) -> bytes:
    """The production path of certificates.rendering.certificate_pdf: sign, QR rows, render_card."""
    content = _signed_content(card, index, private_key)
    return render_card(replace(card, qr_matrix=qr_rows(content), qr_content=content))


def straightforward_card(card: CardData, index: int, private_key) -> bytes:
    """The same card the straightforward way: sign, then ReportLab with its QR widget and fonts parsed per card."""
    return render_card_straightforward(replace(card, qr_content=_signed_content(card, index, private_key)))


def _one_run(cards: list[CardData], path, directory: Path, run: int, private_key) -> tuple[float, float, int]:
    """(cards/s, cards per CPU second, largest PDF) of one run: sign, QR, PDF and file write for each card."""
    gc.collect()
    largest = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    for index, card in enumerate(cards):
        pdf = path(card, index, private_key)
        _write(directory, f"{run}-{index}.pdf", pdf)
        largest = max(largest, len(pdf))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return len(cards) / elapsed, len(cards) / max(cpu, 1e-9), largest


def _weasyprint_available() -> bool:
    try:
        return importlib.util.find_spec("weasyprint") is not None
    except ImportError:
        return False


def run(n: int = 300, *, runs: int = 5, verbose: bool = True) -> dict:
    """Cards/s of the production path and of the straightforward one, `runs` runs of `n` cards each, both warmed,
    runs interleaved so that both see the same load; medians, wall clock and CPU time (single thread)."""
    cards = sample_cards(n)
    private_key = cp1.private_key_from_seed(bytes(range(32)))
    load_before = os.getloadavg()
    figures: dict[str, list[tuple[float, float, int]]] = {"fast": [], "straightforward": []}
    paths = {"fast": production_card, "straightforward": straightforward_card}
    with tempfile.TemporaryDirectory(prefix="certiprev-card-bench-") as temporary:
        directory = Path(temporary)
        warm = cards[: min(20, n)]
        for name, path in paths.items():  # warm-up: fonts parsed, tables built, caches filled as in a worker
            _one_run(warm, path, directory, -1 - len(name), private_key)
        for index in range(runs):
            for name, path in paths.items():
                figures[name].append(_one_run(cards, path, directory, index * 2 + (name == "fast"), private_key))
    load_after = os.getloadavg()

    def median(name: str, field: int) -> float:
        return statistics.median(run[field] for run in figures[name])

    fast, fast_cpu = median("fast", 0), median("fast", 1)
    naive, naive_cpu = median("straightforward", 0), median("straightforward", 1)
    result = {
        "cards": n,
        "runs": runs,
        "load_average": [round(v, 2) for v in (*load_before, *load_after)],
        "rl_accel": rl_accel_in_use(),
        "fallback_font": card_fonts().fallback is not None,
        "fast_cards_per_s": round(fast, 1),
        "fast_cards_per_cpu_s": round(fast_cpu, 1),
        "straightforward_cards_per_s": round(naive, 1),
        "straightforward_cards_per_cpu_s": round(naive_cpu, 1),
        "ratio": round(fast / naive, 1),
        "ratio_cpu": round(fast_cpu / naive_cpu, 1),
        "fast_runs_cards_per_s": [round(r[0], 1) for r in figures["fast"]],
        "straightforward_runs_cards_per_s": [round(r[0], 1) for r in figures["straightforward"]],
        "fast_pdf_bytes_max": max(r[2] for r in figures["fast"]),
        "straightforward_pdf_bytes_max": max(r[2] for r in figures["straightforward"]),
        "weasyprint": _weasyprint_available(),
    }
    if verbose:
        accel = "yes" if result["rl_accel"] else "NO (pip install rl-accel)"
        print(
            f"PDF cards, full production path (CP1 signature + QR + PDF + file written), {runs} runs x {n} cards "
            f"each path, warmed, interleaved, one core; medians"
        )
        print(
            f"  load average before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, after "
            f"{load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} (2 cores); ReportLab _rl_accel: {accel}"
        )
        print(
            f"  production (fast QR + direct PDF)     {fast:7.1f} cards/s  {fast_cpu:7.1f} per CPU-second  "
            f"largest {result['fast_pdf_bytes_max']} bytes  runs {result['fast_runs_cards_per_s']}"
        )
        print(
            f"  straightforward (ReportLab + widget)  {naive:7.1f} cards/s  {naive_cpu:7.1f} per CPU-second  "
            f"largest {result['straightforward_pdf_bytes_max']} bytes  "
            f"runs {result['straightforward_runs_cards_per_s']}"
        )
        print(f"  ratio {result['ratio']}x (wall clock), {result['ratio_cpu']}x (CPU time); target >= 20x")
        if not result["weasyprint"]:
            print("  WeasyPrint comparison: not run, WeasyPrint is not installed (nor in the project's dependencies)")
    return result


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
