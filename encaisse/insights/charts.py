"""Charts drawn on the server as inline SVG: no script, no CDN, so they work offline, print, and
go into the PDF report unchanged.

Why not a library: pygal (the maintained pure-Python SVG option) embeds its tooltips through a
script loaded from a CDN by default and styles through its own CSS; two chart shapes (bars,
lines) with labelled axes fit in this module.

Colours are the Okabe-Ito palette (distinguishable with the common colour-vision deficiencies);
every chart has a ``<title>`` and ``<desc>`` for screen readers, labelled axes and a legend,
and the page shows the same figures in a table next to it."""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9"]
WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 92, 16, 34, 58
FONT = 'font-family="system-ui, sans-serif" font-size="11" fill="#333"'


@dataclass(frozen=True)
class Series:
    name: str
    values: list  # Decimal, int or None (a gap) per label


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^n at or above ``value`` (an axis maximum)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _number(value: float, formatter) -> str:
    return escape(formatter(Decimal(str(round(value, 2)))))


def _frame(
    title: str, description: str, body: list[str], chart_id: str, height: int = HEIGHT
) -> SafeString:
    return mark_safe(  # noqa: S308 - every text below is escaped, numbers are ours
        f'<svg class="chart" id="{escape(chart_id)}" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-labelledby="{escape(chart_id)}-t '
        f'{escape(chart_id)}-d" width="100%" preserveAspectRatio="xMidYMid meet">'
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-d">{escape(description)}</desc>' + "".join(body) + "</svg>"
    )


def _axes(*, top: float, x_label: str, y_label: str, labels: list[str], formatter, slot: float):
    """Gridlines with their values (whole numbers), the labels under the slots, axis titles."""
    plot_h = HEIGHT - TOP - BOTTOM
    parts = []
    for i in range(5):
        value = top * i / 4
        y = HEIGHT - BOTTOM - plot_h * i / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{"#888" if i == 0 else "#ddd"}" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" {FONT}>'
            f"{_number(round(value), formatter)}</text>"
        )
    every = max(1, math.ceil(len(labels) / 13))
    for i, label in enumerate(labels):
        if i % every:
            continue
        x = LEFT + slot * (i + 0.5)
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" {FONT}>'
            f"{escape(label)}</text>"
        )
    parts.append(
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle" '
        f'{FONT} font-weight="bold">{escape(x_label)}</text>'
        f'<text x="14" y="{(TOP + HEIGHT - BOTTOM) / 2:.1f}" text-anchor="middle" {FONT} '
        f'font-weight="bold" transform="rotate(-90 14 {(TOP + HEIGHT - BOTTOM) / 2:.1f})">'
        f"{escape(y_label)}</text>"
    )
    return parts


def _legend(series: list[Series]) -> list[str]:
    parts, x = [], LEFT
    for index, item in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<rect x="{x}" y="10" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="20" {FONT}>{escape(item.name)}</text>'
        )
        x += 24 + 7 * len(item.name)
    return parts


def _top(series: list[Series], stacked: bool) -> float:
    if stacked:
        totals = [
            sum(float(s.values[i] or 0) for s in series) for i in range(len(series[0].values))
        ]
        return nice_ceiling(max(totals, default=0))
    values = [float(v) for s in series for v in s.values if v is not None]
    return nice_ceiling(max(values, default=0))


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: list[str],
    series: list[Series],
    x_label: str,
    y_label: str,
    formatter=str,
    stacked: bool = True,
) -> SafeString:
    """Bars per label, the series stacked (a total and its parts) or side by side
    (``stacked=False``: figures to compare), with axes and a legend."""
    top = _top(series, stacked=stacked)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(labels), 1)
    body = _axes(
        top=top, x_label=x_label, y_label=y_label, labels=labels, formatter=formatter, slot=slot
    )
    width = slot * 0.7 / (1 if stacked else max(len(series), 1))
    for i, label in enumerate(labels):
        base = 0.0
        for index, item in enumerate(series):
            value = float(item.values[i] or 0)
            if value <= 0:
                continue
            h = plot_h * value / top
            y = HEIGHT - BOTTOM - plot_h * base / top - h
            x = LEFT + slot * i + slot * 0.15 + (0 if stacked else width * index)
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" '
                f'width="{width:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[index % len(PALETTE)]}">'
                f"<title>{escape(label)} · {escape(item.name)}: "
                f"{_number(value, formatter)}</title></rect>"
            )
            if stacked:
                base += value
    body.extend(_legend(series))
    return _frame(title, description, body, chart_id)


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: list[str],
    series: list[Series],
    x_label: str,
    y_label: str,
    formatter=str,
) -> SafeString:
    """One line per series (a gap where a value is None), a dot on every point."""
    top = _top(series, stacked=False)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(labels), 1)
    body = _axes(
        top=top, x_label=x_label, y_label=y_label, labels=labels, formatter=formatter, slot=slot
    )
    for index, item in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        dash = ' stroke-dasharray="6 3"' if index % 2 else ""
        points, segments = [], [[]]
        for i, value in enumerate(item.values):
            if value is None:
                segments.append([])
                continue
            x = LEFT + slot * (i + 0.5)
            y = HEIGHT - BOTTOM - plot_h * float(value) / top
            segments[-1].append(f"{x:.1f},{y:.1f}")
            points.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
                f"<title>{escape(labels[i])} · {escape(item.name)}: "
                f"{_number(float(value), formatter)}</title></circle>"
            )
        for segment in segments:
            if len(segment) > 1:
                body.append(
                    f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} '
                    f'points="{" ".join(segment)}"/>'
                )
        body.extend(points)
    body.extend(_legend(series))
    return _frame(title, description, body, chart_id)


