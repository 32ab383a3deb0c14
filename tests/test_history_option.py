"""--history on compare and check: the given file wins over the team's, as on estimate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from promisecheck.cli import app

runner = CliRunner()


def history(path: Path, ratio: float) -> Path:
    rows = ["estimate_hours,actual_hours"] + [f"{h},{h * ratio}" for h in range(4, 34)]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_compare_uses_the_given_history_for_every_version(tmp_path: Path) -> None:
    exact, double = history(tmp_path / "exact.csv", 1.0), history(tmp_path / "double.csv", 2.0)
    spec = "examples/webshop/spec.toml"

    def effort(csv: Path) -> float:
        args = ["compare", spec, spec, "--trials", "300", "-f", "json", "--history", str(csv)]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.stderr
        columns = json.loads(result.stdout)["columns"]
        return float(columns[1]["effort_hours"]["p50"])

    # Every task took exactly its estimate, or exactly twice: the effort doubles.
    assert abs(effort(double) - 2 * effort(exact)) <= 0.2


def test_check_uses_the_given_history_and_reports_a_missing_one(tmp_path: Path) -> None:
    repo = tmp_path / "proposals"
    shutil.copytree("examples/webshop", repo / "webshop")
    exact, double = history(tmp_path / "exact.csv", 1.0), history(tmp_path / "double.csv", 2.0)

    def on_time(csv: Path) -> float:
        args = ["check", str(repo), "--trials", "300", "-f", "json", "--history", str(csv)]
        result = runner.invoke(app, args)
        return float(json.loads(result.stdout)["proposals"][0]["on_time_probability"])

    assert on_time(double) < on_time(exact)
    missing = runner.invoke(app, ["check", str(repo), "--history", str(tmp_path / "no.csv")])
    assert missing.exit_code == 2
    # check lists it as the proposal's problem; the report words the option as its flag.
    assert "--history: history file not found" in " ".join(missing.stdout.split())
