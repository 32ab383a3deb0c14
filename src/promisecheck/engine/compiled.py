"""The compiled engine: a build of the reference loop, when one can be had, else None.

Two builds of the same loop, tried in this order:
- `_native`, the loop in C, compiled at install when a C compiler is at hand. It loads in a
  millisecond, so every run uses it, however small.
- `_kernel`, the loop for numba. numba is imported here lazily, on the first run large
  enough to pay its import and the load of its cached machine code (about half a second;
  see `wanted`), so `--version`, `--help` and small projects never pay it. The machine code
  is cached on disk (`NUMBA_CACHE_DIR`, by default under the user's cache folder), so only
  the first run on a machine compiles.
Where neither can be loaded, callers use the numpy engine. All three give the same
schedules, bit for bit.
"""

from __future__ import annotations

import importlib
import os
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from promisecheck.engine.calendar import DAY_SPAN, EPSILON_HOURS, GRID
from promisecheck.engine.reference import AVAILABILITY_SLACK

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Progress = Callable[[int, int], None]

# `PROMISECHECK_ENGINE`: "numpy" always uses the numpy engine; "native" or "numba" that
# build of the loop (numpy where it cannot be loaded); "compiled" the first build that loads,
# whatever the size. Anything else (or unset) chooses: the native loop when it was built,
# else numba by size.
ENGINE_VARIABLE = "PROMISECHECK_ENGINE"
# Below this many item-trials the numpy engine finishes before numba is imported and its
# cached loop loaded (about 0.4 s): the web shop (28 items × 10 000 trials) stays on numpy
# when only numba is at hand. Measured end to end on generated projects: 28 items / 6 people
# the two tie, 40 items / 8 people (400 000) numpy takes 1.8 s and numba 1.0 s, 90 / 12
# 5.7 s and 1.4 s.
COMPILED_MIN_SIZE = 300_000
# Trials per call into the compiled loop: progress is reported between calls.
_CHUNK = 256

_LOCK = threading.Lock()
_WORK = [0]  # item-trials scheduled in this process


@dataclass(frozen=True)
class Loop:
    """A build of the compiled loop: its schedule function, and the errors that mean it
    could not be built or loaded after all (the numpy engine then takes over)."""

    name: str  # "native" or "numba"
    schedule: Callable[..., None]
    failures: tuple[type[BaseException], ...]


_STATE: dict[str, Loop | None] = {}


def cache_folder() -> Path:
    """Where numba keeps the compiled loop unless NUMBA_CACHE_DIR says otherwise."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "promisecheck" / "numba"


def _forced() -> str | None:
    """The engine PROMISECHECK_ENGINE names, if it names one."""
    choice = os.environ.get(ENGINE_VARIABLE, "").strip().lower()
    return choice if choice in ("numpy", "compiled", "native", "numba") else None


def wanted(size: int) -> bool:
    """Whether a run of `size` item-trials should use a compiled loop.

    With the native loop, always. With numba alone, by the work this process has scheduled
    so far, this run included: a command that runs the engine many times on a small project
    (the compromise menu) moves to numba once the runs add up, while a single small
    estimate never imports it.
    """
    forced = _forced()
    if forced is not None:
        return forced != "numpy"
    with _LOCK:
        _WORK[0] += size
        total = _WORK[0]
    return total >= COMPILED_MIN_SIZE or _get("native") is not None


def by_size() -> bool:
    """Whether a run's engine depends on the work this process expects: only where numba
    alone is at hand and no engine is forced (else a guess about the work ahead is moot)."""
    return _forced() is None and _get("native") is None


def expect(size: int) -> None:
    """A command is about to run the engine on about `size` item-trials in all: several
    versions of a proposal (compare), or one plan many times (the compromise menu, which
    passes COMPILED_MIN_SIZE).

    Runs that add up past COMPILED_MIN_SIZE pay numba's import all the same once they get
    there: counting them at once spares the numpy engine the first of them.
    """
    with _LOCK:
        _WORK[0] = max(_WORK[0], size)


def kernel() -> Loop | None:
    """The compiled loop to run: the one PROMISECHECK_ENGINE names, else the native loop,
    else numba's; None where it cannot be loaded (each is tried once)."""
    forced = _forced()
    if forced in ("native", "numba"):
        return _get(forced)
    return _get("native") or _get("numba")


def _get(name: str) -> Loop | None:
    with _LOCK:
        if name not in _STATE:
            _STATE[name] = _load_native() if name == "native" else _load_numba()
        return _STATE[name]


