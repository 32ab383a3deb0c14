"""The check report on a terminal: one row per proposal, worst first, problems below."""

from __future__ import annotations

from rich import box
from rich.console import RenderableType
from rich.table import Column, Table
from rich.text import Text

from promisecheck.commands.check import CheckReport, Status
from promisecheck.report._kit import problems, terminal
from promisecheck.report.check import view as check_words

STYLES: dict[Status, str] = {
    "invalid": "bold red",
    "fail": "bold red",
    "warn": "bold yellow",
    "pass": "green",
    "removed": "dim",
}
HEADING = "bold"


def render(r: CheckReport, *, color: bool = False, width: int = 120) -> str:
    console, buffer = terminal.console(color=color, width=width)
    console.print(Text(f"promisecheck check: {check_words.summary(r)}", style=HEADING))
    console.print(check_words.settings(r))
    if (counts := check_words.portfolio_summary(r)) is not None:
        console.print(counts.replace("`", ""))
    console.print()
    columns: list[str | Column] = [
        "Status",
        Column("Proposal", no_wrap=True),
        Column("On time", justify="right"),
        Column("Deadline", no_wrap=True),
    ]
    if r.base is not None:
        columns.append(f"vs {r.base}")
    columns.append(Column("Why", ratio=1))
    table = Table(
        *columns, box=box.SIMPLE_HEAD, header_style=HEADING, show_edge=False, pad_edge=False
    )
    for p in r.proposals:
        row: list[RenderableType] = [
            Text(check_words.STATUS_WORDS[p.status], style=STYLES[p.status]),
            p.path + (f"\n{p.assessment.project}" if p.assessment is not None else ""),
            check_words.on_time(p),
            check_words.deadline(p),
        ]
        if r.base is not None:
            row.append(check_words.against_base(p, r.base))
        row.append(check_words.reason(p, r))
        table.add_row(*row)
    console.print(table)
    invalid = [problem for p in r.proposals if p.status == "invalid" for problem in p.problems]
    if invalid:
        console.print()
        for problem in invalid:
            console.print(Text.assemble(("error:", "red"), " ", problems.worded(problem)))
    return terminal.text(buffer)
