"""Warnings and reasons: typed values from the library, worded once by report/_kit/notices."""

from __future__ import annotations

import datetime as dt
import json
import typing
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import MONDAY, make_plan
from promisecheck.commands.calibrate import calibrate
from promisecheck.commands.estimate import estimate_plan
from promisecheck.engine.shared_schedule import Project, run_schedule
from promisecheck.errors import Problem
from promisecheck.inputs.history import make_history
from promisecheck.inputs.model import Risk
from promisecheck.notices import (
    BeyondHorizon,
    CostNotShown,
    FewTrials,
    HistoryBand,
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
from promisecheck.report import Format, render, render_calibration
from promisecheck.report._kit import summary
from promisecheck.report._kit.notices import notice, notices, reason, reasons
from test_report_table import assessment, infeasible

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
        Problem(path=Path("portfolio.toml"), location="commitments[0].spec", message="m", line=2),
        "portfolio.toml:2: commitments[0].spec: m",
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


def test_every_kind_has_its_words_tested() -> None:
    """A new kind of warning or reason needs a line above: its words are the report's."""
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
    a = estimate_plan(plan, trials=100, seed=1)
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
    a = estimate_plan(plan, trials=20)
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