HBAR_LEFT, HBAR_ROW = 200, 26


def hbar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: list[str],
    series: list[Series],
    x_label: str,
    formatter=str,
) -> SafeString:
    """Horizontal bars, one row per label (names too long to stand under a bar: departments,
    root causes), the series side by side in each row; the height grows with the rows."""
    top = _top(series, stacked=False)
    rows = max(len(labels), 1)
    height = TOP + rows * HBAR_ROW + BOTTOM
    plot_w = WIDTH - HBAR_LEFT - RIGHT - 40
    bottom = height - BOTTOM
    body = []
    for i in range(6):  # fifths: whole steps for a top of 1, 2, 2.5 or 5 x 10^n
        x = HBAR_LEFT + plot_w * i / 5
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{bottom}" '
            f'stroke="{"#888" if i == 0 else "#ddd"}" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" {FONT}>'
            f"{_number(top * i / 5, formatter)}</text>"
        )
    bar_h = HBAR_ROW * 0.7 / max(len(series), 1)
    for i, label in enumerate(labels):
        y0 = TOP + HBAR_ROW * i
        short = label if len(label) <= 30 else label[:29] + "…"
        body.append(
            f'<text x="{HBAR_LEFT - 6}" y="{y0 + HBAR_ROW / 2 + 4:.1f}" text-anchor="end" '
            f"{FONT}><title>{escape(label)}</title>{escape(short)}</text>"
        )
        for index, item in enumerate(series):
            value = item.values[i]
            if value is None or float(value) <= 0:
                continue
            w = plot_w * float(value) / top
            body.append(
                f'<rect x="{HBAR_LEFT}" y="{y0 + HBAR_ROW * 0.15 + bar_h * index:.1f}" '
                f'width="{w:.1f}" height="{bar_h:.1f}" fill="{PALETTE[index % len(PALETTE)]}">'
                f"<title>{escape(label)} · {escape(item.name)}: "
                f"{_number(float(value), formatter)}</title></rect>"
            )
    body.append(
        f'<text x="{HBAR_LEFT + plot_w / 2:.1f}" y="{height - 8}" text-anchor="middle" '
        f'{FONT} font-weight="bold">{escape(x_label)}</text>'
    )
    body.extend(_legend(series))
    return _frame(title, description, body, chart_id, height=height)


def pareto_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: list[str],
    values: list,
    cumulative: list[float],
    name: str,
    y_label: str,
    formatter=str,
) -> SafeString:
    """A Pareto chart: bars largest first (labelled by rank, the names in the table beside
    it), the cumulative share as a line on a 0-100 % scale on the right, and the 80 % mark.
    ``cumulative`` holds fractions (0.8 = 80 %)."""
    # Four whole gridline steps (the right axis is in quarters): 26 disputes -> 0-40 by 10.
    top = 4 * nice_ceiling(max((float(v) for v in values), default=0) / 4)
    plot_w, plot_h = WIDTH - LEFT - RIGHT - 30, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(values), 1)
    ranks = [str(rank) for rank in range(1, len(values) + 1)]
    body = _axes(
        top=top,
        x_label=_("Rank (see the table)"),
        y_label=y_label,
        labels=ranks,
        formatter=formatter,
        slot=slot,
    )
    right = LEFT + plot_w
    for i in range(5):
        y = HEIGHT - BOTTOM - plot_h * i / 4
        body.append(f'<text x="{right + 4}" y="{y + 4:.1f}" {FONT}>{i * 25} %</text>')
    y80 = HEIGHT - BOTTOM - plot_h * 0.8
    body.append(
        f'<line x1="{LEFT}" x2="{right}" y1="{y80:.1f}" y2="{y80:.1f}" '
        f'stroke="{PALETTE[3]}" stroke-dasharray="4 4" stroke-width="1"/>'
    )
    points = []
    for i, (label, value, share) in enumerate(zip(labels, values, cumulative, strict=True)):
        h = plot_h * float(value) / top
        x = LEFT + slot * i
        body.append(
            f'<rect x="{x + slot * 0.15:.1f}" y="{HEIGHT - BOTTOM - h:.1f}" '
            f'width="{slot * 0.7:.1f}" height="{h:.1f}" fill="{PALETTE[0]}">'
            f"<title>{i + 1}. {escape(label)}: {_number(float(value), formatter)}</title></rect>"
        )
        points.append((x + slot / 2, HEIGHT - BOTTOM - plot_h * share, label, share))
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _l, _s in points)
        body.append(
            f'<polyline fill="none" stroke="{PALETTE[1]}" stroke-width="2" points="{path}"/>'
        )
        for x, y, label, share in points:
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{PALETTE[1]}">'
                f"<title>{escape(label)}: {round(share * 100)} %</title></circle>"
            )
    body.extend(_legend([Series(name, values), Series(_("Cumulative share"), cumulative)]))
    return _frame(title, description, body, chart_id)
