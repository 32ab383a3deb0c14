"""Screenshots of the HTML reports of the shipped examples, for the README and docs/.

    python docs/screenshots.py      # from the repository root, with promisecheck installed

Renders each example with `--format html` and photographs it in headless Chromium (the
same DevTools-over-a-pipe client the browser tests use). The same inputs and seed give the
same pages; the pictures can still differ by a pixel between Chromium versions.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import Browser, find  # noqa: E402
from promisecheck.cli import app  # noqa: E402

EXAMPLES = Path("examples")  # relative: the reports show paths as a user would type them
COLUMNS = "estimate_hours=Estimated,actual_hours=Spent,skill=Area,person=Who,date=Finished"
SHOTS: dict[str, list[str]] = {
    "estimate-webshop": ["estimate", str(EXAMPLES / "webshop"), "--compromises"],
    "estimate-evidence": ["estimate", str(EXAMPLES / "evidence")],
    "compare-webshop": ["compare", str(EXAMPLES / "webshop" / "spec.toml")],
    "check-ci": ["check", str(EXAMPLES / "ci")],
    "calibrate-evidence": [
        "calibrate",
        str(EXAMPLES / "evidence" / "history.csv"),
        "--columns",
        COLUMNS,
    ],
}

TOPS = {"estimate-webshop": 1420}  # the README shows the page's first screenful


def main() -> int:
    executable = find()
    if executable is None:
        print("screenshots: no chromium on PATH (apt-get install chromium)", file=sys.stderr)
        return 2
    os.chdir(ROOT)
    with tempfile.TemporaryDirectory() as scratch, Browser(executable) as browser:
        for name, arguments in SHOTS.items():
            page = Path(scratch) / f"{name}.html"
            CliRunner().invoke(app, [*arguments, "--format", "html", "--output", str(page)])
            if not page.is_file():
                print(f"screenshots: {name}: no report written", file=sys.stderr)
                return 1
            visit = browser.visit(page)
            pictures = {name: None} if name not in TOPS else {name: None, f"{name}-top": TOPS[name]}
            for picture, height in pictures.items():
                path = ROOT / "docs" / f"{picture}.png"
                path.write_bytes(browser.screenshot(visit, width=1000, height=height))
                print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
