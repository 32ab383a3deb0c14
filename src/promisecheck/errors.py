"""The one user-facing error type: what was wrong, in which file, where, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class PromisecheckError(Exception):
    """Base of every error promisecheck reports to a user instead of a traceback."""


@dataclass(frozen=True, kw_only=True)
class Problem:
    """One thing wrong with one input, located precisely enough to fix it."""

    path: Path | None
    location: str
    message: str
    line: int | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = str(self.path) if self.path is not None else "<input>"
        if self.line is not None:
            where += f":{self.line}"
        text = f"{where}: {self.location}: {self.message}" if self.location else f"{where}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


@dataclass(frozen=True)
class InputError(PromisecheckError):
    """Invalid input: one or more problems, each naming file, place, expectation and hint."""

    problems: tuple[Problem, ...] = field(default_factory=tuple)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    @classmethod
    def single(
        cls,
        path: Path | None,
        location: str,
        message: str,
        *,
        line: int | None = None,
        hint: str | None = None,
    ) -> InputError:
        return cls((Problem(path=path, location=location, message=message, line=line, hint=hint),))
