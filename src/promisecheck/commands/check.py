"""`promisecheck check`: every proposal under some paths, estimated in parallel, then gated.

A proposal is a `spec.toml`, or any `*.toml` whose [project] table has a deadline. Each one
is estimated on its own (in worker processes, one per core) and judged against a level:
`fail_under` (default: its own target confidence) and `warn_under` (default: the same).
With a base revision, a proposal below its fail level fails only if it got worse than at
the base; otherwise it warns. A proposal that cannot be read is reported with its problems
and never hides the others.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tempfile
import tomllib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from promisecheck.assess.analysis import Headline
from promisecheck.assess.estimator import RunSettings
from promisecheck.commands.estimate import estimate_headline
from promisecheck.commands.portfolio_check import PortfolioAnswer
from promisecheck.engine.forecast import load_history
from promisecheck.errors import ExitCode, InputError, OptionError, Problem
from promisecheck.inputs import gitfiles, safefiles
from promisecheck.inputs.loading import load, read_toml

SCHEMA = "promisecheck.check/1"
SPEC_NAME = "spec.toml"
SKIPPED_DIRECTORIES = {"node_modules", "__pycache__"}  # and every directory starting with "."

Status = Literal["invalid", "fail", "warn", "pass", "removed"]
Change = Literal["new", "worse", "same", "better"]
STATUS_ORDER: dict[Status, int] = {"invalid": 0, "fail": 1, "warn": 2, "pass": 3, "removed": 4}

_PROJECT_HEADER = re.compile(r"^\s*\[\s*project\s*\]", re.MULTILINE)
_DEADLINE_KEY = re.compile(r"^\s*deadline\s*=", re.MULTILINE)

Progress = Callable[[int, int], None]


# --- finding proposals -----------------------------------------------------------------------


def is_proposal(name: str, text: str) -> bool:
    """A spec.toml, or a TOML file whose [project] has a deadline (when unparsable: says so)."""
    if name == SPEC_NAME:
        return True
    try:
        project = tomllib.loads(text).get("project")
    except tomllib.TOMLDecodeError:
        # A broken proposal is still a proposal: it must be reported, not skipped.
        return bool(_PROJECT_HEADER.search(text) and _DEADLINE_KEY.search(text))
    return isinstance(project, dict) and "deadline" in project


def _skipped(part: str) -> bool:
    return part.startswith(".") or part in SKIPPED_DIRECTORIES


def _is_proposal_file(path: Path) -> bool:
    if path.name == SPEC_NAME:
        return True
    try:
        text = safefiles.read_bytes(path, limit=safefiles.MAX_TOML_BYTES).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError, InputError):
        # Too big, not a file, not text: not a proposal of ours, so not ours to judge.
        return False
    return is_proposal(path.name, text)


def discover(paths: Sequence[Path]) -> tuple[list[Path], list[Problem]]:
    """Proposal files under the paths (a file given by name always counts), sorted, and
    a problem for each path that does not exist or is a link out of the repository."""
    found: set[Path] = set()
    problems: list[Problem] = []
    for root in paths:
        if root.is_file():
            found.add(root)
        elif root.is_dir():
            boundary = safefiles.root_of(root)
            for directory, subdirectories, files in os.walk(root):
                subdirectories[:] = sorted(d for d in subdirectories if not _skipped(d))
                for name in files:
                    candidate = Path(directory) / name
                    if not name.endswith(".toml"):
                        continue
                    try:
                        # A file found (not named) is untrusted: a link must not lead out.
                        safefiles.confine(
                            candidate,
                            str(candidate),
                            boundary,
                            file=candidate,
                            location="",
                            line=None,
                        )
                    except InputError as error:
                        problems += error.problems
                        continue
                    if _is_proposal_file(candidate):
                        found.add(candidate)
        else:
            problems.append(Problem(path=root, location="", message="no such file or directory"))
    return sorted(found, key=lambda p: p.as_posix()), problems


def discover_at(revision: str, repo: Path, scopes: Sequence[str]) -> list[str]:
    """Root-relative paths of the proposals under `scopes` (root-relative) at a revision."""
    found = []
    for name in gitfiles.list_files(revision, repo):
        parts = PurePosixPath(name).parts
        inside = any(s in ("", ".") or name == s or name.startswith(s + "/") for s in scopes)
        if not inside or not name.endswith(".toml") or any(_skipped(p) for p in parts[:-1]):
            continue
        if parts[-1] == SPEC_NAME:
            found.append(name)
            continue
        data = gitfiles.show(revision, name, repo)
        if data is not None and is_proposal(parts[-1], data.decode("utf-8", "replace")):
            found.append(name)
    return sorted(found)


# --- estimating, in worker processes ---------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Task:
    """One proposal to estimate: where to load it from and how to name it."""

    spec: Path
    settings: RunSettings[Path]  # its history: a CSV that wins over the team's [history]
    revision: str | None = None  # a base version, copied from git into `scratch`
    scratch: Path | None = None
    root: Path | None = None  # the boundary of the files it names (default: its repository)
    portfolio: Path | None = None  # judged against this portfolio.toml


@dataclass(frozen=True, kw_only=True)
class Estimated:
    """A worker's answer: the assessment, or why there is none."""

    assessment: Headline | None
    problems: tuple[Problem, ...]
    deadline_line: int | None  # where annotations point
    read: tuple[Path, ...] = ()  # every file read for it, so no report is written over one
    portfolio: PortfolioAnswer | None = None  # with a portfolio: its role and whom it breaks


