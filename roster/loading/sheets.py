"""The workbook format of a scenario: its sheets, their columns and the Programme keys.

One definition, read by `roster.loading.workbook` (import) and written by
`roster.outputs.scenario_files` (template, export, the Travel sheet of `roster travel`).
A column's header is the scenario key it fills, dotted for nested keys (`carer.max_nights_away`);
the two ends of a `window` or of `available` are two columns (`window.first`, `window.last`).
Lists in a cell are comma-separated (`2026-10-19, 2026-11-02`).
"""

from __future__ import annotations

import datetime as dt
import enum
import typing
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from models import Rules, Scenario
from models.base import annotation_args, model_in


class Kind(enum.StrEnum):
    """What a cell holds, and so how it is read."""

    TEXT = "text"
    INT = "int"
    NUMBER = "number"
    BOOL = "bool"
    DATE = "date"
    DATES = "dates"  # comma-separated dates
    WORDS = "words"  # comma-separated ids or words
    PAIR = "pair"  # two whole numbers: `3, 4`
    HOME = "home"  # a town, a body id, or `lat, lon`
    CAPS = "caps"  # `Monday: cap` pairs: `2026-11-23: 5, 2026-11-02: 0`


class Choices(enum.StrEnum):
    """The drop-down list of a column."""

    NONE = ""
    BODIES = "bodies"
    BACKGROUNDS = "backgrounds"
    KINDS = "kinds"  # police, fire or both in one cell: read whatever the case, no drop-down
    RANKS = "ranks"
    MODES = "modes"
    BOOL = "bool"


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header (the scenario key), how it is read, and its note."""

    key: str
    kind: Kind
    note: str
    choices: Choices = Choices.NONE
    required: bool = False
    info: bool = False
    """Written for information (names, estimates) and never read back."""
    monday: bool = False
    """A date that names a week: the workbook warns when it is not a Monday."""

    @property
    def path(self) -> tuple[str | int, ...]:
        """Where the value goes in a row's data: `window.last` is `("window", 1)`."""
        head, _, tail = self.key.partition(".")
        if tail in ("first", "last") and head in PAIRED:
            return (head, 0 if tail == "first" else 1)
        return tuple(self.key.split("."))


PAIRED = ("window", "available")
"""Keys written `[first, last]` in YAML and as two columns in a workbook."""


@dataclass(frozen=True)
class Sheet:
    """A sheet of the workbook that holds one list of the scenario (`inspections`, ...)."""

    name: str
    section: str
    columns: tuple[Column, ...]
    about: str

    @property
    def csv(self) -> str:
        """Its file name in a folder of CSV files."""
        return f"{self.section}.csv"

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)


T, N, B, D = Kind.TEXT, Kind.INT, Kind.BOOL, Kind.DATE

INSPECTIONS = Sheet(
    "Inspections",
    "inspections",
    (
        Column(
            "id", T, "Your id for the inspection: letters, digits, - _ . (required, unique)", required=True
        ),
        Column(
            "body",
            T,
            "The body inspected: an id from the Body list sheet or the Bodies sheet (required)",
            Choices.BODIES,
            required=True,
        ),
        Column("name", T, "An optional label (default: empty)"),
        Column(
            "week",
            D,
            "A fixed week: its Monday. Give week or a window, not both; neither: any week",
            monday=True,
        ),
        Column("window.first", D, "A window: the first Monday it may run in", monday=True),
        Column("window.last", D, "A window: the last Monday it may run in (both ends included)", monday=True),
        Column("secondees.min", N, "Team size: at least this many (default 2)"),
        Column("secondees.max", N, "Team size: at most this many (empty: exactly secondees.min)"),
        Column("needs.experienced", N, "At least this many members who have inspected before (default 0)"),
        Column(
            "open_to",
            Kind.WORDS,
            "Who may be on the team: police, fire or both, comma-separated (default: the body's own kind)",
            Choices.KINDS,
        ),
    ),
    "one row per inspection: a week of fieldwork at one body",
)

