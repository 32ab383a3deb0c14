"""`check` with a portfolio: commitments in the shared schedule, other proposals as deals."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from promisecheck.assess.estimator import RunSettings
from promisecheck.cli import app
from promisecheck.commands.check import CheckRequest, run
from promisecheck.commands.portfolio_check import find_portfolio
from promisecheck.errors import ExitCode

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "portfolio"
runner = CliRunner()


def test_the_portfolio_is_found_at_or_above_the_paths() -> None:
    found = find_portfolio([EXAMPLE / "deals" / "gamma-portal"])
    assert found is not None and found.resolve() == EXAMPLE / "portfolio.toml"
    assert find_portfolio([EXAMPLE.parent / "webshop"]) is None


def test_deal_that_breaks_a_signed_commitment_fails_with_the_new_reason() -> None:
    report = run(
        CheckRequest(
            paths=(EXAMPLE,),
            portfolio=EXAMPLE / "portfolio.toml",
            jobs=1,
            settings=RunSettings(trials=600),
        )
    )
    by_project = {p.assessment.project: p for p in report.proposals if p.assessment}
    deal = by_project["Gamma portal"]
    assert deal.status == "fail" and deal.breaks == ("City portal",)
    assert deal.assessment is not None and deal.assessment.on_time_probability >= 0.8
    assert by_project["City portal"].portfolio is not None
    assert by_project["City portal"].breaks == ()
    assert report.portfolio_counts() == (3, 3.5, 5)
    assert report.exit_code == ExitCode.BELOW_TARGET


def test_commitments_are_judged_inside_the_shared_schedule() -> None:
    # Alone, the city portal would have the team to itself: inside the portfolio it waits.
    alone = run(
        CheckRequest(
            paths=(EXAMPLE / "signed" / "city-portal",), jobs=1, settings=RunSettings(trials=600)
        )
    )
    shared = run(
        CheckRequest(
            paths=(EXAMPLE / "signed" / "city-portal",),
            portfolio=EXAMPLE / "portfolio.toml",
            settings=RunSettings(trials=600),
        )
    )
    a, b = alone.proposals[0].assessment, shared.proposals[0].assessment
    assert a is not None and b is not None
    assert b.finish["p50"] is not None and a.finish["p50"] is not None
    assert b.finish["p50"] > a.finish["p50"]


def test_cli_json_and_markdown_name_whom_it_breaks() -> None:
    result = runner.invoke(
        app, ["check", str(EXAMPLE), "--trials", "400", "-f", "json"], catch_exceptions=False
    )
    assert result.exit_code == ExitCode.BELOW_TARGET
    report = json.loads(result.stdout)
    deal = next(p for p in report["proposals"] if p["project"] == "Gamma portal")
    assert deal["portfolio"] == {
        "role": "deal",
        "win_probability": 1.0,
        "breaks": ["City portal"],
        "fail_reason": "breaks-commitment",
    }
    assert report["portfolio"]["confirmed"] == 3
    assert report["portfolio"]["forecast"] == 3.5
    assert report["portfolio"]["exposure"] == 5
    markdown = runner.invoke(app, ["check", str(EXAMPLE), "--trials", "400", "-f", "markdown"])
    lines = [line for line in markdown.stdout.splitlines() if line.startswith("- `")]
    assert len(lines) == 5
    assert any(
        "Gamma portal (deal, last in line): signing it breaks City portal" in x for x in lines
    )


def test_without_a_portfolio_check_is_as_before(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", "examples/ci/proposals", "--trials", "200", "-f", "json"])
    report = json.loads(result.stdout)
    assert report["portfolio"] is None
    assert all(p["portfolio"] is None for p in report["proposals"])


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_base_reads_the_portfolio_at_that_revision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    monkeypatch.chdir(repo)
    spec = repo / "signed" / "city-portal" / "spec.toml"
    alone = (
        run(CheckRequest(paths=(spec,), jobs=1, settings=RunSettings(trials=300)))
        .proposals[0]
        .on_time_probability
    )
    # The city portal's deadline moves a day earlier now.
    spec.write_text(spec.read_text().replace("2027-04-23", "2027-04-22"))
    result = runner.invoke(app, ["check", ".", "--base", "HEAD", "--trials", "300", "-f", "json"])
    report = json.loads(result.stdout)
    city = next(p for p in report["proposals"] if p["project"] == "City portal")
    # At the base it was judged inside the shared schedule too, not with the team to itself.
    assert alone is not None
    assert 0.5 < city["base"]["on_time_probability"] < alone
    assert city["on_time_probability"] < city["base"]["on_time_probability"]
