"""TOML files → validated Plan; every failure becomes an InputError naming file, place and fix."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import types
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from promisecheck.errors import InputError, OptionError, Problem, closest, did_you_mean, show
from promisecheck.inputs import limits, safefiles, scenarios
from promisecheck.inputs.model import INVALID, CalendarSettings, Plan, Spec, Team

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_\-.\s"']+?)\s*=""")
_TOML_POSITION = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)$")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_REGIONS_SHOWN = 20
_TOO_SHORT = {"too_short", "string_too_short"}


class KeyLines:
    """Finds the line of a key path in TOML text (tomllib keeps no positions)."""

    def __init__(self, text: str) -> None:
        self._lines: dict[Loc, int] = {}
        table: Loc = ()
        counts: dict[Loc, int] = {}
        in_string: str | None = None
        for number, raw in enumerate(text.splitlines(), start=1):
            if in_string is not None:
                # Inside a multi-line string nothing is a key, however it looks.
                if raw.count(in_string) % 2 == 1:
                    in_string = None
                continue
            if raw.lstrip().startswith("#"):
                continue
            header = _HEADER.match(raw)
            if header:
                parts: Loc = tuple(_unquote(p) for p in header.group(2).split("."))
                if header.group(1) == "[[":
                    self._lines.setdefault(parts, number)
                    index = counts.get(parts, 0)
                    counts[parts] = index + 1
                    table = (*parts, index)
                else:
                    table = parts
                self._lines.setdefault(table, number)
                continue
            key = _KEY.match(raw)
            if key:
                path = (*table, *(_unquote(p) for p in key.group(1).split(".")))
                self._lines.setdefault(path, number)
            for quotes in ('"""', "'''"):
                if raw.count(quotes) % 2 == 1:
                    in_string = quotes
                    break

    def line(self, loc: Loc) -> int | None:
        """Line of the deepest known prefix of loc, so a bad list element points at its key."""
        for end in range(len(loc), 0, -1):
            found = self._lines.get(tuple(loc[:end]))
            if found is not None:
                return found
        return None


def _unquote(part: str) -> str:
    part = part.strip()
    if len(part) >= 2 and part[0] == part[-1] and part[0] in "\"'":
        return part[1:-1]
    return part


def describe(loc: Loc, data: Any) -> str:
    """`items[3] "checkout".estimate`: a path a person can find, naming items by their id."""
    text = ""
    node: Any = data
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            if isinstance(node, Mapping):
                label = node.get("id", node.get("name"))
                if isinstance(label, str):
                    # Input text: escaped and short, as everything quoted back from a file.
                    text += f" {show(label)}"
        else:
            text += f".{part}" if text else part
            node = node.get(part) if isinstance(node, Mapping) else None
    return text


def _value_at(data: Any, loc: Loc) -> Any:
    node = data
    for part in loc:
        if isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node):
            node = node[part]
        elif isinstance(part, str) and isinstance(node, Mapping):
            node = node.get(part)
        else:
            return None
    return node


def read_toml(path: Path) -> tuple[dict[str, Any], KeyLines]:
    """Parse a TOML file; a missing, malformed, oversized or hostile file is an InputError."""
    try:
        raw = safefiles.read_bytes(path, limit=safefiles.MAX_TOML_BYTES)
    except FileNotFoundError:
        raise InputError.single(path, "", "file not found") from None
    except IsADirectoryError:
        raise InputError.single(
            path,
            "",
            "is a directory; expected a TOML file",
            hint="a folder stands for the spec.toml in it, and this one has none",
        ) from None
    except OSError as exc:
        raise InputError.single(path, "", f"cannot be read: {exc.strerror or exc}") from None
    try:
        # utf-8-sig: editors on Windows start files with a byte-order mark; it is not text.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError.single(
            path, "", f"is not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _malformed(path, text, str(exc)) from None
    except RecursionError:
        raise InputError.single(
            path,
            "",
            f"malformed TOML: nested more than {limits.MAX_DEPTH} levels deep",
            hint="no key of a proposal or team file nests this deep",
        ) from None
    lines = KeyLines(text)
    found = _Report(path, data, lines)
    for loc, message, hint in limits.check(data):
        found.add(loc, message, hint)
    _raise_if(found.problems)
    return data, lines


