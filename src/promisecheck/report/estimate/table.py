"""The terminal report: rich tables that read the same in a CI log with no colours."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Column, Table
from rich.text import Text

from promisecheck.assess.analysis import Assessment, ItemRisk, Menu, Verdict
from promisecheck.report._kit import terminal, words
from promisecheck.report.estimate import evidence
from promisecheck.report.estimate import menu as menu_words

VERDICT_STYLES: dict[Verdict, str] = {
    "on-track": "bold green",
    "at-risk": "bold yellow",
    "unlikely": "bold red",
    "infeasible": "bold red",
}
LATE = "red"
HEADING = terminal.HEADING


def render(a: Assessment, *, color: bool = False, width: int = 100) -> str:
    """The whole report as text; ANSI colour codes only when `color` is true."""
    return terminal.document(_blocks(a), menu_words.warnings(a), color=color, width=width)


def _blocks(a: Assessment) -> list[RenderableType]:
    blocks: list[RenderableType] = [Text(words.headline(a), style=HEADING), _summary(a)]
    if a.compromises is not None:
        blocks.append(_compromises(a, a.compromises))
    if words.show_estimates(a):
        blocks.append(_percentiles(a))
        blocks += _evidence(a)
    blocks.append(_skills(a))
    setters = words.what_sets_the_date(a)
    if setters:
        blocks += [Text("What sets the date", style=HEADING), _bullets(setters)]
    if words.show_estimates(a):
        blocks.append(_members(a))
        rows, more = words.risky_items(a)
        if rows:
            blocks.append(_items(a, rows, more))
        blocks.append(_chart(a))
    return blocks


def _evidence(a: Assessment) -> list[RenderableType]:
    """The history behind the efforts and what each risk does to the odds."""
    blocks: list[RenderableType] = []
    if a.history is not None:
        grid = Table.grid(padding=(0, 3))
        grid.add_column(style=HEADING)
        grid.add_column()
        grid.add_row("History", evidence.history_line(a.history))
        for n, line in enumerate(evidence.pools(a.history)):
            grid.add_row("Pools" if n == 0 else "", line)
        blocks.append(Group(Text("Estimates corrected by history", style=HEADING), grid))
        blocks.append(Text(evidence.pool_note(a.history)))
    if a.risks:
        table = terminal.section(
            "Risks",
            "Risk",
            terminal.right("Chance"),
            terminal.right("Happened"),
            "When it happens",
            terminal.right("On time without"),
            terminal.right("Change"),
        )
        for r in evidence.risk_rows(a):
            table.add_row(r.id, r.chance, r.happened, r.cost, r.without, r.change)
        table.caption = evidence.RISK_NOTE
        table.caption_justify = "left"
        blocks.append(table)
    return blocks


def _summary(a: Assessment) -> Table:
    grid = terminal.labels()
    verdict = Text.assemble(
        (words.verdict_word(a), VERDICT_STYLES[a.verdict]), f": {words.verdict_meaning(a)}"
    )
    grid.add_row("Verdict", verdict)
    if a.verdict != "infeasible":
        grid.add_row("On time", f"{words.with_error(a)} by {words.day(a.deadline)}")
        grid.add_row("Must items", f"{words.precise_percent(a.must_on_time_probability)} on time")
    grid.add_row("Simulated", words.simulated(a))
    if a.client:
        grid.add_row("Client", a.client)
    return grid


def _percentiles(a: Assessment) -> RenderableType:
    header = words.percentile_header(a)
    columns: list[str | Column] = [*header[:2], *(terminal.right(h) for h in header[2:])]
    table = terminal.section(words.percentiles_title(a), *columns)
    for row in words.percentile_rows(a):
        *cells, last = row.cells
        shown = Text(last, style=LATE if row.loss else "")
        table.add_row(*cells, shown)
    if a.cost is not None and a.price is not None:
        currency = f" {a.currency}" if a.currency else ""
        table.caption = f"Price {words.money(a.price)}{currency}; margin is price minus cost."
        table.caption_justify = "left"
    return table


def _skills(a: Assessment) -> Table:
    table = terminal.section(
        "Skills up to the deadline",
        "Skill",
        terminal.right("Demand (h)"),
        terminal.right("Capacity (h)"),
        terminal.right("Load"),
        "",
        "Members",
    )
    for s in a.skills:
        mark = Text("◀ bottleneck", style="bold yellow") if s.bottleneck else Text("")
        table.add_row(
            s.skill,
            words.hours(s.demand_hours),
            words.hours(s.capacity_hours),
            words.load(s.load),
            mark,
            ", ".join(s.members) or "nobody",
        )
    return table


def _compromises(a: Assessment, menu: Menu) -> RenderableType:
    """The options as one table, then each in a sentence under its group, then what was
    left out and why, the levers that cannot reach the target alone, and the price."""
    rows: list[RenderableType] = [Text(menu_words.note(menu), style=HEADING)]
    if menu.options:
        # Only the last column wraps: the others are short and read best whole.
        last = len(menu_words.HEADER) - 1
        header = [
            Column(h, justify="right" if k in (0, 3, 6, 7) else "left", no_wrap=k < last)
            for k, h in enumerate(menu_words.HEADER)
        ]
        grid = terminal.section("", *header)
        grid.collapse_padding = True
        for row in menu_words.rows(menu):
            grid.add_row(*row.__dict__.values())
        rows.append(grid)
        for heading, lines in menu_words.grouped(menu, a.currency):
            rows.append(Text(heading))
            rows.append(_numbered(lines))
    rows += _lines(
        "Not offered:", [menu_words.not_offered(n, menu, a.currency) for n in menu.not_offered]
    )
    rows += [Text(line) for line in _menu_notes(menu, a.currency)]
    return Group(*rows)


def _menu_notes(menu: Menu, currency: str | None) -> list[str]:
    levers = [menu_words.lever(r, menu) for r in menu.levers]
    notes = [line for line in levers if line]
    for line in (menu_words.price(menu, currency), menu_words.per_week_later(menu)):
        if line:
            notes.append(line)
    return notes


def _lines(heading: str, lines: list[str]) -> list[RenderableType]:
    if not lines:
        return []
    return [Text(heading), _bullets(lines)]


def _bullets(lines: list[str]) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for line in lines:
        grid.add_row("-", line)
    return grid


def _numbered(lines: list[tuple[int, str]]) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column()
    for number, line in lines:
        grid.add_row(f"{number}.", line)
    return grid


def _members(a: Assessment) -> Table:
    table = terminal.section(
        "Members",
        "Member",
        terminal.right("Item work (h)"),
        terminal.right("Available (h)"),
        terminal.right("Utilisation"),
        terminal.right("On chain"),
        f"Weekly load from {words.day(a.start)}",
    )
    for m in a.members:
        table.add_row(
            m.name,
            words.hours(m.work_hours),
            words.hours(m.capacity_hours),
            words.load(m.utilisation),
            words.percent(m.chain_share),
            words.sparkline(m.weekly),
        )
    table.caption = words.ON_CHAIN_NOTE
    table.caption_justify = "left"
    return table


def _items(a: Assessment, rows: list[ItemRisk], more: int) -> Table:
    table = terminal.section(
        "Items that set the finish date or risk the deadline",
        "Item",
        "Priority",
        "P50 finish",
        "P85 finish",
        terminal.right("On time"),
        terminal.right("Critical"),
    )
    for item in rows:
        late = words.is_late(item, a)
        table.add_row(
            item.id,
            item.priority,
            words.maybe_day(item.finish.get("p50")),
            words.maybe_day(item.finish.get("p85")),
            Text(words.percent(item.on_time_probability), style=LATE if late else ""),
            words.percent(item.criticality),
        )
    if more:
        table.caption = words.more_items(more)
        table.caption_justify = "left"
    return table


def _chart(a: Assessment) -> Table:
    table = terminal.section(
        f"When the {a.trials:,} trials finish",
        Column("Finished", no_wrap=True),
        Column("", no_wrap=True),
        Column("Share", justify="right", no_wrap=True),
        Column("By then", justify="right", no_wrap=True),
        "",
    )
    for row in words.chart(a):
        table.add_row(
            row.dates,
            Text(row.bar, style="red" if row.after_deadline else "green"),
            row.share,
            row.cumulative,
            Text(row.marks, style="bold"),
        )
    table.caption = words.chart_note(a)
    table.caption_justify = "left"
    return table
