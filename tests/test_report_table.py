"""The terminal table report, and the phrasing it shares with Markdown, on hand-built reports."""

# The reports write date ranges with an en dash on purpose.

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from promisecheck.assess.analysis import (
    Assessment,
    Bin,
    CurvePoint,
    ItemRisk,
    MemberLoad,
    SkillLoad,
    TimeOffOnChain,
)
from promisecheck.notices import FewTrials, NobodyHasSkill
from promisecheck.report import render
from promisecheck.report._kit import words
from promisecheck.report.estimate import table

D = dt.date


def assessment(**changes: Any) -> Assessment:
    """A small at-risk proposal: 2 skills, 2 members (Lena part time, with time off on the
    critical chain), 3 items, 3 weekly bins, a cost, a warning."""
    base = Assessment(
        project="Bakery site",
        client="Huber",
        start=D(2027, 4, 5),
        deadline=D(2027, 5, 28),
        target_confidence=0.85,
        trials=800,
        seed=7,
        distribution="pert",
        ranged_items=12,
        on_time_probability=0.7125,
        on_time_standard_error=0.016,
        must_on_time_probability=0.8,
        verdict="at-risk",
        reasons=(),
        finish={
            "p50": D(2027, 5, 25),
            "p70": D(2027, 5, 27),
            "p85": D(2027, 6, 2),
            "p95": D(2027, 6, 4),
        },
        target_date=D(2027, 6, 2),
        beyond_horizon=0,
        effort_hours={"p50": 96.4, "p70": 99.9, "p85": 103.5, "p95": 108.6},
        cost={"p50": 8194.0, "p70": 8500.5, "p85": 8813.2, "p95": 9240.9},
        price=9000.0,
        currency="EUR",
        margin={"p50": 806.0, "p70": 499.5, "p85": 186.8, "p95": -240.9},
        skills=(
            SkillLoad(
                skill="design",
                demand_hours=24.5,
                capacity_hours=77.0,
                load=0.318,
                members=("Lena",),
                bottleneck=False,
                chain_working=0.26,
            ),
            SkillLoad(
                skill="frontend",
                demand_hours=71.9,
                capacity_hours=80.0,
                load=0.899,
                members=("Kai",),
                bottleneck=True,
                chain_working=0.66,
                chain_waiting=0.08,
            ),
        ),
        members=(
            MemberLoad(
                name="Kai",
                work_hours=71.9,
                capacity_hours=90.2,
                utilisation=0.797,
                weekly=(1.0, 0.93, None, 0.4),
                chain_working=0.66,
                chain_waiting=0.08,
                chain_trials=0.95,
                chain_skill="frontend",
                bottleneck=True,
            ),
            MemberLoad(
                name="Lena",
                work_hours=24.5,
                capacity_hours=60.0,
                utilisation=0.408,
                weekly=(0.6, 0.2, 0.0, 0.0),
                allocation=0.5,
                chain_working=0.26,
                chain_trials=0.55,
                chain_skill="design",
                time_off=(TimeOffOnChain(first=D(2027, 4, 12), last=D(2027, 4, 16), trials=0.3),),
            ),
        ),
        items=(
            ItemRisk(
                id="design",
                title="Page designs",
                priority="must",
                finish={"p50": D(2027, 4, 19), "p85": D(2027, 4, 21)},
                on_time_probability=1.0,
                criticality=0.55,
            ),
            ItemRisk(
                id="pages",
                title="Build the pages",
                priority="must",
                finish={"p50": D(2027, 5, 12), "p85": D(2027, 5, 25)},
                on_time_probability=0.9,
                criticality=0.95,
            ),
            ItemRisk(
                id="order-form",
                title="Cake pre-order form",
                priority="could",
                finish={"p50": D(2027, 5, 25), "p85": D(2027, 6, 2)},
                on_time_probability=0.7125,
                criticality=0.4,
            ),
        ),
        histogram=(
            Bin(first=D(2027, 5, 17), last=D(2027, 5, 23), trials=360, cumulative=0.45),
            Bin(first=D(2027, 5, 24), last=D(2027, 5, 30), trials=280, cumulative=0.8),
            Bin(first=D(2027, 5, 31), last=D(2027, 6, 6), trials=160, cumulative=1.0),
        ),
        curve=tuple(
            CurvePoint(day=D(2027, 5, day) if day > 6 else D(2027, 6, day), finished=share)
            for day, share in (
                (17, 0.05),
                (20, 0.2),
                (23, 0.45),
                (24, 0.45),
                (25, 0.55),
                (27, 0.7),
                (28, 0.7125),
                (30, 0.8),
                (2, 0.875),
                (4, 0.95),
                (6, 1.0),
            )
        ),
        warnings=(FewTrials(trials=800, standard_error=0.016),),
    )
    return dataclasses.replace(base, **changes)


