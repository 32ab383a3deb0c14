"""The text `promisecheck validate` prints: one line per finding, then one line per file."""

from __future__ import annotations

from promisecheck.commands.validate import Validation, ValidationReport
from promisecheck.report._kit import notices, problems
from promisecheck.report._kit.words import count


def verdict(v: Validation, *, strict: bool) -> str:
    """`spec.toml: valid`, `spec.toml: 2 errors, 1 warning`."""
    if not v.errors and not v.warnings:
        return f"{v.path}: valid {v.kind}"
    parts = []
    if v.errors:
        parts.append(count(len(v.errors), "error"))
    if v.warnings:
        parts.append(count(len(v.warnings), "warning"))
    failed = v.errors or (strict and v.warnings)
    return f"{v.path}: {', '.join(parts)}" + ("" if failed else f"; valid {v.kind}")


def render(report: ValidationReport) -> str:
    lines: list[str] = []
    for v in report.results:
        lines += [f"error: {problems.worded(problem)}" for problem in v.errors]
        lines += [f"warning: {notices.finding(finding)}" for finding in v.warnings]
        lines.append(verdict(v, strict=report.strict))
    return "\n".join(lines) + "\n"
