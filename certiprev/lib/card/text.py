"""Text on the card: per-cluster font runs, measuring, and fitting a text into its box (shrink, wrap, cut)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from reportlab.pdfbase import pdfmetrics

from .fonts import FontSet, clean, clusters, draw_as

__all__ = ["GREY", "INK", "Block", "Fitter", "Line", "Run", "line_width", "make_runs"]

INK = (0.1, 0.1, 0.12)
GREY = (0.38, 0.4, 0.45)

Run = tuple[str, str, bool]  # (font name, text, fake bold: stroke the fallback glyphs to thicken them)
Line = tuple[Run, ...]

_TOKENS = re.compile(r"[^\s\-]*(?:\s+|-+|$)")


def make_runs(fonts: FontSet, text: str, bold: bool) -> Line:
    primary = fonts.bold if bold else fonts.regular
    if fonts.primary_chars.issuperset(map(ord, text)):  # the usual case: every cluster is drawn as is, in Vera
        return ((primary, text, False),) if text else ()
    runs: list[list] = []
    for cluster in clusters(text):
        font, piece = draw_as(fonts, cluster, primary)
        if runs and runs[-1][0] == font:
            runs[-1][1] += piece
        else:
            runs.append([font, piece])
    return tuple((font, piece, bold and font == fonts.fallback) for font, piece in runs)


@lru_cache(maxsize=8192)
def _runs_cached(fonts: FontSet, text: str, bold: bool) -> Line:
    return make_runs(fonts, text, bold)


@lru_cache(maxsize=8192)
def _unit_width_cached(fonts: FontSet, text: str, bold: bool) -> float:
    return line_width(_runs_cached(fonts, text, bold), 1.0)


def line_width(line: Line, size: float) -> float:
    return sum(pdfmetrics.stringWidth(piece, font, size) for font, piece, _ in line)


@dataclass(frozen=True, slots=True)
class Block:
    lines: tuple[Line, ...]
    size: float
    color: tuple[float, float, float]
    leading: float
    prefix: Line = ()  # drawn before the first line, in `prefix_color` (a label such as "Obtenu le ")
    prefix_color: tuple[float, float, float] = GREY

    @property
    def height(self) -> float:
        return self.leading * len(self.lines)


class Fitter:
    """Shrinks, then wraps, then (last resort) truncates a text so that it never leaves its box.

    Text runs and whole fitted blocks are memoised (process-wide LRU): the scheme, organisation, trainer and
    labels repeat from card to card."""

    def __init__(self, fonts: FontSet):
        self.fonts = fonts

    def line(self, text: str, bold: bool) -> Line:
        return _runs_cached(self.fonts, text, bold)

    def fit(self, text: str, **options) -> Block:
        return _fit_cached(self.fonts, text, tuple(sorted(options.items())))

    def unit_width(self, text: str, bold: bool) -> float:
        if type(self).line is Fitter.line:  # memoised as `line` is (a subclass computing its runs anew measures anew)
            return _unit_width_cached(self.fonts, text, bold)
        return line_width(self.line(text, bold), 1.0)

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
            for cluster in clusters(token):
                if current and self.unit_width((current + cluster).rstrip(), bold) > limit:
                    lines.append(current.rstrip())
                    current = ""
                current += cluster
        if current.strip():
            lines.append(current.rstrip())
        return lines or [""]

    def truncate(self, text: str, bold: bool, limit: float) -> str:
        parts = clusters(text)
        while parts and self.unit_width("".join(parts).rstrip() + "…", bold) > limit:
            parts.pop()
        return "".join(parts).rstrip() + "…"

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
        color: tuple[float, float, float] = INK,
        leading: float = 1.18,
    ) -> Block:
        """One line at `size`, else one line shrunk down to `wrap_below`, else wrapped onto up to `max_lines`
        lines (and within `max_height`) at the largest size >= `min_size` that fits, else as many lines as
        allowed at `min_size`, the last one cut with an ellipsis."""
        text = clean(text)

        def block(lines: Sequence[str], at: float) -> Block:
            return Block(tuple(self.line(t, bold) for t in lines), at, color, at * leading)

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
def _fit_cached(fonts: FontSet, text: str, options: tuple[tuple[str, Any], ...]) -> Block:
    return Fitter(fonts).fit_uncached(text, **dict(options))
