"""`promisecheck init`: a commented spec.toml and team.toml to start a proposal from."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from promisecheck.errors import InputError, Problem

SPEC = "spec.toml"
TEAM = "team.toml"

_SPEC_TEMPLATE = """\
# The proposal: what we promise, to whom, by when, and the work behind it.
# Run:    promisecheck estimate {spec}
# Check:  promisecheck validate {spec}
# Editor completion (Taplo / Even Better TOML): run
#   promisecheck schema spec > spec.schema.json
# and make `#:schema ./spec.schema.json` the first line of this file.

[project]
name = "New website"            # the proposal, as the client knows it
client = "Example Ltd"          # optional: who the promise is made to
start = {start}              # first day production can work on it (a bare date)
deadline = {deadline}           # the promised date: done by the end of that day
target_confidence = 0.85        # optional (default 0.85): the odds that count as a kept promise
price = 24000                   # optional: quoted price, compared with the cost of the work
currency = "EUR"                # optional: currency of price and of the team's rates
# team = "team.toml"            # optional: the team file, relative to this one (this default)
# distribution = "pert"         # optional: "pert" (default) or "triangular"

# One [[items]] table per piece of scope. Keys:
#   id          unique name, used by depends_on
#   title       optional, for people
#   skill       who can do it: a skill of members in team.toml (optional with an assignee)
#   estimate    hours of work: a number (exact) or [low, likely, high]
#   priority    must | should | could (default must); higher priority starts first
#   depends_on  ids of items that must be finished before this one starts
#   assignee    optional: only this member does it

[[items]]
id = "design"
title = "Page designs"
skill = "design"
estimate = [16, 24, 40]

[[items]]
id = "setup"
title = "Hosting, CMS and deployment"
skill = "dev"
estimate = 12                   # done many times: exact

[[items]]
id = "pages"
title = "Build the pages"
skill = "dev"
estimate = [32, 48, 80]
depends_on = ["design", "setup"]

[[items]]
id = "contact-form"
title = "Contact form with e-mail notification"
skill = "dev"
estimate = [6, 8, 16]
priority = "should"
depends_on = ["setup"]

[[items]]
id = "launch"
title = "Content, review with the client, go-live"
estimate = [8, 12, 20]
depends_on = ["pages"]
assignee = "Robin"              # no skill needed when an assignee is named

# Variations to lay beside this proposal: `promisecheck compare {spec}` shows them all as
# columns; `promisecheck estimate {spec} --scenario NAME` runs one. Every key is optional:
#   defer        ids of items left out (and whatever depends on them)
#   deadline     another promised date;  start: another first day
#   add_members  people added, written like [[members]] in team.toml
#   estimates    new estimates by item id, like {{ pages = [40, 56, 96] }}

[scenarios.lean]
defer = ["contact-form"]

[scenarios.sooner]
deadline = {sooner}
"""

_TEAM_TEMPLATE = """\
# The team: when people work and who is on the project. Production keeps this file.
# Editor completion: `promisecheck schema team > team.schema.json`, then make
# `#:schema ./team.schema.json` the first line of this file.

[calendar]
workdays = ["mon", "tue", "wed", "thu", "fri"]  # default
hours_per_day = 8               # default: hours in a working day
focus = 0.8                     # share of working time that is project work (default 1.0)
holidays = []                   # days off for everyone, like [2027-12-24]
# country = "DE"                # optional: public holidays of this country (ISO code)
# region = "BY"                 # optional: its subdivision

# One [[members]] table per person. Keys:
#   name           unique, used by an item's assignee
#   skills         the item skills this person can work on
#   allocation     share of this person on the project, in (0, 1] (default 1.0)
#   hours_per_day  optional: overrides the calendar for this person
#   focus          optional: overrides the calendar for this person
#   rate           optional: cost per hour (cost and margin need a rate for everyone)
#   time_off       inclusive [first, last] day ranges off
#   joins, leaves  optional first and last day on the project

[[members]]
name = "Robin"
skills = ["design"]
allocation = 0.5                # shared with another project
rate = 85

[[members]]
name = "Sam"
skills = ["dev"]
rate = 90
time_off = [[{off_first}, {off_last}]]
"""


def next_monday(today: dt.date) -> dt.date:
    """The first Monday after today: a plausible start for a proposal written today."""
    return today + dt.timedelta(days=7 - today.weekday())


def starter_files(today: dt.date) -> dict[str, str]:
    """File name → text of a small proposal that starts next Monday and is on track."""
    start = next_monday(today)
    deadline = start + dt.timedelta(weeks=5, days=4)  # a Friday
    off_first = start + dt.timedelta(weeks=3)
    sooner = deadline - dt.timedelta(weeks=2)
    spec = _SPEC_TEMPLATE.format(spec=SPEC, start=start, deadline=deadline, sooner=sooner)
    team = _TEAM_TEMPLATE.format(off_first=off_first, off_last=off_first + dt.timedelta(days=1))
    return {SPEC: spec, TEAM: team}


def check_free(directory: Path) -> None:
    """Refuse to overwrite: every starter file must be absent, or nothing is written."""
    taken = [directory / name for name in (SPEC, TEAM) if (directory / name).exists()]
    if directory.exists() and not directory.is_dir():
        raise InputError.single(directory, "", "is a file; expected a directory for the starter")
    if taken:
        raise InputError(
            tuple(
                Problem(
                    path=path,
                    location="",
                    message="already exists; init never overwrites a file",
                    hint="choose another directory, or move the file away first",
                )
                for path in taken
            )
        )
