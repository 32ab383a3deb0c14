"""Fuzz: hypothesis-made proposals, teams and histories through every command, in-process.

Whatever a pull request holds, every command ends with 0, 1 or 2, never a traceback, and
its text output holds no control character and no line a GitHub runner would read as a
workflow command (other than check's own annotations), and stays small.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from promisecheck.cli import app

runner = CliRunner()

_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_OWN_ANNOTATION = re.compile(r"^::(error|warning) file=[^\n]*$")

# Text that looks like names, with the characters an attacker would reach for.
hostile_text = st.text(
    alphabet=st.sampled_from(list("ab:,%#[]{}\"'\\/. -_")) | st.characters(max_codepoint=0x20AF),
    max_size=24,
)
weird_number = st.one_of(
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1e308, -1e308, 5e-324, 8, 0.5]),
)
weird_date = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
good_date = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2028, 12, 31))


def either(good: st.SearchStrategy[Any], weird: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly a plausible value, so that many runs get past validation and into the engine."""
    return st.integers(0, 11).flatmap(lambda roll: weird if roll == 0 else good)


scalar = st.one_of(hostile_text, weird_number, weird_date, st.booleans())
estimate = either(
    st.lists(st.integers(1, 60), min_size=3, max_size=3).map(sorted) | st.integers(1, 60),
    st.lists(weird_number, max_size=4) | scalar,
)
name = either(st.sampled_from(["a", "b", "c", "Ana", "dev"]), hostile_text)


@st.composite
def spec_and_team(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    ids = draw(st.lists(name, min_size=1, max_size=5, unique=True))
    items = [
        {
            "id": item,
            "skill": draw(either(st.sampled_from(["dev", "qa"]), scalar)),
            "estimate": draw(estimate),
            # Only on earlier items, mostly: a cycle is one more error, not one more path.
            **(
                {
                    "depends_on": draw(
                        st.lists(st.sampled_from(ids[:index]), max_size=2, unique=True)
                    )
                }
                if index and draw(st.booleans())
                else {}
            ),
        }
        for index, item in enumerate(ids)
    ]
    start = draw(either(good_date, weird_date))
    days = draw(either(st.integers(10, 200), st.integers(-50, 10)))
    try:
        deadline = start + dt.timedelta(days=days)
    except OverflowError:
        deadline = start
    project: dict[str, Any] = {"name": draw(name), "start": start, "deadline": deadline}
    if draw(st.integers(0, 5)) == 0:
        project["team"] = draw(
            st.sampled_from(["team.toml", "/proc/self/environ", "../team.toml", "/dev/zero"])
        )
    spec: dict[str, Any] = {"project": project, "items": items}
    if draw(st.booleans()):
        spec["scenarios"] = {"later": {"deadline": draw(either(good_date, weird_date))}}
    people = draw(st.lists(name, min_size=1, max_size=3, unique=True))
    members = [
        {
            "name": person,
            "skills": draw(
                st.lists(either(st.sampled_from(["dev", "qa"]), hostile_text), min_size=1)
                | st.just([])
            ),
            **(
                {"rate": draw(either(st.integers(0, 200), weird_number))}
                if draw(st.booleans())
                else {}
            ),
            **(
                {
                    "time_off": [
                        sorted(
                            draw(st.lists(either(good_date, weird_date), min_size=2, max_size=2))
                        )
                    ]
                }
                if draw(st.booleans())
                else {}
            ),
        }
        for person in people
    ]
    team: dict[str, Any] = {"members": members}
    if draw(st.integers(0, 3)) == 0:
        team["history"] = {"file": draw(st.sampled_from(["history.csv", "/etc/passwd"]))}
    return spec, team


def toml_text(draw: Callable[[st.SearchStrategy[Any]], Any], data: dict[str, Any]) -> str:
    """The data as TOML, sometimes with deep nesting or a byte-order mark added."""
    try:
        text = tomli_w.dumps(data)
    except (ValueError, TypeError):
        text = ""
    extra: str = draw(
        st.sampled_from(["", "", "\ufeff", "x = " + "[" * 300 + "]" * 300 + "\n", "\x00"])
    )
    return extra + text if extra == "\ufeff" else text + extra


cell = st.one_of(
    st.sampled_from(["1", "2.5", "0", "-1", "nan", "inf", "1e308", "5e-324", ""]), hostile_text
)
history_rows = st.lists(st.lists(cell, min_size=3, max_size=3), max_size=30)


def text_problems(output: str, *, annotations: bool = False) -> list[str]:
    """Every line of output that a terminal or a runner would misread."""
    bad = []
    for line in output.split("\n"):
        command = line.lstrip().startswith(("::", "##["))
        own = annotations and _OWN_ANNOTATION.match(line)
        if _CONTROL.search(line) or (command and not own):
            bad.append(line)
    return bad


@settings(
    max_examples=20,
    deadline=dt.timedelta(seconds=60),  # a hang guard, not a speed check
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(files=spec_and_team(), rows=history_rows, data=st.data())
def test_every_command_survives_any_input(
    files: tuple[dict[str, Any], dict[str, Any]], rows: list[list[str]], data: st.DataObject
) -> None:
    spec, team = files
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "p"
        folder.mkdir()
        (folder / "spec.toml").write_text(toml_text(data.draw, spec), encoding="utf-8")
        (folder / "team.toml").write_text(toml_text(data.draw, team), encoding="utf-8")
        history = folder / "history.csv"
        lines = ["estimate_hours,actual_hours,person", *(",".join(r) for r in rows)]
        history.write_text("\n".join(lines) + "\n", encoding="utf-8")
        spec_path = str(folder / "spec.toml")
        deal = folder / "deal" / "spec.toml"
        deal.parent.mkdir()
        deal.write_text((folder / "spec.toml").read_text(encoding="utf-8"), encoding="utf-8")
        portfolio = folder / "portfolio.toml"
        portfolio.write_text('team = "team.toml"\n[[commitments]]\nspec = "spec.toml"\n')
        fast = ["--trials", "20"]
        commands = [
            (["validate", str(folder)], False),
            (["estimate", spec_path, *fast], False),
            (["estimate", spec_path, *fast, "-f", "markdown", "--compromises"], False),
            (["compare", spec_path, spec_path, *fast], False),
            (["calibrate", str(history)], False),
            (["portfolio", str(portfolio), *fast], False),
            (
                ["estimate", str(deal), "--portfolio", str(portfolio), *fast, "-f", "markdown"],
                False,
            ),
            (["check", str(folder), *fast, "--jobs", "1", "-f", "markdown"], True),
        ]
        for args, annotations in commands:
            result = runner.invoke(
                app, args, env={"GITHUB_ACTIONS": "true" if annotations else "false"}
            )
            where = f"{args}: {result.stdout[-500:]}{result.stderr[-500:]}"
            assert result.exit_code in (0, 1, 2), where
            assert result.exception is None or isinstance(result.exception, SystemExit), where
            output = result.stdout + result.stderr
            assert "Traceback" not in output
            assert text_problems(output, annotations=annotations) == [], where
            assert len(output) < 200_000
