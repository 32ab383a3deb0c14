"""TOML files → validated Plan; every failure becomes an InputError naming file, place and fix."""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from promisecheck.errors import InputError, Problem
from promisecheck.model import Plan, Spec, Team

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_\-.\s"']+?)\s*=""")


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest known word, when one is close enough to be a typo."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None


class KeyLines:
    """Finds the line of a key path in TOML text (tomllib keeps no positions)."""

    def __init__(self, text: str) -> None:
        self._lines: dict[Loc, int] = {}
        table: Loc = ()
        counts: dict[Loc, int] = {}
        for number, raw in enumerate(text.splitlines(), start=1):
            header = _HEADER.match(raw)
            if header:
                parts: Loc = tuple(_unquote(p) for p in header.group(2).split("."))
                if header.group(1) == "[[":
                    index = counts.get(parts, 0)
                    counts[parts] = index + 1
                    table = (*parts, index)
                else:
                    table = parts
                self._lines.setdefault(table, number)
                continue
            key = _KEY.match(raw)
            if key and not raw.lstrip().startswith("#"):
                path = (*table, *(_unquote(p) for p in key.group(1).split(".")))
                self._lines.setdefault(path, number)

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
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, Mapping):
                label = node.get("id", node.get("name"))
                if isinstance(label, str):
                    text += f' "{label}"'
        else:
            text += f".{part}" if text else part
            node = node.get(part) if isinstance(node, Mapping) else None
    return text


def read_toml(path: Path) -> tuple[dict[str, Any], KeyLines]:
    """Parse a TOML file; a missing or malformed file is an InputError, never a traceback."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError.single(path, "", "file not found") from None
    except IsADirectoryError:
        raise InputError.single(path, "", "is a directory; expected a TOML file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError.single(path, "", f"cannot be read: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"line (\d+)", message)
        raise InputError.single(
            path,
            "",
            f"malformed TOML: {message}",
            line=int(found.group(1)) if found else None,
            hint="dates are written bare (2027-01-04), strings in quotes, lists in [ ]",
        ) from None
    return data, KeyLines(text)


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The pydantic model that owns the last key of loc, for did-you-mean on its fields."""
    current: type[BaseModel] = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        if field is None:
            return None
        inner = _nested_model(field.annotation)
        if inner is None:
            return None
        current = inner
    return current


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


def _field_description(model: type[BaseModel], loc: Loc) -> str | None:
    keys = [p for p in loc if isinstance(p, str)]
    if not keys:
        return None
    owner = _model_at(model, loc[: max(i for i, p in enumerate(loc) if isinstance(p, str))])
    if owner is None:
        return None
    field = owner.model_fields.get(keys[-1])
    return field.description if field else None


def _problems_from_validation(
    exc: ValidationError, model: type[BaseModel], path: Path, data: Any, lines: KeyLines
) -> list[Problem]:
    problems: list[Problem] = []
    for error in exc.errors():
        loc: Loc = tuple(error["loc"])
        kind = error["type"]
        hint: str | None = None
        if kind == "extra_forbidden":
            key = str(loc[-1])
            owner = _model_at(model, loc[:-1])
            message = f"unknown key `{key}`"
            hint = did_you_mean(key, owner.model_fields) if owner else None
            if hint is None and owner is not None:
                hint = "known keys: " + ", ".join(f"`{k}`" for k in owner.model_fields)
        elif kind == "missing":
            message = f"missing key `{loc[-1]}`"
            hint = _field_description(model, loc)
        else:
            message = error["msg"].removeprefix("Value error, ")
            if kind in {"date_from_datetime_parsing", "date_parsing", "date_type"}:
                message = f"got {error['input']!r}; expected a date like 2027-01-04"
                hint = "write dates bare, without quotes"
            elif kind != "value_error":
                message = f"got {error['input']!r}: {message[:1].lower()}{message[1:]}"
                hint = _field_description(model, loc)
        problems.append(
            Problem(
                path=path,
                location=describe(loc, data),
                message=message,
                line=lines.line(loc),
                hint=hint,
            )
        )
    return problems


def _validate(model: type[M], data: dict[str, Any], path: Path, lines: KeyLines) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(tuple(_problems_from_validation(exc, model, path, data, lines))) from None


def _duplicates(values: Sequence[str]) -> list[int]:
    seen: set[str] = set()
    repeated = []
    for index, value in enumerate(values):
        if value in seen:
            repeated.append(index)
        seen.add(value)
    return repeated


def _find_cycle(graph: Mapping[str, Sequence[str]]) -> list[str] | None:
    """A dependency cycle as [a, b, …, a], or None; iterative so deep chains cannot overflow."""
    state: dict[str, int] = {}
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


