"""Warnings and reasons: typed values from the library, worded once by report/_kit/notices."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import typing
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MONDAY, make_plan
from promisecheck.assess.estimator import RunSettings
from promisecheck.commands.calibrate import calibrate
from promisecheck.commands.estimate import estimate_plan
from promisecheck.engine.shared_schedule import Project, run_schedule
from promisecheck.inputs.history import make_history
from promisecheck.inputs.model import Risk
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
    HistoryBand,
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
from promisecheck.report import Format, render, render_calibration
from promisecheck.report._kit import summary
from promisecheck.report._kit.notices import (
    finding,
    finding_words,
    notice,
    notices,
    reason,
    reasons,
)
from test_report_table import assessment, infeasible

WEEKEND = dt.timedelta(days=2)
SIX = tuple(f"i{k}" for k in range(6))

WORDED_NOTICES: list[tuple[Notice, str]] = [
    (
        NarrowRanges(items=(("a", (38.0, 40.0, 42.0)),), within=0.1, history=None),
        "suspiciously narrow ranges (under ±10 % of the likely hours): a [38, 40, 42]; "
        "few tasks land that close to their estimate",
    ),
    (
        NarrowRanges(
            items=tuple((i, (9.5, 10.0, 10.5)) for i in SIX),
            within=0.1,
            history=HistoryBand(share=0.8, low=0.74, high=2.16),
        ),
        "suspiciously narrow ranges (under ±10 % of the likely hours): i0 [9.5, 10, 10.5], "
        "i1 [9.5, 10, 10.5], i2 [9.5, 10, 10.5], i3 [9.5, 10, 10.5], i4 [9.5, 10, 10.5] …; "
        "in the team's history 80 % of tasks took between 0.7× and 2.2× their estimate",
    ),
    (
        IdleMember(member="Idle", why="no-skills"),
        "Idle has no skills and no item assigned: they never work",
    ),
    (
        IdleMember(member="Gone", why="no-hours"),
        "Gone has no working hours in the ten-year horizon",
    ),
    (
        RiskDelayPastHorizon(risk="forever", working_days=2610),
        "risk `forever` can delay the start past the 2610 working days of the ten-year horizon",
    ),
    (
        StartDelaysNotShared(),
        "risks that delay the start are not applied in the shared schedule "
        "(only their extra hours are)",
    ),
    (NeverWon(), "a win probability of 0: never part of the shared schedule"),
    (
        RepeatedIds(path=Path("h.csv"), rows=2),
        "h.csv: 2 rows repeat the id of an earlier row; kept the first of each "
        "(a task counts once)",
    ),
    (UndatedTasks(tasks=3), "3 tasks have no date and are left out of the trend"),
    (CostNotShown(unrated=("Ana", "Bo")), "cost not shown: no rate for Ana, Bo"),
    (
        BeyondHorizon(beyond=27, trials=2000, years=10),
        "27 of 2000 trials did not finish within 10 years (counted as late)",
    ),
    (
        FewTrials(trials=400, standard_error=0.02049),
        "only 400 trials: the on-time probability is ±2.0 points (one standard error)",
    ),
    (
        Overloaded(member="Kai", above=0.9, weeks=11),
        "Kai is planned above 90 % for 11 weeks in a row: "
        "a plan that only works if people run flat out is a risk in itself",
    ),
    (
        InProject(project="City portal", notice=Overloaded(member="Kai", above=0.9, weeks=4)),
        "City portal: Kai is planned above 90 % for 4 weeks in a row: "
        "a plan that only works if people run flat out is a risk in itself",
    ),
    (
        Finding(
            path=Path("portfolio.toml"),
            location="commitments[3].status",
            line=17,
            kind=TentativeWithoutOdds(),
        ),
        "portfolio.toml:17: commitments[3].status: tentative without `win_probability`: "
        "counted as won in every trial "
        "(add win_probability = 0.5 (the share of trials in which it is won))",
    ),
]

DAY = dt.date(2027, 6, 27)
START = dt.date(2027, 4, 5)
TEAM = Path("team.toml")

WORDED_FINDINGS: list[tuple[FindingKind, str, str]] = [
    (
        UnknownSkill(skill="desing", team=TEAM, close="design"),
        "nobody in team.toml has skill `desing`; the estimate will be infeasible",
        "did you mean `design`?",
    ),
    (
        UnknownSkill(skill="qa", team=TEAM, close=None),
        "nobody in team.toml has skill `qa`; the estimate will be infeasible",
        "add the skill to a member, or fix the name",
    ),
    (
        LateJoiner(member="Late", joins=dt.date(2027, 9, 1), deadline=DAY),
        "Late joins on 2027-09-01, after the deadline 2027-06-27: no help with this promise",
        "remove the member or correct the date",
    ),
    (
        AbsentHolders(
            skill="ops", holders=("Gone",), start=START, deadline=DAY, items=1, team=TEAM
        ),
        "Gone, the only member with skill `ops`, has no working hours from 2027-04-05 to "
        "2027-06-27 (1 item needs it)",
        "check time_off, joins and leaves in team.toml",
    ),
    (
        AbsentHolders(
            skill="ops", holders=("A1", "A2"), start=START, deadline=DAY, items=2, team=TEAM
        ),
        "none of the members with skill `ops` (A1, A2) has working hours from 2027-04-05 to "
        "2027-06-27 (2 items need it)",
        "check time_off, joins and leaves in team.toml",
    ),
    (
        BigItem(likely=120.0, limit=80),
        "120 h likely: an item over 80 h hides work nobody has thought through",
        "split it into smaller items",
    ),
    (
        TightRange(low=9.5, likely=10.0, high=10.5, within=0.1),
        "[9.5, 10, 10.5] is within ±10 % of 10 h; real effort varies more than that",
        "widen the range, or write 10 if the effort is truly fixed",
    ),
    (
        DeadlineOnDayOff(deadline=DAY, why="not-a-workday", before=DAY - WEEKEND),
        "2027-06-27 (Sunday) is not a working day of the team (`workdays` in the team file)",
        "work ends on the last working day before it, 2027-06-25 (Friday); promise that day",
    ),
    (
        DeadlineOnDayOff(
            deadline=dt.date(2027, 6, 25),
            why="team-holiday",
            before=dt.date(2027, 6, 24),
        ),
        "2027-06-25 (Friday) is a team holiday (`holidays` in the team file)",
        "work ends on the last working day before it, 2027-06-24 (Thursday); promise that day",
    ),
    (
        DeadlineOnDayOff(
            deadline=dt.date(2027, 5, 17),
            why=PublicHoliday(region="DE-BY"),
            before=dt.date(2027, 5, 14),
        ),
        "2027-05-17 (Monday) is a public holiday in DE-BY",
        "work ends on the last working day before it, 2027-05-14 (Friday); promise that day",
    ),
    (
        NeverOnProposal(member="Idle", why="no-skills", start=START, deadline=DAY),
        "Idle has no skills and no item is assigned to them: they never work on this proposal",
        'list what they can do, like skills = ["backend"]',
    ),
    (
        NeverOnProposal(member="Away", why="no-hours", start=START, deadline=DAY),
        "Away has no working hours from 2027-04-05 to 2027-06-27: they never work on this promise",
        "check their time_off, joins and leaves",
    ),
    (
        DatePassed(which="deadline", day=DAY, today=dt.date(2028, 1, 3)),
        "the deadline 2027-06-27 has passed (today is 2028-01-03)",
        "move it, or archive the proposal",
    ),
    (
        DatePassed(which="start", day=START, today=dt.date(2027, 5, 3)),
        "the start 2027-04-05 has passed (today is 2027-05-03); the estimate counts all the "
        "work from that day, as if none were done yet",
        "set start to the first day of the remaining work",
    ),
    (
        OwnTeam(spec="signed/app/spec.toml", own=Path("other.toml"), team=TEAM),
        "`signed/app/spec.toml` names its own team `other.toml`, not the portfolio's "
        "`team.toml`; the portfolio's team is used",
        "the portfolio's team wins: make them the same file",
    ),
    (
        TentativeWithoutOdds(),
        "tentative without `win_probability`: counted as won in every trial",
        "add win_probability = 0.5 (the share of trials in which it is won)",
    ),
]

WORDED_REASONS: list[tuple[Reason, str]] = [
    (
        OnlyMemberNeverWorks(member="Gone", items=("b",)),
        "Gone never has working hours, and only Gone may do: b",
    ),
    (
        NobodyHasSkill(skill="desing", items=("a",), close="design"),
        "nobody in the team has skill `desing` (needed by a); did you mean `design`?",
    ),
    (
        NobodyHasSkill(skill="qa", items=SIX, close=None),
        "nobody in the team has skill `qa` (needed by i0, i1, i2, i3, i4 …)",
    ),
    (
        SkillNeverWorks(skill="ops", items=("c",)),
        "nobody with skill `ops` ever has working hours (needed by c)",
    ),
    (
        NeverFinishes(years=10, unfinished=SIX, unstarted=("x",)),
        "no trial finishes within 10 years of the start; "
        "too much work to finish in that time: i0, i1, i2, i3, i4",
    ),
    (
        NeverFinishes(years=10, unfinished=(), unstarted=("ui",)),
        "no trial finishes within 10 years of the start; never started: ui "
        "(check joins, leaves and time off of the members who may do them)",
    ),
    (
        NeverFinishes(years=10, unfinished=(), unstarted=()),
        "no trial finishes within 10 years of the start",
    ),
]


@pytest.mark.parametrize(("given", "expected"), WORDED_NOTICES)
def test_each_warning_in_words(given: Notice, expected: str) -> None:
    assert notice(given) == expected


@pytest.mark.parametrize(("given", "expected"), WORDED_REASONS)
def test_each_reason_in_words(given: Reason, expected: str) -> None:
    assert reason(given) == expected


@pytest.mark.parametrize(("given", "message", "hint"), WORDED_FINDINGS)
def test_each_finding_in_words(given: FindingKind, message: str, hint: str) -> None:
    assert finding_words(given) == (message, hint)


def test_a_finding_is_placed_as_an_input_error_is() -> None:
    kind = BigItem(likely=120.0, limit=80)
    placed = Finding(path=Path("spec.toml"), location='items[2] "c".estimate', line=18, kind=kind)
    assert finding(placed) == (
        'spec.toml:18: items[2] "c".estimate: 120 h likely: an item over 80 h hides work '
        "nobody has thought through (split it into smaller items)"
    )
    unplaced = replace(placed, line=None, location="")
    assert finding(unplaced).startswith("spec.toml: 120 h likely")


def test_every_kind_has_its_words_tested() -> None:
    """A new kind of warning or reason needs a line above: its words are the report's."""
    assert {type(k) for k, _, _ in WORDED_FINDINGS} == set(typing.get_args(FindingKind))
    assert {type(n) for n, _ in WORDED_NOTICES} == set(typing.get_args(Notice))
    assert {type(r) for r, _ in WORDED_REASONS} == set(typing.get_args(Reason))


