"""What the terminal shows after a solve: a summary that fits the terminal, and the grid when asked.

The summary is a few narrow tables whatever the size of the scenario: per week the inspections,
the secondees on teams and the hotel rooms; per secondee their inspections against their target;
the hotel booking list's totals; the cost term by term in words; the shortfalls. The week-by-week
grid is printed whole when it fits the terminal, and otherwise month by month when asked for
(`roster solve --grid`). The CLI (`cli.py`) parses arguments and calls these; they only print.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import math
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from roster.labels import (
    ACTIVITY_LABELS,
    ARRANGEMENT_LABELS,
    BOOKING_LABELS,
    CHANGE_LABELS,
    COST_TERM_LABELS,
    FALLBACK_LABELS,
    STATUS_LABELS,
    short_body_name,
    week_label,
)
from roster.outputs import bookings
from roster.outputs.tables import Tables
from roster.solving import Progress

if TYPE_CHECKING:
    from models import Scenario
    from roster.workflows.replace import Repair

ARRANGEMENT_STYLES = {"commute": "green", "hotel": "blue", "hotel_night_before": "dark_orange"}
ARRANGEMENT_MARKS = {"commute": "", "hotel": "+", "hotel_night_before": "++"}
"""Before a body's name in the grid, so that the arrangement reads without colour too (a log, a
printout): `Kent` commutes, `+Kent` a hotel, `++Kent` a hotel from the night before."""
ACTIVITY_STYLES = {"off": "dim", "away": "magenta", "training": "cyan", "not_seconded": "dim"}
STYLES = {**ARRANGEMENT_STYLES, **ACTIVITY_STYLES}
OFF_MARK = "·"


PLAIN = {"£": "GBP ", "–": "-", "—": "-", "…": "...", "→": "->", "×": "x", "·": ".", "’": "'"}
"""What a terminal that cannot show a character gets instead (`LC_ALL=C`: ASCII only)."""


def _plain(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(PLAIN.get(c, "?") for c in bad), error.end


codecs.register_error("roster-plain", _plain)


def readable_streams() -> None:
    """Make stdout and stderr print anything: on a terminal whose encoding cannot show `£` (an
    ASCII locale), `£` becomes `GBP ` and other characters a plain equivalent or `?`, instead of
    the command stopping with an encoding error."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and codecs.lookup(stream.encoding).name != "utf-8":
            stream.reconfigure(errors="roster-plain")


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


def show_roster(console: Console, tables: Tables, grid: bool = False) -> None:
    """Print the summary of a solved roster; the grid too when it fits or when `grid` is asked for."""
    show_weeks(console, tables)
    view = Grid.of(tables)
    if view.width() <= console.width:
        console.print(view.table("Roster: who is where, week by week", range(len(view.mondays))))
        console.print(view.legend(), highlight=False)
    elif grid:
        for title, weeks in view.months():
            console.print(view.table(title, weeks, console.width))
        console.print(view.legend(), highlight=False)
    else:
        console.print(
            f"The week-by-week grid is {view.width()} columns wide, more than this terminal's"
            f" {console.width}: `--grid` prints it month by month; report.html and roster.xlsx hold it whole.",
            highlight=False,
            markup=False,
        )
    show_use(console, tables)
    show_bookings(console, tables)
    show_costs(console, tables)
    for item in tables.shortfalls:
        console.print(Text.assemble(("shortfall: ", "red"), item.reason))


def show_weeks(console: Console, tables: Tables) -> None:
    """Per week: the inspections (by body), the secondees on their teams, hotel rooms, nights, cost."""
    ins = tables.inspections_table
    running: dict[str, list[tuple[str, int, int]]] = {}
    for week, name, team, short, missing in zip(
        *(ins[c] for c in ("week", "body_name", "team_size", "shortfall", "experienced_missing")),
        strict=True,
    ):
        running.setdefault(str(week), []).append(
            (short_body_name(str(name)), int(team), int(short + missing))
        )
    blocks = {t.week: t for t, _ in bookings.by_week(tables.blocks)}
    table = Table(title="Week by week", title_justify="left")
    table.add_column("week", no_wrap=True)
    for heading in ("on\nteams", "hotel\nrooms", "room-\nnights", "hotel\ncost", "places\nshort"):
        table.add_column(heading, justify="right", no_wrap=True)
    table.add_column("inspections", ratio=1)
    for monday in tables.scenario.mondays:
        here = running.get(monday.isoformat(), [])
        booked = blocks.get(monday.isoformat(), bookings.totals([]))
        short = sum(n for _, _, n in here)
        table.add_row(
            week_label(monday),
            str(sum(team for _, team, _ in here)),
            str(booked.rooms),
            str(booked.room_nights),
            pounds(booked.cost),
            Text(str(short), style="red") if short else Text("0"),
            f"{len(here)}: {', '.join(name for name, _, _ in here)}" if here else "none",
        )
    console.print(table)


