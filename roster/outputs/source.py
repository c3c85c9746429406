"""An output folder as the reports read it: its tables, the labels people read, the booking list.

The reports (Excel, HTML, calendars) are made from the folder alone, so that they can be made
again later (`roster report`) from exactly what the solve wrote.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models import bundled_bodies
from roster.frames import rows, totals
from roster.labels import BOOKING_LABELS, CHANGE_LABELS, STATUS_LABELS, people_labels, short_body_name
from roster.outputs.bookings import Block, make_blocks, read_blocks
from roster.outputs.folder import DATA_FILES, FolderError, read_tables, solved_from
from roster.outputs.schema import REPORT_KEYS, WRITTEN, table_problems
from roster.solving.result import Status

if TYPE_CHECKING:
    import pandas as pd

OPTIONAL = ("bookings.csv",)
"""Data files a folder written by an earlier version may lack: the reports make them again."""


class ReportError(ValueError):
    """The folder is not a solved output folder."""


class NoRosterError(ReportError):
    """The folder holds no roster: the solve that wrote it found none. Not bad input: the
    scenario could not be met (the command exits 1, as the solve did)."""


@dataclass
class ReportData:
    """The tables of one output folder, and what the reports derive from them."""

    folder: Path
    roster: pd.DataFrame
    inspections: pd.DataFrame
    accommodation: pd.DataFrame
    weeks: pd.DataFrame
    summary: dict[str, Any]
    people: pd.DataFrame | None
    bodies: dict[str, dict[str, Any]]
    bookings: pd.DataFrame | None = None
    now: dt.datetime | None = field(default=None, repr=False)
    booking_changes: pd.DataFrame | None = (
        None  # booking-changes.csv, when the roster replans a published one
    )
    changes: pd.DataFrame | None = None  # changes.csv, when the roster replans a published one

    @cached_property
    def told(self) -> list[dict[str, str]]:
        """Who to tell: each change to the published roster (changes.csv) in words, for the
        workbook's Changes sheet and the page's list alike."""
        if self.changes is None:
            return []
        return [
            {
                "name": str(r.name) or self.labels.get(str(r.secondee), str(r.secondee)),
                "change": CHANGE_LABELS.get(str(r.change), str(r.change)),
                "body_name": str(r.body_name) or str(r.inspection),
                "before": str(r.week_before),
                "now": str(r.week_after),
                "booking": BOOKING_LABELS.get(str(r.booking), str(r.booking)),
                "secondee": str(r.secondee),
                "inspection": str(r.inspection),
            }
            for r in rows(self.changes)
        ]

    @cached_property
    def mondays(self) -> list[str]:
        return sorted(set(self.weeks["week"]))

    @cached_property
    def secondees(self) -> list[str]:
        """Every secondee, in the scenario's order."""
        return list(dict.fromkeys(self.weeks["secondee"]))

    @cached_property
    def labels(self) -> dict[str, str]:
        """The label people read for each secondee (`roster.labels.people_labels`)."""
        names: dict[str, str] = {}
        if self.people is not None:
            names = dict(
                zip(self.people["secondee"].astype(str), self.people["name"].astype(str), strict=True)
            )
        return people_labels((s, names.get(s, "")) for s in self.secondees)

    def label(self, secondee: str) -> str:
        return self.labels.get(secondee, secondee)

    def body_name(self, body: str) -> str:
        return str(self.bodies.get(body, {}).get("name") or body)

    def short_name(self, body: str) -> str:
        return short_body_name(self.body_name(body))

    @cached_property
    def body_of(self) -> dict[str, str]:
        """The body of each inspection."""
        return dict(zip(self.inspections["inspection"], self.inspections["body"], strict=True))

    @cached_property
    def activity(self) -> dict[tuple[str, str], str]:
        """What each secondee does each week (weeks.csv): an inspection id, or an activity."""
        w = self.weeks
        return dict(zip(zip(w["secondee"], w["week"], strict=True), w["activity"], strict=True))

    @cached_property
    def arrangement(self) -> dict[tuple[str, str], str]:
        """The arrangement of each (secondee, inspection) of the roster."""
        return {(r.secondee, r.inspection): r.arrangement for r in rows(self.roster)}

    @cached_property
    def team(self) -> dict[str, list[str]]:
        """The secondees of each inspection, in roster.csv's order."""
        out: dict[str, list[str]] = {}
        for s, i in zip(self.roster["secondee"], self.roster["inspection"], strict=True):
            out.setdefault(str(i), []).append(str(s))
        return out

    @cached_property
    def assignments_of(self) -> dict[str, list[Any]]:
        """Each secondee's rows of roster.csv."""
        out: dict[str, list[Any]] = {}
        for r in rows(self.roster):
            out.setdefault(str(r.secondee), []).append(r)
        return out

    @cached_property
    def stays_of(self) -> dict[str, list[Any]]:
        """Each secondee's rows of accommodation.csv."""
        out: dict[str, list[Any]] = {}
        for r in rows(self.accommodation):
            out.setdefault(str(r.secondee), []).append(r)
        return out

    @cached_property
    def blocks(self) -> list[Block]:
        """The hotel booking list: bookings.csv, or made from accommodation.csv for an older folder."""
        if self.bookings is not None:
            return read_blocks(self.bookings)
        names = {b: self.body_name(b) for b in self.bodies}
        return make_blocks(self.accommodation, self.labels, names)

    @property
    def deterministic(self) -> bool:
        solver = self.summary.get("solver")
        return isinstance(solver, dict) and bool(solver.get("deterministic"))

    @cached_property
    def stamp(self) -> dt.datetime:
        """When the reports are written (UTC): now, or in deterministic mode midnight of the first
        Monday of the horizon, so that two deterministic runs write identical files."""
        if self.deterministic and self.mondays:
            return dt.datetime.combine(dt.date.fromisoformat(self.mondays[0]), dt.time(0), tzinfo=dt.UTC)
        return (self.now or dt.datetime.now(dt.UTC)).replace(microsecond=0)

    def per_secondee(self) -> list[SecondeeUse]:
        """Inspections, target, hotel nights and costs of each secondee, in the scenario's order."""
        roster = self.roster
        nights = totals(self.accommodation, "secondee", "nights")
        hotel_cost = totals(self.accommodation, "secondee", "cost")
        trip = totals(roster, "secondee", "trip_minutes")
        cost = totals(roster, "secondee", "cost")
        count = roster["secondee"].value_counts().to_dict() if len(roster) else {}
        targets = {u["secondee"]: u["target"] for u in self.summary.get("use", [])}
        out = []
        for s in self.secondees:
            lo, hi = targets.get(s, [0, 0])
            out.append(
                SecondeeUse(
                    secondee=s,
                    label=self.label(s),
                    inspections=int(count.get(s, 0)),
                    target_min=int(lo),
                    target_max=int(hi),
                    hotel_nights=nights.get(s, 0),
                    hotel_cost=hotel_cost.get(s, 0),
                    travel_hours=round(trip.get(s, 0) / 60, 1),
                    cost=cost.get(s, 0),
                )
            )
        return out


