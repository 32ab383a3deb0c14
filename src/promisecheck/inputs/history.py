"""The team's record of estimated and actual hours: read from CSV, checked, pooled by who and what.

A history is a list of finished tasks, each with the hours estimated and the hours it
took. `history_model` fits it (or resamples its ratios actual / estimate) per pool: the
assignee's own records when there are enough, else the skill's, else everyone's.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from promisecheck.errors import InputError, Problem, closest, did_you_mean, show
from promisecheck.inputs import safefiles
from promisecheck.inputs.model import HISTORY_COLUMNS, HistoryUnit, Item
from promisecheck.notices import Notice, RepeatedIds
from promisecheck.safetext import escape, unsafe_character

FloatArray = npt.NDArray[np.float64]
PoolKind = Literal["person", "skill", "everyone"]

# Fewer records than this say little about how a person, a skill or a team estimates.
MIN_RECORDS = 20
REQUIRED = ("estimate_hours", "actual_hours")
_SHOWN_PROBLEMS = 10
_DELIMITERS = (",", ";", "\t")
_SMALLEST, _LARGEST = 0.001, 1_000_000  # a cell's hours (or days, or minutes)


@dataclass(frozen=True, eq=False)
class History:
    """Finished tasks, one entry per task, hours converted to hours."""

    source: str  # the file it was read from, or a description
    estimate: FloatArray  # [records] estimated hours, all > 0
    actual: FloatArray  # [records] actual hours, all > 0
    skill: tuple[str | None, ...]
    person: tuple[str | None, ...]
    date: tuple[dt.date | None, ...]
    warnings: tuple[Notice, ...] = ()

    @property
    def records(self) -> int:
        return int(self.estimate.size)

    @property
    def ratio(self) -> FloatArray:
        """actual / estimate per task."""
        return self.actual / self.estimate


def make_history(
    estimate: Sequence[float],
    actual: Sequence[float],
    *,
    skill: Sequence[str | None] | None = None,
    person: Sequence[str | None] | None = None,
    date: Sequence[dt.date | None] | None = None,
    source: str = "<history>",
) -> History:
    """A history built in code (tests, back-tests); the values must already be valid."""
    count = len(estimate)
    return History(
        source=source,
        estimate=np.asarray(estimate, dtype=np.float64),
        actual=np.asarray(actual, dtype=np.float64),
        skill=tuple(skill) if skill is not None else (None,) * count,
        person=tuple(person) if person is not None else (None,) * count,
        date=tuple(date) if date is not None else (None,) * count,
    )


# --- reading ------------------------------------------------------------------------------


def _decode(path: Path) -> str:
    try:
        data = safefiles.read_bytes(path, limit=safefiles.MAX_CSV_BYTES)
    except FileNotFoundError:
        raise InputError.single(path, "", "history file not found") from None
    except IsADirectoryError:
        raise InputError.single(path, "", "is a directory; expected a CSV file") from None
    except OSError as exc:
        raise InputError.single(path, "", f"cannot be read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError.single(
            path,
            "",
            f"is not UTF-8 text (byte {exc.start})",
            hint="save the export as UTF-8 CSV",
        ) from None


def _delimiter(header_line: str) -> str:
    """The separator the header uses most: exports write ',', ';' or tabs."""
    return max(_DELIMITERS, key=header_line.count)


def _column_index(header: Sequence[str], wanted: str) -> int | None:
    names = [name.strip() for name in header]
    if wanted in names:
        return names.index(wanted)
    folded = [name.casefold() for name in names]
    return folded.index(wanted.casefold()) if wanted.casefold() in folded else None


def _header_problems(
    path: Path, header: Sequence[str], columns: Mapping[str, str]
) -> tuple[dict[str, int], list[Problem]]:
    found: dict[str, int] = {}
    problems: list[Problem] = []
    for key in HISTORY_COLUMNS:
        wanted = columns.get(key, key)
        index = _column_index(header, wanted)
        if index is not None:
            found[key] = index
        elif key in REQUIRED or key in columns:
            close = closest(wanted, [h.strip() for h in header])
            hint = (
                f"did you mean `{escape(close)}`? "
                f'Map it with columns = {{ {key} = "{escape(close)}" }}'
                if close
                else f'map the export\'s own name with columns = {{ {key} = "…" }} in [history] '
                f"or --columns {key}=…"
            )
            shown = _header_excerpt(header)
            problems.append(
                Problem(
                    path=path,
                    line=1,
                    location=f"column `{wanted}`",
                    message=f"not in the header; the header has {shown}",
                    hint=hint,
                )
            )
    return found, problems


def _header_excerpt(header: Sequence[str]) -> str:
    """A few of the header's names, shortened and escaped: a file that is not the export
    it claims to be (an environment dump, a key file) must not be quoted back whole."""
    names = [escape(name.strip()) for name in header if name.strip()]
    shown = ", ".join(f"`{name if len(name) <= 30 else name[:29] + '…'}`" for name in names[:8])
    if len(names) > 8:
        shown += f", … ({len(names)} in all)"
    return shown or "nothing"


def _hours(text: str) -> tuple[float | None, str | None, str | None]:
    """(value, problem, hint) for a cell that must hold hours above 0."""
    cell = text.strip()
    if not cell:
        return None, "missing value; expected a number above 0", "fill it in or remove the row"
    try:
        value = float(cell)
    except ValueError:
        hint = None
        if cell.count(",") == 1 and _is_number(cell.replace(",", ".")):
            hint = f"write decimals with a point: {cell.replace(',', '.')}"
        return None, f"got {show(cell)}; expected a number above 0", hint
    if not math.isfinite(value) or value <= 0:
        return None, f"got {show(cell)}; expected a number above 0", "remove tasks with no hours"
    if not _SMALLEST <= value <= _LARGEST:
        # Ratios of such numbers overflow once they multiply an estimate.
        return None, f"got {show(cell)}; expected a number from {_SMALLEST} to {_LARGEST:,}", None
    return value, None, None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _date(text: str) -> tuple[dt.date | None, str | None]:
    cell = text.strip()
    if not cell:
        return None, None
    try:
        return dt.date.fromisoformat(cell[:10]), None
    except ValueError:
        return None, f"got {show(cell)}; expected a date like 2027-01-04"


_UNIT_HOURS: dict[str, float] = {"hours": 1.0, "minutes": 1 / 60}


def read_history(
    path: Path,
    columns: Mapping[str, str] | None = None,
    unit: HistoryUnit = "hours",
    hours_per_day: float = 8.0,
) -> History:
    """Read a history CSV; every problem is an InputError naming the file, line and column.

    `columns` maps promisecheck's column names to the export's headers; `unit` is the
    unit of the estimate and actual columns (days count `hours_per_day` hours).
    """
    columns = dict(columns or {})
    text = _decode(path)
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        raise InputError.single(
            path,
            "",
            "empty file; expected a header row naming the columns",
            line=1,
            hint="estimate_hours,actual_hours and optionally skill,person,date,id",
        )
    found, problems = _header_problems(path, header, columns)
    if problems:
        raise InputError(tuple(problems))
    scale = hours_per_day if unit == "days" else _UNIT_HOURS[unit]
    names = {key: columns.get(key, key) for key in HISTORY_COLUMNS}
    estimates: list[float] = []
    actuals: list[float] = []
    skills: list[str | None] = []
    people: list[str | None] = []
    dates: list[dt.date | None] = []
    seen: dict[str, int] = {}
    repeated = 0
    problems = []
    hidden = 0

    def problem(line: int, key: str, message: str, hint: str | None) -> None:
        nonlocal hidden
        if len(problems) >= _SHOWN_PROBLEMS:
            hidden += 1
            return
        name = names[key]
        where = f"column `{name}`" if name == key else f"column `{name}` ({key})"
        problems.append(Problem(path=path, line=line, location=where, message=message, hint=hint))

    def cell(row: Sequence[str], key: str) -> str:
        index = found.get(key)
        return row[index] if index is not None and index < len(row) else ""

    for row in _rows(reader, path):
        line = reader.line_num
        if not any(value.strip() for value in row):
            continue
        estimate, message, hint = _hours(cell(row, "estimate_hours"))
        if message:
            problem(line, "estimate_hours", message, hint)
        actual, message, hint = _hours(cell(row, "actual_hours"))
        if message:
            problem(line, "actual_hours", message, hint)
        day, wrong_date = _date(cell(row, "date"))
        if wrong_date:
            problem(line, "date", wrong_date, "write dates as YYYY-MM-DD")
        unsafe = False
        for key in ("skill", "person", "id"):
            bad = unsafe_character(cell(row, key))
            if bad is not None:
                problem(line, key, f"holds the control character {bad}", "names go on one line")
                unsafe = True
        if estimate is None or actual is None or wrong_date or unsafe:
            continue
        task = cell(row, "id").strip()
        if task:
            if task in seen:
                repeated += 1
                continue
            seen[task] = line
        estimates.append(estimate * scale)
        actuals.append(actual * scale)
        skills.append(cell(row, "skill").strip() or None)
        people.append(cell(row, "person").strip() or None)
        dates.append(day)
    if problems:
        if hidden:
            problems.append(
                Problem(path=path, location="", message=f"and {hidden} more problems like these")
            )
        raise InputError(tuple(problems))
    if len(estimates) < MIN_RECORDS:
        raise InputError.single(
            path,
            "",
            f"{len(estimates)} finished tasks; expected at least {MIN_RECORDS} to calibrate "
            "estimates with",
            hint="fewer say little about how this team estimates; leave the history out "
            "until there are more",
        )
    warnings: list[Notice] = []
    if repeated:
        warnings.append(RepeatedIds(path=path, rows=repeated))
    return History(
        source=str(path),
        estimate=np.array(estimates),
        actual=np.array(actuals),
        skill=tuple(skills),
        person=tuple(people),
        date=tuple(dates),
        warnings=tuple(warnings),
    )


def _rows(reader: Iterator[list[str]], path: Path) -> Iterator[list[str]]:
    """The reader's rows; a row the csv module cannot split is an InputError, not a crash."""
    line = 1
    try:
        for row in reader:
            line += 1
            yield row
    except csv.Error as exc:
        raise InputError.single(
            path, "", f"cannot be read as CSV: {exc}", line=line + 1, hint="is it a CSV export?"
        ) from None


