"""Hostile proposals (issue 14): every case gives a located message or a correct report.

Each test writes a small proposal into a folder that is not a git repository, so the
boundary is the folder of the file named on the command line.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from promisecheck.cli import app
from promisecheck.errors import ExitCode, InputError
from promisecheck.inputs.limits import MAX_DEPTH, MAX_ITEMS, MAX_MEMBERS, MAX_SCENARIOS
from promisecheck.inputs.loading import load
from promisecheck.inputs.model import MAX_HOURS
from promisecheck.inputs.safefiles import MAX_TOML_BYTES, read_bytes, recording, root_of

runner = CliRunner()

SPEC = """\
[project]
name = "X"
start = 2027-01-04
deadline = 2027-03-01
{project}
[[items]]
id = "a"
skill = "dev"
estimate = {estimate}
"""

TEAM = """\
[[members]]
name = "Ana"
skills = ["dev"]
{member}
{extra}
"""

HISTORY = "estimate_hours,actual_hours,person\n" + "".join(
    f"{4 + n % 5},{5 + n % 7},Ana\n" for n in range(25)
)


def proposal(
    folder: Path,
    *,
    project: str = "",
    estimate: str = "[8, 16, 24]",
    member: str = "",
    extra: str = "",
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    spec = folder / "spec.toml"
    spec.write_text(SPEC.format(project=project, estimate=estimate), encoding="utf-8")
    (folder / "team.toml").write_text(TEAM.format(member=member, extra=extra), encoding="utf-8")
    return spec


def invoke(*args: str | Path) -> Result:
    return runner.invoke(app, [str(a) for a in args])


def fails_with(result: Result, *parts: str) -> None:
    assert result.exit_code == ExitCode.INVALID_INPUT, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    for part in parts:
        assert part in result.stderr


# --- the trust boundary ----------------------------------------------------------------------


def test_a_history_file_outside_the_repository_is_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECRET_TOKEN", "hunter2-do-not-leak")
    spec = proposal(tmp_path / "p", extra='[history]\nfile = "/proc/self/environ"')
    result = invoke("check", tmp_path / "p", "-f", "markdown", "--trials", "50", "--jobs", "1")
    assert result.exit_code == ExitCode.INVALID_INPUT
    expected = (
        f"{spec.parent / 'team.toml'}:6: history.file: /proc/self/environ is outside the repository"
    )
    assert expected in result.stdout
    assert "hunter2" not in result.stdout + result.stderr


@pytest.mark.parametrize("team", ["/etc/passwd", "../../../../etc/shadow", "/dev/zero"])
def test_a_team_path_leaving_the_repository_is_an_input_error(tmp_path: Path, team: str) -> None:
    spec = proposal(tmp_path / "p", project=f'team = "{team}"')
    with pytest.raises(InputError) as raised:
        load(spec)
    assert str(raised.value).startswith(f"{spec}:5: project.team: {team} is outside the repository")
    assert "root:" not in str(raised.value)  # nothing of the file itself


def test_a_link_out_of_the_repository_counts_where_it_points(tmp_path: Path) -> None:
    outside = proposal(tmp_path / "elsewhere")
    spec = proposal(tmp_path / "p", project='team = "shared.toml"')
    (spec.parent / "shared.toml").symlink_to(outside.parent / "team.toml")
    result = invoke("validate", spec)
    fails_with(result)
    assert "shared.toml is outside the repository" in result.stdout


def test_a_shared_team_inside_the_repository_is_fine(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    spec = proposal(tmp_path / "proposals" / "p", project='team = "../../team.toml"')
    (spec.parent / "team.toml").rename(tmp_path / "team.toml")
    assert root_of(spec) == tmp_path
    assert load(spec).team.members[0].name == "Ana"


def test_devices_and_fifos_are_refused_without_reading(tmp_path: Path) -> None:
    spec = proposal(tmp_path / "p")
    fails_with(invoke("estimate", spec, "--team", "/dev/zero"), "is not a regular file")
    fails_with(invoke("estimate", spec, "--history", "/dev/urandom"), "is not a regular file")
    fifo = tmp_path / "p" / "fifo.toml"
    os.mkfifo(fifo)
    fails_with(invoke("estimate", spec, "--team", fifo), "is not a regular file")
    (tmp_path / "p" / "spec.toml").write_text(
        SPEC.format(project='team = "fifo.toml"', estimate="8"), encoding="utf-8"
    )
    fails_with(invoke("check", tmp_path / "p", "--jobs", "1"))
    fails_with(invoke("calibrate", fifo), "is not a regular file")


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    spec = proposal(tmp_path / "p")
    spec.write_text(spec.read_text() + "#" * MAX_TOML_BYTES, encoding="utf-8")
    fails_with(invoke("estimate", spec), "is larger than 4 MiB")
    with pytest.raises(InputError):
        read_bytes(spec, limit=MAX_TOML_BYTES)


def test_a_history_header_is_quoted_short_and_escaped(tmp_path: Path) -> None:
    csv = tmp_path / "h.csv"
    csv.write_text(",".join(f"\x1b[2JKEY{n}={'x' * 60}" for n in range(40)) + "\n1,2\n")
    result = invoke("calibrate", csv)
    fails_with(result, "… (40 in all)")
    assert "\x1b" not in result.stderr and "x" * 40 not in result.stderr


# --- injection -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [("X\\n::error::forged", "\\n"), ("a\\u001b[31mred", "\\x1b"), ("bell\\u0007", "\\x07")],
)
def test_control_characters_in_names_are_located_errors(
    tmp_path: Path, text: str, shown: str
) -> None:
    spec = proposal(tmp_path / "p")
    spec.write_text(spec.read_text().replace('name = "X"', f'name = "{text}"'))
    result = invoke("estimate", spec)
    fails_with(result, f"{spec}:2: project.name: text holds the control character {shown}")
    assert not any(line.lstrip().startswith("::") for line in result.stderr.splitlines())


def test_a_history_person_with_a_newline_is_an_error(tmp_path: Path) -> None:
    csv = tmp_path / "h.csv"
    csv.write_text(HISTORY + '3,4,"Ana\n::error::forged"\n', encoding="utf-8")
    result = invoke("calibrate", csv)
    fails_with(result, "column `person`: holds the control character \\n")
    assert "\n::" not in result.stdout + result.stderr


def test_a_found_file_name_cannot_start_a_workflow_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    proposal(tmp_path / "::error file=x::forged", estimate="[200, 300, 400]")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    result = invoke("check", "--trials", "50", "--jobs", "1", "--fail-under", "0.99")
    lines = (result.stdout + result.stderr).splitlines()
    assert result.exit_code == ExitCode.BELOW_TARGET
    own = [line for line in lines if line.startswith("::error file=")]
    assert len(own) == 1 and own[0].startswith("::error file=%3A%3Aerror file=x%3A%3Aforged")
    forged = [line for line in lines if line.lstrip().startswith(("::error file=x", "::error::"))]
    assert forged == []


# --- numbers, dates, nesting --------------------------------------------------------------------


@pytest.mark.parametrize("estimate", ["[8, 16, 1e308]", "[0, 1, 1e308]", f"{MAX_HOURS + 1}"])
def test_huge_estimates_are_located_errors(tmp_path: Path, estimate: str) -> None:
    spec = proposal(tmp_path / "p", estimate=estimate)
    fails_with(invoke("estimate", spec), f'{spec}:9: items[0] "a".estimate:', "at most 100,000")


def test_a_huge_rate_is_a_located_error(tmp_path: Path) -> None:
    spec = proposal(tmp_path / "p", member="rate = 1e308")
    fails_with(invoke("estimate", spec), 'team.toml:4: members[0] "Ana".rate: got 1e+308')


def test_year_9999_is_a_located_error(tmp_path: Path) -> None:
    spec = proposal(tmp_path / "p")
    spec.write_text(spec.read_text().replace("start = 2027-01-04", "start = 9999-01-04"))
    fails_with(invoke("estimate", spec), "project.start: got 9999-01-04; expected a date from")


def test_everyone_off_until_2099_is_infeasible_not_a_crash(tmp_path: Path) -> None:
    spec = proposal(tmp_path / "p", member="time_off = [[2027-01-01, 2099-12-31]]")
    result = invoke("estimate", spec, "--trials", "100")
    assert result.exit_code == ExitCode.BELOW_TARGET
    assert "Cannot be delivered" in result.stdout
    assert "Warning" not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "value",
    ["[" * 1000 + "]" * 1000, "{ a = " * 5000 + "1" + " }" * 5000, "[" * 30 + "]" * 30],
)
def test_deep_nesting_is_a_located_error(tmp_path: Path, value: str) -> None:
    spec = proposal(tmp_path / "p", project=f"client = {value}")
    result = invoke("validate", spec)
    fails_with(result)
    assert f"nested more than {MAX_DEPTH} levels deep" in result.stdout


# --- sizes -------------------------------------------------------------------------------------


def test_too_many_items_is_a_located_error_found_quickly(tmp_path: Path) -> None:
    spec = proposal(tmp_path / "p")
    items = "".join(f'[[items]]\nid = "i{n}"\nskill = "dev"\nestimate = 1\n' for n in range(60_000))
    spec.write_text(SPEC.format(project="", estimate="1") + items, encoding="utf-8")
    result = invoke("validate", spec)
    fails_with(result)
    assert f"{spec}:6: items: 60,001 items (with [[deferred]]); expected at most" in result.stdout
    assert MAX_ITEMS < 60_001


def test_too_many_members_and_scenarios(tmp_path: Path) -> None:
    members = "".join(
        f'[[members]]\nname = "m{n}"\nskills = ["dev"]\n' for n in range(MAX_MEMBERS + 1)
    )
    spec = proposal(tmp_path / "p", extra=members)
    fails_with(invoke("validate", spec))
    scenarios = "".join(f"[scenarios.s{n}]\n" for n in range(MAX_SCENARIOS + 1))
    spec = proposal(tmp_path / "q")
    spec.write_text(spec.read_text() + scenarios, encoding="utf-8")
    result = invoke("compare", spec)
    fails_with(result, f"{MAX_SCENARIOS + 1} [scenarios.NAME] tables; expected at most")


# --- silent or misleading ------------------------------------------------------------------------


def test_a_member_without_skills_is_a_warning(tmp_path: Path) -> None:
    spec = proposal(tmp_path / "p", extra='[[members]]\nname = "Idle"\nskills = []\n')
    result = invoke("validate", spec)
    assert result.exit_code == ExitCode.ON_TRACK
    assert "Idle has no skills and no item is assigned to them" in result.stdout


def test_the_estimate_also_warns_about_a_member_who_never_works(tmp_path: Path) -> None:
    spec = proposal(tmp_path / "p", extra='[[members]]\nname = "Idle"\nskills = []\n')
    result = invoke("estimate", spec, "--trials", "50", "-f", "json")
    warnings = json.loads(result.stdout)["warnings"]
    assert "Idle has no skills and no item assigned: they never work" in warnings


def test_an_empty_skill_is_an_error(tmp_path: Path) -> None:
    spec = proposal(tmp_path / "p")
    spec.write_text(spec.read_text().replace('skill = "dev"', 'skill = ""'))
    fails_with(invoke("estimate", spec), 'items[0] "a".skill')


def test_passed_dates_are_warnings(tmp_path: Path) -> None:
    import datetime as dt

    from promisecheck.commands.validate import lint
    from promisecheck.report._kit.notices import finding_words

    spec = proposal(tmp_path / "p")
    plan = load(spec)
    late = lint(plan, spec, spec.parent / "team.toml", today=dt.date(2027, 2, 1))
    assert [w.location for w in late] == ["project.start"]
    later = lint(plan, spec, spec.parent / "team.toml", today=dt.date(2028, 1, 1))
    assert [finding_words(w.kind)[0] for w in later] == [
        "the deadline 2027-03-01 has passed (today is 2028-01-01)"
    ]


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    spec = proposal(tmp_path / "p")
    spec.write_bytes(b"\xef\xbb\xbf" + spec.read_bytes())
    assert load(spec).spec.project.name == "X"


@pytest.mark.parametrize("command", [["validate"], ["compare"], ["estimate", "--trials", "50"]])
def test_a_folder_stands_for_its_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: Sequence[str]
) -> None:
    proposal(tmp_path, extra="")
    (tmp_path / "spec.toml").write_text(
        (tmp_path / "spec.toml").read_text() + "[scenarios.later]\ndeadline = 2027-04-01\n"
    )
    monkeypatch.chdir(tmp_path)
    result = invoke(command[0], ".", *command[1:])
    assert result.exit_code in (ExitCode.ON_TRACK, ExitCode.BELOW_TARGET), result.stderr


def test_fail_under_0_fails_only_the_infeasible(tmp_path: Path) -> None:
    proposal(tmp_path / "ok")
    proposal(tmp_path / "never", member="time_off = [[2027-01-01, 2099-12-31]]")
    result = invoke("check", tmp_path, "--fail-under", "0", "--trials", "50", "--jobs", "1")
    assert result.exit_code == ExitCode.BELOW_TARGET
    report = invoke(
        "check", tmp_path, "--fail-under", "0", "--trials", "50", "--jobs", "1", "-f", "json"
    )
    by_folder = {
        Path(p["path"]).parent.name: p["status"] for p in json.loads(report.stdout)["proposals"]
    }
    assert by_folder == {"never": "fail", "ok": "pass"}


# --- writing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "format"), [("spec.toml", "table"), ("team.toml", "json"), ("h.csv", "markdown")]
)
def test_the_report_is_never_written_over_an_input(
    tmp_path: Path, target: str, format: str
) -> None:
    spec = proposal(tmp_path / "p")
    (spec.parent / "h.csv").write_text(HISTORY, encoding="utf-8")
    before = (spec.parent / target).read_bytes()
    result = invoke(
        "estimate", spec, "--history", spec.parent / "h.csv", "-f", format,
        "-o", spec.parent / target, "--trials", "50",
    )  # fmt: skip
    fails_with(result, "is an input of this run")
    assert (spec.parent / target).read_bytes() == before


def test_compare_and_calibrate_refuse_their_inputs_too(tmp_path: Path) -> None:
    spec = proposal(tmp_path / "p")
    (spec.parent / "h.csv").write_text(HISTORY, encoding="utf-8")
    fails_with(invoke("compare", spec, spec, "-o", spec.parent / "team.toml", "--trials", "50"))
    fails_with(invoke("calibrate", spec.parent / "h.csv", "-o", spec.parent / "h.csv"))
    check = invoke("check", spec.parent, "-o", spec.parent / "team.toml", "--jobs", "1")
    fails_with(check, "is an input of this run")


def test_reports_are_created_with_the_umask_mode(tmp_path: Path) -> None:
    spec = proposal(tmp_path / "p")
    old = os.umask(0o022)
    try:
        invoke("estimate", spec, "--trials", "50", "-o", tmp_path / "r.txt")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "r.txt").stat().st_mode) == 0o644


def test_a_scenario_cannot_add_more_members_than_the_limit(tmp_path: Path) -> None:
    spec = proposal(tmp_path / "p")
    people = ", ".join(f'{{ name = "n{n}", skills = ["dev"] }}' for n in range(MAX_MEMBERS + 1))
    spec.write_text(spec.read_text() + f"[scenarios.crowd]\nadd_members = [{people}]\n")
    result = invoke("validate", spec)
    fails_with(result)
    assert f"scenarios.crowd.add_members: {MAX_MEMBERS + 1} members added" in result.stdout


def test_a_file_from_git_is_bounded_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    spec = proposal(tmp_path)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(tmp_path)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "p"], check=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("promisecheck.inputs.safefiles.MAX_CSV_BYTES", 64)
    result = invoke("compare", "HEAD:spec.toml", spec, "--trials", "50")
    fails_with(result, "HEAD:spec.toml: is larger than")


def test_output_to_a_device_writes_to_it_and_leaves_it_a_device(tmp_path: Path) -> None:
    spec = proposal(tmp_path / "p")
    result = invoke("estimate", spec, "--trials", "50", "-o", "/dev/null")
    assert result.exit_code == ExitCode.ON_TRACK
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_file_read_in_a_nested_recording_is_recorded_around_it_too(tmp_path: Path) -> None:
    # The estimate command guards --apply with its own recording inside the CLI's, which
    # guards -o: a file the inner block read must be known to both.
    before, inner_file = tmp_path / "before.txt", tmp_path / "inner.txt"
    before.write_text("a", encoding="utf-8")
    inner_file.write_text("b", encoding="utf-8")
    with recording() as outer:
        read_bytes(before, limit=10)
        with recording() as inner:
            read_bytes(inner_file, limit=10)
        assert inner == {inner_file.resolve()}
    assert outer == {before.resolve(), inner_file.resolve()}