def _load_native() -> Loop | None:
    try:
        module = importlib.import_module("promisecheck.engine._native")
    except ImportError:
        return None  # not built: no C compiler at install
    constants = (module.DAY_SPAN, module.GRID, module.EPSILON_HOURS, module.AVAILABILITY_SLACK)
    if constants != (DAY_SPAN, GRID, EPSILON_HOURS, AVAILABILITY_SLACK):
        return None  # built from other sources than these: it would not be the same loop
    return Loop(name="native", schedule=module.schedule, failures=())


def _load_numba() -> Loop | None:
    # numba reads NUMBA_CACHE_DIR when it is imported; beside the installed package is
    # often not writable, the user's cache folder is.
    os.environ.setdefault("NUMBA_CACHE_DIR", str(cache_folder()))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            module = importlib.import_module("promisecheck.engine._kernel")
    except (ImportError, RuntimeError, OSError):
        # Missing or broken numba, or (RuntimeError) no usable cache folder for it.
        return None
    return Loop(name="numba", schedule=module.schedule, failures=(module.BuildError, OSError))


def disable(loop: Loop) -> None:
    """Never use `loop` again in this process (it failed to build or load)."""
    with _LOCK:
        _STATE[loop.name] = None


def _plain(array: Any, dtype: Any) -> Any:
    """One array type per argument (C order, writeable), so numba compiles the loop once."""
    result = np.ascontiguousarray(array, dtype=dtype)
    return result if result.flags.writeable else result.copy()


def _csr(lists: tuple[tuple[int, ...], ...]) -> tuple[IntArray, IntArray]:
    pointer = np.zeros(len(lists) + 1, dtype=np.int64)
    pointer[1:] = np.cumsum([len(x) for x in lists])
    flat = np.array([v for x in lists for v in x], dtype=np.int64)
    return pointer, flat


class Schedule:
    """One run's shared inputs, laid out for the compiled loop; `run` fills trial ranges."""

    def __init__(
        self,
        loop: Loop,
        *,
        efforts: FloatArray,
        begin: FloatArray,
        present: BoolArray | None,
        plan_hours: FloatArray,
        release: FloatArray | None,
        rank: IntArray,
        by_rank: IntArray,
        predecessors: tuple[tuple[int, ...], ...],
        successors: tuple[tuple[int, ...], ...],
        item_class: IntArray,
        eligible: BoolArray,
        calendar: tuple[FloatArray, FloatArray, FloatArray, IntArray, IntArray, IntArray],
        start: FloatArray,
        finish: FloatArray,
        member: npt.NDArray[np.int32],
    ) -> None:
        items = efforts.shape[1]
        pred_ptr, pred_idx = _csr(predecessors)
        succ_ptr, succ_idx = _csr(successors)
        self.loop = loop
        self.out = (start, finish, member)
        self.args = (
            _plain(efforts, np.float64),
            _plain(begin, np.float64),
            _plain(np.ones((1, items)) if present is None else present, np.bool_),
            present is not None,
            _plain(plan_hours, np.float64),
            _plain(np.full(items, -np.inf) if release is None else release, np.float64),
            _plain(rank, np.int64),
            _plain(by_rank, np.int64),
            pred_ptr,
            pred_idx,
            succ_ptr,
            succ_idx,
            _plain(item_class, np.int64),
            *calendar,
            # Who may do each class of items, and which classes each member may do.
            *_csr(tuple(tuple(int(m) for m in np.flatnonzero(row)) for row in eligible)),
            *_csr(tuple(tuple(int(c) for c in np.flatnonzero(col)) for col in eligible.T)),
        )

    def run(self, lo: int, hi: int) -> None:
        """Schedule trials lo..hi-1 (releases the GIL while it runs)."""
        self.loop.schedule(lo, hi, *self.args, *self.out)

    def run_all(self, trials: int, workers: int, progress: Progress | None) -> None:
        """Every trial, in chunks shared by `workers` threads; progress after each chunk."""
        chunks = [(lo, min(trials, lo + _CHUNK)) for lo in range(0, trials, _CHUNK)]
        lock = threading.Lock()
        state = {"next": 0, "done": 0}

        def work() -> None:
            while True:
                with lock:
                    if state["next"] >= len(chunks):
                        return
                    lo, hi = chunks[state["next"]]
                    state["next"] += 1
                self.run(lo, hi)
                with lock:
                    state["done"] += hi - lo
                    if progress is not None:
                        progress(state["done"], trials)

        if not chunks:
            return
        # Compile (or load from the cache) once, before threads race to do it; whatever
        # numba warns about then is for us, not for the user.
        first_lo, first_hi = chunks[0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.run(first_lo, first_hi)
        state["next"] = 1
        state["done"] = first_hi - first_lo
        if progress is not None:
            progress(state["done"], trials)
        threads = [threading.Thread(target=work) for _ in range(max(1, workers) - 1)]
        for thread in threads:
            thread.start()
        work()
        for thread in threads:
            thread.join()
