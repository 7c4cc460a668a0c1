"""Geometry of the dashboard's server-rendered SVG charts; templates draw them, tables carry the numbers."""

from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH = 400
BAR = 12
GAP = 4
LABEL = 16
VALUE_ROOM = 64


@dataclass
class Bar:
    """One rectangle with its value written beside it."""

    x: float
    y: float
    width: float
    height: float
    value: int
    series: int
    text_x: float
    text_anchor: str = "start"


@dataclass
class Row:
    """A labelled group of bars (one per series)."""

    label: str
    label_y: float
    bars: list[Bar] = field(default_factory=list)


@dataclass
class Chart:
    """A chart's drawing area and rows; `series` name the bar colours in order."""

    height: float
    rows: list[Row]
    series: list[str]
    width: int = WIDTH
    axis_x: float | None = None
    columns: list["Column"] = field(default_factory=list)


def _scale(values: Sequence[int], room: float) -> float:
    top = max(values, default=0)
    return room / top if top else 0.0


def bars(rows: Sequence[tuple[str, Sequence[int]]], series: Sequence[str]) -> Chart:
    """Horizontal bars: each row's label above one bar per series."""
    scale = _scale([v for _l, values in rows for v in values], WIDTH - VALUE_ROOM)
    drawn, y = [], 0.0
    for label, values in rows:
        row = Row(label, y + LABEL - 4)
        y += LABEL
        for i, value in enumerate(values):
            width = max(value * scale, 1.5 if value else 0)
            row.bars.append(Bar(0, y, width, BAR, value, i, width + 4))
            y += BAR + 2
        drawn.append(row)
        y += GAP
    return Chart(height=max(y, 20), rows=drawn, series=list(series))


def funnel(steps: Sequence[tuple[str, int]]) -> Chart:
    """Centred bars narrowing from the first step, each labelled with its count."""
    scale = _scale([v for _l, v in steps], WIDTH)
    drawn, y = [], 0.0
    for label, value in steps:
        row = Row(label, y + LABEL - 4)
        y += LABEL
        width = max(value * scale, 2 if value else 0)
        x = (WIDTH - width) / 2
        row.bars.append(Bar(x, y, width, BAR + 6, value, 0, WIDTH / 2, "middle"))
        drawn.append(row)
        y += BAR + 6 + GAP
    return Chart(height=max(y, 20), rows=drawn, series=[""])


def diverging(rows: Sequence[tuple[str, int, int]], series: Sequence[str]) -> Chart:
    """Two series back to back around a centre line: the first to the left, the second to the right."""
    half = WIDTH / 2
    scale = _scale([v for _l, a, b in rows for v in (a, b)], half - 30)
    drawn, y = [], 0.0
    for label, left, right in rows:
        row = Row(label, y + LABEL - 4)
        y += LABEL
        lw, rw = left * scale, right * scale
        row.bars.append(Bar(half - lw, y, lw, BAR, left, 0, half - lw - 4, "end"))
        row.bars.append(Bar(half, y, rw, BAR, right, 1, half + rw + 4))
        drawn.append(row)
        y += BAR + GAP + 2
    return Chart(height=max(y, 20), rows=drawn, series=list(series), axis_x=half)


@dataclass
class Column:
    """One month's group of vertical bars."""

    label: str
    label_x: float
    show_label: bool
    bars: list[Bar]


def columns(groups: Sequence[tuple[str, Sequence[int]]], series: Sequence[str], height: int = 160) -> Chart:
    """Vertical bars grouped by period (months), labels thinned so they do not overlap."""
    plot = height - 22
    scale = _scale([v for _l, values in groups for v in values], plot - 14)
    n = max(len(groups), 1)
    slot = WIDTH / n
    width = max(min((slot - 4) / max(len(series), 1), 18), 1.5)
    every = max(1, round(n / 8))
    drawn = []
    for i, (label, values) in enumerate(groups):
        start = i * slot + (slot - width * len(values)) / 2
        group_bars = [
            Bar(
                start + j * width, plot - v * scale, width - 1, v * scale, v, j, start + j * width + width / 2, "middle"
            )
            for j, v in enumerate(values)
        ]
        drawn.append(Column(label, i * slot + slot / 2, i % every == 0, group_bars))
    return Chart(height=height, rows=[], series=list(series), columns=drawn, axis_x=plot)
