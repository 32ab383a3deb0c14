"""The one-line summaries on stderr: one module of words, one way the CLI writes them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from typer.testing import CliRunner

from conftest import make_plan
from promisecheck.assess.estimator import RunSettings
from promisecheck.cli import app
from promisecheck.commands.estimate import estimate_plan
from promisecheck.notices import NobodyHasSkill, SkillNeverWorks
from promisecheck.report._kit import summary


def test_an_estimate_line_says_verdict_odds_deadline_and_target() -> None:
    plan = make_plan(
        [{"id": "a", "skill": "x", "estimate": 40}],
        [{"name": "Ana", "skills": ["x"]}],
        deadline=dt.date(2027, 1, 29),
    )
    a = estimate_plan(plan, RunSettings(trials=50))
    assert summary.estimate(a) == "Test: on-track: 100% on time by 2027-01-29 (target 85%)"
    reasons = (
        NobodyHasSkill(skill="x", items=("a",), close=None),
        SkillNeverWorks(skill="y", items=("b",)),
    )
    never = dataclasses.replace(a, verdict="infeasible", reasons=reasons)
    assert summary.estimate(never) == (
        "Test: infeasible: nobody in the team has skill `x` (needed by a); "
        "nobody with skill `y` ever has working hours (needed by b)"
    )


def test_the_summary_goes_to_stderr_only_beside_a_report_not_on_the_terminal_table(
    tmp_path: Path,
) -> None:
    args = ["estimate", "examples/tight", "--trials", "200"]
    table = CliRunner().invoke(app, args)
    assert table.stderr == ""
    written = ["-o", str(tmp_path / "report.txt")]
    for extra in (["-f", "json"], ["-f", "markdown"], ["-f", "html"], written):
        result = CliRunner().invoke(app, [*args, *extra])
        assert result.stderr.startswith("promisecheck: Huber bakery website: on-track: "), extra
        assert result.stderr.count("\n") == 1
