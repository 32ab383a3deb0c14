"""The portfolio as JSON (`promisecheck.portfolio/1`) and the deal estimate's `portfolio` block."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from promisecheck.assess.analysis import Assessment
from promisecheck.assess.deal import DealImpact
from promisecheck.assess.portfolio import Change, ProjectOdds
from promisecheck.commands.portfolio import PortfolioReport
from promisecheck.compromises.portfolio import Lever, LeverMenu
from promisecheck.report._kit import notices
from promisecheck.report.estimate import json as estimate_json


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _dates(values: dict[str, dt.date | None], keys: tuple[str, ...]) -> dict[str, str | None]:
    return {k: _date(values.get(k)) for k in keys}


ALL = ("p50", "p70", "p85", "p95")
TWO = ("p50", "p85")


def commitment(c: ProjectOdds) -> dict[str, Any]:
    return {
        "key": c.key,
        "project": c.project,
        "rank": c.rank,
        "status": c.status,
        "win_probability": c.win_probability,
        "start": _date(c.start),
        "deadline": _date(c.deadline),
        "hold": c.hold,
        "holds": c.holds,
        "on_time_probability": round(c.on_time_probability, 4),
        "on_time_standard_error": round(c.on_time_standard_error, 4),
        "trials": c.trials,
        "finish": _dates(c.finish, ALL),
        "held_share": None if c.held_share is None else round(c.held_share, 4),
        "items": [{"id": i.id, "finish": _dates(i.finish, TWO)} for i in c.items],
    }


def to_dict(r: PortfolioReport) -> dict[str, Any]:
    """The report as plain JSON types; the field order is part of the format."""
    return {
        "schema": r.schema,
        "as_of": _date(r.as_of),
        "order": r.order,
        "trials": r.trials,
        "seed": r.seed,
        "exit_code": int(r.exit_code),
        "commitments": [commitment(c) for c in r.commitments],
        "members": [
            {
                "name": m.name,
                "skills": list(m.skills),
                "shared": m.shared,
                "projects": [
                    {"key": k, "hours": round(h, 1)}
                    for k, h in zip(m.projects, m.hours, strict=True)
                ],
                "weekly": [None if s is None else round(s, 3) for s in m.weekly],
                "overloaded_weeks": m.overloaded_weeks,
            }
            for m in r.members
        ],
        "shared_skills": [
            {"skill": s.skill, "projects": list(s.projects), "members": list(s.members)}
            for s in r.skills
        ],
        "warnings": list(notices.notices(r.warnings)),
    }


def render(r: PortfolioReport) -> str:
    return json.dumps(to_dict(r), indent=2, ensure_ascii=False) + "\n"


def _side(o: ProjectOdds) -> dict[str, Any]:
    return {
        "on_time_probability": round(o.on_time_probability, 4),
        "finish": _dates(o.finish, TWO),
    }


def change(c: Change) -> dict[str, Any]:
    return {
        "key": c.key,
        "project": c.project,
        "status": c.status,
        "hold": c.hold,
        "before": _side(c.before),
        "after": _side(c.after),
        "change": round(c.change, 4),
        "change_standard_error": round(c.change_standard_error, 4),
        "breaks": c.breaks,
        "shared": [{"member": name, "skill": skill} for name, skill in c.shared],
    }


def _lever(lever: Lever) -> dict[str, Any]:
    return {
        "kind": lever.kind,
        "on_time_probability": round(lever.on_time_probability, 4),
        "reaches_target": lever.reaches_target,
        "breaks": list(lever.breaks),
        "rank": lever.rank,
        "start": _date(lever.start),
        "skill": lever.skill,
        "new_members": lever.new_members,
        "joins": _date(lever.joins),
    }


def portfolio_block(impact: DealImpact, levers: LeverMenu | None = None) -> dict[str, Any]:
    return {
        "as_of": _date(impact.as_of),
        "rank": impact.rank,
        "commitments": [change(c) for c in impact.commitments],
        "levers": None
        if levers is None
        else {
            "target_confidence": levers.target_confidence,
            "recommended": [_lever(lv) for lv in levers.recommended],
            "breaking": [_lever(lv) for lv in levers.breaking],
            "tried": [_lever(lv) for lv in levers.tried],
        },
    }


def render_deal(a: Assessment, impact: DealImpact, levers: LeverMenu | None = None) -> str:
    """Today's estimate object plus the `portfolio` block."""
    data = estimate_json.to_dict(a)
    data["portfolio"] = portfolio_block(impact, levers)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
