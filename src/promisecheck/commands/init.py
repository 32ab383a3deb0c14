"""`promisecheck init`: a commented spec.toml and team.toml to start from, never over a file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from promisecheck.errors import ExitCode, InputError
from promisecheck.inputs.starter import check_free, starter_files


@dataclass(frozen=True, kw_only=True)
class InitRequest:
    """Where to write the starter files, and the day they are dated from."""

    directory: Path = Path(".")  # created if needed
    today: dt.date  # the starter proposal starts the Monday after it


@dataclass(frozen=True, kw_only=True)
class Started:
    """The starter files written, the spec first."""

    files: tuple[Path, ...]

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.ON_TRACK


def run(request: InitRequest) -> Started:
    """Write the starter files, or nothing when one of them exists already."""
    directory = request.directory
    check_free(directory)
    files = starter_files(request.today)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            with (directory / name).open("x", encoding="utf-8") as stream:
                stream.write(text)
    except OSError as error:
        raise InputError.single(
            directory, "", f"cannot write the starter files: {error.strerror or error}"
        ) from None
    return Started(files=tuple(directory / name for name in files))
