"""The command line: gather options, run the pipeline, write the report, set the exit code."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
import warnings
from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, NoReturn, TypeVar, assert_never

import typer

from promisecheck import __version__
from promisecheck.commands.files import write_atomically
from promisecheck.errors import ExitCode, InputError
from promisecheck.inputs import safefiles
from promisecheck.report import Format
from promisecheck.safetext import for_json, for_people

if TYPE_CHECKING:
    from promisecheck.assess.analysis import Menu
    from promisecheck.commands import Outcome
    from promisecheck.commands.check import CheckReport
    from promisecheck.commands.estimate import Applied, Refused
    from promisecheck.commands.portfolio import DealRequest
    from promisecheck.engine.simulate import Progress

T = TypeVar("T")
app = typer.Typer(
    name="promisecheck",
    help="Before anyone signs: can this team keep this promise? Odds on the real calendar.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"promisecheck {__version__}")
        raise typer.Exit(ExitCode.ON_TRACK)


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """promisecheck: the arithmetic of a promise, before the quote."""
    # Library warnings (numpy's RuntimeWarning with a source path) are not for the user:
    # every number that matters is checked, and the report says what is wrong in words.
    warnings.simplefilter("ignore")


def fail(message: str) -> typer.Exit:
    """Report a usage or input problem on stderr; exit code 2."""
    say(f"promisecheck: error: {message}")
    return typer.Exit(ExitCode.INVALID_INPUT)


def worded(error: InputError) -> str:
    """The error's problems, one a line; an option (named by its request field below) as
    its flag."""
    from promisecheck.report._kit.problems import worded as problem_words

    return "\n".join(problem_words(p) for p in error.problems)


def say(text: str) -> None:
    """A line for people on stderr, through the one sanitiser (it may quote input)."""
    typer.echo(for_people(text), err=True)


class _LateProgressBar:
    """A progress bar on stderr that appears only once a run has taken a second."""

    def __init__(self) -> None:
        from rich.progress import Progress, TaskID

        self._began = time.monotonic()
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._progress_type = Progress

    def update(self, done: int, total: int) -> None:
        if self._bar is None:
            if time.monotonic() - self._began < 1.0:
                return
            self._bar = self._progress_type(transient=True)
            self._bar.start()
            self._task = self._bar.add_task("simulating", total=total)
        if self._task is not None:
            self._bar.update(self._task, completed=done)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def progress_bar() -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """A progress callback and its closer; silent unless stderr is a terminal."""
    if not sys.stderr.isatty():
        return (lambda done, total: None), (lambda: None)
    bar = _LateProgressBar()
    return bar.update, bar.close


def run_located(action: Callable[[Progress], T], *, progress: bool = False) -> tuple[T, set[Path]]:
    """Run a command and record the files it read; the one place an InputError becomes its
    located message and exit 2. progress: a bar on stderr for a long run (on a terminal)."""
    update, close = progress_bar() if progress else ((lambda done, total: None), (lambda: None))
    with safefiles.recording() as read:
        try:
            return action(update), read
        except InputError as error:
            message = worded(error)
        finally:
            # Before the message: a live bar would be drawn over it.
            close()
    raise fail(message)


def report(
    outcome: Outcome,
    render: Callable[[bool], str],
    *,
    format: Format,
    output: Path | None,
    inputs: Collection[Path],
    summary: str | None = None,
    always: bool = False,
    after: Callable[[], None] | None = None,
) -> NoReturn:
    """Write the rendered report (render(color) -> text), its summary line, exit with its code.

    The summary goes to stderr when the report is not a table on stdout, where the headline
    already says it; `always` for check, the gate whose log line is its verdict. `after`
    writes what else goes out once the report is written (check's GitHub annotations).
    """
    color = _color(output, format)
    emit(render(color), output, json=format == "json", color=color, inputs=inputs)
    if after is not None:
        after()
    if summary is not None and (always or output is not None or format != "table"):
        say(f"promisecheck: {summary}")
    raise typer.Exit(outcome.exit_code)


def emit(
    text: str,
    output: Path | None,
    *,
    inputs: Collection[Path],
    json: bool = False,
    color: bool = False,
) -> None:
    """Write a report to stdout or `output`: JSON or text for people, through the sanitiser.

    inputs: the files this run read (safefiles.recording); the report never replaces one of
    them. Required, so that no command can forget to say what it read.
    """
    if output is not None and Path(os.path.realpath(output)) in inputs:
        raise fail(f"--output {output}: is an input of this run; choose another file")
    text = for_json(text) if json else for_people(text, color=color)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_atomically(output, text)


def check_output_path(output: Path | None) -> None:
    if output is not None and not output.parent.is_dir():
        raise fail(f"--output {output}: directory {output.parent} does not exist")
    if output is not None and output.is_dir():
        raise fail(f"--output {output}: is a directory; expected a file path")


def check_trials(trials: int) -> None:
    from promisecheck.commands.estimate import MAX_TRIALS

    if trials < 1:
        raise fail(f"--trials {trials}: expected at least 1 trial (10000 is a good default)")
    if trials > MAX_TRIALS:
        raise fail(
            f"--trials {trials}: expected at most {MAX_TRIALS:,}; "
            "beyond 100000 the odds no longer change visibly"
        )


def check_seed(seed: int) -> None:
    if seed < 0:
        raise fail(f"--seed {seed}: expected a whole number ≥ 0")


def check_confidence(confidence: float | None) -> None:
    if confidence is not None and not 0 < confidence < 1:
        raise fail(f"--confidence {confidence}: expected a probability in (0, 1), like 0.85")


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Report format.")]
ReportOutput = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the report to this file.")
]
HistoryOption = Annotated[
    Path | None,
    typer.Option(
        "--history",
        help="CSV of estimated vs actual hours; wins over the team's [history] file.",
    ),
]


PortfolioOption = Annotated[
    Path | None,
    typer.Option(
        "--portfolio",
        help="portfolio.toml (or its folder): judge against everything already promised.",
        show_default=False,
    ),
]


def _parse_as_of(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"got {value!r}; expected a date like 2027-03-01") from None


AsOfOption = Annotated[
    dt.date | None,
    typer.Option(
        "--as-of",
        parser=_parse_as_of,
        metavar="DATE",
        help="Status date of the portfolio; wins over its as_of.",
        show_default=False,
    ),
]


def _color(output: Path | None, format: Format) -> bool:
    """Colour only for a table on a terminal, and never when NO_COLOR is set (no-color.org)."""
    return (
        output is None
        and format == "table"
        and sys.stdout.isatty()
        and "NO_COLOR" not in os.environ
    )


def _estimate_deal(request: DealRequest, format: Format, output: Path | None) -> NoReturn:
    from promisecheck.commands.portfolio import estimate_deal
    from promisecheck.report import render_deal
    from promisecheck.report._kit import summary

    deal, read = run_located(lambda progress: estimate_deal(request, progress), progress=True)
    if deal.applied is not None:
        _applied(deal.applied, deal.assessment.compromises)
    report(
        deal,
        lambda color: render_deal(deal, format, color=color),
        format=format,
        output=output,
        inputs=read,
        summary=summary.deal(deal),
    )


@app.command()
def estimate(
    spec: Annotated[
        Path,
        typer.Argument(
            help="The proposal: spec.toml, or a folder holding one.", show_default=False
        ),
    ],
    team: Annotated[
        Path | None, typer.Option("--team", help="Team file; wins over the spec's `team` key.")
    ] = None,
    trials: Annotated[int, typer.Option(help="Monte Carlo trials.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Random seed: same inputs and seed, same report.")] = 0,
    format: FormatOption = "table",
    output: ReportOutput = None,
    confidence: Annotated[
        float | None,
        typer.Option(help="Target confidence, overriding the spec's target_confidence."),
    ] = None,
    scenario: Annotated[
        str | None,
        typer.Option(help="Apply this [scenarios.NAME] of the spec first.", show_default=False),
    ] = None,
    compromises: Annotated[
        bool | None,
        typer.Option(
            "--compromises/--no-compromises",
            help="Always / never search for compromises (default: when below target).",
            show_default=False,
        ),
    ] = None,
    apply: Annotated[
        int | None,
        typer.Option(
            "--apply",
            metavar="N",
            help="Write the plan with option N of the compromise menu to --output.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option(help="Let --apply overwrite existing files.")] = False,
    history: HistoryOption = None,
    as_of: Annotated[
        dt.datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            metavar="DATE",
            help="Judge the options as of this day (default: today); nothing starts before it. "
            "With --portfolio: the status date, winning over the portfolio's as_of.",
            show_default=False,
        ),
    ] = None,
    portfolio: PortfolioOption = None,
    rank: Annotated[
        str,
        typer.Option(
            help="With --portfolio: the deal's place in line: last, first, N or before:KEY."
        ),
    ] = "last",
) -> None:
    """How likely is this team to deliver this scope by this date?

    With --portfolio: scheduled with everything already promised, and what it does to each.
    Exit 0 on track, 1 not (or it breaks a signed commitment), 2 bad input.
    """
    from promisecheck.assess.estimator import RunSettings

    check_trials(trials)
    check_confidence(confidence)
    check_output_path(output)
    check_seed(seed)
    settings = RunSettings(trials=trials, seed=seed, confidence=confidence, history=history)
    day = as_of.date() if as_of is not None else None
    if apply is not None and output is None:
        raise fail("--apply needs --output FILE: where to write the revised spec")
    if apply is not None and apply < 1:
        raise fail(f"--apply {apply}: expected an option number from the menu, 1 or more")
    from promisecheck.commands.estimate import Apply

    write = (
        Apply(number=apply, output=output, force=force)
        if apply is not None and output is not None
        else None
    )
    if portfolio is not None:
        if scenario is not None:
            raise fail("--portfolio works without --scenario")
        from promisecheck.commands.portfolio import DealRequest

        deal = DealRequest(
            spec=spec,
            portfolio=portfolio,
            team=team,
            settings=settings,
            rank=rank,
            compromises=compromises,
            as_of=day,
            apply=write,
        )
        _estimate_deal(deal, format, output)
    from promisecheck.commands.estimate import EstimateRequest
    from promisecheck.commands.estimate import run as run_estimate

    request = EstimateRequest(
        spec=spec,
        team=team,
        settings=settings,
        scenario=scenario,
        compromises=compromises,
        as_of=day or dt.date.today(),
        apply=write,
    )
    outcome, read = run_located(lambda progress: run_estimate(request, progress), progress=True)
    if outcome.applied is not None:
        _applied(outcome.applied, outcome.assessment.compromises)
    from promisecheck.report import render
    from promisecheck.report._kit import summary

    report(
        outcome,
        lambda color: render(outcome.assessment, format, color=color),
        format=format,
        output=output,
        inputs=read,
        summary=summary.estimate(outcome.assessment),
    )


def _applied(applied: Applied | Refused, menu: Menu | None) -> NoReturn:
    """What --apply wrote on stderr and exit 0, or why it wrote nothing and exit 2."""
    from promisecheck.commands.estimate import Refused
    from promisecheck.report.estimate import menu as menu_words

    if isinstance(applied, Refused):
        number, path = applied.number, applied.path
        match applied.reason:
            case "on-track":
                message = (
                    f"--apply {number}: the plan is on track, no compromise is needed; "
                    "add --compromises to see (and apply) its slack"
                )
            case "no-menu":
                note = menu_words.note(menu) if menu else "none"
                message = f"--apply {number}: there is no compromise menu for this plan ({note})"
            case "no-such-option":
                count = len(menu.options) if menu is not None else 0
                message = f"--apply {number}: the menu has options 1 to {count}"
            case "original-input":
                message = f"{path}: is an original input; choose another --output"
            case "exists":
                message = f"{path}: already exists; use --force to overwrite it"
            case "out-of-reach":
                message = (
                    f"{path}: outside the repository (or folder) of --output, so the revised "
                    "plan could not read it; write it inside the same repository"
                )
            case "shared-team":
                assert path is not None
                message = menu_words.shared_team(number, path)
            case unknown:
                assert_never(unknown)
        raise fail(message)
    assert menu is not None
    say(menu_words.applied(applied.number, applied.option, menu, applied.revision))
    raise typer.Exit(ExitCode.ON_TRACK)


def run() -> None:
    """Console-script entry point."""
    app()


SchemaKind = Literal["spec", "team"]


@app.command()
def portfolio(
    path: Annotated[
        Path,
        typer.Argument(help="portfolio.toml, or a folder holding one.", show_default=True),
    ] = Path("."),
    trials: Annotated[int, typer.Option(help="Monte Carlo trials.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Random seed: same inputs and seed, same report.")] = 0,
    format: FormatOption = "table",
    output: ReportOutput = None,
    as_of: AsOfOption = None,
    history: HistoryOption = None,
) -> None:
    """Every commitment in one schedule on the shared team: does each hold, who is shared?

    Exit 0 when every signed commitment holds, 1 when one does not, 2 bad input.
    """
    check_trials(trials)
    check_output_path(output)
    check_seed(seed)
    from promisecheck.assess.estimator import RunSettings
    from promisecheck.commands.portfolio import PortfolioRequest, run_portfolio
    from promisecheck.report import render_portfolio

    request = PortfolioRequest(
        path=path, as_of=as_of, settings=RunSettings(trials=trials, seed=seed, history=history)
    )
    outcome, read = run_located(lambda progress: run_portfolio(request, progress), progress=True)
    report(
        outcome,
        lambda color: render_portfolio(outcome, format, color=color),
        format=format,
        output=output,
        inputs=read,
    )


@app.command()
def schema(
    kind: Annotated[
        SchemaKind, typer.Argument(help="Which file: spec or team.", show_default=False)
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the schema to this file.")
    ] = None,
) -> None:
    """Print the JSON Schema of spec.toml or team.toml, for editor completion and checks."""
    check_output_path(output)
    from promisecheck.inputs.schemas import render as render_schema

    emit(render_schema(kind), output, json=True, inputs=())


@app.command()
def init(
    directory: Annotated[
        Path, typer.Argument(help="Where to write spec.toml and team.toml (created if needed).")
    ] = Path("."),
) -> None:
    """Write a commented spec.toml and team.toml to start from. Never overwrites a file."""
    from promisecheck.commands.init import InitRequest
    from promisecheck.commands.init import run as run_init

    request = InitRequest(directory=directory, today=dt.date.today())
    outcome, _ = run_located(lambda _: run_init(request))
    typer.echo(for_people(f"wrote {', '.join(str(path) for path in outcome.files)}"))
    typer.echo(for_people(f"next: edit them, then run  promisecheck estimate {outcome.files[0]}"))
    raise typer.Exit(outcome.exit_code)


@app.command()
def validate(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Proposal files (spec.toml) or team files.", show_default=False),
    ],
    team: Annotated[
        Path | None, typer.Option("--team", help="Team file; wins over each spec's `team` key.")
    ] = None,
    strict: Annotated[bool, typer.Option(help="Warnings fail too (exit 2).")] = False,
) -> None:
    """Every error in proposal and team files at once, plus warnings. Exit 2 on errors."""
    from promisecheck.commands.validate import ValidateRequest
    from promisecheck.commands.validate import run as run_validate
    from promisecheck.report.validate.table import render as render_validation

    outcome = run_validate(ValidateRequest(paths=tuple(paths), team=team, strict=strict))
    report(outcome, lambda _: render_validation(outcome), format="table", output=None, inputs=())


HistoryUnitOption = Literal["hours", "days", "minutes"]


@app.command()
def calibrate(
    history: Annotated[
        Path | None,
        typer.Argument(
            help="CSV of finished tasks (estimated and actual hours), or a team file (or a "
            "proposal, for its team file) whose [history] names one and maps its columns.",
            show_default=False,
        ),
    ] = None,
    team: Annotated[
        Path | None,
        typer.Option(
            "--team",
            help="Team file whose [history] columns, unit and method apply (and whose file is "
            "read when no CSV is given).",
        ),
    ] = None,
    format: FormatOption = "table",
    output: ReportOutput = None,
    columns: Annotated[
        str | None,
        typer.Option(
            help="The CSV's own column names, e.g. estimate_hours=Estimated,actual_hours=Spent.",
        ),
    ] = None,
    unit: Annotated[
        HistoryUnitOption | None,
        typer.Option(help="Unit of the estimate and actual columns [default: hours]."),
    ] = None,
    hours_per_day: Annotated[
        float | None,
        typer.Option(help="Hours in a day, with --unit days [default: the team's, else 8]."),
    ] = None,
) -> None:
    """How does this team estimate? Bias, spread, size effect, drift (2: bad input)."""
    check_output_path(output)
    if hours_per_day is not None and not 0 < hours_per_day <= 24:
        raise fail(f"--hours-per-day {hours_per_day}: expected hours in (0, 24]")
    if history is not None and history.suffix.lower() == ".toml":
        if team is not None:
            raise fail(f"{history}: a team file, and --team names another; give one of them")
        history, team = None, history
    if history is None and team is None:
        raise fail("expected a history CSV or a team file with a [history] table")
    from promisecheck.commands.calibrate import CalibrateRequest
    from promisecheck.commands.calibrate import run as run_calibrate
    from promisecheck.report import render_calibration
    from promisecheck.report._kit import summary

    request = CalibrateRequest(
        history=history, team=team, columns=columns, unit=unit, hours_per_day=hours_per_day
    )
    outcome, read = run_located(lambda _: run_calibrate(request))
    report(
        outcome,
        lambda color: render_calibration(outcome, format, color=color),
        format=format,
        output=output,
        inputs=read,
        summary=summary.calibration(outcome),
    )


@app.command()
def compare(
    versions: Annotated[
        list[str],
        typer.Argument(
            help="One spec (its baseline and every [scenarios.NAME]), or two or more spec "
            "files or REV:path (read with git show); the first is the baseline.",
            show_default=False,
        ),
    ],
    team: Annotated[
        Path | None, typer.Option("--team", help="Team file for every version.")
    ] = None,
    trials: Annotated[int, typer.Option(help="Monte Carlo trials per version.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Random seed, the same for every version.")] = 0,
    format: FormatOption = "table",
    output: ReportOutput = None,
    history: HistoryOption = None,
    portfolio: PortfolioOption = None,
) -> None:
    """Versions of a proposal side by side: scope, odds, dates, cost. Exit 0, or 2 on bad input.

    With --portfolio, every column is judged as the deal against everything already promised.
    """
    check_trials(trials)
    check_output_path(output)
    check_seed(seed)
    from promisecheck.assess.estimator import RunSettings
    from promisecheck.commands.compare import CompareRequest
    from promisecheck.commands.compare import run as run_compare
    from promisecheck.report import render_comparison

    request = CompareRequest(
        versions=tuple(versions),
        team=team,
        settings=RunSettings(trials=trials, seed=seed, history=history),
        portfolio=portfolio,
    )
    outcome, read = run_located(lambda _: run_compare(request))
    report(
        outcome,
        lambda color: render_comparison(outcome, format, color=color),
        format=format,
        output=output,
        inputs=read,
    )


def check_level(option: str, value: float | None) -> None:
    # 0 is the natural "fail only what cannot be delivered at all".
    if value is not None and not 0 <= value <= 1:
        raise fail(f"{option} {value}: expected a probability in [0, 1], like 0.5")


@app.command()
def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or directories to search for proposals (default: .)."),
    ] = None,
    fail_under: Annotated[
        float | None,
        typer.Option(help="Fail a proposal below this on-time probability (default: its target)."),
    ] = None,
    warn_under: Annotated[
        float | None,
        typer.Option(help="Warn below this on-time probability (default: its target)."),
    ] = None,
    base: Annotated[
        str | None,
        typer.Option(help="Git revision: fail only proposals that got worse since then."),
    ] = None,
    trials: Annotated[int, typer.Option(help="Monte Carlo trials per proposal.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Random seed, the same for every proposal.")] = 0,
    jobs: Annotated[
        int | None, typer.Option(help="Worker processes (default: one per core).")
    ] = None,
    format: FormatOption = "table",
    output: ReportOutput = None,
    history: HistoryOption = None,
    portfolio: PortfolioOption = None,
) -> None:
    """Estimate every proposal under PATHS; the CI gate. Exit 2 if any is invalid, else 1 if
    any fails, else 0. A portfolio.toml at or above the paths (or --portfolio) judges
    commitments in the shared schedule and every other proposal as the next deal."""
    check_trials(trials)
    check_output_path(output)
    check_level("--fail-under", fail_under)
    check_level("--warn-under", warn_under)
    check_seed(seed)
    if jobs is not None and jobs < 1:
        raise fail(f"--jobs {jobs}: expected at least 1 worker process")
    from promisecheck.assess.estimator import RunSettings
    from promisecheck.commands.check import CheckRequest, Levels
    from promisecheck.commands.check import run as run_check
    from promisecheck.commands.portfolio_check import find_portfolio
    from promisecheck.report import render_check
    from promisecheck.report._kit import summary

    if portfolio is not None and portfolio.is_dir():
        portfolio = portfolio / "portfolio.toml"
    request = CheckRequest(
        paths=tuple(paths or [Path(".")]),
        settings=RunSettings(trials=trials, seed=seed, history=history),
        levels=Levels(fail_under=fail_under, warn_under=warn_under),
        base=base,
        jobs=jobs,
        portfolio=portfolio or find_portfolio(paths or [Path(".")]),
    )
    outcome, read = run_located(lambda progress: run_check(request, progress), progress=True)
    report(
        outcome,
        lambda color: render_check(outcome, format, color=color),
        format=format,
        output=output,
        inputs=read,
        summary=summary.check(outcome),
        always=True,
        after=(lambda: _github_actions(outcome))
        if os.environ.get("GITHUB_ACTIONS") == "true"
        else None,
    )


def _github_actions(outcome: CheckReport) -> None:
    """On a GitHub runner: workflow commands on stderr (the runner reads them there too, and
    stdout stays the report), and the Markdown report appended to the job's summary page."""
    from promisecheck.report import render_check
    from promisecheck.report.check import github as check_github

    sys.stderr.write(check_github.render(outcome))
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_file:
        try:
            with open(summary_file, "a", encoding="utf-8") as stream:
                stream.write(for_people(render_check(outcome, "markdown")) + "\n")
        except OSError as error:
            # The gate's verdict stands; only the summary page misses the table.
            say(
                f"promisecheck: warning: $GITHUB_STEP_SUMMARY {summary_file}: "
                f"cannot append the report: {error.strerror or error}"
            )