def _malformed(path: Path, text: str, error: str) -> InputError:
    position = _TOML_POSITION.search(error)
    reason = error[: position.start()] if position else error
    line: int | None = None
    if position and position.group(1):
        line = int(position.group(1))
        reason += f" at column {position.group(2)}"
    elif position:
        line = max(1, len(text.splitlines()))
        reason += " at the end of the file"
    reason = reason[:1].lower() + reason[1:]
    if reason.startswith("illegal character '\\n'"):
        # tomllib's words for a string that reaches the end of its line.
        reason = "the line ends inside a string"
        hint = "is a closing quote missing?"
    elif reason.startswith("unterminated string"):
        hint = "is a closing quote missing?"
    elif reason.startswith("invalid date"):
        hint = "a date must exist and be written YYYY-MM-DD, like 2027-01-04"
    elif reason.startswith(("cannot overwrite", "cannot declare")):
        hint = "a key or table is written twice"
    elif reason.startswith("unclosed array"):
        hint = "is a closing ] missing?"
    else:
        hint = 'text goes in "quotes"; numbers, dates (2027-01-04) and true/false go bare'
    return InputError.single(path, "", f"malformed TOML: {reason}", line=line, hint=hint)


# --- pydantic errors → problems ---------------------------------------------------------


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The pydantic model that owns the last key of loc, for did-you-mean on its fields."""
    current: type[BaseModel] = model
    keyed = False  # the part after a dict of tables ([scenarios.NAME]) is a name, not a key
    for part in loc:
        if isinstance(part, int) or keyed:
            keyed = False
            continue
        field = current.model_fields.get(part)
        if field is None:
            return None
        inner = _nested_model(field.annotation)
        if inner is None:
            return None
        keyed = get_origin(field.annotation) is dict
        current = inner
    return current


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


def _field_at(model: type[BaseModel], loc: Loc) -> FieldInfo | None:
    """The field that the last key of loc names, or None when loc ends in no known key."""
    if not loc or not isinstance(loc[-1], str):
        return None
    owner = _model_at(model, loc[:-1])
    return owner.model_fields.get(loc[-1]) if owner is not None else None


def _without_element(loc: Loc) -> Loc:
    """loc up to its last key: errors inside a list of plain values are about the list."""
    end = len(loc)
    while end and isinstance(loc[end - 1], int):
        end -= 1
    return loc[:end]


def _describe_field(field: FieldInfo | None) -> str | None:
    if field is None or not field.description:
        return None
    text = field.description.rstrip(".")
    return text[:1].lower() + text[1:]


def _table_list(field: FieldInfo | None) -> bool:
    """A field written as [[key]] tables (items, members)."""
    if field is None or get_origin(field.annotation) is not tuple:
        return False
    return _nested_model(field.annotation) is not None


def _bounds(metadata: Iterable[Any]) -> dict[str, float]:
    """The gt/ge/lt/le constraints among a field's metadata, nested FieldInfo included."""
    found: dict[str, float] = {}
    for entry in metadata:
        if isinstance(entry, FieldInfo):
            found.update(_bounds(entry.metadata))
            continue
        for name in ("gt", "ge", "lt", "le"):
            value = getattr(entry, name, None)
            if isinstance(value, int | float) and not isinstance(value, bool):
                found[name] = value
    return found


def _number(bounds: Mapping[str, float]) -> str:
    """A number's bounds in words: "a number in (0, 1]", "a number of 0 or more"."""
    low = f"({show(bounds['gt'])}" if "gt" in bounds else None
    low = f"[{show(bounds['ge'])}" if "ge" in bounds else low
    high = f"{show(bounds['lt'])})" if "lt" in bounds else None
    high = f"{show(bounds['le'])}]" if "le" in bounds else high
    if low and high:
        return f"a number in {low}, {high}"
    if low:
        return f"a number above {low[1:]}" if low[0] == "(" else f"a number of {low[1:]} or more"
    if high:
        return f"a number below {high[:-1]}" if high[-1] == ")" else f"a number up to {high[:-1]}"
    return "a number"


