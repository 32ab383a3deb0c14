"""The compiled engine: the native loop, else numba by size; the same schedules as numpy,
and numpy when neither loads."""

from __future__ import annotations

import datetime as dt
import math
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from conftest import make_plan
from promisecheck.assess.estimator import RunSettings
from promisecheck.engine import compiled
from promisecheck.engine.calendar import build_capacity
from promisecheck.engine.network import build_network
from promisecheck.engine.sampling import sample_efforts
from promisecheck.engine.simulate import SimulationResult, run_engine, run_parallel
from promisecheck.inputs.history import History
from promisecheck.inputs.model import Plan


def _plan() -> Plan:
    return make_plan(
        [
            {"id": "a", "skill": "x", "estimate": [4, 8, 30]},
            {"id": "b", "skill": "x", "estimate": [2, 6, 20], "priority": "could"},
            {"id": "c", "skill": "y", "estimate": [4, 8, 20], "depends_on": ["a"]},
            {"id": "d", "skill": "x", "estimate": [1, 3, 9], "assignee": "Ben"},
            {"id": "e", "skill": "y", "estimate": [8, 16, 40], "depends_on": ["b", "d"]},
        ],
        [
            {"name": "Ana", "skills": ["x", "y"]},
            {"name": "Ben", "skills": ["x"], "allocation": 0.5},
            {
                "name": "Cy",
                "skills": ["y"],
                "time_off": [(dt.date(2027, 1, 6), dt.date(2027, 1, 12))],
                "focus": 0.7,
            },
        ],
    )


def _run(trials: int = 600) -> SimulationResult:
    plan = _plan()
    items = plan.spec.items
    capacity = build_capacity(plan.team, plan.spec.project.start)
    efforts = sample_efforts(items, "pert", trials, 11)
    network = build_network(items, plan.team.members)
    return run_parallel(
        network, capacity, efforts, start_day=np.arange(trials) % 3, workers=2, order=None
    )


def _same(a: SimulationResult, b: SimulationResult) -> None:
    assert np.array_equal(a.start, b.start)
    assert np.array_equal(a.finish, b.finish)
    assert np.array_equal(a.member, b.member)


@pytest.fixture
def fresh_kernel() -> Iterator[None]:
    """Forget which loops loaded, before and after, so a test's failure stays its own."""
    compiled._STATE.clear()
    yield
    compiled._STATE.clear()


