"""The command line through Typer's CliRunner: exit codes, formats, errors, files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from promisecheck.cli import app
from promisecheck.errors import ExitCode

runner = CliRunner()
WEBSHOP = "examples/webshop/spec.toml"
TIGHT = "examples/tight/spec.toml"


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def test_on_track_project_exits_0_and_at_risk_exits_1() -> None:
    assert invoke("estimate", TIGHT, "--trials", "500").exit_code == ExitCode.ON_TRACK
    assert invoke("estimate", WEBSHOP, "--trials", "500").exit_code == ExitCode.BELOW_TARGET


def test_json_is_byte_identical_for_the_same_seed_and_differs_for_another() -> None:
    a = invoke("estimate", WEBSHOP, "--trials", "800", "--seed", "4", "-f", "json").stdout
    b = invoke("estimate", WEBSHOP, "--trials", "800", "--seed", "4", "-f", "json").stdout
    c = invoke("estimate", WEBSHOP, "--trials", "800", "--seed", "5", "-f", "json").stdout
    assert a == b
    assert a != c
    report = json.loads(a)
    assert report["schema"] == "promisecheck.estimate/1"
    assert report["trials"] == 800 and report["seed"] == 4
    assert set(report["finish"]) == {"p50", "p70", "p85", "p95"}
    assert report["finish"]["p50"] <= report["finish"]["p85"] <= report["finish"]["p95"]


def test_one_line_summary_goes_to_stderr_with_json() -> None:
    result = invoke("estimate", WEBSHOP, "--trials", "300", "-f", "json")
    assert result.stderr.startswith("promisecheck: Acme web shop: ")
    json.loads(result.stdout)


def test_confidence_option_overrides_the_target() -> None:
    low = json.loads(
        invoke("estimate", WEBSHOP, "--trials", "500", "-f", "json", "--confidence", "0.05").stdout
    )
    assert low["target_confidence"] == 0.05
    assert low["verdict"] == "on-track"


def test_output_file_is_written(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = invoke("estimate", TIGHT, "--trials", "200", "-f", "json", "-o", str(out))
    assert result.exit_code == ExitCode.ON_TRACK
    assert json.loads(out.read_text())["project"]
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--trials", "0"], "--trials 0: expected at least 1"),
        (["--trials", "50000000"], "expected at most"),
        (["--confidence", "1.5"], "--confidence 1.5: expected a probability in (0, 1)"),
        (["--seed", "-1"], "--seed -1"),
    ],
)
def test_bad_options_exit_2_with_a_message_and_write_nothing(
    tmp_path: Path, args: list[str], fragment: str
) -> None:
    out = tmp_path / "report.json"
    result = invoke("estimate", TIGHT, "-o", str(out), *args)
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert fragment in result.stderr
    assert not out.exists()


def test_invalid_file_exits_2_without_traceback_and_keeps_existing_output(tmp_path: Path) -> None:
    spec = tmp_path / "spec.toml"
    spec.write_text('[project]\nname = "x"\nstart = 2027-01-04\ndeadline = 2027-01-01\n')
    out = tmp_path / "report.json"
    out.write_text("previous")
    result = invoke("estimate", str(spec), "-o", str(out))
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "Traceback" not in result.stderr + result.stdout
    assert str(spec) in result.stderr
    assert out.read_text() == "previous"


def test_missing_spec_file_is_exit_2() -> None:
    result = invoke("estimate", "no/such/spec.toml")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "no/such/spec.toml: file not found" in result.stderr


def test_team_option_wins_over_the_team_key(tmp_path: Path) -> None:
    result = invoke("estimate", TIGHT, "--team", str(tmp_path / "absent.toml"))
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "absent.toml" in result.stderr and "--team" in result.stderr


def test_unknown_format_is_a_usage_error() -> None:
    result = invoke("estimate", TIGHT, "-f", "yaml")
    assert result.exit_code == ExitCode.INVALID_INPUT


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("promisecheck ")


def test_a_run_too_large_for_memory_is_refused_with_a_hint(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, "benchmarks")
    from generate import write  # type: ignore[import-not-found]

    spec = write(tmp_path / "big", 1000, 20)
    result = invoke("estimate", str(spec), "--trials", "200000")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr.strip() == (
        "promisecheck: error: --trials: 200,000 trials of 1,000 items would not fit in memory "
        "(50,000 or fewer fit)"
    )


def test_json_says_what_the_ranges_mean() -> None:
    evidence = json.loads(
        invoke("estimate", "examples/evidence/spec.toml", "--trials", "200", "-f", "json").stdout
    )
    webshop = json.loads(invoke("estimate", WEBSHOP, "--trials", "200", "-f", "json").stdout)
    assert (evidence["range"], webshop["range"]) == ("p10-p90", "minmax")


def test_a_folder_stands_for_its_spec_toml() -> None:
    by_folder = invoke("estimate", "examples/tight", "--trials", "200", "-f", "json")
    by_file = invoke("estimate", TIGHT, "--trials", "200", "-f", "json")
    assert by_folder.exit_code == ExitCode.ON_TRACK
    assert by_folder.stdout == by_file.stdout
    empty = invoke("estimate", "examples")
    assert empty.exit_code == ExitCode.INVALID_INPUT
    assert "examples: is a directory; expected a TOML file" in empty.stderr


class _Parsed(Exception):
    """Raised by a stand-in command: the request is all the test needs."""


def parsed(monkeypatch: pytest.MonkeyPatch, target: str, *args: str) -> object:
    """The request cli.py builds from `args`, caught at the command's run()."""
    seen: list[object] = []

    def stand_in(request: object, *_: object) -> object:
        seen.append(request)
        raise _Parsed

    monkeypatch.setattr(target, stand_in)
    result = runner.invoke(app, list(args))
    assert isinstance(result.exception, _Parsed), result.stderr
    (request,) = seen
    return request


