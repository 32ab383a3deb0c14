"""The words for every warning and reason (promisecheck.notices), one sentence per kind.

Every format (table, Markdown, JSON, HTML) and the one-line stderr summary word notices
here, so a warning reads the same wherever it appears.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import assert_never

from promisecheck.errors import Problem, show
from promisecheck.notices import (
    BeyondHorizon,
    CostNotShown,
    FewTrials,
    IdleMember,
    InProject,
    NarrowRanges,
    NeverFinishes,
    NeverWon,
    NobodyHasSkill,
    Notice,
    OnlyMemberNeverWorks,
    Overloaded,
    Reason,
    RepeatedIds,
    RiskDelayPastHorizon,
    SkillNeverWorks,
    StartDelaysNotShared,
    UndatedTasks,
)

LISTED = 5  # ids named in one notice; more are shown as " …"


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
        case Problem():
            return str(n)
        case _:
            assert_never(n)


def notices(found: Iterable[Notice]) -> tuple[str, ...]:
    """Each warning in words, in order."""
    return tuple(notice(n) for n in found)


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
