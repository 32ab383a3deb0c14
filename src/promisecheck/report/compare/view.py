"""The compare report in words: one row per figure, one cell per version, deltas spelt out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from promisecheck.assess.analysis import Assessment
from promisecheck.commands.compare import BASELINE, Column, Comparison, Delta, Direction
from promisecheck.report._kit import words

UP, DOWN = "▲", "▼"


@dataclass(frozen=True, kw_only=True)
class Cell:
    """A version's figure, and how it moved against the baseline."""

    value: str
    delta: str = ""  # "▲ 20.4 pts, better"; empty for the baseline and for text rows
    tone: Direction | None = None


@dataclass(frozen=True, kw_only=True)
class Row:
    label: str
    cells: tuple[Cell, ...]


def title(c: Comparison) -> str:
    """`Acme web shop: baseline and 4 scenarios` or `Acme web shop: 2 versions`."""
    name = c.baseline.assessment.project
    others = len(c.columns) - 1
    if c.baseline.label == BASELINE:
        return f"{name}: baseline and {others} scenario{'s' if others != 1 else ''}"
    return f"{name}: {len(c.columns)} versions"


def simulated(c: Comparison) -> str:
    return (
        f"{c.trials:,} trials, seed {c.seed}, in every column: an item that did not change "
        "keeps its random draws, so a difference is the change, not noise."
    )


def headlines(c: Comparison) -> list[tuple[str, str]]:
    """Each version's verdict as the sentence the estimate report starts with."""
    return [(column.label, words.headline(column.assessment)) for column in c.columns]


def _worded(delta: Delta, amount: str) -> str:
    """`same`, or the arrow, the amount and whether the move is better or worse."""
    if delta.direction == "same":
        return "same"
    return f"{UP if delta.change > 0 else DOWN} {amount}, {delta.direction}"


def probability_delta(delta: Delta) -> str:
    return _worded(delta, f"{abs(delta.change) * 100:.1f} pts")


def days_delta(delta: Delta) -> str:
    days = round(abs(delta.change))
    unit = "day" if days == 1 else "days"
    when = "later" if delta.change > 0 else "earlier"
    return _worded(delta, f"{days} {unit} {when}")


def hours_delta(delta: Delta) -> str:
    return _worded(delta, f"{words.hours(abs(delta.change))} h")


def money_delta(delta: Delta) -> str:
    return _worded(delta, words.money(abs(delta.change)))


def _figure_row(
    c: Comparison,
    label: str,
    key: str,
    value: Callable[[Assessment], str],
    phrase: Callable[[Delta], str],
) -> Row:
    cells = []
    for column in c.columns:
        delta = column.deltas.get(key)
        cells.append(
            Cell(
                value=value(column.assessment),
                delta=phrase(delta) if delta is not None else "",
                tone=delta.direction if delta is not None else None,
            )
        )
    return Row(label=label, cells=tuple(cells))


def _text_row(c: Comparison, label: str, value: Callable[[Column], str]) -> Row:
    return Row(label=label, cells=tuple(Cell(value=value(column)) for column in c.columns))


NONE = words.DASH  # a cell with nothing to show
MINUS = "\N{MINUS SIGN}"


def _listed(ids: tuple[str, ...]) -> str:
    return ", ".join(ids) if ids else NONE


def _team(column: Column) -> str:
    s = column.scope
    text = f"{s.members} {'person' if s.members == 1 else 'people'}"
    marks = [f"+ {n}" for n in s.members_added] + [f"{MINUS} {n}" for n in s.members_removed]
    marks += [f"~ {n}" for n in s.members_changed]
    return f"{text} ({', '.join(marks)})" if marks else text


def _date_of(c: Comparison, column: Column, attribute: str) -> str:
    value = getattr(column.assessment, attribute)
    moved = value != getattr(c.baseline.assessment, attribute)
    return words.day(value) + (" (moved)" if moved else "")


def _on_time(a: Assessment) -> str:
    return words.percent(a.on_time_probability)


def _target_date(a: Assessment) -> str:
    return words.maybe_day(a.target_date)


def _finish(key: str) -> Callable[[Assessment], str]:
    def show(a: Assessment) -> str:
        return words.maybe_day(a.finish.get(key)) if words.show_estimates(a) else NONE

    return show


def _effort(key: str) -> Callable[[Assessment], str]:
    def show(a: Assessment) -> str:
        return words.hours(a.effort_hours[key]) if words.show_estimates(a) else NONE

    return show


def _money(name: str, key: str) -> Callable[[Assessment], str]:
    def show(a: Assessment) -> str:
        values = a.cost if name == "cost" else a.margin
        if values is None or not words.show_estimates(a):
            return NONE
        return words.margin(values[key]) if name == "margin" else words.money(values[key])

    return show


def _scope_list(field: str) -> Callable[[Column], str]:
    def show(column: Column) -> str:
        ids: tuple[str, ...] = getattr(column.scope, field)
        return _listed(ids)

    return show


def rows(c: Comparison) -> list[Row]:
    """Every row of the comparison, top to bottom; rows nobody differs on are left out."""
    columns = c.columns
    out = [_text_row(c, "Deadline", lambda col: _date_of(c, col, "deadline"))]
    if any(col.assessment.start != c.baseline.assessment.start for col in columns):
        out.append(_text_row(c, "Start", lambda col: _date_of(c, col, "start")))
    out.append(_text_row(c, "Team", _team))
    out.append(_text_row(c, "Scope", lambda col: f"{col.scope.items} items"))
    for label, field in (
        ("Removed", "removed"),
        ("Added", "added"),
        ("Re-estimated", "reestimated"),
        ("Changed", "changed"),
    ):
        if any(getattr(col.scope, field) for col in columns):
            out.append(_text_row(c, label, _scope_list(field)))
    out.append(_figure_row(c, "On time", "on_time_probability", _on_time, probability_delta))
    targets = {col.assessment.target_confidence for col in columns}
    reached = (
        f"{words.target(min(targets))} reached by" if len(targets) == 1 else "Target reached by"
    )
    out.append(_figure_row(c, reached, "target_date", _target_date, days_delta))
    for key in ("p50", "p85"):
        out.append(
            _figure_row(c, f"{key.upper()} finish", f"finish_{key}", _finish(key), days_delta)
        )
    for key in ("p50", "p85"):
        label = f"Effort {key.upper()} (h)"
        out.append(_figure_row(c, label, f"effort_{key}", _effort(key), hours_delta))
    currency = c.baseline.assessment.currency
    if any(col.assessment.cost is not None for col in columns):
        for name in ("cost", "margin"):
            for key in ("p50", "p85"):
                label = words.unit(f"{name.capitalize()} {key.upper()}", currency)
                out.append(_figure_row(c, label, f"{name}_{key}", _money(name, key), money_delta))
    out.append(_text_row(c, "Verdict", lambda col: words.verdict_word(col.assessment)))
    if any(col.limits for col in columns):
        out.append(_text_row(c, "Deal's limits", _limits))
    if any(col.breaks is not None for col in columns):
        out.append(_text_row(c, "Breaks", lambda col: ", ".join(col.breaks or ()) or "no one"))
    return out


def _limits(column: Column) -> str:
    """What a version breaks of its spec's [levers], or a dash."""
    said = {
        "date-fixed": "moves a fixed date",
        "scope-fixed": "cuts a fixed scope",
        "below-margin": "margin below the floor",
    }
    return "; ".join(said[breach] for breach in column.limits) or NONE
