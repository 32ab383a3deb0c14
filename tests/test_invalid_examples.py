"""Every examples/invalid/* case fails to load with exactly the message in its expected.txt."""

from __future__ import annotations

from pathlib import Path

import pytest

from promisecheck.errors import InputError
from promisecheck.inputs.loading import load

INVALID = Path(__file__).resolve().parent.parent / "examples" / "invalid"
CASES = sorted(path for path in INVALID.iterdir() if path.is_dir())

# The bad inputs the issue lists (--trials is a CLI option, tested with the CLI).
REQUIRED = {
    "malformed-toml",
    "unknown-key",
    "missing-key",
    "wrong-type",
    "negative-range",
    "unordered-range",
    "not-a-date",
    "invalid-date",
    "deadline-before-start",
    "duplicate-id",
    "duplicate-member",
    "unknown-dependency",
    "dependency-cycle",
    "unknown-assignee",
    "assignee-lacks-skill",
    "allocation-out-of-range",
    "focus-out-of-range",
    "hours-per-day-out-of-range",
    "time-off-reversed",
    "unknown-country",
    "unknown-region",
    "empty-team",
    "no-members",
    "missing-team-file",
    # Hostile inputs (issue 14).
    "team-outside-repository",
    "history-outside-repository",
    "control-character",
    "estimate-too-large",
    "date-out-of-range",
    "empty-skill",
    "too-deeply-nested",
}


def test_every_listed_bad_input_has_a_case() -> None:
    assert {case.name for case in CASES} >= REQUIRED


def test_every_case_has_its_expected_message() -> None:
    assert [case.name for case in CASES if not (case / "expected.txt").is_file()] == []


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_case_fails_with_its_message(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(case)
    with pytest.raises(InputError) as raised:
        load("spec.toml")
    expected = (case / "expected.txt").read_text(encoding="utf-8").rstrip("\n")
    assert str(raised.value) == expected
    assert len(raised.value.problems) == 1, "one fault, one message"
