"""Commands return outcomes that carry their exit code; cli.py only passes it on."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import MONDAY, make_plan
from promisecheck import cli
from promisecheck.assess.analysis import Verdict
from promisecheck.assess.estimator import RunSettings
from promisecheck.cli import app
from promisecheck.commands.calibrate import CalibrateRequest, calibrate
from promisecheck.commands.calibrate import run as run_calibrate
from promisecheck.commands.compare import Comparison
from promisecheck.commands.estimate import EstimateOutcome, EstimateRequest, estimate_plan, run
from promisecheck.commands.validate import ValidateRequest
from promisecheck.commands.validate import run as run_validate
from promisecheck.errors import ExitCode, OptionError
from promisecheck.inputs.history import make_history
from promisecheck.inputs.model import Plan

TIGHT = Path("examples/tight/spec.toml")
WEBSHOP = Path("examples/webshop/spec.toml")
TRIALS = 300


def one_task(hours: int) -> Plan:
    """One full-time developer and one task; the deadline is four weeks out."""
    return make_plan(
        [{"id": "work", "skill": "dev", "estimate": hours}], [{"name": "Ana", "skills": ["dev"]}]
    )


def never_started() -> Plan:
    """The only designer leaves before the work they wait for can be done."""
    return make_plan(
        [
            {"id": "api", "skill": "dev", "estimate": 40},
            {"id": "ui", "skill": "design", "estimate": 8, "depends_on": ["api"]},
        ],
        [
            {"name": "Ana", "skills": ["dev"]},
            {"name": "Bo", "skills": ["design"], "leaves": MONDAY + dt.timedelta(days=2)},
        ],
    )


def outcome_of(plan: Plan) -> EstimateOutcome:
    return EstimateOutcome(plan=plan, assessment=estimate_plan(plan, RunSettings(trials=TRIALS)))


def test_a_plan_with_room_to_spare_exits_0() -> None:
    outcome = outcome_of(one_task(40))
    assert outcome.assessment.verdict == "on-track"
    assert outcome.exit_code == ExitCode.ON_TRACK


def test_a_plan_that_misses_its_deadline_exits_1() -> None:
    outcome = outcome_of(one_task(400))
    assert outcome.assessment.verdict == "unlikely"
    assert outcome.exit_code == ExitCode.BELOW_TARGET


def test_a_plan_that_cannot_be_done_at_all_exits_1() -> None:
    outcome = outcome_of(never_started())
    assert outcome.assessment.verdict == "infeasible"
    assert outcome.exit_code == ExitCode.BELOW_TARGET


@pytest.mark.parametrize(
    ("verdict", "code"),
    [
        ("on-track", ExitCode.ON_TRACK),
        ("at-risk", ExitCode.BELOW_TARGET),
        ("unlikely", ExitCode.BELOW_TARGET),
        ("infeasible", ExitCode.BELOW_TARGET),
    ],
)
def test_the_exit_code_follows_the_verdict_alone(verdict: Verdict, code: ExitCode) -> None:
    """README "Exit codes": 0 only for on-track, whatever the odds read next to it."""
    real = outcome_of(one_task(40))
    judged = dataclasses.replace(
        real, assessment=dataclasses.replace(real.assessment, verdict=verdict)
    )
    assert judged.exit_code == code


def test_run_applies_the_scenario_and_returns_the_plan_it_judged() -> None:
    base = run(
        EstimateRequest(spec=WEBSHOP, compromises=False, settings=RunSettings(trials=TRIALS))
    )
    extra = run(
        EstimateRequest(
            spec=WEBSHOP,
            scenario="extra-design",
            compromises=False,
            settings=RunSettings(trials=TRIALS),
        )
    )
    assert len(extra.plan.team.members) > len(base.plan.team.members)
    assert extra.assessment.on_time_probability != base.assessment.on_time_probability


@pytest.mark.parametrize(
    "args",
    [
        [str(TIGHT)],
        [str(WEBSHOP)],
        [str(WEBSHOP), "--confidence", "0.01"],
        [str(WEBSHOP), "--scenario", "later"],
    ],
)
def test_the_cli_exits_with_the_outcomes_code(args: list[str]) -> None:
    confidence = float(args[2]) if "--confidence" in args else None
    scenario = args[2] if "--scenario" in args else None
    outcome = run(
        EstimateRequest(
            spec=Path(args[0]),
            scenario=scenario,
            compromises=False,
            settings=RunSettings(trials=TRIALS, confidence=confidence),
        )
    )
    result = CliRunner().invoke(app, ["estimate", *args, "--trials", str(TRIALS)])
    assert result.exit_code == outcome.exit_code


def test_the_cli_exits_0_and_1_on_the_examples() -> None:
    """Both codes really occur, so the test above cannot pass with a constant."""
    runner = CliRunner()
    assert runner.invoke(app, ["estimate", str(TIGHT), "--trials", "300"]).exit_code == 0
    assert runner.invoke(app, ["estimate", str(WEBSHOP), "--trials", "300"]).exit_code == 1


def test_calibration_and_comparison_always_exit_0() -> None:
    history = make_history([10.0] * 30, [10.0 + i for i in range(30)], source="h.csv")
    assert calibrate(history).exit_code == ExitCode.ON_TRACK
    assert Comparison(trials=1, seed=0, columns=()).exit_code == ExitCode.ON_TRACK


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_for_a_table_on_a_terminal_without_no_color(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(sys, "stdout", _Terminal())
    assert cli._color(None, "table")
    assert not cli._color(None, "json")
    assert not cli._color(Path("report.txt"), "table")
    monkeypatch.setenv("NO_COLOR", "")
    assert not cli._color(None, "table")
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert not cli._color(None, "table")


def test_validate_returns_an_outcome_whose_code_follows_errors_and_strict() -> None:
    broken = Path("examples/invalid/dependency-cycle/spec.toml")
    assert run_validate(ValidateRequest(paths=(TIGHT,))).exit_code == ExitCode.ON_TRACK
    assert run_validate(ValidateRequest(paths=(TIGHT, broken))).exit_code == ExitCode.INVALID_INPUT
    warned = run_validate(ValidateRequest(paths=(WEBSHOP,)))
    assert warned.results[0].warnings and not warned.results[0].errors
    assert warned.exit_code == ExitCode.ON_TRACK
    assert (
        run_validate(ValidateRequest(paths=(WEBSHOP,), strict=True)).exit_code
        == ExitCode.INVALID_INPUT
    )


@pytest.mark.parametrize(("strict", "code"), [(False, 0), (True, 2)])
def test_the_cli_exits_with_validates_code(strict: bool, code: int) -> None:
    args = ["validate", str(WEBSHOP), *(["--strict"] if strict else [])]
    assert CliRunner().invoke(app, args).exit_code == code


def test_calibrate_names_a_wrong_columns_value_by_its_request_field() -> None:
    with pytest.raises(OptionError) as raised:
        run_calibrate(
            CalibrateRequest(history=Path("examples/evidence/history.csv"), columns="bogus=Spent")
        )
    assert raised.value.option == "columns"
    result = CliRunner().invoke(
        app, ["calibrate", "examples/evidence/history.csv", "--columns", "bogus=Spent"]
    )
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr.startswith("promisecheck: error: --columns: unknown column `bogus`")


def test_every_input_error_leaves_the_cli_located_as_exit_2_without_a_report(
    tmp_path: Path,
) -> None:
    """One path for all commands: the file and line, exit 2, nothing on stdout."""
    spec = tmp_path / "spec.toml"
    spec.write_text('[project]\nname = "x"\nstart = 2027-01-04\ndeadline = "soon"\n')
    for command in (["estimate"], ["compare"], ["check", "--jobs", "1"]):
        result = CliRunner().invoke(app, [*command, str(spec), "--trials", "10"])
        assert result.exit_code == ExitCode.INVALID_INPUT, command
        if command[0] != "check":
            assert result.stdout == ""
            assert result.stderr.startswith(f"promisecheck: error: {spec}:4: "), command


def test_the_deal_writes_its_summary_line_like_the_estimate() -> None:
    """`estimate --portfolio -f json` says its verdict on stderr as `estimate -f json` does,
    and names the signed commitment it breaks (the reason it exits 1 while on track)."""
    deal = "examples/portfolio/deals/gamma-portal"
    args = ["estimate", deal, "--portfolio", "examples/portfolio", "--trials", "300"]
    quiet = CliRunner().invoke(app, [*args, "--no-compromises"])
    assert quiet.stderr == ""
    result = CliRunner().invoke(app, [*args, "--no-compromises", "-f", "json"])
    assert result.exit_code == ExitCode.BELOW_TARGET
    assert result.stderr.startswith("promisecheck: Gamma portal: on-track: ")
    assert result.stderr.endswith("; breaks City portal\n")
