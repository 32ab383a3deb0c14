"""The compare report on a terminal: one column per version, deltas under each figure."""

from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text

from promisecheck.commands.compare import Comparison, Direction
from promisecheck.report._kit import terminal
from promisecheck.report.compare import view as compare_words

TONES: dict[Direction, str] = {"better": "green", "worse": "red", "same": "dim"}
HEADING = "bold"


def render(c: Comparison, *, color: bool = False, width: int = 120) -> str:
    """The comparison as text; ANSI colour codes only when `color` is true."""
    console, buffer = terminal.console(color=color, width=width)
    console.print(Text(compare_words.title(c), style=HEADING))
    for label, sentence in compare_words.headlines(c):
        console.print(Text.assemble((f"{label}: ", HEADING), sentence))
    console.print()
    table = Table(
        "",
        *(column.label for column in c.columns),
        box=box.SIMPLE_HEAD,
        header_style=HEADING,
        show_edge=False,
        pad_edge=False,
    )
    for row in compare_words.rows(c):
        cells = []
        for cell in row.cells:
            shown = Text(cell.value)
            if cell.delta:
                tone = TONES[cell.tone] if cell.tone is not None else ""
                shown.append("\n" + cell.delta, style=tone)
            cells.append(shown)
        table.add_row(Text(row.label, style=HEADING), *cells)
    console.print(table)
    console.print(compare_words.simulated(c))
    return terminal.text(buffer)
