"""portfolio.toml: loading and its rules, and the shared schedule counted by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from promisecheck.assess.deal import projects_of
from promisecheck.assess.estimator import RunSettings
from promisecheck.assess.portfolio import project_odds
from promisecheck.commands.portfolio import (
    DealRequest,
    PortfolioRequest,
    deal_position,
    estimate_deal,
    run_portfolio,
)
from promisecheck.commands.validate import validate
from promisecheck.engine.calendar import DAY_SPAN
from promisecheck.engine.reference import reference_schedule
from promisecheck.engine.shared_schedule import dispatch_order, keyed_spec, run_schedule
from promisecheck.errors import InputError, OptionError
from promisecheck.inputs.portfolio import load_portfolio, under_way
from promisecheck.notices import OwnTeam

MONDAY = dt.date(2027, 1, 4)
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "portfolio"


def toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml(v) for v in value) + "]"
    return str(value)


def table(name: str, values: dict[str, Any]) -> str:
    return f"{name}\n" + "".join(f"{k} = {toml(v)}\n" for k, v in values.items())


def write_spec(
    folder: Path,
    name: str,
    items: list[dict[str, Any]],
    *,
    start: dt.date = MONDAY,
    deadline: dt.date = MONDAY + dt.timedelta(days=4),
    **project: Any,
) -> str:
    (folder / name).mkdir(parents=True, exist_ok=True)
    text = table("[project]", {"name": name, "start": start, "deadline": deadline, **project})
    text += 'team = "../team.toml"\n'
    text += "".join(table("[[items]]", item) for item in items)
    (folder / name / "spec.toml").write_text(text)
    return f"{name}/spec.toml"


def write_team(folder: Path, members: list[dict[str, Any]]) -> None:
    (folder / "team.toml").write_text("".join(table("[[members]]", m) for m in members))


def write_portfolio(folder: Path, commitments: list[dict[str, Any]], **head: Any) -> Path:
    text = "".join(f"{k} = {toml(v)}\n" for k, v in head.items())
    text += "".join(table("[[commitments]]", c) for c in commitments)
    path = folder / "portfolio.toml"
    path.write_text(text)
    return path


ANA = [{"name": "Ana", "skills": ["dev"]}]


def one_person(tmp_path: Path, first: str, second: str) -> Path:
    write_team(tmp_path, ANA)
    write_spec(tmp_path, "a", [{"id": "x", "skill": "dev", "estimate": 8}])
    write_spec(tmp_path, "b", [{"id": "x", "skill": "dev", "estimate": 8}])
    return write_portfolio(
        tmp_path, [{"spec": f"{first}/spec.toml"}, {"spec": f"{second}/spec.toml"}]
    )


def finish_dates(path: Path) -> dict[str, dt.date | None]:
    report = run_portfolio(PortfolioRequest(path=path, settings=RunSettings(trials=3, seed=1)))
    return {c.key: c.finish["p50"] for c in report.commitments}


# --- hand-counted schedules -----------------------------------------------------------------


def test_two_projects_one_person_rank_decides(tmp_path: Path) -> None:
    # One person, 8 h a day: the first in line takes Monday, the other Tuesday.
    tuesday = MONDAY + dt.timedelta(days=1)
    assert finish_dates(one_person(tmp_path, "a", "b")) == {
        "a/spec.toml": MONDAY,
        "b/spec.toml": tuesday,
    }
    assert finish_dates(one_person(tmp_path, "b", "a")) == {
        "b/spec.toml": MONDAY,
        "a/spec.toml": tuesday,
    }


def test_deadline_order_puts_the_earliest_due_first(tmp_path: Path) -> None:
    write_team(tmp_path, ANA)
    late = MONDAY + dt.timedelta(days=10)
    write_spec(tmp_path, "a", [{"id": "x", "skill": "dev", "estimate": 8}], deadline=late)
    write_spec(tmp_path, "b", [{"id": "x", "skill": "dev", "estimate": 8}])
    path = write_portfolio(
        tmp_path, [{"spec": "a/spec.toml"}, {"spec": "b/spec.toml"}], order="deadline"
    )
    assert finish_dates(path)["b/spec.toml"] == MONDAY


def test_late_high_rank_project_waits_for_the_low_rank_one_holding_the_person(
    tmp_path: Path,
) -> None:
    write_team(tmp_path, ANA)
    # First in line but starting Tuesday; second in line starts Monday with two days of work.
    write_spec(
        tmp_path,
        "high",
        [{"id": "x", "skill": "dev", "estimate": 16}],
        start=MONDAY + dt.timedelta(days=1),
    )
    write_spec(tmp_path, "low", [{"id": "x", "skill": "dev", "estimate": 16}])
    path = write_portfolio(tmp_path, [{"spec": "high/spec.toml"}, {"spec": "low/spec.toml"}])
    report = run_portfolio(PortfolioRequest(path=path, settings=RunSettings(trials=2, seed=0)))
    high, low = report.commitments
    assert low.finish["p50"] == MONDAY + dt.timedelta(days=1)  # Mon + Tue
    assert high.finish["p50"] == MONDAY + dt.timedelta(days=3)  # Wed + Thu
    assert high.held_share == 1.0
    assert low.held_share == 0.0
    # Without the note (a deal's schedules, whose reports never show it) the rest is the same.
    portfolio = load_portfolio(path)
    schedule = run_schedule(
        projects_of(portfolio), portfolio.team, portfolio.as_of, trials=2, seed=0
    )
    with_note, without = project_odds(schedule), project_odds(schedule, note=False)
    assert [o.held_share for o in with_note] == [1.0, 0.0]
    assert [o.held_share for o in without] == [None, None]
    for a, b in zip(with_note, without, strict=True):
        assert (a.on_time_probability, a.finish, a.items) == (
            b.on_time_probability,
            b.finish,
            b.items,
        )
        assert np.array_equal(a.on_time, b.on_time) and np.array_equal(a.present, b.present)
    assert project_odds(schedule) is with_note  # remembered while the schedule is in use


def test_done_items_leave_and_remaining_hours_replace_the_estimate(tmp_path: Path) -> None:
    write_team(tmp_path, ANA)
    write_spec(
        tmp_path,
        "p",
        [
            {"id": "a", "skill": "dev", "estimate": 40, "done": True},
            {"id": "b", "skill": "dev", "estimate": 40, "remaining": 4, "depends_on": ["a"]},
            {"id": "c", "skill": "dev", "estimate": 8, "depends_on": ["b"]},
        ],
        start=MONDAY - dt.timedelta(days=14),
    )
    path = write_portfolio(tmp_path, [{"spec": "p/spec.toml"}], as_of=MONDAY)
    portfolio = load_portfolio(path)
    assert [i.id for i in portfolio.commitments[0].spec.items] == ["b", "c"]
    schedule = run_schedule(
        projects_of(portfolio), portfolio.team, portfolio.as_of, trials=2, seed=0
    )
    # b: 4 h from Monday 0:00; c: 8 h from 4:00, so it ends Tuesday at 4:00.
    assert schedule.result.finish[0].tolist() == [4.0, DAY_SPAN + 4.0]


def test_as_of_option_wins_over_the_file_and_nothing_starts_before_it(tmp_path: Path) -> None:
    path = one_person(tmp_path, "a", "b")
    wednesday = MONDAY + dt.timedelta(days=2)
    report = run_portfolio(
        PortfolioRequest(path=path, as_of=wednesday, settings=RunSettings(trials=2))
    )
    assert report.as_of == wednesday
    assert [c.finish["p50"] for c in report.commitments] == [
        wednesday,
        wednesday + dt.timedelta(days=1),
    ]


# --- invariants ---------------------------------------------------------------------------


def test_a_deal_only_a_new_member_can_do_changes_no_commitment(tmp_path: Path) -> None:
    write_team(tmp_path, [*ANA, {"name": "Nia", "skills": ["ml"]}])
    write_spec(tmp_path, "a", [{"id": "x", "skill": "dev", "estimate": [4, 8, 30]}])
    write_spec(
        tmp_path,
        "b",
        [
            {"id": "x", "skill": "dev", "estimate": [4, 8, 30]},
            {"id": "y", "skill": "dev", "estimate": [4, 8, 30], "depends_on": ["x"]},
        ],
    )
    write_spec(tmp_path, "deal", [{"id": "x", "skill": "ml", "estimate": [4, 40, 90]}])
    path = write_portfolio(
        tmp_path,
        [
            {"spec": "a/spec.toml"},
            {"spec": "b/spec.toml", "status": "tentative", "win_probability": 0.5},
        ],
    )
    for rank in ("first", "last", "2"):
        outcome = estimate_deal(
            DealRequest(
                spec=tmp_path / "deal" / "spec.toml",
                portfolio=path,
                rank=rank,
                compromises=False,
                settings=RunSettings(trials=400),
            )
        )
        for change in outcome.impact.commitments:
            assert np.array_equal(change.before.on_time, change.after.on_time)
            assert change.change == 0.0
            assert change.before.finish == change.after.finish


def _schedule_arrays(path: Path) -> dict[str, np.ndarray[Any, Any]]:
    portfolio = load_portfolio(path)
    schedule = run_schedule(
        projects_of(portfolio), portfolio.team, portfolio.as_of, trials=300, seed=4
    )
    return {
        p.key: schedule.result.finish[:, schedule.columns[k].start : schedule.columns[k].stop]
        for k, p in enumerate(schedule.projects)
        if schedule.present[:, k].any()
    }


def test_win_probability_zero_equals_absent_and_one_equals_signed(tmp_path: Path) -> None:
    write_team(tmp_path, [*ANA, {"name": "Ben", "skills": ["dev"], "allocation": 0.5}])
    for name in ("a", "b", "c"):
        write_spec(
            tmp_path,
            name,
            [
                {"id": "x", "skill": "dev", "estimate": [4, 10, 30]},
                {"id": "y", "skill": "dev", "estimate": [4, 10, 30], "depends_on": ["x"]},
            ],
        )
    a, c = {"spec": "a/spec.toml"}, {"spec": "c/spec.toml"}
    b = {"spec": "b/spec.toml", "status": "tentative"}
    absent = _schedule_arrays(write_portfolio(tmp_path, [a, c]))
    zero = _schedule_arrays(write_portfolio(tmp_path, [a, {**b, "win_probability": 0.0}, c]))
    assert absent.keys() == zero.keys()
    for key in absent:
        assert np.array_equal(absent[key], zero[key])
    signed = _schedule_arrays(write_portfolio(tmp_path, [a, {"spec": "b/spec.toml"}, c]))
    one = _schedule_arrays(write_portfolio(tmp_path, [a, {**b, "win_probability": 1.0}, c]))
    assert signed.keys() == one.keys()
    for key in signed:
        assert np.array_equal(signed[key], one[key])


def test_draws_are_keyed_by_commitment_and_item(tmp_path: Path) -> None:
    # Two projects with an item `x` each do not share draws.
    write_team(tmp_path, [*ANA, {"name": "Ben", "skills": ["dev"]}])
    for name in ("a", "b"):
        write_spec(tmp_path, name, [{"id": "x", "skill": "dev", "estimate": [4, 10, 30]}])
    path = write_portfolio(tmp_path, [{"spec": "a/spec.toml"}, {"spec": "b/spec.toml"}])
    portfolio = load_portfolio(path)
    schedule = run_schedule(
        projects_of(portfolio), portfolio.team, portfolio.as_of, trials=50, seed=0
    )
    assert not np.array_equal(schedule.result.efforts[:, 0], schedule.result.efforts[:, 1])


def test_reference_equals_engine_trial_by_trial_on_the_example() -> None:
    portfolio = load_portfolio(EXAMPLE)
    projects = projects_of(portfolio)
    schedule = run_schedule(projects, portfolio.team, portfolio.as_of, trials=40, seed=9)
    items = [i for p in projects for i in keyed_spec(p.key, p.spec).items]
    order = dispatch_order(projects)
    release = [
        schedule.release_day[k] * DAY_SPAN for k, cols in enumerate(schedule.columns) for _ in cols
    ]
    assert not schedule.present.all() and schedule.present.any(axis=0).all()
    for n in range(schedule.trials):
        present = [
            bool(schedule.present[n, k]) for k, cols in enumerate(schedule.columns) for _ in cols
        ]
        ref = reference_schedule(
            items,
            portfolio.team.members,
            schedule.capacity,
            schedule.result.efforts[n],
            release=release,
            present=present,
            order=list(order),
        )
        assert ref.start == tuple(schedule.result.start[n])
        assert ref.finish == tuple(schedule.result.finish[n])
        assert ref.member == tuple(schedule.result.member[n])


# --- the example ----------------------------------------------------------------------------


def test_example_deal_breaks_city_portal_last_in_line_but_not_two_weeks_later(
    tmp_path: Path,
) -> None:
    deal = EXAMPLE / "deals" / "gamma-portal" / "spec.toml"
    outcome = estimate_deal(
        DealRequest(
            spec=deal, portfolio=EXAMPLE, compromises=False, settings=RunSettings(trials=2000)
        )
    )
    broken = [c.project for c in outcome.impact.commitments if c.breaks]
    assert broken == ["City portal"]
    assert outcome.exit_code == 1
    later = tmp_path / "spec.toml"
    later.write_text(
        deal.read_text()
        .replace("start = 2027-03-15", "start = 2027-03-29")
        .replace('team = "../../team.toml"', f'team = "{EXAMPLE / "team.toml"}"')
    )
    outcome = estimate_deal(
        DealRequest(
            spec=later, portfolio=EXAMPLE, compromises=False, settings=RunSettings(trials=2000)
        )
    )
    assert not any(c.breaks for c in outcome.impact.commitments)
    assert outcome.exit_code == 0


def test_example_portfolio_half_done_commitment_and_tentative() -> None:
    portfolio = load_portfolio(EXAMPLE)
    statuses = [c.status for c in portfolio.commitments]
    assert statuses.count("signed") == 3 and statuses.count("tentative") == 1
    acme = portfolio.commitments[0].spec
    assert [i.id for i in acme.items] == ["checkout", "storefront", "checkout-ui", "acceptance"]
    assert acme.items[0].estimate == (16, 24, 40)
    assert under_way(acme) == acme


# --- rules of the file --------------------------------------------------------------------


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_portfolio(path)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({"spec": "nope/spec.toml"}, "commitments[0].spec: spec `"),
        ({"spec": "a/spec.toml", "win_probability": 0.5}, "`win_probability` given for a signed"),
        (
            {"spec": "a/spec.toml", "status": "tentative", "win_probability": 1.5},
            "commitments[0].win_probability",
        ),
        ({"spec": "a/spec.toml", "hold": 0}, "commitments[0].hold"),
        ({"spec": "a/spec.toml", "hold": 1.2}, "commitments[0].hold"),
        ({"spec": "a/spec.toml", "status": "maybe"}, "commitments[0].status"),
    ],
)
def test_located_errors_in_commitments(
    tmp_path: Path, entry: dict[str, Any], expected: str
) -> None:
    write_team(tmp_path, ANA)
    write_spec(tmp_path, "a", [{"id": "x", "skill": "dev", "estimate": 8}])
    found = problems(write_portfolio(tmp_path, [entry]))
    assert any(expected in p for p in found), found
    assert all(":" in p.split(" ")[0] for p in found)  # file:line first


def test_duplicate_spec_and_unknown_order(tmp_path: Path) -> None:
    write_team(tmp_path, ANA)
    write_spec(tmp_path, "a", [{"id": "x", "skill": "dev", "estimate": 8}])
    found = problems(
        write_portfolio(tmp_path, [{"spec": "a/spec.toml"}, {"spec": "./a/spec.toml"}])
    )
    assert (
        "portfolio.toml:4: commitments[1].spec: `./a/spec.toml` is already a commitment"
        in (found[0])
    )
    found = problems(write_portfolio(tmp_path, [{"spec": "a/spec.toml"}], order="price"))
    assert "portfolio.toml:1: order" in found[0]


def test_done_with_remaining_and_negative_remaining(tmp_path: Path) -> None:
    write_team(tmp_path, ANA)
    write_spec(
        tmp_path,
        "a",
        [
            {"id": "x", "skill": "dev", "estimate": 8, "done": True, "remaining": 2},
            {"id": "y", "skill": "dev", "estimate": 8, "remaining": -2},
        ],
    )
    found = problems(write_portfolio(tmp_path, [{"spec": "a/spec.toml"}]))
    assert any('items[0] "x"' in p and "`done = true` given with `remaining`" in p for p in found)
    assert any('items[1] "y".remaining' in p and "0 or more" in p for p in found)


def test_spec_with_another_team_is_a_located_warning(tmp_path: Path) -> None:
    write_team(tmp_path, ANA)
    write_spec(tmp_path, "a", [{"id": "x", "skill": "dev", "estimate": 8}])
    (tmp_path / "a" / "spec.toml").write_text(
        (tmp_path / "a" / "spec.toml").read_text().replace("../team.toml", "own-team.toml")
    )
    (tmp_path / "a" / "own-team.toml").write_text((tmp_path / "team.toml").read_text())
    path = write_portfolio(tmp_path, [{"spec": "a/spec.toml"}])
    result = validate(path)
    assert result.kind == "portfolio" and not result.errors
    [warning] = result.warnings
    assert (warning.path, warning.line, warning.location) == (path, 2, "commitments[0].spec")
    assert warning.kind == OwnTeam(
        spec="a/spec.toml", own=tmp_path / "a" / "own-team.toml", team=tmp_path / "team.toml"
    )


def test_validate_reports_portfolio_errors(tmp_path: Path) -> None:
    write_team(tmp_path, ANA)
    result = validate(write_portfolio(tmp_path, [{"spec": "missing/spec.toml"}]))
    assert result.kind == "portfolio"
    assert "not found" in str(result.errors[0])


def test_a_deal_listed_as_a_commitment_is_refused(tmp_path: Path) -> None:
    path = one_person(tmp_path, "a", "b")
    with pytest.raises(InputError, match="already a commitment"):
        estimate_deal(
            DealRequest(spec=tmp_path / "a" / "spec.toml", portfolio=path, compromises=False)
        )


@pytest.mark.parametrize(
    ("rank", "position"), [("last", 2), ("first", 0), ("2", 1), ("before:b/spec.toml", 1)]
)
def test_deal_position(tmp_path: Path, rank: str, position: int) -> None:
    portfolio = load_portfolio(one_person(tmp_path, "a", "b"))
    assert deal_position(rank, portfolio) == position


@pytest.mark.parametrize("rank", ["0", "4", "middle", "before:zzz"])
def test_bad_rank(tmp_path: Path, rank: str) -> None:
    portfolio = load_portfolio(one_person(tmp_path, "a", "b"))
    with pytest.raises(OptionError) as raised:
        deal_position(rank, portfolio)
    assert raised.value.option == "rank"


def test_paths_the_portfolio_names_stay_inside_its_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".git").mkdir()
    write_team(repo, ANA)
    write_spec(tmp_path, "outside", [{"id": "x", "skill": "dev", "estimate": 8}])
    found = problems(
        write_portfolio(repo, [{"spec": "../outside/spec.toml"}], team="../../etc/team.toml")
    )
    assert any("team: ../../etc/team.toml is outside the repository" in p for p in found)
    assert any(
        "commitments[0].spec: ../outside/spec.toml is outside the repository" in p for p in found
    )