def infeasible() -> Assessment:
    return assessment(
        on_time_probability=0.0,
        on_time_standard_error=0.0,
        must_on_time_probability=0.0,
        verdict="infeasible",
        reasons=(NobodyHasSkill(skill="desing", items=("design",), close="design"),),
        finish=dict.fromkeys(("p50", "p70", "p85", "p95")),
        target_date=None,
        beyond_horizon=800,
        histogram=(),
        warnings=(),
    )


EXPECTED = """\
71 % chance of delivering Bakery site by Fri 28 May 2027; 85 % needs Wed 2 Jun 2027.

Verdict      AT RISK: below the 85 % target
On time      71.2 % ± 1.6 by Fri 28 May 2027
Must items   80.0 % on time
Simulated    800 trials, seed 7, PERT estimates; start Mon 5 Apr 2027, deadline Fri 28 May 2027
Client       Huber

Finish, effort and cost
Percentile   Finished by       Effort (h)   Cost (EUR)   Margin (EUR)
─────────────────────────────────────────────────────────────────────
P50          Tue 25 May 2027           96        8,194            806
P70          Thu 27 May 2027          100        8,500            500
P85          Wed 2 Jun 2027           104        8,813            187
P95          Fri 4 Jun 2027           109        9,241    -241 (loss)
Price 9,000 EUR; margin is price minus cost.

Skills up to the deadline
Skill      Demand (h)   Capacity (h)   Load                  Members
────────────────────────────────────────────────────────────────────
design             24             77   32 %                  Lena
frontend           72             80   90 %   ◀ bottleneck   Kai

What sets the date

- Kai (frontend) is on the critical chain for 74 % of its length: working 66 %, waiting for Kai 8 %.
- Lena's time off (12–16 Apr 2027) is on the critical chain in 30 % of trials.
- Lena works part time (50 % allocation) and has items on the critical chain in 55 % of trials.

Members
Member   Item work (h)   Available (h)   Utilisation   On chain   Weekly load from Mon 5 Apr 2027
─────────────────────────────────────────────────────────────────────────────────────────────────
Kai                 72              90          80 %       74 %   █▇·▃
Lena                24              60          41 %       26 %   ▅▂
On chain: the share of the critical chain's length (in team working days) spent working on it or
waiting for that member, on average over the trials.

Items that set the finish date or risk the deadline
Item         Priority   P50 finish        P85 finish        On time   Critical
──────────────────────────────────────────────────────────────────────────────
pages        must       Wed 12 May 2027   Tue 25 May 2027      90 %       95 %
design       must       Mon 19 Apr 2027   Wed 21 Apr 2027     100 %       55 %
order-form   could      Tue 25 May 2027   Wed 2 Jun 2027       71 %       40 %

When the 800 trials finish
Finished                                                   Share   By then
───────────────────────────────────────────────────────────────────────────────────────────
Mon 17 May – Sun 23 May 2027   ████████████████████████   45.0 %    45.0 %
Mon 24 May – Sun 30 May 2027   ███████████████████        35.0 %    80.0 %   ◀ deadline
Mon 31 May – Sun 6 Jun 2027    ███████████                20.0 %   100.0 %   ◀ 85 % reached

warning: only 800 trials: the on-time probability is ±1.6 points (one standard error)
"""


def test_the_whole_report_reads_as_written() -> None:
    assert table.render(assessment(), color=False, width=100) == EXPECTED


def test_the_dispatcher_gives_the_same_table() -> None:
    assert render(assessment(), "table") == EXPECTED


def test_an_infeasible_promise_gives_its_reasons_and_no_dates_or_money() -> None:
    assert (
        table.render(infeasible())
        == """\
Cannot be delivered: nobody in the team has skill `desing` (needed by design); did you mean
`design`?

Verdict     INFEASIBLE: no trial finishes
Simulated   800 trials, seed 7, PERT estimates; start Mon 5 Apr 2027, deadline Fri 28 May 2027
Client      Huber

Skills up to the deadline
Skill      Demand (h)   Capacity (h)   Load                  Members
────────────────────────────────────────────────────────────────────
design             24             77   32 %                  Lena
frontend           72             80   90 %   ◀ bottleneck   Kai
"""
    )