def test_several_keep_their_order() -> None:
    given = [n for n, _ in WORDED_NOTICES]
    assert notices(given) == tuple(text for _, text in WORDED_NOTICES)
    assert reasons(r for r, _ in WORDED_REASONS) == tuple(text for _, text in WORDED_REASONS)


def test_an_estimate_returns_its_warnings_as_values_not_words() -> None:
    plan = make_plan(
        [
            {"id": "a", "skill": "dev", "estimate": [38, 40, 42]},
            {"id": "b", "skill": "dev", "estimate": 8},
        ],
        [
            {"name": "Ana", "skills": ["dev"], "rate": 80},
            {"name": "Idle", "skills": []},
        ],
    )
    a = estimate_plan(plan, RunSettings(trials=100, seed=1))
    assert a.warnings == (
        CostNotShown(unrated=("Idle",)),
        FewTrials(trials=100, standard_error=a.on_time_standard_error),
        NarrowRanges(items=(("a", (38.0, 40.0, 42.0)),), within=0.1, history=None),
        IdleMember(member="Idle", why="no-skills"),
    )


def test_an_infeasible_plan_returns_its_reasons_as_values() -> None:
    plan = make_plan(
        [
            {"id": "a", "skill": "desing", "estimate": 8},
            {"id": "b", "assignee": "Gone", "estimate": 8},
            {"id": "c", "skill": "ops", "estimate": 8},
        ],
        [
            {"name": "Kai", "skills": ["design"]},
            {"name": "Gone", "skills": ["ops"], "leaves": MONDAY - dt.timedelta(days=3)},
        ],
    )
    a = estimate_plan(plan, RunSettings(trials=20))
    assert a.verdict == "infeasible"
    assert a.reasons == (
        NobodyHasSkill(skill="desing", items=("a",), close="design"),
        OnlyMemberNeverWorks(member="Gone", items=("b",)),
        SkillNeverWorks(skill="ops", items=("c",)),
    )


