"""The portfolio and the deal estimate's portfolio part on a terminal."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from promisecheck.assess.analysis import Assessment
from promisecheck.assess.deal import DealImpact
from promisecheck.commands.portfolio import PortfolioReport
from promisecheck.compromises.portfolio import LeverMenu
from promisecheck.report._kit import notices, terminal
from promisecheck.report.estimate import table as estimate_table
from promisecheck.report.portfolio import view as words

HEADING = terminal.HEADING


def _commitments(r: PortfolioReport) -> Table:
    grid = terminal.section(
        "Commitments",
        terminal.right("#"),
        "Project",
        "Status",
        terminal.right("On time"),
        terminal.right("P50"),
        terminal.right("P85"),
        terminal.right("Deadline"),
        terminal.right("Hold"),
        "Holds",
    )
    for row in words.rows(r.commitments):
        grid.add_row(
            row.rank,
            row.project,
            row.status,
            row.on_time,
            row.p50,
            row.p85,
            row.deadline,
            row.hold,
            Text(row.holds, style="bold red" if row.holds == "NO" else ""),
        )
    return grid


def _shared(r: PortfolioReport) -> Table:
    grid = terminal.section("Shared", "Who or what", "Projects")
    projects = words.names(r)
    for m in r.members:
        if m.shared:
            name, _, rest = words.shared_member(m, projects).partition(": ")
            grid.add_row(name, rest)
    for s in r.skills:
        name, _, rest = words.shared_skill(s, projects).partition(": ")
        grid.add_row(f"skill {name}", rest)
    return grid


def _load(r: PortfolioReport) -> Table:
    grid = terminal.section(
        f"Weekly load from {words.short_day(r.as_of)} (! above 90 %)", "Member", "Load", ""
    )
    for m in r.members:
        grid.add_row(m.name, Text(words.load_line(m)), words.overload_note(m))
    return grid


def render(r: PortfolioReport, *, color: bool = False, width: int = 100) -> str:
    """The portfolio as text; ANSI colour codes only when `color` is true."""
    blocks: list[RenderableType] = [
        Text(words.title(r), style=HEADING),
        Text(words.headline(r)),
        _commitments(r),
        _shared(r),
        _load(r),
    ]
    notes = [n for c in r.commitments if (n := words.held_note(c)) is not None]
    if notes:
        blocks.append(Text("\n".join(notes)))
    blocks.append(Text(words.simulated(r)))
    return terminal.document(blocks, notices.notices(r.warnings), color=color, width=width)


def _changes(impact: DealImpact) -> Table:
    grid = terminal.section(
        "What signing it does",
        "Commitment",
        "Status",
        terminal.right("Before"),
        terminal.right("After"),
        terminal.right("Change"),
        terminal.right("P85 before"),
        terminal.right("P85 after"),
        terminal.right("Hold"),
        "Breaks",
    )
    for c in impact.commitments:
        grid.add_row(
            c.project,
            *words.change_cells(c),
            Text("YES", style="bold red") if c.breaks else "no",
        )
    return grid


def _levers(a: Assessment, menu: LeverMenu) -> Table:
    grid = terminal.section("What would make it fit", terminal.right("#"), "Option")
    for n, lever in enumerate(menu.recommended, start=1):
        grid.add_row(str(n), words.lever_line(lever, menu, a.start))
    for lever in menu.breaking:
        grid.add_row("–", words.lever_line(lever, menu, a.start))
    for lever in menu.tried:
        grid.add_row("×", words.tried_line(lever, menu, a.start))
    if not menu.recommended and not menu.breaking and not menu.tried:
        grid.add_row("", "nothing the portfolio levers try makes it fit")
    return grid


def render_deal(
    a: Assessment,
    impact: DealImpact,
    levers: LeverMenu | None = None,
    *,
    color: bool = False,
    width: int = 100,
) -> str:
    """The deal's sentence and its effect on every commitment, then today's estimate report."""
    blocks: list[RenderableType] = [
        Text(words.deal_sentence(a, impact), style=HEADING),
        _changes(impact),
    ]
    if levers is not None:
        blocks.append(_levers(a, levers))
    head = terminal.document(blocks, (), color=color, width=width)
    return head + "\n" + estimate_table.render(a, color=color, width=width)