def test_without_rates_the_cost_columns_are_absent() -> None:
    text = table.render(assessment(cost=None, margin=None))
    assert (
        """\
Finish and effort
Percentile   Finished by       Effort (h)
─────────────────────────────────────────
P50          Tue 25 May 2027           96
"""
        in text
    )
    assert "Cost" not in text
    assert "Margin" not in text
    assert "Price" not in text


def test_a_cost_without_a_price_has_no_margin() -> None:
    text = table.render(assessment(price=None, margin=None))
    assert "Cost (EUR)" in text
    assert "Margin" not in text
    assert "Price" not in text


def test_a_negative_margin_is_called_a_loss_and_only_then() -> None:
    margin = {"p50": 0.4, "p70": -0.4, "p85": -0.6, "p95": -2500.0}
    text = table.render(assessment(margin=margin))
    rows = [line for line in text.splitlines() if line[:2] in {"P5", "P7", "P8", "P9"}]
    assert [row.split("   ")[-1].strip() for row in rows] == [
        "0",
        "0",
        "-1 (loss)",
        "-2,500 (loss)",
    ]


def test_colour_only_when_asked() -> None:
    coloured = table.render(assessment(), color=True)
    assert "\x1b[" in coloured
    assert "\x1b[" not in table.render(assessment(), color=False)


def test_the_environment_does_not_change_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setenv("TERM", "dumb")
    assert table.render(assessment()) == EXPECTED


def test_names_from_files_are_not_read_as_markup() -> None:
    text = table.render(assessment(project="[bold]Shop[/bold] :smile:", client=None))
    assert "[bold]Shop[/bold] :smile:" in text
    assert "Client" not in text


def test_an_on_track_headline_says_so() -> None:
    a = assessment(verdict="on-track", on_time_probability=0.93, target_date=D(2027, 5, 21))
    assert words.headline(a) == (
        "On track: 93 % chance of delivering Bakery site by Fri 28 May 2027; "
        "85 % is reached by Fri 21 May 2027."
    )
    assert "ON TRACK: at or above the 85 % target" in table.render(a)


def test_an_unlikely_promise() -> None:
    a = assessment(verdict="unlikely", on_time_probability=0.2)
    assert "UNLIKELY: less than an even chance" in table.render(a)


def test_trials_past_the_horizon_are_shown_as_such() -> None:
    a = assessment(
        finish={**assessment().finish, "p95": None},
        target_date=None,
        beyond_horizon=80,
        histogram=(
            Bin(first=D(2027, 5, 17), last=D(2027, 5, 23), trials=400, cumulative=0.5),
            Bin(first=D(2027, 5, 24), last=D(2027, 5, 30), trials=320, cumulative=0.9),
        ),
    )
    assert words.headline(a).endswith("; 85 % is not reached within the 10-year horizon.")
    text = table.render(a)
    assert "P95          after the 10-year horizon" in text
    assert "\nafter the 10-year horizon      █████                      10.0 %\n" in text


def test_many_late_items_are_cut_short() -> None:
    late = [
        ItemRisk(
            id=f"item-{n:02}",
            title=None,
            priority="must",
            finish={"p50": D(2027, 6, 1), "p85": D(2027, 6, 8)},
            on_time_probability=0.5,
            criticality=n / 100,
        )
        for n in range(20)
    ]
    text = table.render(assessment(items=tuple(late)))
    assert "item-19" in text
    assert "item-05" in text
    assert "item-04" not in text
    assert "… and 5 more items: see --format json" in text


def test_a_deadline_outside_the_chart_is_still_marked() -> None:
    later = table.render(assessment(deadline=D(2027, 6, 11)))
    assert (
        """\
Mon 31 May – Sun 6 Jun 2027    ███████████                20.0 %   100.0 %   ◀ 85 % reached
Deadline Fri 11 Jun 2027: later than every finish shown.
"""
        in later
    )
    earlier = table.render(assessment(deadline=D(2027, 5, 14)))
    assert "\nDeadline Fri 14 May 2027: earlier than every finish.\n" in earlier
    assert "◀ deadline" not in earlier


# The phrasing both human-readable reports share.


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (D(2027, 3, 26), "Fri 26 Mar 2027"),
        (D(2027, 4, 5), "Mon 5 Apr 2027"),
        (D(2028, 2, 29), "Tue 29 Feb 2028"),
        (D(2026, 12, 31), "Thu 31 Dec 2026"),
    ],
)
def test_dates_are_weekday_day_month_year(date: dt.date, expected: str) -> None:
    assert words.day(date) == expected


def test_dates_do_not_follow_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    assert words.day(D(2027, 3, 1)) == "Mon 1 Mar 2027"


