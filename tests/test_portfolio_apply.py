"""`estimate --portfolio --apply`: an offered option of the deal's menu written as a revised
copy of the deal, whose fresh estimate in the portfolio gives the odds the menu claimed; an
option that changes the shared team refused, and nothing written on any refusal."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import tomllib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from promisecheck.assess.estimator import RunSettings
from promisecheck.cli import app
from promisecheck.commands.estimate import Applied, Apply, Refused
from promisecheck.commands.portfolio import DealEstimate, DealRequest, estimate_deal
from promisecheck.compromises.revision import changes_team
from test_portfolio import MONDAY, write_portfolio, write_spec, write_team
from test_portfolio_menu import THURSDAY, TRIALS, TUESDAY, one_person

runner = CliRunner()


def apply_in(folder: Path, number: int, output: Path, **request: object) -> DealEstimate:
    """The deal at folder/deal/spec.toml against folder/portfolio.toml, with --apply."""
    return estimate_deal(
        DealRequest(
            spec=folder / "deal" / "spec.toml",
            portfolio=folder / "portfolio.toml",
            settings=RunSettings(trials=TRIALS),
            apply=Apply(number=number, output=output),
            **request,  # type: ignore[arg-type]
        )
    )


def numbered(deal: DealEstimate, kind: str) -> int:
    """The menu number of the offered option of this kind."""
    menu = deal.assessment.compromises
    assert menu is not None
    return next(n for n, o in enumerate(menu.options, start=1) if o.kind == kind)


def deal_of(folder: Path, spec: Path) -> DealEstimate:
    return estimate_deal(
        DealRequest(
            spec=spec,
            portfolio=folder / "portfolio.toml",
            settings=RunSettings(trials=TRIALS),
            compromises=False,
        )
    )


def test_a_date_option_is_written_and_a_fresh_estimate_gives_its_odds(tmp_path: Path) -> None:
    one_person(tmp_path)
    original = (tmp_path / "deal" / "spec.toml").read_text()
    menu_run = deal_of(tmp_path, tmp_path / "deal" / "spec.toml")
    assert menu_run.assessment.on_time_probability == 0.0
    probe = apply_in(tmp_path, 1, tmp_path / "unused.toml", compromises=True)
    number = numbered(probe, "move-date")
    out = tmp_path / "deal" / "revised.toml"
    applied = apply_in(tmp_path, number, out).applied
    assert isinstance(applied, Applied) and applied.option.kind == "move-date"
    assert list(applied.revision.files) == [out]
    assert tomllib.loads(out.read_text())["project"]["deadline"] == THURSDAY
    assert (tmp_path / "deal" / "spec.toml").read_text() == original
    fresh = deal_of(tmp_path, out)
    assert fresh.assessment.on_time_probability == applied.option.on_time_probability == 1.0
    assert fresh.impact.breaks_signed == ()


def test_a_start_option_written_in_another_folder_keeps_its_odds(tmp_path: Path) -> None:
    # Due Friday and started Monday the deal breaks `a`; its slack, a later start, frees Ana.
    one_person(tmp_path, start=dt.date(2027, 1, 4), deadline=dt.date(2027, 1, 8))
    probe = apply_in(tmp_path, 1, tmp_path / "unused.toml", compromises=True)
    number = numbered(probe, "start-later")
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "later.toml"
    deal = apply_in(tmp_path, number, out, compromises=True)
    applied = deal.applied
    assert isinstance(applied, Applied) and applied.option.start is not None
    written = tomllib.loads(out.read_text())["project"]
    assert written["start"] == applied.option.start
    assert (out.parent / written["team"]).resolve() == (tmp_path / "team.toml").resolve()
    fresh = deal_of(tmp_path, out)
    assert fresh.assessment.on_time_probability == applied.option.on_time_probability
    assert fresh.impact.breaks_signed == ()


def test_an_option_that_changes_the_team_is_refused_and_nothing_written(tmp_path: Path) -> None:
    one_person(tmp_path)
    probe = apply_in(tmp_path, 1, tmp_path / "unused.toml", compromises=True)
    number = numbered(probe, "add-member")
    out = tmp_path / "hire.toml"
    deal = apply_in(tmp_path, number, out)
    assert isinstance(deal.applied, Refused) and deal.applied.reason == "shared-team"
    assert deal.applied.number == number and deal.applied.path is not None
    assert deal.applied.path.resolve() == (tmp_path / "team.toml").resolve()
    assert deal.exit_code == 2
    assert not out.exists() and not out.with_name("hire.team.toml").exists()


def test_an_option_listed_apart_is_no_such_option(tmp_path: Path) -> None:
    one_person(tmp_path)
    deal = apply_in(tmp_path, 3, tmp_path / "x.toml")
    # Two options are offered; the Monday start, which breaks `a`, is not numbered.
    assert isinstance(deal.applied, Refused) and deal.applied.reason == "no-such-option"
    assert not (tmp_path / "x.toml").exists()


def test_never_over_an_input_of_the_run(tmp_path: Path) -> None:
    portfolio = one_person(tmp_path)
    number = numbered(apply_in(tmp_path, 1, tmp_path / "u.toml", compromises=True), "move-date")
    for target in (portfolio, tmp_path / "a" / "spec.toml", tmp_path / "team.toml"):
        before = target.read_text()
        refused = apply_in(tmp_path, number, target).applied
        assert isinstance(refused, Refused) and refused.reason == "original-input"
        assert target.read_text() == before


def cli(folder: Path, *extra: str) -> list[str]:
    return [
        "estimate",
        str(folder / "deal"),
        "--portfolio",
        str(folder / "portfolio.toml"),
        "--trials",
        str(TRIALS),
        *extra,
    ]


def test_cli_writes_the_option_and_a_fresh_estimate_says_its_odds(tmp_path: Path) -> None:
    one_person(tmp_path)
    out = tmp_path / "deal" / "later.toml"
    # The menu: 1 the hire, 2 Thursday as the date.
    result = runner.invoke(app, [*cli(tmp_path), "--apply", "2", "--output", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "wrote" in result.stderr and "option 2, Move the date to Thu 7 Jan 2027" in result.stderr
    assert result.stdout == ""
    again = ["estimate", str(out), "--portfolio", str(tmp_path), "--trials", str(TRIALS)]
    fresh = runner.invoke(app, [*again, "-f", "json"])
    assert fresh.exit_code == 0, fresh.stderr
    assert json.loads(fresh.stdout)["on_time_probability"] == 1.0


def test_cli_refuses_a_capacity_option_naming_the_file_to_edit(tmp_path: Path) -> None:
    one_person(tmp_path)
    out = tmp_path / "hire.toml"
    result = runner.invoke(app, [*cli(tmp_path), "--apply", "1", "--output", str(out)])
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert "changes the team" in message and str(tmp_path / "team.toml") in message
    assert not out.exists() and not (tmp_path / "hire.team.toml").exists()


def test_cli_refuses_an_existing_output_without_force(tmp_path: Path) -> None:
    one_person(tmp_path)
    out = tmp_path / "deal" / "later.toml"
    out.write_text("mine\n")
    args = [*cli(tmp_path), "--apply", "2", "--output", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "already exists; use --force" in result.stderr
    assert out.read_text() == "mine\n"
    forced = runner.invoke(app, [*args, "--force"])
    assert forced.exit_code == 0, forced.stderr
    assert "deadline" in out.read_text()


def test_cli_apply_needs_output_and_scenario_stays_refused(tmp_path: Path) -> None:
    one_person(tmp_path)
    result = runner.invoke(app, [*cli(tmp_path), "--apply", "2"])
    assert result.exit_code == 2 and "--apply needs --output" in result.stderr
    result = runner.invoke(app, [*cli(tmp_path), "--scenario", "x"])
    assert result.exit_code == 2 and "--portfolio works without --scenario" in result.stderr


def test_the_example_deals_option_keeps_its_odds_on_ranged_estimates(tmp_path: Path) -> None:
    # The shipped portfolio (done items, ranges, a tentative deal won in half the trials):
    # the written deal, estimated afresh at the same rank, seed and trials, has the odds the
    # menu gave its option, although the file sits in another folder.
    example = Path(__file__).resolve().parent.parent / "examples" / "portfolio"
    settings = RunSettings(trials=1000, seed=3)
    out = tmp_path / "gamma.toml"
    deal = estimate_deal(
        DealRequest(
            spec=example / "deals" / "gamma-portal",
            portfolio=example,
            settings=settings,
            compromises=True,
            apply=Apply(number=1, output=out),
        )
    )
    applied = deal.applied
    assert isinstance(applied, Applied), applied
    fresh = estimate_deal(
        DealRequest(spec=out, portfolio=example, settings=settings, compromises=False)
    )
    assert fresh.assessment.on_time_probability == applied.option.on_time_probability
    assert [c.project for c in fresh.impact.breaks_signed] == list(applied.option.breaks)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    signed_hours=st.integers(4, 24),
    deal_hours=st.lists(st.integers(2, 16), min_size=1, max_size=3),
    signed_due=st.integers(1, 4),
    deal_start=st.integers(0, 2),
    deal_due=st.integers(0, 4),
)
def test_every_offered_option_is_written_with_its_odds_or_refused_for_the_team(
    signed_hours: int, deal_hours: list[int], signed_due: int, deal_start: int, deal_due: int
) -> None:
    # Whatever the sizes and dates: each offered option that the deal's file can carry,
    # written and estimated afresh, has the odds the menu claims and breaks no one; each
    # that changes the team is refused and writes nothing.
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_team(root, [{"name": "Ana", "skills": ["dev"]}])
        team = root / "team.toml"
        team.write_text(team.read_text() + "[hiring]\njoin_after = 0\nramp_up_weeks = 0\n")
        write_spec(
            root,
            "a",
            [{"id": "x", "skill": "dev", "estimate": signed_hours}],
            start=TUESDAY,
            deadline=TUESDAY + dt.timedelta(days=signed_due),
        )
        start = MONDAY + dt.timedelta(days=deal_start)
        # The first item is a must, the others may be deferred (a scope cut is offered).
        items = [
            {
                "id": f"i{k}",
                "skill": "dev",
                "estimate": hours,
                "priority": "should" if k else "must",
            }
            for k, hours in enumerate(deal_hours)
        ]
        write_spec(root, "deal", items, start=start, deadline=start + dt.timedelta(days=deal_due))
        write_portfolio(root, [{"spec": "a/spec.toml"}], as_of=MONDAY)
        menu = apply_in(root, 1, root / "probe.toml", compromises=True).assessment.compromises
        assert menu is not None
        for number, option in enumerate(menu.options, start=1):
            out = root / f"option{number}.toml"
            deal = apply_in(root, number, out, compromises=True)
            if changes_team(option):
                assert isinstance(deal.applied, Refused)
                assert deal.applied.reason == "shared-team" and not out.exists()
                continue
            assert isinstance(deal.applied, Applied) and deal.applied.option == option
            fresh = deal_of(root, out)
            assert fresh.assessment.on_time_probability == option.on_time_probability
            assert fresh.impact.breaks_signed == ()