def _unwrap(annotation: Any, metadata: list[Any]) -> Any:
    """Strip Annotated and Optional, collecting constraints, down to the written type."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *extra = get_args(annotation)
            metadata.extend(extra)
        elif origin in (Union, types.UnionType):
            options = [a for a in get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


def _expected(annotation: Any, metadata: Iterable[Any] = ()) -> str | None:
    """What a value of this type looks like in TOML, in words."""
    collected = list(metadata)
    annotation = _unwrap(annotation, collected)
    origin = get_origin(annotation)
    if annotation is float or annotation is int:
        return _number(_bounds(collected))
    if annotation is str:
        return "text in quotes"
    if annotation is dt.date:
        return "a date like 2027-01-04"
    if origin is Literal:
        return "one of " + " or ".join(
            ", ".join(show(a) for a in get_args(annotation)).rsplit(", ", 1)
        )
    if origin is tuple:
        args = get_args(annotation)
        if len(args) == 2 and args[1] is Ellipsis:
            element = _unwrap(args[0], [])
            if element is str:
                return 'a list of names in quotes, like ["a", "b"]'
            if get_origin(element) is Literal:
                return "a list of values from " + ", ".join(show(a) for a in get_args(element))
            if element is dt.date:
                return "a list of dates, like [2027-01-01, 2027-12-24]"
            if get_origin(element) is tuple:
                return "a list of [first, last] day ranges, like [[2027-02-15, 2027-02-19]]"
    return None


def _number_hint(value: Any, bounds: Mapping[str, float]) -> str | None:
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return None
        return "write numbers without quotes"
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if is_number and bounds.get("le", bounds.get("lt")) == 1 and 1 < value <= 100:
        return f"a share, not a percentage: {show(value / 100)} is {show(value)} %"
    return None


def _date_problem(value: Any) -> tuple[str, str | None]:
    if isinstance(value, dt.datetime):
        return f"got {show(value)}; expected a date without a time, like 2027-01-04", None
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            if _ISO_DAY.fullmatch(value):
                return f"got {show(value)}, a day that does not exist; expected a real date", None
            return (
                f"got {show(value)}; expected a date like 2027-01-04",
                "write dates as YYYY-MM-DD, without quotes",
            )
        return f"got {show(value)} (text); expected a date", f"write it without quotes: {day}"
    return f"got {show(value)}; expected a date like 2027-01-04", None


def _wrong_value(
    model: type[BaseModel], loc: Loc, value: Any, error: Mapping[str, Any]
) -> tuple[str, str | None]:
    """Rewords an error pydantic worded as "got X; expected Y", with a hint where one helps."""
    field = _field_at(model, loc)
    kind = error["type"]
    if field is None:
        message = str(error["msg"])
        return f"got {show(value)}: {message[:1].lower()}{message[1:]}", None
    metadata: list[Any] = list(field.metadata)
    written = _unwrap(field.annotation, metadata)
    if written is dt.date:
        return _date_problem(value)
    if _table_list(field):
        if kind in _TOO_SHORT:
            return f"got {show(value)}; expected at least one [[{loc[-1]}]] table", None
        return f"got {show(value)}; expected [[{loc[-1]}]] tables", None
    expected = _expected(field.annotation, field.metadata) or str(error["msg"]).lower()
    if kind in _TOO_SHORT:
        expected = "non-empty " + expected if written is str else expected + ", not empty"
    hint = None
    if written is float:
        hint = _number_hint(value, _bounds(metadata))
    if hint is None and isinstance(value, str) and get_origin(written) is tuple:
        hint = f"write [{show(value)}] for a list of one"
    if hint is None and not _is_choice(written):
        # The description says what the key is for; a list of choices already says it all.
        hint = _describe_field(field)
    return f"got {show(value)}; expected {expected}", hint


def _is_choice(annotation: Any) -> bool:
    if get_origin(annotation) is Literal:
        return True
    args = get_args(annotation) if get_origin(annotation) is tuple else ()
    return len(args) == 2 and get_origin(args[0]) is Literal


def _unknown_key(
    model: type[BaseModel], loc: Loc, value: Any
) -> tuple[str, str | None, Loc | None]:
    """The message, hint and (when it is a slip for one) the field the unknown key meant."""
    key = str(loc[-1])
    if isinstance(value, Mapping):
        what = f"unknown table [{'.'.join(str(p) for p in loc if isinstance(p, str))}]"
    elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        what = f"unknown table [[{key}]]"
    else:
        what = f"unknown key `{key}`"
    owner = _model_at(model, loc[:-1])
    if owner is None:
        return what, None, None
    meant = closest(key, owner.model_fields)
    if meant is not None:
        return what, f"did you mean `{meant}`?", (*loc[:-1], meant)
    if len(loc) > 1 and key in model.model_fields:
        # Written under a [table] header, a top-level key becomes part of that table.
        table = ".".join(str(p) for p in loc[:-1] if isinstance(p, str))
        return what, f"move it above [{table}]: keys below a [table] header belong to it", (key,)
    known = ", ".join(f"`{k}`" for k in owner.model_fields)
    return what, f"known keys: {known}", None


def _problems_from_validation(
    exc: ValidationError, model: type[BaseModel], path: Path, data: Any, lines: KeyLines
) -> list[Problem]:
    errors = exc.errors()
    # A misspelt required key is one fault: report the unknown key, not also the missing one.
    meant_keys = {
        meant
        for error in errors
        if error["type"] == "extra_forbidden"
        for meant in [_unknown_key(model, tuple(error["loc"]), error["input"])[2]]
        if meant is not None
    }
    # pydantic counts only valid entries, so a list whose one entry is wrong is also "too
    # short"; the wrong entry is the fault.
    inside = {tuple(error["loc"])[:end] for error in errors for end in range(len(error["loc"]))}
    errors = [e for e in errors if not (e["type"] in _TOO_SHORT and tuple(e["loc"]) in inside)]
    report = _Report(path, data, lines)
    worded: set[Loc] = set()  # places already given a "got …; expected …" message
    reported: set[tuple[Loc, str]] = set()
    for error in errors:
        loc: Loc = tuple(error["loc"])
        kind = error["type"]
        place = loc
        hint: str | None = None
        if kind == INVALID:
            context = error.get("ctx") or {}
            message = str(context.get("message", error["msg"]))
            hint = str(context.get("hint") or "") or None
        elif kind == "extra_forbidden":
            message, hint, _ = _unknown_key(model, loc, error["input"])
        elif kind == "missing":
            if loc in meant_keys:
                continue
            field = _field_at(model, loc)
            hint = _describe_field(field)
            if _table_list(field):
                message, hint = f"no [[{loc[-1]}]] table; expected at least one", None
            elif field is not None and _nested_model(field.annotation) is not None:
                place = loc[:-1]
                message = f"missing table [{'.'.join(map(str, loc))}]"
            else:
                place = loc[:-1]
                message = f"missing key `{loc[-1]}`"
        else:
            # Two bad dates in one list are one wrong list: say so once, quoting the list.
            place = _without_element(loc)
            if place in worded:
                continue
            worded.add(place)
            value = error["input"] if place == loc else _value_at(data, place)
            message, hint = _wrong_value(model, place, value, error)
        if (place, message) in reported:
            continue
        reported.add((place, message))
        report.add(place, message, hint)
    return report.problems


def _validate(model: type[M], data: dict[str, Any], path: Path, lines: KeyLines) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(tuple(_problems_from_validation(exc, model, path, data, lines))) from None


# --- rules across fields and files --------------------------------------------------------


def _duplicates(values: Sequence[str]) -> list[tuple[int, int]]:
    """(index, index of its first occurrence) for every value seen before."""
    first: dict[str, int] = {}
    repeated = []
    for index, value in enumerate(values):
        if value in first:
            repeated.append((index, first[value]))
        else:
            first[value] = index
    return repeated


def _find_cycle(graph: Mapping[str, Sequence[str]]) -> list[str] | None:
    """A dependency cycle as [a, b, …, a], or None; iterative so deep chains cannot overflow."""
    state: dict[str, int] = {}  # 1: on the current path, 2: fully explored
    for root in graph:
        if state.get(root):
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = [root]
        state[root] = 1
        while stack:
            node, index = stack[-1]
            children = graph.get(node, ())
            if index < len(children):
                stack[-1] = (node, index + 1)
                child = children[index]
                if state.get(child) == 1:
                    return [*path[path.index(child) :], child]
                if not state.get(child):
                    state[child] = 1
                    stack.append((child, 0))
                    path.append(child)
            else:
                state[node] = 2
                stack.pop()
                path.pop()
    return None


class _Report:
    """Collects problems located in one file."""

    def __init__(self, path: Path, data: Any, lines: KeyLines) -> None:
        self.path, self.data, self.lines = path, data, lines
        self.problems: list[Problem] = []

    def add(self, loc: Loc, message: str, hint: str | None = None) -> None:
        self.problems.append(
            Problem(
                path=self.path,
                location=describe(loc, self.data),
                message=message,
                line=self.lines.line(loc),
                hint=hint,
            )
        )

    def first_use(self, loc: Loc) -> str:
        line = self.lines.line(loc)
        return describe(loc, self.data) + (f" on line {line}" if line is not None else "")


def check_spec(spec: Spec, path: Path, data: Any, lines: KeyLines) -> list[Problem]:
    """Cross-item rules pydantic cannot see: unique ids, known dependencies, no cycles."""
    report = _Report(path, data, lines)
    tables = [("items", i) for i in range(len(spec.items))]
    tables += [("deferred", i) for i in range(len(spec.deferred))]
    ids = [item.id for item in (*spec.items, *spec.deferred)]
    for index, first in _duplicates(ids):
        report.add(
            (*tables[index], "id"),
            f"duplicate id `{ids[index]}`, first used by {report.first_use(tables[first])}",
            "each item needs its own id",
        )
    if report.problems:
        # With two items of one id, every depends_on on it is ambiguous: fix the ids first.
        return report.problems
    deferred = {item.id for item in spec.deferred}
    planned = [item.id for item in spec.items]
    known = set(planned)  # a set: membership in a list made validation quadratic
    for index, item in enumerate(spec.items):
        loc: Loc = ("items", index, "depends_on")
        for dep in item.depends_on:
            if dep == item.id:
                report.add(loc, "the item depends on itself", f"remove `{dep}` from depends_on")
            elif dep in deferred:
                report.add(
                    loc,
                    f"`{dep}` is deferred, so it is not planned",
                    "move it back to [[items]] or drop the dependency",
                )
            elif dep not in known:
                report.add(
                    loc,
                    f"unknown item id `{dep}`",
                    did_you_mean(dep, planned) or "depends_on lists ids of [[items]]",
                )
    if not report.problems:
        cycle = _find_cycle({item.id: item.depends_on for item in spec.items})
        if cycle is not None:
            report.add(
                ("items", planned.index(cycle[0]), "depends_on"),
                "dependency cycle: " + " → ".join(cycle),
                "each depends on the next; remove one of these dependencies",
            )
    return report.problems


def check_risks(spec: Spec, path: Path, data: Any, lines: KeyLines) -> list[Problem]:
    """Risks need unique ids and must name planned items and skills some item needs."""
    report = _Report(path, data, lines)
    ids = [risk.id for risk in spec.risks]
    for index, first in _duplicates(ids):
        report.add(
            ("risks", index, "id"),
            f"duplicate risk id `{ids[index]}`, first used by {report.first_use(('risks', first))}",
            "each risk needs its own id",
        )
    planned = [item.id for item in spec.items]
    known = set(planned)
    deferred = {item.id for item in spec.deferred}
    skills = sorted({item.skill for item in spec.items if item.skill is not None})
    needed = set(skills)
    for index, risk in enumerate(spec.risks):
        for name in risk.items:
            if name in deferred:
                report.add(
                    ("risks", index, "items"),
                    f"`{name}` is deferred, so it is not planned",
                    "drop it from the risk's items",
                )
            elif name not in known:
                report.add(
                    ("risks", index, "items"),
                    f"unknown item id `{name}`",
                    did_you_mean(name, planned) or "items lists ids of [[items]]",
                )
        for skill in risk.skills:
            if skill not in needed:
                report.add(
                    ("risks", index, "skills"),
                    f"no item needs skill `{skill}`",
                    did_you_mean(skill, skills) or "skills: " + ", ".join(skills),
                )
    return report.problems


def _country_codes() -> set[str]:
    # The registry, not holidays.list_supported_countries(): that one builds every
    # country's calendar (about 90 ms), on every run.
    from holidays import registry

    return {entry[1] for entry in registry.COUNTRIES.values()}


def _country_code_for(name: str) -> str | None:
    """The ISO code of a country written by name ("Germany") or alpha-3 code ("DEU")."""
    from holidays import registry

    wanted = re.sub(r"[\s_-]", "", name).lower()
    for entry in registry.COUNTRIES.values():
        if len(entry) >= 3 and wanted in {
            entry[0].lower(),
            *(alias.lower() for alias in entry[2:]),
        }:
            return entry[1]
    return None


def _region_names(country: str) -> dict[str, str]:
    """Every spelling the holidays package takes for a region of country (code or local name)."""
    import holidays

    calendar = holidays.country_holidays(country)
    names: dict[str, str] = {code: code for code in calendar.subdivisions}
    names.update(getattr(calendar, "subdivisions_aliases", {}))
    return names


def _unknown_region(region: str, names: Mapping[str, str], codes: Sequence[str]) -> str | None:
    by_upper = {name.upper(): name for name in names}
    close = closest(region.upper(), by_upper)
    if close is not None:
        name = by_upper[close]
        code = names[name]
        return f"did you mean `{code}`?" if name == code else f"did you mean `{name}` (`{code}`)?"
    local = [name for name in names if name not in codes]
    if local:
        return f"local names work too, like `{local[0]}`"
    return None if codes else "remove region to use the national holidays"


def check_team(team: Team, path: Path, data: Any, lines: KeyLines) -> tuple[Team, list[Problem]]:
    """Team rules pydantic cannot see: unique names, a known holiday country and region.

    Returns the team with country and region spelt as the holidays package expects them.
    """
    report = _Report(path, data, lines)
    member_names = [member.name for member in team.members]
    for index, first in _duplicates(member_names):
        report.add(
            ("members", index, "name"),
            f"duplicate member name `{member_names[index]}`, "
            f"first used by {report.first_use(('members', first))}",
            "each member needs their own name",
        )
    calendar = team.calendar
    if calendar.country is None:
        if calendar.region is not None:
            report.add(
                ("calendar", "region"),
                "region given without country",
                'add the country, e.g. country = "DE"',
            )
        return team, report.problems
    supported = _country_codes()
    country = calendar.country.upper()
    if country not in supported:
        named = _country_code_for(calendar.country)
        report.add(
            ("calendar", "country"),
            f"unknown country `{calendar.country}`; expected an ISO 3166 code like DE",
            f"{calendar.country} is `{named}`"
            if named
            else did_you_mean(country, supported) or "see the holidays package for the list",
        )
        return team, report.problems
    region = calendar.region
    if region is not None:
        names = _region_names(country)
        code = {name.upper(): c for name, c in names.items()}.get(region.upper())
        if code is None:
            codes = [c for c, n in names.items() if c == n]
            shown = ", ".join(codes[:_REGIONS_SHOWN])
            if len(codes) > _REGIONS_SHOWN:
                shown += f", … ({len(codes)} in all)"
            report.add(
                ("calendar", "region"),
                f"unknown region `{region}` of {country}"
                + (f"; expected one of {shown}" if codes else ", which has no regions"),
                _unknown_region(region, names, codes),
            )
            return team, report.problems
        region = code
    settings = calendar.model_copy(update={"country": country, "region": region})
    assert isinstance(settings, CalendarSettings)
    return team.model_copy(update={"calendar": settings}), report.problems


def check_assignees(
    spec: Spec, team: Team, path: Path, data: Any, lines: KeyLines, team_path: Path
) -> list[Problem]:
    """Assignees must be members of the team and have the item's skill."""
    report = _Report(path, data, lines)
    members = {member.name: member for member in team.members}
    for index, item in enumerate(spec.items):
        if item.assignee is None:
            continue
        loc: Loc = ("items", index, "assignee")
        member = members.get(item.assignee)
        if member is None:
            report.add(
                loc,
                f"`{item.assignee}` is not a member in {team_path}",
                did_you_mean(item.assignee, members)
                or "members: " + ", ".join(f"`{name}`" for name in members),
            )
        elif item.skill is not None and item.skill not in member.skills:
            able = [m.name for m in team.members if item.skill in m.skills]
            report.add(
                loc,
                f"`{item.assignee}` lacks the skill `{item.skill}` this item needs",
                f"{item.assignee}'s skills in {team_path}: "
                + (", ".join(f"`{s}`" for s in member.skills) or "none")
                + f"; members with `{item.skill}`: "
                + (", ".join(able) or "none"),
            )
    return report.problems


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        raise InputError(tuple(problems))


