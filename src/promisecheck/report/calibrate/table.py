"""The calibrate report on the terminal: rich tables that read the same without colours."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Column, Table
from rich.text import Text

from promisecheck.commands.calibrate import Calibration, RatioSummary
from promisecheck.report._kit import notices, terminal
from promisecheck.report.calibrate import view as words

HEADING = terminal.HEADING


def render(c: Calibration, *, color: bool = False, width: int = 100) -> str:
    """The whole calibrate report as text; ANSI colour codes only when `color` is true."""
    return terminal.document(_blocks(c), notices.notices(c.warnings), color=color, width=width)


def _blocks(c: Calibration) -> list[RenderableType]:
    blocks: list[RenderableType] = [
        Text(words.headline(c), style=HEADING),
        _summary(c),
        _findings(c),
        _pools(c),
    ]
    if c.by_skill:
        blocks.append(_groups("By skill", "Skill", c.by_skill))
    if c.by_person:
        blocks.append(_groups("By person", "Person", c.by_person))
    if c.trend:
        blocks.append(_trend(c))
    blocks.append(_chart(c))
    return blocks


def _summary(c: Calibration) -> Table:
    grid = terminal.labels()
    grid.add_row("Tasks", f"{c.records:,} from {c.source}")
    grid.add_row("Ratio", words.summary_line(c))
    grid.add_row("Over estimate", f"{words.percent(c.over_share)} of tasks")
    grid.add_row(
        "Hours", f"{words.hours(c.estimate_hours)} estimated, {words.hours(c.actual_hours)} actual"
    )
    return grid


def _findings(c: Calibration) -> RenderableType:
    grid = terminal.labels()
    for label, sentence in words.findings(c.model):
        grid.add_row(label, sentence[:1].upper() + sentence[1:])
    return Group(Text("What the history model found", style=HEADING), grid)


def _pools(c: Calibration) -> Table:
    table = terminal.section(
        "Pools of the model",
        "Pool",
        terminal.right("Tasks"),
        terminal.right("Size β"),
        "Typical hours by estimate",
    )
    for p in c.model.pools:
        table.add_row(
            words.pool_label(p), f"{p.records:,}", words.pool_beta(p), words.pool_examples(p)
        )
    return table


def _groups(title: str, name: str, groups: tuple[RatioSummary, ...]) -> Table:
    table = terminal.section(
        title,
        name,
        terminal.right("Tasks"),
        terminal.right("Median"),
        terminal.right("P85"),
        terminal.right("P95"),
        "Forecasts",
    )
    for g in groups:
        table.add_row(
            g.name,
            f"{g.records:,}",
            words.times(g.median),
            words.times(g.p85),
            words.times(g.p95),
            words.pool(g),
        )
    return table


def _trend(c: Calibration) -> RenderableType:
    largest = max(p.median for p in c.trend)
    table = terminal.section(
        "Over time",
        "Period",
        terminal.right("Tasks"),
        terminal.right("Median"),
        terminal.right("P85"),
        "",
    )
    for p in c.trend:
        table.add_row(
            p.label,
            f"{p.records:,}",
            words.times(p.median),
            words.times(p.p85),
            words.bar(p.median, largest),
        )
    if (trend := words.trend_line(c)) is not None:
        return Group(table, Text(trend))
    return table


def _chart(c: Calibration) -> Table:
    largest = max(b.share for b in c.chart)
    table = terminal.section(
        "How long tasks took against their estimate",
        Column("Actual ÷ estimate", no_wrap=True),
        Column("", no_wrap=True),
        Column("Tasks", justify="right", no_wrap=True),
        Column("Share", justify="right", no_wrap=True),
    )
    for b in c.chart:
        table.add_row(
            words.bin_label(b),
            words.bar(b.share, largest),
            f"{b.records:,}",
            words.percent(b.share),
        )
    return table
