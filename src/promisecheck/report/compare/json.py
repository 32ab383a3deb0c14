"""The compare report as JSON (`promisecheck.compare/1`): stable keys, rounded like estimate's."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from promisecheck.commands.compare import Column, Comparison, Delta


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _pair(values: dict[str, float] | None, digits: int) -> dict[str, float] | None:
    if values is None:
        return None
    return {key: round(values[key], digits) for key in ("p50", "p85")}


def _delta(delta: Delta) -> dict[str, Any]:
    return {"change": delta.change, "direction": delta.direction}


def _column(column: Column) -> dict[str, Any]:
    a, s = column.assessment, column.scope
    return {
        "label": column.label,
        "project": a.project,
        "start": _date(a.start),
        "deadline": _date(a.deadline),
        "target_confidence": a.target_confidence,
        "scope": {
            "items": s.items,
            "added": list(s.added),
            "removed": list(s.removed),
            "reestimated": list(s.reestimated),
            "changed": list(s.changed),
        },
        "team": {
            "members": s.members,
            "added": list(s.members_added),
            "removed": list(s.members_removed),
            "changed": list(s.members_changed),
        },
        "on_time_probability": round(a.on_time_probability, 4),
        "on_time_standard_error": round(a.on_time_standard_error, 4),
        "verdict": a.verdict,
        "target_date": _date(a.target_date),
        "finish": {key: _date(a.finish.get(key)) for key in ("p50", "p85")},
        "effort_hours": _pair(a.effort_hours, 1),
        "cost": _pair(a.cost, 2),
        "margin": _pair(a.margin, 2),
        "price": a.price,
        "currency": a.currency,
        "deltas": {key: _delta(d) for key, d in column.deltas.items()} if column.deltas else None,
        "limits": list(column.limits),
        "breaks": None if column.breaks is None else list(column.breaks),
    }


def to_dict(c: Comparison) -> dict[str, Any]:
    """The comparison as plain JSON types; the field order is part of the format."""
    return {
        "schema": c.schema,
        "trials": c.trials,
        "seed": c.seed,
        "baseline": c.baseline.label,
        "columns": [_column(column) for column in c.columns],
    }


def render(c: Comparison) -> str:
    return json.dumps(to_dict(c), indent=2, ensure_ascii=False) + "\n"
