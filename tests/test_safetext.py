"""The output sanitiser and GitHub annotation escaping, on hand-written text."""

from __future__ import annotations

from promisecheck.report.check.github import _command
from promisecheck.safetext import escape, for_json, for_people, unsafe_character


def test_control_characters_are_escaped_and_layout_kept() -> None:
    assert for_people("a\x1b[2Jb\tc\r\nd\x00\x85\u202e") == "a\\x1b[2Jb\\tc\\r\nd\\x00\\x85\\u202e"


def test_no_line_starts_a_workflow_command() -> None:
    text = "report\n::error::forged\n   ::add-mask::x\n##[group]x\nok :: fine"
    assert for_people(text) == (
        "report\n\\::error::forged\n   \\::add-mask::x\n\\##[group]x\nok :: fine"
    )


def test_colour_codes_stay_only_when_asked_for() -> None:
    text = "\x1b[1mbold\x1b[0m\x1b]0;title\x07"
    assert for_people(text, color=True) == "\x1b[1mbold\x1b[0m\\x1b]0;title\\x07"
    assert for_people(text) == "\\x1b[1mbold\\x1b[0m\\x1b]0;title\\x07"


def test_json_gets_unicode_escapes_for_what_json_dumps_leaves_raw() -> None:
    assert for_json('{"a": "x\x85\u2028y"}') == '{"a": "x\\u0085\\u2028y"}'


def test_escape_makes_one_line_and_unsafe_character_names_the_first() -> None:
    assert escape("a\nb\tc") == "a\\nb\\tc"
    assert unsafe_character("fine") is None
    assert unsafe_character("x\u2066y\n") == "\\u2066"


def test_annotations_escape_as_the_runner_specifies() -> None:
    line = _command("error", "a:b,c%.toml", 3, "t: x, y", "50 %\r\nnext\x1b")
    assert line == "::error file=a%3Ab%2Cc%25.toml,line=3,title=t%3A x%2C y::50 %25%0D%0Anext\\x1b"
    assert "\n" not in line