def estimate_one(task: Task) -> Estimated:
    """Load and estimate one proposal; an input error is an answer, not a crash."""
    with safefiles.recording():
        answer = _estimate(task)
        return dataclasses.replace(answer, read=safefiles.recorded())


def _estimate(task: Task) -> Estimated:
    try:
        plan = load(task.spec, root=task.scratch or task.root)
        assessment = estimate_headline(
            plan, task.settings.reading(load_history(plan, task.settings.history))
        )
        _, lines = read_toml(task.spec)
    except InputError as error:
        problems = error.problems
        if task.revision is not None and task.scratch is not None:
            problems = gitfiles.relabel(problems, task.scratch, task.revision)
        return Estimated(assessment=None, problems=problems, deadline_line=None)
    return Estimated(
        assessment=assessment, problems=(), deadline_line=lines.line(("project", "deadline"))
    )


def estimate_all(
    tasks: Sequence[Task], jobs: int, progress: Progress | None = None
) -> list[Estimated]:
    """Every task's answer, in task order; in `jobs` processes when there is more than one."""
    if any(task.portfolio is not None for task in tasks):
        from promisecheck.commands.portfolio_check import estimate_tasks

        return estimate_tasks(tasks, progress)
    answers: list[Estimated] = []
    if jobs <= 1 or len(tasks) <= 1:
        results: Iterator[Estimated] = map(estimate_one, tasks)
        for answer in results:
            safefiles.note(answer.read)
            answers.append(answer)
            if progress is not None:
                progress(len(answers), len(tasks))
        return answers
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
        for answer in pool.map(estimate_one, tasks):
            safefiles.note(answer.read)
            answers.append(answer)
            if progress is not None:
                progress(len(answers), len(tasks))
    return answers


# --- judging -----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Levels:
    """The gate: below `fail_under` fails, below `warn_under` warns (None: own target)."""

    fail_under: float | None = None
    warn_under: float | None = None


@dataclass(frozen=True, kw_only=True)
class Base:
    """The same proposal at the base revision."""

    on_time_probability: float | None  # None: it could not be read there
    infeasible: bool
    problems: tuple[Problem, ...]


@dataclass(frozen=True, kw_only=True)
class Proposal:
    """One row of the check: what was found, how it was judged, and why."""

    path: str  # as found, relative to where check was run
    status: Status
    assessment: Headline | None  # None when invalid or removed
    problems: tuple[Problem, ...]
    deadline_line: int | None
    fail_level: float | None  # the on-time probability below which it fails
    warn_level: float | None
    base: Base | None  # with --base: the version there; None when new or without --base
    change: Change | None  # with --base: against that version
    delta: float | None = None  # on-time probability now minus at the base, when both exist
    lenient: bool = False  # below its fail level but not worse than at the base: a warning
    portfolio: PortfolioAnswer | None = None  # with a portfolio: its role and whom it breaks

    @property
    def breaks(self) -> tuple[str, ...]:
        """The signed commitments signing it would break (fail reason breaks-commitment)."""
        return self.portfolio.breaks if self.portfolio is not None else ()

    @property
    def on_time_probability(self) -> float | None:
        return self.assessment.on_time_probability if self.assessment is not None else None


