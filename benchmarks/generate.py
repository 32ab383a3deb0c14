"""Generate synthetic proposals (spec.toml + team.toml) of a given size, for benchmarks."""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

import tomli_w

SKILLS = ("design", "frontend", "backend", "qa", "data", "devops")


def generate(
    items: int, members: int, seed: int = 1, deadline_weeks: int | None = None
) -> tuple[dict, dict]:
    """A spec and a team: layered dependencies, mixed priorities, part-timers, time off."""
    rng = random.Random(seed)
    start = dt.date(2027, 1, 4)
    team_members = []
    for m in range(members):
        skills = rng.sample(SKILLS, k=rng.choice((1, 1, 2)))
        member: dict = {"name": f"member-{m:03d}", "skills": skills}
        if rng.random() < 0.3:
            member["allocation"] = rng.choice((0.5, 0.6, 0.8))
        if rng.random() < 0.3:
            first = start + dt.timedelta(days=rng.randrange(10, 120))
            member["time_off"] = [[first, first + dt.timedelta(days=rng.randrange(2, 10))]]
        if rng.random() < 0.1:
            member["joins"] = start + dt.timedelta(days=rng.randrange(5, 40))
        team_members.append(member)
    for skill in SKILLS:  # every skill has someone
        if not any(skill in m["skills"] for m in team_members):
            team_members[rng.randrange(members)]["skills"].append(skill)
    spec_items = []
    for i in range(items):
        likely = rng.choice((4, 8, 12, 16, 24, 32, 40))
        item: dict = {
            "id": f"item-{i:04d}",
            "skill": rng.choice(SKILLS),
            "estimate": [likely * 0.75, likely, likely * rng.choice((1.5, 2, 3))],
            "priority": rng.choices(("must", "should", "could"), weights=(6, 3, 1))[0],
        }
        if i and rng.random() < 0.7:
            window = max(1, min(i, 30))
            deps = {
                f"item-{rng.randrange(i - window, i):04d}" for _ in range(rng.choice((1, 1, 2, 3)))
            }
            item["depends_on"] = sorted(deps)
        if rng.random() < 0.05:
            holder = rng.choice([m for m in team_members if item["skill"] in m["skills"]])
            item["assignee"] = holder["name"]
        spec_items.append(item)
    total = sum(sum(it["estimate"]) / 3 for it in spec_items)
    weeks = deadline_weeks or max(2, int(total / (members * 40 * 0.8)))
    spec = {
        "project": {
            "name": f"Generated {items} items / {members} members",
            "start": start,
            "deadline": start + dt.timedelta(weeks=weeks),
            "price": round(total * 100),
            "currency": "EUR",
        },
        "items": spec_items,
    }
    team = {"calendar": {"focus": 0.85, "country": "DE"}, "members": team_members}
    for member in team_members:
        member["rate"] = rng.choice((70, 85, 95, 110))
    return spec, team


def write(directory: Path, items: int, members: int, seed: int = 1) -> Path:
    spec, team = generate(items, members, seed)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "spec.toml").write_bytes(tomli_w.dumps(spec).encode())
    (directory / "team.toml").write_bytes(tomli_w.dumps(team).encode())
    return directory / "spec.toml"


def write_portfolio(
    directory: Path, commitments: int = 10, items: int = 25, members: int = 12, deals: int = 1
) -> tuple[Path, list[Path]]:
    """A portfolio.toml with `commitments` specs of `items` items on one team of `members`,
    starting a week apart, and `deals` new deals of the same size (not in the portfolio)."""
    directory.mkdir(parents=True, exist_ok=True)
    _, team = generate(items, members, seed=1)
    (directory / "team.toml").write_bytes(tomli_w.dumps(team).encode())

    def one(name: str, seed: int, week: int) -> str:
        spec, _ = generate(items, members, seed=seed, deadline_weeks=8 + commitments // 2)
        start = spec["project"]["start"] + dt.timedelta(weeks=week)
        spec["project"].update(
            name=name, start=start, deadline=start + dt.timedelta(weeks=8 + commitments // 2)
        )
        spec["project"]["team"] = "../team.toml"
        for item in spec["items"]:  # assignees were drawn from another team
            item.pop("assignee", None)
        (directory / name).mkdir(exist_ok=True)
        (directory / name / "spec.toml").write_bytes(tomli_w.dumps(spec).encode())
        return f"{name}/spec.toml"

    keys = [one(f"commitment-{k:02d}", 100 + k, k) for k in range(commitments)]
    entries = [{"spec": key} for key in keys]
    for k in range(1, commitments, 4):
        entries[k].update(status="tentative", win_probability=0.5)
    portfolio = {"team": "team.toml", "as_of": dt.date(2027, 1, 4), "commitments": entries}
    (directory / "portfolio.toml").write_bytes(tomli_w.dumps(portfolio).encode())
    deal_paths = [directory / one(f"deal-{k:02d}", 500 + k, 2 + k % 4) for k in range(deals)]
    return directory / "portfolio.toml", deal_paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(write(args.directory, args.items, args.members, args.seed))


if __name__ == "__main__":
    main()
