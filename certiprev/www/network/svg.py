"""Small server-side SVG charts (no JavaScript, no third-party library). Each chart comes with a data table."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Colour-blind-safe palette (Okabe–Ito), dark enough on white for the bars' 3:1 contrast.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8a6d00", "#56B4E9", "#000000"]


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}".replace(".", ",")


def _two_lines(label: str, x: float) -> str:
    """ "janv. 26" → "janv." with the year on a second line, so that 12 months fit on a phone."""
    first, _, second = label.partition(" ")
    if not second:
        return escape(label)
    return f'{escape(first)}<tspan x="{x:.1f}" dy="14">{escape(second)}</tspan>'


def stacked_columns(
    *,
    title: str,
    labels: list[str],
    series: dict[str, list[float]],
    chart_id: str,
    width: int = 640,
    height: int = 260,
) -> SafeString:
    """Vertical stacked columns, one per label (e.g. months), one colour per series (e.g. schemes)."""
    left, bottom, top, right = 44, 48, 16, 8
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(values[i] for values in series.values()) for i in range(len(labels))]
    peak = max(totals + [1])
    step = plot_w / max(len(labels), 1)
    bar_w = step * 0.7
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 10 + 24 * ((len(series) + 3) // 4)}" '
        f'role="img" aria-labelledby="{chart_id}-title" class="chart">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    for fraction in (0, 0.5, 1):
        y = top + plot_h * (1 - fraction)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="axis">{_fmt(peak * fraction)}</text>'
        )
    for i, label in enumerate(labels):
        x = left + step * i + (step - bar_w) / 2
        y = top + plot_h
        for s, (name, values) in enumerate(series.items()):
            value = values[i]
            if not value:
                continue
            h = plot_h * value / peak
            y -= h
            colour = PALETTE[s % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}">'
                f"<title>{escape(name)} — {escape(label)} : {_fmt(value)}</title></rect>"
            )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle" class="axis">'
            + _two_lines(label, x + bar_w / 2)
            + "</text>"
        )
    for s, name in enumerate(series):
        lx = left + (s % 4) * 150
        ly = height + 10 + 24 * (s // 4)
        parts.append(f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" fill="{PALETTE[s % len(PALETTE)]}"/>')
        parts.append(f'<text x="{lx + 18}" y="{ly}" class="legend">{escape(name)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def horizontal_bars(
    *,
    title: str,
    items: list[tuple[str, float]],
    chart_id: str,
    unit: str = "",
    maximum: float | None = None,
    width: int = 640,
) -> SafeString:
    left, right, row = 190, 60, 28
    height = row * max(len(items), 1) + 8
    peak = maximum or max([v for _l, v in items if v is not None] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title" class="chart">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    for i, (label, value) in enumerate(items):
        y = 4 + i * row
        w = (width - left - right) * (value / peak if peak and value is not None else 0)
        shown = "—" if value is None else f"{_fmt(value)}{unit}"
        parts.append(f'<text x="{left - 8}" y="{y + 17}" text-anchor="end" class="axis">{escape(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" fill="{PALETTE[0]}"/>')
        parts.append(f'<text x="{left + w + 6:.1f}" y="{y + 17}" class="value">{escape(shown)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
