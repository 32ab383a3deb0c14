"""The compare report as one HTML page: the versions side by side and their S-curves together."""

from __future__ import annotations

import datetime as dt

from promisecheck.commands.compare import Comparison
from promisecheck.report._kit import words
from promisecheck.report.compare import view as compare_words
from promisecheck.report.html import page
from promisecheck.report.html.charts import (
    WIDTH,
    Chart,
    Mark,
    Scale,
    beside,
    date_axis,
    end_of,
    label,
    line,
    path,
    percent_axis,
    table,
)
from promisecheck.report.html.estimate import LEFT, RIGHT, curve_points, date_span

SERIES = 6  # line styles before they repeat (colour and dash pattern differ)


def render(c: Comparison) -> str:
    """The whole comparison as a self-contained HTML document."""
    return page(
        "compare.html.j2",
        title=compare_words.title(c),
        headlines=compare_words.headlines(c),
        labels=[column.label for column in c.columns],
        rows=compare_words.rows(c),
        simulated=compare_words.simulated(c),
        curves=s_curves(c),
    )


def s_curves(c: Comparison) -> Chart | None:
    """Every version's probability of delivery by date on one date axis."""
    drawn = [col for col in c.columns if col.assessment.histogram]
    if not drawn:
        return None
    deadlines: dict[dt.date, list[str]] = {}
    for col in drawn:
        deadlines.setdefault(col.assessment.deadline, []).append(col.label)
    top = 10 + 14 * len(deadlines)  # one line of words per deadline above the plot
    bottom = top + 220
    low, high = date_span([col.assessment for col in drawn])
    x = Scale(low, high, LEFT, RIGHT)
    y = Scale(0.0, 1.0, bottom, top)
    marks: list[Mark] = percent_axis(y, LEFT, RIGHT)
    marks += date_axis(x, dt.date.fromordinal(low), dt.date.fromordinal(high), bottom, top)
    for n, (deadline, labels) in enumerate(sorted(deadlines.items())):
        at = x(end_of(deadline))
        level = 12 + 14 * n
        marks.append(line(at, level + 2, at, bottom, "deadline"))
        text = f"Deadline {words.day(deadline)}"
        if len(deadlines) > 1:  # whose deadline it is; the table below names them all
            text += f" ({labels[0]})" if len(labels) == 1 else f" ({len(labels)} versions)"
        where, anchor = beside(at, text, 0, WIDTH)
        marks.append(label(where, level, text, "deadline-label", anchor))
    legend = []
    for n, col in enumerate(c.columns):
        if not col.assessment.histogram:
            continue
        css = f"s{n % SERIES}"
        points = [(x(d), y(s)) for d, s in curve_points(col.assessment, until=high)]
        marks.append(path(points, f"series {css}"))
        legend.append((css, col.label))
    rows = [
        (
            col.label,
            words.percent(col.assessment.on_time_probability),
            words.day(col.assessment.deadline),
            *(words.maybe_day(col.assessment.finish.get(k)) for k in ("p50", "p85", "p95")),
        )
        for col in drawn
    ]
    desc = "; ".join(
        f"{col.label}: {words.percent(col.assessment.on_time_probability)} by "
        f"{words.day(col.assessment.deadline)}"
        for col in drawn
    )
    return Chart(
        id="s-curves",
        title="Probability of delivery by date, every version",
        desc=f"The share of trials finished by each date, one line per version ({desc}).",
        width=WIDTH,
        height=bottom + 28,
        marks=tuple(marks),
        table=table(
            ["Version", "On time", "Deadline", "P50 finish", "P85 finish", "P95 finish"],
            rows,
            [False, True, False, False, False, False],
        ),
        legend=tuple(legend),
    )