def show_use(console: Console, tables: Tables) -> None:
    """Inspections of each secondee against their target range, several secondees to a row."""
    use = tables.summary["use"]
    below = sum(1 for u in use if u["inspections"] < u["target"][0])
    above = sum(1 for u in use if u["inspections"] > u["target"][1])
    name_width = max([len(tables.labels[u["secondee"]]) for u in use] + [8])
    across = max(1, min(4, (console.width - 1) // (name_width + 18)))
    console.print(
        Text.assemble(
            ("Inspections per secondee against their target", "italic"),
            f": {len(use) - below - above} within, {below} below, {above} above",
        )
    )
    # Laid out here rather than by a rich Table (as one would lay it out, a space either side of
    # each cell): a year's 168 secondees took rich 60 ms to measure.
    down = math.ceil(len(use) / across)
    rows: list[list[Text]] = []
    for r in range(down):
        cells: list[Text] = []
        for c in range(across):
            n = c * down + r
            cells += _use_cells(tables, use[n]) if n < len(use) else [Text(), Text(), Text()]
        rows.append(cells)
    widths = [max(cell.cell_len for cell in column) for column in zip(*rows, strict=True)] if rows else []
    lines = []
    for cells in rows:
        line = Text()
        for k, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            gap = " " * (width - cell.cell_len)
            line.append(" ")
            line.append_text(Text(gap) + cell if k % 3 == 1 else cell + Text(gap))
            line.append(" ")
        lines.append(line)
    console.print(Text("\n").join(lines), no_wrap=True, crop=False)


def _use_cells(tables: Tables, item: dict[str, Any]) -> list[Text]:
    lo, hi = item["target"]
    n = int(item["inspections"])
    flag = Text("below", style="yellow") if n < lo else Text("above", style="red") if n > hi else Text("")
    target = Text(f"of {lo}–{hi} ") + flag
    return [Text(tables.labels[str(item["secondee"])]), Text(str(n)), target]


def show_bookings(console: Console, tables: Tables) -> None:
    total = bookings.totals(tables.blocks)
    console.print(
        f"Hotel bookings: {total.blocks:,} blocks (one per inspection team), {total.rooms:,} rooms,"
        f" {total.room_nights:,} room-nights, {pounds(total.cost)}; the list to send is bookings.csv.",
        highlight=False,
        markup=False,
    )


def show_costs(console: Console, tables: Tables) -> None:
    summary = tables.summary
    costs = Table("cost", "pounds", title="Cost", title_justify="left")
    costs.columns[1].justify = "right"
    for term, value in summary["cost_terms"].items():
        if term == "change" and not value and "baseline" not in summary:
            continue  # no published roster to change
        costs.add_row(COST_TERM_LABELS[term], pounds(value))
    costs.add_row(
        Text("total (the objective)", style="bold"), Text(pounds(summary["objective"]), style="bold")
    )
    console.print(costs)
    show_status(console, tables)


def show_status(console: Console, tables: Tables) -> None:
    """The summary line: the status, the bound and the gap, hotel nights, travel, staffing."""
    summary = tables.summary
    gap = summary["gap"]
    console.print(
        f"Status: {STATUS_LABELS[summary['status']]}; best bound {pounds(summary['best_bound'])};"
        f" gap {'-' if gap is None else f'{gap:.2%}'}; {summary['hotel_nights']:,} hotel nights"
        f" ({pounds(summary['hotel_cost'])}); {summary['travel_hours']:,} travel hours;"
        f" {summary['inspections_fully_staffed']} of {summary['inspections']} inspections fully staffed.",
        highlight=False,
        markup=False,
    )
    source = (summary.get("model") or {}).get("fallback")
    if source in FALLBACK_LABELS:
        console.print(
            f"The search stopped before its proof; the roster is {FALLBACK_LABELS[source]}.", highlight=False
        )


@dataclass
class Grid:
    """The week-by-week grid: one row per secondee, a cell per week (the body inspected, in short).

    Each cell is its text and its kind (an activity of weeks.csv, or the arrangement of an
    inspection), made into styled text only when a table is printed.
    """

    mondays: list[dt.date]
    names: list[str]
    cells: list[list[tuple[str, str]]]

    @classmethod
    def of(cls, tables: Tables) -> Grid:
        ins = tables.inspections_table
        body = dict(zip(ins["inspection"], ins["body_name"], strict=True))
        roster = tables.roster_table
        how = dict(
            zip(
                zip(roster["secondee"], roster["inspection"], strict=True), roster["arrangement"], strict=True
            )
        )
        weeks = tables.weeks_table
        activity = dict(
            zip(zip(weeks["secondee"], weeks["week"], strict=True), weeks["activity"], strict=True)
        )
        mondays = list(tables.scenario.mondays)
        people = [p.id for p in tables.scenario.secondees]
        short = {i: short_body_name(str(name)) for i, name in body.items()}
        marks = {"off": OFF_MARK, "not_seconded": "", "away": ACTIVITY_LABELS["away"]}
        marks["training"] = ACTIVITY_LABELS["training"]
        cells = []
        for s in people:
            row = []
            for monday in mondays:
                doing = str(activity[(s, monday.isoformat())])
                if doing in marks:
                    row.append((marks[doing], doing))
                else:
                    arrangement = str(how[(s, doing)])
                    row.append((ARRANGEMENT_MARKS.get(arrangement, "") + short[doing], arrangement))
            cells.append(row)
        return cls(mondays, [tables.labels[s] for s in people], cells)

    def header(self, week: int) -> str:
        return f"{self.mondays[week].day} {self.mondays[week]:%b}"

    def width(self) -> int:
        """Columns the whole grid takes with rich's default box: a border and two spaces a column."""
        widths = [max([len(n) for n in self.names] + [len("secondee")])]
        for w in range(len(self.mondays)):
            widths.append(max([len(row[w][0]) for row in self.cells] + [len(self.header(w))]))
        return 1 + sum(w + 3 for w in widths)

    def months(self) -> list[tuple[str, list[int]]]:
        """The weeks of each month (by the month of their Monday), with the month's name."""
        out: dict[str, list[int]] = {}
        for w, monday in enumerate(self.mondays):
            out.setdefault(f"{monday:%B %Y}", []).append(w)
        return list(out.items())

    def table(self, title: str, weeks: range | list[int], width: int | None = None) -> Table:
        """The grid for some weeks; secondees not seconded in any of them are left out.

        Within `width`, the names are kept whole and the weeks share the rest equally (a long
        body name is cut short, with an ellipsis).
        """
        names = max([len(n) for n in self.names] + [len("secondee")])
        cell = None if width is None else max(6, (width - 1 - (names + 3)) // max(1, len(weeks)) - 3)
        table = Table(title=escape(title), title_justify="left")
        table.add_column("secondee", no_wrap=True, min_width=names)
        for w in weeks:
            header = self.header(w)
            table.add_column(
                header,
                no_wrap=True,
                overflow="ellipsis",
                max_width=cell,
                min_width=None if cell is None else min(cell, len(header)),
            )
        for name, row in zip(self.names, self.cells, strict=True):
            shown = [row[w] for w in weeks]
            if any(text for text, _ in shown):
                table.add_row(Text(name), *[Text(text, style=STYLES[kind]) for text, kind in shown])
        return table

    def legend(self) -> Text:
        keys = [
            Text(f"{ARRANGEMENT_MARKS[k]}Body {ARRANGEMENT_LABELS[k]}", style=s)
            for k, s in ARRANGEMENT_STYLES.items()
        ]
        keys.append(Text(f"{OFF_MARK} {ACTIVITY_LABELS['off']}", style="dim"))
        return Text("Key: ") + Text("; ").join(keys)


def show_changes(console: Console, tables: Tables, table: bool = True) -> None:
    """What must be done since the published roster: who joins, leaves or moves, and the bookings
    (a line of counts, then, with `table`, every change)."""
    changes = tables.changes_table
    summary = tables.summary.get("baseline", {})
    moved = summary.get("moved_inspections", [])
    counts = {str(k): n for k, n in Counter(changes["change"]).items()}
    said = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))  # "1 joined, 2 left"
    first = summary.get("frozen_before")
    console.print(
        f"Against the published roster ({escape(str(summary.get('roster')))}"
        f"{f', frozen before {first}' if first else ''}): {len(changes)} change(s){f' ({said})' if said else ''},"
        f" {len(moved)} inspection(s) moved{': ' + escape(', '.join(moved)) if moved else ''}.",
        highlight=False,
    )
    notices = Counter(n.action for n in tables.booking_notices)
    if notices:
        console.print(
            "Hotel blocks: "
            + ", ".join(f"{n} to {k}" for k, n in sorted(notices.items()))
            + " (booking-changes.csv).",
            highlight=False,
        )
    if not len(changes) or not table:
        return
    listing = Table(
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
        listing.add_row(
            escape(str(row.name)),
            escape(f"{row.inspection} ({row.body_name})"),
            str(row.week_before) or "-",
            str(row.week_after) or "-",
            CHANGE_LABELS[str(row.change)],
            escape(BOOKING_LABELS[str(row.booking)] + (f": {stay}" if stay else "")),
        )
    console.print(listing)


def show_repairs(
    console: Console, found: list[Repair], scenario: Scenario, recorded: dict[str, Any] | None = None
) -> None:
    """The repairs offered, best first: who takes the place, what it costs, what it changes.

    `recorded`: the summary of the folder repaired, whose cost counts the changes of its own
    replan (when it was one) where "now" does not: the caption says so."""
    names = {p.id: p.label for p in scenario.secondees}
    now = (
        found[0].result.objective - found[0].extra
        if found and found[0].result.objective is not None
        else None
    )
    caption = None
    if now is not None:
        caption = f"“More than now” is against the roster in hand, {pounds(now)} as it stands (no changes to pay for)"
        stated = (recorded or {}).get("objective")
        terms = (recorded or {}).get("cost_terms") or {}
        paid = terms.get("change", 0) if isinstance(terms, dict) else 0
        if isinstance(stated, int) and stated != now and paid:
            caption += (
                f"; its summary's {pounds(stated)} also counts the {pounds(paid)} of changes and moves"
                " from the roster it replanned"
            )
        caption += "."
    table = Table(
        "",
        "instead",
        "cost",
        "more than now",
        "changes",
        "inspections moved",
        title="Repairs, best first",
        caption=caption,
        caption_justify="left",
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


def cell_text(value: object) -> str:
    """A figure as a table cell: `-` for none, thousands separated, two decimals for a fraction."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{int(value):,}" if value.is_integer() else f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def show_side_by_side(console: Console, result: dict[str, Any]) -> None:
    """The figures of each scenario compared (`roster.workflows.compare.comparison`) side by side,
    in as many tables as the terminal's width needs (each repeating the figures' names), rather
    than one table squeezed until its cells wrap."""
    labels = [result["labels"][key] for key in result["metrics"]]
    cells = [[cell_text(v) for v in values] for values in result["metrics"].values()]
    label_width = max(map(len, labels)) + 4
    widths = [
        max(len(name), *(len(row[n]) for row in cells)) + 3 for n, name in enumerate(result["scenarios"])
    ]
    groups: list[list[int]] = [[]]
    for n, width in enumerate(widths):
        if groups[-1] and label_width + sum(widths[m] for m in groups[-1]) + width + 1 > console.width:
            groups.append([])
        groups[-1].append(n)
    for part, group in enumerate(groups):
        title = "Scenarios side by side" + (f" ({part + 1} of {len(groups)})" if len(groups) > 1 else "")
        table = Table("", *[escape(result["scenarios"][n]) for n in group], title=title)
        for label, row in zip(labels, cells, strict=True):
            table.add_row(escape(label), *[escape(row[n]) for n in group])
        console.print(table)