def parse_columns(text: str) -> dict[str, str]:
    """`estimate_hours=Estimated,actual_hours=Spent` (the --columns option) → a mapping.

    Raises ValueError with a message for the command line.
    """
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, equals, header = part.partition("=")
        key = key.strip()
        if not equals or not header.strip():
            raise ValueError(f"`{part}`: expected ours=theirs, like actual_hours=Spent")
        if key not in HISTORY_COLUMNS:
            hint = did_you_mean(key, HISTORY_COLUMNS)
            raise ValueError(
                f"unknown column `{key}`; expected one of {', '.join(HISTORY_COLUMNS)}"
                + (f" ({hint})" if hint else "")
            )
        mapping[key] = header.strip()
    return mapping


# --- pools --------------------------------------------------------------------------------


def percentile_index(share: float, count: int) -> int:
    """Index into `count` sorted values of the earliest one reached by at least `share` of
    them: the one percentile rule of every report (finish dates, costs, history ratios).

    round(…, 9) first: 0.85 × 10 000 is 8500.000…01 in floating point, not above 8500.
    """
    needed = math.ceil(round(share * count, 9))
    return max(0, min(count, needed) - 1)


def percentile(ordered: FloatArray, share: float) -> float:
    """The smallest value that at least `share` of the (sorted) values do not exceed."""
    return float(ordered[percentile_index(share, ordered.size)])


