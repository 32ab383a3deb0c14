"""The calibrate analysis and its three renderers, and the calibrate command."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from promisecheck.cli import app
from promisecheck.commands.calibrate import Calibration, calibrate
from promisecheck.errors import ExitCode
from promisecheck.inputs.history import make_history
from promisecheck.report import render_calibration
from promisecheck.report.calibrate import view as words

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
        words.sentence(c)
        == "estimates run 1.5× over at the median; no task took over 1.5× its estimate"
    )
    assert c.over_share == 1.0
    assert c.trend == () and c.trend_change is None and words.trend_sentence(c) is None


def test_bias_sentence() -> None:
    assert words.bias_sentence(1.3, 2.5, 1 / 7) == (
        "estimates run 1.3× over at the median; one task in seven takes over 2.5× its estimate"
    )
    assert words.bias_sentence(0.8, 1.4, 0.1).startswith(
        "tasks take 0.8× their estimate at the median"
    )
    assert words.bias_sentence(1.02, 1.7, 0.04).endswith(
        "one task in 25 takes over 1.7× its estimate"
    )


def test_groups_trend_and_chart() -> None:
    c = mixed()
    assert words.sentence(c) == (
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
        words.trend_sentence(c)
        == "the median went from 1.0× in 2026-01 to 1.5× in 2026-03; P85 from 1.0× to 3.0×"
    )
    assert c.trend_change == (c.trend[0], c.trend[-1])
    assert [b.records for b in c.chart] == [0, 0, 20, 6, 0, 4, 0]
    assert [words.bin_label(b) for b in c.chart] == [
        "under 0.5×",
        "0.5 to 0.8×",
        "0.8 to 1.25×",
        "1.25 to 2×",
        "2 to 3×",
        "3 to 5×",
        "5× and over",
    ]


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
        "#### What the history model found\n\n"
        "- Size effect: a 10 h estimate typically takes 10 h: the same overrun at every size "
        "(under 30 tasks, or one size only, say too little about size)\n"
        "- Drift: not measured: it needs 200 tasks, two periods of 100\n"
        "- Shared surprise: not measured: it needs 60 tasks, three blocks of 20\n"
        "- Forecast spread: each trial moves all items of a proposal together by about 7 % "
        "(shared surprise, drift and the level's own uncertainty)\n"
        "- Round numbers: 100 % of estimates are 10 h\n"
        "- Forecasts use: the fitted model: size effect, recent records first, "
        "a shared shift per trial\n\n"
        "| Pool | Tasks | Size β | Typical hours by estimate |\n"
        "| --- | ---: | ---: | --- |\n"
        "| everyone | 30 | 1 (too few) | 10 h → 10 h |\n"
        # Ben's recent tasks (March) took 1.5× and 3×: recent records weigh most.
        "| person Ben | 20 | 1 (too few) | 10 h → 15 h |\n"
        "| skill backend | 25 | 1 (too few) | 10 h → 10 h |\n\n"
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


# --- what the history model found ---------------------------------------------------------


def sized(count: int = 200) -> Calibration:
    """Tasks of 1 h to 64 h whose actual hours are 1.6 · estimate^0.8, give or take."""
    estimates = [float(2 ** (i % 7)) for i in range(count)]
    wobble = [(1 / 1.1, 1.0, 1.1)[i % 3] for i in range(count)]
    actuals = [1.6 * e**0.8 * w for e, w in zip(estimates, wobble, strict=True)]
    return calibrate(make_history(estimates, actuals, source="sized.csv"))


def test_the_size_effect_is_found_and_said_with_examples() -> None:
    c = sized()
    m = c.model
    assert m.slope_fitted and m.beta == pytest.approx(0.8, abs=0.01)
    assert [e.estimate for e in m.examples] == [64.0, 8.0, 1.0]
    assert m.examples[0].typical == pytest.approx(1.6 * 64**0.8, rel=0.1)
    assert words.size_effect(m) == (
        "a 64 h estimate typically takes 45 h, an 8 h one 8.4 h, a 1 h one 1.6 h: "
        "big tasks overrun less (actual grows as estimate^0.80)"
    )
    assert m.round_values == (1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
    assert words.round_numbers(m) == "86 % of estimates are one of six values: 1, 2, 4, 8, 16, 32 h"
    assert [(p.kind, p.records) for p in m.pools] == [("everyone", 200)]


def test_model_findings_in_json() -> None:
    model = json.loads(render_calibration(sized(), "json"))["model"]
    assert model["method"] == "fitted"
    assert model["size_effect"]["beta"] == pytest.approx(0.8, abs=0.01)
    assert [e["estimate"] for e in model["size_effect"]["examples"]] == [64.0, 8.0, 1.0]
    assert model["drift"] == 0.0 and model["period"] == 100  # the level does not move
    assert model["shared_spread"] is not None and model["block"] == 20
    assert model["round_numbers"]["share"] == 0.86
    assert model["pools"][0]["records"] == 200
    assert set(model["findings"]) == {
        "Size effect",
        "Drift",
        "Shared surprise",
        "Forecast spread",
        "Round numbers",
        "Forecasts use",
    }


def _team(folder: Path, history: str = "") -> Path:
    (folder / "team.toml").write_text(
        history + '[[members]]\nname = "Ana"\nskills = ["dev"]\n', encoding="utf-8"
    )
    return folder / "team.toml"


MAPPED = (
    '[history]\nfile = "past.csv"\nmethod = "resample"\n'
    'columns = { estimate_hours = "Est", actual_hours = "Spent" }\n'
)


def test_calibrate_a_team_file_uses_its_history_mapping(tmp_path: Path) -> None:
    (tmp_path / "past.csv").write_text("Est,Spent\n" + "2,3\n" * 25)
    team = _team(tmp_path, MAPPED)
    for args in (["calibrate", str(team)], ["calibrate", "--team", str(team)]):
        result = runner.invoke(app, [*args, "-f", "json"])
        assert result.exit_code == ExitCode.ON_TRACK, result.stderr
        report = json.loads(result.stdout)
        assert report["ratio"]["median"] == 1.5
        assert report["model"]["method"] == "resample"


def test_team_mapping_applies_to_another_export_given_with_it(tmp_path: Path) -> None:
    (tmp_path / "past.csv").write_text("Est,Spent\n" + "2,3\n" * 25)
    newer = tmp_path / "newer.csv"
    newer.write_text("Est,Spent\n" + "2,4\n" * 25)
    team = _team(tmp_path, MAPPED)
    result = runner.invoke(app, ["calibrate", str(newer), "--team", str(team), "-f", "json"])
    assert json.loads(result.stdout)["ratio"]["median"] == 2.0


def test_a_csv_mapped_by_the_team_file_beside_it_points_there(tmp_path: Path) -> None:
    csv = tmp_path / "past.csv"
    csv.write_text("Est,Spent\n" + "2,3\n" * 25)
    team = _team(tmp_path, MAPPED)
    result = runner.invoke(app, ["calibrate", str(csv)])
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr.startswith(
        f"promisecheck: error: {team}: history: maps the columns of past.csv "
        f"(calibrate the team file instead: promisecheck calibrate {team})\n"
    )
    assert f"{csv}:1: column `estimate_hours`: not in the header" in result.stderr


def test_calibrate_team_file_problems_exit_2(tmp_path: Path) -> None:
    team = _team(tmp_path)
    result = runner.invoke(app, ["calibrate", str(team)])
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert f"{team}: history: no [history] table" in result.stderr
    both = runner.invoke(app, ["calibrate", str(team), "--team", str(team)])
    assert both.exit_code == ExitCode.INVALID_INPUT
    assert "give one of them" in both.stderr
    neither = runner.invoke(app, ["calibrate"])
    assert neither.exit_code == ExitCode.INVALID_INPUT
    assert "expected a history CSV or a team file" in neither.stderr


@pytest.mark.parametrize("path", ["examples/evidence/team.toml", "examples/evidence/spec.toml"])
def test_the_shipped_evidence_team_calibrates(path: str) -> None:
    result = runner.invoke(app, ["calibrate", path, "-f", "json"])
    assert result.exit_code == ExitCode.ON_TRACK
    report = json.loads(result.stdout)
    assert report["records"] == 160 and report["model"]["order"] == "date"


def test_every_format_says_what_the_model_found() -> None:
    c = sized()
    sentence = words.size_effect(c.model)
    for fmt in ("table", "markdown", "html"):
        text = render_calibration(c, fmt)
        assert "What the history model found" in text
        assert " ".join(sentence[1:].split()) in " ".join(text.split()), fmt
