"""--apply keeps the author's files: comments, order, number formats and scenarios survive,
only what the option changes is rewritten, and the result estimates as the menu claimed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import json
from pathlib import Path

from typer.testing import CliRunner

from promisecheck.assess.estimator import RunSettings
from promisecheck.cli import app
from promisecheck.commands.estimate import Applied, Apply, EstimateRequest, Refused, run
from promisecheck.errors import ExitCode

runner = CliRunner()

SPEC = """\
# The proposal, as its author wrote it.
[project]
name = "Small shop"   # what the client calls it
start = 2027-01-04
deadline = 2027-01-22
price = 20000         # quoted, whole euros
currency = "EUR"

[[items]]
id = "core"
skill = "dev"
estimate = [16, 24, 40]

[[items]]
id = "api"
skill = "dev"
estimate = [8, 16, 32]
depends_on = ["core"]

[[items]]
id = "ui"
skill = "web"
estimate = [16, 20, 36]
depends_on = ["api"]

[[items]]
id = "reports"
priority = "should"
skill = "dev"
estimate = [8, 12, 24]
depends_on = ["api"]

[[items]]
id = "search"
priority = "should"
skill = "dev"
estimate = [8, 16, 24]

[[items]]
id = "wishlist"       # nice to have
priority = "could"
skill = "web"
estimate = [12, 20, 32]

[[items]]
id = "themes"
priority = "could"
skill = "web"
estimate = [8, 12, 20]

[[risks]]
id = "theming"
probability = 0.2
extra_hours = 8
items = ["themes", "ui"]

[scenarios.lean]      # the client's own idea
defer = ["themes", "search"]

[scenarios.later]
deadline = 2027-02-05
"""

TEAM = """\
# Production's file.
[calendar]
hours_per_day = 8

[[members]]
name = "Dev"
skills = ["dev"]
rate = 100

[[members]]
name = "Web"
skills = ["web"]
allocation = 0.5      # half on another project
rate = 80
"""

ARGS = ["--trials", "400", "--seed", "3", "--as-of", "2027-01-01"]


def write(tmp_path: Path) -> Path:
    folder = tmp_path / "proposal"
    folder.mkdir()
    (folder / "spec.toml").write_text(SPEC, encoding="utf-8")
    (folder / "team.toml").write_text(TEAM, encoding="utf-8")
    return folder / "spec.toml"


def options(spec: Path) -> list[dict[str, object]]:
    result = runner.invoke(app, ["estimate", str(spec), *ARGS, "-f", "json", "--compromises"])
    menu = json.loads(result.stdout)["compromises"]
    found: list[dict[str, object]] = menu["options"]
    return found


def fresh(path: Path) -> dict[str, object]:
    result = runner.invoke(app, ["estimate", str(path), *ARGS, "-f", "json"])
    assert result.exit_code in (0, 1), result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_every_option_applied_estimates_as_claimed_and_keeps_the_file(tmp_path: Path) -> None:
    spec = write(tmp_path)
    menu = options(spec)
    assert {o["kind"] for o in menu} >= {"cut-scope", "add-hours", "move-date"}
    for number, claimed in enumerate(menu, start=1):
        out = tmp_path / f"revised-{number}.toml"
        applied = runner.invoke(
            app, ["estimate", str(spec), *ARGS, "--apply", str(number), "-o", str(out)]
        )
        assert applied.exit_code == 0, applied.stderr
        data = fresh(out)
        assert data["on_time_probability"] == claimed["on_time_probability"]
        margin = data["margin"]
        assert isinstance(margin, dict)
        assert round(margin["p50"], 2) == claimed["margin"]
        text = out.read_text(encoding="utf-8")
        for comment in ("# The proposal, as its author wrote it.", "# quoted, whole euros"):
            assert comment in text
        assert "price = 20000 " in text and "[scenarios.later]" in text
        assert "estimate = [16, 24, 40]" in text


def test_a_deferral_adjusts_the_scenario_naming_it_and_says_so(tmp_path: Path) -> None:
    spec = write(tmp_path)
    menu = options(spec)
    number = next(n for n, o in enumerate(menu, start=1) if o["kind"] == "cut-scope")
    deferred = menu[number - 1]["deferred"]
    assert isinstance(deferred, list) and "themes" in deferred
    out = tmp_path / "revised.toml"
    applied = runner.invoke(
        app, ["estimate", str(spec), *ARGS, "--apply", str(number), "-o", str(out)]
    )
    assert applied.exit_code == 0, applied.stderr
    assert "[scenarios.lean]" in applied.stderr
    text = out.read_text(encoding="utf-8")
    assert '[scenarios.lean]      # the client\'s own idea\ndefer = ["search"]' in text
    assert '[[deferred]]\nid = "themes"' in text
    assert 'items = ["ui"]' in text
    compared = runner.invoke(app, ["compare", str(out), "--trials", "200"])
    assert compared.exit_code == 0, compared.stderr


def test_a_team_change_names_only_who_changes_and_keeps_the_team_file(tmp_path: Path) -> None:
    spec = write(tmp_path)
    menu = options(spec)
    number = next(n for n, o in enumerate(menu, start=1) if o["kind"] == "add-hours")
    out = tmp_path / "revised.toml"
    applied = runner.invoke(
        app, ["estimate", str(spec), *ARGS, "--apply", str(number), "-o", str(out)]
    )
    assert applied.exit_code == 0, applied.stderr
    assert "from Web " in applied.stderr and "Dev" not in applied.stderr
    team = (tmp_path / "revised.team.toml").read_text(encoding="utf-8")
    changed = [
        line
        for line in difflib.ndiff(TEAM.splitlines(), team.splitlines())
        if line.startswith(("+ ", "- "))
    ]
    assert len(changed) == 2 and changed[0].startswith("- allocation = 0.5")
    assert changed[1].endswith("# half on another project")
    share = float(changed[1].split("=")[1].split("#")[0])
    assert round(share / 0.05, 9) == round(share / 0.05)
    assert 'team = "revised.team.toml"' in out.read_text(encoding="utf-8")


def request(spec: Path, number: int, output: Path, *, force: bool = False) -> EstimateRequest:
    """What `estimate SPEC --apply NUMBER -o OUTPUT` asks for, with ARGS' settings."""
    return EstimateRequest(
        spec=spec,
        settings=RunSettings(trials=400, seed=3),
        as_of=dt.date(2027, 1, 1),
        apply=Apply(number=number, output=output, force=force),
    )


