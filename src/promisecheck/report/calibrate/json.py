"""The calibrate report as JSON (`promisecheck.calibrate/1`): rounded, ordered, stable."""

from __future__ import annotations

import json
from typing import Any

from promisecheck.commands.calibrate import Calibration, ModelFindings, RatioSummary, SizeExample
from promisecheck.report._kit import notices
from promisecheck.report.calibrate import view as words


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
        "sentence": words.sentence(c),
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
        "trend_sentence": words.trend_sentence(c),
        "chart": [
            {"low": b.low, "high": b.high, "records": b.records, "share": round(b.share, 4)}
            for b in c.chart
        ],
        "model": _model(c.model),
        "warnings": list(notices.notices(c.warnings)),
    }


def _examples(examples: tuple[SizeExample, ...]) -> list[dict[str, float]]:
    return [{"estimate": e.estimate, "typical": round(e.typical, 2)} for e in examples]


def _optional(value: float | None) -> float | None:
    return None if value is None else _ratio(value)


def _model(m: ModelFindings) -> dict[str, Any]:
    """What the history model found; spreads are standard deviations of log hours."""
    return {
        "method": m.method,
        "order": m.order,
        "size_effect": {
            "alpha": _ratio(m.alpha),
            "beta": _ratio(m.beta),
            "fitted": m.slope_fitted,
            "examples": _examples(m.examples),
        },
        "residual_spread": _ratio(m.residual_spread),
        "shared_spread": _optional(m.shared_spread),
        "block": m.block,
        "drift": _optional(m.drift),
        "period": m.period,
        "level_spread": _ratio(m.level_spread),
        "shift_spread": _ratio(m.shift_spread),
        "round_numbers": {"share": round(m.round_share, 4), "values": list(m.round_values)},
        "pools": [
            {
                "kind": p.kind,
                "name": p.name,
                "records": p.records,
                "beta": _ratio(p.beta),
                "fitted": p.slope_fitted,
                "examples": _examples(p.examples),
            }
            for p in m.pools
        ],
        "findings": {label: sentence for label, sentence in words.findings(m)},
    }


def render(calibration: Calibration) -> str:
    return json.dumps(to_dict(calibration), indent=2, ensure_ascii=False) + "\n"
