"""The calibrate report as one HTML page: the bias in one sentence, the groups, the pictures."""

from __future__ import annotations

from promisecheck.commands.calibrate import Calibration, RatioSummary
from promisecheck.report._kit import notices
from promisecheck.report.calibrate import view as cwords
from promisecheck.report.html import page
from promisecheck.report.html.charts import (
    WIDTH,
    Chart,
    Mark,
    Scale,
    Table,
    dot,
    label,
    line,
    path,
    rect,
    table,
)

LEFT, RIGHT = 64, WIDTH - 24


def render(c: Calibration) -> str:
    """The whole calibrate report as a self-contained HTML document."""
    charts = [ratio_chart(c)] if c.chart else []
    if c.trend:
        charts.append(trend_chart(c))
    return page(
        "calibrate.html.j2",
        title=f"How this team estimates: {c.source}",
        c=c,
        warning_words=notices.notices(c.warnings),
        headline=cwords.headline(c),
        summary=[
            ("Tasks", f"{c.records:,} from {c.source}"),
            ("Ratio", cwords.summary_line(c)),
            ("Over estimate", f"{cwords.percent(c.over_share)} of tasks"),
            (
                "Hours",
                f"{cwords.hours(c.estimate_hours)} estimated, "
                f"{cwords.hours(c.actual_hours)} actual",
            ),
        ],
        findings=[
            (name, sentence[:1].upper() + sentence[1:])
            for name, sentence in cwords.findings(c.model)
        ],
        pools=pools(c),
        groups=[
            (title, groups(name, found))
            for title, name, found in (
                ("By skill", "Skill", c.by_skill),
                ("By person", "Person", c.by_person),
            )
            if found
        ],
        trend_sentence=cwords.trend_line(c),
        charts=charts,
    )


def pools(c: Calibration) -> Table:
    """The history model's pools: whose records, how many, the size effect at the examples."""
    rows = [
        (cwords.pool_label(p), f"{p.records:,}", cwords.pool_beta(p), cwords.pool_examples(p))
        for p in c.model.pools
    ]
    header = ["Pool", "Tasks", "Size β", "Typical hours by estimate"]
    return table(header, rows, [False, True, True, False])


def groups(name: str, found: tuple[RatioSummary, ...]) -> Table:
    rows = [
        (
            g.name,
            f"{g.records:,}",
            cwords.times(g.median),
            cwords.times(g.p85),
            cwords.times(g.p95),
            cwords.pool(g),
        )
        for g in found
    ]
    header = [name, "Tasks", "Median", "P85", "P95", "Forecasts"]
    return table(header, rows, [False, True, True, True, True, False])


def ratio_chart(c: Calibration) -> Chart:
    """How long tasks took against their estimate: one bar per band of the ratio."""
    height, top, bottom = 230, 20, 190
    largest = max(b.share for b in c.chart) or 1.0
    y = Scale(0.0, largest, bottom, top + 12)
    slot = (RIGHT - LEFT) / len(c.chart)
    marks: list[Mark] = [line(LEFT, bottom, RIGHT, bottom, "axis")]
    for n, b in enumerate(c.chart):
        left = LEFT + n * slot
        over = b.low is not None and b.low >= 1.0
        tip = f"{cwords.bin_label(b)}: {b.records:,} tasks ({cwords.percent(b.share)})"
        marks.append(
            rect(left + 2, y(b.share), slot - 4, bottom - y(b.share), "late" if over else "ok", tip)
        )
        marks.append(
            label(left + slot / 2, y(b.share) - 4, cwords.percent(b.share), "value", "middle")
        )
        marks.append(label(left + slot / 2, bottom + 14, cwords.bin_label(b), "tick", "middle"))
    marks.append(label((LEFT + RIGHT) / 2, bottom + 32, "actual ÷ estimate", "tick", "middle"))
    rows = [(cwords.bin_label(b), f"{b.records:,}", cwords.percent(b.share)) for b in c.chart]
    return Chart(
        id="ratios",
        title="How long tasks took against their estimate",
        desc=(
            f"The share of the {c.records:,} tasks in each band of actual ÷ estimate; "
            f"{cwords.percent(c.over_share)} took longer than estimated."
        ),
        width=WIDTH,
        height=height + 12,
        marks=tuple(marks),
        table=table(["Actual ÷ estimate", "Tasks", "Share"], rows, [False, True, True]),
        legend=(("ok", "near or under the estimate"), ("late", "over it")),
    )


def trend_chart(c: Calibration) -> Chart:
    """The median and P85 ratio per period, so a team sees whether it is getting better."""
    height, top, bottom = 220, 18, 188
    highest = max(max(p.p85 for p in c.trend), 1.0) * 1.1
    y = Scale(0.0, highest, bottom, top)
    count = len(c.trend)
    slot = (RIGHT - LEFT) / count
    x = [LEFT + (n + 0.5) * slot for n in range(count)]
    marks: list[Mark] = [line(LEFT, bottom, RIGHT, bottom, "axis")]
    for tick in (0.5, 1.0, 1.5, 2.0, 3.0, 4.0):
        if tick <= highest:
            marks.append(line(LEFT, y(tick), RIGHT, y(tick), "guide" if tick == 1.0 else "grid"))
            marks.append(label(LEFT - 6, y(tick) + 4, cwords.times(tick), "tick", "end"))
    marks.append(path([(x[n], y(p.median)) for n, p in enumerate(c.trend)], "series s0"))
    marks.append(path([(x[n], y(p.p85)) for n, p in enumerate(c.trend)], "series s1"))
    step = max(1, -(-count // 12))
    for n, p in enumerate(c.trend):
        marks.append(dot(x[n], y(p.median), "pct", f"{p.label}: median {cwords.times(p.median)}"))
        if n % step == 0:
            marks.append(label(x[n], bottom + 14, p.label, "tick", "middle"))
    rows = [
        (p.label, f"{p.records:,}", cwords.times(p.median), cwords.times(p.p85)) for p in c.trend
    ]
    return Chart(
        id="trend",
        title="Over time",
        desc=(
            f"The median and P85 of actual ÷ estimate in each of {count} periods, "
            f"from {c.trend[0].label} to {c.trend[-1].label}; the dashed line is 1.0×."
        ),
        width=WIDTH,
        height=height,
        marks=tuple(marks),
        table=table(["Period", "Tasks", "Median", "P85"], rows, [False, True, True, True]),
        legend=(("s0", "median"), ("s1", "P85")),
    )