def test_the_shared_schedule_names_the_project_of_each_warning() -> None:
    plan = make_plan(
        [{"id": "a", "skill": "dev", "estimate": 8}],
        [{"name": "Ana", "skills": ["dev"]}, {"name": "Idle", "skills": []}],
    )
    late = Risk(id="late", probability=0.5, delay_days=3)
    spec = plan.spec.model_copy(update={"risks": (late,)})
    project = Project(key="p", spec=spec, role="signed", win_probability=1.0, hold=0.85)
    schedule = run_schedule([project], plan.team, MONDAY, trials=10, seed=0)
    assert schedule.warnings == (
        InProject(project="Test", notice=IdleMember(member="Idle", why="no-skills")),
        InProject(project="Test", notice=StartDelaysNotShared()),
    )


def test_a_calibration_counts_undated_tasks_as_a_value() -> None:
    dates: list[dt.date | None] = [dt.date(2026, 1 + i // 10, 5) for i in range(30)]
    dates[:4] = [None] * 4
    history = make_history([10.0] * 30, [12.0] * 30, date=dates, source="h.csv")
    assert calibrate(history).warnings == (UndatedTasks(tasks=4),)


FORMATS: tuple[Format, ...] = ("table", "markdown", "json", "html")


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_shows_the_kits_words(fmt: Format) -> None:
    warned = (CostNotShown(unrated=("Ana",)), UndatedTasks(tasks=3))
    said = notices(warned)
    a = replace(assessment(), warnings=warned[:1])
    history = make_history([10.0] * 30, [12.0] * 30, date=[dt.date(2026, 1, 5)] * 29 + [None])
    c = replace(calibrate(history), warnings=warned[1:])
    for text, expected in ((render(a, fmt), said[0]), (render_calibration(c, fmt), said[1])):
        if fmt == "json":
            assert expected in json.loads(text)["warnings"]
        else:
            assert expected in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_shows_the_reasons_in_the_kits_words(fmt: Format) -> None:
    a = infeasible()
    said = reasons(a.reasons)
    text = render(a, fmt)
    if fmt == "json":
        assert json.loads(text)["reasons"] == list(said)
    else:
        # Markdown puts the skill names in code spans; the words around them are the kit's.
        assert said[0].split("`")[0] in text and "desing" in text


def test_the_stderr_summary_gives_the_reasons_in_the_kits_words() -> None:
    a = infeasible()
    assert summary.estimate(a) == f"{a.project}: infeasible: {reason(a.reasons[0])}"


def _any(union: object) -> st.SearchStrategy[Any]:
    """Any value of any kind in the union, with any data in it."""
    return st.one_of(*(st.from_type(kind) for kind in typing.get_args(union)))


def _named(value: Any) -> list[str]:
    """The free-text fields of a notice (names, keys, ids), nested ones included."""
    hints = typing.get_type_hints(type(value))
    found: list[str] = []
    for field in dataclasses.fields(value):
        held = getattr(value, field.name)
        if hints[field.name] in (str, str | None) and held is not None:
            found.append(held)
        elif dataclasses.is_dataclass(held):
            found += _named(held)
    return found


# Paths are drawn as Path() only (hypothesis warns so): they are not names the words must keep.
@pytest.mark.filterwarnings("ignore::hypothesis.errors.SmallSearchSpaceWarning")
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(_any(Notice), _any(Reason), _any(FindingKind))
def test_any_notice_is_worded_and_names_what_it_carries(
    warned: Notice, why: Reason, found: FindingKind
) -> None:
    """Every value of every kind has words (the match is exhaustive), and no name, key or
    skill it carries is dropped on the way."""
    said = notice(warned)
    assert all(name in said for name in _named(warned))
    assert all(name in reason(why) for name in _named(why))
    message, hint = finding_words(found)
    assert all(name in message + (hint or "") for name in _named(found))
