"""What the terminal shows: the roster, the accommodation plan, the use of each secondee and the cost.

The CLI (`cli.py`) parses arguments and calls these; they only print.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from roster.labels import BOOKING_LABELS, CHANGE_LABELS, COST_TERM_LABELS, STATUS_LABELS
from roster.outputs.tables import Tables
from roster.solving import Progress

if TYPE_CHECKING:
    from models import Scenario
    from roster.workflows.replace import Repair


def progress_printer(console: Console) -> Callable[[Progress], None]:
    """A line per improvement of the roster or of the bound."""
    last: list[float] = []

    def report(step: Progress) -> None:
        if last and (step.objective, step.bound) == (last[0], last[1]):
            return
        last[:] = [step.objective, step.bound]
        console.print(
            f"  {step.seconds:7.2f}s  objective £{step.objective:,.0f}  bound £{step.bound:,.0f}  gap {step.gap:.2%}",
            highlight=False,
        )

    return report


def pounds(value: float | None) -> str:
    return "-" if value is None else f"£{value:,.0f}"


def show_roster(console: Console, tables: Tables, wide: Console | None = None) -> None:
    """Print the grid, the accommodation plan, the use of each secondee, costs and shortfalls."""
    scenario = tables.scenario
    grid = Table(
        "secondee", *[m.strftime("%d %b") for m in scenario.mondays], title="Roster (inspection by week)"
    )
    short = {"off": "[dim]·[/]", "away": "[magenta]away[/]", "training": "[cyan]train[/]", "not_seconded": ""}
    for secondee, rows in tables.weeks.groupby("secondee", sort=False):
        grid.add_row(str(secondee), *[short.get(a, f"[bold]{a}[/]") for a in rows["activity"]])
    (wide or console).print(grid)
    plan = Table(
        "secondee",
        "inspection",
        "hotel near",
        "check in",
        "check out",
        "nights",
        "why",
        title="Accommodation plan",
    )
    for row in tables.accommodation.itertuples():
        plan.add_row(
            str(row.secondee),
            str(row.inspection),
            str(row.hotel_near),
            str(row.check_in),
            str(row.check_out),
            str(row.nights),
            str(row.reason),
        )
    console.print(plan)
    summary = tables.summary
    use = Table("secondee", "inspections", "target", "", title="Use of each secondee")
    for item in summary["use"]:
        lo, hi = item["target"]
        n = item["inspections"]
        flag = "[yellow]under-used[/]" if n < lo else "[red]over-used[/]" if n > hi else ""
        use.add_row(item["secondee"], str(n), f"{lo}-{hi}", flag)
    console.print(use)
    costs = Table("term", "pounds", title="Cost")
    for term, value in summary["cost_terms"].items():
        costs.add_row(COST_TERM_LABELS[term], pounds(value))
    costs.add_row("[bold]objective[/]", f"[bold]{pounds(summary['objective'])}[/]")
    console.print(costs)
    gap = summary["gap"]
    console.print(
        f"Status {STATUS_LABELS[summary['status']]}; best bound {pounds(summary['best_bound'])};"
        f" gap {'-' if gap is None else f'{gap:.2%}'};"
        f" {summary['hotel_nights']} hotel nights ({pounds(summary['hotel_cost'])}); {summary['travel_hours']} travel hours;"
        f" {summary['inspections_fully_staffed']}/{summary['inspections']} inspections fully staffed.",
        highlight=False,
    )
    for item in tables.shortfalls:
        console.print(f"[red]shortfall:[/] {escape(item.reason)}", highlight=False)


def show_changes(console: Console, tables: Tables) -> None:
    """What must be done since the published roster: who joins, leaves or moves, and the bookings."""
    changes = tables.changes
    summary = tables.summary.get("baseline", {})
    moved = summary.get("moved_inspections", [])
    counts = {str(k): int(n) for k, n in changes["change"].value_counts().items()}
    said = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))  # "1 joined, 2 left"
    first = summary.get("frozen_before")
    console.print(
        f"Against the published roster ({escape(str(summary.get('roster')))}"
        f"{f', frozen before {first}' if first else ''}): {len(changes)} change(s){f' ({said})' if said else ''},"
        f" {len(moved)} inspection(s) moved{': ' + escape(', '.join(moved)) if moved else ''}.",
        highlight=False,
    )
    if not len(changes):
        return
    table = Table(
        "who", "inspection", "before", "after", "change", "hotel", title="Changes to the published roster"
    )
    for row in changes.itertuples():
        stay = ""
        if row.booking in ("cancel", "amend"):
            stay += f"{row.check_in_before} to {row.check_out_before}"
        if row.booking == "amend":
            stay += " → "
        if row.booking in ("book", "amend"):
            stay += f"{row.check_in_after} to {row.check_out_after}"
        table.add_row(
            escape(str(row.name)),
            escape(f"{row.inspection} ({row.body_name})"),
            str(row.week_before) or "-",
            str(row.week_after) or "-",
            CHANGE_LABELS[str(row.change)],
            escape(BOOKING_LABELS[str(row.booking)] + (f": {stay}" if stay else "")),
        )
    console.print(table)


def show_repairs(console: Console, found: list[Repair], scenario: Scenario) -> None:
    """The repairs offered, best first: who takes the place, what it costs, what it changes."""
    names = {p.id: p.label for p in scenario.secondees}
    table = Table(
        "", "instead", "cost", "more than now", "changes", "inspections moved", title="Repairs, best first"
    )
    for r in found:
        short = any(x.places or x.experienced_missing for x in r.tables.shortfalls if x.inspection in r.taken)
        nobody = "nobody: a place is left short" if short else "nobody needed: the team is still big enough"
        who = ", ".join(names.get(s, s) for s in r.instead) or nobody
        moved = (r.tables.summary.get("baseline") or {}).get("moved_inspections", [])
        kinds = Counter(c.change for c in r.changes)
        table.add_row(
            str(r.rank),
            escape(who),
            pounds(r.result.objective) + ("" if r.result.status == "optimal" else " (not proven)"),
            f"{'+' if r.extra >= 0 else '-'}£{abs(r.extra):,}",
            f"{len(r.changes)} ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))})",
            escape(", ".join(moved)) or "none",
        )
    console.print(table)
