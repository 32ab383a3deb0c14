"""`check` with a portfolio: commitments judged inside the shared schedule, every other
proposal as the next deal (last in line), one at a time, against the same commitments."""

from __future__ import annotations

import posixpath
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from promisecheck.assess.analysis import Assessment
from promisecheck.assess.deal import DEAL_KEY, projects_of, schedule_deal
from promisecheck.assess.estimator import RunSettings
from promisecheck.commands.portfolio import _history, commitment_assessment
from promisecheck.engine.shared_schedule import Schedule, run_schedule
from promisecheck.errors import InputError
from promisecheck.inputs import gitfiles
from promisecheck.inputs.loading import load, read_toml
from promisecheck.inputs.portfolio import PORTFOLIO_FILE, Portfolio, load_portfolio

if TYPE_CHECKING:
    from promisecheck.commands.check import Estimated, Progress, Task


@dataclass(frozen=True, kw_only=True)
class PortfolioAnswer:
    """What the portfolio says about one proposal of the check."""

    role: str  # signed | tentative | deal
    win_probability: float  # 1 for signed commitments and deals
    breaks: tuple[str, ...]  # deals: the signed commitments it breaks, by project name


def find_portfolio(paths: Sequence[Path]) -> Path | None:
    """A portfolio.toml at or above the first path, or None."""
    for start in list(paths)[:1] or [Path(".")]:
        folder = start.resolve()
        folder = folder if folder.is_dir() else folder.parent
        for candidate in (folder, *folder.parents):
            found = candidate / PORTFOLIO_FILE
            if found.is_file():
                # Named as a person would from here, when it is below the working directory.
                cwd = Path.cwd().resolve()
                return found.relative_to(cwd) if found.is_relative_to(cwd) else found
    return None


def _same(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


class Context:
    """One loaded portfolio and its schedule without deals, shared by every proposal."""

    def __init__(self, path: Path, settings: RunSettings[Path]) -> None:
        self.portfolio: Portfolio = load_portfolio(path)
        # The settings' history (a CSV) wins over the portfolio team's.
        self.settings = settings.reading(_history(self.portfolio, settings.history))
        self.before: Schedule = run_schedule(
            projects_of(self.portfolio),
            self.portfolio.team,
            self.portfolio.as_of,
            trials=settings.trials,
            seed=settings.seed,
            history=self.settings.history,
        )

    def judge(self, spec: Path) -> tuple[Assessment, PortfolioAnswer]:
        """The proposal's assessment and what the portfolio says; InputError if unreadable."""
        for k, c in enumerate(self.portfolio.commitments):
            if _same(c.path, spec):
                assessment = commitment_assessment(
                    self.before, k, self.portfolio.team, seed=self.settings.seed
                )
                answer = PortfolioAnswer(
                    role=c.status, win_probability=c.win_probability, breaks=()
                )
                return assessment, answer
        plan = load(spec, self.portfolio.team_path)
        run = schedule_deal(
            self.portfolio,
            plan.model_copy(update={"team": self.portfolio.team}),
            DEAL_KEY,
            len(self.portfolio.commitments),
            self.settings,
            before=self.before,
        )
        breaks = tuple(c.project for c in run.impact.breaks_signed)
        return run.assessment, PortfolioAnswer(role="deal", win_probability=1.0, breaks=breaks)


def materialize_portfolio(revision: str, path: Path, repo: Path, into: Path) -> Path | None:
    """Copy the portfolio at `revision`, its team and every commitment's spec into `into`."""
    try:
        rel = path.resolve().relative_to(repo).as_posix()
    except ValueError:
        return None
    text = gitfiles.show(revision, rel, repo)
    if text is None:
        return None
    target = into / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(text)
    try:
        data = tomllib.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return target  # loading it reports the problem
    folder = posixpath.dirname(rel)
    team = data.get("team", "team.toml")
    names = [team] if isinstance(team, str) else []
    for entry in data.get("commitments", []):
        spec = entry.get("spec") if isinstance(entry, dict) else None
        if isinstance(spec, str):
            inside = posixpath.normpath(posixpath.join(folder, spec))
            if not inside.startswith(".."):
                gitfiles.materialize(revision, inside, repo, into)
    for name in names:
        inside = posixpath.normpath(posixpath.join(folder, name))
        team_text = gitfiles.show(revision, inside, repo) if not inside.startswith("..") else None
        if team_text is not None:
            (into / inside).parent.mkdir(parents=True, exist_ok=True)
            (into / inside).write_bytes(team_text)
    return target


def is_portfolio_file(path: Path) -> bool:
    """portfolio.toml files are not proposals, even when found among them."""
    if path.name == PORTFOLIO_FILE:
        return True
    try:
        data, _ = read_toml(path)
    except InputError:
        return False
    return "commitments" in data and "project" not in data


def estimate_tasks(tasks: Sequence[Task], progress: Progress | None = None) -> list[Estimated]:
    """Every task's answer in order; one shared schedule per portfolio, computed once."""
    contexts: dict[Path, Context | InputError] = {}
    from promisecheck.commands.check import Estimated, estimate_one

    answers: list[Estimated] = []
    for task in tasks:
        if task.portfolio is None:  # e.g. the base revision had no portfolio yet
            answers.append(estimate_one(task))
            if progress is not None:
                progress(len(answers), len(tasks))
            continue
        key = task.portfolio.resolve()
        if key not in contexts:
            try:
                contexts[key] = Context(task.portfolio, task.settings)
            except InputError as error:
                contexts[key] = error
        context = contexts[key]
        try:
            if isinstance(context, InputError):
                raise context
            assessment, answer = context.judge(task.spec)
            _, lines = read_toml(task.spec)
        except InputError as error:
            problems = error.problems
            if task.revision is not None and task.scratch is not None:
                problems = gitfiles.relabel(problems, task.scratch, task.revision)
            answers.append(Estimated(assessment=None, problems=problems, deadline_line=None))
        else:
            answers.append(
                Estimated(
                    assessment=assessment.headline,
                    problems=(),
                    deadline_line=lines.line(("project", "deadline")),
                    portfolio=answer,
                )
            )
        if progress is not None:
            progress(len(answers), len(tasks))
    return answers
