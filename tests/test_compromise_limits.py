"""The deal's limits on the menu: fixed date or scope, overtime policy, margin floor, as-of
day, the price that meets the floor; and a revised plan that keeps the author's file."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from promisecheck.assess.analysis import Assessment, Menu
from promisecheck.assess.estimator import RunSettings
from promisecheck.cli import app
from promisecheck.commands.estimate import estimate_plan
from promisecheck.compromises.revision import revise
from promisecheck.inputs.model import Hiring, Levers, Plan, Policy
from promisecheck.report.estimate import menu as menu_words
from test_compromises import TRIALS, small_project

runner = CliRunner()


def limited(plan: Plan, *, levers: dict[str, Any] | None = None, **team: Any) -> Plan:
    spec = plan.spec.model_copy(update={"levers": Levers(**(levers or {}))})
    return Plan(spec=spec, team=plan.team.model_copy(update=team))


def menu(plan: Plan, as_of: dt.date | None = None) -> tuple[Assessment, Menu]:
    a = estimate_plan(plan, RunSettings(trials=TRIALS, seed=3), compromises=True, as_of=as_of)
    assert a.compromises is not None
    return a, a.compromises


def test_a_fixed_date_is_never_moved_and_the_menu_says_why() -> None:
    _, free = menu(small_project())
    assert "move-date" in {o.kind for o in free.options}
    _, fixed = menu(limited(small_project(), levers={"date": "fixed"}))
    assert not {o.kind for o in fixed.options} & {"move-date", "combination"}
    assert all(o.deadline is None for o in fixed.options)
    left = [n for n in fixed.not_offered if n.kind == "move-date"]
    assert [n.reason for n in left] == ["date-fixed"]
    assert menu_words.not_offered(left[0], fixed, None).endswith("— the date is fixed.")


def test_a_fixed_scope_is_never_cut() -> None:
    _, fixed = menu(limited(small_project(), levers={"scope": "fixed"}))
    assert all(not o.deferred for o in fixed.options)
    assert ("cut-scope", "scope-fixed") in {(n.kind, n.reason) for n in fixed.not_offered}


def full_time(plan: Plan) -> Plan:
    """Everyone at full allocation: only longer days can add hours."""
    members = tuple(m.model_copy(update={"allocation": 1.0}) for m in plan.team.members)
    return Plan(spec=plan.spec, team=plan.team.model_copy(update={"members": members}))


def test_overtime_is_offered_only_when_the_team_allows_it_and_only_as_much() -> None:
    plan = full_time(small_project(dt.date(2027, 1, 18)))
    _, default = menu(plan)
    assert not any(o.overtime or o.hours_per_day for o in default.options)
    _, allowed = menu(limited(plan, policy=Policy(overtime=True, max_overtime=0.25)))
    longer = [o for o in allowed.options if o.kind == "add-hours"]
    assert longer and all(o.overtime for o in longer)
    for o in longer:
        for _, hours in o.hours_per_day:
            assert hours <= 8 * 1.25 and (hours * 4) == int(hours * 4)
    # What the default menu left out for want of overtime is what the allowing one offers.
    needs = [n for n in default.not_offered if n.reason == "needs-overtime"]
    assert needs and needs[0].option is not None and needs[0].option.overtime


def test_allocations_are_written_as_a_person_would_and_the_odds_are_theirs() -> None:
    plan = small_project()
    _, m = menu(plan)
    added = [o for o in m.options if o.kind == "add-hours"]
    assert added
    for o in added:
        assert o.allocations and o.people == tuple(name for name, _ in o.allocations)
        for _, share in o.allocations:
            assert round(share / 0.05, 9) == round(share / 0.05)
        fresh = estimate_plan(revise(plan, o), RunSettings(trials=TRIALS, seed=3))
        assert fresh.on_time_probability == o.on_time_probability


def test_the_margin_floor_is_never_crossed_by_an_option_that_adds_cost() -> None:
    # A costly hire: the only options that add cost.
    plan = limited(
        small_project(), levers={"min_margin": 0.3}, hiring=Hiring(rates={"web": 400, "dev": 400})
    )
    a, m = menu(plan)
    price = 20000
    assert a.margin is not None and a.margin["p50"] >= 0.3 * price
    for o in m.options:
        assert o.margin is not None and o.added_cost is not None
        assert o.added_cost <= 0.005 or o.margin >= 0.3 * price
    below = [n for n in m.not_offered if n.reason == "below-margin"]
    assert below, [(n.kind, n.reason) for n in m.not_offered]
    for n in below:
        assert n.option is not None and n.option.margin is not None
        assert n.option.margin < 0.3 * price and n.floor == 0.3
        assert "below the 30 % floor" in menu_words.not_offered(n, m, "EUR")


def test_the_price_that_meets_the_floor() -> None:
    plan = limited(small_project(), levers={"min_margin": 0.5})
    a, m = menu(plan)
    assert a.cost is not None and m.price is not None
    assert m.price.break_even == a.cost["p50"]
    assert m.price.for_min_margin == pytest.approx(a.cost["p50"] / 0.5)
    assert m.price.below_floor == (20000 - a.cost["p50"] < 0.5 * 20000)
    line = menu_words.price(m, "EUR")
    assert (line is not None) == m.price.below_floor


def test_no_option_starts_before_the_as_of_day() -> None:
    plan = small_project()
    start = plan.spec.project.start
    _, free = menu(plan)
    assert "start-earlier" in {o.kind for o in free.options}
    _, today = menu(plan, as_of=start)
    for o in today.options:
        for day in (o.start, o.deadline, o.new_member_joins):
            assert day is None or day >= start
    early = [n for n in today.not_offered if n.kind == "start-earlier"]
    assert [n.reason for n in early] == ["before-as-of"]
    assert not today.start_passed
    _, late = menu(plan, as_of=start + dt.timedelta(days=3))
    assert late.start_passed and not late.deadline_passed
    for o in late.options:
        if o.new_member_joins is not None:
            assert o.new_member_joins > start + dt.timedelta(days=3)


def test_a_lever_that_cannot_reach_the_target_alone_says_how_far_it_gets() -> None:
    plan = small_project(dt.date(2027, 1, 13))
    _, m = menu(plan)
    short = [r for r in m.levers if not r.reaches_target]
    assert short
    for r in short:
        assert r.best_probability < 0.85
        line = menu_words.lever(r, m)
        assert line is not None and ("at most" if r.at_most else "only") in line


WEBSHOP = ["estimate", "examples/webshop", "--trials", "500", "--as-of", "2026-11-30"]


def test_the_web_shops_default_menu_has_no_overtime_no_loss_and_says_what_it_left_out() -> None:
    result = runner.invoke(app, [*WEBSHOP, "-f", "json"])
    assert result.exit_code == 1, result.stderr
    data = json.loads(result.stdout)["compromises"]
    assert data["as_of"] == "2026-11-30"
    assert data["options"]
    assert not any(o["overtime"] for o in data["options"])
    assert all(o["margin"] is None or o["margin"] >= 0 for o in data["options"])
    groups = [o["group"] for o in data["options"]]
    assert groups == sorted(groups, key=lambda g: g != "keeps-quote")
    scope = [lever for lever in data["levers"] if lever["kind"] == "cut-scope"]
    assert scope and scope[0]["reaches_target"] is False
    assert "reaches only" in scope[0]["summary"]


def test_apply_on_an_on_track_plan_refuses_unless_a_shown_slack_option(tmp_path: Path) -> None:
    # A copy: the revised spec names the team file, which must be in reach of where it is.
    shutil.copytree("examples/webshop", tmp_path / "webshop")
    args = ["estimate", str(tmp_path / "webshop"), "--trials", "300", "--as-of", "2026-11-30"]
    args += ["--confidence", "0.2"]
    out = tmp_path / "r.toml"
    refused = runner.invoke(app, [*args, "--apply", "1", "-o", str(out)])
    assert refused.exit_code == 2 and "on track" in refused.stderr and not out.exists()
    shown = runner.invoke(app, [*args, "--compromises", "--apply", "1", "-o", str(out)])
    assert shown.exit_code == 0, shown.stderr
    assert out.exists()


def test_as_of_must_be_a_date() -> None:
    result = runner.invoke(app, ["estimate", "examples/webshop", "--as-of", "soon"])
    assert result.exit_code == 2


def test_a_passed_start_gets_a_warning() -> None:
    args = ["estimate", "examples/webshop", "--trials", "200", "--as-of", "2027-01-11"]
    data = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)
    assert any("has passed" in w for w in data["warnings"])
    before = json.loads(runner.invoke(app, [*args[:-1], "2026-11-30", "-f", "json"]).stdout)
    assert not any("has passed" in w for w in before["warnings"])


def test_scenarios_may_set_the_price(tmp_path: Path) -> None:
    spec = Path("examples/webshop/spec.toml").read_text(encoding="utf-8")
    (tmp_path / "spec.toml").write_text(
        spec + '\n[scenarios.cheaper]\ndefer = ["search"]\nprice = 100000\n', encoding="utf-8"
    )
    (tmp_path / "team.toml").write_text(
        Path("examples/webshop/team.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    out = runner.invoke(
        app, ["estimate", str(tmp_path), "--scenario", "cheaper", "--trials", "200", "-f", "json"]
    )
    data = json.loads(out.stdout)
    assert data["price"] == 100000
    assert data["margin"]["p50"] == pytest.approx(100000 - data["cost"]["p50"], abs=0.01)


@pytest.mark.parametrize("deadline", [dt.date(2027, 1, 11), dt.date(2027, 1, 15)])
def test_the_capacity_bound_never_undercuts_the_simulation(deadline: dt.date) -> None:
    # A lever ruled out by the bound alone must truly be unable to do better.
    from promisecheck.assess.estimator import SingleEstimator
    from promisecheck.compromises.search import Evaluator, _CapacityBound
    from promisecheck.engine.calendar import build_capacity
    from promisecheck.engine.simulate import simulate

    plan = small_project(deadline)
    capacity = build_capacity(plan.team, plan.spec.project.start)
    result = simulate(plan, TRIALS, 3, capacity=capacity)
    a = estimate_plan(plan, RunSettings(trials=TRIALS, seed=3))
    evaluator = Evaluator(
        SingleEstimator(RunSettings(trials=TRIALS, seed=3), plan, capacity, result)
    )
    bound = _CapacityBound(plan, result.efforts, evaluator)
    assert bound.optimistic(range(len(plan.spec.items))) >= a.on_time_probability


def test_compare_says_which_version_breaks_the_deals_limits(tmp_path: Path) -> None:
    spec = Path("examples/webshop/spec.toml").read_text(encoding="utf-8")
    spec = spec.replace("[project]", '[levers]\ndate = "fixed"\nmin_margin = 0.1\n\n[project]', 1)
    (tmp_path / "spec.toml").write_text(
        spec + "\n[scenarios.cheap]\nprice = 90000\n", encoding="utf-8"
    )
    (tmp_path / "team.toml").write_text(
        Path("examples/webshop/team.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    args = ["compare", str(tmp_path / "spec.toml"), "--trials", "200"]
    data = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)
    limits = {column["label"]: column["limits"] for column in data["columns"]}
    assert limits["baseline"] == [] and limits["lean"] == []
    assert limits["later"] == ["date-fixed"]
    assert limits["cheap"] == ["below-margin"]
    table = runner.invoke(app, args).stdout
    assert "Deal's limits" in table and "moves a fixed" in table
