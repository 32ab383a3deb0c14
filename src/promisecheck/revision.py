"""A compromise applied: the revised plan, and its spec (and team) as TOML files.

Deferred items move to `[[deferred]]` rather than disappearing, so the revised proposal
still records what was cut. The revised files are written beside each other and load on
their own; estimating them with the same seed gives the option's probability.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

import tomli_w

from promisecheck.analysis import Compromise
from promisecheck.model import Member, Plan, Spec, Team


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
    """Move items to [[deferred]]; risks forget them, and scenarios (written for the full
    scope) are dropped, since they may name what is no longer planned."""
    items = tuple(item for item in spec.items if item.id not in deferred)
    skills = {item.skill for item in items}
    risks = []
    for risk in spec.risks:
        kept_items = tuple(i for i in risk.items if i not in deferred)
        kept_skills = tuple(s for s in risk.skills if s in skills)
        if risk.extra_hours is not None and not (kept_items or kept_skills):
            if risk.delay_days is None:
                continue
            risk = risk.model_copy(update={"extra_hours": None})
        risks.append(risk.model_copy(update={"items": kept_items, "skills": kept_skills}))
    return spec.model_copy(
        update={
            "items": items,
            "deferred": spec.deferred + tuple(i for i in spec.items if i.id in deferred),
            "risks": tuple(risks),
            "scenarios": {},
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
        reference = Path(
            os.path.relpath(original_team.resolve(), output.resolve().parent)
        ).as_posix()
    files[output] = spec_toml(revised.spec, reference)
    return dict(sorted(files.items(), key=lambda kv: kv[0] != output))
