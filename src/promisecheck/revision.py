"""A compromise applied: the revised plan, and its spec (and team) as TOML files.

Deferred items move to `[[deferred]]` rather than disappearing, so the revised proposal
still records what was cut. The revised files are written beside each other and load on
their own; estimating them with the same seed gives the option's probability.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import tomli_w

from promisecheck.analysis import Compromise
from promisecheck.model import Member, Plan, Spec, Team


def revise(plan: Plan, option: Compromise) -> Plan:
    """The plan with one compromise applied."""
    spec, team = plan.spec, plan.team
    project = spec.project
    updates: dict[str, Any] = {}
    if option.deadline is not None:
        updates["deadline"] = option.deadline
    if option.start is not None:
        updates["start"] = option.start
    deferred = set(option.deferred)
    revised_spec = spec.model_copy(
        update={
            "project": project.model_copy(update=updates),
            "items": tuple(item for item in spec.items if item.id not in deferred),
            "deferred": spec.deferred + tuple(item for item in spec.items if item.id in deferred),
        }
    )
    allocations = dict(option.allocations)
    hours = dict(option.hours_per_day)
    members = [
        m.model_copy(
            update={
                "allocation": allocations.get(m.name, m.allocation),
                "hours_per_day": hours.get(m.name, m.hours_per_day),
            }
        )
        for m in team.members
    ]
    if option.new_members and option.skill is not None:
        members += [
            Member(
                name=f"New {option.skill} {k + 1}",
                skills=(option.skill,),
                rate=option.new_member_rate,
                joins=option.new_member_joins,
                ramp_up_weeks=team.hiring.ramp_up_weeks,
                ramp_up_speed=team.hiring.ramp_up_speed,
            )
            for k in range(option.new_members)
        ]
    return Plan(spec=revised_spec, team=team.model_copy(update={"members": tuple(members)}))


def changes_team(option: Compromise) -> bool:
    return bool(option.allocations or option.hours_per_day or option.new_members)


def spec_toml(spec: Spec, team_reference: str) -> str:
    data = spec.model_dump(mode="python", exclude_none=True, exclude_defaults=True)
    data["project"]["team"] = team_reference
    return tomli_w.dumps(data)


def team_toml(team: Team) -> str:
    return tomli_w.dumps(team.model_dump(mode="python", exclude_none=True, exclude_defaults=True))


def revised_files(
    plan: Plan, option: Compromise, output: Path, original_team: Path
) -> dict[Path, str]:
    """The files to write for `option`: the spec at `output`, and a team file beside it
    when the option changes the team (else the spec points at the original team file)."""
    revised = revise(plan, option)
    files: dict[Path, str] = {}
    if changes_team(option):
        team_path = output.with_name(output.stem + ".team.toml")
        files[team_path] = team_toml(revised.team)
        reference = team_path.name
    else:
        reference = Path(os.path.relpath(original_team.resolve(), output.resolve().parent)).as_posix()
    files[output] = spec_toml(revised.spec, reference)
    return dict(sorted(files.items(), key=lambda kv: kv[0] != output))
