"""Entry point: answers `--version` before any heavy import, then hands over to the CLI."""

from __future__ import annotations

import os
import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from promisecheck import __version__

        sys.stdout.write(f"promisecheck {__version__}\n")
        raise SystemExit(0)
    # promisecheck uses no pydantic plugins; looking for them scans every installed
    # package's metadata (about 10 ms of each run). A user's explicit setting wins.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from promisecheck.cli import run

    run()


if __name__ == "__main__":
    main()
