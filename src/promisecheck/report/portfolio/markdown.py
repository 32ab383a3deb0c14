"""The portfolio and the deal estimate's portfolio part as GitHub-flavoured Markdown."""

from __future__ import annotations

from promisecheck.assess.analysis import Assessment
from promisecheck.assess.deal import DealImpact
from promisecheck.commands.portfolio import PortfolioReport
from promisecheck.compromises.portfolio import LeverMenu
from promisecheck.report._kit import notices
from promisecheck.report.estimate import markdown as estimate_markdown
from promisecheck.report.estimate.markdown import code, prose, table, text
from promisecheck.report.portfolio import view as words


def render(r: PortfolioReport) -> str:
    """The whole portfolio report."""
    rows = [
        [
            row.rank,
            text(row.project),
            row.status,
            row.on_time,
            row.p50,
            row.p85,
            row.deadline,
            row.hold,
            "**NO**" if row.holds == "NO" else row.holds,
        ]
        for row in words.rows(r.commitments)
    ]
    header = ["#", "Project", "Status", "On time", "P50", "P85", "Deadline", "Hold", "Holds"]
    right = [True, False, False, True, True, True, True, True, False]
    parts = [f"### {text(words.title(r))}", prose(words.headline(r)), table(header, rows, right)]
    projects = words.names(r)
    shared = [f"- {text(words.shared_member(m, projects))}" for m in r.members if m.shared]
    shared += [f"- skill {text(words.shared_skill(s, projects))}" for s in r.skills]
    if shared:
        parts.append("#### Shared\n\n" + "\n".join(shared))
    load = [
        [text(m.name), code(words.sparkline_text(m)), str(m.overloaded_weeks)] for m in r.members
    ]
    parts.append(
        f"#### Weekly load from {words.short_day(r.as_of)}\n\n"
        + table(["Member", "Load", "Weeks above 90 %"], load, [False, False, True])
    )
    notes = [f"- {text(n)}" for c in r.commitments if (n := words.held_note(c)) is not None]
    if notes:
        parts.append("\n".join(notes))
    parts.append(prose(words.simulated(r)))
    if r.warnings:
        parts.append(
            "#### Warnings\n\n" + "\n".join(f"- {prose(w)}" for w in notices.notices(r.warnings))
        )
    return "\n\n".join(parts) + "\n"


def render_deal(a: Assessment, impact: DealImpact, levers: LeverMenu | None = None) -> str:
    """The deal's sentence and changes, then today's estimate report."""
    rows = [
        [text(c.project), *words.change_cells(c), "**YES**" if c.breaks else "no"]
        for c in impact.commitments
    ]
    header = ["Commitment", "Status", "Before", "After", "Change", "P85 before", "P85 after"]
    header += ["Hold", "Breaks"]
    right = [False, False, True, True, True, True, True, True, False]
    parts = [f"**{text(words.deal_sentence(a, impact))}**", table(header, rows, right)]
    if levers is not None:
        lines = [
            f"{n}. {text(words.lever_line(lever, levers, a.start))}"
            for n, lever in enumerate(levers.recommended, start=1)
        ]
        lines += [
            f"- {text(words.lever_line(lever, levers, a.start))}" for lever in levers.breaking
        ]
        lines += [f"- {text(words.tried_line(lever, levers, a.start))}" for lever in levers.tried]
        if lines:
            parts.append("#### What would make it fit\n\n" + "\n".join(lines))
    head = "\n\n".join(parts)
    return head + "\n\n" + estimate_markdown.render(a)
