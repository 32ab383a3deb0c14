"""`promisecheck portfolio` and `estimate --portfolio` through the CLI: formats, codes, words."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from promisecheck.assess.portfolio import MemberShare
from promisecheck.cli import app
from promisecheck.errors import ExitCode
from promisecheck.report.portfolio import view

runner = CliRunner()
EXAMPLE = "examples/portfolio"
DEAL = "examples/portfolio/deals/gamma-portal"


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def test_portfolio_json_has_the_schema_fields_and_is_byte_identical_per_seed() -> None:
    a = invoke("portfolio", EXAMPLE, "--trials", "400", "--seed", "3", "-f", "json")
    b = invoke("portfolio", EXAMPLE, "--trials", "400", "--seed", "3", "-f", "json")
    assert a.exit_code == ExitCode.ON_TRACK
    assert a.stdout == b.stdout
    report = json.loads(a.stdout)
    assert report["schema"] == "promisecheck.portfolio/1"
    assert report["as_of"] == "2027-03-01" and report["order"] == "rank"
    first = report["commitments"][0]
    for field in (
        "key",
        "project",
        "rank",
        "status",
        "win_probability",
        "deadline",
        "hold",
        "holds",
        "on_time_probability",
        "on_time_standard_error",
        "finish",
        "items",
    ):
        assert field in first
    assert first["key"] == "signed/acme-shop/spec.toml"
    assert set(first["finish"]) == {"p50", "p70", "p85", "p95"}
    assert set(first["items"][0]) == {"id", "finish"}
    assert [c["status"] for c in report["commitments"]].count("tentative") == 1
    assert {m["name"] for m in report["members"]} == {"Ana", "Ben", "Cleo", "Dan"}
    assert "warnings" in report


def test_portfolio_exits_1_when_a_signed_commitment_does_not_hold(tmp_path: Path) -> None:
    # Six weeks later with the same hours left, neither can make its date.
    result = invoke("portfolio", EXAMPLE, "--trials", "300", "--as-of", "2027-04-12")
    assert result.exit_code == ExitCode.BELOW_TARGET
    assert "2 of 3 signed commitments do not hold: Acme shop, City portal." in result.stdout


@pytest.mark.parametrize("format", ["table", "markdown"])
def test_portfolio_human_formats(format: str) -> None:
    result = invoke("portfolio", EXAMPLE, "--trials", "300", "-f", format)
    assert result.exit_code == ExitCode.ON_TRACK
    assert "City portal" in result.stdout and "Ana (backend)" in result.stdout


def test_portfolio_bad_input_exits_2(tmp_path: Path) -> None:
    (tmp_path / "portfolio.toml").write_text('order = "price"\n')
    result = invoke("portfolio", str(tmp_path))
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "portfolio.toml:1: order" in result.stderr
    assert invoke("portfolio", EXAMPLE, "--as-of", "soon").exit_code == ExitCode.INVALID_INPUT


def test_deal_words_first_and_exit_1_when_it_breaks_a_signed_commitment() -> None:
    result = invoke("estimate", DEAL, "--portfolio", EXAMPLE, "--trials", "1000")
    assert result.exit_code == ExitCode.BELOW_TARGET
    first = result.stdout.split("\n\n")[0].replace("\n", " ")
    assert first.startswith("Signing Gamma portal (last in line): ")
    # The deal itself is on track (its own target 80 %): "reached by", not "needs".
    assert "; 80 % is reached by " in first and "80 % needs" not in first
    assert "It drops City portal from " in first
    assert "below its 80 % hold: both need Ana (backend)." in first
    assert "Acme shop, Museum app: unchanged." in first


def test_deal_json_is_the_estimate_plus_a_portfolio_block() -> None:
    args = ("estimate", DEAL, "--portfolio", EXAMPLE, "--trials", "500", "-f", "json")
    a, b = invoke(*args), invoke(*args)
    assert a.stdout == b.stdout
    report = json.loads(a.stdout)
    assert report["schema"] == "promisecheck.estimate/1"
    block = report["portfolio"]
    assert block["as_of"] == "2027-03-01" and block["rank"] == 5
    city = next(c for c in block["commitments"] if c["project"] == "City portal")
    assert city["breaks"] is True
    assert city["after"]["on_time_probability"] < city["before"]["on_time_probability"]
    assert city["change"] == pytest.approx(
        city["after"]["on_time_probability"] - city["before"]["on_time_probability"], abs=1e-3
    )
    assert 0 < city["change_standard_error"] < 0.05
    # It breaks a signed commitment, so the levers come along; the start lever breaks no one.
    start = next(lv for lv in block["levers"]["recommended"] if lv["kind"] == "start")
    assert start["breaks"] == [] and start["start"] > "2027-03-15"
    quiet = invoke(*args, "--no-compromises")
    assert json.loads(quiet.stdout)["portfolio"]["levers"] is None


def test_deal_first_in_line_breaks_no_one_here() -> None:
    result = invoke(
        "estimate", DEAL, "--portfolio", EXAMPLE, "--rank", "first", "--trials", "500", "-f", "json"
    )
    report = json.loads(result.stdout)
    assert report["portfolio"]["rank"] == 1


def test_deal_usage_errors_exit_2() -> None:
    bad_rank = invoke("estimate", DEAL, "--portfolio", EXAMPLE, "--rank", "sideways")
    assert bad_rank.exit_code == ExitCode.INVALID_INPUT
    assert "--rank" in bad_rank.stderr
    listed = invoke(
        "estimate", f"{EXAMPLE}/signed/city-portal", "--portfolio", EXAMPLE, "--trials", "50"
    )
    assert listed.exit_code == ExitCode.INVALID_INPUT
    assert "already a commitment" in listed.stderr
    with_scenario = invoke("estimate", DEAL, "--portfolio", EXAMPLE, "--scenario", "x")
    assert with_scenario.exit_code == ExitCode.INVALID_INPUT
    assert "--scenario" in with_scenario.stderr


def test_single_spec_estimate_is_unchanged_without_a_portfolio() -> None:
    # The same spec with and without the new keys' defaults: nothing about it changes.
    result = invoke("estimate", "examples/webshop", "--trials", "300", "-f", "json")
    assert "portfolio" not in json.loads(result.stdout)


def test_compare_judges_every_column_as_the_deal_against_the_portfolio() -> None:
    result = invoke(
        "compare",
        f"{DEAL}/spec.toml",
        "--portfolio",
        EXAMPLE,
        "--trials",
        "800",
        "-f",
        "json",
    )
    assert result.exit_code == ExitCode.ON_TRACK
    columns = json.loads(result.stdout)["columns"]
    assert [c["label"] for c in columns] == ["baseline", "two-weeks-later"]
    assert columns[0]["breaks"] == ["City portal"]
    assert columns[1]["breaks"] == []
    # The baseline column is the deal as estimate --portfolio sees it: same draws, same odds.
    alone = json.loads(
        invoke("estimate", DEAL, "--portfolio", EXAMPLE, "--trials", "800", "-f", "json").stdout
    )
    assert columns[0]["on_time_probability"] == alone["on_time_probability"]
    assert columns[0]["finish"] == {k: alone["finish"][k] for k in ("p50", "p85")}
    plain = json.loads(
        invoke("compare", f"{DEAL}/spec.toml", "--trials", "300", "-f", "json").stdout
    )
    assert all(c["breaks"] is None for c in plain["columns"])


def test_compare_with_a_portfolio_reads_each_version_against_its_team() -> None:
    """An assignee the shared team lacks is the spec's error at its line, as for estimate,
    not a crash in the middle of the run."""
    result = invoke(
        "compare", "examples/webshop/spec.toml", "--portfolio", EXAMPLE, "--trials", "50"
    )
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "Traceback" not in result.output
    assert (
        'examples/webshop/spec.toml:33: items[0] "discovery".assignee: `Lena` is not a member '
        "in examples/portfolio/team.toml"
    ) in result.output


def test_validate_reads_the_example_portfolio_and_a_broken_one(tmp_path: Path) -> None:
    result = invoke("validate", f"{EXAMPLE}/portfolio.toml")
    assert result.exit_code == ExitCode.ON_TRACK
    assert "valid portfolio" in result.stdout
    (tmp_path / "team.toml").write_text('[[members]]\nname = "Ana"\nskills = ["dev"]\n')
    (tmp_path / "portfolio.toml").write_text(
        '[[commitments]]\nspec = "a.toml"\nstatus = "signed"\nwin_probability = 0.4\n'
    )
    broken = invoke("validate", str(tmp_path / "portfolio.toml"))
    assert broken.exit_code == ExitCode.INVALID_INPUT
    assert "portfolio.toml:1: commitments[0]" in broken.stdout + broken.stderr


DEAL_ARGS = ("estimate", "{root}/deals/gamma-portal", "--portfolio", "{root}", "--no-compromises")


@pytest.mark.parametrize(
    ("command", "target"),
    [
        (("portfolio", "{root}", "-f", "json"), "portfolio.toml"),
        (("portfolio", "{root}"), "signed/acme-shop/spec.toml"),
        (DEAL_ARGS, "team.toml"),
        ((*DEAL_ARGS, "-f", "json"), "deals/gamma-portal/spec.toml"),
    ],
)
def test_the_report_is_never_written_over_a_file_of_the_portfolio(
    tmp_path: Path, command: tuple[str, ...], target: str
) -> None:
    root = tmp_path / "portfolio"
    shutil.copytree(EXAMPLE, root)
    before = (root / target).read_bytes()
    args = [a.format(root=root) for a in command]
    result = invoke(*args, "--trials", "50", "-o", str(root / target))
    assert result.exit_code == ExitCode.INVALID_INPUT, result.stderr
    assert "is an input of this run" in result.stderr
    assert (root / target).read_bytes() == before


@pytest.mark.parametrize(
    ("weeks", "said"), [(0, ""), (1, "1 week above 90 %"), (3, "3 weeks above 90 %")]
)
def test_overload_note_counts_weeks(weeks: int, said: str) -> None:
    member = MemberShare(
        name="Ana", skills=("x",), projects=(), hours=(), weekly=(), overloaded_weeks=weeks
    )
    assert view.overload_note(member) == said
