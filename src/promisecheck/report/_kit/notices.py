"""The words for every warning, reason and finding (promisecheck.notices), one per kind.

Every format (table, Markdown, JSON, HTML), validate's text and the one-line stderr
summary word notices here, so a warning reads the same wherever it appears.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import assert_never

from promisecheck.errors import Problem, show
from promisecheck.notices import (
    AbsentHolders,
    BeyondHorizon,
    BigItem,
    CostNotShown,
    DatePassed,
    DeadlineOnDayOff,
    FewTrials,
    Finding,
    FindingKind,
    IdleMember,
    InProject,
    LateJoiner,
    NarrowRanges,
    NeverFinishes,
    NeverOnProposal,
    NeverWon,
    NobodyHasSkill,
    Notice,
    OnlyMemberNeverWorks,
    Overloaded,
    OwnTeam,
    PublicHoliday,
    Reason,
    RepeatedIds,
    RiskDelayPastHorizon,
    SkillNeverWorks,
    StartDelaysNotShared,
    TentativeWithoutOdds,
    TightRange,
    UndatedTasks,
    UnknownSkill,
)

LISTED = 5  # ids named in one notice; more are shown as " …"
# Fixed English names, whatever the locale (as report/_kit/words does for dates).
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _listed(ids: tuple[str, ...]) -> str:
    return ", ".join(ids[:LISTED]) + (" …" if len(ids) > LISTED else "")


def _narrow(n: NarrowRanges) -> str:
    listed = ", ".join(f"{item} {show(estimate)}" for item, estimate in n.items[:LISTED])
    listed += " …" if len(n.items) > LISTED else ""
    if n.history is not None:
        evidence = (
            f"in the team's history {n.history.share * 100:.0f} % of tasks took between "
            f"{n.history.low:.1f}× and {n.history.high:.1f}× their estimate"
        )
    else:
        evidence = "few tasks land that close to their estimate"
    return (
        f"suspiciously narrow ranges (under ±{n.within * 100:.0f} % of the likely hours): "
        f"{listed}; {evidence}"
    )


def notice(n: Notice) -> str:
    """One warning in words, without the `warning:` label the formats add."""
    match n:
        case NarrowRanges():
            return _narrow(n)
        case IdleMember(why="no-skills"):
            return f"{n.member} has no skills and no item assigned: they never work"
        case IdleMember():
            return f"{n.member} has no working hours in the ten-year horizon"
        case RiskDelayPastHorizon():
            return (
                f"risk `{n.risk}` can delay the start past the {n.working_days} working days "
                "of the ten-year horizon"
            )
        case StartDelaysNotShared():
            return (
                "risks that delay the start are not applied in the shared schedule "
                "(only their extra hours are)"
            )
        case NeverWon():
            return "a win probability of 0: never part of the shared schedule"
        case RepeatedIds():
            return (
                f"{n.path}: {n.rows} rows repeat the id of an earlier row; kept the first of "
                "each (a task counts once)"
            )
        case UndatedTasks():
            return f"{n.tasks} tasks have no date and are left out of the trend"
        case CostNotShown():
            return "cost not shown: no rate for " + ", ".join(n.unrated)
        case BeyondHorizon():
            return (
                f"{n.beyond} of {n.trials} trials did not finish within {n.years} years "
                "(counted as late)"
            )
        case FewTrials():
            return (
                f"only {n.trials} trials: the on-time probability is "
                f"±{n.standard_error * 100:.1f} points (one standard error)"
            )
        case Overloaded():
            return (
                f"{n.member} is planned above {n.above * 100:.0f} % for {n.weeks} weeks in a "
                "row: a plan that only works if people run flat out is a risk in itself"
            )
        case InProject():
            return f"{n.project}: {notice(n.notice)}"
        case Finding():
            return finding(n)
        case _:
            assert_never(n)


def notices(found: Iterable[Notice]) -> tuple[str, ...]:
    """Each warning in words, in order."""
    return tuple(notice(n) for n in found)


def _day_off(n: DeadlineOnDayOff) -> str:
    match n.why:
        case "not-a-workday":
            return "not a working day of the team (`workdays` in the team file)"
        case "team-holiday":
            return "a team holiday (`holidays` in the team file)"
        case PublicHoliday(region=region):
            return f"a public holiday in {region}"
        case _:
            assert_never(n.why)


def _weekday(day: dt.date) -> str:
    return f"{day} ({DAY_NAMES[day.weekday()]})"


def _absent(n: AbsentHolders) -> str:
    if len(n.holders) == 1:
        who = f"{n.holders[0]}, the only member with skill `{n.skill}`, has no"
    else:
        # "none … has" already denies: "none … has no working hours" would say they all work.
        who = f"none of the members with skill `{n.skill}` ({', '.join(n.holders)}) has"
    needs = "item needs" if n.items == 1 else "items need"
    return f"{who} working hours from {n.start} to {n.deadline} ({n.items} {needs} it)"


def finding_words(kind: FindingKind) -> tuple[str, str | None]:
    """A finding's message and hint: what a reviewer would question, and what to do."""
    match kind:
        case UnknownSkill():
            return (
                f"nobody in {kind.team} has skill `{kind.skill}`; the estimate will be infeasible",
                f"did you mean `{kind.close}`?"
                if kind.close is not None
                else "add the skill to a member, or fix the name",
            )
        case LateJoiner():
            return (
                f"{kind.member} joins on {kind.joins}, after the deadline {kind.deadline}: "
                "no help with this promise",
                "remove the member or correct the date",
            )
        case AbsentHolders():
            return _absent(kind), f"check time_off, joins and leaves in {kind.team}"
        case BigItem():
            return (
                f"{kind.likely:g} h likely: an item over {kind.limit:g} h hides work "
                "nobody has thought through",
                "split it into smaller items",
            )
        case TightRange():
            low, likely, high = kind.low, kind.likely, kind.high
            return (
                f"[{low:g}, {likely:g}, {high:g}] is within ±{kind.within * 100:g} % of "
                f"{likely:g} h; real effort varies more than that",
                f"widen the range, or write {likely:g} if the effort is truly fixed",
            )
        case DeadlineOnDayOff():
            return (
                f"{_weekday(kind.deadline)} is {_day_off(kind)}",
                f"work ends on the last working day before it, {_weekday(kind.before)}; "
                "promise that day",
            )
        case NeverOnProposal(why="no-skills"):
            return (
                f"{kind.member} has no skills and no item is assigned to them: "
                "they never work on this proposal",
                'list what they can do, like skills = ["backend"]',
            )
        case NeverOnProposal():
            return (
                f"{kind.member} has no working hours from {kind.start} to {kind.deadline}: "
                "they never work on this promise",
                "check their time_off, joins and leaves",
            )
        case DatePassed(which="deadline"):
            return (
                f"the deadline {kind.day} has passed (today is {kind.today})",
                "move it, or archive the proposal",
            )
        case DatePassed():
            return (
                f"the start {kind.day} has passed (today is {kind.today}); the estimate "
                "counts all the work from that day, as if none were done yet",
                "set start to the first day of the remaining work",
            )
        case OwnTeam():
            return (
                f"`{kind.spec}` names its own team `{kind.own}`, not the portfolio's "
                f"`{kind.team}`; the portfolio's team is used",
                "the portfolio's team wins: make them the same file",
            )
        case TentativeWithoutOdds():
            return (
                "tentative without `win_probability`: counted as won in every trial",
                "add win_probability = 0.5 (the share of trials in which it is won)",
            )
        case _:
            assert_never(kind)


