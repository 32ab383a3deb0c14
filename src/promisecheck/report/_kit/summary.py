"""The one-line summaries the CLI writes to stderr beside a report (without its prefix)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from promisecheck.report._kit import notices

if TYPE_CHECKING:
    from promisecheck.assess.analysis import Assessment
    from promisecheck.commands.calibrate import Calibration
    from promisecheck.commands.check import CheckReport
    from promisecheck.commands.portfolio import DealEstimate


def estimate(a: Assessment) -> str:
    """`Acme web shop: at-risk: 53% on time by 2027-03-26 (target 85%)`."""
    if a.verdict == "infeasible":
        return f"{a.project}: infeasible: {'; '.join(notices.reasons(a.reasons))}"
    return (
        f"{a.project}: {a.verdict}: {a.on_time_probability:.0%} on time by "
        f"{a.deadline.isoformat()} (target {a.target_confidence:.0%})"
    )


def deal(d: DealEstimate) -> str:
    """The deal's own line, and the signed commitments signing it would break."""
    broken = d.impact.breaks_signed
    if not broken:
        return estimate(d.assessment)
    return f"{estimate(d.assessment)}; breaks {', '.join(c.project for c in broken)}"


def calibration(c: Calibration) -> str:
    """`history.csv: 160 tasks: estimates run 1.2× over at the median; …`."""
    from promisecheck.report.calibrate.view import sentence

    return f"{c.source}: {c.records} tasks: {sentence(c)}"


def check(r: CheckReport) -> str:
    """`5 proposals: 1 invalid, 2 failing, 2 passing (exit 2)`: the gate's verdict."""
    from promisecheck.report.check.view import summary

    return f"{summary(r)} (exit {int(r.exit_code)})"