SECONDEES = Sheet(
    "Secondees",
    "secondees",
    (
        Column("id", T, "Your id for the secondee: letters, digits, - _ . (required, unique)", required=True),
        Column("name", T, "Shown in reports (default: empty)"),
        Column(
            "service",
            T,
            "Their home force or service: a body id; never inspected by them (required)",
            Choices.BODIES,
            required=True,
        ),
        Column(
            "background", T, "police or fire; must match the service (required)", Choices.BACKGROUNDS, True
        ),
        Column("rank", T, "An eligible rank (required)", Choices.RANKS, required=True),
        Column(
            "home",
            Kind.HOME,
            "Where they travel from: a UK town (Preston; Newport, Wales), a body id, or lat, lon (required)",
            required=True,
        ),
        Column("available.first", D, "First day of the secondment (default: the whole horizon)"),
        Column("available.last", D, "Last day of the secondment, included"),
        Column("trained", D, "Day of their mandatory training: no inspection in or before that week"),
        Column("away", Kind.DATES, "Mondays of weeks away, comma-separated (leave, on-call duty)"),
        Column("inspections_done", N, "Inspections done before this roster; above 0 counts as experienced"),
        Column("carer", B, "TRUE: has caring responsibilities (implied by any carer column)", Choices.BOOL),
        Column("carer.home_every_night", B, "TRUE: commute only, within their commute limit", Choices.BOOL),
        Column("carer.max_commute_minutes", N, "Their own commute limit in minutes (default: the rule's)"),
        Column("carer.no_night_before", B, "TRUE: never a hotel the night before", Choices.BOOL),
        Column("carer.max_nights_away", N, "Hotel nights over the horizon at most this (default: no limit)"),
        Column(
            "target", Kind.PAIR, "Their own target range of inspections: low, high (default 4-5 per 12 weeks)"
        ),
        Column("prefers.bodies", Kind.WORDS, "Would like to inspect one of these body ids (comma-separated)"),
        Column("prefers.off_weeks", Kind.DATES, "Mondays they would rather not inspect (comma-separated)"),
        Column("avoids.bodies", Kind.WORDS, "Body ids they would rather not inspect (comma-separated)"),
    ),
    "one row per secondee",
)

TRAVEL = Sheet(
    "Travel",
    "travel",
    (
        Column("secondee", T, "Secondee id (required)", required=True),
        Column("body", T, "Body id of the HQ (required)", Choices.BODIES, required=True),
        Column("minutes", N, "Measured one-way journey, door to HQ, in minutes; empty: not measured yet"),
        Column("mode", T, "car, train or flight, for the record (default car)", Choices.MODES),
        Column("secondee_name", T, "For information: not read", info=True),
        Column("body_name", T, "For information: not read", info=True),
        Column("estimate", N, "For information: the estimated minutes (not read)", info=True),
        Column("near", T, "For information: the limit the estimate is near (not read)", info=True),
        Column(
            "would_change",
            T,
            "For information: what an error of the estimate would change (not read)",
            info=True,
        ),
        Column(
            "in_roster", B, "For information: TRUE when the roster uses this journey (not read)", info=True
        ),
    ),
    "measured journeys that replace the estimate; a row without minutes is ignored",
)

BODIES = Sheet(
    "Bodies",
    "bodies",
    (
        Column("id", T, "An id of your own, never a bundled one (required, unique)", required=True),
        Column("name", T, "Full name, shown in reports"),
        Column("kind", T, "police or fire (required)", Choices.BACKGROUNDS, required=True),
        Column("hq_town", T, "The town the team stays near (default: the name)"),
        Column("lat", Kind.NUMBER, "Latitude of the HQ, decimal degrees (required)", required=True),
        Column("lon", Kind.NUMBER, "Longitude of the HQ, decimal degrees (required)", required=True),
        Column("region", T, "For `roster bodies --region` and reports"),
    ),
    "extra bodies, such as a non-territorial force",
)

LISTS = (INSPECTIONS, SECONDEES, TRAVEL, BODIES)
"""The sheets that hold the scenario's lists, in the order of the workbook."""

PROGRAMME_SHEET = "Programme"
PROGRAMME_COLUMNS = (
    Column("key", T, "A scenario key, one per row (nested keys dotted: costs.rhythm)"),
    Column("value", T, "Your value; empty: the default"),
    Column("default", T, "The programme's default (not read)", info=True),
    Column("meaning", T, "What it means (not read)", info=True),
)
README_SHEET = "Read me"
BODY_LIST_SHEET = "Body list"
IGNORED_SHEETS = (README_SHEET, BODY_LIST_SHEET)
"""Sheets the workbook carries for people, which import does not read."""
SHEET_NAMES = (PROGRAMME_SHEET, *(s.name for s in LISTS))


# ------------------------------------------------------------- Programme


