"""Drawing a report for a terminal or a CI log: one rich console setup, read back as text."""

from __future__ import annotations

import io
from collections.abc import Iterable

from rich import box
from rich.console import Console, RenderableType
from rich.table import Column, Table
from rich.text import Text

HEADING = "bold"


def console(*, color: bool, width: int) -> tuple[Console, io.StringIO]:
    """A console writing to a buffer; ANSI colour only when asked, whatever the environment.

    Names, titles and paths come from the user's files: never read as markup or emoji.
    """
    buffer = io.StringIO()
    drawn = Console(
        file=buffer,
        width=width,
        color_system="standard" if color else None,
        force_terminal=color,
        no_color=not color,
        force_jupyter=False,
        force_interactive=False,
        legacy_windows=False,
        markup=False,
        emoji=False,
        highlight=False,
    )
    return drawn, buffer


def document(
    blocks: Iterable[RenderableType], warnings: Iterable[str], *, color: bool, width: int
) -> str:
    """Blocks separated by blank lines, then one `warning:` line per warning."""
    drawn, buffer = console(color=color, width=width)
    for block in blocks:
        drawn.print(block)
        drawn.print()
    for warning in warnings:
        drawn.print(Text.assemble(("warning:", "yellow"), " ", warning))
    return text(buffer)


def text(buffer: io.StringIO) -> str:
    """What was drawn, without trailing spaces or blank lines, ending in one newline."""
    lines = buffer.getvalue().rstrip("\n").split("\n")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def section(title: str, *columns: str | Column) -> Table:
    """A titled table with a rule under its header only: legible with or without colour."""
    return Table(
        *columns,
        title=title,
        title_justify="left",
        title_style=HEADING,
        box=box.SIMPLE_HEAD,
        header_style=HEADING,
        show_edge=False,
        pad_edge=False,
    )


def right(header: str) -> Column:
    """A column of numbers or dates: right-aligned, and never wrapped (the text columns
    give way instead)."""
    return Column(header, justify="right", no_wrap=True)


def labels() -> Table:
    """A two-column grid of bold labels and their values."""
    grid = Table.grid(padding=(0, 3))
    grid.add_column(style=HEADING)
    grid.add_column()
    return grid
