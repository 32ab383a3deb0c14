"""Writing a file whole or not at all: the CLI's reports and the revision --apply writes."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def _new_file_mode(path: Path) -> int:
    """The mode a plain open() would give: an existing file's own, else 0666 less the umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_atomically(path: Path, text: str) -> None:
    """Write a whole file or nothing: a temporary file beside it, renamed into place.

    A device or pipe (`-o /dev/null`, `-o /dev/stderr`) is written to as it is: renaming a
    file over it would replace the device itself.
    """
    if path.exists() and not path.is_file() and not path.is_dir():
        with open(path, "w", encoding="utf-8") as stream:
            stream.write(text)
        return
    mode = _new_file_mode(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file 0600; the report is as readable as any file the user writes.
        os.fchmod(handle, mode)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
