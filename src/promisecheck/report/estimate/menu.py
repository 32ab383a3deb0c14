"""The compromise menu in words: notes, option sentences, table cells, what was left out
and why, how far each lever gets, the price. The menu itself only holds numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from promisecheck.assess.analysis import Assessment, Compromise, LeverReach, Menu, NotOffered
from promisecheck.compromises.revision import Revision
from promisecheck.report._kit import notices
from promisecheck.report._kit.words import (
    count,
    day,
    is_loss,
    money,
    percent,
    precise_percent,
    target,
)

GROUP_WORDS = {
    "keeps-quote": "Keeps the quote as it stands (cheapest first):",
    "needs-client": "Needs the client (smallest change first):",
}
GROUP_CELL = {"keeps-quote": "keeps quote", "needs-client": "needs client"}
COUNT = {1: "a", 2: "two", 3: "three"}


def _names(names: Sequence[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _unit(currency: str | None) -> str:
    return f" {currency}" if currency else ""


def note(menu: Menu) -> str:
    """One sentence: what the menu says, or why it is empty."""
    goal = target(menu.target_confidence)
    if menu.breaks and menu.status == "slack":
        broken = (
            f"On track at {percent(menu.on_time_probability)}, but it breaks {_names(menu.breaks)}"
        )
        if not menu.options:
            return (
                f"{broken}, and no change of date or start keeps {goal} without breaking someone."
            )
        return f"{broken}; what keeps {goal} and breaks no one:"
    if menu.judges_commitments and menu.status == "none":
        return (
            f"No single lever reaches {goal} within this deal's limits without breaking a "
            "signed commitment."
        )
    match menu.status:
        case "not-needed":
            return (
                f"On track at {percent(menu.on_time_probability)} (target {goal}): "
                "no compromise needed."
            )
        case "infeasible":
            return "No compromise can help until the reasons above are fixed."
        case "slack" if not menu.options:
            return (
                f"Already on track at {percent(menu.on_time_probability)}, with no slack: "
                f"{goal} needs the promised date and the planned start."
            )
        case "slack":
            return f"Already on track at {percent(menu.on_time_probability)}; the slack:"
        case "none":
            return f"No single lever reaches {goal} within this deal's limits."
        case "options":
            n = len(menu.options)
            return (
                f"{goal} needs this change."
                if n == 1
                else f"{goal} needs one of these {n} changes."
            )


def _people(count: int, skill: str | None) -> str:
    who = "a new" if count == 1 else f"{COUNT.get(count, str(count))} new"
    return f"{who} {skill} {'person' if count == 1 else 'people'}"


def short(option: Compromise) -> str:
    """The change in a few words, for the table and the not-offered lines."""
    match option.kind:
        case "move-date":
            assert option.deadline is not None
            return f"move the date to {day(option.deadline)}"
        case "cut-scope":
            return f"defer {_names(option.deferred)}"
        case "add-hours":
            return f"add {option.extra_hours_per_week or 0:.0f} {option.skill} hours a week"
        case "add-member":
            return f"bring in {_people(option.new_members, option.skill)}"
        case "start-earlier":
            assert option.start is not None
            shift = count(option.working_days or 0, "working day")
            return f"start {shift} earlier, by {day(option.start)}"
        case "start-later":
            assert option.start is not None
            return f"start as late as {day(option.start)}"
        case "combination":
            assert option.deadline is not None
            return f"defer {_names(option.deferred)} and move the date to {day(option.deadline)}"


def _days(number: int) -> str:
    return count(number, "day")


def label(option: Compromise) -> str:
    """The change in two or three words, for the table's first column."""
    moved = option.working_days or 0
    match option.kind:
        case "move-date":
            return f"date {_days(abs(moved))} {'later' if moved > 0 else 'earlier'}"
        case "cut-scope":
            n = len(option.deferred)
            return f"defer {option.deferred[0]}" if n == 1 else f"defer {n} items"
        case "add-hours":
            return f"+{option.extra_hours_per_week or 0:.0f} h/week {option.skill}"
        case "add-member":
            return f"hire {option.new_members} {option.skill}"
        case "start-earlier":
            return f"start {_days(moved)} earlier"
        case "start-later":
            return f"start {_days(-moved)} later"
        case "combination":
            return f"defer {len(option.deferred)}, date +{_days(moved)}"


