"""The compromise menu inside the shared schedule: every option of the deal judged with the
commitments on the same draws, and an option that breaks a signed commitment listed apart."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from promisecheck.assess.analysis import Menu
from promisecheck.assess.deal import DEAL_KEY, DealEstimator, schedule_deal
from promisecheck.assess.estimator import RunSettings
from promisecheck.cli import app
from promisecheck.commands.portfolio import DealEstimate, DealRequest, estimate_deal
from promisecheck.compromises.revision import with_changes
from promisecheck.inputs.history import History
from promisecheck.inputs.loading import load
from promisecheck.inputs.model import Plan
from promisecheck.inputs.portfolio import load_portfolio
from test_portfolio import EXAMPLE, MONDAY, write_portfolio, write_spec, write_team

TUESDAY = MONDAY + dt.timedelta(days=1)
WEDNESDAY = MONDAY + dt.timedelta(days=2)
THURSDAY = MONDAY + dt.timedelta(days=3)
TRIALS = 20
runner = CliRunner()


def deal_in(folder: Path, compromises: bool | None = None, *, trials: int = TRIALS) -> DealEstimate:
    """The deal at folder/deal/spec.toml against folder/portfolio.toml, last in line."""
    return estimate_deal(
        DealRequest(
            spec=folder / "deal" / "spec.toml",
            portfolio=folder / "portfolio.toml",
            compromises=compromises,
            settings=RunSettings(trials=trials),
        )
    )


def one_person(tmp_path: Path, **deal: object) -> Path:
    """Ana alone, 8 h a day; the portfolio's status date is Monday.

    Signed `a`: 8 h, starts and is due Tuesday. The deal: 16 h, starts Tuesday, due
    Wednesday. Last in line `a` takes Ana on Tuesday and the deal finishes Thursday (0 %).
    Started on Monday instead, the deal holds Ana Monday and Tuesday (no pre-emption): it
    is on time, and `a` slips to Wednesday. A hire from Tuesday lets both hold.
    """
    write_team(tmp_path, [{"name": "Ana", "skills": ["dev"]}])
    team = tmp_path / "team.toml"
    team.write_text(team.read_text() + "[hiring]\njoin_after = 0\nramp_up_weeks = 0\n")
    write_spec(
        tmp_path, "a", [{"id": "x", "skill": "dev", "estimate": 8}], start=TUESDAY, deadline=TUESDAY
    )
    write_spec(
        tmp_path,
        "deal",
        [{"id": "x", "skill": "dev", "estimate": 16}],
        **{"start": TUESDAY, "deadline": WEDNESDAY, **deal},  # type: ignore[arg-type]
    )
    return write_portfolio(tmp_path, [{"spec": "a/spec.toml"}], as_of=MONDAY)


def menu_of(tmp_path: Path, **deal: object) -> Menu:
    path = one_person(tmp_path, **deal)
    outcome = deal_in(path.parent)
    assert outcome.assessment.compromises is not None
    return outcome.assessment.compromises


def test_an_option_that_breaks_a_signed_commitment_is_listed_apart_never_offered(
    tmp_path: Path,
) -> None:
    menu = menu_of(tmp_path)
    assert menu.on_time_probability == 0.0 and menu.judges_commitments
    # Starting on Monday is the one lever that gets the deal there by taking Ana from `a`.
    (apart,) = menu.not_offered
    assert (apart.kind, apart.reason) == ("start-earlier", "breaks-commitment")
    assert apart.option is not None and apart.option.breaks == ("a",)
    assert apart.option.start == MONDAY and apart.option.on_time_probability == 1.0
    # What breaks no one is offered: the hire from Tuesday, and Thursday as the new date.
    offered = {o.kind: o for o in menu.options}
    assert set(offered) == {"add-member", "move-date"}
    assert offered["move-date"].deadline == THURSDAY
    assert offered["add-member"].new_members == 1
    assert all(o.breaks == () and o.on_time_probability == 1.0 for o in menu.options)
    assert menu.status == "options" and menu.breaks == ()
    # The busiest week counts everyone's work, not the deal's alone: with Thursday as the
    # date Ana works `a` on Tuesday and the deal on Wednesday and Thursday, 24 of 40 hours.
    assert offered["move-date"].peak_weekly_load == pytest.approx(0.6)


def test_an_option_that_breaks_no_one_is_recommended(tmp_path: Path) -> None:
    # `a` is due only on Friday: the Monday start delays it to Wednesday, still on time.
    path = one_person(tmp_path)
    write_spec(
        tmp_path,
        "a",
        [{"id": "x", "skill": "dev", "estimate": 8}],
        start=TUESDAY,
        deadline=MONDAY + dt.timedelta(days=4),
    )
    outcome = deal_in(path.parent)
    menu = outcome.assessment.compromises
    assert menu is not None and menu.not_offered == ()
    (start,) = [o for o in menu.options if o.kind == "start-earlier"]
    assert start.start == MONDAY and start.breaks == ()


def test_an_option_has_the_odds_a_fresh_estimate_of_its_file_gives(tmp_path: Path) -> None:
    # The Monday start, written into the deal's file and estimated afresh: the same odds,
    # and `a` broken, as the menu said.
    menu = menu_of(tmp_path)
    (apart,) = menu.not_offered
    assert apart.option is not None
    write_spec(
        tmp_path,
        "deal",
        [{"id": "x", "skill": "dev", "estimate": 16}],
        start=MONDAY,
        deadline=WEDNESDAY,
    )
    fresh = deal_in(tmp_path, False)
    assert fresh.assessment.on_time_probability == apart.option.on_time_probability
    assert [c.project for c in fresh.impact.breaks_signed] == list(apart.option.breaks)


def test_a_deal_on_track_that_breaks_someone_gets_the_menu_with_its_slack(
    tmp_path: Path,
) -> None:
    # Due Friday, started Monday: on time, but `a` waits until Wednesday. Starting on
    # Tuesday (the planned start, one working day later) breaks no one and keeps the deal.
    menu = menu_of(tmp_path, start=MONDAY, deadline=MONDAY + dt.timedelta(days=4))
    assert menu.status == "slack" and menu.breaks == ("a",)
    later = [o for o in menu.options if o.kind == "start-later"]
    assert later and all(o.breaks == () for o in menu.options)
    assert later[0].start is not None and later[0].start > MONDAY
    # Moving the date does not change the schedule: it still breaks `a`, so it is apart.
    assert [(n.kind, n.reason) for n in menu.not_offered] == [("move-date", "breaks-commitment")]


def test_the_deal_estimator_screens_on_a_prefix_of_the_deal_runs_draws() -> None:
    # The example with ranged estimates: the first 200 trials of a 1 000-trial run are
    # the 200-trial run, so a screen judges the same trials the confirmation does.
    example = Path(__file__).resolve().parent.parent / "examples" / "portfolio"
    portfolio = load_portfolio(example)
    spec = example / "deals" / "gamma-portal" / "spec.toml"
    plan = Plan(spec=load(spec).spec, team=portfolio.team)
    position = len(portfolio.commitments)
    run_settings: RunSettings[History] = RunSettings(trials=1000, seed=3)
    run = schedule_deal(portfolio, plan, DEAL_KEY, position, run_settings)
    estimator = DealEstimator(run_settings, run, plan)
    full = estimator.run(plan, 1000).finish_days
    assert (estimator.run(plan, 200).finish_days == full[:200]).all()
    assert estimator.on_time(plan, 1000) == run.assessment.on_time_probability
    later = with_changes(plan, deadline=plan.spec.project.deadline - dt.timedelta(days=30))
    assert estimator.on_time(later, 1000) < estimator.on_time(plan, 1000)
    assert estimator.breaks(plan) == tuple(c.project for c in run.impact.breaks_signed)


@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
def test_every_format_says_whom_an_option_breaks(tmp_path: Path, fmt: str) -> None:
    path = one_person(tmp_path)
    out = runner.invoke(
        app,
        ["estimate", str(tmp_path / "deal"), "--portfolio", str(path), "--trials", "20", "-f", fmt],
    )
    assert out.exit_code == 1, out.output
    text = " ".join(out.stdout.split())
    assert "earlier, by Mon 4 Jan 2027 — it breaks a (a signed commitment that holds" in text


def test_json_lists_the_breaking_option_apart_with_whom_it_breaks(tmp_path: Path) -> None:
    path = one_person(tmp_path)
    args = ["estimate", str(tmp_path / "deal"), "--portfolio", str(path), "--trials", "20"]
    data = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)
    menu = data["compromises"]
    assert [o["kind"] for o in menu["options"]] == ["add-member", "move-date"]
    (apart,) = menu["not_offered"]
    assert apart["reason"] == "breaks-commitment" and apart["breaks"] == ["a"]


def test_without_the_portfolio_the_same_deal_needs_no_menu(tmp_path: Path) -> None:
    # Alone Ana does the deal on Tuesday and Wednesday: it is the signed work that makes
    # it late, and the plain estimate (no `--portfolio`) has nothing to offer.
    one_person(tmp_path)
    args = ["estimate", str(tmp_path / "deal"), "--team", str(tmp_path / "team.toml")]
    out = runner.invoke(app, [*args, "--trials", "20", "--compromises", "-f", "json"])
    data = json.loads(out.stdout)
    assert out.exit_code == 0 and data["on_time_probability"] == 1.0
    assert data["compromises"]["status"] == "slack"
    assert data["compromises"]["not_offered"] == []


def test_the_menu_is_not_run_when_the_deal_holds_and_breaks_no_one(tmp_path: Path) -> None:
    # Due Friday from Tuesday: `a` takes Tuesday, the deal Wednesday and Thursday.
    path = one_person(tmp_path, deadline=MONDAY + dt.timedelta(days=4))
    outcome = deal_in(path.parent)
    assert outcome.assessment.on_time_probability == 1.0 and outcome.impact.breaks_signed == ()
    assert outcome.assessment.compromises is None and outcome.levers is None
    asked = deal_in(path.parent, True).assessment.compromises
    assert asked is not None and asked.status == "slack" and asked.breaks == ()


def test_a_screen_names_only_commitments_clearly_broken(tmp_path: Path) -> None:
    # First in line the deal takes Ana on Tuesday and `a` misses it in every trial: broken
    # on any number of trials. Last in line nobody is broken, screened or not.
    path = one_person(tmp_path)
    portfolio = load_portfolio(path)
    plan = Plan(
        spec=load(tmp_path / "deal" / "spec.toml", portfolio.team_path).spec, team=portfolio.team
    )
    run_settings: RunSettings[History] = RunSettings(trials=TRIALS, seed=0)
    run = schedule_deal(portfolio, plan, DEAL_KEY, 1, run_settings)
    estimator = DealEstimator(run_settings, run, plan)
    for trials in (5, TRIALS):
        first = estimator.odds(plan, trials, position=0)
        assert (first.breaks, first.on_time_probability, first.trials) == (("a",), 1.0, trials)
        last = estimator.odds(plan, trials)
        assert (last.breaks, last.on_time_probability) == ((), 0.0)


def test_the_portfolio_levers_screen_then_confirm_on_all_trials() -> None:
    # The example at 2 000 trials screens on the first 1 000: a recommended lever's odds
    # are those of all trials, equal to a fresh deal run at that place or start.
    deal = EXAMPLE / "deals" / "gamma-portal" / "spec.toml"
    outcome = estimate_deal(
        DealRequest(
            spec=deal, portfolio=EXAMPLE, compromises=True, settings=RunSettings(trials=2000)
        )
    )
    assert outcome.levers is not None
    (start,) = [lv for lv in outcome.levers.recommended if lv.kind == "start"]
    portfolio = load_portfolio(EXAMPLE)
    plan = Plan(spec=load(deal).spec, team=portfolio.team)
    project = plan.spec.project.model_copy(update={"start": start.start})
    moved = Plan(spec=plan.spec.model_copy(update={"project": project}), team=plan.team)
    fresh = schedule_deal(
        portfolio, moved, DEAL_KEY, len(portfolio.commitments), RunSettings(trials=2000, seed=0)
    )
    assert fresh.assessment.on_time_probability == start.on_time_probability
    assert fresh.impact.breaks_signed == ()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    signed_hours=st.integers(4, 24),
    deal_hours=st.integers(4, 32),
    signed_due=st.integers(1, 4),
    deal_start=st.integers(0, 2),
    deal_due=st.integers(0, 4),
)
def test_an_offered_option_breaks_no_one_when_its_plan_is_run_afresh(
    signed_hours: int, deal_hours: int, signed_due: int, deal_start: int, deal_due: int
) -> None:
    # Whatever the sizes and dates, on one person: every offered option that only moves
    # the deal's dates, scheduled afresh as its plan, has the odds the menu claims and
    # breaks no signed commitment; everything listed as breaking one names whom.
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_team(root, [{"name": "Ana", "skills": ["dev"]}])
        write_spec(
            root,
            "a",
            [{"id": "x", "skill": "dev", "estimate": signed_hours}],
            start=TUESDAY,
            deadline=TUESDAY + dt.timedelta(days=signed_due),
        )
        start = MONDAY + dt.timedelta(days=deal_start)
        write_spec(
            root,
            "deal",
            [{"id": "x", "skill": "dev", "estimate": deal_hours}],
            start=start,
            deadline=start + dt.timedelta(days=deal_due),
        )
        path = write_portfolio(root, [{"spec": "a/spec.toml"}], as_of=MONDAY)
        deal = root / "deal" / "spec.toml"
        outcome = deal_in(root, True)
        menu = outcome.assessment.compromises
        assert menu is not None
        portfolio = load_portfolio(path)
        plan = Plan(spec=load(deal, portfolio.team_path).spec, team=portfolio.team)
        for n in menu.not_offered:
            if n.reason == "breaks-commitment":
                assert n.option is not None and n.option.breaks == ("a",)
        for option in menu.options:
            assert option.breaks == ()
            if option.kind not in ("move-date", "start-earlier", "start-later"):
                continue
            revised = with_changes(plan, deadline=option.deadline, start=option.start)
            fresh = schedule_deal(
                portfolio, revised, DEAL_KEY, 1, RunSettings(trials=TRIALS, seed=0)
            )
            assert fresh.assessment.on_time_probability == option.on_time_probability
            assert fresh.impact.breaks_signed == ()
