"""The compare report as Markdown, for a pull-request comment or a proposal's notes."""

from __future__ import annotations

from promisecheck.commands.compare import Comparison
from promisecheck.report.compare import view as compare_words
from promisecheck.report.estimate.markdown import prose, table, text


def render(c: Comparison) -> str:
    header = ["", *(f"**{text(column.label)}**" for column in c.columns)]
    rows = [
        [
            f"**{text(row.label)}**",
            *(
                text(cell.value) + (f" ({text(cell.delta)})" if cell.delta else "")
                for cell in row.cells
            ),
        ]
        for row in compare_words.rows(c)
    ]
    sentences = "\n".join(
        f"- **{text(label)}:** {prose(sentence)}" for label, sentence in compare_words.headlines(c)
    )
    parts = [
        f"### {text(compare_words.title(c))}",
        sentences,
        table(header, rows, [False] * len(header)),
        prose(compare_words.simulated(c)),
    ]
    return "\n\n".join(parts) + "\n"
