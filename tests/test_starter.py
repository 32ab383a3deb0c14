"""init: the starter files load, estimate, pass validate, and never overwrite anything."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from promisecheck.assess.estimator import RunSettings
from promisecheck.cli import app
from promisecheck.commands import estimate, init
from promisecheck.commands.estimate import EstimateRequest
from promisecheck.commands.init import InitRequest
from promisecheck.commands.validate import validate
from promisecheck.errors import ExitCode, InputError
from promisecheck.inputs.starter import next_monday, starter_files

runner = CliRunner()


def test_starter_starts_next_monday_and_is_on_track(tmp_path: Path) -> None:
    today = dt.date(2027, 3, 3)  # a Wednesday
    started = init.run(InitRequest(directory=tmp_path, today=today))
    assert started.files == (tmp_path / "spec.toml", tmp_path / "team.toml")
    for path, text in zip(started.files, starter_files(today).values(), strict=True):
        assert path.read_text(encoding="utf-8") == text
    assessment = estimate.run(
        EstimateRequest(
            spec=tmp_path / "spec.toml", compromises=False, settings=RunSettings(trials=500)
        )
    ).assessment
    assert assessment.start == next_monday(today) == dt.date(2027, 3, 8)
    assert assessment.deadline.weekday() == 4
    assert assessment.verdict == "on-track"
    result = validate(tmp_path / "spec.toml")
    assert (result.errors, result.warnings) == ((), ())


def test_init_writes_both_files_which_then_run(tmp_path: Path) -> None:
    target = tmp_path / "new" / "proposal"
    result = runner.invoke(app, ["init", str(target)])
    assert result.exit_code == ExitCode.ON_TRACK, result.stderr
    assert sorted(p.name for p in target.iterdir()) == ["spec.toml", "team.toml"]
    run = runner.invoke(app, ["estimate", str(target / "spec.toml"), "--trials", "300"])
    assert run.exit_code == ExitCode.ON_TRACK


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "team.toml").write_text("# ours\n")
    result = runner.invoke(app, ["init", str(tmp_path)])
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert (
        f"{tmp_path / 'team.toml'}: already exists; init never overwrites a file" in result.stderr
    )
    assert (tmp_path / "team.toml").read_text() == "# ours\n"
    assert not (tmp_path / "spec.toml").exists()


def test_init_into_a_file_is_an_error(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    result = runner.invoke(app, ["init", str(target)])
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "is a file" in result.stderr


def test_a_folder_that_cannot_be_made_is_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("", encoding="utf-8")
    target = tmp_path / "taken" / "proposal"
    with pytest.raises(InputError) as raised:
        init.run(InitRequest(directory=target, today=dt.date(2027, 3, 3)))
    (problem,) = raised.value.problems
    assert problem.path == target
    assert problem.message.startswith("cannot write the starter files: ")
