"""The calibrate report in Markdown, for a pull request or a wiki page."""

from __future__ import annotations

from promisecheck.commands.calibrate import Calibration, RatioSummary
from promisecheck.report._kit import notices
from promisecheck.report.calibrate import view as words
from promisecheck.report.estimate.markdown import text


def render(c: Calibration) -> str:
    """The whole calibrate report as GitHub-flavoured Markdown."""
    parts = [
        f"### How this team estimates: {text(c.source)}",
        f"**{words.headline(c)}**",
        "\n".join(
            [
                f"- Tasks: {c.records:,}",
                f"- Ratio: {words.summary_line(c)}",
                f"- Over estimate: {words.percent(c.over_share)} of tasks",
                f"- Hours: {words.hours(c.estimate_hours)} estimated, "
                f"{words.hours(c.actual_hours)} actual",
            ]
        ),
    ]
    parts.append(_findings(c))
    if c.by_skill:
        parts.append(_groups("By skill", "Skill", c.by_skill))
    if c.by_person:
        parts.append(_groups("By person", "Person", c.by_person))
    if c.trend:
        parts.append(_trend(c))
    parts.append(_chart(c))
    if c.warnings:
        parts.append(
            "#### Warnings\n\n" + "\n".join(f"- {text(w)}" for w in notices.notices(c.warnings))
        )
    return "\n\n".join(parts) + "\n"


def _findings(c: Calibration) -> str:
    rows = ["#### What the history model found", ""]
    rows += [f"- {label}: {text(sentence)}" for label, sentence in words.findings(c.model)]
    rows += [
        "",
        "| Pool | Tasks | Size β | Typical hours by estimate |",
        "| --- | ---: | ---: | --- |",
    ]
    rows += [
        f"| {text(words.pool_label(p))} | {p.records:,} | {words.pool_beta(p)} "
        f"| {words.pool_examples(p)} |"
        for p in c.model.pools
    ]
    return "\n".join(rows)


def _groups(title: str, name: str, groups: tuple[RatioSummary, ...]) -> str:
    rows = [
        f"#### {title}",
        "",
        f"| {name} | Tasks | Median | P85 | P95 | Forecasts |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    rows += [
        f"| {text(g.name)} | {g.records:,} | {words.times(g.median)} | {words.times(g.p85)} "
        f"| {words.times(g.p95)} | {words.pool(g)} |"
        for g in groups
    ]
    return "\n".join(rows)


def _trend(c: Calibration) -> str:
    rows = ["#### Over time", ""]
    if (trend := words.trend_line(c)) is not None:
        rows += [trend, ""]
    rows += ["| Period | Tasks | Median | P85 |", "| --- | ---: | ---: | ---: |"]
    rows += [
        f"| {p.label} | {p.records:,} | {words.times(p.median)} | {words.times(p.p85)} |"
        for p in c.trend
    ]
    return "\n".join(rows)


def _chart(c: Calibration) -> str:
    largest = max(b.share for b in c.chart)
    lines = [
        f"{words.bin_label(b):>14}  {words.bar(b.share, largest):<{words.BAR_WIDTH + 1}} "
        f"{words.percent(b.share):>5}"
        for b in c.chart
    ]
    return (
        "#### How long tasks took against their estimate\n\n```text\n" + "\n".join(lines) + "\n```"
    )