@pytest.fixture
def numba_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a machine where the native loop was not built (no C compiler at install)."""
    monkeypatch.setitem(compiled._STATE, "native", None)


def test_compiled_and_numpy_engines_give_the_same_schedules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(compiled.ENGINE_VARIABLE, "numpy")
    plain = _run()
    for loop in ("numba", "native"):
        monkeypatch.setenv(compiled.ENGINE_VARIABLE, loop)
        fast = _run()
        _same(plain, fast)
        assert (fast.member >= 0).all()


def test_progress_reaches_every_trial_on_the_compiled_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(compiled.ENGINE_VARIABLE, "compiled")
    plan = _plan()
    capacity = build_capacity(plan.team, plan.spec.project.start)
    efforts = sample_efforts(plan.spec.items, "pert", 1000, 2)
    seen: list[tuple[int, int]] = []
    run_parallel(
        build_network(plan.spec.items, plan.team.members),
        capacity,
        efforts,
        lambda done, total: seen.append((done, total)),
    )
    assert seen[-1] == (1000, 1000)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


@pytest.mark.parametrize(
    ("setting", "size", "expected"),
    [
        ("", compiled.COMPILED_MIN_SIZE - 1, False),
        ("", compiled.COMPILED_MIN_SIZE, True),
        ("numpy", 10**9, False),
        ("compiled", 1, True),
        ("Compiled ", 1, True),
    ],
)
def test_with_numba_alone_the_engine_is_chosen_by_size_unless_forced(
    monkeypatch: pytest.MonkeyPatch, numba_only: None, setting: str, size: int, expected: bool
) -> None:
    monkeypatch.setenv(compiled.ENGINE_VARIABLE, setting)
    monkeypatch.setattr(compiled, "_WORK", [0])
    assert compiled.wanted(size) is expected


def test_many_small_runs_add_up_to_the_compiled_engine(
    monkeypatch: pytest.MonkeyPatch, numba_only: None
) -> None:
    monkeypatch.delenv(compiled.ENGINE_VARIABLE, raising=False)
    monkeypatch.setattr(compiled, "_WORK", [0])
    quarter = compiled.COMPILED_MIN_SIZE // 4
    assert [compiled.wanted(quarter) for _ in range(5)] == [False, False, False, True, True]


def test_without_a_c_compiler_or_numba_the_numpy_engine_runs(
    monkeypatch: pytest.MonkeyPatch, fresh_kernel: None
) -> None:
    monkeypatch.setenv(compiled.ENGINE_VARIABLE, "numpy")
    plain = _run()
    monkeypatch.setenv(compiled.ENGINE_VARIABLE, "compiled")
    # None in sys.modules makes an import raise ImportError, as on a machine where the native
    # loop was not built (no C compiler at install) and numba is missing.
    monkeypatch.setitem(sys.modules, "promisecheck.engine._native", None)
    loop = compiled.kernel()
    assert loop is not None and loop.name == "numba"
    _same(plain, _run())
    compiled._STATE.clear()
    monkeypatch.setitem(sys.modules, "numba", None)
    monkeypatch.delitem(sys.modules, "promisecheck.engine._kernel", raising=False)
    assert compiled.kernel() is None
    _same(plain, _run())


def test_a_native_loop_built_from_other_constants_is_not_used(
    monkeypatch: pytest.MonkeyPatch, fresh_kernel: None
) -> None:
    stale = ModuleType("promisecheck.engine._native")
    vars(stale).update(DAY_SPAN=24.0, GRID=1.0, EPSILON_HOURS=0.0, AVAILABILITY_SLACK=0.0)
    monkeypatch.setitem(sys.modules, "promisecheck.engine._native", stale)
    monkeypatch.setenv(compiled.ENGINE_VARIABLE, "native")
    assert compiled.kernel() is None


def test_with_the_native_loop_every_run_is_compiled_and_numba_is_not_imported(
    tmp_path: Path,
) -> None:
    if compiled._get("native") is None:
        pytest.skip("the native loop was not built here (no C compiler at install)")
    shown = _fresh_process(
        "simulate(load('examples/webshop/spec.toml'), 20, 1)\n"
        "print(compiled.wanted(1), compiled.kernel().name, 'numba' in sys.modules)",
        tmp_path,
    )
    assert shown.split() == ["True", "native", "False"]


def test_the_native_loop_is_built_in_ci() -> None:
    """CI installs the README way on a machine with a C compiler: the loop must be there."""
    if not os.environ.get("CI"):
        pytest.skip("only required in CI")
    assert compiled._get("native") is not None


def test_a_loop_that_fails_to_build_falls_back_to_numpy(
    monkeypatch: pytest.MonkeyPatch, fresh_kernel: None
) -> None:
    monkeypatch.setenv(compiled.ENGINE_VARIABLE, "numpy")
    plain = _run()
    monkeypatch.setenv(compiled.ENGINE_VARIABLE, "numba")
    loop = compiled.kernel()
    assert loop is not None and loop.failures

    def broken(*_args: Any) -> None:
        raise loop.failures[0]("no backend")

    compiled._STATE["numba"] = compiled.Loop(name="numba", schedule=broken, failures=loop.failures)
    _same(plain, _run())
    assert compiled.kernel() is None


def test_run_engine_fills_the_given_result_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(compiled.ENGINE_VARIABLE, "compiled")
    plan = _plan()
    capacity = build_capacity(plan.team, plan.spec.project.start)
    efforts = sample_efforts(plan.spec.items, "pert", 40, 5)
    out = SimulationResult(
        efforts=efforts,
        start=np.zeros((40, 5)),
        finish=np.zeros((40, 5)),
        member=np.zeros((40, 5), dtype=np.int32),
    )
    result = run_engine(
        build_network(plan.spec.items, plan.team.members), capacity, efforts, out=out
    )
    assert result.finish is out.finish
    assert np.isfinite(out.finish).all()


def test_numba_cache_defaults_to_the_users_cache_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert compiled.cache_folder() == tmp_path / "promisecheck" / "numba"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert compiled.cache_folder() == Path.home() / ".cache" / "promisecheck" / "numba"


def _fresh_process(code: str, home: Path) -> str:
    """What `code` prints in a new interpreter (with sys, compiled, load and simulate
    imported), run from the repository with a bare environment."""
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\nfrom promisecheck.engine import compiled\n"
            "from promisecheck.inputs.loading import load\n"
            "from promisecheck.engine.simulate import simulate\n" + code,
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
        env={"PATH": "/usr/bin:/bin", "HOME": str(home)},
    )
    return probe.stdout.strip()


def test_a_small_estimate_never_imports_numba(tmp_path: Path) -> None:
    code = "simulate(load('examples/webshop/spec.toml'), 2000, 1)\nprint('numba' in sys.modules)"
    assert _fresh_process(code, tmp_path) == "False"


def test_engines_agree_on_a_larger_project_with_every_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    """60 items on 8 people (part-timers, time off, an assignee, long items), with release,
    presence, order and planning hours: the compiled loop equals the numpy engine."""
    rng = np.random.default_rng(4)
    skills = ["x", "y", "z"]
    members: list[dict[str, Any]] = [
        {
            "name": f"m{m}",
            "skills": [skills[m % 3], skills[(m + 1) % 3]] if m % 2 else [skills[m % 3]],
            "allocation": [1.0, 0.5, 0.8, 0.3][m % 4],
            **(
                {"time_off": [(dt.date(2027, 1, 11 + m), dt.date(2027, 1, 15 + m))]}
                if m % 3
                else {}
            ),
        }
        for m in range(8)
    ]
    items = []
    for i in range(60):
        low = int(rng.integers(2, 30))
        item: dict[str, Any] = {
            "id": f"i{i}",
            "skill": skills[i % 3],
            "estimate": [low, low * 2, low * 6],
            "priority": ["must", "should", "could"][int(rng.integers(0, 3))],
        }
        if i > 3:
            item["depends_on"] = sorted({f"i{int(k)}" for k in rng.integers(0, i, size=2)})
        if i % 17 == 5:
            item["assignee"] = next(m["name"] for m in members if skills[i % 3] in m["skills"])
        items.append(item)
    plan = make_plan(items, members)
    capacity = build_capacity(plan.team, plan.spec.project.start)
    trials = 300
    efforts = sample_efforts(plan.spec.items, "pert", trials, 9)
    network = build_network(plan.spec.items, plan.team.members)
    hooks: dict[str, Any] = {
        "release": np.where(rng.random(60) < 0.2, rng.integers(0, 20, 60) * 32.0 + 2.5, 0.0),
        "present": rng.random((trials, 60)) < 0.9,
        "order": rng.integers(0, 5, 60),
        "planning": efforts.mean(axis=0) * rng.uniform(0.5, 1.5, 60),
    }
    results = []
    for engine in ("numpy", "numba", "native"):
        monkeypatch.setenv(compiled.ENGINE_VARIABLE, engine)
        results.append(
            run_parallel(network, capacity, efforts, start_day=np.arange(trials) % 4, **hooks)
        )
    _same(results[0], results[1])
    _same(results[0], results[2])


def test_expected_work_moves_the_next_small_run_to_the_compiled_engine(
    monkeypatch: pytest.MonkeyPatch, numba_only: None
) -> None:
    monkeypatch.delenv(compiled.ENGINE_VARIABLE, raising=False)
    monkeypatch.setattr(compiled, "_WORK", [0])
    assert compiled.wanted(1000) is False
    compiled.expect(compiled.COMPILED_MIN_SIZE // 2)
    assert compiled.wanted(1000) is False  # what is expected does not reach the threshold
    compiled.expect(compiled.COMPILED_MIN_SIZE)
    assert compiled.wanted(1000) is True


def test_the_compromise_menu_runs_its_variants_on_the_compiled_engine(
    monkeypatch: pytest.MonkeyPatch, numba_only: None
) -> None:
    from promisecheck.commands.estimate import estimate_plan

    monkeypatch.delenv(compiled.ENGINE_VARIABLE, raising=False)
    monkeypatch.setattr(compiled, "_WORK", [0])
    sizes: list[bool] = []
    original = compiled.wanted

    def spy(size: int) -> bool:
        sizes.append(original(size))
        return sizes[-1]

    monkeypatch.setattr(compiled, "wanted", spy)
    plan = _plan()
    estimate_plan(plan, RunSettings(trials=400, seed=1), compromises=True)
    # The estimate itself is small, but a menu was asked for: it runs compiled as well.
    assert len(sizes) > 1 and all(sizes)


@pytest.mark.parametrize(
    ("deadline", "trials", "likely"),
    [
        (dt.date(2027, 1, 8), 2000, True),  # about 1 % on time: the menu will follow
        (dt.date(2027, 6, 30), 2000, False),  # on track: no menu
        (dt.date(2027, 1, 8), 999, False),  # too few trials to spare a pilot
    ],
)
def test_a_pilot_of_the_first_trials_tells_whether_the_menu_will_follow(
    monkeypatch: pytest.MonkeyPatch, numba_only: None, deadline: dt.date, trials: int, likely: bool
) -> None:
    from promisecheck.commands.estimate import PILOT_TRIALS, estimate_plan, menu_likely

    monkeypatch.delenv(compiled.ENGINE_VARIABLE, raising=False)
    monkeypatch.setattr(compiled, "_WORK", [0])
    choices: list[tuple[int, bool]] = []
    original = compiled.wanted

    def spy(size: int) -> bool:
        choices.append((size, original(size)))
        return choices[-1][1]

    monkeypatch.setattr(compiled, "wanted", spy)
    plan = _plan()
    plan = plan.model_copy(
        update={
            "spec": plan.spec.model_copy(
                update={"project": plan.spec.project.model_copy(update={"deadline": deadline})}
            )
        }
    )
    settings: RunSettings[History] = RunSettings(trials=trials, seed=1)
    assert menu_likely(plan, settings) is likely
    monkeypatch.setattr(compiled, "_WORK", [0])
    choices.clear()
    assessment = estimate_plan(plan, settings, compromises=None)
    items = len(plan.spec.items)
    piloted = trials >= 2 * PILOT_TRIALS
    if piloted:
        assert choices[0] == (PILOT_TRIALS * items, False)
    assert choices[int(piloted)] == (trials * items, likely)  # the estimate's own run
    if likely:
        assert all(chosen for _, chosen in choices[1:])  # and every variant of the menu
    # The guess chooses an engine, never a number.
    assert assessment.on_time_probability == estimate_plan(plan, settings).on_time_probability


def test_no_pilot_when_the_run_is_compiled_whatever_the_guess(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from promisecheck.commands.estimate import menu_likely

    monkeypatch.delenv(compiled.ENGINE_VARIABLE, raising=False)
    plan = _plan()
    late = plan.spec.project.model_copy(update={"deadline": dt.date(2027, 1, 8)})
    plan = plan.model_copy(update={"spec": plan.spec.model_copy(update={"project": late})})
    monkeypatch.setitem(compiled._STATE, "native", None)
    assert menu_likely(plan, RunSettings(trials=1000, seed=1)) is True  # numba alone: a guess
    assert menu_likely(plan, RunSettings(trials=999, seed=1)) is False  # too few to spare
    trials = compiled.COMPILED_MIN_SIZE // len(plan.spec.items)
    assert menu_likely(plan, RunSettings(trials=trials, seed=1)) is False  # large enough
    for forced in ("native", "numba", "compiled", "numpy"):  # the engine does not depend on it
        monkeypatch.setenv(compiled.ENGINE_VARIABLE, forced)
        assert menu_likely(plan, RunSettings(trials=2000, seed=1)) is False
    monkeypatch.delitem(compiled._STATE, "native")
    monkeypatch.delenv(compiled.ENGINE_VARIABLE)
    if compiled._get("native") is not None:  # built here: no guess either
        assert menu_likely(plan, RunSettings(trials=2000, seed=1)) is False


def test_clearly_below_is_three_standard_errors_under_the_target() -> None:
    from promisecheck.commands.estimate import clearly_below

    # At 0.85 over 500 trials one standard error is 0.01597: the line is at 0.80209.
    assert clearly_below(0.802, 0.85, 500) is True
    assert clearly_below(0.8022, 0.85, 500) is False
    assert clearly_below(0.84, 0.85, 500_000) is True  # more trials, a narrower margin
    edge = 0.5 - 3 * math.sqrt(0.25 / 500)
    assert clearly_below(edge, 0.5, 500) is False  # on the line is not below it


def test_compare_counts_all_its_versions_before_the_first_run(
    monkeypatch: pytest.MonkeyPatch, numba_only: None
) -> None:
    from promisecheck.assess.estimator import RunSettings
    from promisecheck.commands.compare import Version, compare

    monkeypatch.delenv(compiled.ENGINE_VARIABLE, raising=False)
    monkeypatch.setattr(compiled, "_WORK", [0])
    choices: list[bool] = []
    original = compiled.wanted

    def spy(size: int) -> bool:
        choices.append(original(size))
        return choices[-1]

    monkeypatch.setattr(compiled, "wanted", spy)
    plan = _plan()
    items = len(plan.spec.items)
    # Each version alone stays below the threshold; the three together reach it.
    trials = compiled.COMPILED_MIN_SIZE // (3 * items) + 1
    assert trials * items < compiled.COMPILED_MIN_SIZE
    versions = [Version(label=name, plan=plan) for name in ("a", "b", "c")]
    compare(versions, RunSettings(trials=trials, seed=1))
    assert choices[:3] == [True, True, True]


def _native_arguments(monkeypatch: pytest.MonkeyPatch) -> tuple[Any, tuple[Any, ...], int]:
    """The native loop and the arguments one run passes it (efforts first, outputs last)."""
    loop = compiled._get("native")
    if loop is None:
        pytest.skip("the native loop was not built here (no C compiler at install)")
    captured: list[compiled.Schedule] = []
    monkeypatch.setattr(
        compiled.Schedule, "run_all", lambda self, trials, workers, progress: captured.append(self)
    )
    monkeypatch.setenv(compiled.ENGINE_VARIABLE, "native")
    _run(40)
    schedule = captured[0]
    return loop, (*schedule.args, *schedule.out), 40


def test_the_native_loop_refuses_arrays_that_would_take_it_outside_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """It trusts compiled.Schedule, but a mistake there must be an error, not a stray write."""
    loop, arguments, trials = _native_arguments(monkeypatch)
    loop.schedule(0, trials, *arguments)  # as given, it runs
    start, finish, member = arguments[-3:]
    assert np.isfinite(finish).all() and (member >= 0).all()
    with pytest.raises(ValueError, match="inconsistent"):
        loop.schedule(0, trials + 1, *arguments)  # past the last trial
    with pytest.raises(ValueError, match="inconsistent"):
        loop.schedule(5, 4, *arguments)
    with pytest.raises(ValueError, match="inconsistent"):
        loop.schedule(0, trials, *arguments[:-3], start[:-1], finish, member)
    with pytest.raises(TypeError, match="efforts"):
        loop.schedule(0, trials, arguments[0].astype(np.float32), *arguments[1:])
    with pytest.raises(TypeError, match="member_of"):
        loop.schedule(0, trials, *arguments[:-1], member.astype(np.int64))
    with pytest.raises((ValueError, BufferError)):
        loop.schedule(0, trials, arguments[0][:, ::2], *arguments[1:])  # not contiguous
    readonly = finish.copy()
    readonly.setflags(write=False)
    with pytest.raises((ValueError, BufferError, TypeError)):
        loop.schedule(0, trials, *arguments[:-2], readonly, member)
