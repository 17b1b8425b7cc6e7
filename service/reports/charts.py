"""Charts drawn on the server as inline SVG: nothing fetched, no script, readable without colour.

Each chart is an `<svg role="img">` with a `<title>` and a `<desc>` (named by
`aria-labelledby`), so a screen reader announces what it shows and its highest and
lowest values; the page puts the same numbers in a table beside it. Colours are SVG
attributes (the content security policy allows no inline style sheet); every bar
carries its value as text, so no number depends on reading a colour or a length.
The size is a viewBox: the chart scales to its column, up to `max-width`.

    column_chart(...)   one column per month (a figure over time), with an optional target line
    bar_chart(...)      one horizontal bar per row (units, steps, targets), with optional target marks

Standard library and markupsafe only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

from markupsafe import Markup, escape

INK, MUTED, GRID, BAR, TARGET = "#1b1b1b", "#4a4a4a", "#c4c4c4", "#1d4e89", "#a3121b"
FONT = 13
WIDTH = 360
SCALE = 1.3  # how much larger than its viewBox a chart may be drawn (the viewBox is in px at 1:1)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None       # None: no figure (shown as "–", no bar)
    shown: str                # the value as text, e.g. "12 dager", "63 %"
    mark: float | None = None  # a target on the same scale (a tick across the bar)


def _ticks(value: float, count: int = 4) -> tuple[float, float]:
    """(step, top) of an axis from 0 that reaches `value` in at most `count` round steps (1, 2, 5 × 10^n)."""
    if value <= 0:
        return 1, count
    rough = value / count
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    return step, step * math.ceil(value / step - 1e-9)


def _nice_top(value: float) -> float:
    return _ticks(value)[1]


def _text(x: float, y: float, content: str, *, anchor: str = "start", size: int = FONT, fill: str = INK,
          weight: str | None = None) -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{fill}" text-anchor="{anchor}"{bold}>'
            f"{escape(content)}</text>")


def _frame(chart_id: str, title: str, description: str, height: float, body: list[str]) -> Markup:
    return Markup(
        f'<svg id="{escape(chart_id)}" class="diagram" role="img" viewBox="0 0 {WIDTH} {height:.0f}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{escape(chart_id)}-tittel {escape(chart_id)}-beskrivelse" '
        f'style="max-width: {WIDTH * SCALE:.0f}px; height: auto" font-family="system-ui, sans-serif">'
        f'<title id="{escape(chart_id)}-tittel">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-beskrivelse">{escape(description)}</desc>'
        + "".join(body) + "</svg>")


def describe(bars: Sequence[Bar], what: str) -> str:
    """A sentence with the highest and lowest values, for the chart's <desc>."""
    known = [b for b in bars if b.value is not None]
    if not known:
        return f"Ingen tall for {what} i perioden."
    high = max(known, key=lambda b: b.value)
    low = min(known, key=lambda b: b.value)
    if high is low or high.value == low.value:
        return f"{what[:1].upper()}{what[1:]}: {high.shown} ({high.label})." if len(known) == 1 else \
            f"{what[:1].upper()}{what[1:]}: {high.shown} for alle med tall."
    return (f"{what[:1].upper()}{what[1:]}: høyest {high.shown} ({high.label}), lavest {low.shown} ({low.label}). "
            "Tallene står i tabellen under diagrammet.")


