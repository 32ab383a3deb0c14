"""Words and bars shared by the calibrate renderers (formatting only, no arithmetic on data)."""

from __future__ import annotations

import math

from promisecheck.commands.calibrate import (
    Calibration,
    ModelFindings,
    PoolFinding,
    RatioBin,
    RatioSummary,
    SizeExample,
)
from promisecheck.engine.history_model import MIN_SLOPE_RECORDS
from promisecheck.inputs.history import MIN_RECORDS
from promisecheck.report._kit.words import times

BAR_WIDTH = 30
_COUNTS = ("no", "one", "two", "three", "four", "five", "six")
_NUMBER_WORDS = (
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen", "twenty"),
)

__all__ = [
    "bar",
    "bias_sentence",
    "bin_label",
    "findings",
    "headline",
    "hours",
    "percent",
    "pool",
    "pool_label",
    "sentence",
    "size_examples",
    "summary_line",
    "times",
    "trend_line",
    "trend_sentence",
]


def _in_words(count: int) -> str:
    return _NUMBER_WORDS[count] if count < len(_NUMBER_WORDS) else str(count)


def bias_sentence(median: float, tail_ratio: float, tail_share: float) -> str:
    """ "estimates run 1.3× over at the median; one task in seven takes over 2.5× its estimate"."""
    shown = round(median, 1)
    if shown > 1.0:
        first = f"estimates run {times(median)} over at the median"
    elif shown < 1.0:
        first = f"tasks take {times(median)} their estimate at the median (estimates run high)"
    else:
        first = "estimates are right at the median"
    if tail_share <= 0:
        return f"{first}; no task took over {times(tail_ratio)} its estimate"
    one_in = max(2, round(1 / tail_share))
    return f"{first}; one task in {_in_words(one_in)} takes over {times(tail_ratio)} its estimate"


def sentence(c: Calibration) -> str:
    """The bias in one sentence, lower case, unended (the JSON and stderr summary's form)."""
    return bias_sentence(c.overall.median, c.tail_ratio, c.tail_share)


def headline(c: Calibration) -> str:
    """The sentence, capitalised and ended."""
    text = sentence(c)
    return text[:1].upper() + text[1:] + "."


def trend_sentence(c: Calibration) -> str | None:
    """How the median and P85 moved from the first solid period to the last; None without."""
    if c.trend_change is None:
        return None
    first, last = c.trend_change
    return (
        f"the median went from {times(first.median)} in {first.label} "
        f"to {times(last.median)} in {last.label}; "
        f"P85 from {times(first.p85)} to {times(last.p85)}"
    )


def trend_line(c: Calibration) -> str | None:
    """The trend sentence, capitalised and ended; None without."""
    text = trend_sentence(c)
    return text[:1].upper() + text[1:] + "." if text is not None else None


def bin_label(b: RatioBin) -> str:
    """`under 0.5×`, `0.5 to 0.8×`, `5× and over`."""
    if b.low is None:
        return f"under {b.high:g}×"
    if b.high is None:
        return f"{b.low:g}× and over"
    return f"{b.low:g} to {b.high:g}×"


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


# --- what the history model found ---------------------------------------------------------


def estimate_hours(value: float) -> str:
    """An estimate as written: 40 h, 3.5 h, 0.7 h."""
    return f"{value:g} h"


def typical_hours(value: float) -> str:
    """A fitted value: whole hours from 10 h, one decimal below."""
    return f"{value:,.0f} h" if value >= 9.95 else f"{value:.1f} h"


def _article(number: str) -> str:
    spoken_vowel = number.startswith("8") or number.split(".")[0] in ("11", "18")
    return "an" if spoken_vowel else "a"


def size_examples(examples: tuple[SizeExample, ...]) -> str:
    """ "a 40 h estimate typically takes 38 h, a 1 h one 1.6 h"."""
    parts = []
    for k, e in enumerate(examples):
        size = f"{e.estimate:g}"
        noun = "estimate typically takes" if k == 0 else "one"
        parts.append(f"{_article(size)} {size} h {noun} {typical_hours(e.typical)}")
    return ", ".join(parts)


def _spread(sd: float) -> str:
    """A log-scale standard deviation as the share it moves hours by: "about 28 %"."""
    return f"about {percent(math.exp(sd) - 1)}"


def size_effect(m: ModelFindings) -> str:
    if not m.slope_fitted:
        return (
            f"{size_examples(m.examples)}: the same overrun at every size "
            f"(under {MIN_SLOPE_RECORDS} tasks, or one size only, say too little about size)"
        )
    if m.beta < 0.995:
        trend = f"big tasks overrun less (actual grows as estimate^{m.beta:.2f})"
    elif m.beta > 1.005:
        trend = f"big tasks overrun more (actual grows as estimate^{m.beta:.2f})"
    else:
        trend = "overrun is the same at every size"
    return f"{size_examples(m.examples)}: {trend}"


def drift(m: ModelFindings) -> str:
    if m.drift is None:
        return f"not measured: it needs {2 * m.period} tasks, two periods of {m.period}"
    if m.drift < 0.005:
        return f"none measured: the level holds steady over {m.period} tasks and more"
    return f"the level moves by {_spread(m.drift)} every {m.period} tasks (one standard deviation)"


def shared(m: ModelFindings) -> str:
    if m.shared_spread is None:
        return f"not measured: it needs {3 * m.block} tasks, three blocks of {m.block}"
    if m.shared_spread < 0.005:
        return f"none measured: {m.block} tasks in a row do not miss together"
    return f"{m.block} tasks in a row run over or under together by {_spread(m.shared_spread)}"


def shift(m: ModelFindings) -> str:
    return (
        f"each trial moves all items of a proposal together by {_spread(m.shift_spread)} "
        "(shared surprise, drift and the level's own uncertainty)"
    )


def round_numbers(m: ModelFindings) -> str:
    values = ", ".join(f"{v:g}" for v in sorted(m.round_values))
    if len(m.round_values) == 1:
        return f"{percent(m.round_share)} of estimates are {values} h"
    count = _COUNTS[len(m.round_values)] if len(m.round_values) < len(_COUNTS) else "these"
    return f"{percent(m.round_share)} of estimates are one of {count} values: {values} h"


def method(m: ModelFindings) -> str:
    if m.method == "resample":
        return 'ratios resampled per task ([history] method = "resample")'
    return "the fitted model: size effect, recent records first, a shared shift per trial"


def findings(m: ModelFindings) -> list[tuple[str, str]]:
    """(label, sentence) per finding, in the order the reports show them."""
    return [
        ("Size effect", size_effect(m)),
        ("Drift", drift(m)),
        ("Shared surprise", shared(m)),
        ("Forecast spread", shift(m)),
        ("Round numbers", round_numbers(m)),
        ("Forecasts use", method(m)),
    ]


def pool_label(p: PoolFinding) -> str:
    if p.kind == "everyone":
        return "everyone"
    return f"{p.kind} {p.name}"


def pool_beta(p: PoolFinding) -> str:
    return f"{p.beta:.2f}" if p.slope_fitted else "1 (too few)"


def pool_examples(p: PoolFinding) -> str:
    return ", ".join(
        f"{estimate_hours(e.estimate)} → {typical_hours(e.typical)}" for e in p.examples
    )
