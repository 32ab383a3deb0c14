"""Compromises: each option is checked by simulation, minimal where promised, and reproducible."""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import MONDAY, make_plan
from promisecheck.assess.analysis import Assessment, Compromise
from promisecheck.assess.estimator import RunSettings
from promisecheck.cli import app
from promisecheck.commands.estimate import estimate_plan
from promisecheck.compromises.revision import revise
from promisecheck.compromises.search import (
    SCREEN_TRIALS,
    Evaluator,
    deferral_units,
    mean_hours,
)
from promisecheck.engine.calendar import build_capacity
from promisecheck.inputs.loading import load
from promisecheck.inputs.model import Plan
from promisecheck.report.estimate import menu as menu_words

TRIALS = 400  # below the screening size, so the search sees exactly what the test sees


def small_project(deadline: dt.date = dt.date(2027, 1, 22)) -> Plan:
    items: list[dict[str, Any]] = [
        {"id": "core", "skill": "dev", "estimate": [16, 24, 40]},
        {"id": "api", "skill": "dev", "estimate": [8, 16, 32], "depends_on": ["core"]},
        {"id": "ui", "skill": "web", "estimate": [16, 20, 36], "depends_on": ["api"]},
    ]
    optional = [
        ("reports", "should", "dev", [8, 12, 24], ["api"]),
        ("export", "could", "dev", [4, 8, 16], ["reports"]),
        ("search", "should", "dev", [8, 16, 24], []),
        ("wishlist", "could", "web", [12, 20, 32], []),
        ("themes", "could", "web", [8, 12, 20], []),
        ("audit", "should", "dev", [4, 6, 12], []),
        ("badges", "could", "web", [2, 4, 8], ["wishlist"]),
    ]
    for item_id, priority, skill, estimate, deps in optional:
        items.append(
            {
                "id": item_id,
                "priority": priority,
                "skill": skill,
                "estimate": estimate,
                "depends_on": deps,
            }
        )
    members = [
        {"name": "Dev", "skills": ["dev"], "rate": 100},
        {"name": "Web", "skills": ["web"], "allocation": 0.5, "rate": 80},
    ]
    return make_plan(items, members, deadline=deadline, price=20000)


def menu_of(plan: Plan, trials: int = TRIALS, seed: int = 3) -> Assessment:
    return estimate_plan(plan, RunSettings(trials=trials, seed=seed), compromises=True)


def option(a: Assessment, kind: str) -> Compromise:
    assert a.compromises is not None
    found = [o for o in a.compromises.options if o.kind == kind]
    assert found, f"no {kind} option in {[o.kind for o in a.compromises.options]}"
    return found[0]


def fresh_probability(plan: Plan, o: Compromise, trials: int = TRIALS, seed: int = 3) -> float:
    return estimate_plan(revise(plan, o), RunSettings(trials=trials, seed=seed)).on_time_probability


@pytest.mark.parametrize("deadline", [dt.date(2027, 1, 18), dt.date(2027, 1, 22)])
def test_every_option_claims_what_a_fresh_estimate_of_the_revised_plan_gives(
    deadline: dt.date,
) -> None:
    plan = small_project(deadline)
    a = menu_of(plan)
    assert a.on_time_probability < 0.85
    assert a.compromises is not None and len(a.compromises.options) >= 2
    for o in a.compromises.options:
        assert fresh_probability(plan, o) == o.on_time_probability, o.kind
        assert o.on_time_probability >= 0.85


def test_cut_scope_is_the_cheapest_deferral_found_by_brute_force() -> None:
    plan = small_project()
    items = plan.spec.items
    cut = option(menu_of(plan), "cut-scope")
    units = deferral_units(plan)
    closures = {frozenset(c) for c in units.values()}
    could_first = [c for c in closures if all(items[i].priority == "could" for i in c)]

    def cheapest(pool: list[frozenset[int]]) -> float | None:
        best = None
        for size in range(1, len(pool) + 1):
            for combo in itertools.combinations(pool, size):
                deferred = frozenset().union(*combo)
                ids = tuple(items[i].id for i in sorted(deferred))
                trial = Compromise(
                    kind="cut-scope",
                    group="needs-client",
                    on_time_probability=0,
                    size=0,
                    deferred=ids,
                )
                if fresh_probability(plan, trial) >= 0.85:
                    cost = sum(mean_hours(items[i], "pert") for i in deferred)
                    best = cost if best is None else min(best, cost)
        return best

    expected = cheapest(could_first)
    if expected is None:
        expected = cheapest(sorted(closures, key=sorted))
    assert expected is not None
    assert cut.deferred_hours == pytest.approx(expected)


def test_deferring_an_item_defers_what_depends_on_it_and_never_a_must() -> None:
    plan = small_project()
    units = deferral_units(plan)
    ids = {plan.spec.items[i].id: {plan.spec.items[j].id for j in c} for i, c in units.items()}
    assert ids["reports"] == {"reports", "export"}
    assert ids["wishlist"] == {"wishlist", "badges"}
    assert not {"core", "api", "ui"} & set(ids)


