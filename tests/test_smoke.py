"""The installed `promisecheck` entry point, run as a real process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def entry_point() -> list[str]:
    found = shutil.which("promisecheck", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail("the promisecheck console script is not installed beside this Python")
    return [found]


def test_installed_script_estimates_an_example_and_version_stays_light() -> None:
    done = subprocess.run(
        [*entry_point(), "estimate", "examples/webshop/spec.toml", "--trials", "400", "-f", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["verdict"] in {"at-risk", "unlikely"}
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, runpy; sys.argv=['promisecheck','--version'];"
            "\ntry: runpy.run_module('promisecheck', run_name='__main__')"
            "\nexcept SystemExit: pass"
            "\nheavy = ('numpy', 'pydantic', 'rich', 'typer', 'numba')"
            "\nprint(sorted(m for m in heavy if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.splitlines() == [f"promisecheck {_version()}", "[]"]


def _version() -> str:
    from promisecheck import __version__

    return __version__
