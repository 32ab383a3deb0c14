"""The calibrate analysis and its three renderers, and the calibrate command."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from promisecheck.calibration import Calibration, bias_sentence, calibrate
from promisecheck.cli import app
from promisecheck.errors import ExitCode
from promisecheck.history import make_history
from promisecheck.report import render_calibration

runner = CliRunner()


def mixed() -> Calibration:
    # 30 tasks: 20 on estimate, 6 at 1.5×, 4 at 3× (one in 7.5 over 1.5×).
    ratios = [1.0] * 20 + [1.5] * 6 + [3.0] * 4
    return calibrate(
        make_history(
            [10.0] * 30,
            [10.0 * r for r in ratios],
            skill=["backend"] * 25 + ["qa"] * 5,
            person=["Ana"] * 10 + ["Ben"] * 20,
            date=[dt.date(2026, 1 + i // 10, 5) for i in range(30)],
            source="h.csv",
        )
    )


def test_every_task_at_1_5x() -> None:
    c = calibrate(make_history([4.0] * 25, [6.0] * 25))
    assert (c.overall.median, c.overall.p85, c.overall.p95) == (1.5, 1.5, 1.5)
    assert (
        c.sentence == "estimates run 1.5× over at the median; no task took over 1.5× its estimate"
    )
    assert c.over_share == 1.0
    assert c.trend == () and c.trend_sentence is None


def test_bias_sentence() -> None:
    assert bias_sentence(1.3, 2.5, 1 / 7) == (
        "estimates run 1.3× over at the median; one task in seven takes over 2.5× its estimate"
    )
    assert bias_sentence(0.8, 1.4, 0.1).startswith("tasks take 0.8× their estimate at the median")
    assert bias_sentence(1.02, 1.7, 0.04).endswith("one task in 25 takes over 1.7× its estimate")


def test_groups_trend_and_chart() -> None:
    c = mixed()
    assert c.sentence == (
        "estimates are right at the median; one task in eight takes over 1.5× its estimate"
    )
    assert [(g.name, g.records, g.pooled) for g in c.by_skill] == [
        ("backend", 25, True),
        ("qa", 5, False),
    ]
    assert [(g.name, g.median) for g in c.by_person] == [("Ben", 1.0), ("Ana", 1.0)]
    assert [(p.label, p.records) for p in c.trend] == [
        ("2026-01", 10),
        ("2026-02", 10),
        ("2026-03", 10),
    ]
    assert (
        c.trend_sentence
        == "the median went from 1.0× in 2026-01 to 1.5× in 2026-03; P85 from 1.0× to 3.0×"
    )
    assert [b.records for b in c.chart] == [0, 0, 20, 6, 0, 4, 0]


def test_json() -> None:
    report = json.loads(render_calibration(mixed(), "json"))
    assert report["schema"] == "promisecheck.calibrate/1"
    assert report["ratio"] == {"records": 30, "median": 1.0, "p85": 1.5, "p95": 3.0, "pooled": True}
    assert report["tail"] == {"ratio": 1.5, "share": 0.1333}
    assert report["trend"][0] == {
        "period": "2026-01",
        "first": "2026-01-05",
        "last": "2026-01-05",
        "records": 10,
        "median": 1.0,
        "p85": 1.0,
    }


def test_markdown() -> None:
    text = render_calibration(mixed(), "markdown")
    assert text.startswith(
        "### How this team estimates: h.csv\n\n"
        "**Estimates are right at the median; one task in eight takes over 1.5× its estimate.**\n\n"
        "- Tasks: 30\n"
        "- Ratio: median 1.0×, P85 1.5×, P95 3.0× (actual ÷ estimate)\n"
        "- Over estimate: 33 % of tasks\n"
        "- Hours: 300 h estimated, 410 h actual\n\n"
        "#### By skill\n\n"
        "| Skill | Tasks | Median | P85 | P95 | Forecasts |\n"
        "| --- | ---: | ---: | ---: | ---: | --- |\n"
        "| backend | 25 | 1.0× | 1.5× | 1.5× | own records |\n"
        "| qa | 5 | 3.0× | 3.0× | 3.0× | under 20: uses the wider pool |\n"
    )
    assert "  0.8 to 1.25×  ██████████████████████████████   67 %\n" in text


def test_table() -> None:
    text = render_calibration(mixed(), "table")
    lines = text.splitlines()
    assert (
        lines[0]
        == "Estimates are right at the median; one task in eight takes over 1.5× its estimate."
    )
    assert "Tasks           30 from h.csv" in lines
    assert "\x1b" not in text


def test_calibrate_command(tmp_path: Path) -> None:
    csv = tmp_path / "h.csv"
    csv.write_text("Est,Spent\n" + "60,90\n" * 25)
    result = runner.invoke(
        app,
        [
            "calibrate",
            str(csv),
            "--columns",
            "estimate_hours=Est,actual_hours=Spent",
            "--unit",
            "minutes",
            "-f",
            "json",
        ],
    )
    assert result.exit_code == ExitCode.ON_TRACK
    assert json.loads(result.stdout)["estimate_hours"] == 25.0
    assert "estimates run 1.5× over at the median" in result.stderr


def test_calibrate_bad_input_exits_2(tmp_path: Path) -> None:
    csv = tmp_path / "h.csv"
    csv.write_text("estimate_hours,actual_hours\n" + "1,2\n" * 25 + "1,two\n")
    result = runner.invoke(app, ["calibrate", str(csv)])
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert f'{csv}:27: column `actual_hours`: got "two"' in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    bad = runner.invoke(app, ["calibrate", str(csv), "--columns", "estimate=Est"])
    assert bad.exit_code == ExitCode.INVALID_INPUT
    assert "--columns: unknown column `estimate`" in bad.stderr


@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_every_format_runs(tmp_path: Path, fmt: str) -> None:
    csv = tmp_path / "h.csv"
    csv.write_text("estimate_hours,actual_hours,date\n" + "2,3,2025-05-01\n" * 25)
    assert runner.invoke(app, ["calibrate", str(csv), "-f", fmt]).exit_code == 0