@dataclass(frozen=True, kw_only=True)
class CheckReport:
    """Every proposal, worst first, with the settings that judged them."""

    schema: str = SCHEMA
    trials: int
    seed: int
    fail_under: float | None
    warn_under: float | None
    base: str | None
    proposals: tuple[Proposal, ...]
    portfolio: str | None = None  # the portfolio.toml every proposal was judged against

    def count(self, status: Status) -> int:
        return sum(1 for p in self.proposals if p.status == status)

    def portfolio_counts(self) -> tuple[int, float, int] | None:
        """With a portfolio: projects confirmed (signed), forecast (tentatives weighted by
        their win probability) and the exposure if every proposal were won."""
        if self.portfolio is None:
            return None
        answers = [p.portfolio for p in self.proposals if p.portfolio is not None]
        confirmed = sum(1 for a in answers if a.role == "signed")
        forecast = confirmed + sum(a.win_probability for a in answers if a.role == "tentative")
        return confirmed, forecast, len(answers)

    @property
    def exit_code(self) -> ExitCode:
        """2 if any proposal is invalid, else 1 if any fails, else 0 (warnings never fail)."""
        if self.count("invalid"):
            return ExitCode.INVALID_INPUT
        if self.count("fail"):
            return ExitCode.BELOW_TARGET
        return ExitCode.ON_TRACK


def _change(a: Headline, base: Base | None) -> Change:
    if base is None or base.on_time_probability is None:
        return "new"
    now, before = round(a.on_time_probability, 4), round(base.on_time_probability, 4)
    if (a.verdict == "infeasible" and not base.infeasible) or now < before:
        return "worse"
    if (base.infeasible and a.verdict != "infeasible") or now > before:
        return "better"
    return "same"


def judge(
    path: str, answer: Estimated, levels: Levels, base: Base | None, with_base: bool
) -> Proposal:
    """The status of one proposal that exists now."""
    a = answer.assessment
    if a is None:
        return Proposal(
            path=path,
            status="invalid",
            assessment=None,
            problems=answer.problems,
            deadline_line=None,
            fail_level=None,
            warn_level=None,
            base=base,
            change=None,
        )
    fail_level = levels.fail_under if levels.fail_under is not None else a.target_confidence
    warn_level = levels.warn_under if levels.warn_under is not None else a.target_confidence
    change = _change(a, base) if with_base else None
    below = a.verdict == "infeasible" or a.on_time_probability < fail_level
    lenient = below and change in ("same", "better")
    breaks = answer.portfolio is not None and bool(answer.portfolio.breaks)
    status: Status
    if breaks or (below and not lenient):
        status = "fail"
    elif lenient or a.on_time_probability < warn_level:
        status = "warn"
    else:
        status = "pass"
    return Proposal(
        path=path,
        status=status,
        assessment=a,
        problems=(),
        deadline_line=answer.deadline_line,
        fail_level=fail_level,
        warn_level=warn_level,
        base=base,
        change=change,
        delta=_delta(a, base),
        lenient=lenient and not breaks,
        portfolio=answer.portfolio,
    )


def _delta(a: Headline, base: Base | None) -> float | None:
    if base is None or base.on_time_probability is None:
        return None
    return round(a.on_time_probability - base.on_time_probability, 4)


def _base(answer: Estimated) -> Base:
    a = answer.assessment
    return Base(
        on_time_probability=a.on_time_probability if a is not None else None,
        infeasible=a is not None and a.verdict == "infeasible",
        problems=answer.problems,
    )


def _order(p: Proposal) -> tuple[int, float, str]:
    probability = p.on_time_probability
    return (STATUS_ORDER[p.status], probability if probability is not None else -1.0, p.path)


# --- the whole run ---------------------------------------------------------------------------


def _root_for(found: Path, paths: Sequence[Path]) -> Path | None:
    """Outside a repository, the folder given on the command line bounds what a proposal
    found under it may name (its own folder would refuse a shared ../team.toml)."""
    for given in paths:
        if given.is_dir() and Path(os.path.abspath(found)).is_relative_to(os.path.abspath(given)):
            return safefiles.root_of(given)
    return None


def _repo_relative(path: Path, repo: Path) -> str | None:
    try:
        return path.resolve().relative_to(repo).as_posix()
    except ValueError:
        return None