def test_move_date_is_the_earliest_deadline_an_independent_search_finds() -> None:
    plan = small_project()
    move = option(menu_of(plan), "move-date")
    assert move.deadline is not None

    def holds(day: dt.date) -> bool:
        revised = plan.model_copy(
            update={
                "spec": plan.spec.model_copy(
                    update={"project": plan.spec.project.model_copy(update={"deadline": day})}
                )
            }
        )
        return (
            estimate_plan(revised, RunSettings(trials=TRIALS, seed=3)).on_time_probability >= 0.85
        )

    assert holds(move.deadline)
    assert not holds(move.deadline - dt.timedelta(days=1))


def test_start_earlier_is_the_latest_start_an_independent_bisection_finds() -> None:
    plan = small_project()
    earlier = option(menu_of(plan), "start-earlier")
    assert earlier.start is not None and earlier.working_days is not None
    capacity = build_capacity(plan.team, MONDAY - dt.timedelta(days=200))
    base = (MONDAY - capacity.start).days

    def start_for(shift: int) -> dt.date:
        return capacity.date_of(capacity.add_working_days(base, -shift))

    def holds(shift: int) -> bool:
        project = plan.spec.project.model_copy(update={"start": start_for(shift)})
        revised = plan.model_copy(
            update={"spec": plan.spec.model_copy(update={"project": project})}
        )
        return (
            estimate_plan(revised, RunSettings(trials=TRIALS, seed=3)).on_time_probability >= 0.85
        )

    low, high = 0, 130
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if holds(middle) else (middle, high)
    assert earlier.working_days == high
    assert earlier.start == start_for(high)


def test_an_on_track_project_gets_no_menu_unless_asked_and_says_so() -> None:
    plan = small_project(deadline=dt.date(2027, 3, 31))
    auto = estimate_plan(plan, RunSettings(trials=TRIALS, seed=3), compromises=None)
    assert auto.verdict == "on-track"
    assert auto.compromises is not None and auto.compromises.options == ()
    assert auto.compromises.status == "not-needed"
    assert "no compromise needed" in menu_words.note(auto.compromises)
    assert (
        estimate_plan(plan, RunSettings(trials=TRIALS, seed=3), compromises=False).compromises
        is None
    )


def test_every_option_prices_what_a_fresh_estimate_of_the_revised_plan_costs() -> None:
    plan = small_project()
    a = menu_of(plan)
    assert a.compromises is not None and a.cost is not None and a.margin is not None
    assert {o.kind for o in a.compromises.options} >= {"add-hours", "add-member", "cut-scope"}
    for o in a.compromises.options:
        fresh = estimate_plan(revise(plan, o), RunSettings(trials=TRIALS, seed=3))
        assert fresh.cost is not None and fresh.margin is not None
        assert o.margin == pytest.approx(fresh.margin["p50"]), o.kind
        # Prices add up: the baseline's margin less the option's added cost.
        assert o.added_cost is not None
        assert a.margin["p50"] - o.added_cost == pytest.approx(o.margin), o.kind


runner = CliRunner()


def test_apply_writes_a_plan_that_loads_and_keeps_the_promise(tmp_path: Path) -> None:
    out = tmp_path / "revised.toml"
    # A copy, so that the revised spec names a team inside its own folder (the boundary
    # of a file outside a repository).
    shutil.copytree("examples/webshop", tmp_path / "webshop")
    spec = str(tmp_path / "webshop" / "spec.toml")
    args = ["estimate", spec, "--trials", "600", "--seed", "2"]
    result = runner.invoke(app, [*args, "-f", "json", "--compromises"])
    import json

    menu = json.loads(result.stdout)["compromises"]["options"]
    for number, claimed in enumerate(menu, start=1):
        target = tmp_path / f"revised-{number}.toml"
        applied = runner.invoke(app, [*args, "--apply", str(number), "-o", str(target)])
        assert applied.exit_code == 0, applied.stderr
        fresh = runner.invoke(
            app, ["estimate", str(target), "--trials", "600", "--seed", "2", "-f", "json"]
        )
        assert json.loads(fresh.stdout)["on_time_probability"] == claimed["on_time_probability"]
        revised = load(target)
        assert {i.id for i in revised.spec.deferred} >= set(claimed["deferred"])
    # Never over an existing file without --force; never over the originals at all.
    out.write_text("keep")
    refused = runner.invoke(app, [*args, "--apply", "1", "-o", str(out)])
    assert refused.exit_code == 2 and out.read_text() == "keep"
    forced = runner.invoke(app, [*args, "--apply", "1", "-o", str(out), "--force"])
    assert forced.exit_code == 0 and out.read_text() != "keep"
    original = runner.invoke(app, [*args, "--apply", "1", "-o", spec, "--force"])
    assert original.exit_code == 2 and "original" in original.stderr


