"""The portfolio reports as HTML pages: every commitment's odds, and a deal's effect on them.

`render` is `promisecheck portfolio`; `render_deal` is `estimate --portfolio`: the deal's
sentence and every commitment before and after, then the deal's own estimate page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from promisecheck.assess.analysis import Assessment
from promisecheck.assess.deal import DealImpact
from promisecheck.assess.portfolio import ProjectOdds
from promisecheck.commands.portfolio import DealEstimate, PortfolioReport
from promisecheck.report._kit import notices
from promisecheck.report._kit.words import count, percent, target
from promisecheck.report.html import page
from promisecheck.report.html.charts import (
    WIDTH,
    Chart,
    Mark,
    Scale,
    Table,
    clipped,
    label,
    line,
    rect,
    table,
)
from promisecheck.report.html.estimate import context
from promisecheck.report.portfolio import view as words

NAME_ROOM = 168  # canvas units left of the bars for the project's name
LEFT, RIGHT = NAME_ROOM + 8, WIDTH - 56  # room on the right for the value after a bar
BAR, GAP, GROUP_GAP = 13, 2, 10
TOP = 30  # the percent ticks above the first bar


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: an on-time probability (None: never in the schedule)."""

    css: str
    share: float | None
    tip: str


@dataclass(frozen=True)
class Group:
    """One project's bars, drawn together, with the line it must reach."""

    name: str
    bars: tuple[Bar, ...]
    hold: float


def render(r: PortfolioReport) -> str:
    """The whole portfolio report as a self-contained HTML document."""
    projects = words.names(r)
    shared = [words.shared_member(m, projects) for m in r.members if m.shared]
    shared += [f"skill {words.shared_skill(s, projects)}" for s in r.skills]
    return page(
        "portfolio.html.j2",
        title=words.title(r),
        headline=words.headline(r),
        commitments=commitments(r.commitments),
        chart=odds_chart(r) if any(c.trials for c in r.commitments) else None,
        shared=shared,
        load=load(r),
        load_title=f"Weekly load from {words.short_day(r.as_of)}",
        notes=[n for c in r.commitments if (n := words.held_note(c)) is not None],
        simulated=words.simulated(r),
        warnings=notices.notices(r.warnings),
    )


def render_deal(deal: DealEstimate) -> str:
    """The deal's sentence, every commitment before and after, then its estimate page."""
    a, impact, levers = deal.assessment, deal.impact, deal.levers
    return page(
        "portfolio_deal.html.j2",
        title=a.project,
        deal_line=words.deal_sentence(a, impact),
        breaks_badge=_breaks_badge(impact),
        changes=changes(deal),
        change_chart=change_chart(deal),
        recommended=[words.lever_line(x, levers, a.start) for x in levers.recommended]
        if levers is not None
        else [],
        breaking=[words.lever_line(x, levers, a.start) for x in levers.breaking]
        if levers is not None
        else [],
        tried=[words.tried_line(x, levers, a.start) for x in levers.tried]
        if levers is not None
        else [],
        **context(a),
    )


def _breaks_badge(impact: DealImpact) -> str | None:
    """`BREAKS 1 COMMITMENT` beside the deal's own verdict, which a deal on track for itself
    would otherwise show alone in green."""
    broken = len(impact.breaks_signed)
    return f"BREAKS {count(broken, 'commitment').upper()}" if broken else None


def commitments(odds: Sequence[ProjectOdds]) -> Table:
    """The terminal report's commitment table."""
    header = ["#", "Project", "Status", "On time", "P50", "P85", "Deadline", "Hold", "Holds"]
    rows = [tuple(row.__dict__.values()) for row in words.rows(odds)]
    return table(header, rows, [True, False, False, True, True, True, True, True, False])


def load(r: PortfolioReport) -> Table:
    rows = [(m.name, words.sparkline_text(m), str(m.overloaded_weeks)) for m in r.members]
    return table(["Member", "Load by week", "Weeks above 90 %"], rows, [False, False, True])


def changes(deal: DealEstimate) -> Table:
    """The terminal report's table of changes, one row a commitment."""
    header = ["Commitment", "Status", "Before", "After", "Change (points)", "P85 before"]
    header += ["P85 after", "Hold", "Breaks"]
    rows = [
        (c.project, *words.change_cells(c), "YES" if c.breaks else "no")
        for c in deal.impact.commitments
    ]
    return table(header, rows, [False, False, True, True, True, True, True, True, False])


def odds_bar(css: str, odds: ProjectOdds, when: str) -> Bar:
    share = odds.on_time_probability if odds.trials else None
    shown = percent(odds.on_time_probability) if odds.trials else "never in the schedule"
    return Bar(css, share, f"{odds.project} {when}: {shown} on time")


