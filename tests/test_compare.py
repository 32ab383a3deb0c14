"""compare: files, scenarios and git revisions side by side, with the same random draws."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from promisecheck.assess.estimator import RunSettings
from promisecheck.cli import app
from promisecheck.commands.compare import CompareRequest, run
from promisecheck.errors import ExitCode, InputError
from promisecheck.report.compare import markdown as compare_markdown
from promisecheck.report.compare import table as compare_table

WEBSHOP = "examples/webshop/spec.toml"
runner = CliRunner()

TINY = """\
[project]
name = "Tiny"
start = 2027-01-04
deadline = 2027-01-08
price = 5000
currency = "EUR"

[[items]]
id = "build"
skill = "dev"
estimate = 16

[[items]]
id = "test"
skill = "dev"
estimate = 8
depends_on = ["build"]
"""

TEAM = '[[members]]\nname = "Bo"\nskills = ["dev"]\nrate = 100\n'

DOCS = '\n[[items]]\nid = "docs"\nskill = "dev"\nestimate = 4\npriority = "could"\n'


def bigger(text: str) -> str:
    """The tiny proposal with `build` re-estimated, a later deadline and one more item."""
    revised = text.replace("estimate = 16", "estimate = 24")
    return revised.replace("deadline = 2027-01-08", "deadline = 2027-01-15") + DOCS


def tiny_pair(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "team.toml").write_text(TEAM)
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text(TINY)
    b.write_text(bigger(TINY))
    return a, b


def test_two_files_scope_and_deltas(tmp_path: Path) -> None:
    a, b = tiny_pair(tmp_path)
    c = run(CompareRequest(versions=(str(a), str(b)), settings=RunSettings(trials=20)))
    base, other = c.columns
    assert (base.label, other.label) == (str(a), str(b))
    assert base.deltas == {}
    s = other.scope
    assert (s.items, s.added, s.removed, s.reestimated, s.changed) == (
        3,
        ("docs",),
        (),
        ("build",),
        (),
    )
    assert {k: (d.change, d.direction) for k, d in other.deltas.items()} == {
        "on_time_probability": (0.0, "same"),
        "target_date": (2.0, "worse"),
        "finish_p50": (2.0, "worse"),
        "finish_p85": (2.0, "worse"),
        "effort_p50": (12.0, "worse"),
        "effort_p85": (12.0, "worse"),
        "cost_p50": (1200.0, "worse"),
        "cost_p85": (1200.0, "worse"),
        "margin_p50": (-1200.0, "worse"),
        "margin_p85": (-1200.0, "worse"),
    }


def test_markdown_exact_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tiny_pair(tmp_path)
    monkeypatch.chdir(tmp_path)
    text = compare_markdown.render(
        run(CompareRequest(versions=("a.toml", "b.toml"), settings=RunSettings(trials=10)))
    )
    assert text == (
        "### Tiny: 2 versions\n\n"
        "- **a.toml:** On track: 100 % chance of delivering Tiny by Fri 8 Jan 2027; "
        "85 % is reached by Wed 6 Jan 2027.\n"
        "- **b.toml:** On track: 100 % chance of delivering Tiny by Fri 15 Jan 2027; "
        "85 % is reached by Fri 8 Jan 2027.\n\n"
        "|  | **a.toml** | **b.toml** |\n"
        "|---|---|---|\n"
        "| **Deadline** | Fri 8 Jan 2027 | Fri 15 Jan 2027 (moved) |\n"
        "| **Team** | 1 person | 1 person |\n"
        "| **Scope** | 2 items | 3 items |\n"
        "| **Added** | \N{EN DASH} | docs |\n"
        "| **Re-estimated** | \N{EN DASH} | build |\n"
        "| **On time** | 100 % | 100 % (same) |\n"
        "| **85 % reached by** | Wed 6 Jan 2027 | Fri 8 Jan 2027 (▲ 2 days later, worse) |\n"
        "| **P50 finish** | Wed 6 Jan 2027 | Fri 8 Jan 2027 (▲ 2 days later, worse) |\n"
        "| **P85 finish** | Wed 6 Jan 2027 | Fri 8 Jan 2027 (▲ 2 days later, worse) |\n"
        "| **Effort P50 (h)** | 24 | 36 (▲ 12 h, worse) |\n"
        "| **Effort P85 (h)** | 24 | 36 (▲ 12 h, worse) |\n"
        "| **Cost P50 (EUR)** | 2,400 | 3,600 (▲ 1,200, worse) |\n"
        "| **Cost P85 (EUR)** | 2,400 | 3,600 (▲ 1,200, worse) |\n"
        "| **Margin P50 (EUR)** | 2,600 | 1,400 (▼ 1,200, worse) |\n"
        "| **Margin P85 (EUR)** | 2,600 | 1,400 (▼ 1,200, worse) |\n"
        "| **Verdict** | ON TRACK | ON TRACK |\n\n"
        "10 trials, seed 0, in every column: an item that did not change keeps its random "
        "draws, so a difference is the change, not noise.\n"
    )


def test_scenarios_are_columns_with_common_random_numbers() -> None:
    c = run(CompareRequest(versions=(WEBSHOP,), settings=RunSettings(trials=1000, seed=3)))
    assert [col.label for col in c.columns] == [
        "baseline",
        "lean",
        "later",
        "extra-design",
        "ranges-revised",
    ]
    by = {col.label: col for col in c.columns}
    assert by["lean"].scope.removed == ("search", "vouchers", "fe-search")
    assert by["lean"].deltas["effort_p50"].direction == "better"
    # Same items, same draws: a later deadline changes the odds, not the effort.
    assert by["later"].deltas["effort_p50"].direction == "same"
    assert by["later"].assessment.effort_hours == by["baseline"].assessment.effort_hours
    assert by["later"].deltas["on_time_probability"].direction == "better"
    assert by["extra-design"].scope.members_added == ("Freelancer",)
    assert by["ranges-revised"].scope.reestimated == ("checkout",)
    # Every scenario's probability is the one `estimate --scenario` gives with that seed.
    single = runner.invoke(
        app,
        [
            "estimate",
            WEBSHOP,
            "--scenario",
            "lean",
            "--trials",
            "1000",
            "--seed",
            "3",
            "-f",
            "json",
        ],
    )
    lean = json.loads(single.stdout)["on_time_probability"]
    assert lean == round(by["lean"].assessment.on_time_probability, 4)


def test_one_spec_without_scenarios_is_a_usage_error() -> None:
    result = runner.invoke(app, ["compare", "examples/tight/spec.toml"])
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "has no [scenarios.NAME] tables to compare" in result.stderr


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real repository: one commit of proposals/tiny, then an uncommitted change."""
    (tmp_path / "proposals" / "tiny").mkdir(parents=True)
    (tmp_path / "proposals" / "tiny" / "spec.toml").write_text(TINY)
    (tmp_path / "proposals" / "tiny" / "team.toml").write_text(TEAM)
    git(tmp_path, "init", "-q")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "add", ".")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "base")
    (tmp_path / "proposals" / "tiny" / "spec.toml").write_text(bigger(TINY))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_git_revision_against_the_working_copy(repo: Path) -> None:
    c = run(
        CompareRequest(
            versions=("HEAD:proposals/tiny/spec.toml", "proposals/tiny/spec.toml"),
            settings=RunSettings(trials=10),
        )
    )
    base, other = c.columns
    assert base.label == "HEAD:proposals/tiny/spec.toml"
    assert base.assessment.effort_hours["p50"] == 24
    assert other.scope.added == ("docs",) and other.scope.reestimated == ("build",)