def test_date_ranges_and_the_horizon() -> None:
    assert words.day_range(D(2027, 3, 11), D(2027, 3, 17)) == "Thu 11 Mar – Wed 17 Mar 2027"
    assert words.day_range(D(2027, 12, 30), D(2028, 1, 5)) == "Thu 30 Dec 2027 – Wed 5 Jan 2028"
    assert words.day_range(D(2027, 3, 11), D(2027, 3, 11)) == "Thu 11 Mar 2027"
    assert words.maybe_day(None) == "after the 10-year horizon"


@pytest.mark.parametrize(
    ("share", "whole", "precise"),
    [
        (0.0, "0 %", "0.0 %"),
        (0.0001, "< 1 %", "< 0.1 %"),
        (0.412, "41 %", "41.2 %"),
        (0.9951, "> 99 %", "99.5 %"),
        (0.9999, "> 99 %", "> 99.9 %"),
        (1.0, "100 %", "100.0 %"),
        (2.4, "240 %", "240.0 %"),
    ],
)
def test_percentages_never_round_a_possibility_away(share: float, whole: str, precise: str) -> None:
    assert words.percent(share) == whole
    assert words.precise_percent(share) == precise


def test_targets_keep_their_decimals() -> None:
    assert words.target(0.85) == "85 %"
    assert words.target(0.875) == "87.5 %"


def test_exact_estimates_are_not_called_pert() -> None:
    exact = dataclasses.replace(assessment(), ranged_items=0, history=None, risks=())
    assert "exact estimates;" in words.simulated(exact)
    assert "PERT estimates;" in words.simulated(assessment())


def test_a_deadline_before_every_finish_is_said_to_be_impossible_not_unlikely() -> None:
    hopeless = dataclasses.replace(assessment(), verdict="unlikely", on_time_probability=0.0)
    assert words.verdict_meaning(hopeless) == (
        f"no trial finishes by {words.day(hopeless.deadline)}: it cannot be done by that date"
    )
    slim = dataclasses.replace(hopeless, on_time_probability=0.0001)
    assert words.verdict_meaning(slim) == "less than an even chance"


@pytest.mark.parametrize(
    ("number", "noun", "plural", "said"),
    [
        (1, "working day", None, "1 working day"),
        (4, "working day", None, "4 working days"),
        (0, "warning", None, "0 warnings"),
        (1, "person", "people", "1 person"),
        (3, "person", "people", "3 people"),
        (1200, "trial", None, "1,200 trials"),
    ],
)
def test_counted_nouns_agree(number: int, noun: str, plural: str | None, said: str) -> None:
    assert words.count(number, noun, plural) == said


def test_what_sets_the_date_names_the_skill_when_it_is_not_the_members_own() -> None:
    a = assessment()
    kai, lena = a.members
    skills = (
        dataclasses.replace(a.skills[0], bottleneck=True, chain_working=0.8),
        dataclasses.replace(a.skills[1], bottleneck=False),
    )
    lines = words.what_sets_the_date(
        assessment(
            skills=skills,
            members=(dataclasses.replace(kai, chain_waiting=0.0), lena),
        )
    )
    assert lines[:2] == [
        "Kai (frontend) is on the critical chain for 66 % of its length.",
        "By skill, design holds most of the chain: 80 % of it.",
    ]


def test_what_sets_the_date_leaves_out_what_is_rarely_on_the_chain() -> None:
    a = assessment()
    kai, lena = a.members
    quiet = dataclasses.replace(
        lena,
        chain_trials=0.49,
        time_off=(TimeOffOnChain(first=D(2027, 4, 12), last=D(2027, 4, 16), trials=0.24),),
    )
    assert words.what_sets_the_date(assessment(members=(kai, quiet))) == [
        "Kai (frontend) is on the critical chain for 74 % of its length: working 66 %, "
        "waiting for Kai 8 %."
    ]
    assert words.what_sets_the_date(infeasible()) == []


@pytest.mark.parametrize(
    ("first", "last", "text"),
    [
        (D(2027, 7, 12), D(2027, 7, 30), "12–30 Jul 2027"),
        (D(2027, 6, 28), D(2027, 7, 9), "28 Jun – 9 Jul 2027"),
        (D(2027, 12, 27), D(2028, 1, 3), "27 Dec 2027 – 3 Jan 2028"),
        (D(2027, 7, 12), D(2027, 7, 12), "12 Jul 2027"),
    ],
)
def test_a_period_is_written_short(first: dt.date, last: dt.date, text: str) -> None:
    assert words.short_range(first, last) == text
