"""Phrasing of the portfolio reports: the deal's sentence, commitment rows, shared people."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from promisecheck.assess.analysis import OVERLOAD, Assessment
from promisecheck.assess.deal import DealImpact
from promisecheck.assess.portfolio import Change, MemberShare, ProjectOdds, SharedSkill
from promisecheck.commands.portfolio import PortfolioReport
from promisecheck.compromises.portfolio import Lever, LeverMenu
from promisecheck.report._kit.words import BEYOND_HORIZON, count, day, percent, sparkline, target

# Changes smaller than this many standard errors (and under half a point) are noise.
NOISE_ERRORS = 2.0


def short_day(value: dt.date | None) -> str:
    """`Fri 30 Apr`: within one portfolio the year goes without saying."""
    return BEYOND_HORIZON if value is None else day(value).rsplit(" ", 1)[0]


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def place(impact: DealImpact) -> str:
    """`last in line`, `first in line`, `2nd in line`."""
    if impact.last:
        return "last in line"
    return "first in line" if impact.rank == 1 else f"{ordinal(impact.rank)} in line"


def status(odds: ProjectOdds) -> str:
    if odds.status == "tentative":
        return f"tentative {percent(odds.win_probability)}"
    return odds.status


def holds(odds: ProjectOdds) -> str:
    return "yes" if odds.holds else "NO"


def held_note(odds: ProjectOdds) -> str | None:
    """The no-pre-emption effect, when it happened."""
    if odds.held_share is None or odds.held_share <= 0:
        return None
    return (
        f"{odds.project} waited for someone still busy with lower-ranked work in "
        f"{percent(odds.held_share)} of its trials (no pre-emption: a started item keeps its "
        "person until it is done)"
    )


def change(c: Change) -> str:
    """`-44.1 ± 1.7`: the paired change in on-time points and its standard error."""
    return f"{c.change * 100:+.1f} ± {c.change_standard_error * 100:.1f}"


def change_cells(c: Change) -> tuple[str, ...]:
    """One commitment's row between its name and "breaks", the same in every format:
    status, before, after, change, P85 before, P85 after, hold."""
    return (
        status(c.after),
        percent(c.before.on_time_probability),
        percent(c.after.on_time_probability),
        change(c),
        short_day(c.before.finish.get("p85")),
        short_day(c.after.finish.get("p85")),
        target(c.hold),
    )


def unchanged(before: ProjectOdds, after: ProjectOdds) -> bool:
    return percent(before.on_time_probability) == percent(
        after.on_time_probability
    ) and before.finish.get("p85") == after.finish.get("p85")


def deal_sentence(a: Assessment, impact: DealImpact) -> str:
    """`Signing Gamma portal (last in line): 58 % by Fri 30 Apr; 85 % needs Fri 21 May. …`"""
    goal = target(a.target_confidence)
    if a.target_date is None:
        needs = f"{goal} is not reached within the horizon"
    elif a.verdict == "on-track":
        needs = f"{goal} is reached by {short_day(a.target_date)}"
    else:
        needs = f"{goal} needs {short_day(a.target_date)}"
    text = (
        f"Signing {a.project} ({place(impact)}): {percent(a.on_time_probability)} by "
        f"{short_day(a.deadline)}; {needs}."
    )
    quiet: list[str] = []
    for change in impact.commitments:
        b, after = change.before, change.after
        if unchanged(b, after):
            quiet.append(change.project)
            continue
        dates = f"P85 {short_day(b.finish.get('p85'))} → {short_day(after.finish.get('p85'))}"
        was, now = percent(b.on_time_probability), percent(after.on_time_probability)
        if was == now:
            text += f" It moves {change.project} ({dates}; still {now})"
        else:
            verb = "drops" if after.on_time_probability < b.on_time_probability else "raises"
            text += f" It {verb} {change.project} from {was} to {now} ({dates})"
        if not after.holds and change.status == "signed":
            text += f", below its {target(change.hold)} hold"
        if change.breaks and change.shared:
            name, skill = change.shared[0]
            text += f": both need {name} ({skill})"
        text += "."
    if quiet:
        text += f" {', '.join(quiet)}: unchanged."
    return text


@dataclass(frozen=True)
class Row:
    """One commitment as the table and Markdown show it."""

    rank: str
    project: str
    status: str
    on_time: str
    p50: str
    p85: str
    deadline: str
    hold: str
    holds: str


def rows(commitments: Sequence[ProjectOdds]) -> list[Row]:
    return [
        Row(
            rank=str(c.rank),
            project=c.project,
            status=status(c),
            on_time=percent(c.on_time_probability) if c.trials else "–",
            p50=short_day(c.finish.get("p50")) if c.trials else "–",
            p85=short_day(c.finish.get("p85")) if c.trials else "–",
            deadline=short_day(c.deadline),
            hold=target(c.hold),
            holds=holds(c) if c.status == "signed" else ("yes" if c.holds else "no"),
        )
        for c in commitments
    ]


def headline(r: PortfolioReport) -> str:
    signed = [c for c in r.commitments if c.status == "signed"]
    broken = [c.project for c in signed if not c.holds]
    if not signed:
        return "No signed commitments."
    if not broken:
        return f"Every signed commitment holds ({len(signed)} of {len(signed)})."
    return f"{len(broken)} of {len(signed)} signed commitments do not hold: {', '.join(broken)}."


def title(r: PortfolioReport) -> str:
    return f"Portfolio as of {day(r.as_of)} (order: {r.order})"


def simulated(r: PortfolioReport) -> str:
    return f"{r.trials:,} trials, seed {r.seed}; all commitments on one shared team."


def names(r: PortfolioReport) -> dict[str, str]:
    return {c.key: c.project for c in r.commitments}


def shared_member(m: MemberShare, projects: dict[str, str]) -> str:
    """`Ana (backend): City portal 102 h, Acme shop 25 h`."""
    parts = ", ".join(
        f"{projects.get(k, k)} {h:.0f} h" for k, h in zip(m.projects, m.hours, strict=True)
    )
    return f"{m.name} ({', '.join(m.skills) or 'no skills'}): {parts}"


def shared_skill(s: SharedSkill, projects: dict[str, str]) -> str:
    """`backend (Ana): Acme shop, City portal`."""
    who = ", ".join(s.members) or "nobody"
    return f"{s.skill} ({who}): {', '.join(projects.get(k, k) for k in s.projects)}"


def load_line(m: MemberShare) -> str:
    """The weekly sparkline, with `!` under each week above the overload share."""
    marks = overload_marks(m)
    return sparkline(m.weekly) + (f"\n{marks}" if marks else "")


def overload_note(m: MemberShare) -> str:
    if not m.overloaded_weeks:
        return ""
    return f"{count(m.overloaded_weeks, 'week')} above {OVERLOAD * 100:.0f} %"


def overload_marks(m: MemberShare) -> str:
    """`!` under each week above the overload share."""
    return "".join("!" if s is not None and s > OVERLOAD else " " for s in m.weekly).rstrip()


def sparkline_text(m: MemberShare) -> str:
    """The sparkline for a code span: trailing idle weeks left off."""
    return sparkline(m.weekly).rstrip() or "-"


def lever_line(lever: Lever, menu: LeverMenu, start: dt.date) -> str:
    """One portfolio lever in words: what to do, the deal's odds, and whom it breaks."""
    match lever.kind:
        case "rank":
            if lever.last:
                what = "Put it last in line"
            elif lever.rank == 1:
                what = "Put it first in line"
            else:
                what = f"Put it {ordinal(lever.rank or 0)} in line"
        case "start":
            later = (lever.start - start).days if lever.start is not None else 0
            what = f"Start it on {short_day(lever.start)} ({count(later, 'day')} later)"
        case "capacity":
            who = "a new" if lever.new_members == 1 else f"{lever.new_members} new"
            noun = "person" if lever.new_members == 1 else "people"
            what = f"Bring in {who} {lever.skill} {noun} from {short_day(lever.joins)}"
    text = f"{what}: {percent(lever.on_time_probability)} on time"
    if not lever.reaches_target:
        text += f" (below the {target(menu.target_confidence)} target)"
    if lever.breaks:
        return text + f"; breaks {', '.join(lever.breaks)}"
    return text + "; breaks no one"


def tried_line(lever: Lever, menu: LeverMenu, start: dt.date) -> str:
    """A lever that found nothing, at the furthest it was pushed, and why that is not enough."""
    match lever.kind:
        case "capacity":
            n = lever.new_members
            who = "a new" if n == 1 else f"1 to {n} new"
            noun = "person" if n == 1 else "people"
            what = (
                f"Tried {who} {lever.skill} {noun} from {short_day(lever.joins)} (the earliest "
                f"a hire joins): with {n}, "
            )
        case "start":
            later = (lever.start - start).days if lever.start is not None else 0
            what = f"Tried every start up to {short_day(lever.start)} ({count(later, 'day')} "
            what += "later): the last, "
        case "rank":
            what = f"Tried every place in line down to {ordinal(lever.rank or 0)}: "
    text = f"{what}{percent(lever.on_time_probability)} on time"
    if not lever.reaches_target:
        text += f" (below the {target(menu.target_confidence)} target)"
    if lever.breaks:
        text += f"; still breaks {', '.join(lever.breaks)}"
    return text
