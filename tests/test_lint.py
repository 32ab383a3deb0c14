"""validate: every error of a proposal and its team at once, and the reviewer's warnings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from typer.testing import CliRunner

from promisecheck.cli import app
from promisecheck.commands.validate import validate
from promisecheck.errors import ExitCode
from promisecheck.notices import BigItem, DeadlineOnDayOff, Finding, LateJoiner
from promisecheck.report._kit.notices import finding, finding_words

runner = CliRunner()

SPEC = """\
[project]
name = "X"
start = 2027-01-04
deadline = {deadline}

[[items]]
id = "a"
skill = "backend"
estimate = {a}

[[items]]
id = "b"
skill = "qa"
estimate = 8
"""

TEAM = """\
[[members]]
name = "Ana"
skills = ["backend"]

[[members]]
name = "Sofia"
skills = ["qa"]
{sofia}
"""


def write(
    tmp_path: Path,
    *,
    deadline: str = "2027-01-29",
    a: str = "[16, 24, 40]",
    sofia: str = "",
    team_extra: str = "",
) -> Path:
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC.format(deadline=deadline, a=a), encoding="utf-8")
    (tmp_path / "team.toml").write_text(TEAM.format(sofia=sofia) + team_extra, encoding="utf-8")
    return spec


def messages(spec: Path) -> list[str]:
    return [finding(w) for w in validate(spec).warnings]


def message(w: Finding) -> str:
    return finding_words(w.kind)[0]


def hint(w: Finding) -> str | None:
    return finding_words(w.kind)[1]


def test_a_sound_proposal_has_no_errors_and_no_warnings(tmp_path: Path) -> None:
    result = validate(write(tmp_path))
    assert (result.errors, result.warnings, result.kind) == ((), (), "proposal")


def test_the_shipped_examples_validate() -> None:
    for spec in ("examples/tight/spec.toml", "examples/webshop/spec.toml"):
        assert validate(Path(spec)).errors == ()


def test_errors_in_spec_and_team_are_reported_together(tmp_path: Path) -> None:
    spec = write(tmp_path, a='"24"', sofia="allocation = 50")
    result = validate(spec)
    assert [(p.path.name if p.path else None, p.line) for p in result.errors] == [
        ("spec.toml", 9),
        ("team.toml", 8),
    ]
    assert "write numbers without quotes" in str(result.errors[0])
    assert "a share, not a percentage" in str(result.errors[1])
    assert result.warnings == ()


def test_a_team_file_is_validated_on_its_own(tmp_path: Path) -> None:
    write(tmp_path, sofia="allocation = 2")
    result = validate(tmp_path / "team.toml")
    assert result.kind == "team"
    assert [p.location for p in result.errors] == ['members[1] "Sofia".allocation']
    write(tmp_path, sofia='skills = ["qa"]')  # a key twice: not even TOML
    result = validate(tmp_path / "team.toml")
    assert result.kind == "team"
    assert "malformed TOML" in str(result.errors[0])


def test_skill_nobody_has_is_a_warning_with_the_closest_name(tmp_path: Path) -> None:
    spec = write(tmp_path)
    spec.write_text(spec.read_text().replace('skill = "backend"', 'skill = "bakend"'))
    assert messages(spec) == [
        f'{spec}:8: items[0] "a".skill: nobody in {tmp_path / "team.toml"} has skill `bakend`; '
        "the estimate will be infeasible (did you mean `backend`?)"
    ]


def test_member_joining_after_the_deadline(tmp_path: Path) -> None:
    extra = '\n[[members]]\nname = "Late"\nskills = ["backend"]\njoins = 2027-03-01\n'
    spec = write(tmp_path, team_extra=extra)
    [warning] = validate(spec).warnings
    assert warning.path == tmp_path / "team.toml" and warning.line == 13
    assert warning.kind == LateJoiner(
        member="Late", joins=dt.date(2027, 3, 1), deadline=dt.date(2027, 1, 29)
    )
    assert message(warning) == (
        "Late joins on 2027-03-01, after the deadline 2027-01-29: no help with this promise"
    )


def test_only_holder_of_a_skill_off_during_the_whole_project(tmp_path: Path) -> None:
    spec = write(tmp_path, sofia="time_off = [[2027-01-01, 2027-02-10]]")
    [warning] = validate(spec).warnings
    assert warning.location == 'items[1] "b".skill'
    assert message(warning) == (
        "Sofia, the only member with skill `qa`, has no working hours from 2027-01-04 to "
        "2027-01-29 (1 item needs it)"
    )


def test_holder_off_for_part_of_the_project_is_fine(tmp_path: Path) -> None:
    assert messages(write(tmp_path, sofia="time_off = [[2027-01-01, 2027-01-20]]")) == []


def test_big_item_and_narrow_range(tmp_path: Path) -> None:
    big = validate(write(tmp_path, a="[60, 100, 160]")).warnings
    assert [w.kind for w in big] == [BigItem(likely=100, limit=80)]
    assert [message(w) for w in big] == [
        "100 h likely: an item over 80 h hides work nobody has thought through"
    ]
    assert hint(big[0]) == "split it into smaller items"
    narrow = validate(write(tmp_path, a="[38, 40, 42]")).warnings
    assert [message(w) for w in narrow] == [
        "[38, 40, 42] is within ±10 % of 40 h; real effort varies more than that"
    ]
    # Exactly ±10 % is wide enough; an exact number is a deliberate statement.
    assert messages(write(tmp_path, a="[36, 40, 44]")) == []
    assert messages(write(tmp_path, a="40")) == []


def test_deadline_on_a_weekend_or_public_holiday(tmp_path: Path) -> None:
    [weekend] = validate(write(tmp_path, deadline="2027-01-30")).warnings
    assert weekend.location == "project.deadline" and weekend.line == 4
    assert weekend.kind == DeadlineOnDayOff(
        deadline=dt.date(2027, 1, 30),
        why="not-a-workday",
        before=dt.date(2027, 1, 29),
    )
    assert message(weekend).startswith("2027-01-30 (Saturday) is not a working day")
    assert "2027-01-29 (Friday)" in (hint(weekend) or "")
    [holiday] = validate(Path("examples/webshop/spec.toml")).warnings
    assert message(holiday) == "2027-03-26 (Friday) is a public holiday in DE-BY"


def test_cli_exit_codes_and_strict(tmp_path: Path) -> None:
    spec = write(tmp_path, a="[38, 40, 42]")
    ok = runner.invoke(app, ["validate", str(spec)])
    assert ok.exit_code == ExitCode.ON_TRACK
    assert ok.stdout.splitlines()[0].startswith(f"warning: {spec}:9: ")
    assert ok.stdout.splitlines()[-1] == f"{spec}: 1 warning; valid proposal"
    strict = runner.invoke(app, ["validate", str(spec), "--strict"])
    assert strict.exit_code == ExitCode.INVALID_INPUT
    assert strict.stdout.splitlines()[-1] == f"{spec}: 1 warning"


def test_cli_reports_every_file_and_exits_2_on_any_error(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["validate", "examples/tight/spec.toml", "examples/invalid/unknown-key/spec.toml"]
    )
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stdout == (
        "examples/tight/spec.toml: valid proposal\n"
        'error: examples/invalid/unknown-key/spec.toml:17: items[1] "pages".depnds_on: '
        "unknown key `depnds_on` (did you mean `depends_on`?)\n"
        "examples/invalid/unknown-key/spec.toml: 1 error\n"
    )
    missing = runner.invoke(app, ["validate", str(tmp_path / "nope.toml")])
    assert missing.exit_code == ExitCode.INVALID_INPUT
    assert "nope.toml: file not found" in missing.stdout


def test_validate_reads_the_teams_history_file_too(tmp_path: Path) -> None:
    import shutil

    for name in ("spec.toml", "team.toml"):
        shutil.copy(f"examples/evidence/{name}", tmp_path / name)
    (tmp_path / "history.csv").write_text(
        "Task,Estimated,Spent,Area,Who,Finished\nX,2,abc,backend,Paul,2025-03-03\n"
    )
    result = validate(tmp_path / "spec.toml")
    assert [str(p) for p in result.errors] == [
        f'{tmp_path / "history.csv"}:2: column `Spent` (actual_hours): got "abc"; '
        "expected a number above 0"
    ]


def test_validate_words_a_missing_team_option_as_its_flag() -> None:
    from typer.testing import CliRunner

    from promisecheck.cli import app

    result = CliRunner().invoke(
        app, ["validate", "examples/tight/spec.toml", "--team", "absent.toml"]
    )
    assert result.exit_code == 2
    assert result.stdout.startswith("error: absent.toml: --team: team file not found\n")
