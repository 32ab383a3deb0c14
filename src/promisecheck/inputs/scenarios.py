"""Scenarios ([scenarios.NAME] in spec.toml): their cross-checks, and a plan with one applied.

A scenario is a variation of the proposal, laid beside it by `compare`: less scope
(`defer`), other dates, more people (`add_members`), new estimates. Deferred items move to
the spec's `deferred`, as a compromise does, so the applied plan still records what was cut.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from promisecheck.errors import OptionError, did_you_mean
from promisecheck.inputs.model import Plan, Scenario, Spec, Team

Loc = tuple[str | int, ...]
# (where in spec.toml, what is wrong, a hint): loading turns these into located problems.
Finding = tuple[Loc, str, str | None]


def dependents(spec: Spec, ids: Collection[str]) -> list[str]:
    """ids and every planned item that depends on one of them, directly or not, in file order."""
    out = set(ids)
    changed = True
    while changed:
        changed = False
        for item in spec.items:
            if item.id not in out and any(dep in out for dep in item.depends_on):
                out.add(item.id)
                changed = True
    return [item.id for item in spec.items if item.id in out]


def check(spec: Spec, team: Team, team_path: str) -> list[Finding]:
    """What pydantic cannot see: ids that exist, a must item kept whole, dates in order."""
    findings: list[Finding] = []
    for name, scenario in spec.scenarios.items():
        findings += _check_one(spec, team, team_path, name, scenario)
    return findings


def _check_one(
    spec: Spec, team: Team, team_path: str, name: str, scenario: Scenario
) -> list[Finding]:
    at: Loc = ("scenarios", name)
    planned = [item.id for item in spec.items]
    by_id = {item.id: item for item in spec.items}
    already = {item.id for item in spec.deferred}
    findings: list[Finding] = []

    for item_id in scenario.defer:
        if item_id in already:
            findings.append(
                ((*at, "defer"), f"`{item_id}` is already deferred in this spec", "drop it here")
            )
        elif item_id not in by_id:
            hint = did_you_mean(item_id, planned) or "defer lists ids of [[items]]"
            findings.append(((*at, "defer"), f"unknown item id `{item_id}`", hint))
    wanted = [i for i in scenario.defer if i in by_id]
    for dependent in dependents(spec, wanted):
        if dependent in wanted or by_id[dependent].priority != "must":
            continue
        cause = next(i for i in wanted if dependent in dependents(spec, [i]))
        findings.append(
            (
                (*at, "defer"),
                f"`{cause}` cannot be deferred: the must item `{dependent}` depends on it",
                f"defer `{dependent}` too, or keep `{cause}`",
            )
        )
    if wanted and len(dependents(spec, wanted)) == len(planned):
        findings.append(((*at, "defer"), "defers every item", "a scenario keeps some scope"))

    for item_id in scenario.estimates:
        if item_id not in by_id:
            hint = did_you_mean(item_id, planned) or "estimates are keyed by item id"
            findings.append(((*at, "estimates", item_id), f"unknown item id `{item_id}`", hint))

    start = scenario.start or spec.project.start
    deadline = scenario.deadline or spec.project.deadline
    if deadline < start:
        key = "deadline" if scenario.deadline is not None else "start"
        findings.append(
            (
                (*at, key),
                f"the deadline {deadline} is before the start {start}",
                "a scenario's dates replace the project's; the start comes first",
            )
        )

    names = {member.name for member in team.members}
    for index, member in enumerate(scenario.add_members):
        if member.name in names:
            findings.append(
                (
                    (*at, "add_members", index, "name"),
                    f"`{member.name}` is already a member in {team_path}",
                    "give the added person another name",
                )
            )
        names.add(member.name)
    return findings


def apply(plan: Plan, name: str) -> Plan:
    """The plan with scenario `name` (checked by loading) applied, and no scenarios left."""
    spec = plan.spec
    scenario = spec.scenarios[name]
    cut = set(dependents(spec, scenario.defer))
    project = {
        key: value
        for key, value in (
            ("start", scenario.start),
            ("deadline", scenario.deadline),
            ("price", scenario.price),
        )
        if value is not None
    }
    items = tuple(
        item.model_copy(update={"estimate": scenario.estimates[item.id]})
        if item.id in scenario.estimates
        else item
        for item in spec.items
        if item.id not in cut
    )
    revised = spec.model_copy(
        update={
            "project": spec.project.model_copy(update=project),
            "items": items,
            "deferred": spec.deferred + tuple(item for item in spec.items if item.id in cut),
            "scenarios": {},
        }
    )
    team = plan.team.model_copy(update={"members": plan.team.members + scenario.add_members})
    return Plan(spec=revised, team=team)


def unknown_scenario(spec: Spec, name: str) -> str:
    """The message for a scenario name the spec does not define, with the names it does."""
    if not spec.scenarios:
        return f"{name}: this spec has no [scenarios.NAME] tables"
    known = ", ".join(f"`{n}`" for n in spec.scenarios)
    hint = did_you_mean(name, spec.scenarios)
    return f"{name}: unknown scenario ({hint or 'this spec has ' + known})"


def select(plan: Plan, name: str, spec_path: Path) -> Plan:
    """The plan with scenario `name` applied and named; an unknown name is an input error."""
    if name not in plan.spec.scenarios:
        raise OptionError("scenario", unknown_scenario(plan.spec, name), path=spec_path)
    applied = apply(plan, name)
    # The report then says which variation it is about.
    project = applied.spec.project
    named = project.model_copy(update={"name": f"{project.name} (scenario {name})"})
    return applied.model_copy(update={"spec": applied.spec.model_copy(update={"project": named})})
