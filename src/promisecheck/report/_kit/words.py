"""Phrasing shared by the human-readable reports: dates, percentages, the headline, what to list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from promisecheck.assess.analysis import Assessment, Bin, Headline, ItemRisk, Verdict
from promisecheck.engine.calendar import HORIZON_YEARS
from promisecheck.report._kit import notices

BEYOND_HORIZON = f"after the {HORIZON_YEARS}-year horizon"
VERDICT_WORDS: dict[Verdict, str] = {
    "on-track": "ON TRACK",
    "at-risk": "AT RISK",
    "unlikely": "UNLIKELY",
    "infeasible": "INFEASIBLE",
}
TOP_CRITICAL = 8  # items listed for how often they set the finish date
MAX_ITEMS = 15  # the longest risky-items list; the JSON report has them all
BAR_WIDTH = 24
BAR = "█"
SLIVER = "▏"  # a bin with trials too few to earn a whole block still shows
DASH = "\N{EN DASH}"


# Fixed English names: strftime's %a and %b follow the process locale, and a report must not.
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def times(ratio: float) -> str:
    """A ratio as people say it: 1.3×."""
    return f"{ratio:.1f}×"


def day(value: dt.date) -> str:
    """`Fri 26 Mar 2027`, whatever the locale."""
    return (
        f"{WEEKDAY_NAMES[value.weekday()]} {value.day} {MONTH_NAMES[value.month - 1]} {value.year}"
    )


SPARK = " ▁▂▃▄▅▆▇█"


def sparkline(weekly: tuple[float | None, ...]) -> str:
    """One character per week: blank for no work, a full block for 100 % or more, · for
    a week without capacity (time off, not yet joined)."""
    marks = []
    for share in weekly:
        if share is None:
            marks.append("·")
        else:
            marks.append(SPARK[min(len(SPARK) - 1, max(0, round(share * (len(SPARK) - 1))))])
    return "".join(marks)


def maybe_day(value: dt.date | None) -> str:
    """A date, or the words for a trial that ran past the simulated horizon."""
    return BEYOND_HORIZON if value is None else day(value)


def day_range(first: dt.date, last: dt.date) -> str:
    """`Thu 11 Mar - Wed 17 Mar 2027` (an en dash); the year once when both ends share it."""
    if first == last:
        return day(first)
    if first.year == last.year:
        return f"{day(first).rsplit(' ', 1)[0]} {DASH} {day(last)}"
    return f"{day(first)} {DASH} {day(last)}"


# Per number of decimals: below `low` or from `high` on (but not 0 or 1 itself), a share
# would round to 0 % or 100 %, so it is shown as a bound instead.
_ROUNDING_EDGES = {0: (0.005, 0.995, "1", "99"), 1: (0.0005, 0.9995, "0.1", "99.9")}


def _percent(share: float, decimals: int) -> str:
    low, high, floor, ceiling = _ROUNDING_EDGES[decimals]
    if 0 < share < low:
        return f"< {floor} %"
    if high <= share < 1:
        return f"> {ceiling} %"
    return f"{share * 100:.{decimals}f} %"


def percent(share: float) -> str:
    """A whole percentage that never rounds a possibility away: `< 1 %`, `> 99 %`."""
    return _percent(share, 0)


def precise_percent(share: float) -> str:
    """A percentage to one decimal, with the same care at the ends: `< 0.1 %`, `> 99.9 %`."""
    return _percent(share, 1)


def target(share: float) -> str:
    """A target confidence as written in the spec: `85 %`, `87.5 %`."""
    return f"{share * 100:g} %"


def with_error(a: Assessment | Headline) -> str:
    """The on-time probability with one standard error, in points: `41.2 % ± 0.5`."""
    return f"{precise_percent(a.on_time_probability)} ± {a.on_time_standard_error * 100:.1f}"


def whole(value: float) -> str:
    """`12,345`; never `-0`."""
    return f"{round(value):,}"


def hours(value: float) -> str:
    return whole(value)


def money(value: float) -> str:
    return whole(value)


def is_loss(margin: float) -> bool:
    return round(margin) < 0


def margin(value: float) -> str:
    """Price minus cost; a loss says so in words, not only with a minus sign."""
    return f"{money(value)} (loss)" if is_loss(value) else money(value)


def unit(name: str, currency: str | None) -> str:
    """A column heading with its currency: `Cost (EUR)`."""
    return f"{name} ({currency})" if currency else name


def count(number: int, noun: str, plural: str | None = None) -> str:
    """`1 working day`, `4 working days`, `1 person`, `3 people`: the noun agrees."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def verdict_word(a: Assessment) -> str:
    return VERDICT_WORDS[a.verdict]


