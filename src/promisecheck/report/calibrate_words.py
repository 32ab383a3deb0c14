"""Words and bars shared by the calibrate renderers (formatting only, no arithmetic on data)."""

from __future__ import annotations

from promisecheck.calibration import Calibration, RatioSummary, times
from promisecheck.history import MIN_RECORDS

BAR_WIDTH = 30

__all__ = ["bar", "headline", "hours", "percent", "pool", "summary_line", "times"]


def headline(c: Calibration) -> str:
    """The sentence, capitalised and ended."""
    return c.sentence[:1].upper() + c.sentence[1:] + "."


def percent(share: float) -> str:
    return f"{share:.0%}".replace("%", " %")


def hours(value: float) -> str:
    return f"{value:,.0f} h"


def bar(share: float, largest: float) -> str:
    """A bar of block characters, as long relative to `largest` as share is."""
    if largest <= 0:
        return ""
    length = share / largest * BAR_WIDTH
    full = int(length)
    return "█" * full + ("▌" if length - full >= 0.5 else "")


def pool(summary: RatioSummary) -> str:
    """Whether forecasts use this group's own records."""
    return "own records" if summary.pooled else f"under {MIN_RECORDS}: uses the wider pool"


def summary_line(c: Calibration) -> str:
    o = c.overall
    return f"median {times(o.median)}, P85 {times(o.p85)}, P95 {times(o.p95)} (actual ÷ estimate)"
