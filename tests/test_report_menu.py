"""The compromise menu in the table, Markdown and JSON reports, on a hand-built assessment."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from promisecheck.analysis import Compromise, Menu
from promisecheck.report import json as json_report
from promisecheck.report import markdown, table
from test_report_table import assessment

MENU = Menu(
    target_confidence=0.85,
    note="85 % needs one of these 2 changes, smallest first.",
    probability_per_week_later=0.12,
    options=(
        Compromise(
            kind="move-date",
            summary="Move the date to Fri 9 Apr 2027, 4 working days later than promised.",
            on_time_probability=0.861,
            size=4.0,
            deadline=dt.date(2027, 4, 9),
            working_days=4,
        ),
        Compromise(
            kind="add-member",
            summary="Bring in a new frontend person from Mon 18 Jan 2027 (≈ 12,000 EUR).",
            on_time_probability=0.9,
            size=9.5,
            skill="frontend",
            new_members=1,
            added_cost=12000.0,
            margin=-2500.0,
        ),
    ),
)


def test_table_lists_the_options_numbered_with_odds_and_margin() -> None:
    text = table.render(dataclasses.replace(assessment(), compromises=MENU), color=False)
    expected = (
        "85 % needs one of these 2 changes, smallest first.\n"
        "1. Move the date to Fri 9 Apr 2027, 4 working days later than promised. → 86 % on time\n"
        "2. Bring in a new frontend person from Mon 18 Jan 2027 (≈ 12,000 EUR). → 90 % on time;"
        " margin -2,500\n"
        "   EUR (loss)\n"
        "Each week of delayed start costs about 12 points of on-time probability.\n"
    )
    assert expected in text


def test_markdown_has_a_section_with_a_numbered_list() -> None:
    text = markdown.render(dataclasses.replace(assessment(), compromises=MENU))
    assert (
        "#### What would make it hold\n\n"
        "85 % needs one of these 2 changes, smallest first.\n\n"
        "1. Move the date to Fri 9 Apr 2027, 4 working days later than promised. → 86 % on time\n"
        "2. Bring in a new frontend person from Mon 18 Jan 2027 (≈ 12,000 EUR). → 90 % on time; "
        "margin -2,500 EUR (loss)\n\n"
        "Each week of delayed start costs about 12 points of on-time probability."
    ) in text


def test_json_carries_every_option_and_none_without_a_menu() -> None:
    data = json.loads(json_report.render(dataclasses.replace(assessment(), compromises=MENU)))
    options = data["compromises"]["options"]
    assert [o["option"] for o in options] == [1, 2]
    assert options[0]["deadline"] == "2027-04-09" and options[0]["working_days"] == 4
    assert options[1]["new_members"] == 1 and options[1]["margin"] == -2500.0
    assert json.loads(json_report.render(assessment()))["compromises"] is None