def verdict_meaning(a: Assessment) -> str:
    """What the verdict word means for this project's target."""
    match a.verdict:
        case "on-track":
            return f"at or above the {target(a.target_confidence)} target"
        case "at-risk":
            return f"below the {target(a.target_confidence)} target"
        case "unlikely" if a.on_time_probability == 0:
            return f"no trial finishes by {day(a.deadline)}: it cannot be done by that date"
        case "unlikely":
            return "less than an even chance"
        case "infeasible":
            return "no trial finishes"


def headline(a: Assessment | Headline) -> str:
    """The verdict as one sentence a salesperson can repeat."""
    if a.verdict == "infeasible":
        return _sentence(
            f"Cannot be delivered: {'; '.join(notices.reasons(a.reasons)) or 'no trial finishes'}"
        )
    odds = f"{percent(a.on_time_probability)} chance of delivering {a.project} by {day(a.deadline)}"
    goal = target(a.target_confidence)
    if a.target_date is None:
        needs = f"{goal} is not reached within the {HORIZON_YEARS}-year horizon"
    elif a.verdict == "on-track":
        needs = f"{goal} is reached by {day(a.target_date)}"
    else:
        needs = f"{goal} needs {day(a.target_date)}"
    lead = "On track: " if a.verdict == "on-track" else ""
    return _sentence(f"{lead}{odds}; {needs}")


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else f"{text}."


def simulated(a: Assessment) -> str:
    """How the odds were obtained, so that two reports can be compared."""
    exact = a.ranged_items == 0 and a.history is None and not a.risks
    estimates = "exact estimates" if exact else f"{a.distribution.upper()} estimates"
    return (
        f"{a.trials:,} trials, seed {a.seed}, {estimates}; "
        f"start {day(a.start)}, deadline {day(a.deadline)}"
    )


def show_estimates(a: Assessment | Headline) -> bool:
    """Dates, effort, cost and items mean nothing when no trial finishes."""
    return a.verdict != "infeasible"


def percentiles_title(a: Assessment) -> str:
    return "Finish, effort and cost" if a.cost is not None else "Finish and effort"


@dataclass(frozen=True, kw_only=True)
class PercentileRow:
    """One row of the finish, effort and cost table; `loss`: its margin is below zero."""

    cells: tuple[str, ...]
    loss: bool


def percentile_header(a: Assessment) -> tuple[str, ...]:
    """The table's headings: cost and margin only when every member has a rate / a price."""
    header = ["Percentile", "Finished by", "Effort (h)"]
    if a.cost is not None:
        header.append(unit("Cost", a.currency))
    if a.margin is not None:
        header.append(unit("Margin", a.currency))
    return tuple(header)


def percentile_rows(a: Assessment) -> tuple[PercentileRow, ...]:
    """P50…P95: finish date, effort, and cost and margin where known; the same in every
    format (each renderer only styles a loss its own way)."""
    rows = []
    for key, finish in a.finish.items():
        cells = [key.upper(), maybe_day(finish), hours(a.effort_hours[key])]
        if a.cost is not None:
            cells.append(money(a.cost[key]))
        loss = False
        if a.margin is not None:
            cells.append(margin(a.margin[key]))
            loss = is_loss(a.margin[key])
        rows.append(PercentileRow(cells=tuple(cells), loss=loss))
    return tuple(rows)


def load(share: float | None) -> str:
    """A load or a utilisation; None when there were no hours to fill."""
    return "no capacity" if share is None else percent(share)


def is_late(item: ItemRisk, a: Assessment) -> bool:
    """The item alone finishes on time less often than the promise needs."""
    return item.on_time_probability < a.target_confidence


def risky_items(a: Assessment) -> tuple[list[ItemRisk], int]:
    """The items most often on the chain that sets the finish, and those likely late.

    Ordered by criticality, then by on-time probability; returns the rows to show and how
    many more there were.
    """
    by_criticality = sorted(
        (item for item in a.items if item.criticality > 0), key=lambda i: -i.criticality
    )
    chosen = {item.id for item in by_criticality[:TOP_CRITICAL]}
    chosen |= {item.id for item in a.items if is_late(item, a)}
    rows = sorted(
        (item for item in a.items if item.id in chosen),
        key=lambda i: (-i.criticality, i.on_time_probability),
    )
    return rows[:MAX_ITEMS], max(0, len(rows) - MAX_ITEMS)


ON_CHAIN_NOTE = (
    "On chain: the share of the critical chain's length (in team working days) spent working "
    "on it or waiting for that member, on average over the trials."
)
TIME_OFF_MENTION = 0.25  # time off on the critical chain in this share of trials is named
PART_TIME_MENTION = 0.5  # a part-timer with items on the chain this often is named
MAX_MENTIONS = 5  # of each kind; the JSON report has them all


