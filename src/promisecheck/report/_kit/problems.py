"""A located problem in words: a value given on the command line is named by its flag."""

from __future__ import annotations

import dataclasses

from promisecheck.errors import Problem


def flag(option: str) -> str:
    """The flag of a request field: `fail_under` is `--fail-under`."""
    return "--" + option.replace("_", "-")


def place(problem: Problem) -> str:
    """Where the problem is: its key in the file, or the flag that gave the value."""
    return flag(problem.option) if problem.option is not None else problem.location


def worded(problem: Problem) -> str:
    """`file:line: place: message (hint)`, the place of an option worded as its flag."""
    return str(dataclasses.replace(problem, location=place(problem)))
