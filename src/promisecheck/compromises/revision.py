"""A compromise applied: the revised plan, and its spec (and team) as TOML files.

Deferred items move to `[[deferred]]` rather than disappearing, so the revised proposal
still records what was cut. The revised files are written beside each other and load on
their own; estimating them with the same seed gives the option's probability.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Collection, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w
import tomlkit

from promisecheck.assess.analysis import Compromise
from promisecheck.inputs.model import Member, Plan, Risk, Scenario, Spec, Team


def new_hires(
    team: Team, skill: str, count: int, joins: dt.date, rate: float | None
) -> tuple[Member, ...]:
    """People added for a skill, ramping up as `[hiring]` says; appended after the team."""
    return tuple(
        Member(
            name=f"New {skill} {k + 1}",
            skills=(skill,),
            rate=rate,
            joins=joins,
            ramp_up_weeks=team.hiring.ramp_up_weeks,
            ramp_up_speed=team.hiring.ramp_up_speed,
        )
        for k in range(count)
    )


def with_changes(
    plan: Plan,
    *,
    deferred: Collection[str] = (),
    deadline: dt.date | None = None,
    start: dt.date | None = None,
    allocations: Mapping[str, float] | None = None,
    hours_per_day: Mapping[str, float] | None = None,
    added: Sequence[Member] = (),
) -> Plan:
    """The plan with scope deferred, dates moved or capacity changed.

    Compromise searches evaluate exactly these plans, and --apply writes them, so what
    the menu claims is what a fresh estimate of the written files gives.
    """
    spec, team = plan.spec, plan.team
    updates: dict[str, Any] = {}
    if deadline is not None:
        updates["deadline"] = deadline
    if start is not None:
        updates["start"] = start
    revised_spec = spec.model_copy(update={"project": spec.project.model_copy(update=updates)})
    if deferred:
        revised_spec = _defer(revised_spec, set(deferred))
    if allocations or hours_per_day or added:
        shares, hours = allocations or {}, hours_per_day or {}
        members = tuple(
            m.model_copy(
                update={
                    "allocation": shares.get(m.name, m.allocation),
                    "hours_per_day": hours.get(m.name, m.hours_per_day),
                }
            )
            for m in team.members
        ) + tuple(added)
        team = team.model_copy(update={"members": members})
    return Plan(spec=revised_spec, team=team)


def _defer(spec: Spec, deferred: set[str]) -> Spec:
    """Move items to [[deferred]]; risks forget them, and scenarios forget them too (a
    scenario deferring an item that is already out has nothing left to defer of it)."""
    items = tuple(item for item in spec.items if item.id not in deferred)
    return spec.model_copy(
        update={
            "items": items,
            "deferred": spec.deferred + tuple(i for i in spec.items if i.id in deferred),
            "risks": _risks_without(spec.risks, deferred, {item.skill for item in items}),
            "scenarios": {
                name: _scenario_without(scenario, deferred)
                for name, scenario in spec.scenarios.items()
            },
        }
    )


def _risks_without(
    risks: tuple[Risk, ...], deferred: Collection[str], skills: Collection[str | None]
) -> tuple[Risk, ...]:
    """Risks that name no deferred item and no skill only deferred items need; a risk left
    with nothing to add hours to keeps only its delay, or goes."""
    kept = []
    for risk in risks:
        kept_items = tuple(i for i in risk.items if i not in deferred)
        kept_skills = tuple(s for s in risk.skills if s in skills)
        if risk.extra_hours is not None and not (kept_items or kept_skills):
            if risk.delay_days is None:
                continue
            risk = risk.model_copy(update={"extra_hours": None})
        kept.append(risk.model_copy(update={"items": kept_items, "skills": kept_skills}))
    return tuple(kept)


def _scenario_without(scenario: Scenario, deferred: set[str]) -> Scenario:
    return scenario.model_copy(
        update={
            "defer": tuple(i for i in scenario.defer if i not in deferred),
            "estimates": {k: v for k, v in scenario.estimates.items() if k not in deferred},
        }
    )


def revise(plan: Plan, option: Compromise) -> Plan:
    """The plan with one compromise applied."""
    added: tuple[Member, ...] = ()
    if option.new_members and option.skill is not None and option.new_member_joins is not None:
        added = new_hires(
            plan.team,
            option.skill,
            option.new_members,
            option.new_member_joins,
            option.new_member_rate,
        )
    return with_changes(
        plan,
        deferred=option.deferred,
        deadline=option.deadline,
        start=option.start,
        allocations=dict(option.allocations),
        hours_per_day=dict(option.hours_per_day),
        added=added,
    )


def changes_team(option: Compromise) -> bool:
    return bool(option.allocations or option.hours_per_day or option.new_members)


def spec_toml(spec: Spec, team_reference: str) -> str:
    data = spec.model_dump(mode="python", exclude_none=True, exclude_defaults=True)
    data["project"]["team"] = team_reference
    return tomli_w.dumps(data)


def team_toml(team: Team) -> str:
    return tomli_w.dumps(team.model_dump(mode="python", exclude_none=True, exclude_defaults=True))


@dataclass(frozen=True, kw_only=True)
class Revision:
    """The files `--apply` writes, and what it had to change beyond the option itself."""

    files: dict[Path, str]  # path → text; the spec first
    adjusted_scenarios: tuple[str, ...] = ()  # scenarios that named a deferred item


def revised_files(
    plan: Plan,
    option: Compromise,
    output: Path,
    original_team: Path,
    *,
    original_spec: Path | None = None,
) -> Revision:
    """The files to write for `option`: the spec at `output`, and a team file beside it
    when the option changes the team (else the spec points at the original team file).

    With `original_spec`, the author's files are edited in place of a copy: comments,
    order, number formats and scenarios are kept, and only what the option changes is
    written. Without it (a plan that is not one file, e.g. after --scenario), the files
    are written from the plan."""
    revised = revise(plan, option)
    team_out = output.with_name(output.stem + ".team.toml") if changes_team(option) else None
    team_target = team_out if team_out is not None else original_team
    reference = _relative(team_target, output.parent)
    if original_spec is None:
        # A scenario's deferrals are not cleaned from its risks (the engine skips them), but
        # a file that names a deferred item in a risk is refused when it is read back.
        spec = revised.spec
        out = {i.id for i in spec.deferred}
        risks = _risks_without(spec.risks, out, {item.skill for item in spec.items})
        files = {output: spec_toml(spec.model_copy(update={"risks": risks}), reference)}
        if team_out is not None:
            files[team_out] = team_toml(revised.team)
        return Revision(files=files)
    spec_doc = tomlkit.parse(original_spec.read_text(encoding="utf-8"))
    adjusted = _edit_spec(spec_doc, plan, option, revised)
    project = spec_doc["project"]
    assert isinstance(project, MutableMapping)
    current = project.get("team", "team.toml")
    if (output.parent / str(current)).resolve() != team_target.resolve():
        project["team"] = reference
    files = {output: tomlkit.dumps(spec_doc)}
    if team_out is not None:
        team_doc = tomlkit.parse(original_team.read_text(encoding="utf-8"))
        _edit_team(team_doc, option, revised, original_team.parent, team_out.parent)
        files[team_out] = tomlkit.dumps(team_doc)
    return Revision(files=files, adjusted_scenarios=adjusted)


def _relative(target: Path, folder: Path) -> str:
    """`target` as written from `folder`: relative when they share more than the root."""
    target, folder = target.resolve(), folder.resolve()
    if Path(os.path.commonpath([target, folder])) == Path(target.anchor):
        return target.as_posix()
    return Path(os.path.relpath(target, folder)).as_posix()


def _tables(doc: MutableMapping[str, Any], key: str) -> list[Any]:
    found = doc.get(key)
    return list(found) if isinstance(found, list) else []


def _edit_spec(
    doc: tomlkit.TOMLDocument, plan: Plan, option: Compromise, revised: Plan
) -> tuple[str, ...]:
    """Apply the option to the spec's document; the names of the scenarios adjusted."""
    project = doc["project"]
    assert isinstance(project, MutableMapping)
    for key, value in (("deadline", option.deadline), ("start", option.start)):
        if value is not None:
            project[key] = value
    deferred = set(option.deferred)
    if not deferred:
        return ()
    items = doc["items"]
    assert isinstance(items, list)
    moved = [table for table in items if table.get("id") in deferred]
    for k in reversed(range(len(items))):
        if items[k].get("id") in deferred:
            del items[k]
    if "deferred" not in doc:
        doc.append("deferred", tomlkit.aot())
    later = doc["deferred"]
    assert isinstance(later, list)
    for table in moved:
        later.append(table)
    _edit_risks(doc, revised)
    return _edit_scenarios(doc, deferred)