def column_chart(chart_id: str, title: str, bars: Sequence[Bar], *, what: str,
                 target: float | None = None, target_label: str = "", axis: Callable[[float], str] = str,
                 groups: Sequence[tuple[int, str]] = ()) -> Markup:
    """Columns left to right (months); `target` draws a dashed line; `groups` labels spans (years) under the axis.

    `groups` are (index of the first column, label), e.g. [(0, "2025"), (1, "2026")].
    """
    left, right, top, bottom = 40, 6, 22, 40
    height = 210
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    values = [b.value for b in bars if b.value is not None] + ([target] if target is not None else [])
    step, ceiling = _ticks(max(values) if values else 1)
    body: list[str] = []
    lines = round(ceiling / step)
    for i in range(lines + 1):  # grid lines and axis labels
        value = step * i
        y = top + plot_h - plot_h * i / lines
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="{GRID}" '
                    f'stroke-width="1"/>')
        body.append(_text(left - 6, y + 4, axis(value), anchor="end", size=11, fill=MUTED))
    slot = plot_w / max(len(bars), 1)
    width = min(slot * 0.7, 34)
    for i, bar in enumerate(bars):
        x = left + slot * i + (slot - width) / 2
        centre = left + slot * i + slot / 2
        if bar.value is not None and ceiling:
            h = plot_h * bar.value / ceiling
            body.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{width:.1f}" height="{h:.1f}" '
                        f'fill="{BAR}"><title>{escape(bar.label)}: {escape(bar.shown)}</title></rect>')
        label_y = top + plot_h - (plot_h * (bar.value or 0) / ceiling if ceiling else 0) - 4
        if len(bars) <= 14:
            body.append(_text(centre, label_y, bar.shown if bar.value is not None else "–", anchor="middle",
                              size=9 if len(bar.shown) > 4 else 10))
        body.append(_text(centre, top + plot_h + 16, bar.label, anchor="middle", size=11))
    starts = [index for index, _label in groups] + [len(bars)]
    for (index, label), end in zip(groups, starts[1:]):  # a year under its months, if it has room (two or more)
        if end - index >= 2 or len(groups) == 1:
            body.append(_text(left + slot * (index + end) / 2, top + plot_h + 31, label, anchor="middle", size=10,
                              fill=MUTED, weight="600"))
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{WIDTH - right}" y2="{top + plot_h}" stroke="{MUTED}" '
                'stroke-width="1.5"/>')
    if target is not None and ceiling:
        y = top + plot_h - plot_h * target / ceiling
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="{TARGET}" '
                    'stroke-width="2" stroke-dasharray="6 4"/>')
        body.append(_text(WIDTH - right, y - 5, target_label, anchor="end", size=11, fill=TARGET, weight="600"))
    description = describe(bars, what)
    if target is not None:
        description += f" Den stiplede linjen er {target_label}."
    return _frame(chart_id, title, description, height, body)


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar], *, what: str, ceiling: float | None = None,
              mark_label: str = "") -> Markup:
    """Horizontal bars, one per row, label above its bar; `mark` on a bar draws a target tick across it."""
    left, right, top = 2, 54, 8
    row = 44
    height = top + row * max(len(bars), 1) + (22 if mark_label else 6)
    plot_w = WIDTH - left - right
    values = [b.value for b in bars if b.value is not None] + [b.mark for b in bars if b.mark is not None]
    ceiling = ceiling or _nice_top(max(values) if values else 1)
    body: list[str] = []
    for i, bar in enumerate(bars):
        y = top + row * i
        body.append(_text(left, y + 14, bar.label, size=12))
        body.append(f'<rect x="{left}" y="{y + 20}" width="{plot_w}" height="16" fill="#f2f4f7"/>')
        w = plot_w * (bar.value or 0) / ceiling if ceiling else 0
        if bar.value is not None:
            body.append(f'<rect x="{left}" y="{y + 20}" width="{max(w, 1):.1f}" height="16" fill="{BAR}">'
                        f"<title>{escape(bar.label)}: {escape(bar.shown)}</title></rect>")
        body.append(_text(left + plot_w + 6, y + 33, bar.shown if bar.value is not None else "–", size=12,
                          weight="600"))
        if bar.mark is not None and ceiling:
            mx = left + plot_w * bar.mark / ceiling
            body.append(f'<line x1="{mx:.1f}" y1="{y + 16}" x2="{mx:.1f}" y2="{y + 40}" stroke="{TARGET}" '
                        'stroke-width="3"/>')
    if mark_label:
        y = height - 8
        body.append(f'<line x1="{left}" y1="{y - 9}" x2="{left}" y2="{y + 3}" stroke="{TARGET}" stroke-width="3"/>')
        body.append(_text(left + 8, y, mark_label, size=11, fill=TARGET, weight="600"))
    return _frame(chart_id, title, describe(bars, what), height, body)
