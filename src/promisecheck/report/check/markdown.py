"""The check report as a pull-request comment: a marker line, a summary, a table, details."""

from __future__ import annotations

from promisecheck.commands.check import CheckReport, Proposal, Status
from promisecheck.report._kit import problems, words
from promisecheck.report.check import view as check_words
from promisecheck.report.estimate.markdown import code, prose, table, text

# A bot finds its earlier comment by this line and edits it instead of adding another.
MARKER = "<!-- promisecheck -->"
ICONS: dict[Status, str] = {
    "invalid": "⛔",
    "fail": "❌",
    "warn": "⚠️",
    "pass": "✅",
    "removed": "\N{WASTEBASKET}",
}


def render(r: CheckReport) -> str:
    header = ["", "Proposal", "On time", "Deadline", "Target reached by"]
    right = [False, False, True, False, False]
    if r.base is not None:
        header.append(f"vs {text(r.base)}")
        right.append(False)
    header.append("Why")
    right.append(False)
    rows = []
    for p in r.proposals:
        name = code(p.path) + (f" {text(p.assessment.project)}" if p.assessment else "")
        row = [
            f"{ICONS[p.status]} {check_words.STATUS_WORDS[p.status]}",
            name,
            check_words.on_time(p),
            check_words.deadline(p),
            check_words.target_date(p),
        ]
        if r.base is not None:
            row.append(text(check_words.against_base(p, r.base)))
        row.append(prose(check_words.reason(p, r)))
        rows.append(row)
    parts = [
        f"{MARKER}\n**promisecheck: {check_words.summary(r)}.** {prose(check_words.settings(r))}",
        table(header, rows, right),
    ]
    if (counts := check_words.portfolio_summary(r)) is not None:
        lines = [
            f"- {code(p.path)}: {text(line)}"
            for p in r.proposals
            if (line := check_words.portfolio_line(p)) is not None
        ]
        parts.append("\n".join([prose(counts.capitalize()), "", *lines]))
    parts.append(_details(r))
    return "\n\n".join(parts) + "\n"


def _details(r: CheckReport) -> str:
    sections = [_detail(p) for p in r.proposals if p.status != "removed"]
    return "<details>\n<summary>Details</summary>\n\n" + "\n\n".join(sections) + "\n\n</details>"


def _detail(p: Proposal) -> str:
    title = f"{ICONS[p.status]} {code(p.path)}"
    if p.assessment is None:
        listed = "\n".join(f"- {code(problems.worded(problem))}" for problem in p.problems)
        return f"{title}\n\n{listed}"
    return f"{title}: {prose(words.headline(p.assessment))}"
