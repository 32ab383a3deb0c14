"""The check report in words: the summary line, each proposal's status and the reason for it."""

from __future__ import annotations

from promisecheck.commands.check import CheckReport, Proposal, Status
from promisecheck.report._kit import notices, problems, words

STATUS_WORDS: dict[Status, str] = {
    "invalid": "INVALID",
    "fail": "FAIL",
    "warn": "WARN",
    "pass": "pass",
    "removed": "removed",
}
# Past participles for the summary: "1 failing, 2 passing".
COUNT_WORDS: tuple[tuple[Status, str], ...] = (
    ("invalid", "invalid"),
    ("fail", "failing"),
    ("warn", "warning"),
    ("pass", "passing"),
    ("removed", "removed"),
)
NONE = words.DASH


def summary(r: CheckReport) -> str:
    """`5 proposals: 1 invalid, 1 failing, 1 warning, 2 passing`."""
    checked = sum(1 for p in r.proposals if p.status != "removed")
    counts = [f"{r.count(s)} {w}" for s, w in COUNT_WORDS if r.count(s)]
    noun = "proposal" if checked == 1 else "proposals"
    return f"{checked} {noun}: {', '.join(counts) or 'none found'}"


def settings(r: CheckReport) -> str:
    """The gate in words: trials, seed, levels and base."""
    fail = (
        f"fails under {words.target(r.fail_under)} on time"
        if r.fail_under is not None
        else "fails under its own target confidence"
    )
    if r.warn_under is not None:
        warn = f"warns under {words.target(r.warn_under)}"
    elif r.fail_under is not None:
        warn = "warns under its own target"
    else:
        warn = ""
    gate = f"a proposal {fail}" + (f" and {warn}" if warn else "")
    text = f"{r.trials:,} trials, seed {r.seed}; {gate}"
    if r.base is not None:
        text += f"; against {r.base}, a proposal fails only if it got worse"
    return text + "."


def level(share: float | None) -> str:
    return NONE if share is None else words.target(share)


def on_time(p: Proposal) -> str:
    if p.assessment is None:
        return NONE
    if p.assessment.verdict == "infeasible":
        return "infeasible"
    return words.percent(p.assessment.on_time_probability)


def deadline(p: Proposal) -> str:
    return words.day(p.assessment.deadline) if p.assessment is not None else NONE


def target_date(p: Proposal) -> str:
    a = p.assessment
    if a is None or a.verdict == "infeasible":
        return NONE
    return f"{words.maybe_day(a.target_date)} ({words.target(a.target_confidence)})"


def against_base(p: Proposal, base: str | None) -> str:
    """`new`, `same`, `▼ 3.2 pts` or `removed` against the base revision."""
    if base is None:
        return ""
    if p.status == "removed":
        return f"removed since {base}"
    if p.change is None:
        return NONE
    if p.change == "new" or p.delta is None:
        return "new"
    if p.delta == 0:
        return p.change if p.change != "same" else "same"
    arrow = "▲" if p.delta > 0 else "▼"
    return f"{arrow} {abs(p.delta) * 100:.1f} pts, {p.change}"


def _was(p: Proposal, base: str | None) -> str:
    before = p.base.on_time_probability if p.base is not None else None
    return f"{words.percent(before)} at {base}" if before is not None else f"at {base}"


def reason(p: Proposal, r: CheckReport) -> str:
    """Why this status, in one phrase."""
    a = p.assessment
    if p.status == "invalid":
        count = len(p.problems)
        return f"{count} problem{'s' if count != 1 else ''} in the input"
    if p.status == "removed" or a is None:
        return f"removed since {r.base}"
    if p.breaks:
        return f"breaks-commitment: signing it breaks {', '.join(p.breaks)}"
    source = problems.flag("fail_under") if r.fail_under is not None else "its target"
    fail_level = f"{level(p.fail_level)} ({source})"
    if a.verdict == "infeasible":
        why = "infeasible: " + "; ".join(notices.reasons(a.reasons))
    elif p.status == "pass":
        why = f"{on_time(p)} ≥ {fail_level}"
    elif p.status == "warn" and not p.lenient:
        source = problems.flag("warn_under") if r.warn_under is not None else "its target"
        why = f"{on_time(p)} < {level(p.warn_level)} ({source})"
    else:
        why = f"{on_time(p)} < {fail_level}"
    if p.lenient:
        return f"{why}, but not worse than {_was(p, r.base)}"
    if p.status == "fail" and r.base is not None:
        return f"{why}, {'new' if p.change == 'new' else 'worse than ' + _was(p, r.base)}"
    return why


def portfolio_summary(r: CheckReport) -> str | None:
    """`portfolio: 3 confirmed, 3.5 forecast, 5 if every proposal is won`."""
    counts = r.portfolio_counts()
    if counts is None:
        return None
    confirmed, forecast, exposure = counts
    return (
        f"portfolio `{r.portfolio}`: {confirmed} confirmed, {forecast:g} forecast, "
        f"{exposure} if every proposal is won"
    )


def portfolio_line(p: Proposal) -> str | None:
    """What the portfolio says about one proposal, in one line."""
    answer = p.portfolio
    if answer is None:
        return None
    name = p.assessment.project if p.assessment is not None else p.path
    if answer.role == "deal":
        if answer.breaks:
            return f"{name} (deal, last in line): signing it breaks {', '.join(answer.breaks)}"
        return f"{name} (deal, last in line): breaks no commitment"
    role = (
        "signed"
        if answer.role == "signed"
        else f"tentative, {words.percent(answer.win_probability)} won"
    )
    return f"{name} ({role}): {on_time(p)} on time inside the shared schedule"
