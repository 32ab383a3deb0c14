"""Risks: validation, per-trial draws, start delays, and how much each moves the odds."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from conftest import MONDAY, make_plan
from promisecheck.assess.estimator import RunSettings
from promisecheck.cli import app
from promisecheck.commands.estimate import estimate_plan
from promisecheck.engine.calendar import build_capacity
from promisecheck.engine.risks import delayed_start, draw_risks
from promisecheck.errors import InputError
from promisecheck.inputs.loading import load_spec
from promisecheck.inputs.model import MAX_DELAY_DAYS, Item, Plan, Risk, Spec
from promisecheck.notices import RiskDelayPastHorizon

runner = CliRunner()
DEV = [{"name": "Ana", "skills": ["dev"]}]


def with_risks(plan: Plan, *risks: dict[str, Any]) -> Plan:
    spec = plan.spec.model_copy(update={"risks": tuple(Risk(**r) for r in risks)})
    assert isinstance(spec, Spec)
    return plan.model_copy(update={"spec": spec})


# --- the model ----------------------------------------------------------------------------


def test_a_risk_needs_an_impact() -> None:
    with pytest.raises(ValidationError, match="missing key `extra_hours` or `delay_days`"):
        Risk(id="r", probability=0.5)
    with pytest.raises(ValidationError, match="extra_hours given without `items` or `skills`"):
        Risk(id="r", probability=0.5, extra_hours=8)
    with pytest.raises(ValidationError, match="given without extra_hours"):
        Risk(id="r", probability=0.5, delay_days=2, items=("a",))
    with pytest.raises(ValidationError, match="expected working days above 0"):
        Risk(id="r", probability=0.5, delay_days=0)
    Risk(id="r", probability=1, delay_days=(1, 2, 5), extra_hours=4, skills=("dev",))


def test_risks_naming_unknown_items_or_skills_are_located(tmp_path: Path) -> None:
    spec = tmp_path / "spec.toml"
    spec.write_text(
        '[project]\nname = "P"\nstart = 2027-01-04\ndeadline = 2027-02-26\n\n'
        '[[items]]\nid = "checkout"\nskill = "backend"\nestimate = 8\n\n'
        '[[risks]]\nid = "api"\nprobability = 0.3\nextra_hours = [8, 16, 40]\n'
        'items = ["checkot"]\nskills = ["backnd"]\n\n'
        '[[risks]]\nid = "api"\nprobability = 0.1\ndelay_days = 3\n'
    )
    with pytest.raises(InputError) as error:
        load_spec(spec)
    assert str(error.value).splitlines() == [
        f'{spec}:19: risks[1] "api".id: duplicate risk id `api`, first used by risks[0] "api" '
        "on line 11 (each risk needs its own id)",
        f'{spec}:15: risks[0] "api".items: unknown item id `checkot` (did you mean `checkout`?)',
        f'{spec}:16: risks[0] "api".skills: no item needs skill `backnd` (did you mean `backend`?)',
    ]


# --- draws --------------------------------------------------------------------------------


def test_extra_hours_are_shared_by_likely_estimate_only_when_the_risk_happens() -> None:
    items = [
        Item(id="a", skill="dev", estimate=10),
        Item(id="b", skill="dev", estimate=(10, 30, 50)),
        Item(id="c", skill="qa", estimate=10),
    ]
    risk = Risk(id="r", probability=0.3, extra_hours=20, skills=("dev",))
    draws = draw_risks([risk], items, "pert", "minmax", 4000, seed=1)
    assert draws.fired[:, 0].mean() == pytest.approx(0.3, abs=0.03)
    extra = draws.extra()
    assert np.array_equal(extra[:, 0], np.where(draws.fired[:, 0], 5.0, 0.0))
    assert np.array_equal(extra[:, 1], np.where(draws.fired[:, 0], 15.0, 0.0))
    assert not extra[:, 2].any()


def test_a_risk_keeps_its_draws_when_another_risk_is_added() -> None:
    items = [Item(id="a", skill="dev", estimate=10)]
    one = Risk(id="one", probability=0.4, extra_hours=(2, 4, 9), items=("a",))
    two = Risk(id="two", probability=0.7, delay_days=3)
    alone = draw_risks([one], items, "pert", "minmax", 500, seed=9)
    both = draw_risks([two, one], items, "pert", "minmax", 500, seed=9)
    assert np.array_equal(alone.fired[:, 0], both.fired[:, 1])
    assert np.array_equal(alone.hours[:, 0], both.hours[:, 1])


def test_start_delay_skips_team_working_days() -> None:
    plan = make_plan(
        [{"id": "a", "skill": "dev", "estimate": 8}], DEV, start=MONDAY - dt.timedelta(2)
    )
    capacity = build_capacity(plan.team, plan.spec.project.start)  # starts on a Saturday
    days = delayed_start(capacity, np.array([0, 1, 5]))
    assert [str(capacity.date_of(int(d))) for d in days] == [
        "2027-01-02",  # no delay: the start day itself
        "2027-01-05",  # the first working day (Monday) is lost: Tuesday
        "2027-01-11",  # a whole week lost
    ]


def test_several_delays_wait_for_the_longest() -> None:
    items = [Item(id="a", skill="dev", estimate=8)]
    risks = [
        Risk(id="short", probability=1, delay_days=2),
        Risk(id="long", probability=1, delay_days=4),
    ]
    plan = make_plan([{"id": "a", "skill": "dev", "estimate": 8}], DEV)
    capacity = build_capacity(plan.team, plan.spec.project.start)
    start = draw_risks(risks, items, "pert", "minmax", 3, 0).start_day(capacity)
    assert start is not None and list(start) == [4, 4, 4]


# --- impact -------------------------------------------------------------------------------


def test_impact_is_the_change_in_on_time_probability_on_the_same_draws() -> None:
    # 40 h of work in a 5-day week of 8 h: on time exactly, unless the risk adds hours.
    plan = make_plan(
        [{"id": "a", "skill": "dev", "estimate": 40}], DEV, deadline=MONDAY + dt.timedelta(4)
    )
    plan = with_risks(
        plan,
        {"id": "late", "probability": 0.25, "extra_hours": 8, "items": ["a"]},
        {"id": "harmless", "probability": 0.5, "delay_days": 0.4},
    )
    report = estimate_plan(plan, RunSettings(trials=2000, seed=4))
    late, harmless = report.risks
    assert late.happened == pytest.approx(0.25, abs=0.03)
    assert report.on_time_probability == 1 - late.happened
    assert late.on_time_without == 1.0
    assert late.on_time_change == -late.happened
    assert late.mean_extra_hours == 8 and late.mean_delay_days is None
    assert harmless.mean_delay_days == 0 and harmless.on_time_change == 0
    assert report.effort_hours["p85"] == 48


def test_a_start_delay_moves_the_finish() -> None:
    plan = make_plan([{"id": "a", "skill": "dev", "estimate": 8}], DEV)
    plan = with_risks(plan, {"id": "contract", "probability": 1, "delay_days": 3})
    capacity = build_capacity(plan.team, plan.spec.project.start)
    report = estimate_plan(plan, RunSettings(trials=10))
    assert report.finish["p50"] == capacity.date_of(3)
    assert report.risks[0].mean_delay_days == 3


def test_risks_in_the_json_report(tmp_path: Path) -> None:
    spec = tmp_path / "spec.toml"
    spec.write_text(
        Path("examples/tight/spec.toml").read_text()
        + '\n[[risks]]\nid = "flu"\ndescription = "Someone is ill"\nprobability = 0.2\n'
        "delay_days = [1, 3, 10]\n"
    )
    (tmp_path / "team.toml").write_text(Path("examples/tight/team.toml").read_text())
    result = runner.invoke(app, ["estimate", str(spec), "--trials", "300", "-f", "json"])
    risk = json.loads(result.stdout)["risks"][0]
    assert risk["id"] == "flu" and risk["description"] == "Someone is ill"
    assert risk["on_time_change"] <= 0
    assert 0.1 < risk["happened"] < 0.3


def test_the_evidence_example_runs_with_history_and_risks() -> None:
    result = runner.invoke(
        app,
        [
            "estimate",
            "examples/evidence/spec.toml",
            "--trials",
            "1000",
            "-f",
            "json",
            "--no-compromises",
        ],
    )
    assert result.exit_code in (0, 1)
    report = json.loads(result.stdout)
    pools = {i["id"]: (i["pool"], i["name"], i["method"]) for i in report["history"]["items"]}
    assert pools["journeys"] == ("person", "Paul", "resampled")
    assert pools["search"] == ("skill", "backend", "resampled")
    assert pools["screens"] == ("everyone", None, "scaled")
    assert [r["id"] for r in report["risks"]] == ["payment-api", "contract", "rebrand"]
    calibrate = runner.invoke(
        app,
        [
            "calibrate",
            "examples/evidence/history.csv",
            "--columns",
            "id=Task,estimate_hours=Estimated,actual_hours=Spent,skill=Area,person=Who,date=Finished",
        ],
    )
    assert calibrate.exit_code == 0
    assert "160 from examples/evidence/history.csv" in calibrate.stdout


def test_a_delay_past_the_horizon_is_infeasible_and_says_why() -> None:
    plan = make_plan([{"id": "a", "skill": "dev", "estimate": 8}], DEV)
    plan = with_risks(plan, {"id": "forever", "probability": 1, "delay_days": MAX_DELAY_DAYS})
    report = estimate_plan(plan, RunSettings(trials=20))
    assert report.verdict == "infeasible"
    assert [w.risk for w in report.warnings if isinstance(w, RiskDelayPastHorizon)] == ["forever"]
    assert report.risks[0].on_time_without == 1.0
