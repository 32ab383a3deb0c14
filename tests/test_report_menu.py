"""The compromise menu in the table, Markdown and JSON reports, on a hand-built assessment."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from promisecheck.assess.analysis import Compromise, LeverReach, Menu, NotOffered, PriceAdvice
from promisecheck.report.estimate import json as json_report
from promisecheck.report.estimate import markdown, table
from promisecheck.report.estimate import menu as menu_words
from test_report_table import assessment

HIRE = Compromise(
    kind="add-member",
    group="keeps-quote",
    on_time_probability=0.9,
    size=9.5,
    finish_p85=dt.date(2027, 3, 24),
    skill="frontend",
    new_members=1,
    new_member_joins=dt.date(2027, 1, 18),
    extra_hours=240.0,
    added_cost=1200.0,
    margin=2500.0,
    peak_weekly_load=0.95,
)
MOVE = Compromise(
    kind="move-date",
    group="needs-client",
    on_time_probability=0.861,
    size=4.0,
    finish_p85=dt.date(2027, 4, 9),
    deadline=dt.date(2027, 4, 9),
    working_days=4,
    added_cost=0.0,
    margin=3700.0,
    peak_weekly_load=0.8,
)
OVERTIME = Compromise(
    kind="add-hours",
    group="keeps-quote",
    on_time_probability=0.86,
    size=18.0,
    skill="design",
    people=("Lena",),
    extra_hours_per_week=25.0,
    overtime=True,
)
MENU = Menu(
    target_confidence=0.85,
    status="options",
    on_time_probability=0.45,
    as_of=dt.date(2026, 11, 30),
    probability_per_week_later=0.12,
    options=(HIRE, MOVE),
    not_offered=(
        NotOffered(kind="add-hours", reason="needs-overtime", option=OVERTIME),
        NotOffered(kind="cut-scope", reason="scope-fixed"),
    ),
    levers=(
        LeverReach(
            kind="add-member",
            reaches_target=False,
            best_probability=0.72,
            skill="design",
            new_members=3,
        ),
    ),
    price=PriceAdvice(
        break_even=118400.0, for_min_margin=131555.6, min_margin=0.1, below_floor=True
    ),
)


def test_table_shows_one_table_then_the_groups_then_what_was_left_out() -> None:
    text = table.render(dataclasses.replace(assessment(), compromises=MENU), color=False)
    start = text.index("85 % needs one of these 2 changes.")
    menu = text[start : text.index("Each week of delayed start")]
    assert menu.index("On time") < menu.index("Keeps the quote") < menu.index("Needs the client")
    assert "1.  hire 1 frontend" in menu and "keeps quote" in menu and "24 Mar 2027" in menu
    assert (
        "1. Bring in a new frontend person from Mon 18 Jan 2027 (about 240 h of capacity up to the"
    ) in menu
    assert "2. Move the date to Fri 9 Apr 2027, 4 working days later than promised." in menu
    assert "- Add 25 design hours a week — needs overtime, which the team does not allow." in menu
    assert "- Defer scope — the scope is fixed." in menu
    assert "Even three new design people reach only 72 %." in menu
    assert (
        "Below the 10 % margin floor: break-even at 118,400 EUR; 10 % margin at 131,556 EUR."
        in (menu)
    )


def test_markdown_has_a_table_and_the_numbered_groups() -> None:
    text = markdown.render(dataclasses.replace(assessment(), compromises=MENU))
    section = text[text.index("#### What would make it hold") :]
    assert "| # | Option | Group | On time |" in section
    assert "| 2. | date 4 days later | needs client | 86 % | 9 Apr 2027 |" in section
    assert "Needs the client (smallest change first):\n\n2. Move the date to Fri 9 Apr 2027" in (
        section
    )
    assert "- Defer scope — the scope is fixed." in section


def test_json_carries_groups_limits_levers_and_price() -> None:
    data = json.loads(json_report.render(dataclasses.replace(assessment(), compromises=MENU)))
    menu = data["compromises"]
    assert menu["as_of"] == "2026-11-30"
    options = menu["options"]
    assert [o["option"] for o in options] == [1, 2]
    assert [o["group"] for o in options] == ["keeps-quote", "needs-client"]
    assert options[1]["deadline"] == "2027-04-09" and options[1]["working_days"] == 4
    assert options[0]["new_members"] == 1 and options[0]["margin"] == 2500.0
    assert [(n["kind"], n["reason"]) for n in menu["not_offered"]] == [
        ("add-hours", "needs-overtime"),
        ("cut-scope", "scope-fixed"),
    ]
    assert menu["levers"][0]["reaches_target"] is False
    assert menu["levers"][0]["best_probability"] == 0.72
    assert menu["price"]["break_even"] == 118400.0
    assert menu["price"]["for_min_margin"] == 131555.6
    assert json.loads(json_report.render(assessment()))["compromises"] is None


def test_an_on_track_menu_without_slack_says_so() -> None:
    tight = dataclasses.replace(MENU, status="slack", options=(), target_confidence=0.85)
    assert menu_words.note(tight).endswith(
        "with no slack: 85 % needs the promised date and the planned start."
    )
