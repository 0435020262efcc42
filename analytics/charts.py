"""Charts drawn on the server as SVG.

No JavaScript and no CDN: the SVG scales to its container (viewBox, width 100 %), so it reads at
390 px as at 1280 px. Colours are presentation attributes and classes (``.chart`` in app.css), never
inline styles, which the CSP forbids. A chart is a picture for sighted readers: every page that draws
one also prints the same numbers in a table, so the SVG is ``role="img"`` with a label, and its bars
carry ``<title>`` tooltips.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 36
MAX_LABELS = 12  # beyond this, every n-th label is printed so they never overlap on a phone


@dataclass(frozen=True)
class Point:
    label: str
    value: Decimal | int | float


def _nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 × 10ⁿ at or above ``value``: an axis top a reader can read."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return float(step * magnitude)
    return float(10 * magnitude)  # pragma: no cover - the loop always returns


def _number(value: float) -> str:
    """The value as the reader writes numbers: "1,250" and "0.5" in English, "1 250" and "0,5" in Russian."""
    if value >= 100 or value == int(value):
        return formats.number_format(round(value), force_grouping=True)
    decimal = formats.get_format("DECIMAL_SEPARATOR")
    return formats.number_format(round(value, 2), 2, force_grouping=True).rstrip("0").rstrip(decimal)


def _frame(points: Sequence[Point]) -> tuple[float, float, SafeString]:
    top = _nice_ceiling(max((float(p.value) for p in points), default=0))
    plot_h = HEIGHT - TOP - BOTTOM
    grid = format_html_join(
        "", '<line class="chart-grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
            '<text class="chart-axis" x="{}" y="{}" text-anchor="end">{}</text>',
        ((LEFT, WIDTH - RIGHT, y, y, LEFT - 6, y + 4, _number(top * f))
         for f, y in ((f, TOP + plot_h * (1 - f)) for f in (0, 0.5, 1))),
    )
    return top, plot_h, grid


def _labels(points: Sequence[Point], xs: Sequence[float]) -> SafeString:
    every = max(1, -(-len(points) // MAX_LABELS))
    return format_html_join(
        "", '<text class="chart-axis" x="{}" y="{}" text-anchor="middle">{}</text>',
        ((round(x, 1), HEIGHT - BOTTOM + 18, p.label) for i, (p, x) in enumerate(zip(points, xs, strict=True))
         if i % every == 0),
    )


def _svg(body: SafeString, *, title: str) -> SafeString:
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}" '
        'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">{}</svg>',
        WIDTH, HEIGHT, title, body,
    )


def bar_chart(points: Sequence[Point], *, title: str, unit: str = "") -> SafeString:
    """Vertical bars, one per point (a week, a month, an hour of the day)."""
    top, plot_h, grid = _frame(points)
    slot = (WIDTH - LEFT - RIGHT) / max(len(points), 1)
    bar_w = max(slot * 0.7, 1)
    bars = []
    xs = []
    for i, point in enumerate(points):
        height = plot_h * float(point.value) / top
        x = LEFT + slot * i + (slot - bar_w) / 2
        xs.append(x + bar_w / 2)
        bars.append((round(x, 1), round(TOP + plot_h - height, 1), round(bar_w, 1), round(height, 1),
                     point.label, _number(float(point.value)), f" {unit}" if unit else ""))
    body = grid + format_html_join(
        "", '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}"><title>{}: {}{}</title></rect>', bars,
    ) + _labels(points, xs)
    return _svg(body, title=title)


def line_chart(points: Sequence[Point], *, title: str, unit: str = "") -> SafeString:
    """A line through the points, with a dot on each (a trend: a rating over the months)."""
    top, plot_h, grid = _frame(points)
    step = (WIDTH - LEFT - RIGHT) / max(len(points) - 1, 1)
    coords = [(round(LEFT + step * i if len(points) > 1 else (WIDTH + LEFT - RIGHT) / 2, 1),
               round(TOP + plot_h * (1 - float(p.value) / top), 1)) for i, p in enumerate(points)]
    path = " ".join(f"{x},{y}" for x, y in coords)
    body = grid + format_html('<polyline class="chart-line" fill="none" points="{}"/>', path) + format_html_join(
        "", '<circle class="chart-dot" cx="{}" cy="{}" r="4"><title>{}: {}{}</title></circle>',
        ((x, y, p.label, _number(float(p.value)), f" {unit}" if unit else "") for (x, y), p in zip(coords, points,
                                                                                                   strict=True)),
    ) + _labels(points, [x for x, _ in coords])
    return _svg(body, title=title)
