"""check: discovery, parallel estimates, the gate, GitHub annotations and --base on git."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from promisecheck.assess.estimator import RunSettings
from promisecheck.cli import app
from promisecheck.commands.check import CheckRequest, Levels, discover, is_proposal, run
from promisecheck.errors import ExitCode, OptionError

CI = Path("examples/ci")
PROPOSALS = CI / "proposals"
EXPECTED = Path(__file__).parent / "expected"
FAST = ["--trials", "200", "--seed", "1"]
GATE = ["--fail-under", "0.5"]  # the example workflow's level

runner = CliRunner()


def check(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["check", *args], env=env)


def statuses(result) -> dict[str, str]:  # type: ignore[no-untyped-def]
    report = json.loads(result.stdout)
    return {
        Path(p["path"]).relative_to(PROPOSALS).as_posix(): p["status"] for p in report["proposals"]
    }


# --- finding proposals -------------------------------------------------------------------------


def test_discovery_finds_spec_files_and_tomls_with_a_deadline(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "spec.toml").write_text("not even toml [")
    (tmp_path / "b.toml").write_text('[project]\nname = "b"\ndeadline = 2027-01-01\n')
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "tool"\n')
    (tmp_path / "team.toml").write_text('[[members]]\nname = "A"\n')
    (tmp_path / "broken.toml").write_text("[project]\ndeadline = 2027-01-0\n")  # unparsable
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "spec.toml").write_text("")
    found, missing = discover([tmp_path, tmp_path / "nope"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a/spec.toml",
        "b.toml",
        "broken.toml",
    ]
    assert [str(p) for p in missing] == [f"{tmp_path / 'nope'}: no such file or directory"]
    assert is_proposal("spec.toml", "")
    assert not is_proposal("x.toml", "[project]\nname = 'x'\n")


# --- the example repository --------------------------------------------------------------------


def test_examples_ci_every_status_and_invalid_wins_the_exit_code() -> None:
    result = check(str(CI), *FAST, *GATE, "-f", "json")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert statuses(result) == {
        "broken/spec.toml": "invalid",
        "city-portal/spec.toml": "fail",
        "acme-shop/spec.toml": "warn",
        "bakery/spec.toml": "pass",
        "intranet.toml": "pass",
    }
    # Worst first, ties by path; the broken proposal did not hide the others.
    paths = [p["path"] for p in json.loads(result.stdout)["proposals"]]
    assert paths[0].endswith("broken/spec.toml") and paths[-1].endswith("intranet.toml")
    assert result.stderr.splitlines()[-1] == (
        "promisecheck: 5 proposals: 1 invalid, 1 failing, 1 warning, 2 passing (exit 2)"
    )


def test_exit_1_when_one_fails_and_0_when_the_rest_pass_or_warn() -> None:
    valid = [str(PROPOSALS / n) for n in ("city-portal", "acme-shop", "bakery", "intranet.toml")]
    assert check(*valid, *FAST, *GATE).exit_code == ExitCode.BELOW_TARGET
    assert check(*valid[1:], *FAST, *GATE).exit_code == ExitCode.ON_TRACK
    # Without --fail-under, each proposal's own target fails: the warning becomes a failure.
    assert check(*valid[1:], *FAST).exit_code == ExitCode.BELOW_TARGET


def test_warn_under_sets_the_warning_level() -> None:
    acme = str(PROPOSALS / "acme-shop")  # 64 % on time with these trials and seed
    levels = {}
    for warn in ("0.6", "0.7"):
        result = check(acme, *FAST, *GATE, "--warn-under", warn, "-f", "json")
        assert result.exit_code == ExitCode.ON_TRACK
        [proposal] = json.loads(result.stdout)["proposals"]
        levels[warn] = (proposal["status"], proposal["warn_level"])
    assert levels == {"0.6": ("pass", 0.6), "0.7": ("warn", 0.7)}


def test_markdown_for_a_pull_request_comment_exact_text() -> None:
    result = check(str(CI), *FAST, *GATE, "-f", "markdown")
    assert result.stdout == (EXPECTED / "check-ci.md").read_text(encoding="utf-8")
    assert result.stdout.startswith("<!-- promisecheck -->\n**promisecheck: 5 proposals:")
    assert "<details>\n<summary>Details</summary>" in result.stdout


def test_github_annotations_and_step_summary(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    result = check(str(CI), *FAST, *GATE, "-f", "json", env=env)
    assert result.exit_code == ExitCode.INVALID_INPUT
    json.loads(result.stdout)  # the report stays clean: annotations go to stderr
    annotations = [line + "\n" for line in result.stderr.splitlines() if line.startswith("::")]
    assert "".join(annotations) == (EXPECTED / "check-ci-annotations.txt").read_text("utf-8")
    expected = (EXPECTED / "check-ci.md").read_text(encoding="utf-8")
    assert summary.read_text(encoding="utf-8") == "earlier step\n" + expected + "\n"


def test_no_annotations_outside_github_actions() -> None:
    result = check(str(PROPOSALS / "city-portal"), *FAST, env={"GITHUB_ACTIONS": ""})
    assert result.exit_code == ExitCode.BELOW_TARGET
    assert "::error" not in result.stderr + result.stdout


def test_parallel_and_sequential_runs_agree() -> None:
    request = CheckRequest(
        paths=(CI,), levels=Levels(fail_under=0.5), settings=RunSettings(trials=300, seed=2)
    )
    one = run(dataclasses.replace(request, jobs=1))
    assert run(dataclasses.replace(request, jobs=2)) == one


def test_check_gives_each_proposal_the_odds_and_dates_estimate_gives() -> None:
    """check computes only the headline of each assessment; it must be estimate's own."""
    report = json.loads(check(str(PROPOSALS), *FAST, "-f", "json").stdout)
    judged = [p for p in report["proposals"] if p["project"] is not None]
    assert len(judged) >= 3
    for p in judged:
        done = runner.invoke(app, ["estimate", p["path"], *FAST, "-f", "json"])
        whole = json.loads(done.stdout)
        assert p["on_time_probability"] == whole["on_time_probability"]
        assert (p["verdict"], p["target_date"]) == (whole["verdict"], whole["target_date"])
        assert p["finish"] == {k: whole["finish"][k] for k in ("p50", "p85")}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fail-under", "1.5"], "--fail-under 1.5: expected a probability in [0, 1]"),
        (["--warn-under", "-0.1"], "--warn-under -0.1: expected a probability in [0, 1]"),
        (["--jobs", "0"], "--jobs 0: expected at least 1 worker process"),
        (["--trials", "0"], "--trials 0: expected at least 1"),
    ],
)
def test_bad_options_exit_2(args: list[str], message: str) -> None:
    result = check(str(CI), *args)
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert message in result.stderr


