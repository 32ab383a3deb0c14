"""`estimate --portfolio --apply`: an offered option of the deal's menu written as a revised
copy of the deal, whose fresh estimate in the portfolio gives the odds the menu claimed; an
option that changes the shared team refused, and nothing written on any refusal."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

from typer.testing import CliRunner

from promisecheck.assess.estimator import RunSettings
from promisecheck.cli import app
from promisecheck.commands.estimate import Applied, Apply, Refused
from promisecheck.commands.portfolio import DealEstimate, DealRequest, estimate_deal
from test_portfolio_menu import THURSDAY, TRIALS, one_person

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
