"""Entry point: answers `--version` before any heavy import, then hands over to the CLI."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from promisecheck import __version__

        sys.stdout.write(f"promisecheck {__version__}\n")
        raise SystemExit(0)
    from promisecheck.cli import run

    run()


if __name__ == "__main__":
    main()