MEANINGS = {
    "name": "The scenario's name, shown in reports and summary.json (required)",
    "start": "The Monday of the first planning week (required)",
    "weeks": "The horizon, in weeks (required)",
    "max_inspections_per_week": "Inspections running in any one week, at most",
    "max_inspections_in_week": "Exceptions for given weeks, as Monday: cap pairs, e.g. 2026-11-23: 5, 2026-11-02: 0",
    "max_back_to_back": "Consecutive inspection weeks of a secondee, at most",
    "rhythm.weeks_on": "The preferred rhythm: this many inspection weeks ...",
    "rhythm.weeks_off": "... then this many weeks off",
    "rhythm.hard": "TRUE makes the rhythm a hard rule",
    "night_before_minutes": "A journey of MORE than this gets the night before in a hotel",
    "commute_minutes": "A journey of AT MOST this is a daily commute",
    "no_own_service": "Nobody inspects their own force or service",
    "match_background": "Police on police, fire on fire (unless an inspection's open_to says otherwise)",
    "inspection_days": "The fieldwork days, consecutive, comma-separated (mon ... sun)",
    "travel_estimate.overhead": "Minutes added to every estimated journey",
    "travel_estimate.circuity": "How much longer the way is than the straight line",
    "travel_estimate.km_per_hour": "Average speed along the way",
    "costs.hotel_night_cost": "Pounds per hotel night",
    "costs.travel_hour_cost": "Pounds per hour of travel",
    "costs.under_use": "Pounds per inspection below a secondee's target range",
    "costs.over_use": "Pounds per inspection above it",
    "costs.rhythm": "Pounds per break of the rhythm",
    "costs.preference": "Pounds per unmet preference",
    "costs.shortfall": "Pounds per team place or experienced member left unfilled",
    "costs.change": "Replanning: pounds per change to the published roster",
    "costs.move": "Replanning: pounds per published inspection moved to another week",
    "baseline.roster": "Replanning: the published roster (a roster.csv or an output folder), relative to this file",
    "baseline.frozen_before": "Replanning: the Monday before which weeks are history",
}


@dataclass(frozen=True)
class Setting:
    """One row of the Programme sheet: a key of the scenario outside its lists."""

    key: str
    path: tuple[str, ...]
    kind: Kind
    default: Any
    required: bool
    choices: Choices = Choices.NONE

    @property
    def meaning(self) -> str:
        return MEANINGS.get(self.key, "")


REQUIRED_SETTINGS = ("name", "start", "weeks")
LIST_SECTIONS = tuple(s.section for s in LISTS)


@cache
def settings() -> tuple[Setting, ...]:
    """Every Programme key, from the models: the top level, then `rules` (written without `rules.`)."""
    out = []
    for name, field in Scenario.model_fields.items():
        if name in LIST_SECTIONS:
            continue
        if name == "rules":
            out += _walk(Rules, ("rules",), "", Rules())
        elif model_in(field.annotation) is not None:
            model = model_in(field.annotation)
            assert model is not None
            out += _walk(model, (name,), f"{name}.", None)
        else:
            out.append(_setting(name, (name,), field.annotation, None, name in REQUIRED_SETTINGS))
    return tuple(out)


def _walk(model: type[BaseModel], path: tuple[str, ...], prefix: str, defaults: Any) -> list[Setting]:
    out = []
    for name, field in model.model_fields.items():
        inner = model_in(field.annotation)
        value = getattr(defaults, name, None) if defaults is not None else None
        if inner is not None and typing.get_origin(field.annotation) is not dict:
            out += _walk(inner, (*path, name), f"{prefix}{name}.", value)
        else:  # never required on its own: its block (`rules`, `baseline`) is optional
            out.append(_setting(f"{prefix}{name}", (*path, name), field.annotation, value, False))
    return out


def _setting(key: str, path: tuple[str, ...], annotation: Any, default: Any, required: bool) -> Setting:
    kind = _kind(annotation)
    return Setting(key, path, kind, default, required, Choices.BOOL if kind is Kind.BOOL else Choices.NONE)


def _kind(annotation: Any) -> Kind:
    """How a Programme value of this type is written in a cell."""
    args = annotation_args(annotation)
    origin = typing.get_origin(args[0]) if args else None
    if origin is dict:
        return Kind.CAPS
    if origin in (list, tuple):
        return Kind.WORDS
    for arg, kind in ((bool, Kind.BOOL), (int, Kind.INT), (float, Kind.NUMBER), (dt.date, Kind.DATE)):
        if arg in args:
            return kind
    return Kind.TEXT


def setting(key: str) -> Setting | None:
    """The Programme key `key` (also written with `rules.` in front), or None."""
    key = key.strip()
    for item in settings():
        if key in (item.key, ".".join(item.path)):
            return item
    return None


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
SPREADSHEET_SUFFIXES = (*WORKBOOK_SUFFIXES, ".xls", ".ods", ".numbers", ".csv")
"""Files the workbook reader answers for (the others with a hint to save as .xlsx)."""


def is_workbook(path: Path) -> bool:
    """Whether `path` is read as a workbook: a spreadsheet file, or a folder of CSV files."""
    return path.suffix.lower() in SPREADSHEET_SUFFIXES or path.is_dir()


def is_scenario_folder(path: Path) -> bool:
    """A folder of CSV files holding a scenario (its `programme.csv`), not an output folder."""
    return path.is_dir() and any(p.name.lower() == "programme.csv" for p in path.iterdir())
