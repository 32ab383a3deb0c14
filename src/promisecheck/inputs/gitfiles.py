"""Proposals as they were at a git revision, read with local `git` commands (no network).

A proposal at a revision is copied, with its team file (and the team's history file), into a
scratch directory that mirrors the repository's layout, so it loads exactly like a working
copy; problems found there are then relabelled `REV:path` for the messages.
"""

from __future__ import annotations

import dataclasses
import posixpath
import subprocess
import tomllib
from pathlib import Path, PurePosixPath

from promisecheck.errors import InputError, Problem
from promisecheck.inputs import safefiles


def _git(args: list[str], cwd: Path, what: Path | None) -> bytes:
    """Run git; a failure is an InputError about `what`, with git's own words."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise InputError.single(
            what, "", "git is not installed, so revisions cannot be read"
        ) from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        last = reason[-1].removeprefix("fatal: ") if reason else "no reason given"
        raise InputError.single(what, "", f"git {args[0]} failed: {last}")
    return done.stdout


def toplevel(directory: Path, what: Path | None = None) -> Path:
    """The root of the git work tree that holds `directory`; an InputError about `what`
    (None: about the revision asked for, whose caller says where it came from)."""
    try:
        out = _git(["rev-parse", "--show-toplevel"], directory, what)
    except InputError as error:
        raise InputError.single(
            what,
            "",
            f"{directory} is not inside a git repository, so no revision can be read",
            hint=error.problems[0].message,
        ) from None
    return Path(out.decode("utf-8").strip())


def verify(revision: str, repo: Path, what: Path | None = None) -> str:
    """The commit a revision names; an InputError about `what` when it names none."""
    try:
        out = _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], repo, what)
    except InputError:
        raise InputError.single(
            what,
            "",
            f"unknown revision `{revision}`",
            hint="a branch, tag or commit of this repository, like main or HEAD~1",
        ) from None
    return out.decode().strip()


def list_files(revision: str, repo: Path) -> list[str]:
    """Every file path (relative to the repository root) in the revision's tree."""
    out = _git(
        ["ls-tree", "-r", "-z", "--name-only", "--full-tree", revision], repo, Path(revision)
    )
    return [name for name in out.decode("utf-8").split("\0") if name]


def show(revision: str, path: str, repo: Path) -> bytes | None:
    """A file's bytes at the revision, or None when the revision has no such file."""
    listed = _git(
        ["ls-tree", "-z", "--name-only", "--full-tree", revision, "--", path], repo, Path(path)
    )
    if not listed:
        return None
    what = Path(f"{revision}:{path}")
    # A file in a pull request's history is as untrusted as one in the work tree: bounded.
    size = int(_git(["cat-file", "-s", f"{revision}:{path}"], repo, what).decode().strip() or 0)
    if size > safefiles.MAX_CSV_BYTES:
        raise InputError.single(
            what,
            "",
            f"is larger than {safefiles.MAX_CSV_BYTES >> 20} MiB, the most promisecheck reads",
        )
    return _git(["show", f"{revision}:{path}"], repo, what)


def _team_key(spec: bytes) -> str:
    try:
        project = tomllib.loads(spec.decode("utf-8-sig")).get("project")
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return "team.toml"
    team = project.get("team") if isinstance(project, dict) else None
    return team if isinstance(team, str) and team else "team.toml"


def _history_key(team: bytes) -> str | None:
    try:
        history = tomllib.loads(team.decode("utf-8-sig")).get("history")
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    name = history.get("file") if isinstance(history, dict) else None
    return name if isinstance(name, str) and name else None


def _inside(base: str, relative: str) -> str | None:
    """base/relative normalised, or None when it leaves the repository."""
    joined = posixpath.normpath(posixpath.join(base, relative))
    return None if joined.startswith("../") or joined == ".." or joined.startswith("/") else joined


def materialize(revision: str, spec: str, repo: Path, into: Path) -> Path | None:
    """Copy the spec at `spec` (root-relative) and the files it names into `into`.

    Returns the copied spec's path, or None when the revision has no such spec.
    """
    text = show(revision, spec, repo)
    if text is None:
        return None
    _write(into / spec, text)
    team = _inside(posixpath.dirname(spec), _team_key(text))
    team_text = show(revision, team, repo) if team is not None else None
    if team is not None and team_text is not None:
        _write(into / team, team_text)
        history = _history_key(team_text)
        found = _inside(posixpath.dirname(team), history) if history is not None else None
        history_text = show(revision, found, repo) if found is not None else None
        if found is not None and history_text is not None:
            _write(into / found, history_text)
    return into / spec


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def relabel(problems: tuple[Problem, ...], into: Path, revision: str) -> tuple[Problem, ...]:
    """Problems found in the scratch copy, named as `REV:path` the way git writes it."""
    prefix = f"{into}/"

    def named(text: str | None) -> str | None:
        # Messages may quote a path too ("not a member in …/team.toml").
        return None if text is None else text.replace(prefix, f"{revision}:")

    out = []
    for problem in problems:
        path = problem.path
        if path is not None and path.is_relative_to(into):
            inside = PurePosixPath(*path.relative_to(into).parts)
            path = Path(f"{revision}:{inside}")
        message = named(problem.message) or ""
        out.append(
            dataclasses.replace(problem, path=path, message=message, hint=named(problem.hint))
        )
    return tuple(out)
