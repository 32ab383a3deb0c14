"""The one user-facing error type: what was wrong, in which file, where, and how to fix it."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

_SHOW_LIMIT = 80


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
    # The request field that gave the value, when it came from the command line, not a
    # file: report/ words the place as its flag (`trials` is `--trials`).
    option: str | None = None

    def __str__(self) -> str:
        where = str(self.path) if self.path is not None else ""
        if self.line is not None:
            where += f":{self.line}"
        parts = [part for part in (where, self.location) if part]
        text = "".join(f"{part}: " for part in parts)
        text += self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class InputError(PromisecheckError):
    """Invalid input: one or more problems, each naming file, place, expectation and hint.

    A plain exception, not a frozen dataclass: pytest, hypothesis and Python itself attach
    notes to exceptions (`add_note`), which a frozen instance would refuse.
    """

    def __init__(self, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(problems)
        self.problems = tuple(problems)

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


class OptionError(InputError):
    """A value given on the command line (not in a file) is wrong.

    Lower layers name the option by its request field (`trials`, `scenario`, `rank`);
    the CLI words it as its flag. `path` is the file the value was judged against, if any.
    """

    def __init__(
        self, option: str, message: str, *, hint: str | None = None, path: Path | None = None
    ) -> None:
        problem = Problem(path=path, location=option, message=message, hint=hint, option=option)
        super().__init__((problem,))
        self.option = option
        self.args = (option, message)
        self._hint, self._path = hint, path

    def __reduce__(self) -> tuple[object, ...]:
        return (_option_error, (self.option, self.problems[0].message, self._hint, self._path))


def _option_error(option: str, message: str, hint: str | None, path: Path | None) -> OptionError:
    return OptionError(option, message, hint=hint, path=path)


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The known word closest to `word`, when one is close enough to be a typo of it."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest known word (see closest), or None."""
    close = closest(word, choices)
    return f"did you mean `{close}`?" if close else None


def show(value: object) -> str:
    """A value as it would be written in TOML, shortened, for quoting input back in a message."""
    text = _toml(value)
    return text if len(text) <= _SHOW_LIMIT else text[: _SHOW_LIMIT - 1] + "…"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    return repr(value) if not isinstance(value, int) else str(value)


class ExitCode(IntEnum):
    """What the exit status of every command means (documented in the README)."""

    ON_TRACK = 0  # the promise holds at its target confidence
    BELOW_TARGET = 1  # it does not, or it cannot be kept at all (infeasible)
    INVALID_INPUT = 2  # invalid input file or command-line usage