def _base_repository(base: str, cwd: Path) -> Path:
    """The repository `base` is read from; a problem with either is the `base` option's."""
    try:
        repo = gitfiles.toplevel(cwd)
        gitfiles.verify(base, repo)
    except InputError as error:
        problem = error.problems[0]
        raise OptionError("base", problem.message, hint=problem.hint) from None
    return repo


@dataclass(frozen=True, kw_only=True)
class CheckRequest:
    """`promisecheck check`: where to find proposals and how to judge them."""

    paths: tuple[Path, ...] = (Path("."),)  # files or folders to search for proposals
    # The same trials and seed for every proposal; its history: a CSV that wins over each
    # team's [history]. Each proposal's own target is judged unless `levels` says otherwise.
    settings: RunSettings[Path] = RunSettings()
    levels: Levels = Levels()  # the probabilities below which a proposal fails or warns
    base: str | None = None  # a git revision: fail only proposals that got worse since
    jobs: int | None = None  # worker processes; None: one per core
    portfolio: Path | None = None  # judge against this portfolio.toml


def run(request: CheckRequest, progress: Progress | None = None) -> CheckReport:
    """Find, estimate and judge every proposal under `paths` (and, with `base`, at that rev).

    With a portfolio, commitments are judged inside its shared schedule and every other
    proposal as the next deal, last in line (portfolio_check).
    """
    levels, base, jobs, portfolio = request.levels, request.base, request.jobs, request.portfolio
    settings = request.settings
    paths = list(request.paths) or [Path(".")]
    found, missing = discover(paths)
    if not found and not missing and base is None:
        shown = ", ".join(str(p) for p in paths)
        raise InputError.single(
            paths[0],
            "",
            f"no proposals found under {shown}",
            hint="a proposal is a spec.toml, or a .toml file whose [project] has a deadline",
        )
    workers = jobs or os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="promisecheck-") as scratch:
        tasks = [
            Task(
                spec=p,
                settings=settings,
                root=_root_for(p, paths),
                portfolio=portfolio,
            )
            for p in found
        ]
        base_paths: list[str] = []
        repo: Path | None = None
        if base is not None:
            cwd = Path.cwd().resolve()
            repo = _base_repository(base, cwd)
            scopes = [s for s in (_repo_relative(p, repo) for p in paths) if s is not None]
            base_paths = discover_at(base, repo, scopes)
            base_portfolio = None
            if portfolio is not None:
                from promisecheck.commands.portfolio_check import materialize_portfolio

                base_portfolio = materialize_portfolio(base, portfolio, repo, Path(scratch))
            for rel in base_paths:
                copied = gitfiles.materialize(base, rel, repo, Path(scratch))
                assert copied is not None  # listed in the revision's tree a moment ago
                tasks.append(
                    Task(
                        spec=copied,
                        settings=settings,
                        revision=base,
                        scratch=Path(scratch),
                        portfolio=base_portfolio,
                    )
                )
        answers = estimate_all(tasks, workers, progress)
    current = answers[: len(found)]
    at_base = dict(zip(base_paths, answers[len(found) :], strict=True))
    proposals = [
        Proposal(
            path=str(problem.path),
            status="invalid",
            assessment=None,
            problems=(problem,),
            deadline_line=None,
            fail_level=None,
            warn_level=None,
            base=None,
            change=None,
        )
        for problem in missing
    ]
    seen: set[str] = set()
    for path, answer in zip(found, current, strict=True):
        key = _repo_relative(path, repo) if repo is not None else None
        before = at_base.get(key) if key is not None else None
        if key is not None:
            seen.add(key)
        proposals.append(
            judge(
                str(path),
                answer,
                levels,
                _base(before) if before is not None else None,
                with_base=base is not None,
            )
        )
    if repo is not None:
        cwd = Path.cwd().resolve()
        for rel, answer in at_base.items():
            if rel not in seen:
                proposals.append(
                    Proposal(
                        path=os.path.relpath(repo / rel, cwd),
                        status="removed",
                        assessment=None,
                        problems=(),
                        deadline_line=None,
                        fail_level=None,
                        warn_level=None,
                        base=_base(answer),
                        change=None,
                    )
                )
    return CheckReport(
        trials=settings.trials,
        seed=settings.seed,
        fail_under=levels.fail_under,
        warn_under=levels.warn_under,
        base=base,
        proposals=tuple(sorted(proposals, key=_order)),
        portfolio=str(portfolio) if portfolio is not None else None,
    )
