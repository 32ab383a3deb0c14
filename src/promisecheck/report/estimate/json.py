"""The stable JSON report (`promisecheck.estimate/1`): rounded, ordered, byte-identical per seed."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from promisecheck.assess.analysis import Assessment, Compromise, Menu, NotOffered
from promisecheck.engine.history_model import HistoryUse
from promisecheck.engine.risks import RiskImpact
from promisecheck.report._kit import notices
from promisecheck.report.estimate import menu as menu_words


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _dates(values: dict[str, dt.date | None]) -> dict[str, str | None]:
    return {k: _date(v) for k, v in values.items()}


def _round(values: dict[str, float] | None, digits: int) -> dict[str, float] | None:
    return None if values is None else {k: round(v, digits) for k, v in values.items()}


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def to_dict(a: Assessment) -> dict[str, Any]:
    """The report as plain JSON types; the field order is part of the format."""
    return {
        "schema": a.schema,
        "project": a.project,
        "client": a.client,
        "start": _date(a.start),
        "deadline": _date(a.deadline),
        "target_confidence": a.target_confidence,
        "trials": a.trials,
        "seed": a.seed,
        "distribution": a.distribution,
        "range": a.range_meaning,
        "on_time_probability": round(a.on_time_probability, 4),
        "on_time_standard_error": round(a.on_time_standard_error, 4),
        "must_on_time_probability": round(a.must_on_time_probability, 4),
        "verdict": a.verdict,
        "reasons": list(notices.reasons(a.reasons)),
        "finish": _dates(a.finish),
        "target_date": _date(a.target_date),
        "beyond_horizon_trials": a.beyond_horizon,
        "effort_hours": _round(a.effort_hours, 1),
        "cost": _round(a.cost, 2),
        "price": a.price,
        "currency": a.currency,
        "margin": _round(a.margin, 2),
        "skills": [
            {
                "skill": s.skill,
                "demand_hours": round(s.demand_hours, 1),
                "capacity_hours": round(s.capacity_hours, 1),
                "load": _ratio(s.load),
                "bottleneck": s.bottleneck,
                "members": list(s.members),
                "chain_share": round(s.chain_share, 4),
                "chain_working": round(s.chain_working, 4),
                "chain_waiting": round(s.chain_waiting, 4),
            }
            for s in a.skills
        ],
        "members": [
            {
                "name": m.name,
                "work_hours": round(m.work_hours, 1),
                "capacity_hours": round(m.capacity_hours, 1),
                "utilisation": _ratio(m.utilisation),
                "weekly_utilisation": [_ratio(w) for w in m.weekly],
                "allocation": m.allocation,
                "bottleneck": m.bottleneck,
                "chain_share": round(m.chain_share, 4),
                "chain_working": round(m.chain_working, 4),
                "chain_waiting": round(m.chain_waiting, 4),
                "chain_trials": round(m.chain_trials, 4),
                "chain_skill": m.chain_skill,
                "time_off": [
                    {
                        "first": _date(t.first),
                        "last": _date(t.last),
                        "chain_trials": round(t.trials, 4),
                    }
                    for t in m.time_off
                ],
            }
            for m in a.members
        ],
        "bottleneck": _bottleneck(a),
        "items": [
            {
                "id": i.id,
                "title": i.title,
                "priority": i.priority,
                "finish": _dates(i.finish),
                "on_time_probability": round(i.on_time_probability, 4),
                "criticality": round(i.criticality, 4),
            }
            for i in a.items
        ],
        "histogram": [
            {
                "first": _date(b.first),
                "last": _date(b.last),
                "trials": b.trials,
                "cumulative": round(b.cumulative, 4),
            }
            for b in a.histogram
        ],
        "warnings": list(menu_words.warnings(a)),
        "compromises": None if a.compromises is None else _menu(a.compromises, a.currency),
        "history": None if a.history is None else _history(a.history),
        "risks": [_risk(r) for r in a.risks],
    }


def _bottleneck(a: Assessment) -> dict[str, Any] | None:
    """The member and the skill most on the critical chain; null when no trial finishes."""
    member, skill = a.bottleneck_member, a.bottleneck
    if member is None and skill is None:
        return None
    return {
        "member": None if member is None else member.name,
        "member_share": None if member is None else round(member.chain_share, 4),
        "skill": None if skill is None else skill.skill,
        "skill_share": None if skill is None else round(skill.chain_share, 4),
    }


def _history(h: HistoryUse) -> dict[str, Any]:
    return {
        "source": h.source,
        "records": h.records,
        "method": h.method,
        "shift_spread": round(h.shift_spread, 3),
        "median_ratio": round(h.median_ratio, 3),
        "p85_ratio": round(h.p85_ratio, 3),
        "p95_ratio": round(h.p95_ratio, 3),
        "items": [
            {
                "id": i.id,
                "pool": i.pool,
                "name": i.name,
                "records": i.records,
                "method": i.method,
                "median_ratio": round(i.median_ratio, 3),
            }
            for i in h.items
        ],
    }


def _risk(r: RiskImpact) -> dict[str, Any]:
    return {
        "id": r.id,
        "description": r.description,
        "probability": r.probability,
        "happened": round(r.happened, 4),
        "mean_extra_hours": None if r.mean_extra_hours is None else round(r.mean_extra_hours, 1),
        "mean_delay_days": None if r.mean_delay_days is None else round(r.mean_delay_days, 1),
        "on_time_without": round(r.on_time_without, 4),
        "on_time_change": round(r.on_time_change, 4),
    }


def _money(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _menu(menu: Menu, currency: str | None) -> dict[str, Any]:
    return {
        "target_confidence": menu.target_confidence,
        "as_of": _date(menu.as_of),
        "status": menu.status,
        "note": menu_words.note(menu),
        "probability_per_week_later": _ratio(menu.probability_per_week_later),
        "options": [_option(n, o, menu, currency) for n, o in enumerate(menu.options, start=1)],
        "not_offered": [_not_offered(n, menu, currency) for n in menu.not_offered],
        "levers": [
            {
                "kind": r.kind,
                "reaches_target": r.reaches_target,
                "best_probability": round(r.best_probability, 4),
                "summary": menu_words.lever(r, menu),
            }
            for r in menu.levers
        ],
        "price": None
        if menu.price is None
        else {
            "break_even": _money(menu.price.break_even),
            "for_min_margin": _money(menu.price.for_min_margin),
            "min_margin": menu.price.min_margin,
            "below_floor": menu.price.below_floor,
        },
    }


def _not_offered(n: NotOffered, menu: Menu, currency: str | None) -> dict[str, Any]:
    """One option left out; `breaks` (whom, by project name) only when that is the reason,
    so that a plan estimated alone reads as it always has."""
    entry: dict[str, Any] = {
        "kind": n.kind,
        "summary": menu_words.not_offered(n, menu, currency),
        "reason": n.reason,
    }
    if n.reason == "breaks-commitment":
        entry["breaks"] = list(n.option.breaks) if n.option is not None else []
    return entry


def _option(number: int, o: Compromise, menu: Menu, currency: str | None) -> dict[str, Any]:
    return {
        "option": number,
        "kind": o.kind,
        "group": o.group,
        "summary": menu_words.summary(o, menu),
        "on_time_probability": round(o.on_time_probability, 4),
        "finish_p85": _date(o.finish_p85),
        "deadline": _date(o.deadline),
        "start": _date(o.start),
        "working_days": o.working_days,
        "deferred": list(o.deferred),
        "deferred_hours": round(o.deferred_hours, 1),
        "deferred_value": o.deferred_value,
        "skill": o.skill,
        "people": list(o.people),
        "extra_hours_per_week": None
        if o.extra_hours_per_week is None
        else round(o.extra_hours_per_week, 1),
        "extra_hours": None if o.extra_hours is None else round(o.extra_hours, 1),
        "allocations": {name: share for name, share in o.allocations},
        "hours_per_day": {name: hours for name, hours in o.hours_per_day},
        "new_members": o.new_members,
        "new_member_joins": _date(o.new_member_joins),
        "added_cost": _money(o.added_cost),
        "margin": _money(o.margin),
        "overtime": o.overtime,
        "peak_weekly_load": _ratio(o.peak_weekly_load),
    }


def render(assessment: Assessment) -> str:
    return json.dumps(to_dict(assessment), indent=2, ensure_ascii=False) + "\n"
