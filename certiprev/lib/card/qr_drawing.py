"""The QR code on the card: vector rectangles, one per horizontal run of dark modules, in one filled path (no
image, no text).

The path is in module units (integer coordinates, y downwards); the CTM scales it to the page. Built from tables
made once: for each of the 8 bytes of a row (8 modules each) and each of their 256 values, the rectangles of its
runs, with the row's y left as a placeholder; per row, 8 look-ups, a join and a replace (~0.1 ms a code, where
runs found one by one and merged down the rows took ~1 ms). A run crossing a byte boundary is two rectangles
side by side in the same path: filled as one, the same pixels (ADR 0016, revision of 2026-12-02).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from operator import getitem

from reportlab.pdfgen.canvas import Canvas

__all__ = ["draw_qr_matrix", "qr_path"]

_TO_DIGITS = bytes([0x30] + [0x31] * 255)  # byte 0 -> "0", any other value (dark) -> "1"
_DARK_RUN = re.compile(r"1+")


def _byte_table(chunk: int) -> tuple[str, ...]:
    """The rectangles of the runs of each value of the row's byte number `chunk`, "Y" standing for the row."""
    table = []
    for value in range(256):
        bits = format(value, "08b")
        table.append(
            "".join(f"{8 * chunk + m.start()} Y {m.end() - m.start()} 1 re\n" for m in _DARK_RUN.finditer(bits))
        )
    return tuple(table)


_TABLES: list[tuple[str, ...]] = []


def _tables(count: int) -> list[tuple[str, ...]]:
    while len(_TABLES) < count:  # appended in order; a race only builds the same table twice
        _TABLES.append(_byte_table(len(_TABLES)))
    return _TABLES[:count]


def qr_path(matrix: Sequence[Sequence[int | bool]]) -> tuple[int, str]:
    """(n, PDF path operators in module units, y downwards): one rectangle per horizontal run of dark modules
    within each byte of 8 modules of a row."""
    n = len(matrix)
    if n == 0 or set(map(len, matrix)) != {n}:
        raise ValueError("qr_matrix must be a non-empty square matrix")
    row_bytes = (n + 7) // 8
    pad = 8 * row_bytes - n
    tables = _tables(row_bytes)
    ops = []
    for y, row in enumerate(matrix):
        bits = row if type(row) is bytes else bytes(map(bool, row))
        packed = (int(bits.translate(_TO_DIGITS), 2) << pad).to_bytes(row_bytes, "big")
        ops.append("".join(map(getitem, tables, packed)).replace("Y", str(y)))
    return n, "".join(ops)


def draw_qr_matrix(c: Canvas, matrix: Sequence[Sequence[int | bool]], x: float, top: float, size: float) -> None:
    """The matrix (rows top to bottom, truthy = dark, no quiet zone) as a `size` square with its top-left at
    (`x`, `top`)."""
    n, path = qr_path(matrix)
    module = size / n
    c.saveState()
    c.setFillColorRGB(0, 0, 0)
    # Integer module coordinates keep the content stream short; the CTM scales them to the page.
    c.addLiteral(f"1 0 0 1 {x:.3f} {top:.3f} cm {module:.5f} 0 0 {-module:.5f} 0 0 cm\n{path}f")
    c.restoreState()
