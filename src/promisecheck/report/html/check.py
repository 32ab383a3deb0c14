"""The check report as one HTML page: the table worst first, each proposal in its own section."""

from __future__ import annotations

from dataclasses import dataclass

from promisecheck.commands.check import CheckReport, Proposal, Status
from promisecheck.report._kit import problems, words
from promisecheck.report.check import view as check_words
from promisecheck.report.html import page
from promisecheck.report.html.charts import Chart
from promisecheck.report.html.estimate import s_curve


@dataclass(frozen=True, kw_only=True)
class Entry:
    """One proposal in words: its row in the table and its own section (`anchor`)."""

    anchor: str
    status: Status
    status_word: str
    path: str
    project: str | None
    on_time: str
    deadline: str
    target_date: str
    against_base: str
    reason: str
    headline: str | None
    problems: tuple[str, ...]
    curve: Chart | None  # its probability of delivery by date, when it was estimated


def render(r: CheckReport) -> str:
    """The whole check report as a self-contained HTML document."""
    return page(
        "check.html.j2",
        title=f"promisecheck check: {check_words.summary(r)}",
        summary=check_words.summary(r),
        settings=check_words.settings(r),
        base=r.base,
        entries=[entry(n, p, r) for n, p in enumerate(r.proposals, start=1)],
    )


def entry(number: int, p: Proposal, r: CheckReport) -> Entry:
    a = p.assessment
    return Entry(
        anchor=f"proposal-{number}",  # numbers, not paths: stable, and safe in any attribute
        status=p.status,
        status_word=check_words.STATUS_WORDS[p.status],
        path=p.path,
        project=a.project if a is not None else None,
        on_time=check_words.on_time(p),
        deadline=check_words.deadline(p),
        target_date=check_words.target_date(p),
        against_base=check_words.against_base(p, r.base),
        reason=check_words.reason(p, r),
        headline=words.headline(a) if a is not None else None,
        problems=tuple(problems.worded(problem) for problem in p.problems),
        curve=(
            s_curve(a, id=f"proposal-{number}-curve", height=200)
            if a is not None and words.show_estimates(a) and a.curve
            else None
        ),
    )
