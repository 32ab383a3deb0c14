"""The estimate report as one HTML page: the terminal report's words, then its pictures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from promisecheck.assess.analysis import Assessment, Headline, ItemRisk
from promisecheck.report._kit import notices, words
from promisecheck.report.estimate import evidence
from promisecheck.report.estimate import menu as menu_words
from promisecheck.report.html import page
from promisecheck.report.html.charts import (
    WIDTH,
    Chart,
    Mark,
    Scale,
    Table,
    beside,
    clipped,
    date_axis,
    day_number,
    dot,
    end_of,
    label,
    line,
    path,
    percent_axis,
    rect,
    short_day,
    table,
)

LEFT, RIGHT = 64, WIDTH - 24  # the S-curve and the histogram share this date axis
CRITICAL = 0.5  # on the chain that sets the finish in at least half of the trials
OVERLOAD = 0.9  # the weekly load the overload warning speaks of
GANTT_ALL_ITEMS = 40  # up to this many items the Gantt shows them all; else the risky ones
PERCENTILE_MARKS = ("p50", "p85", "p95")


def render(a: Assessment) -> str:
    """The whole estimate report as a self-contained HTML document."""
    return page("estimate.html.j2", title=a.project, **context(a))


def context(a: Assessment) -> dict[str, object]:
    """Everything the template shows, already in words; charts as geometry."""
    shown = words.show_estimates(a)
    charts: list[Chart] = []
    if shown and a.histogram:
        charts += [s_curve(a), histogram(a)]
    if shown and a.items:
        charts.append(gantt(a))
    if shown and any(m.weekly for m in a.members):
        charts.append(heat_map(a))
    return {
        "a": a,
        "warning_words": notices.notices(a.warnings),
        "verdict": words.verdict_word(a),
        "headline": words.headline(a),
        "summary": summary(a),
        "menu": menu(a),
        **menu_text(a),
        "percentiles": percentiles(a) if shown else None,
        "price_line": price_line(a),
        "percentiles_title": words.percentiles_title(a),
        "history_line": evidence.history_line(a.history) if a.history is not None else None,
        "pools": evidence.pools(a.history) if a.history is not None else [],
        "pool_note": evidence.pool_note(a.history) if a.history is not None else "",
        "risks": tornado(a) if a.risks else None,
        "risk_note": evidence.RISK_NOTE,
        "skills": skills(a),
        "sets_the_date": words.what_sets_the_date(a),
        "on_chain_note": words.ON_CHAIN_NOTE,
        "members": members(a) if shown else None,
        "weekly_title": f"Weekly load from {words.day(a.start)}",
        "charts": charts,
        "chart_note": words.chart_note(a),
    }


def summary(a: Assessment) -> list[tuple[str, str]]:
    """The label grid under the headline, as in the terminal report."""
    rows = [("Verdict", f"{words.verdict_word(a)}: {words.verdict_meaning(a)}")]
    if a.verdict != "infeasible":
        rows.append(("On time", f"{words.with_error(a)} by {words.day(a.deadline)}"))
        rows.append(("Must items", f"{words.precise_percent(a.must_on_time_probability)} on time"))
    rows.append(("Simulated", words.simulated(a)))
    if a.client:
        rows.append(("Client", a.client))
    return rows


def menu(a: Assessment) -> Table | None:
    """The compromise menu as one table: each change, its group, odds, dates, costs, load."""
    if a.compromises is None:
        return None
    header = list(menu_words.HEADER)
    header[6] = words.unit(header[6], a.currency)
    header[7] = words.unit(header[7], a.currency)
    rows = [tuple(row.__dict__.values()) for row in menu_words.rows(a.compromises)]
    return table(header, rows, [k in (0, 3, 6, 7, 8) for k in range(len(header))])


def menu_text(a: Assessment) -> dict[str, object]:
    """The menu's sentences: its note, the options by group, what was left out, the rest."""
    m = a.compromises
    if m is None:
        return {"menu_note": "", "menu_groups": [], "not_offered": [], "menu_notes": []}
    notes = [menu_words.lever(r, m) for r in m.levers]
    notes += [menu_words.price(m, a.currency), menu_words.per_week_later(m)]
    return {
        "menu_note": menu_words.note(m),
        "menu_groups": menu_words.grouped(m, a.currency),
        "not_offered": [menu_words.not_offered(n, m, a.currency) for n in m.not_offered],
        "menu_notes": [line for line in notes if line],
    }


