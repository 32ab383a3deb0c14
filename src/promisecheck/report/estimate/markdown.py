"""The Markdown report, for pull-request comments and `$GITHUB_STEP_SUMMARY`."""

from __future__ import annotations

from collections.abc import Sequence

from promisecheck.assess.analysis import Assessment
from promisecheck.report._kit import words
from promisecheck.report.estimate import evidence
from promisecheck.report.estimate import menu as menu_words

# Any ASCII punctuation may be backslash-escaped in CommonMark; these are the ones that could
# turn a project name or an item title into emphasis, a link, HTML or a table cell break.
SPECIAL = set("\\`*_[]<>#~|&")


def render(a: Assessment) -> str:
    """The whole report as GitHub-flavoured Markdown; HTML only for one `<details>` fold."""
    parts = [
        f"### {text(a.project)}: {words.verdict_word(a)}",
        prose(words.headline(a)),
        _summary(a),
    ]
    if a.compromises is not None:
        parts.append(_compromises(a))
    if words.show_estimates(a):
        parts.append(_percentiles(a))
        parts += _evidence(a)
    parts.append(_skills(a))
    setters = words.what_sets_the_date(a)
    if setters:
        parts.append("#### What sets the date\n\n" + "\n".join(f"- {prose(s)}" for s in setters))
    if words.show_estimates(a):
        parts += [_chart(a), _details(a)]
    warnings = menu_words.warnings(a)
    if warnings:
        parts.append("#### Warnings\n\n" + "\n".join(f"- {prose(w)}" for w in warnings))
    return "\n\n".join(parts) + "\n"


def _evidence(a: Assessment) -> list[str]:
    """The history behind the efforts and what each risk does to the odds."""
    parts = []
    if a.history is not None:
        lines = [f"- {prose(line)}" for line in evidence.pools(a.history)]
        parts.append(
            "#### Estimates corrected by history\n\n"
            f"{prose(evidence.history_line(a.history))}. {evidence.pool_note(a.history)}\n\n"
            + "\n".join(lines)
        )
    if a.risks:
        rows = [
            f"| {text(r.id)} | {r.chance} | {r.happened} | {r.cost} | {r.without} | {r.change} |"
            for r in evidence.risk_rows(a)
        ]
        parts.append(
            "#### Risks\n\n"
            "| Risk | Chance | Happened | When it happens | On time without | Change |\n"
            "|---|--:|--:|---|--:|--:|\n" + "\n".join(rows) + f"\n\n{evidence.RISK_NOTE}"
        )
    return parts


def _compromises(a: Assessment) -> str:
    menu = a.compromises
    assert menu is not None
    lines = [f"#### What would make it hold\n\n{prose(menu_words.note(menu))}"]
    if menu.options:
        header = list(menu_words.HEADER)
        header[6], header[7] = words.unit(header[6], a.currency), words.unit(header[7], a.currency)
        cells = [[prose(c) for c in row.__dict__.values()] for row in menu_words.rows(menu)]
        right = [k in (0, 3, 6, 7) for k in range(len(header))]
        lines.append(table(header, cells, right))
        for heading, numbered in menu_words.grouped(menu, a.currency):
            lines.append(
                f"{prose(heading)}\n\n" + "\n".join(f"{n}. {prose(line)}" for n, line in numbered)
            )
    if menu.not_offered:
        lines.append(
            "Not offered:\n\n"
            + "\n".join(
                f"- {prose(menu_words.not_offered(n, menu, a.currency))}" for n in menu.not_offered
            )
        )
    notes = [menu_words.lever(r, menu) for r in menu.levers]
    notes += [menu_words.price(menu, a.currency), menu_words.per_week_later(menu)]
    lines += [prose(line) for line in notes if line]
    return "\n\n".join(lines)


def text(value: str) -> str:
    """User text shown literally: no Markdown, no HTML, one line."""
    escaped = "".join(f"\\{c}" if c in SPECIAL else c for c in value)
    return " ".join(escaped.splitlines())


def prose(value: str) -> str:
    """Our own sentences: `code` spans stay code, everything else is literal."""
    pieces = value.split("`")
    if len(pieces) % 2 == 0:  # an unmatched backtick: nothing is code
        return text(value)
    return "`".join(p if i % 2 else text(p) for i, p in enumerate(pieces))


def code(value: str) -> str:
    """An identifier as a code span; a `|` is escaped even there, or it would end the cell."""
    if "`" in value:
        return text(value)
    return f"`{value}`".replace("|", "\\|")


