"""check's gate on one proposal: levels, and the --base rule that only what got worse fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from promisecheck.assess.estimator import RunSettings
from promisecheck.commands.check import (
    Base,
    Estimated,
    Levels,
    Task,
    _base,
    estimate_one,
    judge,
)

CITY = Path("examples/ci/proposals/city-portal/spec.toml")


@pytest.fixture(scope="module")
def city() -> Estimated:
    """A proposal well below its own target (and below an even chance)."""
    answer = estimate_one(Task(spec=CITY, settings=RunSettings(trials=300, seed=1)))
    assert answer.assessment is not None
    assert answer.assessment.on_time_probability < 0.5
    return answer


def base(probability: float | None, infeasible: bool = False) -> Base:
    return Base(on_time_probability=probability, infeasible=infeasible, problems=())


def test_below_the_fail_level_fails_without_a_base(city: Estimated) -> None:
    proposal = judge("p", city, Levels(fail_under=0.5), None, with_base=False)
    assert (proposal.status, proposal.change, proposal.lenient) == ("fail", None, False)


def test_at_or_above_both_levels_passes(city: Estimated) -> None:
    assert city.assessment is not None
    p = city.assessment.on_time_probability
    proposal = judge("p", city, Levels(fail_under=p, warn_under=p), None, with_base=False)
    assert proposal.status == "pass"
    warned = judge("p", city, Levels(fail_under=p, warn_under=p + 0.01), None, with_base=False)
    assert warned.status == "warn"


@pytest.mark.parametrize(
    ("before", "status", "change"),
    [
        (0.0, "warn", "better"),  # below the level, but better than at the base: a warning
        (None, "fail", "new"),  # could not be read at the base: judged as new
        (0.99, "fail", "worse"),
    ],
)
def test_with_a_base_only_what_got_worse_or_is_new_fails(
    city: Estimated, before: float | None, status: str, change: str
) -> None:
    proposal = judge("p", city, Levels(fail_under=0.5), base(before), with_base=True)
    assert (proposal.status, proposal.change) == (status, change)
    assert proposal.lenient is (status == "warn")


def test_with_a_base_unchanged_is_a_warning(city: Estimated) -> None:
    assert city.assessment is not None
    same = base(city.assessment.on_time_probability)
    proposal = judge("p", city, Levels(fail_under=0.5), same, with_base=True)
    assert (proposal.status, proposal.change, proposal.delta) == ("warn", "same", 0.0)


def test_infeasible_at_the_base_and_feasible_now_is_better(city: Estimated) -> None:
    proposal = judge("p", city, Levels(fail_under=0.5), base(0.0, infeasible=True), True)
    assert proposal.change == "better"


@pytest.fixture(scope="module")
def never(tmp_path_factory: pytest.TempPathFactory) -> Estimated:
    """The city proposal with only a designer on the team: infeasible."""
    folder = tmp_path_factory.mktemp("never")
    text = CITY.read_text(encoding="utf-8").replace('team = "../../team.toml"', "")
    (folder / "spec.toml").write_text(text, encoding="utf-8")
    designer = '[[members]]\nname = "Dora"\nskills = ["design"]\n'
    (folder / "team.toml").write_text(designer, encoding="utf-8")
    answer = estimate_one(Task(spec=folder / "spec.toml", settings=RunSettings(trials=50, seed=1)))
    assert answer.assessment is not None and answer.assessment.verdict == "infeasible"
    return answer


@pytest.mark.parametrize(
    ("before", "change"),
    [
        (base(0.0, infeasible=True), "same"),  # infeasible then and now: no news
        (base(0.0), "worse"),  # 0 % then, but it could be done: newly infeasible
        (base(None), "new"),
    ],
)
def test_an_infeasible_proposal_against_its_base(
    never: Estimated, before: Base, change: str
) -> None:
    proposal = judge("p", never, Levels(fail_under=0.5), before, with_base=True)
    assert proposal.change == change
    assert proposal.status == ("warn" if change == "same" else "fail")


def test_the_base_records_whether_it_was_infeasible(city: Estimated, never: Estimated) -> None:
    assert city.assessment is not None
    feasible = _base(city)
    assert (feasible.on_time_probability, feasible.infeasible) == (
        city.assessment.on_time_probability,
        False,
    )
    assert _base(never).infeasible is True
    unreadable = _base(Estimated(assessment=None, problems=(), deadline_line=None))
    assert (unreadable.on_time_probability, unreadable.infeasible) == (None, False)


def test_a_change_below_the_shown_precision_is_no_change(city: Estimated) -> None:
    """`same` and a delta of 0 go together: both judged at 4 decimals (0.01 points)."""
    assert city.assessment is not None
    now = city.assessment.on_time_probability
    proposal = judge("p", city, Levels(fail_under=0.5), base(now - 0.00001), with_base=True)
    assert (proposal.change, proposal.delta) == ("same", 0.0)
    moved = judge("p", city, Levels(fail_under=0.5), base(now - 0.0001), with_base=True)
    assert (moved.change, moved.delta) == ("better", 0.0001)
