"""TOML → Plan: line finding, locations, hints, cross-checks, team file resolution."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from promisecheck.errors import InputError, OptionError, did_you_mean
from promisecheck.inputs.limits import MAX_ITEMS
from promisecheck.inputs.loading import (
    KeyLines,
    _find_cycle,
    describe,
    load,
    load_spec,
    load_team,
    read_toml,
    team_path_for,
)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

SPEC = """\
[project]
name = "P"
start = 2027-01-04
deadline = 2027-03-26

[[items]]
id = "a"
skill = "backend"
estimate = [8, 12, 20]

[[items]]
id = "b"
skill = "backend"
estimate = 8
depends_on = ["a"]
"""

TEAM = """\
[calendar]
country = "DE"

[[members]]
name = "Ana"
skills = ["backend"]
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory with a valid spec.toml and team.toml, and the working directory in it."""
    (tmp_path / "spec.toml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "team.toml").write_text(TEAM, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def fails(spec: str = SPEC, team: str = TEAM) -> InputError:
    Path("spec.toml").write_text(spec, encoding="utf-8")
    Path("team.toml").write_text(team, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load("spec.toml")
    return raised.value


# --- KeyLines -----------------------------------------------------------------------------


def test_keylines_finds_keys_in_tables_and_arrays_of_tables() -> None:
    lines = KeyLines(SPEC)
    assert lines.line(("project",)) == 1
    assert lines.line(("project", "deadline")) == 4
    assert lines.line(("items", 0)) == 6
    assert lines.line(("items", 1, "estimate")) == 14
    assert lines.line(("items", 1, "depends_on")) == 15


def test_keylines_points_an_array_of_tables_at_its_first_header() -> None:
    assert KeyLines(SPEC).line(("items",)) == 6


def test_keylines_falls_back_to_the_deepest_known_prefix() -> None:
    lines = KeyLines(SPEC)
    assert lines.line(("items", 1, "depends_on", 0)) == 15
    assert lines.line(("items", 0, "priority")) == 6  # not written: its table's header
    assert lines.line(("nowhere",)) is None


def test_keylines_reads_dotted_and_quoted_keys() -> None:
    lines = KeyLines('[project]\n"name" = "P"\ncalendar.focus = 0.8\n[ "x" . y ]\nz = 1\n')
    assert lines.line(("project", "name")) == 2
    assert lines.line(("project", "calendar", "focus")) == 3
    assert lines.line(("x", "y", "z")) == 5


def test_keylines_ignores_comments_and_multiline_strings() -> None:
    text = '# start = 1\n[project]\nnote = """\nstart = 2\n"""\nstart = 2027-01-04\n'
    lines = KeyLines(text)
    assert lines.line(("start",)) is None
    assert lines.line(("project", "start")) == 6


# --- describe and did_you_mean ------------------------------------------------------------


def test_describe_names_items_by_id_and_members_by_name() -> None:
    data = {"items": [{"id": "a"}, {"id": "checkout"}], "members": [{"name": "Ana"}]}
    assert describe(("items", 1, "estimate"), data) == 'items[1] "checkout".estimate'
    assert describe(("members", 0, "time_off", 2), data) == 'members[0] "Ana".time_off[2]'


def test_describe_without_labels_or_data() -> None:
    assert describe(("project", "start"), {}) == "project.start"
    assert describe(("items", 5, "id"), {"items": [{}]}) == "items[5].id"
    assert describe(("items", 0), {"items": [{"id": 3}]}) == "items[0]"


def test_did_you_mean_names_a_close_word_only() -> None:
    assert did_you_mean("depnds_on", ["id", "depends_on"]) == "did you mean `depends_on`?"
    assert did_you_mean("colour", ["id", "depends_on"]) is None


# --- cycles -------------------------------------------------------------------------------


def test_no_cycle_in_a_dag() -> None:
    assert _find_cycle({"a": [], "b": ["a"], "c": ["a", "b"]}) is None


def test_a_three_item_cycle_is_printed_closed() -> None:
    cycle = _find_cycle({"a": ["c"], "b": ["a"], "c": ["b"], "d": ["a"]})
    assert cycle == ["a", "c", "b", "a"]


def test_a_self_loop_is_a_cycle() -> None:
    assert _find_cycle({"a": ["a"]}) == ["a", "a"]


def test_a_chain_of_5000_items_needs_no_recursion() -> None:
    chain = {f"i{n}": [f"i{n + 1}"] if n < 4999 else [] for n in range(5000)}
    assert _find_cycle(chain) is None
    chain["i4999"] = ["i0"]
    cycle = _find_cycle(chain)
    assert cycle is not None
    assert len(cycle) == 5001
    assert cycle[0] == cycle[-1] == "i0"


def test_a_cycle_in_a_spec_is_one_located_message(project: Path) -> None:
    error = fails(
        SPEC.replace("estimate = [8, 12, 20]", 'estimate = [8, 12, 20]\ndepends_on = ["b"]')
    )
    assert str(error) == (
        'spec.toml:10: items[0] "a".depends_on: dependency cycle: a → b → a '
        "(each depends on the next; remove one of these dependencies)"
    )


def test_a_long_chain_loads(project: Path) -> None:
    # As long as the limit allows, and longer than Python's recursion limit.
    items = "".join(
        f'[[items]]\nid = "i{n}"\nskill = "backend"\nestimate = 1\n'
        + (f'depends_on = ["i{n - 1}"]\n' if n else "")
        for n in range(MAX_ITEMS)
    )
    Path("spec.toml").write_text(SPEC.split("[[items]]")[0] + items, encoding="utf-8")
    assert len(load("spec.toml").spec.items) == MAX_ITEMS


# --- messages from pydantic errors --------------------------------------------------------


def test_a_misspelt_required_key_is_one_problem(project: Path) -> None:
    error = fails(SPEC.replace("estimate = 8", "estimat = 8"))
    assert str(error) == (
        'spec.toml:14: items[1] "b".estimat: unknown key `estimat` (did you mean `estimate`?)'
    )


def test_a_top_level_key_under_a_table_is_explained(project: Path) -> None:
    error = fails(team='[calendar]\ncountry = "DE"\nmembers = []\n')
    assert str(error) == (
        "team.toml:3: calendar.members: unknown key `members` "
        "(move it above [calendar]: keys below a [table] header belong to it)"
    )


def test_every_fault_is_reported_at_once(project: Path) -> None:
    spec = SPEC.replace("estimate = 8", "estimate = [3, 2, 1]").replace(
        'name = "P"', 'name = "P"\ncolour = "red"'
    )
    error = fails(spec)
    assert [problem.line for problem in error.problems] == [3, 15]


def test_a_wrong_list_element_is_reported_once_for_the_list(project: Path) -> None:
    error = fails(team=TEAM.replace('skills = ["backend"]', "skills = [1, 2]"))
    assert str(error) == (
        'team.toml:6: members[0] "Ana".skills: got [1, 2]; expected a list of names in quotes, '
        'like ["a", "b"] (skills this member can work on)'
    )


def test_a_share_written_as_a_percentage_gets_a_hint(project: Path) -> None:
    error = fails(team=TEAM.replace("[calendar]", "[calendar]\nfocus = 80"))
    assert str(error) == (
        "team.toml:2: calendar.focus: got 80; expected a number in (0, 1] "
        "(a share, not a percentage: 0.8 is 80 %)"
    )


def test_a_quoted_date_says_to_drop_the_quotes(project: Path) -> None:
    error = fails(SPEC.replace("start = 2027-01-04", 'start = "2027-01-04"'))
    assert str(error) == (
        'spec.toml:3: project.start: got "2027-01-04" (text); expected a date '
        "(write it without quotes: 2027-01-04)"
    )


def test_malformed_toml_at_the_end_of_the_file_names_the_last_line(project: Path) -> None:
    error = fails(SPEC + 'note = "unfinished')
    assert error.problems[0].line == len(SPEC.splitlines()) + 1
    assert "malformed TOML" in str(error)


def test_a_bare_impossible_date_is_malformed_toml(project: Path) -> None:
    error = fails(SPEC.replace("deadline = 2027-03-26", "deadline = 2027-02-30"))
    assert str(error) == (
        "spec.toml:4: malformed TOML: invalid date or datetime at column 12 "
        "(a date must exist and be written YYYY-MM-DD, like 2027-01-04)"
    )


# --- files --------------------------------------------------------------------------------


def test_a_missing_spec_file(project: Path) -> None:
    with pytest.raises(InputError) as raised:
        load("nope.toml")
    assert str(raised.value) == "nope.toml: file not found"


def test_a_directory_is_not_a_toml_file(project: Path) -> None:
    with pytest.raises(InputError) as raised:
        read_toml(project)
    assert "is a directory" in str(raised.value)


def test_load_spec_and_load_team_on_their_own(project: Path) -> None:
    spec, data, lines = load_spec(Path("spec.toml"))
    assert [item.id for item in spec.items] == ["a", "b"]
    assert data["project"]["name"] == "P"
    assert lines.line(("items", 1)) == 11
    assert [member.name for member in load_team(Path("team.toml")).members] == ["Ana"]


# --- team file resolution -----------------------------------------------------------------


def test_team_path_defaults_to_team_toml_beside_the_spec(project: Path) -> None:
    spec, _, _ = load_spec(Path("spec.toml"))
    assert team_path_for(spec, Path("dir/spec.toml"), None) == Path("dir/team.toml")


def test_team_key_is_relative_to_the_spec(project: Path) -> None:
    Path("spec.toml").write_text(
        SPEC.replace('name = "P"', 'name = "P"\nteam = "../shared/team.toml"'), encoding="utf-8"
    )
    spec, _, _ = load_spec(Path("spec.toml"))
    assert team_path_for(spec, Path("a/b/spec.toml"), None) == Path("a/b/../shared/team.toml")


def test_team_option_wins_over_the_team_key(project: Path) -> None:
    Path("spec.toml").write_text(
        SPEC.replace('name = "P"', 'name = "P"\nteam = "missing.toml"'), encoding="utf-8"
    )
    spec, _, _ = load_spec(Path("spec.toml"))
    assert team_path_for(spec, Path("spec.toml"), Path("other.toml")) == Path("other.toml")
    Path("other.toml").write_text(TEAM.replace('"Ana"', '"Bo"'), encoding="utf-8")
    assert load("spec.toml", "other.toml").team.members[0].name == "Bo"


def test_a_missing_team_option_file_says_where_it_came_from(project: Path) -> None:
    with pytest.raises(OptionError) as raised:
        load("spec.toml", team_path="nope.toml")
    assert raised.value.option == "team"
    assert str(raised.value) == "nope.toml: team: team file not found"


def test_a_missing_default_team_file(project: Path) -> None:
    os.remove("team.toml")
    with pytest.raises(InputError) as raised:
        load("spec.toml")
    assert str(raised.value) == (
        "team.toml: team file not found "
        "(the default, beside spec.toml: create it, set project.team or pass --team)"
    )


# --- holidays country and region ----------------------------------------------------------


def test_country_and_region_are_spelt_as_the_holidays_package_wants(project: Path) -> None:
    Path("team.toml").write_text(
        TEAM.replace('country = "DE"', 'country = "de"\nregion = "bayern"'), encoding="utf-8"
    )
    calendar = load("spec.toml").team.calendar
    assert (calendar.country, calendar.region) == ("DE", "BY")


def test_a_region_without_a_country(project: Path) -> None:
    error = fails(team=TEAM.replace('country = "DE"', 'region = "BY"'))
    assert str(error) == (
        "team.toml:2: calendar.region: region given without country "
        '(add the country, e.g. country = "DE")'
    )


def test_a_misspelt_region_name_is_matched(project: Path) -> None:
    error = fails(team=TEAM.replace('country = "DE"', 'country = "US"\nregion = "Californa"'))
    assert error.problems[0].hint == "did you mean `California` (`CA`)?"


# --- cross-file checks --------------------------------------------------------------------


def test_an_assignee_lacking_the_skill_names_who_has_it(project: Path) -> None:
    team = TEAM + '\n[[members]]\nname = "Bo"\nskills = ["design"]\n'
    error = fails(SPEC.replace("estimate = 8", 'estimate = 8\nassignee = "Bo"'), team)
    assert error.problems[0].hint == (
        "Bo's skills in team.toml: `design`; members with `backend`: Ana"
    )


def test_duplicate_ids_do_not_also_report_their_dependencies(project: Path) -> None:
    error = fails(SPEC.replace('id = "b"', 'id = "a"'))
    assert len(error.problems) == 1
    assert error.problems[0].message.startswith("duplicate id `a`, first used by items[0]")


# --- the shipped examples -----------------------------------------------------------------


def test_the_webshop_example_loads() -> None:
    plan = load(EXAMPLES / "webshop" / "spec.toml")
    assert plan.spec.project.name == "Acme web shop"
    assert plan.spec.project.target_confidence == 0.85
    assert 25 <= len(plan.spec.items) <= 30
    assert {item.skill for item in plan.spec.items} == {"design", "frontend", "backend", "qa"}
    assert {item.priority for item in plan.spec.items} == {"must", "should", "could"}
    assert 5 <= len(plan.team.members) <= 6
    assert any(member.allocation < 1 for member in plan.team.members)
    assert any(member.joins is not None for member in plan.team.members)
    assert (plan.team.calendar.country, plan.team.calendar.region) == ("DE", "BY")
    assert all(member.rate is not None for member in plan.team.members)


def test_the_tight_example_loads() -> None:
    plan = load(EXAMPLES / "tight" / "spec.toml")
    assert 5 <= len(plan.spec.items) <= 8
    assert plan.spec.project.deadline > plan.spec.project.start
