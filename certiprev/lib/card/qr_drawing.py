"""The QR code on the card: vector rectangles, one per run of dark modules (no image, no text)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from reportlab.pdfgen.canvas import Canvas

__all__ = ["draw_qr_matrix", "qr_path"]

_DARK_RUN = re.compile(rb"[^\x00]+")


def qr_path(matrix: Sequence[Sequence[int | bool]]) -> tuple[int, str]:
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


def draw_qr_matrix(c: Canvas, matrix: Sequence[Sequence[int | bool]], x: float, top: float, size: float) -> None:
    """The matrix (rows top to bottom, truthy = dark, no quiet zone) as a `size` square with its top-left at
    (`x`, `top`)."""
    n, path = qr_path(matrix)
    module = size / n
    c.saveState()
    c.setFillColorRGB(0, 0, 0)
    # Integer module coordinates keep the content stream short; the CTM scales them to the page.
    c.addLiteral(f"1 0 0 1 {x:.3f} {top:.3f} cm {module:.5f} 0 0 {-module:.5f} 0 0 cm\n{path}\nf")
    c.restoreState()
