"""The Pareto chart as inline SVG, drawn on the server: bars for each root cause (largest
first, numbered like the table under it), the cumulative share as a line on a 0-100 % axis, and
the 80 % mark. No JavaScript, no external file; the chart has a title and a description for
screen readers and each bar a tooltip with its cause and value.

Colours: a dark blue for the bars and an orange for the line, told apart with a colour vision
deficiency and with a contrast over 4.5:1 on white."""

from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .pareto import ParetoRow

WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 72, 56, 20, 40
BAR = "#1f4e79"
LINE = "#b54708"
GRID = "#d9e2ec"
INK = "#1f2933"


def _value_text(value, by: str) -> str:
    if by == "amount":
        return f"{number_format(Decimal(value), 0, force_grouping=True)} €"
    return number_format(value, 0, force_grouping=True)


def pareto_svg(rows: list[ParetoRow], *, by: str, title: str) -> SafeString:
    if not rows:
        return mark_safe("")
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top_value = max(float(r.value) for r in rows) or 1.0
    step = plot_w / len(rows)
    bar_w = max(step * 0.7, 2)
    description = "; ".join(
        f"{r.rank}. {r.label}: {_value_text(r.value, by)}, "
        f"{number_format(r.cumulative_share * 100, 0)} % {_('cumulative')}"
        for r in rows
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="pareto-title pareto-desc" class="pareto-chart" '
        f'font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="pareto-title">{escape(title)}</title>',
        f'<desc id="pareto-desc">{escape(description)}</desc>',
    ]
    # Grid and axes: 0, 25, 50, 75, 100 % of the right axis, the same lines on the left.
    for quarter in range(5):
        y = TOP + plot_h * (1 - quarter / 4)
        left_label = _value_text(top_value * quarter / 4, by)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}">'
            f"{escape(left_label)}</text>"
            f'<text x="{LEFT + plot_w + 6}" y="{y + 4:.1f}" fill="{LINE}">{quarter * 25} %</text>'
        )
    y80 = TOP + plot_h * 0.2
    parts.append(
        f'<line x1="{LEFT}" y1="{y80:.1f}" x2="{LEFT + plot_w}" y2="{y80:.1f}" '
        f'stroke="{LINE}" stroke-dasharray="4 4"/>'
    )
    points = []
    for index, row in enumerate(rows):
        x = LEFT + step * index + (step - bar_w) / 2
        h = plot_h * float(row.value) / top_value
        tip = f"{row.rank}. {row.label}: {_value_text(row.value, by)}"
        parts.append(
            f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar_w:.1f}" '
            f'height="{h:.1f}" fill="{BAR}"><title>{escape(tip)}</title></rect>'
            f'<text x="{x + bar_w / 2:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle" '
            f'fill="{INK}">{row.rank}</text>'
        )
        cx = LEFT + step * index + step / 2
        points.append((cx, TOP + plot_h * (1 - row.cumulative_share)))
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    parts.append(f'<polyline points="{path}" fill="none" stroke="{LINE}" stroke-width="2"/>')
    for x, y in points:
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{LINE}"/>')
    parts.append(
        f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 6}" text-anchor="middle" fill="{INK}">'
        f"{escape(_('Root causes, by rank'))}</text>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)