def percentiles(a: Assessment) -> Table:
    header = list(words.percentile_header(a))
    rows = [list(r.cells) for r in words.percentile_rows(a)]
    return table(header, rows, [False, False] + [True] * (len(header) - 2))


def price_line(a: Assessment) -> str | None:
    if a.cost is None or a.price is None:
        return None
    currency = f" {a.currency}" if a.currency else ""
    return f"Price {words.money(a.price)}{currency}; margin is price minus cost."


def skills(a: Assessment) -> Table:
    rows = [
        (
            s.skill,
            words.hours(s.demand_hours),
            words.hours(s.capacity_hours),
            words.load(s.load),
            "◀ bottleneck" if s.bottleneck else "",
            ", ".join(s.members) or "nobody",
        )
        for s in a.skills
    ]
    header = ["Skill", "Demand (h)", "Capacity (h)", "Load", "", "Members"]
    return table(header, rows, [False, True, True, True, False, False])


def members(a: Assessment) -> Table:
    rows = [
        (
            m.name,
            words.hours(m.work_hours),
            words.hours(m.capacity_hours),
            words.load(m.utilisation),
            words.percent(m.chain_share),
        )
        for m in a.members
    ]
    header = ["Member", "Item work (h)", "Available (h)", "Utilisation", "On chain"]
    return table(header, rows, [False, True, True, True, True])


def curve_points(a: Assessment | Headline, *, until: int | None = None) -> list[tuple[int, float]]:
    """(moment on the date axis, share of trials finished by then): the S-curve as steps.

    A trial is finished "by day D" at the end of D, so the curve rises at the end of each day
    the assessment's curve lists, from 0 at the start of the first finish day; a run of days
    with the same share is one flat stretch. It goes on at its last height to `until` (the
    end of the axis), past a deadline far away. The corner at the end of the deadline day
    is the on-time probability; the one at a percentile's day is at or above its share.
    """
    if not a.curve:
        return []
    points = [(day_number(a.curve[0].day), 0.0)]
    for point in a.curve:
        height = points[-1][1]
        if point.finished != height:
            at = end_of(point.day)
            points += [(at, height), (at, point.finished)]
    if until is not None and until > points[-1][0]:
        points.append((until, points[-1][1]))
    return points


def date_span(assessments: Sequence[Assessment | Headline]) -> tuple[int, int]:
    """The axis for finish dates: every finish, each deadline, padded by a day each side."""
    low = min(day_number(x.curve[0].day) for x in assessments)
    high = max(end_of(x.curve[-1].day) for x in assessments)
    for x in assessments:
        low = min(low, day_number(x.deadline))
        high = max(high, end_of(x.deadline))
    return low - 1, high + 1