def test_no_proposals_is_a_usage_error() -> None:
    result = check("src")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "no proposals found under src" in result.stderr


# --- against a base revision -------------------------------------------------------------------


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def set_deadline(spec: Path, deadline: str) -> None:
    lines = spec.read_text().splitlines(keepends=True)
    spec.write_text(
        "".join(f"deadline = {deadline}\n" if s.startswith("deadline =") else s for s in lines)
    )


@pytest.fixture
def history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example repository without the broken proposal, committed, then changed."""
    repo = tmp_path / "proposals-repo"
    shutil.copytree(CI, repo)
    shutil.rmtree(repo / "proposals" / "broken")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    proposals = repo / "proposals"
    set_deadline(proposals / "acme-shop" / "spec.toml", "2027-05-28")  # worse, below 50 %
    set_deadline(proposals / "city-portal" / "spec.toml", "2027-05-26")  # better, still below
    (proposals / "intranet.toml").unlink()
    (proposals / "kiosk").mkdir()
    shutil.copy(proposals / "bakery" / "spec.toml", proposals / "kiosk" / "spec.toml")
    set_deadline(proposals / "kiosk" / "spec.toml", "2027-04-16")  # new, hopeless
    monkeypatch.chdir(repo)
    return repo


def test_base_fails_only_what_got_worse_and_reports_new_and_removed(history: Path) -> None:
    result = check("proposals", *FAST, *GATE, "--base", "HEAD", "-f", "json")
    assert result.exit_code == ExitCode.BELOW_TARGET, result.stderr
    report = json.loads(result.stdout)
    by = {Path(p["path"]).as_posix(): p for p in report["proposals"]}
    assert {k: (p["status"], p["change"]) for k, p in by.items()} == {
        "proposals/kiosk/spec.toml": ("fail", "new"),
        "proposals/acme-shop/spec.toml": ("fail", "worse"),
        "proposals/city-portal/spec.toml": ("warn", "better"),
        "proposals/bakery/spec.toml": ("pass", "same"),
        "proposals/intranet.toml": ("removed", None),
    }
    acme = by["proposals/acme-shop/spec.toml"]
    assert acme["delta"] < 0 and acme["base"]["on_time_probability"] > acme["on_time_probability"]
    assert by["proposals/bakery/spec.toml"]["delta"] == 0
    assert report["base"] == "HEAD"


def test_base_keeps_a_failing_but_unchanged_proposal_a_warning(history: Path) -> None:
    git(history, "checkout", "-q", "--", ".")  # undo the deadline changes
    result = check("proposals/city-portal", *FAST, *GATE, "--base", "HEAD")
    assert result.exit_code == ExitCode.ON_TRACK
    assert "WARN" in result.stdout and "but not" in result.stdout
    plain = check("proposals/city-portal", *FAST, *GATE)
    assert plain.exit_code == ExitCode.BELOW_TARGET


def test_base_markdown_names_the_revision(history: Path) -> None:
    result = check("proposals", *FAST, *GATE, "--base", "HEAD", "-f", "markdown")
    assert "| vs HEAD |" in result.stdout
    assert "removed since HEAD" in result.stdout


def test_base_html_names_the_revision_in_the_table_and_each_section(history: Path) -> None:
    result = check("proposals", *FAST, *GATE, "--base", "HEAD", "-f", "html")
    assert '<th scope="col">vs HEAD</th>' in result.stdout
    assert result.stdout.count("<dt>vs HEAD</dt>") == 5  # one per proposal, the removed too
    assert "removed since HEAD" in result.stdout


def test_unknown_base_revision_is_a_usage_error(history: Path) -> None:
    result = check("proposals", "--base", "no-such-branch")
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "unknown revision `no-such-branch`" in result.stderr
    # The revision is the option's value: worded as the flag by the CLI, not a file name.
    assert result.stderr.startswith("promisecheck: error: --base: unknown revision")


def test_base_outside_a_repository_is_the_options_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree("examples/tight", tmp_path / "tight")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(OptionError) as raised:
        run(
            CheckRequest(
                paths=(Path("tight"),), base="HEAD", jobs=1, settings=RunSettings(trials=10)
            )
        )
    assert raised.value.option == "base"


def test_an_unwritable_step_summary_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(tmp_path / "no" / "file")}
    result = check(str(PROPOSALS / "bakery"), *FAST, env=env)
    assert result.exit_code == ExitCode.ON_TRACK
    assert "cannot append the report" in result.stderr


def test_installed_command_runs_check_in_worker_processes() -> None:
    found = shutil.which("promisecheck", path=str(Path(sys.executable).parent))
    assert found is not None
    done = subprocess.run(
        [found, "check", str(CI), "--trials", "200", "--fail-under", "0.5", "--jobs", "2"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == ExitCode.INVALID_INPUT, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1].startswith("promisecheck: 5 proposals: 1 invalid")
