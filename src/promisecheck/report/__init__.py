"""Renderers: one module per output format, each `render(assessment) -> str`, no I/O, no maths."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, assert_never

if TYPE_CHECKING:
    from promisecheck.analysis import Assessment

Format = Literal["table", "json", "markdown"]
FORMATS: tuple[Format, ...] = ("table", "json", "markdown")


def render(assessment: Assessment, format: Format, *, color: bool = False) -> str:
    """The report in one format; `color` only affects the terminal table."""
    match format:
        case "json":
            from promisecheck.report import json

            return json.render(assessment)
        case "markdown":
            from promisecheck.report import markdown

            return markdown.render(assessment)
        case "table":
            from promisecheck.report import table

            return table.render(assessment, color=color)
        case _:
            assert_never(format)