def _edit_risks(doc: tomlkit.TOMLDocument, revised: Plan) -> None:
    """Risks forget deferred items (and skills no kept item needs), as `with_changes` does."""
    kept = {risk.id: risk for risk in revised.spec.risks}
    risks = doc.get("risks")
    if not isinstance(risks, list):
        return
    for k in reversed(range(len(risks))):
        table = risks[k]
        risk = kept.get(table.get("id"))
        if risk is None:
            del risks[k]
            continue
        for key, values in (("items", risk.items), ("skills", risk.skills)):
            if key in table and list(table[key]) != list(values):
                if values:
                    table[key] = list(values)
                else:
                    del table[key]
        if risk.extra_hours is None and "extra_hours" in table:
            del table["extra_hours"]


def _edit_scenarios(doc: tomlkit.TOMLDocument, deferred: set[str]) -> tuple[str, ...]:
    """Scenarios are kept; one naming a deferred item forgets it (the item is already out)."""
    scenarios = doc.get("scenarios")
    if not isinstance(scenarios, MutableMapping):
        return ()
    adjusted = []
    for name, table in scenarios.items():
        changed = False
        if "defer" in table and deferred & set(table["defer"]):
            rest = [i for i in table["defer"] if i not in deferred]
            if rest:
                table["defer"] = rest
            else:
                del table["defer"]
            changed = True
        estimates = table.get("estimates")
        if isinstance(estimates, MutableMapping) and deferred & set(estimates):
            for item_id in [i for i in estimates if i in deferred]:
                del estimates[item_id]
            if not estimates:
                del table["estimates"]
            changed = True
        if changed:
            adjusted.append(str(name))
    return tuple(adjusted)


def _edit_team(
    doc: tomlkit.TOMLDocument, option: Compromise, revised: Plan, source: Path, target: Path
) -> None:
    """New allocations and hours on the members that change, new hires appended, and the
    history file still found from where the team file now lives."""
    allocations, hours = dict(option.allocations), dict(option.hours_per_day)
    for table in _tables(doc, "members"):
        name = table.get("name")
        if name in allocations:
            table["allocation"] = allocations[name]
        if name in hours:
            table["hours_per_day"] = hours[name]
    known = {str(t.get("name")) for t in _tables(doc, "members")}
    members = doc["members"]
    assert isinstance(members, list)
    for member in revised.team.members:
        if member.name not in known:
            data = member.model_dump(mode="python", exclude_none=True, exclude_defaults=True)
            data["skills"] = list(member.skills)
            data["ramp_up_weeks"] = member.ramp_up_weeks
            data["ramp_up_speed"] = member.ramp_up_speed
            table = tomlkit.table()
            for key, value in data.items():
                table[key] = value
            members.append(table)
    history = doc.get("history")
    if (
        isinstance(history, MutableMapping)
        and "file" in history
        and source.resolve() != target.resolve()
    ):
        history["file"] = _relative(source / str(history["file"]), target)