def short_range(first: dt.date, last: dt.date) -> str:
    """`12–30 Jul 2027`, `28 Jun – 9 Jul 2027` (en dashes): a period without weekdays."""

    def short(value: dt.date, year: bool = True) -> str:
        text = f"{value.day} {MONTH_NAMES[value.month - 1]}"
        return f"{text} {value.year}" if year else text

    if first == last:
        return short(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}{DASH}{short(last)}"
    if first.year == last.year:
        return f"{short(first, year=False)} {DASH} {short(last)}"
    return f"{short(first)} {DASH} {short(last)}"


def what_sets_the_date(a: Assessment) -> list[str]:
    """Who and what the critical chain waits on, in sentences: the bottleneck member and
    skill, time off that falls on the chain, and part-timers whose items are on it."""
    if not show_estimates(a):
        return []
    lines = []
    who = a.bottleneck_member
    if who is not None:
        skill = who.chain_skill
        named = f"{who.name} ({skill})" if skill and not skill.startswith("(") else who.name
        line = f"{named} is on the critical chain for {percent(who.chain_share)} of its length"
        if percent(who.chain_waiting) != percent(0):
            line += (
                f": working {percent(who.chain_working)}, "
                f"waiting for {who.name} {percent(who.chain_waiting)}"
            )
        lines.append(_sentence(line))
    top = a.bottleneck
    if top is not None and (who is None or top.skill != who.chain_skill):
        lines.append(
            f"By skill, {top.skill} holds most of the chain: {percent(top.chain_share)} of it."
        )
    periods = sorted(
        (
            (-t.trials, k, m.name, t.first, t.last)
            for k, m in enumerate(a.members)
            for t in m.time_off
            if t.trials >= TIME_OFF_MENTION
        ),
    )
    lines += [
        f"{name}'s time off ({short_range(first, last)}) is on the critical chain in "
        f"{percent(-share)} of trials."
        for share, _, name, first, last in periods[:MAX_MENTIONS]
    ]
    part_timers = sorted(
        (m for m in a.members if m.allocation < 1 and m.chain_trials >= PART_TIME_MENTION),
        key=lambda m: -m.chain_trials,
    )
    lines += [
        f"{m.name} works part time ({target(m.allocation)} allocation) and has items on the "
        f"critical chain in {percent(m.chain_trials)} of trials."
        for m in part_timers[:MAX_MENTIONS]
    ]
    return lines


def more_items(count: int) -> str:
    return f"… and {count} more item{'s' if count != 1 else ''}: see --format json"


@dataclass(frozen=True, kw_only=True)
class ChartRow:
    """One line of the finish-date chart, already in words."""

    dates: str
    bar: str
    share: str
    cumulative: str
    marks: str
    after_deadline: bool


def chart(a: Assessment) -> list[ChartRow]:
    """The histogram as rows: a bar per bin, the running total, the deadline and target marked."""
    if not a.histogram:
        return []
    tallest = max([b.trials for b in a.histogram] + [a.beyond_horizon])
    rows = [
        ChartRow(
            dates=day_range(b.first, b.last),
            bar=_bar(b.trials, tallest),
            share=precise_percent(b.trials / a.trials),
            cumulative=precise_percent(b.cumulative),
            marks=", ".join(_marks(a, b)),
            after_deadline=b.first > a.deadline,
        )
        for b in a.histogram
    ]
    if a.beyond_horizon:
        rows.append(
            ChartRow(
                dates=BEYOND_HORIZON,
                bar=_bar(a.beyond_horizon, tallest),
                share=precise_percent(a.beyond_horizon / a.trials),
                cumulative="",
                marks="",
                after_deadline=True,
            )
        )
    return rows


def chart_note(a: Assessment) -> str | None:
    """Where the deadline is when no bar of the chart holds it."""
    if not a.histogram:
        return None
    if a.deadline < a.histogram[0].first:
        return f"Deadline {day(a.deadline)}: earlier than every finish."
    if a.deadline > a.histogram[-1].last:
        return f"Deadline {day(a.deadline)}: later than every finish shown."
    return None


def _bar(trials: int, tallest: int) -> str:
    blocks = round(BAR_WIDTH * trials / tallest) if tallest else 0
    return BAR * blocks if blocks or not trials else SLIVER


def _marks(a: Assessment, b: Bin) -> list[str]:
    marks = []
    if b.first <= a.deadline <= b.last:
        marks.append("◀ deadline")
    if a.target_date is not None and b.first <= a.target_date <= b.last:
        prefix = "" if marks else "◀ "
        marks.append(f"{prefix}{target(a.target_confidence)} reached")
    return marks
