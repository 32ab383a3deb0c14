"""Words for the evidence behind an estimate (history pools, risks), for table and Markdown."""

from __future__ import annotations

import math
from dataclasses import dataclass

from promisecheck.assess.analysis import Assessment
from promisecheck.engine.history_model import HistoryUse, ItemCalibration
from promisecheck.engine.risks import RiskImpact
from promisecheck.report._kit.words import percent, times, whole


def history_line(h: HistoryUse) -> str:
    return (
        f"{h.records:,} finished tasks in {h.source}: median {times(h.median_ratio)}, "
        f"P85 {times(h.p85_ratio)}, P95 {times(h.p95_ratio)} (actual ÷ estimate)"
    )


def pool_note(h: HistoryUse) -> str:
    """How the efforts were drawn from the pools below, for the method used."""
    if h.method == "resample":
        return RESAMPLE_NOTE
    shift = percent(math.exp(h.shift_spread) - 1)
    return (
        "Each item's hours are its pool's median at the item's size (×: median effort ÷ "
        "estimate); single numbers add a surprise drawn per trial from the pool's records "
        "(recent ones more often), ranges keep their own spread; every trial moves all "
        f"items together by a shared shift of about {shift} (one standard deviation)."
    )


def _whose(i: ItemCalibration) -> str:
    if i.pool == "person":
        return f"{i.name}'s own records ({i.records})"
    if i.pool == "skill":
        return f"skill {i.name} ({i.records})"
    return f"everyone's records ({i.records})"


def pools(h: HistoryUse) -> list[str]:
    """One line per pool: whose records, and the items that drew from them.

    With resampling, single numbers draw a ratio per trial and ranges are scaled by the
    pool's median ratio; with the fitted model every item shows its size's median factor.
    """
    groups: dict[str, list[str]] = {}
    for i in h.items:
        plain = i.method == "resampled" and h.method == "resample"
        label = i.id if plain else f"{i.id} (×{i.median_ratio:.2f})"
        groups.setdefault(_whose(i), []).append(label)
    return [f"{whose}: {', '.join(ids)}" for whose, ids in groups.items()]


@dataclass(frozen=True, kw_only=True)
class RiskRow:
    id: str
    chance: str
    happened: str
    cost: str  # what it costs when it happens, on average
    without: str  # on-time probability without it
    change: str  # in percentage points


def _cost(r: RiskImpact) -> str:
    parts = []
    if r.mean_extra_hours is not None:
        parts.append(f"+{whole(r.mean_extra_hours)} h")
    if r.mean_delay_days is not None:
        parts.append(f"start {r.mean_delay_days:.1f} working days later")
    return ", ".join(parts) or "did not happen"


def points(change: float) -> str:
    """A change of probability in percentage points: `-12 pts`, `+3 pts`, `0 pts`."""
    return f"{round(change * 100):+d} pts".replace("+0 ", "0 ")


def risk_rows(a: Assessment) -> list[RiskRow]:
    return [
        RiskRow(
            id=r.id,
            chance=percent(r.probability),
            happened=percent(r.happened),
            cost=_cost(r),
            without=percent(r.on_time_without),
            change=points(r.on_time_change),
        )
        for r in a.risks
    ]


RISK_NOTE = (
    "Change: on-time probability with the risk minus without it, on the same trials "
    "(only the trials in which it happened are simulated again)."
)
RESAMPLE_NOTE = (
    "Single-number estimates draw a ratio per trial from these records; "
    "ranges keep their spread and are scaled by the pool's median ratio (×)."
)