def test_the_command_writes_the_chosen_option_and_exits_0(tmp_path: Path) -> None:
    spec = write(tmp_path)
    out = tmp_path / "revised.toml"
    outcome = run(request(spec.parent, 1, out))
    assert isinstance(outcome.applied, Applied) and outcome.applied.number == 1
    menu = outcome.assessment.compromises
    assert menu is not None and outcome.applied.option == menu.options[0]
    assert next(iter(outcome.applied.revision.files)) == out  # the spec first
    for path, text in outcome.applied.revision.files.items():
        assert path.read_text(encoding="utf-8") == text
    # Written, so the run succeeded, though the plan as it stands is below its target.
    assert outcome.assessment.verdict != "on-track" and outcome.exit_code == ExitCode.ON_TRACK


def test_the_command_refuses_without_writing_anything(tmp_path: Path) -> None:
    spec = write(tmp_path)
    original, team = spec.read_text(encoding="utf-8"), spec.parent / "team.toml"
    out = tmp_path / "revised.toml"
    beyond = run(request(spec, 99, out))
    count = len(beyond.assessment.compromises.options) if beyond.assessment.compromises else 0
    assert count and beyond.applied == Refused(number=99, reason="no-such-option")
    assert beyond.exit_code == ExitCode.INVALID_INPUT and not out.exists()
    for path in (spec, team):
        refused = run(request(spec, 1, path, force=True))
        assert refused.applied == Refused(number=1, reason="original-input", path=path)
    assert spec.read_text(encoding="utf-8") == original and team.read_text() == TEAM
    out.write_text("mine", encoding="utf-8")
    exists = run(request(spec, 1, out))
    assert exists.applied == Refused(number=1, reason="exists", path=out)
    assert out.read_text(encoding="utf-8") == "mine"
    assert isinstance(run(request(spec, 1, out, force=True)).applied, Applied)


def test_an_on_track_plan_needs_compromises_asked_for_to_apply_one(tmp_path: Path) -> None:
    spec = write(tmp_path)
    spec.write_text(SPEC.replace("deadline = 2027-01-22", "deadline = 2027-06-30"))
    out = tmp_path / "revised.toml"
    outcome = run(request(spec, 1, out))
    assert outcome.assessment.verdict == "on-track"
    assert outcome.applied == Refused(number=1, reason="on-track") and not out.exists()
    asked = run(dataclasses.replace(request(spec, 1, out), compromises=True))
    assert not isinstance(asked.applied, Refused) or asked.applied.reason != "on-track"


def test_each_refusal_is_worded_with_its_flags_and_exits_2(tmp_path: Path) -> None:
    spec = write(tmp_path)
    out = tmp_path / "revised.toml"

    def refused(*args: str) -> str:
        result = runner.invoke(app, ["estimate", str(spec), *ARGS, "--apply", *args])
        assert result.exit_code == ExitCode.INVALID_INPUT and result.stdout == ""
        return result.stderr

    count = len(options(spec))
    assert refused("99", "-o", str(out)) == (
        f"promisecheck: error: --apply 99: the menu has options 1 to {count}\n"
    )
    assert refused("1", "-o", str(spec), "--force") == (
        f"promisecheck: error: {spec}: is an original input; choose another --output\n"
    )
    out.write_text("mine", encoding="utf-8")
    assert refused("1", "-o", str(out)) == (
        f"promisecheck: error: {out}: already exists; use --force to overwrite it\n"
    )
    # The only web developer leaves before the work is there: nothing can help.
    team = TEAM.replace("allocation = 0.5      # half on another project", "leaves = 2027-01-05")
    (spec.parent / "team.toml").write_text(team, encoding="utf-8")
    assert refused("1", "-o", str(tmp_path / "new.toml")) == (
        "promisecheck: error: --apply 1: there is no compromise menu for this plan "
        "(No compromise can help until the reasons above are fixed.)\n"
    )
    spec.write_text(SPEC.replace("deadline = 2027-01-22", "deadline = 2027-06-30"))
    (spec.parent / "team.toml").write_text(TEAM, encoding="utf-8")
    assert refused("1", "-o", str(tmp_path / "new.toml")) == (
        "promisecheck: error: --apply 1: the plan is on track, no compromise is needed; "
        "add --compromises to see (and apply) its slack\n"
    )
    assert not (tmp_path / "new.toml").exists() and out.read_text(encoding="utf-8") == "mine"


