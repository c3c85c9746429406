"""`report.html`: one self-contained page, readable at any width and on paper.

The grid sits in its own scrolling pane with the secondees' names and the week headers held in
place; on paper it is split by month, one month to a page. The hotel booking list comes week by
week with its totals, each week kept on one page where it fits. The map draws the inspected HQs,
the homes and every journey, coloured by arrangement, with a legend in the North Sea. Names come
from planners' files, so everything is escaped (Jinja2 autoescaping). Nothing is fetched from the
network.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from importlib import resources
from pathlib import Path
from typing import Any

from roster.frames import rows
from roster.labels import (
    ACTIVITY_LABELS,
    ARRANGEMENT_LABELS,
    COST_TERM_LABELS,
    STATUS_LABELS,
    day_label,
    hours_minutes,
    week_label,
)
from roster.outputs.bookings import by_week, totals
from roster.outputs.excel import ACTIVITY_COLOURS, ARRANGEMENT_COLOURS
from roster.outputs.source import ReportData

WEST, EAST, SOUTH, NORTH = -6.0, 2.0, 49.85, 55.95
MAP_WIDTH = 560
JOURNEY_COLOURS = {"commute": "#2e8b57", "hotel": "#3b6ea5", "hotel_night_before": "#d2691e"}
LEGEND_WIDTH, LEGEND_HEIGHT = 205, 106
LEGEND_X, LEGEND_Y = MAP_WIDTH - LEGEND_WIDTH - 6, 6
"""The map's legend, top right: the North Sea, clear of the land (a test checks it)."""


def project(lat: float, lon: float) -> tuple[float, float]:
    """Equirectangular projection, scaled at the latitude of the map's middle."""
    scale = MAP_WIDTH / ((EAST - WEST) * math.cos(math.radians((SOUTH + NORTH) / 2)))
    x = (lon - WEST) * math.cos(math.radians((SOUTH + NORTH) / 2)) * scale
    return round(x, 1), round((NORTH - lat) * scale, 1)


@functools.cache
def land_dots() -> tuple[tuple[float, float], ...]:
    """Towns of England and Wales (GeoNames, `data/land.json` from `scripts/make_place_data.py`):
    drawn as dots, they outline the land."""
    text = resources.files("roster.outputs").joinpath("data", "land.json").read_text(encoding="utf-8")
    return tuple(project(lat, lon) for lat, lon in json.loads(text)["points"])


def grid(data: ReportData) -> list[dict[str, Any]]:
    """A row per secondee: their label and a cell per week (text, kind for the colour, tooltip)."""
    out = []
    for s in data.secondees:
        cells = []
        for monday in data.mondays:
            doing = data.activity[(s, monday)]
            if doing in ACTIVITY_LABELS:
                text = "" if doing in ("off", "not_seconded") else ACTIVITY_LABELS[doing]
                title = f"{data.label(s)}, week of {monday}: {ACTIVITY_LABELS[doing]}"
                cells.append({"text": text, "kind": doing, "title": title})
                continue
            body = data.body_of[doing]
            kind = data.arrangement.get((s, doing), "hotel")
            title = f"{data.label(s)}, week of {monday}: {data.body_name(body)} ({doing}), {ARRANGEMENT_LABELS[kind]}"
            cells.append({"text": data.short_name(body), "kind": kind, "title": title})
        seconded = [n for n, m in enumerate(data.mondays) if data.activity[(s, m)] != "not_seconded"]
        out.append({"secondee": s, "name": data.label(s), "cells": cells, "seconded": seconded})
    return out


def months(mondays: list[str]) -> list[dict[str, Any]]:
    """The week columns of each month (by the month of their Monday), for the printed grid."""
    out: dict[str, list[int]] = {}
    for n, monday in enumerate(mondays):
        out.setdefault(f"{dt.date.fromisoformat(monday):%B %Y}", []).append(n)
    return [{"title": title, "weeks": weeks} for title, weeks in out.items()]


def use_bars(data: ReportData) -> list[dict[str, Any]]:
    use = data.per_secondee()
    top = max([u.inspections for u in use] + [u.target_max for u in use] + [1])
    return [
        {
            "name": u.label,
            "n": u.inspections,
            "lo": u.target_min,
            "hi": u.target_max,
            "verdict": u.verdict,
            "width": 100 * u.inspections / top,
            "band_left": 100 * u.target_min / top,
            "band_width": 100 * (u.target_max - u.target_min) / top,
        }
        for u in use
    ]


