"""The HTML reports as files: self-contained, escaped, deterministic, the terminal's words."""

from __future__ import annotations

import datetime as dt
import html
import importlib.resources
import itertools
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from promisecheck.assess.analysis import Assessment, Compromise, ItemRisk, MemberLoad, Menu
from promisecheck.assess.estimator import RunSettings
from promisecheck.cli import app
from promisecheck.commands.compare import CompareRequest
from promisecheck.commands.estimate import EstimateRequest, run
from promisecheck.engine.risks import RiskImpact
from promisecheck.notices import IdleMember
from promisecheck.report import render, render_comparison
from promisecheck.report._kit import notices, words
from promisecheck.report.compare import view as compare_words
from promisecheck.report.estimate import menu as menu_words
from promisecheck.report.html import charts
from promisecheck.report.html import compare as html_compare
from promisecheck.report.html import estimate as html_estimate
from test_report_table import assessment, infeasible

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
INJECTED = "<img src=x onerror=alert(1)>"
# Anything that would make the page fetch something or run something.
EXTERNAL = re.compile(
    r"https?:|//[a-z]|<script|<link|<img|<iframe|<object|<embed|@import|url\(|src=|href=\"(?!#)",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def webshop() -> str:
    """The web-shop report with its compromise menu: the largest of the examples."""
    return render(
        run(EstimateRequest(spec=EXAMPLES / "webshop" / "spec.toml", compromises=True)).assessment,
        "html",
    )


def charts_in(page: str) -> list[str]:
    return re.findall(r"<svg\b[^>]*>.*?</svg>", page, re.DOTALL)


def test_the_web_shop_report_is_one_small_self_contained_file(webshop: str) -> None:
    assert webshop.startswith("<!DOCTYPE html>")
    assert len(webshop.encode()) < 150_000
    assert EXTERNAL.search(webshop) is None
    # Defence in depth: even a mistake in escaping could run or fetch nothing.
    assert "default-src 'none'" in webshop


def test_every_estimate_picture_is_there_and_described(webshop: str) -> None:
    ids = re.findall(r'<figure class="chart" id="([^"]+)"', webshop)
    assert ids == ["s-curve", "histogram", "gantt", "heat-map"]
    for svg in charts_in(webshop):
        assert 'role="img"' in svg
        assert re.search(r"<title id=\"[^\"]+-title\">[^<]+</title>", svg)
        assert re.search(r"<desc id=\"[^\"]+-desc\">[^<]+\.</desc>", svg)
    assert webshop.count("<details>") == len(ids)
    assert webshop.count("<summary>The numbers</summary>") == len(ids)


def test_the_words_are_the_terminal_reports() -> None:
    a = assessment()
    page = render(a, "html")
    for sentence in (
        words.headline(a),
        words.simulated(a),
        words.with_error(a),
        words.verdict_meaning(a),
        *notices.notices(a.warnings),
    ):
        assert html.escape(sentence, quote=False) in page
    for row in words.chart(a):
        assert html.escape(row.dates) in page and row.cumulative in page
    # The headline comes before any picture.
    assert page.index(html.escape(words.headline(a))) < page.index("<svg")


def test_text_from_a_proposal_is_shown_as_text_never_as_markup() -> None:
    a = assessment(
        project=INJECTED,
        client='"><script>alert(2)</script>',
        items=(
            ItemRisk(
                id="<b>x</b>",
                title="</title><script>alert(3)</script>",
                priority="must",
                finish={"p50": None, "p85": None},
                on_time_probability=0.5,
                criticality=0.9,
            ),
        ),
    )
    page = render(a, "html")
    assert "<img" not in page and "<script" not in page and "<b>x" not in page
    assert html.escape(INJECTED) in page
    assert "&lt;/title&gt;&lt;script&gt;alert(3)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in page


def _with_text(text: str) -> str:
    """The hand-built report with `text` wherever a proposal or a team puts its own words."""
    a = assessment()
    return render(
        assessment(
            project=text,
            client=text,
            items=tuple(replace(i, id=f"{text}{n}", title=text) for n, i in enumerate(a.items)),
            members=(
                *a.members,
                MemberLoad(
                    name=text, work_hours=1.0, capacity_hours=2.0, utilisation=0.5, weekly=(0.5,)
                ),
            ),
            warnings=(IdleMember(member=text, why="no-skills"),),
        ),
        "html",
    )


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_no_text_from_a_proposal_adds_or_breaks_markup(text: str) -> None:
    """Every tag in the page is ours: any text gives exactly the markup a plain word gives."""
    page, plain = _with_text(text), _with_text("x")
    for character in "<>":
        assert page.count(character) == plain.count(character)


VOID = {"meta", "br", "hr", "img", "input", "link"}  # HTML void elements; SVG ones close


class Nesting(HTMLParser):
    """Every element closed, in order: a browser would silently repair what this rejects."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.wrong: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.wrong.append(tag)


def test_every_element_is_closed_where_it_was_opened(webshop: str) -> None:
    for page in (webshop, render(infeasible(), "html"), _with_text("<b>")):
        nesting = Nesting()
        nesting.feed(page)
        assert nesting.wrong == [] and nesting.open == []


def test_the_same_inputs_and_seed_give_the_same_bytes(webshop: str) -> None:
    again = render(
        run(EstimateRequest(spec=EXAMPLES / "webshop" / "spec.toml", compromises=True)).assessment,
        "html",
    )
    assert again == webshop


def test_the_compromise_menu_is_a_table_with_prices_and_margins() -> None:
    menu = Menu(
        target_confidence=0.85,
        status="options",
        on_time_probability=0.5,
        as_of=None,
        options=(
            Compromise(
                kind="add-hours",
                group="keeps-quote",
                on_time_probability=0.86,
                size=2.0,
                skill="frontend",
                people=("Kai",),
                extra_hours_per_week=10.0,
                added_cost=1234.4,
                margin=-434.0,
            ),
            Compromise(
                kind="move-date",
                group="needs-client",
                on_time_probability=0.9,
                size=5.0,
                deadline=dt.date(2027, 6, 4),
                working_days=5,
            ),
        ),
        probability_per_week_later=0.2,
    )
    page = render(assessment(compromises=menu), "html")
    section = page[page.index('id="compromises"') : page.index('id="s-curve"')]
    assert "Added cost (EUR)" in section and "Margin (EUR)" in section
    assert re.search(r"\+10 h/week frontend.*?86 %.*?1,234.*?-434", section, re.DOTALL)
    assert re.search(r"date 5 days later.*?90 %.*?–.*?–", section, re.DOTALL)
    assert "Add 10 frontend hours a week from Kai" in section
    assert "Move the date to Fri 4 Jun 2027" in section
    later = menu_words.per_week_later(menu)
    assert later is not None and later in section


def test_risks_are_a_tornado_largest_effect_first() -> None:
    risks = tuple(
        RiskImpact(
            id=name,
            description=None,
            probability=0.3,
            happened=0.3,
            mean_extra_hours=10.0,
            mean_delay_days=None,
            on_time_without=0.8,
            on_time_change=change,
        )
        for name, change in (("small", -0.02), ("big", -0.3), ("helps", 0.01))
    )
    page = render(assessment(risks=risks), "html")
    figure = page[page.index('id="risks"') :]
    assert figure.index(">big<") < figure.index(">small<") < figure.index(">helps<")
    assert "-30 pts" in figure and "+1 pts" in figure


def test_the_gantt_marks_critical_items_and_the_heat_map_the_overload() -> None:
    a = assessment()
    gantt = html_estimate.gantt(a)
    critical = [m for m in gantt.marks if isinstance(m, charts.Rect) and m.css == "crit"]
    assert len(critical) == sum(1 for i in a.items if i.criticality >= html_estimate.CRITICAL)
    heat = html_estimate.heat_map(a)
    over = [m for m in heat.marks if isinstance(m, charts.Rect) and m.css == "over"]
    expected = sum(1 for m in a.members for w in m.weekly if w is not None and w > 0.9)
    assert len(over) == expected > 0
    assert [m.css for m in heat.marks if isinstance(m, charts.Rect)].count("none") == 1


def assert_inside(chart: charts.Chart) -> None:
    """Every mark's coordinates lie on the chart's canvas (a label's anchor, at least)."""
    for mark in chart.marks:
        if isinstance(mark, charts.Rect):
            xs = [float(mark.x), float(mark.x) + float(mark.width)]
            ys = [float(mark.y), float(mark.y) + float(mark.height)]
        elif isinstance(mark, charts.Line):
            xs, ys = [float(mark.x1), float(mark.x2)], [float(mark.y1), float(mark.y2)]
        elif isinstance(mark, charts.Path):
            numbers = [float(n) for n in re.findall(r"-?[\d.]+", mark.d)]
            xs, ys = numbers[0::2], numbers[1::2]
        else:
            xs, ys = [float(mark.x)], [float(mark.y)]
        assert all(0 <= x <= chart.width for x in xs), (chart.id, mark)
        assert all(0 <= y <= chart.height for y in ys), (chart.id, mark)


def estimated(example: str, trials: int) -> Assessment:
    """An example's assessment without the compromise menu."""
    request = EstimateRequest(
        spec=EXAMPLES / example / "spec.toml",
        compromises=False,
        settings=RunSettings(trials=trials),
    )
    return run(request).assessment


def test_every_mark_is_drawn_inside_its_canvas() -> None:
    a = estimated("evidence", 500)
    drawn = [
        html_estimate.s_curve(a),
        html_estimate.histogram(a),
        html_estimate.gantt(a),
        html_estimate.heat_map(a),
        html_estimate.tornado(a),
    ]
    for chart in drawn:
        assert_inside(chart)


def height_at(points: list[tuple[int, float]], at: int) -> float:
    """A step curve read at a moment: the last corner at or before it (the upper one)."""
    return [s for x, s in points if x <= at][-1]


def test_the_s_curve_steps_through_every_day_of_the_assessments_curve() -> None:
    a = assessment()
    points = html_estimate.curve_points(a, until=charts.end_of(a.deadline) + 30)
    assert [x for x, _ in points] == sorted(x for x, _ in points)
    assert [s for _, s in points] == sorted(s for _, s in points)  # never goes down
    assert all(  # steps: each segment is flat or upright
        x1 == x2 or s1 == s2 for (x1, s1), (x2, s2) in itertools.pairwise(points)
    )
    assert points[0] == (charts.day_number(a.curve[0].day), 0.0)
    before = 0.0
    for point in a.curve:  # "finished by day D" is reached at the end of D, not before
        assert height_at(points, charts.day_number(point.day)) == before
        assert height_at(points, charts.end_of(point.day)) == point.finished
        before = point.finished
    assert height_at(points, charts.end_of(a.deadline)) == a.on_time_probability
    assert points[-1] == (charts.end_of(a.deadline) + 30, a.curve[-1].finished)


def test_the_web_shop_curve_rises_where_the_bars_would_draw_it_flat() -> None:
    a = estimated("webshop", 2000)
    heights = {s for _, s in html_estimate.curve_points(a)}
    assert {p.finished for p in a.curve} <= heights
    between = [b.cumulative for b in a.histogram]
    assert len(heights - set(between) - {0.0}) > len(a.histogram)


def test_compare_draws_every_version_on_one_chart_beside_the_columns() -> None:
    from promisecheck.commands import compare

    comparison = compare.run(
        CompareRequest(
            versions=(str(EXAMPLES / "webshop" / "spec.toml"),), settings=RunSettings(trials=300)
        )
    )
    page = render_comparison(comparison, "html")
    labels = [column.label for column in comparison.columns]
    assert len(labels) > 2
    header = re.search(r"<table class=\"compare\">\s*<thead><tr>(.*?)</tr>", page, re.DOTALL)
    assert header is not None
    assert re.findall(r'<th scope="col">([^<]*)</th>', header.group(1)) == labels
    chart = page[page.index('id="s-curves"') :]
    assert len(re.findall(r'<path d="[^"]+" class="series s\d"/>', chart)) == len(labels)
    curves = html_compare.s_curves(comparison)
    assert curves is not None
    assert_inside(curves)
    for sentence in (sentence for _, sentence in compare_words.headlines(comparison)):
        assert html.escape(sentence, quote=False) in page


def test_an_infeasible_promise_has_its_reasons_and_no_pictures() -> None:
    a = infeasible()
    page = render(a, "html")
    assert html.escape(words.headline(a), quote=False) in page
    assert "<svg" not in page


def test_templates_ship_inside_the_package() -> None:
    """In CI the package is installed from a wheel (not editable): this reads what it holds."""
    shipped = importlib.resources.files("promisecheck.report.html") / "templates"
    source = ROOT / "src" / "promisecheck" / "report" / "html" / "templates"
    names = sorted(p.name for p in source.iterdir())
    assert names and all((shipped / name).is_file() for name in names)


def test_numbers_are_short_and_never_negative_zero() -> None:
    assert [charts.number(v) for v in (12.0, 12.25, -0.04, 3.96)] == ["12", "12.2", "0", "4"]


runner = CliRunner()


@pytest.mark.parametrize(
    ("arguments", "exit_codes", "marker"),
    [
        (
            ["estimate", str(EXAMPLES / "tight" / "spec.toml"), "--trials", "500"],
            {0, 1},
            'id="s-curve"',
        ),
        (
            ["compare", str(EXAMPLES / "webshop" / "spec.toml"), "--trials", "500"],
            {0},
            'id="s-curves"',
        ),
        (
            ["check", str(EXAMPLES / "ci"), "--trials", "500", "--jobs", "1"],
            {2},
            'href="#proposal-1"',
        ),
        (
            [
                "calibrate",
                str(EXAMPLES / "evidence" / "history.csv"),
                "--columns",
                "estimate_hours=Estimated,actual_hours=Spent,skill=Area,person=Who,date=Finished",
            ],
            {0},
            'id="ratios"',
        ),
    ],
)
def test_every_command_writes_html(
    tmp_path: Path, arguments: list[str], exit_codes: set[int], marker: str
) -> None:
    output = tmp_path / "report.html"
    result = runner.invoke(app, [*arguments, "-f", "html", "-o", str(output)])
    assert result.exit_code in exit_codes, result.output
    page = output.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    assert marker in page
    assert EXTERNAL.search(page) is None


def test_check_links_each_row_to_its_own_section(tmp_path: Path) -> None:
    output = tmp_path / "check.html"
    runner.invoke(
        app,
        [
            "check",
            str(EXAMPLES / "ci"),
            "--trials",
            "300",
            "--jobs",
            "1",
            "-f",
            "html",
            "-o",
            str(output),
        ],
    )
    page = output.read_text(encoding="utf-8")
    links = re.findall(r'href="#(proposal-\d+)"', page)
    anchors = re.findall(r'<section class="keep proposal" id="(proposal-\d+)"', page)
    assert links == anchors and len(links) == 5
    statuses = re.findall(r'<td><span class="status (\w+)">', page)
    assert statuses == ["invalid", "fail", "fail", "pass", "pass"]  # worst first
