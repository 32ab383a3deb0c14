"""The portfolio (portfolio.toml): every commitment the shared team already carries, loaded.

Production keeps one portfolio beside the team file. Each commitment names a spec (relative
to the portfolio file); its path as written is its key, which names its random draws, so
adding or removing one commitment leaves every other's draws as they were.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from promisecheck.errors import InputError, Problem
from promisecheck.inputs import safefiles
from promisecheck.inputs.loading import (
    Loc,
    _Report,
    _validate,
    check_assignees,
    describe,
    load_spec,
    load_team,
    read_toml,
)
from promisecheck.inputs.model import Date, Item, Number, Share, Spec, Team, _Frozen, invalid
from promisecheck.notices import Finding, OwnTeam, TentativeWithoutOdds

Status = Literal["signed", "tentative"]
Order = Literal["rank", "deadline"]
PORTFOLIO_FILE = "portfolio.toml"


class CommitmentEntry(_Frozen):
    """One [[commitments]] table: a spec the team has promised (or may soon)."""

    spec: str = Field(
        min_length=1, description="The commitment's spec.toml, relative to this file; its key."
    )
    status: Status = Field(default="signed", description='"signed" (default) or "tentative".')
    win_probability: Annotated[Number, Field(ge=0, le=1)] | None = Field(
        default=None, description="Tentative only: the share of trials in which it is won."
    )
    hold: Share | None = Field(
        default=None,
        description="Below this on-time probability it counts as broken "
        "(default: its target_confidence).",
    )

    @model_validator(mode="after")
    def _win_needs_tentative(self) -> CommitmentEntry:
        if self.win_probability is not None and self.status != "tentative":
            raise invalid(
                "`win_probability` given for a signed commitment",
                hint='add status = "tentative", or remove win_probability',
            )
        return self


class PortfolioFile(_Frozen):
    """portfolio.toml as written."""

    team: str = Field(
        default="team.toml",
        description="The one team all commitments share, relative to this file; "
        "wins over each spec's `team`.",
    )
    as_of: Date | None = Field(
        default=None,
        description="Status date: nothing is scheduled before it (default: the earliest start).",
    )
    order: Order = Field(
        default="rank",
        description='"rank": file order of [[commitments]] (default); '
        '"deadline": earliest due first.',
    )
    commitments: tuple[CommitmentEntry, ...] = Field(
        default=(), description="What is already promised: earlier = first claim on people."
    )


@dataclass(frozen=True)
class Commitment:
    """A commitment with its spec loaded; `spec` already has done items and remaining hours."""

    key: str  # the spec path as written in portfolio.toml
    path: Path
    spec: Spec
    status: Status
    win_probability: float  # 1.0 when signed
    hold: float
    rank: int  # 1-based position in the schedule's order of claims

    @property
    def project(self) -> str:
        return self.spec.project.name


@dataclass(frozen=True)
class Portfolio:
    """The shared team and its commitments, in order of claim on people."""

    path: Path
    team: Team
    team_path: Path
    as_of: dt.date
    order: Order
    commitments: tuple[Commitment, ...]
    warnings: tuple[Finding, ...]  # located, for validate; the portfolio report shows them too

    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.commitments)


def portfolio_path(path: Path) -> Path:
    """A folder stands for the portfolio.toml in it."""
    return path / PORTFOLIO_FILE if path.is_dir() else path


def under_way(spec: Spec) -> Spec:
    """The spec as it stands today: done items leave (dependents may start), remaining
    hours replace the estimate."""
    done = {item.id for item in spec.items if item.done}
    items: list[Item] = []
    for item in spec.items:
        if item.done:
            continue
        update: dict[str, object] = {
            "depends_on": tuple(d for d in item.depends_on if d not in done)
        }
        if item.remaining is not None:
            update["estimate"] = item.remaining
            update["remaining"] = None
        items.append(item.model_copy(update=update))
    return spec.model_copy(update={"items": tuple(items)})


def _inside(report: _Report, named: Path, written: str, root: Path, loc: Loc) -> bool:
    """Whether a path portfolio.toml names stays inside its repository (else a problem)."""
    try:
        safefiles.confine(
            named,
            written,
            root,
            file=report.path,
            location=describe(loc, report.data),
            line=report.lines.line(loc),
        )
    except InputError as error:
        report.problems.extend(error.problems)
        return False
    return True


def _resolved(path: Path) -> Path:
    return path.resolve() if path.exists() else path.absolute()


def load_portfolio(path: Path, as_of: dt.date | None = None) -> Portfolio:
    """Read portfolio.toml, its team and every commitment's spec; InputError if any is wrong.

    `as_of` (--as-of) wins over the file's. Problems in the portfolio file are collected and
    raised together; a commitment's spec is checked as `validate` checks it.
    """
    path = portfolio_path(path)
    data, lines = read_toml(path)
    entries = _validate(PortfolioFile, data, path, lines)
    report = _Report(path, data, lines)
    root = safefiles.root_of(path)
    team_path = path.parent / entries.team
    if _inside(report, team_path, entries.team, root, ("team",)) and not team_path.is_file():
        report.add(
            ("team",),
            f"team file `{team_path}` not found",
            "the path is relative to the portfolio file",
        )
    seen: dict[Path, int] = {}
    for index, entry in enumerate(entries.commitments):
        spec_path = path.parent / entry.spec
        loc = ("commitments", index, "spec")
        if not _inside(report, spec_path, entry.spec, root, loc):
            continue
        if not spec_path.is_file():
            report.add(loc, f"spec `{spec_path}` not found", "the path is relative to this file")
            continue
        first = seen.setdefault(_resolved(spec_path), index)
        if first != index:
            report.add(
                loc,
                f"`{entry.spec}` is already a commitment, "
                f"{report.first_use(('commitments', first))}",
                "list each spec once",
            )
    if report.problems:
        raise InputError(tuple(report.problems))
    team = load_team(team_path, root)
    loaded: list[tuple[CommitmentEntry, Path, Spec]] = []
    problems: list[Problem] = []
    warnings: list[Finding] = []
    for index, entry in enumerate(entries.commitments):
        spec_path = path.parent / entry.spec
        try:
            spec, spec_data, spec_lines = load_spec(spec_path)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        problems += check_assignees(spec, team, spec_path, spec_data, spec_lines, team_path)
        if (own := _own_team(spec, spec_path, team_path)) is not None:
            warnings.append(
                Finding(
                    path=path,
                    location=describe(("commitments", index, "spec"), data),
                    line=lines.line(("commitments", index, "spec")),
                    kind=OwnTeam(spec=entry.spec, own=own, team=team_path),
                )
            )
        loaded.append((entry, spec_path, spec))
    if problems:
        raise InputError(tuple(problems))
    starts = [spec.project.start for _, _, spec in loaded]
    status_date = as_of or entries.as_of or (min(starts) if starts else dt.date.today())
    if entries.order == "deadline":
        # Stable: equal deadlines keep file order.
        loaded.sort(key=lambda entry: entry[2].project.deadline)
    commitments = tuple(
        Commitment(
            key=entry.spec,
            path=spec_path,
            spec=under_way(spec),
            status=entry.status,
            win_probability=(
                1.0
                if entry.status == "signed"
                else (entry.win_probability if entry.win_probability is not None else 1.0)
            ),
            hold=entry.hold if entry.hold is not None else spec.project.target_confidence,
            rank=rank,
        )
        for rank, (entry, spec_path, spec) in enumerate(loaded, start=1)
    )
    for index, entry in enumerate(entries.commitments):
        if entry.status == "tentative" and entry.win_probability is None:
            warnings.append(
                Finding(
                    path=path,
                    location=describe(("commitments", index, "status"), data),
                    line=lines.line(("commitments", index, "status")),
                    kind=TentativeWithoutOdds(),
                )
            )
    return Portfolio(
        path=path,
        team=team,
        team_path=team_path,
        as_of=status_date,
        order=entries.order,
        commitments=commitments,
        warnings=tuple(warnings),
    )


def _own_team(spec: Spec, spec_path: Path, team_path: Path) -> Path | None:
    """The spec's own team file when it is another file than the portfolio's."""
    own = spec_path.parent / (spec.project.team or "team.toml")
    if spec.project.team is None and not own.exists():
        return None
    return None if _resolved(own) == _resolved(team_path) else own


def check_deal(portfolio: Portfolio, deal_path: Path) -> None:
    """A deal estimated against the portfolio must not be one of its commitments."""
    for c in portfolio.commitments:
        if _resolved(c.path) == _resolved(deal_path):
            raise InputError.single(
                portfolio.path,
                f"commitments: {c.key}",
                f"the deal `{deal_path}` is already a commitment",
                hint="a deal is what is not yet promised: estimate it without --portfolio, "
                "or remove it from the portfolio",
            )