def check_spec(spec: Spec, path: Path, data: Any, lines: KeyLines) -> list[Problem]:
    """Cross-item rules pydantic cannot see: unique ids, known dependencies, no cycles."""
    problems: list[Problem] = []

    def problem(loc: Loc, message: str, hint: str | None = None) -> None:
        problems.append(
            Problem(
                path=path,
                location=describe(loc, data),
                message=message,
                line=lines.line(loc),
                hint=hint,
            )
        )

    ids = [item.id for item in spec.items]
    for index in _duplicates(ids):
        problem(("items", index, "id"), f"duplicate id `{ids[index]}`", "each item needs its own id")
    deferred = {item.id for item in spec.deferred}
    known = set(ids)
    for index, item in enumerate(spec.items):
        for dep in item.depends_on:
            loc: Loc = ("items", index, "depends_on")
            if dep == item.id:
                problem(loc, f"`{item.id}` depends on itself")
            elif dep in deferred:
                problem(
                    loc,
                    f"depends on `{dep}`, which is deferred",
                    "move it back to [[items]] or drop the dependency",
                )
            elif dep not in known:
                problem(
                    loc,
                    f"unknown item id `{dep}`",
                    did_you_mean(dep, ids) or "depends_on lists ids of [[items]]",
                )
    if not problems:
        cycle = _find_cycle({item.id: item.depends_on for item in spec.items})
        if cycle is not None:
            start = ids.index(cycle[0])
            problem(
                ("items", start, "depends_on"),
                "dependency cycle: " + " → ".join(cycle),
                "remove one of these dependencies",
            )
    return problems


def check_team(team: Team, path: Path, data: Any, lines: KeyLines) -> list[Problem]:
    """Team rules pydantic cannot see: unique names, a known holiday country and region."""
    problems: list[Problem] = []
    names = [member.name for member in team.members]
    for index in _duplicates(names):
        loc: Loc = ("members", index, "name")
        problems.append(
            Problem(
                path=path,
                location=describe(loc, data),
                message=f"duplicate member name `{names[index]}`",
                line=lines.line(loc),
                hint="each member needs their own name",
            )
        )
    country = team.calendar.country
    if country is not None:
        import holidays

        supported: dict[str, list[str]] = holidays.list_supported_countries()
        if country.upper() not in supported:
            loc = ("calendar", "country")
            problems.append(
                Problem(
                    path=path,
                    location=describe(loc, data),
                    message=f"unknown country `{country}`; expected an ISO 3166 code like DE",
                    line=lines.line(loc),
                    hint=did_you_mean(country.upper(), supported),
                )
            )
        elif team.calendar.region is not None:
            regions = supported[country.upper()]
            if team.calendar.region.upper() not in [r.upper() for r in regions]:
                loc = ("calendar", "region")
                shown = ", ".join(regions[:12]) + (" …" if len(regions) > 12 else "")
                problems.append(
                    Problem(
                        path=path,
                        location=describe(loc, data),
                        message=f"unknown region `{team.calendar.region}` of {country.upper()}",
                        line=lines.line(loc),
                        hint=did_you_mean(team.calendar.region.upper(), regions)
                        or (f"known: {shown}" if regions else "this country has no regions"),
                    )
                )
    elif team.calendar.region is not None:
        loc = ("calendar", "region")
        problems.append(
            Problem(
                path=path,
                location=describe(loc, data),
                message="region given without country",
                line=lines.line(loc),
                hint="add country, e.g. country = \"DE\"",
            )
        )
    return problems


def check_assignees(
    spec: Spec, team: Team, path: Path, data: Any, lines: KeyLines
) -> list[Problem]:
    """Assignees must be members of the team and have the item's skill."""
    problems: list[Problem] = []
    members = {member.name: member for member in team.members}
    for index, item in enumerate(spec.items):
        if item.assignee is None:
            continue
        loc: Loc = ("items", index, "assignee")
        member = members.get(item.assignee)
        if member is None:
            problems.append(
                Problem(
                    path=path,
                    location=describe(loc, data),
                    message=f"assignee `{item.assignee}` is not in the team",
                    line=lines.line(loc),
                    hint=did_you_mean(item.assignee, members)
                    or "known members: " + ", ".join(members),
                )
            )
        elif item.skill is not None and item.skill not in member.skills:
            problems.append(
                Problem(
                    path=path,
                    location=describe(loc, data),
                    message=f"assignee `{item.assignee}` lacks skill `{item.skill}`",
                    line=lines.line(loc),
                    hint=f"{item.assignee} has: " + (", ".join(member.skills) or "no skills"),
                )
            )
    return problems


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        raise InputError(tuple(problems))


def load_team(path: Path) -> Team:
    """Read and check a team file."""
    data, lines = read_toml(path)
    if data.get("members") == []:
        raise InputError.single(
            path,
            "members",
            "the team has no members",
            line=lines.line(("members",)),
            hint="add at least one [[members]] table",
        )
    if "members" not in data:
        raise InputError.single(
            path, "members", "the team has no members", hint="add at least one [[members]] table"
        )
    team = _validate(Team, data, path, lines)
    _raise_if(check_team(team, path, data, lines))
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
    _raise_if(check_spec(spec, path, data, lines))
    return spec, data, lines


def load(spec_path: Path | str, team_path: Path | str | None = None) -> Plan:
    """Load a proposal and its team into one validated Plan, or raise InputError."""
    spec_path = Path(spec_path)
    spec, data, lines = load_spec(spec_path)
    resolved = team_path_for(spec, spec_path, Path(team_path) if team_path else None)
    if not resolved.exists():
        raise InputError.single(
            resolved,
            "",
            "team file not found",
            hint=f"referenced by {spec_path}"
            + (" (--team)" if team_path else " (project.team, default team.toml beside the spec)"),
        )
    team = load_team(resolved)
    _raise_if(check_assignees(spec, team, spec_path, data, lines))
    return Plan(spec=spec, team=team)
