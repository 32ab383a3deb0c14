"""check's gate on one proposal: levels, and the --base rule that only what got worse fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from promisecheck.commands.check import Base, Estimated, Levels, Task, estimate_one, judge

CITY = Path("examples/ci/proposals/city-portal/spec.toml")


@pytest.fixture(scope="module")
def city() -> Estimated:
    """A proposal well below its own target (and below an even chance)."""
    answer = estimate_one(Task(spec=CITY, trials=300, seed=1))
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
