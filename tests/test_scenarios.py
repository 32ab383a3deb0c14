"""Scenarios: located checks when loading, and the plan each one describes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from promisecheck.assess.estimator import RunSettings
from promisecheck.cli import app
from promisecheck.commands.estimate import EstimateRequest, run
from promisecheck.engine.sampling import sample_efforts
from promisecheck.errors import ExitCode, InputError
from promisecheck.inputs.loading import load
from promisecheck.inputs.scenarios import apply, dependents

WEBSHOP = Path("examples/webshop/spec.toml")

SPEC = """\
[project]
name = "S"
start = 2027-01-04
deadline = 2027-02-26

[[items]]
id = "design"
skill = "design"
estimate = [16, 24, 40]

[[items]]
id = "api"
skill = "dev"
estimate = [24, 32, 56]

[[items]]
id = "search"
skill = "dev"
estimate = [16, 24, 40]
priority = "should"
depends_on = ["api"]

[[items]]
id = "search-ui"
skill = "dev"
estimate = 8
priority = "could"
depends_on = ["search", "design"]

[[items]]
id = "launch"
skill = "dev"
estimate = 4
depends_on = ["api"]
"""

TEAM = """\
[[members]]
name = "Ana"
skills = ["design"]

[[members]]
name = "Bo"
skills = ["dev"]
"""


def write(tmp_path: Path, scenarios: str) -> Path:
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC + "\n" + scenarios, encoding="utf-8")
    (tmp_path / "team.toml").write_text(TEAM, encoding="utf-8")
    return spec


def problems(spec: Path) -> list[str]:
    with pytest.raises(InputError) as raised:
        load(spec)
    return [str(p).removeprefix(f"{spec}:") for p in raised.value.problems]


def test_deferring_an_item_defers_what_depends_on_it(tmp_path: Path) -> None:
    plan = load(write(tmp_path, '[scenarios.lean]\ndefer = ["search"]\n'))
    assert dependents(plan.spec, ["search"]) == ["search", "search-ui"]
    lean = apply(plan, "lean")
    assert [i.id for i in lean.spec.items] == ["design", "api", "launch"]
    assert [i.id for i in lean.spec.deferred] == ["search", "search-ui"]
    assert lean.spec.scenarios == {}
    assert lean.team == plan.team and lean.spec.project == plan.spec.project


def test_dates_members_and_estimates(tmp_path: Path) -> None:
    plan = load(
        write(
            tmp_path,
            "[scenarios.more]\n"
            "start = 2027-01-11\n"
            "deadline = 2027-03-12\n"
            'add_members = [{ name = "Cy", skills = ["dev"], joins = 2027-01-18 }]\n'
            "estimates = { api = [30, 40, 80], launch = 6 }\n",
        )
    )
    more = apply(plan, "more")
    assert (more.spec.project.start, more.spec.project.deadline) == (
        dt.date(2027, 1, 11),
        dt.date(2027, 3, 12),
    )
    assert [m.name for m in more.team.members] == ["Ana", "Bo", "Cy"]
    assert more.team.members[2].joins == dt.date(2027, 1, 18)
    estimates = {i.id: i.estimate for i in more.spec.items}
    assert estimates == {
        "design": (16, 24, 40),
        "api": (30, 40, 80),
        "search": (16, 24, 40),
        "search-ui": 8,
        "launch": 6,
    }


def test_unchanged_items_keep_their_draws_in_a_scenario(tmp_path: Path) -> None:
    plan = load(write(tmp_path, "[scenarios.re]\nestimates = { api = [30, 40, 80] }\n"))
    revised = apply(plan, "re")
    before = sample_efforts(plan.spec.items, "pert", 200, 3)
    after = sample_efforts(revised.spec.items, "pert", 200, 3)
    assert np.array_equal(np.delete(before, 1, axis=1), np.delete(after, 1, axis=1))
    assert not np.array_equal(before[:, 1], after[:, 1])


def test_a_must_item_is_never_deferred_behind_the_users_back(tmp_path: Path) -> None:
    spec = write(tmp_path, '[scenarios.cut]\ndefer = ["api"]\n')
    assert problems(spec) == [
        "37: scenarios.cut.defer: `api` cannot be deferred: the must item `launch` depends on it "
        "(defer `launch` too, or keep `api`)"
    ]
    # Deferring the must item as well is a choice made in the open.
    spec = write(tmp_path, '[scenarios.cut]\ndefer = ["api", "launch"]\n')
    assert [i.id for i in apply(load(spec), "cut").spec.items] == ["design"]


def test_scenario_mistakes_are_located_with_hints(tmp_path: Path) -> None:
    spec = write(
        tmp_path,
        "[scenarios.bad]\n"
        'defer = ["serch"]\n'
        "deadline = 2027-01-01\n"
        "estimates = { api = [40, 30, 80], lanch = 3 }\n"
        'add_members = [{ name = "Bo", skills = ["dev"] }]\n'
        "\n[scenarios.typo]\n"
        "deadlin = 2027-03-01\n",
    )
    assert problems(spec) == [
        "39: scenarios.bad.estimates.api: got [40, 30, 80]; expected [low, likely, high] with "
        "low ≤ likely ≤ high (did you mean [30, 40, 80]?)",
        "43: scenarios.typo.deadlin: unknown key `deadlin` (did you mean `deadline`?)",
    ]
    spec.write_text(
        spec.read_text().replace("[40, 30, 80]", "[30, 40, 80]").replace("deadlin ", "deadline ")
    )
    assert problems(spec) == [
        "37: scenarios.bad.defer: unknown item id `serch` (did you mean `search`?)",
        "39: scenarios.bad.estimates.lanch: unknown item id `lanch` (did you mean `launch`?)",
        "38: scenarios.bad.deadline: the deadline 2027-01-01 is before the start 2027-01-04 "
        "(a scenario's dates replace the project's; the start comes first)",
        f'40: scenarios.bad.add_members[0] "Bo".name: `Bo` is already a member in '
        f"{tmp_path / 'team.toml'} (give the added person another name)",
    ]


def test_deferring_everything_is_an_error(tmp_path: Path) -> None:
    spec = write(tmp_path, '[scenarios.none]\ndefer = ["design", "api", "launch"]\n')
    assert problems(spec) == [
        "37: scenarios.none.defer: defers every item (a scenario keeps some scope)"
    ]


def test_estimate_runs_one_scenario_and_names_it() -> None:
    lean = run(
        EstimateRequest(
            spec=WEBSHOP, scenario="lean", compromises=False, settings=RunSettings(trials=400)
        )
    ).assessment
    base = run(
        EstimateRequest(spec=WEBSHOP, compromises=False, settings=RunSettings(trials=400))
    ).assessment
    assert lean.project == "Acme web shop (scenario lean)"
    assert {i.id for i in base.items} - {i.id for i in lean.items} == {
        "search",
        "fe-search",
        "vouchers",
    }
    later = run(
        EstimateRequest(
            spec=WEBSHOP, scenario="later", compromises=False, settings=RunSettings(trials=400)
        )
    ).assessment
    assert later.deadline == dt.date(2027, 4, 9)
    assert later.on_time_probability > base.on_time_probability


def test_cli_scenario_option() -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["estimate", str(WEBSHOP), "--scenario", "later", "--trials", "300"])
    assert ok.exit_code == ExitCode.ON_TRACK
    assert "Acme web shop (scenario later)" in ok.stdout
    bad = runner.invoke(app, ["estimate", str(WEBSHOP), "--scenario", "lena"])
    assert bad.exit_code == ExitCode.INVALID_INPUT
    assert bad.stderr == (
        f"promisecheck: error: {WEBSHOP}: "
        "--scenario: lena: unknown scenario (did you mean `lean`?)\n"
    )
    none = runner.invoke(app, ["estimate", "examples/tight/spec.toml", "--scenario", "lean"])
    assert none.exit_code == ExitCode.INVALID_INPUT
    assert "this spec has no [scenarios.NAME] tables" in none.stderr
