"""Renderers: one module per output format, each `render(assessment) -> str`, no I/O, no maths."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, assert_never

if TYPE_CHECKING:
    from promisecheck.assess.analysis import Assessment
    from promisecheck.commands.calibrate import Calibration
    from promisecheck.commands.check import CheckReport
    from promisecheck.commands.compare import Comparison
    from promisecheck.commands.portfolio import DealEstimate, PortfolioReport

Format = Literal["table", "json", "markdown", "html"]
FORMATS: tuple[Format, ...] = ("table", "json", "markdown", "html")


def render(assessment: Assessment, format: Format, *, color: bool = False) -> str:
    """The report in one format; `color` only affects the terminal table."""
    match format:
        case "json":
            from promisecheck.report.estimate import json

            return json.render(assessment)
        case "markdown":
            from promisecheck.report.estimate import markdown

            return markdown.render(assessment)
        case "html":
            from promisecheck.report.html import estimate

            return estimate.render(assessment)
        case "table":
            from promisecheck.report.estimate import table

            return table.render(assessment, color=color)
        case _:
            assert_never(format)


def render_calibration(calibration: Calibration, format: Format, *, color: bool = False) -> str:
    """The calibrate report in one format; `color` only affects the terminal table."""
    match format:
        case "json":
            from promisecheck.report.calibrate import json as calibrate_json

            return calibrate_json.render(calibration)
        case "markdown":
            from promisecheck.report.calibrate import markdown as calibrate_markdown

            return calibrate_markdown.render(calibration)
        case "html":
            from promisecheck.report.html import calibrate

            return calibrate.render(calibration)
        case "table":
            from promisecheck.report.calibrate import table as calibrate_table

            return calibrate_table.render(calibration, color=color)
        case _:
            assert_never(format)


def render_comparison(comparison: Comparison, format: Format, *, color: bool = False) -> str:
    """The compare report in one format; `color` only affects the terminal table."""
    match format:
        case "json":
            from promisecheck.report.compare import json as compare_json

            return compare_json.render(comparison)
        case "markdown":
            from promisecheck.report.compare import markdown as compare_markdown

            return compare_markdown.render(comparison)
        case "html":
            from promisecheck.report.html import compare

            return compare.render(comparison)
        case "table":
            from promisecheck.report.compare import table as compare_table

            return compare_table.render(comparison, color=color)
        case _:
            assert_never(format)


def render_check(report: CheckReport, format: Format, *, color: bool = False) -> str:
    """The check report in one format; `color` only affects the terminal table."""
    match format:
        case "json":
            from promisecheck.report.check import json as check_json

            return check_json.render(report)
        case "markdown":
            from promisecheck.report.check import markdown as check_markdown

            return check_markdown.render(report)
        case "html":
            from promisecheck.report.html import check

            return check.render(report)
        case "table":
            from promisecheck.report.check import table as check_table

            return check_table.render(report, color=color)
        case _:
            assert_never(format)


def render_portfolio(report: PortfolioReport, format: Format, *, color: bool = False) -> str:
    """The portfolio report in one format; `color` only affects the terminal table."""
    match format:
        case "json":
            from promisecheck.report.portfolio import json as portfolio_json

            return portfolio_json.render(report)
        case "markdown":
            from promisecheck.report.portfolio import markdown as portfolio_markdown

            return portfolio_markdown.render(report)
        case "table":
            from promisecheck.report.portfolio import table as portfolio_table

            return portfolio_table.render(report, color=color)
        case "html":
            from promisecheck.report.html import portfolio

            return portfolio.render(report)
        case _:
            assert_never(format)


def render_deal(deal: DealEstimate, format: Format, *, color: bool = False) -> str:
    """A deal estimated against the portfolio, in one format."""
    match format:
        case "json":
            from promisecheck.report.portfolio import json as portfolio_json

            return portfolio_json.render_deal(deal.assessment, deal.impact, deal.levers)
        case "markdown":
            from promisecheck.report.portfolio import markdown as portfolio_markdown

            return portfolio_markdown.render_deal(deal.assessment, deal.impact, deal.levers)
        case "table":
            from promisecheck.report.portfolio import table as portfolio_table

            return portfolio_table.render_deal(
                deal.assessment, deal.impact, deal.levers, color=color
            )
        case "html":
            from promisecheck.report.html import portfolio

            return portfolio.render_deal(deal)
        case _:
            assert_never(format)