def summary(option: Compromise, menu: Menu) -> str:
    """One sentence a salesperson can say to the client, sized in hours or days."""
    match option.kind:
        case "move-date":
            assert option.deadline is not None
            later = option.working_days or 0
            if later > 0:
                return (
                    f"Move the date to {day(option.deadline)}, {count(later, 'working day')} later "
                    "than promised."
                )
            return (
                f"The date has slack: {target(menu.target_confidence)} is reached by "
                f"{day(option.deadline)}, {count(-later, 'working day')} before the deadline."
            )
        case "cut-scope":
            value = (
                f", value {option.deferred_value:g}" if option.deferred_value is not None else ""
            )
            return (
                f"Defer {_names(option.deferred)} (about {option.deferred_hours:.0f} h of "
                f"work{value}) to a later phase; the date stays."
            )
        case "add-hours":
            how = (
                "; this needs overtime (allowed by the team)"
                if option.overtime
                else ", within their allocation"
            )
            return (
                f"Add {option.extra_hours_per_week or 0:.0f} {option.skill} hours a week from "
                f"{_names(option.people)} (about {option.extra_hours or 0:.0f} h up to the "
                f"deadline){how}."
            )
        case "add-member":
            assert option.new_member_joins is not None
            return (
                f"Bring in {_people(option.new_members, option.skill)} from "
                f"{day(option.new_member_joins)} (about {option.extra_hours or 0:.0f} h of "
                "capacity up to the deadline, ramping up first)."
            )
        case "start-earlier":
            assert option.start is not None
            return (
                f"Start {count(option.working_days or 0, 'working day')} earlier: production must "
                f"start by "
                f"{day(option.start)}."
            )
        case "start-later":
            assert option.start is not None
            return (
                f"Production could start as late as {day(option.start)}, "
                f"{count(-(option.working_days or 0), 'working day')} after the planned start, and "
                "still "
                f"keep {target(menu.target_confidence)}."
            )
        case "combination":
            assert option.deadline is not None
            moved = count(option.working_days or 0, "working day")
            return (
                f"Defer {_names(option.deferred)} (about {option.deferred_hours:.0f} h) and move "
                f"the date to {day(option.deadline)}, {moved} later."
            )


def option_line(option: Compromise, menu: Menu, currency: str | None) -> str:
    """What one compromise means and what it gives, in one line."""
    text = f"{summary(option, menu)} → {percent(option.on_time_probability)} on time"
    if option.added_cost is not None and round(option.added_cost) > 0:
        text += f"; costs {money(option.added_cost)}{_unit(currency)} more"
    elif option.added_cost is not None and round(option.added_cost) < 0:
        text += f"; costs {money(-option.added_cost)}{_unit(currency)} less"
    if option.margin is not None:
        loss = " (loss)" if is_loss(option.margin) else ""
        text += f"; margin {money(option.margin)}{_unit(currency)}{loss}"
    return text


@dataclass(frozen=True)
class Row:
    """One option as table cells."""

    number: str
    option: str
    group: str
    on_time: str
    finish_p85: str
    deferred: str
    added_cost: str
    margin: str
    people: str


HEADER = (
    "#",
    "Option",
    "Group",
    "On time",
    "P85 finish",
    "Deferred",
    "Added cost",
    "Margin",
    "Peak",
)


def rows(menu: Menu) -> list[Row]:
    """The options as table cells, in menu order."""
    out = []
    for n, o in enumerate(menu.options, start=1):
        deferred = "–"
        if o.deferred:
            value = f" / {o.deferred_value:g}" if o.deferred_value is not None else ""
            deferred = f"{o.deferred_hours:.0f} h{value}"
        people = "–" if o.peak_weekly_load is None else percent(o.peak_weekly_load)
        if o.overtime:
            people += ", overtime"
        out.append(
            Row(
                number=f"{n}.",
                option=label(o),
                group=GROUP_CELL[o.group],
                on_time=percent(o.on_time_probability),
                finish_p85="beyond horizon" if o.finish_p85 is None else _short_day(o.finish_p85),
                deferred=deferred,
                added_cost="–" if o.added_cost is None else money(o.added_cost),
                margin="–" if o.margin is None else money(o.margin),
                people=people,
            )
        )
    return out


def _short_day(value: dt.date) -> str:
    """`25 Mar 2027`: a table column of dates needs no weekday."""
    return f"{value.day} {value:%b %Y}"


def grouped(menu: Menu, currency: str | None) -> list[tuple[str, list[tuple[int, str]]]]:
    """The option sentences under their group's heading, numbered in menu order."""
    groups: list[tuple[str, list[tuple[int, str]]]] = []
    for n, o in enumerate(menu.options, start=1):
        heading = GROUP_WORDS[o.group]
        if not groups or groups[-1][0] != heading:
            groups.append((heading, []))
        groups[-1][1].append((n, option_line(o, menu, currency)))
    return groups


