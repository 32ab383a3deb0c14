"""History CSVs: reading, located messages, pools, and how history changes a forecast."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from conftest import make_plan
from promisecheck.assess.estimator import RunSettings
from promisecheck.cli import app
from promisecheck.commands.estimate import estimate_plan
from promisecheck.engine.calendar import DAY_SPAN, build_capacity
from promisecheck.engine.forecast import load_history, prepare
from promisecheck.engine.history_model import calibrate_efforts
from promisecheck.engine.sampling import sample_efforts
from promisecheck.engine.simulate import simulate
from promisecheck.errors import ExitCode, InputError
from promisecheck.inputs.history import (
    MIN_RECORDS,
    Pools,
    make_history,
    parse_columns,
    read_history,
)
from promisecheck.inputs.model import HistoryMethod, Item, Plan
from promisecheck.notices import RepeatedIds

runner = CliRunner()


def write_csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def problems(error: pytest.ExceptionInfo[InputError]) -> list[str]:
    return str(error.value).splitlines()


# --- reading ------------------------------------------------------------------------------


def test_reads_mapped_columns_in_minutes_with_semicolons(tmp_path: Path) -> None:
    rows = [
        f"T{i};{60 * (i + 1)};{90 * (i + 1)};backend;Ana;2026-01-{1 + i % 28:02d}"
        for i in range(25)
    ]
    path = write_csv(tmp_path / "h.csv", "Key;Estimated;Spent;Area;Who;Done", rows)
    history = read_history(
        path,
        {
            "id": "Key",
            "estimate_hours": "Estimated",
            "actual_hours": "Spent",
            "skill": "Area",
            "person": "Who",
            "date": "Done",
        },
        unit="minutes",
    )
    assert history.records == 25
    assert history.estimate[0] == pytest.approx(1.0)
    assert history.actual[1] == pytest.approx(3.0)
    assert np.allclose(history.ratio, 1.5)
    assert history.skill[0] == "backend" and history.person[0] == "Ana"
    assert str(history.date[2]) == "2026-01-03"


def test_days_count_the_calendar_hours(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "h.csv", "estimate_hours,actual_hours", ["1,2"] * MIN_RECORDS)
    history = read_history(path, unit="days", hours_per_day=7)
    assert history.estimate[0] == 7 and history.actual[0] == 14


def test_header_names_match_without_case(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "h.csv", "Estimate_Hours, Actual_Hours", ["1,2"] * MIN_RECORDS)
    assert read_history(path).records == MIN_RECORDS


def test_missing_column_names_the_header_and_suggests_a_mapping(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "h.csv", "estimate_hours,actual_hour", ["1,2"] * MIN_RECORDS)
    with pytest.raises(InputError) as error:
        read_history(path)
    assert problems(error) == [
        f"{path}:1: column `actual_hours`: not in the header; the header has "
        "`estimate_hours`, `actual_hour` (did you mean `actual_hour`? "
        'Map it with columns = { actual_hours = "actual_hour" })'
    ]


def test_bad_cells_are_located_by_line_and_column(tmp_path: Path) -> None:
    rows = ["1,2"] * MIN_RECORDS + ["abc,2", "1,0", "2,1;5", "3,1,5", "4,"]
    path = write_csv(tmp_path / "h.csv", "estimate_hours,Spent", rows)
    with pytest.raises(InputError) as error:
        read_history(path, {"actual_hours": "Spent"})
    assert problems(error) == [
        f'{path}:22: column `estimate_hours`: got "abc"; expected a number above 0',
        f'{path}:23: column `Spent` (actual_hours): got "0"; expected a number above 0 '
        "(remove tasks with no hours)",
        f'{path}:24: column `Spent` (actual_hours): got "1;5"; expected a number above 0',
        f"{path}:26: column `Spent` (actual_hours): missing value; expected a number above 0 "
        "(fill it in or remove the row)",
    ]


def test_decimal_commas_get_a_hint(tmp_path: Path) -> None:
    rows = ["1;2"] * MIN_RECORDS + ["1,5;2"]
    path = write_csv(tmp_path / "h.csv", "estimate_hours;actual_hours", rows)
    with pytest.raises(InputError, match=r"h.csv:22: .*\(write decimals with a point: 1.5\)"):
        read_history(path)


def test_bad_dates_are_located(tmp_path: Path) -> None:
    rows = ["1,2,2026-01-05"] * MIN_RECORDS + ["1,2,05/01/2026"]
    path = write_csv(tmp_path / "h.csv", "estimate_hours,actual_hours,date", rows)
    with pytest.raises(InputError, match=r"h.csv:22: column `date`: got \"05/01/2026\""):
        read_history(path)


def test_many_bad_rows_are_summarised(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "h.csv", "estimate_hours,actual_hours", ["x,1"] * 30)
    with pytest.raises(InputError) as error:
        read_history(path)
    lines = problems(error)
    assert len(lines) == 11
    assert lines[-1] == f"{path}: and 20 more problems like these"


def test_too_few_records_is_an_input_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "h.csv", "estimate_hours,actual_hours", ["1,2"] * 5)
    with pytest.raises(InputError, match="5 finished tasks; expected at least 20"):
        read_history(path)


def test_empty_missing_and_binary_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputError, match="empty file"):
        read_history(empty)
    with pytest.raises(InputError, match="history file not found"):
        read_history(tmp_path / "nope.csv")
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"estimate_hours,actual_hours\n\xff\xfe,1\n")
    with pytest.raises(InputError, match="not UTF-8"):
        read_history(binary)


def test_repeated_ids_count_once_with_a_warning(tmp_path: Path) -> None:
    rows = [f"T{i},1,2" for i in range(MIN_RECORDS)] + ["T1,1,9", "T2,1,9"]
    path = write_csv(tmp_path / "h.csv", "id,estimate_hours,actual_hours", rows)
    history = read_history(path)
    assert history.records == MIN_RECORDS
    assert np.all(history.ratio == 2)
    assert history.warnings == (RepeatedIds(path=path, rows=2),)


def test_parse_columns() -> None:
    assert parse_columns("estimate_hours=Est, actual_hours = Spent") == {
        "estimate_hours": "Est",
        "actual_hours": "Spent",
    }
    with pytest.raises(ValueError, match="did you mean `actual_hours`"):
        parse_columns("actual=Spent")
    with pytest.raises(ValueError, match="expected ours=theirs"):
        parse_columns("actual_hours")


# --- pools --------------------------------------------------------------------------------


def _people_history() -> Pools:
    ana = [2.0] * MIN_RECORDS
    ben = [3.0] * (MIN_RECORDS - 1)  # one short of his own pool
    other = [1.0] * MIN_RECORDS
    ratios = ana + ben + other
    return Pools.of(
        make_history(
            [1.0] * len(ratios),
            ratios,
            person=["Ana"] * len(ana) + ["Ben"] * len(ben) + [None] * len(other),
            skill=["backend"] * len(ana) + ["backend"] * len(ben) + ["qa"] * len(other),
        )
    )


def test_pool_is_the_assignee_then_the_skill_then_everyone() -> None:
    pools = _people_history()
    own = pools.for_item(Item(id="a", skill="backend", estimate=1, assignee="Ana"))
    assert (own.kind, own.name, own.ratios.size) == ("person", "Ana", MIN_RECORDS)
    ben = pools.for_item(Item(id="b", skill="backend", estimate=1, assignee="Ben"))
    assert (ben.kind, ben.name) == ("skill", "backend")
    nobody = pools.for_item(Item(id="c", skill="backend", estimate=1))
    assert (nobody.kind, nobody.name) == ("skill", "backend")
    design = pools.for_item(Item(id="d", skill="design", estimate=1))
    assert (design.kind, design.name, design.ratios.size) == ("everyone", None, 59)


# --- use in a forecast --------------------------------------------------------------------


@pytest.mark.parametrize("method", ["fitted", "resample"])
def test_every_task_taking_1_5x_makes_every_effort_1_5x(method: HistoryMethod) -> None:
    items = [
        Item(id="one", skill="x", estimate=10),
        Item(id="range", skill="x", estimate=(5, 8, 20)),
    ]
    history = make_history([4.0] * 25, [6.0] * 25)
    efforts = sample_efforts(items, "pert", 500, seed=3)
    calibrated, used = calibrate_efforts(items, efforts, history, seed=3, method=method)
    assert np.allclose(calibrated, efforts * 1.5, rtol=1e-12, atol=0)
    assert [(i.method, i.pool) for i in used.items] == [
        ("resampled", "everyone"),
        ("scaled", "everyone"),
    ]
    assert used.median_ratio == used.p85_ratio == 1.5


def test_the_forecast_is_exactly_1_5x_longer() -> None:
    plain = make_plan(
        [{"id": "a", "skill": "dev", "estimate": 60}], [{"name": "Ana", "skills": ["dev"]}]
    )
    plan = make_plan(
        [{"id": "a", "skill": "dev", "estimate": 40}], [{"name": "Ana", "skills": ["dev"]}]
    )
    capacity = build_capacity(plan.team, plan.spec.project.start)
    inputs = prepare(plan, capacity, 50, 0, make_history([2.0] * 30, [3.0] * 30))
    result = simulate(plan, 50, capacity=capacity, efforts=inputs.efforts)
    expected = simulate(plain, 50, capacity=capacity)
    assert np.array_equal(result.finish, expected.finish)
    # 60 h on 8 h days: 7 whole days, then 4 h of Wednesday in week 2 (day 9)
    assert result.finish[0, 0] == 9 * DAY_SPAN + 4


def test_history_draws_are_keyed_by_item_so_other_items_do_not_change_them() -> None:
    history = make_history(list(range(1, 41)), [float(i * i % 7 + 1) for i in range(1, 41)])
    a = Item(id="a", skill="x", estimate=10)
    b = Item(id="b", skill="x", estimate=20)
    alone, _ = calibrate_efforts([a], sample_efforts([a], "pert", 300, 1), history, 1)
    both, _ = calibrate_efforts([b, a], sample_efforts([b, a], "pert", 300, 1), history, 1)
    assert np.array_equal(alone[:, 0], both[:, 1])
    assert np.unique(alone).size > 1  # a single number now has a spread


def test_team_history_is_found_beside_the_team_file(tmp_path: Path) -> None:
    folder = tmp_path / "team"
    folder.mkdir()
    write_csv(folder / "past.csv", "Est,Act", ["2,3"] * 30)
    (folder / "team.toml").write_text(
        '[history]\nfile = "past.csv"\ncolumns = { estimate_hours = "Est", actual_hours = "Act" }\n'
        '[[members]]\nname = "Ana"\nskills = ["dev"]\n'
    )
    (tmp_path / "spec.toml").write_text(
        '[project]\nname = "P"\nstart = 2027-01-04\ndeadline = 2027-01-29\n'
        'team = "team/team.toml"\n'
        '[[items]]\nid = "a"\nskill = "dev"\nestimate = 8\n'
    )
    from promisecheck.inputs.loading import load

    plan = load(tmp_path / "spec.toml")
    history = load_history(plan)
    assert history is not None and np.all(history.ratio == 1.5)
    report = estimate_plan(plan, RunSettings(trials=20, history=history))
    assert report.effort_hours["p50"] == pytest.approx(12)
    assert report.history is not None and report.history.items[0].pool == "everyone"


def test_team_history_method_resample_keeps_the_earlier_rule(tmp_path: Path) -> None:
    rows = [f"{1 + i % 5},{(1 + i % 5) * (1 + i % 3) / 2}" for i in range(40)]
    plans: dict[HistoryMethod, Plan] = {}
    methods: tuple[HistoryMethod, ...] = ("fitted", "resample")
    for method in methods:
        folder = tmp_path / method
        folder.mkdir()
        write_csv(folder / "past.csv", "estimate_hours,actual_hours", rows)
        (folder / "team.toml").write_text(
            f'[history]\nfile = "past.csv"\nmethod = "{method}"\n'
            '[[members]]\nname = "Ana"\nskills = ["dev"]\n'
        )
        (folder / "spec.toml").write_text(
            '[project]\nname = "P"\nstart = 2027-01-04\ndeadline = 2027-01-29\n'
            '[[items]]\nid = "a"\nskill = "dev"\nestimate = 8\n'
        )
        from promisecheck.inputs.loading import load

        plans[method] = load(folder / "spec.toml")
    capacity = build_capacity(plans["fitted"].team, plans["fitted"].spec.project.start)
    history = load_history(plans["resample"])
    assert history is not None
    for method, plan in plans.items():
        inputs = prepare(plan, capacity, 200, 0, history)
        expected, _ = calibrate_efforts(
            plan.spec.items, sample_efforts(plan.spec.items, "pert", 200, 0), history, 0, method
        )
        assert inputs.history is not None and inputs.history.method == method
        assert np.array_equal(inputs.efforts, expected)
    resampled = prepare(plans["resample"], capacity, 200, 0, history).efforts
    assert set(np.unique(resampled / 8)) <= set(history.ratio)


def test_unknown_history_column_in_team_file_is_located(tmp_path: Path) -> None:
    (tmp_path / "team.toml").write_text(
        '[history]\nfile = "past.csv"\ncolumns = { actual = "Act" }\n'
        '[[members]]\nname = "Ana"\nskills = ["dev"]\n'
    )
    from promisecheck.inputs.loading import load_team

    with pytest.raises(InputError) as error:
        load_team(tmp_path / "team.toml")
    assert problems(error) == [
        f"{tmp_path / 'team.toml'}:3: history.columns: unknown column `actual`; expected one of "
        "estimate_hours, actual_hours, skill, person, date, id (did you mean `actual_hours`?)"
    ]


def test_estimate_history_option(tmp_path: Path) -> None:
    csv = write_csv(tmp_path / "h.csv", "estimate_hours,actual_hours", ["2,3"] * 30)
    result = runner.invoke(
        app,
        [
            "estimate",
            "examples/tight/spec.toml",
            "--trials",
            "200",
            "-f",
            "json",
            "--history",
            str(csv),
            "--no-compromises",
        ],
    )
    report = json.loads(result.stdout)
    assert report["history"]["records"] == 30
    assert report["history"]["median_ratio"] == 1.5
    assert report["history"]["method"] == "fitted"
    assert {i["pool"] for i in report["history"]["items"]} == {"everyone"}


def test_bad_history_exits_2_with_the_located_message(tmp_path: Path) -> None:
    csv = write_csv(tmp_path / "h.csv", "estimate_hours,actual_hours", ["2,3"] * 30 + ["2,many"])
    result = runner.invoke(app, ["estimate", "examples/tight/spec.toml", "--history", str(csv)])
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert f'{csv}:32: column `actual_hours`: got "many"' in result.stderr
    missing = runner.invoke(
        app, ["estimate", "examples/tight/spec.toml", "--history", str(tmp_path / "no.csv")]
    )
    assert missing.exit_code == ExitCode.INVALID_INPUT
    assert f"{tmp_path / 'no.csv'}: --history: history file not found" in missing.stderr


def test_a_row_the_csv_module_cannot_split_is_located(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("estimate_hours,actual_hours\n" + "1,2\n" * 25 + '"' + "x" * 200_000 + '",1\n')
    with pytest.raises(InputError, match=r"h.csv:27: cannot be read as CSV: field larger"):
        read_history(path)


def test_same_inputs_and_seed_give_the_same_report_with_history() -> None:
    args = [
        "estimate",
        "examples/evidence/spec.toml",
        "--trials",
        "400",
        "-f",
        "json",
        "--no-compromises",
        "--seed",
        "3",
    ]
    first, second = runner.invoke(app, args).stdout, runner.invoke(app, args).stdout
    assert first == second
    assert json.loads(first)["history"]["records"] == 160


def test_compare_keeps_common_random_numbers_with_the_fitted_model(tmp_path: Path) -> None:
    """Moving only the deadline leaves every effort figure the same: the per-item draws and
    the shared shift come from keyed streams, not from the order of the run."""
    source = Path("examples/evidence")
    for name in ("team.toml", "history.csv"):
        (tmp_path / name).write_bytes((source / name).read_bytes())
    spec = (source / "spec.toml").read_text(encoding="utf-8")
    (tmp_path / "spec.toml").write_text(spec, encoding="utf-8")
    later = spec.replace("deadline = 2027-05-14", "deadline = 2027-05-28")
    assert later != spec
    (tmp_path / "later.toml").write_text(later, encoding="utf-8")
    args = ["compare", str(tmp_path / "spec.toml"), str(tmp_path / "later.toml")]
    result = runner.invoke(app, [*args, "--trials", "300", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    deltas = json.loads(result.stdout)["columns"][1]["deltas"]
    assert deltas["effort_p50"]["direction"] == "same"
    assert deltas["effort_p85"]["direction"] == "same"
    assert deltas["on_time_probability"]["direction"] == "better"