def table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> str:
    """A GFM table; cells must already be escaped (a `|` would end the cell)."""
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("--:" if r else "---" for r in right) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _summary(a: Assessment) -> str:
    lines = []
    if a.verdict == "infeasible":
        lines.append(f"- **Verdict:** {words.verdict_word(a)}: {words.verdict_meaning(a)}")
    else:
        on_time = f"{words.with_error(a)} by {words.day(a.deadline)}"
        goal = words.target(a.target_confidence)
        lines.append(f"- **On time:** {on_time} (target {goal}, one standard error)")
        must = words.precise_percent(a.must_on_time_probability)
        lines.append(f"- **Must items:** {must} on time")
    lines.append(f"- **Simulated:** {words.simulated(a)}")
    if a.client:
        lines.append(f"- **Client:** {text(a.client)}")
    return "\n".join(lines)


def _percentiles(a: Assessment) -> str:
    header = list(words.percentile_header(a))
    rows = [[*r.cells[:-1], _strong(r.cells[-1], r.loss)] for r in words.percentile_rows(a)]
    section = f"#### {words.percentiles_title(a)}\n\n" + table(
        [text(h) for h in header], rows, [False, False] + [True] * (len(header) - 2)
    )
    if a.cost is not None and a.price is not None:
        currency = f" {text(a.currency)}" if a.currency else ""
        section += f"\n\nPrice {words.money(a.price)}{currency}; margin is price minus cost."
    return section


def _skills(a: Assessment) -> str:
    rows = [
        [
            text(s.skill),
            words.hours(s.demand_hours),
            words.hours(s.capacity_hours),
            words.load(s.load),
            "**◀ bottleneck**" if s.bottleneck else "",
            text(", ".join(s.members) or "nobody"),
        ]
        for s in a.skills
    ]
    header = ["Skill", "Demand (h)", "Capacity (h)", "Load", "", "Members"]
    right = [False, True, True, True, False, False]
    return "#### Skills up to the deadline\n\n" + table(header, rows, right)


def _chart(a: Assessment) -> str:
    rows = words.chart(a)
    header = ("Finished", "", "Share", "By then", "")
    cells = [header] + [(r.dates, r.bar, r.share, r.cumulative, r.marks) for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    right = (False, False, True, True, False)
    lines = [
        "   ".join(
            cell.rjust(width) if r else cell.ljust(width)
            for cell, width, r in zip(row, widths, right, strict=True)
        ).rstrip()
        for row in cells
    ]
    note = words.chart_note(a)
    if note:
        lines.append(note)
    return f"#### When the {a.trials:,} trials finish\n\n```text\n" + "\n".join(lines) + "\n```"


def _details(a: Assessment) -> str:
    items, more = words.risky_items(a)
    item_rows = [
        [
            code(item.id),
            text(item.title or ""),
            item.priority,
            words.maybe_day(item.finish.get("p50")),
            words.maybe_day(item.finish.get("p85")),
            _strong(words.percent(item.on_time_probability), words.is_late(item, a)),
            words.percent(item.criticality),
        ]
        for item in items
    ]
    member_rows = [
        [
            text(m.name),
            words.hours(m.work_hours),
            words.hours(m.capacity_hours),
            words.load(m.utilisation),
            words.percent(m.chain_share),
            # No-break spaces: a code span would lose a leading or trailing plain space.
            code(words.sparkline(m.weekly).replace(" ", "\u00a0")) if m.weekly else "",
        ]
        for m in a.members
    ]
    parts = [f"<details>\n<summary>{_fold_summary(a, len(items) + more)}</summary>"]
    if item_rows:
        parts += [
            "**Items that set the finish date or risk the deadline**",
            table(
                ["Item", "Title", "Priority", "P50 finish", "P85 finish", "On time", "Critical"],
                item_rows,
                [False, False, False, False, False, True, True],
            ),
        ]
    if more:
        parts.append(text(words.more_items(more)))
    parts += [
        "**Members**",
        table(
            ["Member", "Item work (h)", "Available (h)", "Utilisation", "On chain", "Weekly load"],
            member_rows,
            [False, True, True, True, True, False],
        ),
        prose(words.ON_CHAIN_NOTE),
        "</details>",
    ]
    return "\n\n".join(parts)


def _fold_summary(a: Assessment, items: int) -> str:
    members = f"members ({len(a.members)})"
    return f"Items ({items}) and {members}" if items else members.capitalize()


def _strong(cell: str, strong: bool) -> str:
    return f"**{cell}**" if strong else cell
