"""The trust boundary: where a path a proposal names may point, and reading only bounded files.

Proposals arrive in pull requests, so a path written inside one (the spec's `team`, the
team's `[history] file`) is untrusted: it must stay inside the repository that holds the
file (the git work tree, or the folder of the file named on the command line outside
one). Every file, trusted or not, is read only when it is a regular file of bounded size:
a device never fills memory and a FIFO never hangs the run.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from contextvars import ContextVar, Token
from pathlib import Path

from promisecheck.errors import InputError

# Largest files read: a spec of the most items allowed, each with a title, is well under
# 1 MiB; 4 MiB leaves room and still parses in about a second. A history of a million
# tasks is well under 64 MiB.
MAX_TOML_BYTES = 4 << 20
MAX_CSV_BYTES = 64 << 20
_CHUNK = 1 << 16

_reads: ContextVar[set[Path] | None] = ContextVar("promisecheck_reads", default=None)


def root_of(path: Path) -> Path:
    """The repository that holds `path`: the nearest folder with `.git`, else its own folder.

    The path is made absolute but not resolved, so a link named in the repository is judged
    by where it points, not where it lives.
    """
    absolute = Path(os.path.abspath(path))
    folder = absolute if absolute.is_dir() else absolute.parent
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder


def confine(
    named: Path,
    written: str,
    root: Path,
    *,
    file: Path,
    location: str,
    line: int | None,
) -> None:
    """An InputError unless `named` (written as `written` in `file`) resolves inside `root`."""
    if Path(os.path.realpath(named)).is_relative_to(os.path.realpath(root)):
        return
    raise InputError.single(
        file,
        location,
        f"{_short(written)} is outside the repository",
        line=line,
        hint="a path in a file must stay inside the git work tree that holds it, or outside "
        "one inside the folder of the file given on the command line; name other files there",
    )


def _short(written: str) -> str:
    return written if len(written) <= 80 else written[:79] + "…"


def read_bytes(path: Path, *, limit: int) -> bytes:
    """The whole file, when it is a regular file of at most `limit` bytes.

    Raises FileNotFoundError and IsADirectoryError as open() would (callers word them),
    and InputError for a device, pipe or socket, or a file over the limit.
    """
    # O_NONBLOCK: opening a FIFO must not wait for a writer before we can refuse it.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(info.st_mode):
            raise InputError.single(
                path,
                "",
                "is not a regular file (a device, pipe or socket); expected a file",
            )
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise InputError.single(
                path,
                "",
                f"is larger than {limit // (1 << 20)} MiB, the most promisecheck reads",
                hint="see Security in the README for the limits",
            )
    finally:
        os.close(fd)
    note((path,))
    return b"".join(chunks)


class recording:
    """Collects the resolved path of every file read inside the block (to never write on one).

    A class, not a generator: an InputError (a frozen dataclass) must pass through unchanged.
    Blocks nest: what an inner block records (a command guarding its own writes) is
    recorded by the block around it too (the CLI guarding the report).
    """

    def __init__(self) -> None:
        self._seen: set[Path] = set()
        self._token: Token[set[Path] | None] | None = None

    def __enter__(self) -> set[Path]:
        self._token = _reads.set(self._seen)
        return self._seen

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            _reads.reset(self._token)
            note(self._seen)


def note(paths: Iterable[Path]) -> None:
    """Record files read (also files a worker process read on this run's behalf)."""
    seen = _reads.get()
    if seen is not None:
        seen.update(Path(os.path.realpath(p)) for p in paths)


def recorded() -> tuple[Path, ...]:
    """The files recorded so far in the current block, for a worker to hand back."""
    seen = _reads.get()
    return tuple(sorted(seen)) if seen is not None else ()