def finding(f: Finding) -> str:
    """`file:line: key: message (hint)`: placed as an input error is."""
    message, hint = finding_words(f.kind)
    located = Problem(path=f.path, location=f.location, line=f.line, message=message, hint=hint)
    return str(located)


def reason(r: Reason) -> str:
    """Why no trial can finish, in words."""
    match r:
        case OnlyMemberNeverWorks():
            return (
                f"{r.member} never has working hours, and only {r.member} may do: "
                f"{_listed(r.items)}"
            )
        case NobodyHasSkill():
            hint = f"; did you mean `{r.close}`?" if r.close is not None else ""
            return f"nobody in the team has skill `{r.skill}` (needed by {_listed(r.items)}){hint}"
        case SkillNeverWorks():
            return (
                f"nobody with skill `{r.skill}` ever has working hours "
                f"(needed by {_listed(r.items)})"
            )
        case NeverFinishes():
            text = f"no trial finishes within {r.years} years of the start"
            if r.unfinished:
                text += (
                    f"; too much work to finish in that time: {', '.join(r.unfinished[:LISTED])}"
                )
            elif r.unstarted:
                text += (
                    f"; never started: {', '.join(r.unstarted[:LISTED])} (check joins, leaves and "
                    "time off of the members who may do them)"
                )
            return text
        case _:
            assert_never(r)


def reasons(found: Iterable[Reason]) -> tuple[str, ...]:
    """Each reason in words, in order."""
    return tuple(reason(r) for r in found)