def load_team(path: Path, root: Path | None = None) -> Team:
    """Read and check a team file; its history file must lie inside `root`.

    root: the repository the team file belongs to (default: the one holding it).
    """
    data, lines = read_toml(path)
    team = _validate(Team, data, path, lines)
    team, problems = check_team(team, path, data, lines)
    _raise_if(problems)
    if team.history is not None:
        # The history file is named relative to the team file; keep it found from anywhere.
        named = path.parent / team.history.file
        safefiles.confine(
            named,
            team.history.file,
            root if root is not None else safefiles.root_of(path),
            file=path,
            location="history.file",
            line=lines.line(("history", "file")),
        )
        history = team.history.model_copy(update={"file": str(named)})
        team = team.model_copy(update={"history": history})
    return team


def team_path_for(spec: Spec, spec_path: Path, override: Path | None) -> Path:
    """--team wins over the spec's `team` key, which is relative to the spec file."""
    if override is not None:
        return override
    return spec_path.parent / (spec.project.team or "team.toml")


def load_spec(path: Path) -> tuple[Spec, dict[str, Any], KeyLines]:
    """Read and check a spec file on its own (the team is checked separately)."""
    data, lines = read_toml(path)
    spec = _validate(Spec, data, path, lines)
    _raise_if(check_spec(spec, path, data, lines) or check_risks(spec, path, data, lines))
    return spec, data, lines