def s_curve(a: Assessment | Headline, *, id: str = "s-curve", height: int = 250) -> Chart:
    """Probability of delivery by date; `id` keeps several on one page apart (check)."""
    top, bottom = 22, height - 28
    low, high = date_span([a])
    x = Scale(low, high, LEFT, RIGHT)
    y = Scale(0.0, 1.0, bottom, top)
    marks: list[Mark] = percent_axis(y, LEFT, RIGHT)
    marks += date_axis(x, dt.date.fromordinal(low), dt.date.fromordinal(high), bottom, top)
    marks.append(path([(x(d), y(s)) for d, s in curve_points(a, until=high)], "curve"))
    marks += _deadline(a, x, top, bottom)
    for key in PERCENTILE_MARKS:
        finish = a.finish.get(key)
        if finish is None:
            continue
        share = int(key[1:]) / 100
        px, py = x(end_of(finish)), y(share)
        marks.append(line(LEFT, py, px, py, "guide"))
        marks.append(dot(px, py, "pct", f"{key.upper()}: {words.day(finish)}"))
        marks.append(label(px + 6, py + 4, f"{key.upper()} {short_day(finish)}", "pct-label"))
    dx, dy = x(end_of(a.deadline)), y(a.on_time_probability)
    marks.append(dot(dx, dy, "deadline-dot", f"{words.percent(a.on_time_probability)} on time"))
    below = a.on_time_probability > 0.85  # near the top the words go under the dot
    on_time = words.percent(a.on_time_probability)
    marks.append(label(dx - 6, dy + (14 if below else -6), on_time, "value", "end"))
    rows = [(key.upper(), words.maybe_day(finish)) for key, finish in a.finish.items()]
    rows.append(("Deadline", f"{words.day(a.deadline)}: {words.with_error(a)} on time"))
    return Chart(
        id=id,
        title="Probability of delivery by date",
        desc=(
            f"The share of the {a.trials:,} trials finished by each date: "
            f"{words.percent(a.on_time_probability)} by the deadline {words.day(a.deadline)}"
            + _percentile_words(a)
            + "."
        ),
        width=WIDTH,
        height=height,
        marks=tuple(marks),
        table=table(["Percentile", "Finished by"], rows, [False, False]),
        legend=(("curve", "finished by then"), ("deadline", "deadline"), ("pct", "percentile")),
    )


def _percentile_words(a: Assessment | Headline) -> str:
    parts = [
        f"{key.upper()} {words.day(finish)}"
        for key in PERCENTILE_MARKS
        if (finish := a.finish.get(key)) is not None
    ]
    return "; " + ", ".join(parts) if parts else ""


def _deadline(a: Assessment | Headline, x: Scale, top: float, bottom: float) -> list[Mark]:
    at = x(end_of(a.deadline))
    text = f"Deadline {words.day(a.deadline)}"
    where, anchor = beside(at, text, 0, WIDTH)
    return [
        line(at, top - 8, at, bottom, "deadline"),
        label(where, top - 10, text, "deadline-label", anchor),
    ]


def histogram(a: Assessment) -> Chart:
    """The terminal chart's bars on the S-curve's date axis: one ends on the deadline."""
    height, top, bottom = 210, 24, 182
    low, high = date_span([a])
    x = Scale(low, high, LEFT, RIGHT)
    tallest = max(b.trials for b in a.histogram)
    y = Scale(0.0, float(tallest), bottom, top + 14)
    marks: list[Mark] = date_axis(
        x, dt.date.fromordinal(low), dt.date.fromordinal(high), bottom, top
    )
    rows = words.chart(a)
    for b, row in zip(a.histogram, rows, strict=False):
        left, right = x(day_number(b.first)), x(end_of(b.last))
        bar_top = y(b.trials)
        if b.trials and bottom - bar_top < 1:
            bar_top = bottom - 1  # a bin with a few trials still shows, as in the terminal
        css = "late" if row.after_deadline else "ok"
        marks.append(
            rect(
                left + 1,
                bar_top,
                right - left - 2,
                bottom - bar_top,
                css,
                f"{row.dates}: {row.share}",
            )
        )
        if right - left - 2 >= 6 * len(row.share) + 2:  # the share only where it fits
            marks.append(label((left + right) / 2, bar_top - 4, row.share, "value", "middle"))
    marks += _deadline(a, x, top, bottom)
    header = ["Finished", "Share", "By then", ""]
    numbers = [(r.dates, r.share, r.cumulative, r.marks) for r in rows]
    return Chart(
        id="histogram",
        title=f"When the {a.trials:,} trials finish",
        desc=(
            f"How many trials finish in each {_bin_words(a)}: bars ending by the deadline are "
            f"on time ({words.percent(a.on_time_probability)}), later ones are late."
        ),
        width=WIDTH,
        height=height,
        marks=tuple(marks),
        table=table(header, numbers, [False, True, True, False]),
        legend=(("ok", "on time"), ("late", "late")),
    )


