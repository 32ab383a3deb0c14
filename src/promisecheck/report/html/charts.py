"""Chart geometry for the HTML reports: marks on a canvas, drawn as inline SVG by one template.

Charts are plain values (frozen dataclasses) so that every command's module builds them the
same way and one Jinja macro draws them, escaped; coordinates are rounded to 0.1 so that the
same report always gives the same bytes and stays small.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from promisecheck.report._kit.words import MONTH_NAMES

WIDTH = 720  # every chart is drawn on a canvas this wide and scaled to the page


def number(value: float) -> str:
    """A coordinate as short as it can be written: `12`, `12.5`, never `-0`."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


@dataclass(frozen=True, kw_only=True)
class Rect:
    """A bar or a cell; `tip` becomes its SVG <title> (shown on hover, read by screen readers)."""

    kind: str = field(default="rect", init=False)
    x: str
    y: str
    width: str
    height: str
    css: str
    tip: str = ""


@dataclass(frozen=True, kw_only=True)
class Line:
    kind: str = field(default="line", init=False)
    x1: str
    y1: str
    x2: str
    y2: str
    css: str


@dataclass(frozen=True, kw_only=True)
class Path:
    """A polyline given as SVG path data (`M x y L x y …`)."""

    kind: str = field(default="path", init=False)
    d: str
    css: str


@dataclass(frozen=True, kw_only=True)
class Dot:
    kind: str = field(default="dot", init=False)
    x: str
    y: str
    css: str
    tip: str = ""


@dataclass(frozen=True, kw_only=True)
class Label:
    kind: str = field(default="label", init=False)
    x: str
    y: str
    text: str
    css: str = ""
    anchor: str = "start"  # start | middle | end


Mark = Rect | Line | Path | Dot | Label


@dataclass(frozen=True, kw_only=True)
class Table:
    """The chart's numbers, for screen readers and for anyone who wants the figures."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    right: tuple[bool, ...]  # right-aligned (numeric) columns


@dataclass(frozen=True, kw_only=True)
class Chart:
    """One figure: what it shows in words (title, desc), how it looks, and its numbers."""

    id: str  # unique in the page; anchors and aria references
    title: str
    desc: str  # one sentence: what the chart shows
    width: int
    height: int
    marks: tuple[Mark, ...]
    table: Table
    legend: tuple[tuple[str, str], ...] = ()  # (css class of the swatch, words)


def table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> Table:
    return Table(header=tuple(header), rows=tuple(tuple(row) for row in rows), right=tuple(right))


@dataclass(frozen=True)
class Scale:
    """A linear map from data to canvas coordinates."""

    low: float
    high: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        if self.high == self.low:
            return self.start
        share = (value - self.low) / (self.high - self.low)
        return self.start + share * (self.end - self.start)


def day_number(value: dt.date) -> int:
    return value.toordinal()


def end_of(value: dt.date) -> int:
    """A date's finish moment on the axis: the end of that day (a deadline is kept by then)."""
    return value.toordinal() + 1


def short_day(value: dt.date) -> str:
    """`26 Mar`: an axis tick; the full date is in the table and the tooltips."""
    return f"{value.day} {MONTH_NAMES[value.month - 1]}"


def rect(x: float, y: float, width: float, height: float, css: str, tip: str = "") -> Rect:
    return Rect(
        x=number(x),
        y=number(y),
        width=number(max(width, 0.0)),
        height=number(max(height, 0.0)),
        css=css,
        tip=tip,
    )


def line(x1: float, y1: float, x2: float, y2: float, css: str) -> Line:
    return Line(x1=number(x1), y1=number(y1), x2=number(x2), y2=number(y2), css=css)


def path(points: Sequence[tuple[float, float]], css: str) -> Path:
    steps = " L".join(f"{number(x)} {number(y)}" for x, y in points)
    return Path(d=f"M{steps}", css=css)


def dot(x: float, y: float, css: str, tip: str = "") -> Dot:
    return Dot(x=number(x), y=number(y), css=css, tip=tip)


def label(x: float, y: float, text: str, css: str = "", anchor: str = "start") -> Label:
    return Label(x=number(x), y=number(y), text=text, css=css, anchor=anchor)


def beside(at: float, text: str, left: float, right: float, gap: float = 4) -> tuple[float, str]:
    """Where a label by a vertical line goes: (x, anchor) on the side where it fits.

    The width is estimated at 6.4 units a character (the 10.5-unit bold labels).
    """
    width = 6.4 * len(text)
    if at + gap + width <= right or at - left < right - at:
        return at + gap, "start"
    return at - gap, "end"


def clipped(text: str, characters: int) -> str:
    """A label cut to fit its room; the whole text stays in the chart's table."""
    return text if len(text) <= characters else text[: characters - 1] + "…"


def date_ticks(first: dt.date, last: dt.date, most: int = 9) -> list[dt.date]:
    """Mondays (or month starts, for long spans) between two dates, at most `most` of them."""
    span = (last - first).days
    if span > 7 * most * 4:
        ticks = []
        month = dt.date(first.year, first.month, 1)
        while month <= last:
            if month >= first:
                ticks.append(month)
            month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    else:
        monday = first + dt.timedelta(days=(7 - first.weekday()) % 7)
        ticks = [monday + dt.timedelta(days=7 * n) for n in range((last - monday).days // 7 + 1)]
    step = max(1, -(-len(ticks) // most))
    return ticks[::step]


def percent_axis(scale: Scale, left: float, right: float) -> list[Mark]:
    """Grid lines and labels at 0, 25, 50, 75 and 100 %."""
    marks: list[Mark] = []
    for share in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = scale(share)
        marks.append(line(left, y, right, y, "grid"))
        marks.append(label(left - 6, y + 4, f"{share * 100:.0f} %", "tick", "end"))
    return marks


def date_axis(scale: Scale, first: dt.date, last: dt.date, y: float, top: float) -> list[Mark]:
    """A baseline with a tick and a short date at each Monday (or month)."""
    marks: list[Mark] = [line(scale.start, y, scale.end, y, "axis")]
    for tick in date_ticks(first, last):
        x = scale(day_number(tick))
        marks.append(line(x, top, x, y, "grid"))
        marks.append(label(x, y + 14, short_day(tick), "tick", "middle"))
    return marks
