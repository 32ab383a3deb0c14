"""The one-line summary written to stderr beside a machine-readable report."""

from __future__ import annotations

from promisecheck.assess.analysis import Assessment


def one_line(a: Assessment) -> str:
    if a.verdict == "infeasible":
        return f"promisecheck: {a.project}: infeasible: {'; '.join(a.reasons)}"
    return (
        f"promisecheck: {a.project}: {a.verdict}: {a.on_time_probability:.0%} on time by "
        f"{a.deadline.isoformat()} (target {a.target_confidence:.0%})"
    )