def _bin_words(a: Assessment) -> str:
    days = max((b.last - b.first).days + 1 for b in a.histogram)
    return "day" if days == 1 else f"{days} days"


def gantt_items(a: Assessment) -> tuple[list[ItemRisk], int]:
    """All items in the order they finish, or for big plans the ones the terminal lists."""
    if len(a.items) <= GANTT_ALL_ITEMS:
        chosen, more = list(a.items), 0
    else:
        chosen, more = words.risky_items(a)
    far = dt.date.max
    return (
        sorted(
            chosen,
            key=lambda i: (i.finish.get("p50") or far, i.finish.get("p85") or far, i.id),
        ),
        more,
    )


def gantt(a: Assessment) -> Chart:
    """Each item's P50–P85 finish as a bar: where uncertainty sits and what decides the date."""
    items, more = gantt_items(a)
    row, top, left = 15, 26, 170
    bottom = top + row * len(items)
    height = bottom + 24
    ends = [d for i in items for d in i.finish.values() if d is not None]
    low = day_number(a.start) - 1
    high = max([end_of(d) for d in ends] + [end_of(a.deadline)]) + 1
    x = Scale(low, high, left, RIGHT)
    marks: list[Mark] = date_axis(
        x, dt.date.fromordinal(low), dt.date.fromordinal(high), bottom, top
    )
    for n, item in enumerate(items):
        y = top + n * row
        p50, p85 = item.finish.get("p50"), item.finish.get("p85")
        start = x(end_of(p50)) if p50 is not None else RIGHT
        end = x(end_of(p85)) if p85 is not None else RIGHT
        critical = item.criticality >= CRITICAL
        css = "crit" if critical else "bar"
        marks.append(label(left - 8, y + 11, clipped(item.id, 24), "item", "end"))
        tip = (
            f"{item.id}: P50 {words.maybe_day(p50)}, P85 {words.maybe_day(p85)}; "
            f"{words.percent(item.on_time_probability)} on time, "
            f"critical in {words.percent(item.criticality)}"
        )
        width = max(end - start, 3.0)
        marks.append(rect(min(start, RIGHT - width), y + 3, width, row - 5, css, tip))
    marks += _deadline(a, x, top, bottom)
    rows = [
        (
            i.id,
            i.title or "",
            i.priority,
            words.maybe_day(i.finish.get("p50")),
            words.maybe_day(i.finish.get("p85")),
            words.percent(i.on_time_probability),
            words.percent(i.criticality),
        )
        for i in items
    ]
    if more:
        rows.append((words.more_items(more), "", "", "", "", "", ""))
    critical_count = sum(1 for i in items if i.criticality >= CRITICAL)
    scope = "Each item" if not more else "Each item that sets the finish date or risks the deadline"
    return Chart(
        id="gantt",
        title="When each item finishes (P50 to P85)",
        desc=(
            f"{scope}, in the order they finish: a bar from its P50 to its P85 finish date; "
            f"{critical_count} marked critical (on the chain that sets the finish in at least "
            f"{words.percent(CRITICAL)} of the trials); the line is the deadline."
        ),
        width=WIDTH,
        height=height,
        marks=tuple(marks),
        table=table(
            ["Item", "Title", "Priority", "P50 finish", "P85 finish", "On time", "Critical"],
            rows,
            [False, False, False, False, False, True, True],
        ),
        legend=(("bar", "P50 to P85 finish"), ("crit", "critical"), ("deadline", "deadline")),
    )


def heat_class(share: float | None) -> str:
    if share is None:
        return "none"
    if share > OVERLOAD:
        return "over"
    return f"heat{min(4, int(share * 5))}"