def test_every_estimate_option_lands_in_its_request_field(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from promisecheck.assess.estimator import RunSettings
    from promisecheck.commands.estimate import Apply, EstimateRequest
    from promisecheck.commands.portfolio import DealRequest

    out = tmp_path / "revised.toml"
    common = ["--team", "t.toml", "--trials", "5", "--seed", "3", "--confidence", "0.9"]
    common += ["--history", "h.csv", "--as-of", "2027-01-04", "--no-compromises"]
    settings = RunSettings(trials=5, seed=3, confidence=0.9, history=Path("h.csv"))
    estimate = parsed(
        monkeypatch,
        "promisecheck.commands.estimate.run",
        *["estimate", "examples/webshop", *common, "--scenario", "lean"],
        *["--apply", "2", "-o", str(out), "--force"],
    )
    assert estimate == EstimateRequest(
        spec=Path("examples/webshop"),
        team=Path("t.toml"),
        settings=settings,
        scenario="lean",
        compromises=False,
        as_of=dt.date(2027, 1, 4),
        apply=Apply(number=2, output=out, force=True),
    )
    deal = parsed(
        monkeypatch,
        "promisecheck.commands.portfolio.estimate_deal",
        *["estimate", "examples/portfolio/deals/gamma-portal", *common],
        *["--portfolio", "examples/portfolio", "--rank", "before:acme"],
    )
    assert deal == DealRequest(
        spec=Path("examples/portfolio/deals/gamma-portal"),
        portfolio=Path("examples/portfolio"),
        team=Path("t.toml"),
        settings=settings,
        rank="before:acme",
        compromises=False,
        as_of=dt.date(2027, 1, 4),
    )
    # Without --as-of an estimate's options are judged as of today.
    today = parsed(monkeypatch, "promisecheck.commands.estimate.run", "estimate", TIGHT)
    assert today == EstimateRequest(spec=Path(TIGHT), as_of=dt.date.today())


def test_every_check_and_compare_option_lands_in_its_request_field(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from promisecheck.assess.estimator import RunSettings
    from promisecheck.commands.check import CheckRequest, Levels
    from promisecheck.commands.compare import CompareRequest

    run = ["--trials", "7", "--seed", "2", "--history", "h.csv"]
    settings = RunSettings(trials=7, seed=2, history=Path("h.csv"))
    check = parsed(
        monkeypatch,
        "promisecheck.commands.check.run",
        *["check", "examples/ci/proposals", *run, "--fail-under", "0.4", "--warn-under", "0.6"],
        *["--base", "HEAD", "--jobs", "3", "--portfolio", "examples/portfolio"],
    )
    assert check == CheckRequest(
        paths=(Path("examples/ci/proposals"),),
        settings=settings,
        levels=Levels(fail_under=0.4, warn_under=0.6),
        base="HEAD",
        jobs=3,
        portfolio=Path("examples/portfolio/portfolio.toml"),
    )
    compare = parsed(
        monkeypatch,
        "promisecheck.commands.compare.run",
        *["compare", WEBSHOP, TIGHT, *run, "--team", "t.toml"],
    )
    assert compare == CompareRequest(
        versions=(WEBSHOP, TIGHT), team=Path("t.toml"), settings=settings
    )