def test_git_path_relative_to_the_current_directory(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo / "proposals")
    c = run(
        CompareRequest(
            versions=("HEAD:./tiny/spec.toml", "tiny/spec.toml"), settings=RunSettings(trials=10)
        )
    )
    assert c.columns[1].deltas["effort_p50"].change == 12


def test_git_errors_are_located(repo: Path) -> None:
    with pytest.raises(InputError) as raised:
        run(
            CompareRequest(
                versions=("nope:proposals/tiny/spec.toml", "HEAD:proposals/x/spec.toml"),
                settings=RunSettings(trials=10),
            )
        )
    assert [str(p) for p in raised.value.problems] == [
        "nope:proposals/tiny/spec.toml: unknown revision `nope` "
        "(a branch, tag or commit of this repository, like main or HEAD~1)",
        "HEAD:proposals/x/spec.toml: no such file at HEAD (a path after REV: is relative to the "
        "repository root; start it with ./ for the current directory)",
    ]


def test_an_invalid_file_at_a_revision_is_named_as_git_writes_it(repo: Path) -> None:
    spec = repo / "proposals" / "tiny" / "spec.toml"
    spec.write_text(TINY.replace('depends_on = ["build"]', 'depends_on = ["bild"]'))
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "typo")
    result = runner.invoke(app, ["compare", "HEAD:proposals/tiny/spec.toml", str(spec)])
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr == (
        'promisecheck: error: HEAD:proposals/tiny/spec.toml:17: items[1] "test".depends_on: '
        "unknown item id `bild` (did you mean `build`?)\n"
        f'{spec}:17: items[1] "test".depends_on: unknown item id `bild` (did you mean `build`?)\n'
    )


def test_cli_formats_and_exit_code(tmp_path: Path) -> None:
    a, b = tiny_pair(tmp_path)
    result = runner.invoke(app, ["compare", str(a), str(b), "--trials", "10", "-f", "json"])
    assert result.exit_code == ExitCode.ON_TRACK
    report = json.loads(result.stdout)
    assert report["schema"] == "promisecheck.compare/1"
    assert report["baseline"] == str(a)
    assert [c["label"] for c in report["columns"]] == [str(a), str(b)]
    assert report["columns"][0]["deltas"] is None
    assert report["columns"][1]["deltas"]["effort_p50"] == {"change": 12.0, "direction": "worse"}
    assert report["columns"][1]["scope"]["added"] == ["docs"]
    table = runner.invoke(app, ["compare", str(a), str(b), "--trials", "10"])
    assert table.exit_code == 0
    assert "▲ 12 h, worse" in table.stdout
    bad = runner.invoke(app, ["compare", str(a), str(b), "--trials", "0"])
    assert bad.exit_code == ExitCode.INVALID_INPUT


def test_colour_says_better_in_green_and_worse_in_red() -> None:
    comparison = run(CompareRequest(versions=(WEBSHOP,), settings=RunSettings(trials=300, seed=1)))
    shown = compare_table.render(comparison, color=True)
    segments = re.findall(r"\x1b\[(\d+)m([^\x1b]*)", shown)
    tones = {
        (code, word)
        for code, text in segments
        for word in ("better", "worse", "same")
        if word in text
    }
    assert tones == {("32", "better"), ("31", "worse"), ("2", "same")}
    assert "\x1b[" not in compare_table.render(comparison, color=False)