def test_the_history_file_the_run_read_is_never_written_over(tmp_path: Path) -> None:
    spec = write(tmp_path)
    history = spec.parent / "history.csv"
    rows = "".join(f"{8 + k % 5},{9 + k % 7}\n" for k in range(24))  # 20 or more are read
    history.write_text("estimate_hours,actual_hours\n" + rows, encoding="utf-8")
    team = spec.parent / "team.toml"
    team.write_text(
        TEAM.replace("[[members]]", '[history]\nfile = "history.csv"\n\n[[members]]', 1)
    )
    outcome = run(request(spec, 1, history, force=True))
    assert outcome.applied == Refused(number=1, reason="original-input", path=history)
    assert history.read_text(encoding="utf-8") == "estimate_hours,actual_hours\n" + rows


def test_a_plan_written_where_its_team_file_is_out_of_reach_is_refused(tmp_path: Path) -> None:
    # Outside a repository a file may name only files in the folder of the file given, so
    # a spec written to a sibling folder could not read the team file it names.
    spec = write(tmp_path)
    number = next(n for n, o in enumerate(options(spec), start=1) if o["kind"] == "move-date")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = elsewhere / "revised.toml"
    outcome = run(request(spec, number, out))
    team = spec.parent / "team.toml"
    assert outcome.applied == Refused(number=number, reason="out-of-reach", path=team)
    assert outcome.exit_code == ExitCode.INVALID_INPUT and not out.exists()
    args = ["--apply", str(number), "-o", str(out)]
    result = runner.invoke(app, ["estimate", str(spec), *ARGS, *args])
    assert result.exit_code == ExitCode.INVALID_INPUT and result.stderr == (
        f"promisecheck: error: {team}: outside the repository (or folder) of --output, so the "
        "revised plan could not read it; write it inside the same repository\n"
    )
    # Where the team file can be reached from (here: the folder above it), it is written.
    assert isinstance(run(request(spec, number, tmp_path / "revised.toml")).applied, Applied)
    assert fresh(tmp_path / "revised.toml")["project"] == "Small shop"


def test_a_revised_team_whose_history_is_out_of_reach_is_refused(tmp_path: Path) -> None:
    spec = write(tmp_path)
    history = spec.parent / "history.csv"
    rows = "".join(f"{8 + k % 5},{9 + k % 7}\n" for k in range(24))
    history.write_text("estimate_hours,actual_hours\n" + rows, encoding="utf-8")
    (spec.parent / "team.toml").write_text(
        TEAM.replace("[[members]]", '[history]\nfile = "history.csv"\n\n[[members]]', 1)
    )
    menu = options(spec)
    number = next(n for n, o in enumerate(menu, start=1) if o["kind"] == "add-hours")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    outcome = run(request(spec, number, elsewhere / "revised.toml"))
    assert outcome.applied == Refused(number=number, reason="out-of-reach", path=history)
    assert not any(elsewhere.iterdir())
    beside = run(request(spec, number, spec.parent / "revised.toml"))
    assert isinstance(beside.applied, Applied) and len(beside.applied.revision.files) == 2


def test_a_plan_written_after_a_scenario_reads_back(tmp_path: Path) -> None:
    # After --scenario the files are written from the plan, not edited: the risk that named
    # an item the scenario defers forgets it (a file naming it would be refused), and a
    # team copy in another folder of the repository still finds its history file.
    (tmp_path / ".git").mkdir()
    spec = write(tmp_path)
    rows = "".join(f"{8 + k % 5},{9 + k % 7}\n" for k in range(24))
    (spec.parent / "history.csv").write_text("estimate_hours,actual_hours\n" + rows)
    (spec.parent / "team.toml").write_text(
        TEAM.replace("[[members]]", '[history]\nfile = "history.csv"\n\n[[members]]', 1)
    )
    lean = dataclasses.replace(request(spec, 1, tmp_path / "x.toml"), scenario="lean")
    menu = run(dataclasses.replace(lean, apply=None, compromises=True)).assessment.compromises
    assert menu is not None
    number = next(n for n, o in enumerate(menu.options, start=1) if o.kind == "add-hours")
    (tmp_path / "sub").mkdir()
    out = tmp_path / "sub" / "revised.toml"
    written = run(dataclasses.replace(lean, apply=Apply(number=number, output=out)))
    assert isinstance(written.applied, Applied)
    assert 'items = [\n    "ui",\n]' in out.read_text(encoding="utf-8")
    assert fresh(out)["history"] is not None
