"""GitHub Actions workflow commands: an annotation on the spec's deadline line per finding."""

from __future__ import annotations

from promisecheck.commands.check import CheckReport, Proposal
from promisecheck.report._kit import problems, words
from promisecheck.report.check import view as check_words
from promisecheck.safetext import escape


def _data(value: str) -> str:
    # The runner's own escapes first (it decodes them back), then every other control
    # character shown escaped, so a path or message cannot reach the log raw.
    encoded = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return escape(encoded)


def _property(value: str) -> str:
    return _data(value).replace(":", "%3A").replace(",", "%2C")


def _command(kind: str, path: str, line: int | None, title: str, message: str) -> str:
    where = f"file={_property(path)}" + (f",line={line}" if line is not None else "")
    return f"::{kind} {where},title={_property(title)}::{_data(message)}"


def _for(p: Proposal, r: CheckReport) -> list[str]:
    if p.status == "invalid":
        return [
            _command(
                "error",
                str(problem.path) if problem.path is not None else p.path,
                problem.line,
                "promisecheck: invalid input",
                (f"{problems.place(problem)}: " if problems.place(problem) else "")
                + problem.message
                + (f" ({problem.hint})" if problem.hint else ""),
            )
            for problem in p.problems
        ]
    if p.status not in ("fail", "warn") or p.assessment is None:
        return []
    kind = "error" if p.status == "fail" else "warning"
    title = f"promisecheck: {p.assessment.project}: {check_words.reason(p, r)}"
    return [_command(kind, p.path, p.deadline_line, title, words.headline(p.assessment))]


def render(r: CheckReport) -> str:
    """One workflow command per line; empty when nothing needs attention."""
    lines = [line for p in r.proposals for line in _for(p, r)]
    return "".join(line + "\n" for line in lines)