def heat_map(a: Assessment) -> Chart:
    """Each member's planned load week by week; weeks above 90 % stand out."""
    weeks = max(len(m.weekly) for m in a.members)
    left, top, row = 110, 22, 20
    bottom = top + row * len(a.members)
    cell = (RIGHT - left) / weeks
    marks: list[Mark] = []
    step = max(1, -(-weeks // 10))
    for w in range(0, weeks, step):
        monday = a.start + dt.timedelta(days=7 * w)
        marks.append(label(left + (w + 0.5) * cell, top - 6, short_day(monday), "tick", "middle"))
    over = 0
    for n, m in enumerate(a.members):
        y = top + n * row
        marks.append(label(left - 8, y + 14, clipped(m.name, 16), "item", "end"))
        for w in range(weeks):
            share = m.weekly[w] if w < len(m.weekly) else None
            css = heat_class(share)
            over += css == "over"
            monday = a.start + dt.timedelta(days=7 * w)
            tip = f"{m.name}, week of {words.day(monday)}: {words.load(share)}"
            marks.append(rect(left + w * cell + 1, y + 1, cell - 2, row - 2, css, tip))
            if cell >= 22:
                text = "·" if share is None else f"{share * 100:.0f}"
                marks.append(label(left + (w + 0.5) * cell, y + 14, text, f"cell-{css}", "middle"))
    header = ["Week from", *(m.name for m in a.members)]
    rows = [
        (
            words.day(a.start + dt.timedelta(days=7 * w)),
            *(words.load(m.weekly[w] if w < len(m.weekly) else None) for m in a.members),
        )
        for w in range(weeks)
    ]
    return Chart(
        id="heat-map",
        title="Members' weekly load",
        desc=(
            f"Each member's planned utilisation in each week from {words.day(a.start)}: "
            f"{over} member-week{'s' if over != 1 else ''} above {words.percent(OVERLOAD)}, "
            "marked with a frame."
        ),
        width=WIDTH,
        height=bottom + 8,
        marks=tuple(marks),
        table=table(header, rows, [False] + [True] * len(a.members)),
        legend=(
            ("heat0", "under 20 %"),
            ("heat2", "40–60 %"),
            ("heat4", "80–90 %"),
            ("over", "over 90 %"),
            ("none", "no capacity"),
        ),
    )


def tornado(a: Assessment) -> Chart:
    """Each risk's effect on the on-time probability, largest first, around zero."""
    risks = sorted(
        zip(a.risks, evidence.risk_rows(a), strict=True), key=lambda r: r[0].on_time_change
    )
    left, top, row = 170, 14, 22
    bottom = top + row * len(risks)
    changes = [r.on_time_change for r, _ in risks]
    low, high = min([*changes, 0.0]), max([*changes, 0.0])
    if high - low < 0.01:
        high = low + 0.01
    middle = (left + RIGHT) / 2
    x = Scale(low, high, left + 50, RIGHT - 50)  # room for the value beside the longest bar
    marks: list[Mark] = [line(x(0), top - 6, x(0), bottom, "axis")]
    for n, (risk, words_row) in enumerate(risks):
        y = top + n * row
        at, zero = x(risk.on_time_change), x(0)
        css = "late" if risk.on_time_change < 0 else "ok"
        tip = f"{risk.id}: {words_row.change} on time ({words_row.chance} chance)"
        marks.append(rect(min(at, zero), y + 3, abs(at - zero), row - 6, css, tip))
        marks.append(label(left - 8, y + 15, clipped(risk.id, 24), "item", "end"))
        side = "end" if at < zero else "start"
        marks.append(
            label(at + (-4 if side == "end" else 4), y + 15, words_row.change, "value", side)
        )
    marks.append(label(middle, bottom + 16, "change in on-time probability", "tick", "middle"))
    rows = [(r.id, r.chance, r.happened, r.cost, r.without, r.change) for _, r in risks]
    return Chart(
        id="risks",
        title="Risks",
        desc=(
            "What each risk does to the on-time probability, in percentage points, "
            "largest effect first."
        ),
        width=WIDTH,
        height=bottom + 24,
        marks=tuple(marks),
        table=table(
            ["Risk", "Chance", "Happened", "When it happens", "On time without", "Change"],
            rows,
            [False, True, True, False, True, True],
        ),
    )