def _missing_team(spec: Spec, spec_path: Path, lines: KeyLines) -> InputError:
    resolved = team_path_for(spec, spec_path, None)
    if spec.project.team is not None:
        return InputError.single(
            spec_path,
            "project.team",
            f"team file `{resolved}` not found",
            line=lines.line(("project", "team")),
            hint="the path is relative to the spec file",
        )
    return InputError.single(
        resolved,
        "",
        "team file not found",
        hint=f"the default, beside {spec_path}: create it, set project.team or pass --team",
    )


def proposal_path(path: Path) -> Path:
    """A folder holding a spec.toml stands for that file: `estimate examples/webshop`."""
    inside = path / "spec.toml"
    return inside if path.is_dir() and inside.is_file() else path


def load(
    spec_path: Path | str, team_path: Path | str | None = None, *, root: Path | None = None
) -> Plan:
    """Load a proposal and its team into one validated Plan, or raise InputError.

    The spec and --team are the user's own files; the team file the spec names (and the
    history file the team names) must lie inside `root`, by default the repository that
    holds the spec (see safefiles).
    """
    spec_path = proposal_path(Path(spec_path))
    override = Path(team_path) if team_path is not None else None
    spec, data, lines = load_spec(spec_path)
    resolved = team_path_for(spec, spec_path, override)
    if override is None:
        root = root if root is not None else safefiles.root_of(spec_path)
        safefiles.confine(
            resolved,
            spec.project.team or "team.toml",
            root,
            file=spec_path,
            location="project.team",
            line=lines.line(("project", "team")),
        )
    if not resolved.exists():
        if override is not None:
            raise OptionError("team", "team file not found", path=override)
        raise _missing_team(spec, spec_path, lines)
    team = load_team(resolved, None if override is not None else root)
    variations = _Report(spec_path, data, lines)
    for loc, message, hint in scenarios.check(spec, team, str(resolved)):
        variations.add(loc, message, hint)
    _raise_if(check_assignees(spec, team, spec_path, data, lines, resolved) + variations.problems)
    return Plan(spec=spec, team=team)
