"""Problems print as file:line: place: message (hint); input is quoted back as TOML."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import pytest

from promisecheck.errors import InputError, OptionError, Problem, show


def test_a_problem_names_file_line_place_message_and_hint() -> None:
    problem = Problem(
        path=Path("spec.toml"), location="items[1].estimate", message="got 0", line=9, hint="h"
    )
    assert str(problem) == "spec.toml:9: items[1].estimate: got 0 (h)"


def test_a_problem_without_line_place_or_hint() -> None:
    assert str(Problem(path=Path("t.toml"), location="", message="file not found")) == (
        "t.toml: file not found"
    )
    assert str(Problem(path=None, location="--trials", message="m")) == "--trials: m"


def test_an_input_error_prints_one_problem_per_line() -> None:
    error = InputError(
        (
            Problem(path=Path("a.toml"), location="", message="one"),
            Problem(path=Path("b.toml"), location="", message="two"),
        )
    )
    assert str(error) == "a.toml: one\nb.toml: two"
    assert str(InputError.single(Path("c.toml"), "k", "bad", line=2)) == "c.toml:2: k: bad"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "true"),
        ("half", '"half"'),
        (32.0, "32"),
        (0.85, "0.85"),
        (float("inf"), "inf"),
        (dt.date(2027, 2, 15), "2027-02-15"),
        ([1, [dt.date(2027, 1, 1), "x"]], '[1, [2027-01-01, "x"]]'),
        ({"name": "Ana"}, '{name = "Ana"}'),
    ],
)
def test_show_writes_values_as_toml(value: object, text: str) -> None:
    assert show(value) == text


def test_show_shortens_long_values() -> None:
    text = show(list(range(100)))
    assert len(text) == 80
    assert text.endswith("…")


def test_an_input_error_takes_notes_and_survives_pickling() -> None:
    error = InputError.single(Path("spec.toml"), "items[0].estimate", "must be positive")
    error.add_note("raised while loading")  # pytest and hypothesis do this
    assert error.__notes__ == ["raised while loading"]
    copy = pickle.loads(pickle.dumps(error))  # check's worker processes send errors back
    assert copy.problems == error.problems
    assert str(copy) == "spec.toml: items[0].estimate: must be positive"


def test_an_option_error_names_the_option_and_survives_pickling() -> None:
    error = OptionError("trials", "too many", hint="10 fit", path=Path("spec.toml"))
    copy = pickle.loads(pickle.dumps(error))
    assert isinstance(copy, OptionError) and copy.option == "trials"
    assert copy.problems == error.problems
    assert str(copy) == "spec.toml: trials: too many (10 fit)"


def test_report_words_an_options_place_as_its_flag_wherever_the_problem_is_shown() -> None:
    from promisecheck.report._kit.problems import worded

    error = OptionError("fail_under", "expected a probability", path=Path("spec.toml"))
    (problem,) = error.problems
    assert problem.option == "fail_under"
    assert worded(problem) == "spec.toml: --fail-under: expected a probability"
    located = Problem(path=Path("t.toml"), location="items[0]", message="m", line=3)
    assert worded(located) == str(located) == "t.toml:3: items[0]: m"
    assert pickle.loads(pickle.dumps(error)).problems == error.problems


def test_did_you_mean_names_only_a_close_word() -> None:
    from promisecheck.errors import closest, did_you_mean

    assert did_you_mean("depnds_on", ["depends_on", "skill"]) == "did you mean `depends_on`?"
    assert closest("frontend", ["backend", "frontend2"]) == "frontend2"
    assert did_you_mean("zzz", ["depends_on"]) is None