@dataclass(frozen=True)
class SecondeeUse:
    """One secondee's inspections against their target, and what they cost in hotels and travel."""

    secondee: str
    label: str
    inspections: int
    target_min: int
    target_max: int
    hotel_nights: int
    hotel_cost: int
    travel_hours: float
    cost: int

    @property
    def verdict(self) -> str:
        """`below`, `above` or `within` the target range."""
        if self.inspections < self.target_min:
            return "below"
        return "above" if self.inspections > self.target_max else "within"


def _complete(folder: Path, tables: dict[str, Any]) -> None:
    """Every column and summary key the reports show is there (a folder written by a solve has
    them all; a hand-made or much older one may not)."""
    problems = [
        f"{name}.csv: {problem}"
        for name, table in tables.items()
        if name in WRITTEN
        for problem in table_problems(name, table, WRITTEN[name])
    ]
    summary = tables.get("summary")
    if summary is None:
        problems.append("summary.json is missing")
    else:
        missing = [key for key in REPORT_KEYS if key not in summary]
        if missing:
            problems.append(f"summary.json lacks {', '.join(missing)}")
    if problems:
        raise ReportError(
            f"{folder} is not a folder `roster solve` wrote, so the reports cannot be made from it:\n"
            + "\n".join(f"  {p}" for p in problems)
        )


def _holds_roster(folder: Path, summary: dict[str, Any]) -> None:
    """Refuse a folder whose solve found no roster: its empty tables are not a plan to report."""
    status = str(summary.get("status"))
    if status in {s.value for s in Status if s.has_roster}:
        return
    lines = [
        f"{folder} holds no roster ({STATUS_LABELS.get(status, f'status {status}')}): the solve that"
        " wrote it found none, so there is nothing to report; no file was written"
    ]
    why = summary.get("infeasibility")
    file = solved_from(summary)
    named = f" {file}" if file is not None else ""
    again = f"`roster solve{named} --out {folder} --report`"
    if isinstance(why, dict) and isinstance(why.get("message"), str):
        lines += [why["message"], f"Once the scenario can be met, solve it again: {again}."]
    elif status == Status.UNKNOWN:
        lines.append(f"Solve again with a longer --time-limit: {again}.")
    else:
        lines.append(f"Solve again ({again}): the solve says which requirements conflict.")
    raise NoRosterError("\n".join(lines))


def load(folder: Path, now: dt.datetime | None = None) -> ReportData:
    """Read an output folder written by `roster solve`.

    Raises
    ------
    NoRosterError
        When the folder's solve found no roster (`summary.json` `status` infeasible or unknown).
    ReportError
        When the folder is not one `roster solve` wrote, or a file of it cannot be read.
    """
    missing = [name for name in DATA_FILES if name not in OPTIONAL and not (folder / name).exists()]
    if missing:
        raise ReportError(f"{folder} is not a solved output folder: missing {', '.join(missing)}")
    try:
        tables = read_tables(folder)
    except FolderError as exc:
        raise ReportError(str(exc)) from None
    if "summary" in tables:
        _holds_roster(folder, tables["summary"])
    _complete(folder, tables)
    bodies = {b.id: b.model_dump() for b in bundled_bodies()}
    if "bodies" in tables:
        for row in rows(tables["bodies"]):
            bodies[str(row.id)] = {**row._asdict(), "lat": float(row.lat), "lon": float(row.lon)}
    return ReportData(
        folder,
        tables["roster"],
        tables["inspections"],
        tables["accommodation"],
        tables["weeks"],
        tables["summary"],
        tables.get("people"),
        bodies,
        tables.get("bookings"),
        now,
        tables.get("booking-changes"),
        tables.get("changes"),
    )
