"""One module per command: each turns a request into an outcome that carries its exit code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from promisecheck.errors import ExitCode

if TYPE_CHECKING:
    from promisecheck.assess.analysis import Assessment


class Outcome(Protocol):
    """What every command's run() returns: the CLI renders it and exits with its code."""

    @property
    def exit_code(self) -> ExitCode: ...


def promise_kept(assessment: Assessment) -> ExitCode:
    """The one exit rule of an estimate: 0 only when the promise holds at its target
    (on-track); below it or infeasible is 1. A deal adds its own: breaking a signed one."""
    on_track = assessment.verdict == "on-track"
    return ExitCode.ON_TRACK if on_track else ExitCode.BELOW_TARGET
