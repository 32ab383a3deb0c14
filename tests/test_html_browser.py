"""The HTML reports opened in a real headless Chromium: they load clean, show, and print.

Without a browser these tests skip on a developer's machine and fail in CI (CI is set), so a
CI run can never pass them by not running them. `.ci/run` installs Debian's chromium.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from browser import Browser, Visit, find, pdf_pages
from promisecheck.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
INJECTED = "<img src=x onerror=alert(1)>"
COLUMNS = "estimate_hours=Estimated,actual_hours=Spent,skill=Area,person=Who,date=Finished"
A4 = (595.28, 841.89)  # points; Chromium rounds to its 96 dpi grid, within a point

REPORTS: dict[str, list[str]] = {
    "estimate": ["estimate", str(EXAMPLES / "webshop"), "--compromises"],
    "evidence": ["estimate", str(EXAMPLES / "evidence"), "--trials", "2000"],
    "compare": ["compare", str(EXAMPLES / "webshop" / "spec.toml"), "--trials", "2000"],
    "check": ["check", str(EXAMPLES / "ci"), "--trials", "2000", "--jobs", "1"],
    "calibrate": ["calibrate", str(EXAMPLES / "evidence" / "history.csv"), "--columns", COLUMNS],
    "portfolio": ["portfolio", str(EXAMPLES / "portfolio"), "--trials", "2000"],
    "deal": [
        "estimate",
        str(EXAMPLES / "portfolio" / "deals" / "gamma-portal"),
        "--portfolio",
        str(EXAMPLES / "portfolio"),
        "--trials",
        "2000",
    ],
}


def injected_example(folder: Path) -> Path:
    """The web shop with a project name and an item title written to attack the page."""
    shutil.copytree(EXAMPLES / "webshop", folder)
    spec = folder / "spec.toml"
    text = spec.read_text(encoding="utf-8")
    text = text.replace('name = "Acme web shop"', f'name = "{INJECTED}"', 1)
    text = text.replace('title = "', 'title = "<script>alert(2)</script>', 1)
    spec.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("html")
    reports = dict(REPORTS)
    reports["injected"] = [
        "estimate",
        str(injected_example(folder / "injected")),
        "--trials",
        "2000",
    ]
    written = {}
    for name, arguments in reports.items():
        output = folder / f"{name}.html"
        result = CliRunner().invoke(app, [*arguments, "-f", "html", "-o", str(output)])
        assert output.is_file(), result.output
        written[name] = output
    return written


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    executable = find()
    if executable is None:
        message = "no chromium on PATH (apt-get install chromium, or set CHROMIUM)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with Browser(executable) as browser:
        yield browser


@pytest.fixture(scope="module")
def visits(chromium: Browser, pages: dict[str, Path]) -> dict[str, Visit]:
    return {name: chromium.visit(page) for name, page in pages.items()}


@pytest.mark.parametrize("name", [*REPORTS, "injected"])
def test_a_report_loads_with_no_console_error_and_no_request(
    visits: dict[str, Visit], name: str
) -> None:
    visit = visits[name]
    assert visit.named("Page.loadEventFired")
    assert visit.console_errors() == []
    assert visit.requests() == []
    assert visit.dialogs() == []


SHOWN = """
(() => {
  const seen = (e) => {
    const box = e.getBoundingClientRect(), style = getComputedStyle(e);
    return box.width > 0 && box.height > 0 && style.visibility !== "hidden"
      && style.display !== "none";
  };
  const charts = [...document.querySelectorAll('svg[role="img"]')];
  return {
    headline: [...document.querySelectorAll(".headline")].map((e) => seen(e) && e.textContent),
    charts: charts.map((e) => [e.closest("figure").id, seen(e),
      e.querySelector("title").textContent, e.querySelector("desc").textContent,
      e.closest("figure").querySelectorAll("details table tbody tr").length]),
    scripts: document.scripts.length,
    images: document.images.length,
  };
})()
"""


@pytest.mark.parametrize(
    ("name", "charts"),
    [
        ("estimate", ["s-curve", "histogram", "gantt", "heat-map"]),
        ("evidence", ["s-curve", "histogram", "gantt", "heat-map", "risks"]),
        ("compare", ["s-curves"]),
        ("calibrate", ["ratios", "trend"]),
        ("check", [f"proposal-{n}-curve" for n in (2, 3, 4, 5)]),  # the invalid one has none
        ("portfolio", ["commitments-chart"]),
        ("deal", ["before-after", "s-curve", "histogram", "gantt", "heat-map"]),
    ],
)
def test_the_headline_and_every_chart_are_shown(
    chromium: Browser, visits: dict[str, Visit], name: str, charts: list[str]
) -> None:
    shown = chromium.evaluate(visits[name], SHOWN)
    if name != "compare":
        assert shown["headline"] and all(shown["headline"])
    assert [c[0] for c in shown["charts"]] == charts
    for _, visible, title, desc, rows in shown["charts"]:
        assert visible and title and desc.endswith(".") and rows > 0
    assert shown["scripts"] == 0 and shown["images"] == 0


def test_check_rows_link_to_their_sections(chromium: Browser, visits: dict[str, Visit]) -> None:
    missing = chromium.evaluate(
        visits["check"],
        '[...document.querySelectorAll("#proposals a")]'
        ".filter((a) => !document.querySelector(a.getAttribute('href'))).length",
    )
    count = chromium.evaluate(visits["check"], 'document.querySelectorAll("#proposals a").length')
    assert count == 5 and missing == 0


def test_an_injected_title_is_shown_as_text_and_runs_nothing(
    chromium: Browser, visits: dict[str, Visit]
) -> None:
    visit = visits["injected"]
    title = chromium.evaluate(visit, 'document.querySelector("h1").firstChild.textContent')
    assert title.strip() == INJECTED
    assert chromium.evaluate(visit, "document.title") == INJECTED
    assert chromium.evaluate(visit, "document.images.length + document.scripts.length") == 0
    text = chromium.evaluate(visit, "document.body.textContent")
    assert "<script>alert(2)</script>" in text
    assert visit.dialogs() == []


# The deal's page is the portfolio part on top of the deal's whole estimate page (3 pages).
@pytest.mark.parametrize(("name", "most"), [("estimate", 3), ("portfolio", 3), ("deal", 4)])
def test_the_page_prints_on_few_a4_pages_charts_whole(
    chromium: Browser, visits: dict[str, Visit], name: str, most: int
) -> None:
    visit = visits[name]
    document = chromium.pdf(visit)
    assert 1 <= pdf_pages(document) <= most
    sizes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", document)
    assert sizes and all(abs(float(w) - A4[0]) < 2 and abs(float(h) - A4[1]) < 2 for w, h in sizes)
    chromium.print_media(visit)
    breaks = chromium.evaluate(
        visit,
        '[...document.querySelectorAll("figure")].map((f) => getComputedStyle(f).breakInside)',
    )
    assert breaks and set(breaks) == {"avoid"}