def map_layers(data: ReportData) -> dict[str, Any]:
    """HQs, homes and journeys, projected."""
    hq = [
        {**data.bodies[b], "xy": project(data.bodies[b]["lat"], data.bodies[b]["lon"])}
        for b in sorted(set(data.inspections["body"]))
        if b in data.bodies
    ]
    homes: list[dict[str, Any]] = []
    journeys: list[dict[str, Any]] = []
    if data.people is not None:
        home_of = {str(r.secondee): (float(r.home_lat), float(r.home_lon)) for r in rows(data.people)}
        homes = [{"name": data.label(s), "xy": project(*home_of[s])} for s in home_of]
        for r in rows(data.roster):
            body = data.bodies.get(r.body)
            if body and r.secondee in home_of:
                words = ARRANGEMENT_LABELS.get(str(r.arrangement), str(r.arrangement))
                journeys.append(
                    {
                        "from": project(*home_of[r.secondee]),
                        "to": project(body["lat"], body["lon"]),
                        "colour": JOURNEY_COLOURS.get(str(r.arrangement), "#888"),
                        "title": f"{data.label(r.secondee)} to {data.body_name(r.body)}:"
                        f" {hours_minutes(int(r.travel_minutes))} each way, {words}",
                    }
                )
    return {"hq": hq, "homes": homes, "journeys": journeys}


def legend_entries() -> list[dict[str, Any]]:
    """The map's legend, one entry a line: the two kinds of HQ, a home, the three journeys."""
    marks: list[dict[str, Any]] = [
        {"shape": "square", "colour": "#1f3f8f", "text": "police HQ"},
        {"shape": "square", "colour": "#b22222", "text": "fire and rescue HQ"},
        {"shape": "dot", "colour": "#555", "text": "a secondee's home"},
    ]
    marks += [
        {"shape": "line", "colour": JOURNEY_COLOURS[k], "text": ARRANGEMENT_LABELS[k]}
        for k in JOURNEY_COLOURS
    ]
    return marks


def stays(data: ReportData) -> list[dict[str, Any]]:
    return [
        {
            "name": data.label(str(r.secondee)),
            "body": data.body_name(str(r.body)),
            "near": r.hotel_near,
            "check_in": day_label(dt.date.fromisoformat(str(r.check_in))),
            "check_out": day_label(dt.date.fromisoformat(str(r.check_out))),
            "nights": r.nights,
            "cost": int(r.cost),
            "reason": r.reason,
        }
        for r in rows(data.accommodation)
    ]


@functools.cache
def template() -> Any:
    """The page's Jinja2 template, with autoescaping and the filters it uses (compiled once)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    folder = Path(str(resources.files("roster.outputs").joinpath("templates")))
    env = Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(["html"]))
    env.filters["pounds"] = lambda v: "-" if v is None else f"£{v:,.0f}"
    env.filters["n"] = lambda v: f"{v:,}"
    env.filters["day"] = lambda iso: day_label(dt.date.fromisoformat(iso))
    env.filters["week"] = lambda iso: week_label(dt.date.fromisoformat(iso))
    return env.get_template("report.html")


def render_html(data: ReportData) -> str:
    summary = data.summary
    shown_terms = {
        COST_TERM_LABELS[k]: v
        for k, v in summary["cost_terms"].items()
        if v or k != "change" or "baseline" in summary
    }
    return str(
        template().render(
            s=summary,
            status=STATUS_LABELS.get(str(summary["status"]), str(summary["status"])),
            mondays=data.mondays,
            month_pages=months(data.mondays),
            rows=grid(data),
            bars=use_bars(data),
            costs=shown_terms,
            shortfalls=summary.get("shortfalls", []),
            weeks=by_week(data.blocks),
            notices=[] if data.booking_changes is None else data.booking_changes.to_dict("records"),
            told=data.told,
            replan=data.booking_changes is not None,
            overall=totals(data.blocks),
            stays=stays(data),
            dots=land_dots(),
            width=MAP_WIDTH,
            height=project(SOUTH, WEST)[1],
            legend={
                "x": LEGEND_X,
                "y": LEGEND_Y,
                "w": LEGEND_WIDTH,
                "h": LEGEND_HEIGHT,
                "entries": legend_entries(),
            },
            colours={**ARRANGEMENT_COLOURS, **ACTIVITY_COLOURS},
            kinds={**ARRANGEMENT_LABELS, **ACTIVITY_LABELS},
            written=data.stamp.strftime("%d %b %Y %H:%M UTC"),
            **map_layers(data),
        )
    )