def not_offered(item: NotOffered, menu: Menu, currency: str | None) -> str:
    """`add 25 design hours a week — needs overtime, which the team does not allow`."""
    what = short(item.option) if item.option is not None else _lever_name(item)
    match item.reason:
        case "date-fixed":
            why = "the date is fixed"
        case "scope-fixed":
            why = "the scope is fixed"
        case "needs-overtime":
            why = "needs overtime, which the team does not allow"
        case "below-margin":
            share = item.margin_share or 0.0
            if not item.floor:
                margin = item.option.margin if item.option and item.option.margin else 0.0
                why = f"makes a loss of {money(-margin)}{_unit(currency)}"
            else:
                why = f"leaves {share * 100:.0f} % margin, below the {item.floor * 100:g} % floor"
        case "before-as-of":
            when = item.as_of or menu.as_of
            why = f"it would have to happen before {day(when)}" if when else "too early"
        case "breaks-commitment":
            broken = item.option.breaks if item.option is not None else ()
            whom = "a signed commitment" if len(broken) == 1 else "signed commitments"
            why = f"it breaks {_names(broken)} ({whom} that holds without this deal)"
    return f"{what[0].upper()}{what[1:]} — {why}."


def _lever_name(item: NotOffered) -> str:
    return {
        "move-date": "move the date",
        "cut-scope": "defer scope",
        "add-hours": "add hours",
        "add-member": "add people",
        "start-earlier": "start earlier",
        "start-later": "start later",
        "combination": "defer scope and move the date",
    }[item.kind]


def lever(reach: LeverReach, menu: Menu) -> str | None:
    """A word for a lever that cannot reach the target alone; None when it can."""
    if reach.reaches_target:
        return None
    best = ("at most " if reach.at_most else "only ") + percent(reach.best_probability)
    match reach.kind:
        case "cut-scope":
            which = " and ".join(reach.priorities) or "optional"
            return f"Deferring every {which} item reaches {best}."
        case "add-member":
            return f"Even {_people(reach.new_members, reach.skill)} reach {best}."
        case "add-hours":
            how = (
                "full allocation and the allowed overtime" if reach.overtime else "full allocation"
            )
            return f"Even {how} for everyone with {reach.skill} reaches {best}."
        case "start-earlier":
            earliest = f"as early as {day(menu.as_of)}" if menu.as_of else "earlier"
            return f"Starting {earliest} reaches {best}."
        case _:
            return None


def price(menu: Menu, currency: str | None) -> str | None:
    """The price that meets the margin floor, when the quoted one does not."""
    advice = menu.price
    if advice is None or not advice.below_floor:
        return None
    unit = _unit(currency)
    if advice.min_margin <= 0:
        return (
            "At the median cost the quote loses money: break-even at "
            f"{money(advice.break_even)}{unit}."
        )
    floor = f"{advice.min_margin * 100:g} %"
    return (
        f"Below the {floor} margin floor: break-even at {money(advice.break_even)}{unit}; "
        f"{floor} margin at {money(advice.for_min_margin)}{unit}."
    )


def per_week_later(menu: Menu) -> str | None:
    drop = menu.probability_per_week_later
    if drop is None or drop <= 0:
        return None
    return f"Each week of delayed start costs about {drop * 100:.0f} points of on-time probability."


def passed(a: Assessment) -> list[str]:
    """Warnings for a start or deadline before the as-of day."""
    menu = a.compromises
    as_of = menu.as_of if menu is not None else a.as_of
    if as_of is None:
        return []
    out = []
    if a.deadline < as_of:
        out.append(
            f"the deadline, {day(a.deadline)}, has passed (as of {day(as_of)}): "
            "this promise can no longer be kept as written"
        )
    elif a.start < as_of:
        out.append(
            f"the planned start, {day(a.start)}, has passed (as of {day(as_of)}): "
            "options are judged from then; the schedule still starts on the planned day"
        )
    return out


def warnings(a: Assessment) -> tuple[str, ...]:
    """The report's warnings: the assessment's, then any passed dates."""
    return (*passed(a), *notices.notices(a.warnings))


def applied(number: int, option: Compromise, menu: Menu, revision: Revision) -> str:
    """What `--apply` wrote, the option in a sentence, its odds, and any scenario it had
    to adjust."""
    text = (
        f"wrote {', '.join(str(p) for p in revision.files)}: option {number}, "
        f"{summary(option, menu)} On time: {precise_percent(option.on_time_probability)}."
    )
    if revision.adjusted_scenarios:
        names = _names([f"[scenarios.{n}]" for n in revision.adjusted_scenarios])
        text += f" {names} no longer defer{'s' if len(revision.adjusted_scenarios) == 1 else ''}"
        text += " or re-estimate the items this option defers."
    return text


def shared_team(number: int, team: Path) -> str:
    """Why --apply with --portfolio refuses an option that changes the team: the
    portfolio's team wins over the deal's, so only its file can carry the change."""
    return (
        f"--apply {number}: this option changes the team, and the portfolio's shared team "
        f"wins over the deal's: a team copy beside the deal would not change the portfolio; "
        f"make the change in {team} and estimate again"
    )