def held(odds: ProjectOdds) -> str:
    """The bar's colour: green when it reaches its hold, red when not."""
    return "ok" if odds.holds else "late"


def odds_chart(r: PortfolioReport) -> Chart:
    """Every commitment's on-time probability as a bar, its hold marked."""
    groups = [Group(c.project, (odds_bar(held(c), c, "on time"),), c.hold) for c in r.commitments]
    rows = [
        (row.project, row.status, row.on_time, row.hold, row.holds)
        for row in words.rows(r.commitments)
    ]
    desc = "; ".join(
        f"{c.project} {percent(c.on_time_probability) if c.trials else '–'} (hold {target(c.hold)})"
        for c in r.commitments
    )
    marks, height = bars(groups)
    return Chart(
        id="commitments-chart",
        title="On time, every commitment",
        desc=f"Each commitment's probability of being on time in the shared schedule ({desc}).",
        width=WIDTH,
        height=height,
        marks=marks,
        table=table(
            ["Project", "Status", "On time", "Hold", "Holds"],
            rows,
            [False, False, True, True, False],
        ),
        legend=(("ok", "Reaches its hold"), ("late", "Below its hold"), ("hold", "Hold")),
    )


def change_chart(deal: DealEstimate) -> Chart:
    """Every commitment before and after the deal as paired bars; the deal's own bar last."""
    a, impact = deal.assessment, deal.impact
    groups = [
        Group(
            c.project,
            (odds_bar("bar", c.before, "before"), odds_bar(held(c.after), c.after, "after")),
            c.hold,
        )
        for c in impact.commitments
    ]
    groups.append(
        Group(
            f"{a.project} (the deal)",
            (Bar("pct", a.on_time_probability, deal_tip(a)),),
            a.target_confidence,
        )
    )
    rows = [
        (
            c.project,
            percent(c.before.on_time_probability),
            percent(c.after.on_time_probability),
            target(c.hold),
            "YES" if c.breaks else "no",
        )
        for c in impact.commitments
    ]
    rows.append(
        (
            f"{a.project} (the deal)",
            "–",
            percent(a.on_time_probability),
            target(a.target_confidence),
            "–",
        )
    )
    desc = "; ".join(
        f"{c.project} {percent(c.before.on_time_probability)} → "
        f"{percent(c.after.on_time_probability)}"
        for c in impact.commitments
    )
    marks, height = bars(groups)
    return Chart(
        id="before-after",
        title="On time, every commitment before and after the deal",
        desc=(
            f"Each commitment's probability of being on time without and with the deal "
            f"({desc}), and the deal's own ({percent(a.on_time_probability)})."
        ),
        width=WIDTH,
        height=height,
        marks=marks,
        table=table(
            ["Commitment", "Before", "After", "Hold", "Breaks"],
            rows,
            [False, True, True, True, False],
        ),
        legend=(
            ("bar", "Before the deal"),
            ("ok", "After, reaches its hold"),
            ("late", "After, below its hold"),
            ("pct", "The deal"),
            ("hold", "Hold or target"),
        ),
    )


def deal_tip(a: Assessment) -> str:
    goal = target(a.target_confidence)
    return f"{a.project}: {percent(a.on_time_probability)} on time (target {goal})"


def bars(groups: Sequence[Group]) -> tuple[tuple[Mark, ...], int]:
    """Horizontal bars on a 0-100 % axis, one group a project, a hold line across each group."""
    x = Scale(0.0, 1.0, LEFT, RIGHT)
    height = TOP + sum(len(g.bars) * (BAR + GAP) - GAP + GROUP_GAP for g in groups)
    marks: list[Mark] = []
    for share in (0.0, 0.25, 0.5, 0.75, 1.0):
        at = x(share)
        marks.append(line(at, TOP - 6, at, height - GROUP_GAP + 4, "grid"))
        marks.append(label(at, TOP - 10, f"{share * 100:.0f} %", "tick", "middle"))
    y = float(TOP)
    for g in groups:
        size = len(g.bars) * (BAR + GAP) - GAP
        marks.append(label(NAME_ROOM, y + size / 2 + 4, clipped(g.name, 28), "item", "end"))
        for n, b in enumerate(g.bars):
            top = y + n * (BAR + GAP)
            if b.share is None:
                marks.append(label(LEFT + 4, top + BAR - 3, "–", "value"))
                continue
            marks.append(rect(LEFT, top, x(b.share) - LEFT, BAR, b.css, b.tip))
            marks.append(label(x(b.share) + 4, top + BAR - 3, percent(b.share), "value"))
        at = x(g.hold)
        marks.append(line(at, y - 2, at, y + size + 2, "hold"))
        y += size + GROUP_GAP
    return tuple(marks), round(height + 4)