def test_apply_needs_an_output_and_a_real_option_number(tmp_path: Path) -> None:
    args = ["estimate", "examples/webshop/spec.toml", "--trials", "300"]
    assert runner.invoke(app, [*args, "--apply", "1"]).exit_code == 2
    too_far = runner.invoke(app, [*args, "--apply", "99", "-o", str(tmp_path / "x.toml")])
    assert too_far.exit_code == 2 and "options 1 to" in too_far.stderr
    assert not (tmp_path / "x.toml").exists()


def test_options_stay_exact_with_history_and_risks_and_show_slack_when_on_track() -> None:
    from promisecheck.engine.forecast import load_history

    plan = load("examples/evidence/spec.toml")
    history = load_history(plan, None)
    a = estimate_plan(plan, RunSettings(trials=TRIALS, seed=5, history=history), compromises=True)
    assert a.compromises is not None and a.compromises.options
    for o in a.compromises.options:
        fresh = estimate_plan(revise(plan, o), RunSettings(trials=TRIALS, seed=5, history=history))
        assert fresh.on_time_probability == o.on_time_probability, o.kind
    if a.on_time_probability >= a.target_confidence:
        assert {o.kind for o in a.compromises.options} <= {"move-date", "start-later"}


def test_the_first_trials_draw_the_same_whatever_the_trial_count() -> None:
    # Compromise searches screen on a prefix of the trials: sampling, history and risks
    # must give the first n trials the same draws as a run of many more.
    import numpy as np

    from promisecheck.engine.forecast import load_history, prepare

    plan = load("examples/evidence/spec.toml")
    history = load_history(plan, None)
    capacity = build_capacity(plan.team, plan.spec.project.start)
    few = prepare(plan, capacity, 300, 9, history)
    many = prepare(plan, capacity, 3000, 9, history)
    assert np.array_equal(few.efforts, many.efforts[:300])
    assert few.start_day is not None and many.start_day is not None
    assert np.array_equal(few.start_day, many.start_day[:300])


def test_an_on_track_plan_without_slack_offers_no_zero_day_options() -> None:
    # One exact 40 h item finishing on the deadline: neither date nor start has a day to give.
    plan = make_plan(
        [{"id": "a", "skill": "dev", "estimate": 40}],
        [{"name": "Ana", "skills": ["dev"]}],
        deadline=MONDAY + dt.timedelta(days=4),
    )
    a = menu_of(plan, trials=50)
    assert a.verdict == "on-track" and a.compromises is not None
    assert a.compromises.status == "slack" and a.compromises.options == ()
    later = make_plan(
        [{"id": "a", "skill": "dev", "estimate": 40}],
        [{"name": "Ana", "skills": ["dev"]}],
        deadline=MONDAY + dt.timedelta(days=7),
    )
    slack = menu_of(later, trials=50).compromises
    assert slack is not None and slack.options
    assert all(o.working_days for o in slack.options)


def test_the_scope_cut_is_the_cheapest_even_where_cheapest_first_would_miss_it() -> None:
    # One person, 8 h a day; the deadline (Thursday) fits 32 h. Deferring c (20 h) leaves
    # 32 h; deferring a and b (24 h) leaves 28 h; one of a, b leaves 40 h. Taking the cheapest
    # first and trimming would stop at a + b; the cheapest deferral is c alone.
    plan = make_plan(
        [
            {"id": "core", "skill": "dev", "estimate": 8},
            {"id": "a", "skill": "dev", "estimate": 12, "priority": "could"},
            {"id": "b", "skill": "dev", "estimate": 12, "priority": "could"},
            {"id": "c", "skill": "dev", "estimate": 20, "priority": "could"},
        ],
        [{"name": "Ana", "skills": ["dev"]}],
        deadline=MONDAY + dt.timedelta(days=3),
    )
    cut = option(menu_of(plan, trials=50), "cut-scope")
    assert cut.deferred == ("c",) and cut.deferred_hours == pytest.approx(20)


class _FixedOdds(Evaluator):
    """An evaluator whose every variant has the same odds, recording the trials asked for."""

    def __init__(self, odds: float) -> None:  # no baseline: nothing is simulated
        self.trials, self.odds = 10_000, odds
        self.asked: list[int] = []

    def probability(self, variant: Plan, trials: int) -> float:
        self.asked.append(trials)
        return self.odds


@pytest.mark.parametrize(("odds", "confirmed"), [(0.80, False), (0.83, True), (0.86, True)])
def test_the_screen_drops_only_variants_three_standard_errors_below_the_target(
    odds: float, confirmed: bool
) -> None:
    ev = _FixedOdds(odds)
    reached, p = ev.check(small_project(), 0.85)
    # 1 000 screening trials: three standard errors at 80 % are 3.8 points, at 83 % 3.6.
    assert ev.asked == ([SCREEN_TRIALS, 10_000] if confirmed else [SCREEN_TRIALS])
    assert (reached, p) == (odds >= 0.85, odds)
