"""The check report as JSON (`promisecheck.check/1`), for scripts and bots."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from promisecheck.commands.check import CheckReport, Proposal
from promisecheck.report._kit import notices, problems


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _proposal(p: Proposal) -> dict[str, Any]:
    a = p.assessment
    return {
        "path": p.path,
        "status": p.status,
        "project": a.project if a is not None else None,
        "verdict": a.verdict if a is not None else None,
        "on_time_probability": _ratio(a.on_time_probability) if a is not None else None,
        "target_confidence": a.target_confidence if a is not None else None,
        "fail_level": p.fail_level,
        "warn_level": p.warn_level,
        "deadline": _date(a.deadline) if a is not None else None,
        "deadline_line": p.deadline_line,
        "target_date": _date(a.target_date) if a is not None else None,
        "finish": {k: _date(a.finish.get(k)) for k in ("p50", "p85")} if a is not None else None,
        "reasons": list(notices.reasons(a.reasons)) if a is not None else [],
        "problems": [problems.worded(problem) for problem in p.problems],
        "base": None
        if p.base is None
        else {
            "on_time_probability": _ratio(p.base.on_time_probability),
            "problems": [problems.worded(problem) for problem in p.base.problems],
        },
        "change": p.change,
        "delta": p.delta,
        "portfolio": None
        if p.portfolio is None
        else {
            "role": p.portfolio.role,
            "win_probability": p.portfolio.win_probability,
            "breaks": list(p.portfolio.breaks),
            "fail_reason": "breaks-commitment" if p.portfolio.breaks else None,
        },
    }


def to_dict(r: CheckReport) -> dict[str, Any]:
    """The report as plain JSON types; the field order is part of the format."""
    return {
        "schema": r.schema,
        "trials": r.trials,
        "seed": r.seed,
        "fail_under": r.fail_under,
        "warn_under": r.warn_under,
        "base": r.base,
        "exit_code": int(r.exit_code),
        "counts": {s: r.count(s) for s in ("invalid", "fail", "warn", "pass", "removed")},
        "proposals": [_proposal(p) for p in r.proposals],
        "portfolio": _portfolio(r),
    }


def _portfolio(r: CheckReport) -> dict[str, Any] | None:
    counts = r.portfolio_counts()
    if counts is None:
        return None
    confirmed, forecast, exposure = counts
    return {
        "path": r.portfolio,
        "confirmed": confirmed,
        "forecast": round(forecast, 4),
        "exposure": exposure,
    }


def render(r: CheckReport) -> str:
    return json.dumps(to_dict(r), indent=2, ensure_ascii=False) + "\n"
