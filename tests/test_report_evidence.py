"""The history and risk sections of the estimate report, on a hand-built report."""

from __future__ import annotations

import dataclasses
import math

from promisecheck.engine.history_model import HistoryUse, ItemCalibration
from promisecheck.engine.risks import RiskImpact
from promisecheck.report.estimate import markdown, table
from promisecheck.report.estimate.evidence import points
from test_report_table import assessment

HISTORY = HistoryUse(
    source="history.csv",
    records=160,
    median_ratio=1.2,
    p85_ratio=2.1,
    p95_ratio=2.7,
    items=(
        ItemCalibration(
            id="a", pool="person", name="Paul", records=60, method="resampled", median_ratio=1.3
        ),
        ItemCalibration(
            id="b", pool="everyone", name=None, records=160, method="scaled", median_ratio=1.25
        ),
        ItemCalibration(
            id="c", pool="everyone", name=None, records=160, method="resampled", median_ratio=1.25
        ),
    ),
    method="resample",
)
RISKS = (
    RiskImpact(
        id="payment-api",
        description="The provider changes its API",
        probability=0.3,
        happened=0.2975,
        mean_extra_hours=23.4,
        mean_delay_days=None,
        on_time_without=0.93,
        on_time_change=-0.0125,
    ),
    RiskImpact(
        id="contract",
        description=None,
        probability=0.2,
        happened=0.0,
        mean_extra_hours=None,
        mean_delay_days=None,
        on_time_without=0.7125,
        on_time_change=0.0,
    ),
)


def test_table_sections() -> None:
    text = table.render(assessment(history=HISTORY, risks=RISKS))
    assert (
        "Estimates corrected by history\n"
        "History   160 finished tasks in history.csv: median 1.2×, P85 2.1×, P95 2.7× (actual ÷ "
        "estimate)\n"
        "Pools     Paul's own records (60): a\n"
        "          everyone's records (160): b (×1.25), c\n"
    ) in text
    assert (
        "Risk          Chance   Happened   When it happens   On time without   Change\n"
        "────────────────────────────────────────────────────────────────────────────\n"
        "payment-api     30 %       30 %   +23 h                        93 %   -1 pts\n"
        "contract        20 %        0 %   did not happen               71 %    0 pts\n"
    ) in text


def test_markdown_sections() -> None:
    text = markdown.render(assessment(history=HISTORY, risks=RISKS))
    assert (
        "#### Risks\n\n"
        "| Risk | Chance | Happened | When it happens | On time without | Change |\n"
        "|---|--:|--:|---|--:|--:|\n"
        "| payment-api | 30 % | 30 % | +23 h | 93 % | -1 pts |\n"
        "| contract | 20 % | 0 % | did not happen | 71 % | 0 pts |\n"
    ) in text
    assert "- Paul's own records (60): a\n- everyone's records (160): b (×1.25), c\n" in text


def test_without_evidence_nothing_is_added() -> None:
    assert "history" not in table.render(assessment()).lower()


def test_points() -> None:
    assert [points(-0.123), points(0.031), points(-0.001)] == ["-12 pts", "+3 pts", "0 pts"]


def test_fitted_history_shows_each_items_factor_and_the_shared_shift() -> None:
    fitted = dataclasses.replace(HISTORY, method="fitted", shift_spread=math.log(1.2))
    text = markdown.render(assessment(history=fitted))
    assert (
        "- Paul's own records (60): a (×1.30)\n- everyone's records (160): b (×1.25), c (×1.25)\n"
        in text
    )
    assert "all items together by a shared shift of about 20 % (one standard deviation)" in text
