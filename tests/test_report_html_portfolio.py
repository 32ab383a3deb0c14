"""The portfolio pages: the terminal report's words, every commitment drawn, all escaped."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from promisecheck.assess.estimator import RunSettings
from promisecheck.cli import app
from promisecheck.commands.portfolio import (
    DealEstimate,
    DealRequest,
    PortfolioReport,
    PortfolioRequest,
    estimate_deal,
    run_portfolio,
)
from promisecheck.errors import ExitCode
from promisecheck.report import render_deal, render_portfolio
from promisecheck.report._kit.words import percent
from promisecheck.report.html import portfolio as html_portfolio
from promisecheck.report.html.charts import WIDTH, Rect
from promisecheck.report.portfolio import view
from test_report_html import EXTERNAL, INJECTED, Nesting

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "portfolio"
DEAL = EXAMPLE / "deals" / "gamma-portal"
TRIALS = 600


@pytest.fixture(scope="module")
def report() -> PortfolioReport:
    return run_portfolio(
        PortfolioRequest(path=EXAMPLE, settings=RunSettings(trials=TRIALS, seed=1))
    )


@pytest.fixture(scope="module")
def deal() -> DealEstimate:
    return estimate_deal(
        DealRequest(
            spec=DEAL,
            portfolio=EXAMPLE,
            compromises=True,
            settings=RunSettings(trials=TRIALS, seed=1),
        )
    )


def figure(page: str, id: str) -> str:
    found = re.search(rf'<figure class="chart" id="{id}">.*?</figure>', page, re.DOTALL)
    assert found is not None
    return found.group(0)


def bar_widths(chart: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect x="[^"]+" y="[^"]+" width="([^"]+)"', chart)]


def well_formed(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    assert EXTERNAL.search(page) is None
    nesting = Nesting()
    nesting.feed(page)
    assert nesting.wrong == [] and nesting.open == []


def test_the_portfolio_page_has_the_headline_first_and_every_commitment(
    report: PortfolioReport,
) -> None:
    page = render_portfolio(report, "html")
    well_formed(page)
    text = html.unescape(page)
    body = text[text.index("<main>") :]
    assert body.index(view.headline(report)) < body.index("<table")
    for row in view.rows(report.commitments):
        cells = [row.rank, row.project, row.status, row.on_time, row.p50, row.p85]
        assert "".join(f">{c}<" for c in cells[1:3]) in re.sub(r"</t[hd]><t[hd][^>]*", "<", text)
        assert all(f">{c}<" in text for c in cells)
    chart = figure(page, "commitments-chart")
    assert 'role="img"' in chart and "<title" in chart and "<desc" in chart and "<details>" in chart
    shown = [c.on_time_probability for c in report.commitments if c.trials]
    widths = bar_widths(chart)
    assert len(widths) == len(shown)
    scale = (html_portfolio.RIGHT - html_portfolio.LEFT) / 1.0
    assert widths == pytest.approx([s * scale for s in shown], abs=0.06)
    assert chart.count('class="hold"') == len(report.commitments)
    assert view.simulated(report) in text


def test_the_portfolio_page_is_the_same_bytes_for_the_same_seed(report: PortfolioReport) -> None:
    again = run_portfolio(
        PortfolioRequest(path=EXAMPLE, settings=RunSettings(trials=TRIALS, seed=1))
    )
    assert render_portfolio(again, "html") == render_portfolio(report, "html")


def test_names_from_the_portfolio_are_shown_as_text(
    report: PortfolioReport, deal: DealEstimate
) -> None:
    commitments = tuple(replace(c, project=INJECTED) for c in report.commitments)
    page = render_portfolio(replace(report, commitments=commitments), "html")
    assert INJECTED not in page and html.escape(INJECTED) in page
    changes = tuple(replace(c, project=INJECTED) for c in deal.impact.commitments)
    hostile = replace(deal, impact=replace(deal.impact, commitments=changes))
    page = render_deal(hostile, "html")
    assert INJECTED not in page and html.escape(INJECTED) in page
    nesting = Nesting()  # the escaped name holds `src=` as text: only the markup is checked
    nesting.feed(page)
    assert nesting.wrong == [] and nesting.open == []


def test_the_deal_page_says_the_deal_line_first_then_every_commitment_before_and_after(
    deal: DealEstimate,
) -> None:
    page = render_deal(deal, "html")
    well_formed(page)
    text = html.unescape(page)
    sentence = view.deal_sentence(deal.assessment, deal.impact)
    assert text.index("<h1>") < text.index(sentence) < text.index('id="changes"')
    chart = figure(page, "before-after")
    changes = deal.impact.commitments
    expected = [
        share
        for c in changes
        for share in (c.before.on_time_probability, c.after.on_time_probability)
    ]
    expected.append(deal.assessment.on_time_probability)
    scale = html_portfolio.RIGHT - html_portfolio.LEFT
    assert bar_widths(chart) == pytest.approx([s * scale for s in expected], abs=0.06)
    for c in changes:
        assert f"{c.project} before: {percent(c.before.on_time_probability)} on time" in (
            html.unescape(chart)
        )
        assert f">{view.change(c)}<" in text
    broken = [c for c in changes if c.breaks]
    assert broken, "the example's deal breaks the city portal"
    assert chart.count('class="late"') == sum(not c.after.holds for c in changes)
    assert deal.levers is not None
    for lever in deal.levers.recommended + deal.levers.breaking:
        assert view.lever_line(lever, deal.levers, deal.assessment.start) in text
    assert 'id="s-curve"' in page  # the deal's own estimate follows


def test_a_deal_that_breaks_a_commitment_says_so_beside_its_own_verdict(
    deal: DealEstimate,
) -> None:
    heading = re.search(r"<h1>.*?</h1>", render_deal(deal, "html"), re.DOTALL)
    assert heading is not None
    assert len(deal.impact.breaks_signed) == 1
    assert '<span class="verdict infeasible">BREAKS 1 COMMITMENT</span>' in heading.group(0)
    kept = replace(
        deal,
        impact=replace(
            deal.impact,
            commitments=tuple(replace(c, breaks=False) for c in deal.impact.commitments),
        ),
    )
    heading = re.search(r"<h1>.*?</h1>", render_deal(kept, "html"), re.DOTALL)
    assert heading is not None
    assert "BREAKS" not in heading.group(0)


@given(
    st.lists(
        st.tuples(
            st.text(min_size=1, max_size=60),
            st.lists(st.one_of(st.none(), st.floats(0, 1)), min_size=1, max_size=3),
            st.floats(0, 1),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_every_bar_is_drawn_inside_the_canvas_and_as_long_as_its_share(
    groups: list[tuple[str, list[float | None], float]],
) -> None:
    drawn = [
        html_portfolio.Group(name, tuple(html_portfolio.Bar("ok", s, "") for s in shares), hold)
        for name, shares, hold in groups
    ]
    marks, height = html_portfolio.bars(drawn)
    shares = [s for _, shares, _ in groups for s in shares if s is not None]
    rects = [m for m in marks if isinstance(m, Rect)]
    scale = html_portfolio.RIGHT - html_portfolio.LEFT
    assert [float(r.width) for r in rects] == pytest.approx([s * scale for s in shares], abs=0.06)
    for m in marks:
        xs = [float(getattr(m, k)) for k in ("x", "x1", "x2") if hasattr(m, k)]
        ys = [float(getattr(m, k)) for k in ("y", "y1", "y2") if hasattr(m, k)]
        assert all(0 <= x <= WIDTH for x in xs) and all(0 <= y <= height for y in ys)
    assert sum(m.kind == "line" and m.css == "hold" for m in marks) == len(groups)


@pytest.mark.parametrize(
    ("arguments", "code", "marker"),
    [
        (["portfolio", str(EXAMPLE)], ExitCode.ON_TRACK, 'id="commitments-chart"'),
        (
            ["estimate", str(DEAL), "--portfolio", str(EXAMPLE)],
            ExitCode.BELOW_TARGET,
            'id="before-after"',
        ),
    ],
)
def test_both_portfolio_commands_write_html(
    tmp_path: Path, arguments: list[str], code: ExitCode, marker: str
) -> None:
    output = tmp_path / "report.html"
    result = CliRunner().invoke(
        app, [*arguments, "--trials", "400", "-f", "html", "-o", str(output)]
    )
    assert result.exit_code == code, result.output
    page = output.read_text(encoding="utf-8")
    well_formed(page)
    assert marker in page
