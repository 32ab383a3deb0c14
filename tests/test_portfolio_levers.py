"""The portfolio levers for a deal: place in line, the earliest start that breaks no one,
and added capacity; options that break a signed commitment are kept apart."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from promisecheck.assess.deal import DealOdds
from promisecheck.assess.estimator import RunSettings
from promisecheck.commands.portfolio import DealRequest, estimate_deal
from promisecheck.compromises.portfolio import MAX_NEW_MEMBERS, Lever, LeverMenu, _Runner
from promisecheck.compromises.search import SCREEN_TRIALS
from promisecheck.report import render_deal
from promisecheck.report.portfolio import view as words
from test_compromises import small_project as small_plan
from test_portfolio import EXAMPLE, MONDAY, write_portfolio, write_spec, write_team


def test_one_person_deal_levers_counted_by_hand(tmp_path: Path) -> None:
    write_team(tmp_path, [{"name": "Ana", "skills": ["dev"]}])
    team = tmp_path / "team.toml"
    team.write_text(team.read_text() + "[hiring]\njoin_after = 0\nramp_up_weeks = 0\n")
    write_spec(tmp_path, "a", [{"id": "x", "skill": "dev", "estimate": 8}], deadline=MONDAY)
    write_spec(tmp_path, "deal", [{"id": "x", "skill": "dev", "estimate": 8}], deadline=MONDAY)
    path = write_portfolio(tmp_path, [{"spec": "a/spec.toml"}])
    outcome = estimate_deal(
        DealRequest(
            spec=tmp_path / "deal" / "spec.toml",
            portfolio=path,
            compromises=None,
            settings=RunSettings(trials=20),
        )
    )
    # Last in line the deal waits for Tuesday: 0 % by Monday; it breaks no one.
    assert outcome.assessment.on_time_probability == 0.0
    assert outcome.impact.breaks_signed == ()
    levers = outcome.levers
    assert levers is not None
    # First in line it makes Monday, but then `a` misses Monday: kept apart, naming `a`.
    assert [(lv.kind, lv.rank, lv.breaks) for lv in levers.breaking] == [("rank", 1, ("a",))]
    # A second person from Monday lets both hold.
    (capacity,) = levers.recommended
    assert capacity.kind == "capacity" and capacity.new_members == 1
    assert capacity.on_time_probability == 1.0 and capacity.joins == MONDAY


def test_example_deal_earliest_start_that_breaks_no_one() -> None:
    deal = EXAMPLE / "deals" / "gamma-portal" / "spec.toml"
    outcome = estimate_deal(
        DealRequest(
            spec=deal, portfolio=EXAMPLE, compromises=True, settings=RunSettings(trials=1000)
        )
    )
    assert outcome.levers is not None
    (start,) = [lv for lv in outcome.levers.recommended if lv.kind == "start"]
    assert start.start is not None
    assert dt.date(2027, 3, 16) <= start.start <= dt.date(2027, 3, 29)
    assert start.breaks == () and start.reaches_target
    assert all(lv.breaks for lv in outcome.levers.breaking)


def test_no_levers_unless_asked_or_needed(tmp_path: Path) -> None:
    write_team(tmp_path, [{"name": "Ana", "skills": ["dev"]}])
    write_spec(tmp_path, "a", [{"id": "x", "skill": "dev", "estimate": 8}])
    write_spec(tmp_path, "deal", [{"id": "x", "skill": "dev", "estimate": 8}])
    path = write_portfolio(tmp_path, [{"spec": "a/spec.toml"}])
    deal = tmp_path / "deal" / "spec.toml"
    levers = {
        asked: estimate_deal(
            DealRequest(
                spec=deal, portfolio=path, compromises=asked, settings=RunSettings(trials=10)
            )
        ).levers
        for asked in (None, False, True)
    }
    assert levers[None] is None and levers[False] is None and levers[True] is not None


def test_example_capacity_lever_says_what_it_tried() -> None:
    # Hires join three weeks after the deal starts, when it already holds Ana: every
    # number of them still breaks City portal, and the report says so instead of nothing.
    deal = EXAMPLE / "deals" / "gamma-portal" / "spec.toml"
    outcome = estimate_deal(
        DealRequest(
            spec=deal, portfolio=EXAMPLE, compromises=True, settings=RunSettings(trials=500)
        )
    )
    assert outcome.levers is not None
    tried = [lv for lv in outcome.levers.tried if lv.kind == "capacity"]
    assert tried and all(lv.new_members == MAX_NEW_MEMBERS for lv in tried)
    assert all(lv.breaks == ("City portal",) for lv in tried)
    assert not [lv for lv in outcome.levers.recommended if lv.kind == "capacity"]
    assert tried[0].skill == "backend"
    line = "Tried 1 to 3 new backend people from Wed 31 Mar (the earliest a hire joins)"
    for fmt in ("table", "markdown", "html"):
        assert line in " ".join(render_deal(outcome, fmt).split()), fmt
    data = json.loads(render_deal(outcome, "json"))
    assert [t["skill"] for t in data["portfolio"]["levers"]["tried"]] == [
        lv.skill for lv in outcome.levers.tried if lv.kind == "capacity"
    ]


def test_tried_lines_say_how_far_the_lever_went() -> None:
    menu = LeverMenu(target_confidence=0.8, recommended=(), breaking=())
    hires = Lever(
        kind="capacity",
        on_time_probability=0.9,
        reaches_target=True,
        breaks=("City portal",),
        skill="backend",
        new_members=3,
        joins=dt.date(2027, 3, 31),
    )
    assert words.tried_line(hires, menu, dt.date(2027, 3, 15)) == (
        "Tried 1 to 3 new backend people from Wed 31 Mar (the earliest a hire joins): "
        "with 3, 90 % on time; still breaks City portal"
    )
    start = Lever(
        kind="start",
        on_time_probability=0.5,
        reaches_target=False,
        breaks=("Acme shop",),
        start=dt.date(2027, 9, 13),
    )
    assert words.tried_line(start, menu, dt.date(2027, 3, 15)) == (
        "Tried every start up to Mon 13 Sep (182 days later): the last, 50 % on time "
        "(below the 80 % target); still breaks Acme shop"
    )


class _FixedDeal:
    """A deal estimator whose every variant has the same odds, recording the trials asked."""

    def __init__(self, odds: float, breaks: tuple[str, ...] = ()) -> None:
        self.settings = RunSettings(trials=10_000, seed=0)
        self.position, self.commitments = 1, 1
        self.result, self.asked = (odds, breaks), list[int]()

    def odds(self, plan: object, trials: int, position: int | None = None) -> DealOdds:
        self.asked.append(trials)
        p, breaks = self.result
        return DealOdds(on_time_probability=p, breaks=breaks, trials=trials)


@pytest.mark.parametrize(
    ("odds", "breaks", "needs_target", "confirmed"),
    [
        (0.80, (), True, False),  # 3 standard errors at 80 % on 1 000 trials: 3.8 points
        (0.83, (), True, True),
        (0.80, (), False, True),  # the start lever asks only that no one is broken
        (0.95, ("Acme shop",), True, False),  # clearly broken on the screen
    ],
)
def test_a_lever_is_confirmed_on_all_trials_only_when_its_screen_leaves_it_a_chance(
    odds: float, breaks: tuple[str, ...], needs_target: bool, confirmed: bool
) -> None:
    fake = _FixedDeal(odds, breaks)
    runner = _Runner(fake, small_plan(), 0.85)  # type: ignore[arg-type]
    seen, full = runner.odds(small_plan(), needs_target=needs_target)
    assert full == confirmed
    assert fake.asked == ([SCREEN_TRIALS, 10_000] if confirmed else [SCREEN_TRIALS])
    assert seen.trials == fake.asked[-1]
