"""The calibrate report as JSON (`promisecheck.calibrate/1`): rounded, ordered, stable."""

from __future__ import annotations

import json
from typing import Any

from promisecheck.calibration import Calibration, RatioSummary


def _ratio(value: float) -> float:
    return round(value, 3)


def _group(g: RatioSummary) -> dict[str, Any]:
    return {
        "name": g.name,
        "records": g.records,
        "median": _ratio(g.median),
        "p85": _ratio(g.p85),
        "p95": _ratio(g.p95),
        "pooled": g.pooled,
    }


def to_dict(c: Calibration) -> dict[str, Any]:
    """The report as plain JSON types; the field order is part of the format."""
    return {
        "schema": c.schema,
        "source": c.source,
        "records": c.records,
        "estimate_hours": round(c.estimate_hours, 1),
        "actual_hours": round(c.actual_hours, 1),
        "ratio": {k: v for k, v in _group(c.overall).items() if k != "name"},
        "over_share": round(c.over_share, 4),
        "tail": {"ratio": c.tail_ratio, "share": round(c.tail_share, 4)},
        "sentence": c.sentence,
        "by_skill": [_group(g) for g in c.by_skill],
        "by_person": [_group(g) for g in c.by_person],
        "trend": [
            {
                "period": p.label,
                "first": p.first.isoformat(),
                "last": p.last.isoformat(),
                "records": p.records,
                "median": _ratio(p.median),
                "p85": _ratio(p.p85),
            }
            for p in c.trend
        ],
        "trend_sentence": c.trend_sentence,
        "chart": [
            {"low": b.low, "high": b.high, "records": b.records, "share": round(b.share, 4)}
            for b in c.chart
        ],
        "warnings": list(c.warnings),
    }


def render(calibration: Calibration) -> str:
    return json.dumps(to_dict(calibration), indent=2, ensure_ascii=False) + "\n"