def _grouped(names: Sequence[str | None], ratio: FloatArray) -> dict[str, FloatArray]:
    positions: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        if name is not None:
            positions.setdefault(name, []).append(index)
    return {name: np.sort(ratio[where]) for name, where in positions.items()}


@dataclass(frozen=True, kw_only=True)
class Pool:
    """The ratios one item's effort is resampled from, and where they came from."""

    kind: PoolKind
    name: str | None  # the person or skill; None for everyone
    ratios: FloatArray  # sorted actual / estimate


@dataclass(frozen=True, eq=False)
class Pools:
    """A history's ratios: everyone's, and each person's and each skill's."""

    everyone: FloatArray
    by_person: dict[str, FloatArray]
    by_skill: dict[str, FloatArray]

    @classmethod
    def of(cls, history: History) -> Pools:
        ratio = history.ratio
        return cls(
            everyone=np.sort(ratio),
            by_person=_grouped(history.person, ratio),
            by_skill=_grouped(history.skill, ratio),
        )

    def for_item(self, item: Item) -> Pool:
        """The assignee's own records when enough, else the skill's, else everyone's.

        An item without an assignee uses its skill's pool: who does it is only known
        once the schedule is drawn, and drawing the effort after dispatch would change
        the schedule that chose the person.
        """
        own = self.by_person.get(item.assignee or "")
        if own is not None and own.size >= MIN_RECORDS:
            return Pool(kind="person", name=item.assignee, ratios=own)
        skill = self.by_skill.get(item.skill or "")
        if skill is not None and skill.size >= MIN_RECORDS:
            return Pool(kind="skill", name=item.skill, ratios=skill)
        return Pool(kind="everyone", name=None, ratios=self.everyone)
