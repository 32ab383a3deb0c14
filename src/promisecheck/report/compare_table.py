"""The compare report on a terminal: one column per version, deltas under each figure."""

from __future__ import annotations

import io

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from promisecheck.compare import Comparison, Direction
from promisecheck.report import compare_words

TONES: dict[Direction, str] = {"better": "green", "worse": "red", "same": "dim"}
HEADING = "bold"


def render(c: Comparison, *, color: bool = False, width: int = 120) -> str:
    """The comparison as text; ANSI colour codes only when `color` is true."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        color_system="standard" if color else None,
        force_terminal=color,
        no_color=not color,
        force_jupyter=False,
        force_interactive=False,
        legacy_windows=False,
        markup=False,  # labels and names come from the user's files
        emoji=False,
        highlight=False,
    )
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
    text = buffer.getvalue()
    return "\n".join(line.rstrip() for line in text.rstrip("\n").split("\n")) + "\n"
