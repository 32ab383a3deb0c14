"""Renderers: one module per output format, each `render(assessment) -> str`, no I/O, no maths."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, assert_never

if TYPE_CHECKING:
    from promisecheck.analysis import Assessment
    from promisecheck.calibration import Calibration
    from promisecheck.check import CheckReport
    from promisecheck.compare import Comparison
    from promisecheck.portfolio_run import DealEstimate, PortfolioReport

Format = Literal["table", "json", "markdown", "html"]
FORMATS: tuple[Format, ...] = ("table", "json", "markdown", "html")
# The portfolio reports have no HTML page yet: the CLI refuses the format before running.
HTML_PORTFOLIO = "the portfolio reports have no html format yet; use table, json or markdown"


def render(assessment: Assessment, format: Format, *, color: bool = False) -> str:
    """The report in one format; `color` only affects the terminal table."""
    match format:
        case "json":
            from promisecheck.report import json

            return json.render(assessment)
        case "markdown":
            from promisecheck.report import markdown

            return markdown.render(assessment)
        case "html":
            from promisecheck.report.html import estimate

            return estimate.render(assessment)
        case "table":
            from promisecheck.report import table

            return table.render(assessment, color=color)
        case _:
            assert_never(format)


def render_calibration(calibration: Calibration, format: Format, *, color: bool = False) -> str:
    """The calibrate report in one format; `color` only affects the terminal table."""
    match format:
        case "json":
            from promisecheck.report import calibrate_json

            return calibrate_json.render(calibration)
        case "markdown":
            from promisecheck.report import calibrate_markdown

            return calibrate_markdown.render(calibration)
        case "html":
            from promisecheck.report.html import calibrate

            return calibrate.render(calibration)
        case "table":
            from promisecheck.report import calibrate_table

            return calibrate_table.render(calibration, color=color)
        case _:
            assert_never(format)


def render_comparison(comparison: Comparison, format: Format, *, color: bool = False) -> str:
    """The compare report in one format; `color` only affects the terminal table."""
    match format:
        case "json":
            from promisecheck.report import compare_json

            return compare_json.render(comparison)
        case "markdown":
            from promisecheck.report import compare_markdown

            return compare_markdown.render(comparison)
        case "html":
            from promisecheck.report.html import compare

            return compare.render(comparison)
        case "table":
            from promisecheck.report import compare_table

            return compare_table.render(comparison, color=color)
        case _:
            assert_never(format)


def render_check(report: CheckReport, format: Format, *, color: bool = False) -> str:
    """The check report in one format; `color` only affects the terminal table."""
    match format:
        case "json":
            from promisecheck.report import check_json

            return check_json.render(report)
        case "markdown":
            from promisecheck.report import check_markdown

            return check_markdown.render(report)
        case "html":
            from promisecheck.report.html import check

            return check.render(report)
        case "table":
            from promisecheck.report import check_table

            return check_table.render(report, color=color)
        case _:
            assert_never(format)


def render_portfolio(report: PortfolioReport, format: Format, *, color: bool = False) -> str:
    """The portfolio report in one format; `color` only affects the terminal table."""
    match format:
        case "json":
            from promisecheck.report import portfolio_json

            return portfolio_json.render(report)
        case "markdown":
            from promisecheck.report import portfolio_markdown

            return portfolio_markdown.render(report)
        case "table":
            from promisecheck.report import portfolio_table

            return portfolio_table.render(report, color=color)
        case "html":
            raise ValueError(HTML_PORTFOLIO)
        case _:
            assert_never(format)


def render_deal(deal: DealEstimate, format: Format, *, color: bool = False) -> str:
    """A deal estimated against the portfolio, in one format."""
    match format:
        case "json":
            from promisecheck.report import portfolio_json

            return portfolio_json.render_deal(deal.assessment, deal.impact, deal.levers)
        case "markdown":
            from promisecheck.report import portfolio_markdown

            return portfolio_markdown.render_deal(deal.assessment, deal.impact, deal.levers)
        case "table":
            from promisecheck.report import portfolio_table

            return portfolio_table.render_deal(
                deal.assessment, deal.impact, deal.levers, color=color
            )
        case "html":
            raise ValueError(HTML_PORTFOLIO)
        case _:
            assert_never(format)
