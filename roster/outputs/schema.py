"""What the files of an output folder hold: the columns of each table and the kind of each cell,
and the keys of `summary.json` with their types.

`tables.py` writes the files; `folder.py` checks them here when a folder is read, once, so that
every reader (check, compare, explain, report, replace) gets cells it can use or a message naming
the file, the line, the column and what was expected, never a crash halfway through a report.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from roster.labels import shortened
from roster.outputs.bookings import BOOKING_COLUMNS, BOOKING_EXTRA, NOTICE_COLUMNS, NOTICE_EXTRA
from roster.outputs.tables import (
    BODY_COLUMNS,
    CHANGE_COLUMNS,
    CHANGE_EXTRA,
    INSPECTION_COLUMNS,
    INSPECTION_EXTRA,
    PEOPLE_COLUMNS,
    PEOPLE_EXTRA,
    ROSTER_COLUMNS,
    ROSTER_EXTRA,
    STAY_COLUMNS,
    STAY_EXTRA,
    WEEK_COLUMNS,
)

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Kind:
    """What a cell holds: a pattern its text matches, and the words for a message."""

    pattern: str
    words: str
    empty: bool = False  # an empty cell is allowed too

    def bad(self, cells: pd.Series) -> pd.Series:
        """The cells that do not match (a boolean mask)."""
        text = cells.astype(str)
        ok = text.str.fullmatch(self.pattern)
        return ~(ok | (text == "")) if self.empty else ~ok


INT = Kind(r"-?\d{1,15}", "a whole number")
NUMBER = Kind(r"-?(\d{1,15}(\.\d*)?|\.\d+)([eE][-+]?\d{1,3})?", "a number")
DATE = Kind(r"\d{4}-\d{2}-\d{2}", "a date like 2026-09-14")
DATE_OR_EMPTY = Kind(DATE.pattern, "a date like 2026-09-14, or empty", empty=True)
BOOL = Kind(r"True|False", "True or False")
COUNTS = Kind(r"\d{1,6}(;\d{1,6})*", "rooms each night, like 2;2;3", empty=True)
ARRANGEMENT = Kind(r"commute|hotel|hotel_night_before", "commute, hotel or hotel_night_before")
BACKGROUND = Kind(r"police|fire", "police or fire")


def _one_of(*words: str) -> Kind:
    return Kind("|".join(re.escape(w) for w in words), ", ".join(words))


KINDS: dict[str, dict[str, Kind]] = {
    "roster": {
        "week": DATE,
        "travel_minutes": INT,
        "arrangement": ARRANGEMENT,
        "hotel_nights": INT,
        "trip_minutes": INT,
        "cost": INT,
        "measured": BOOL,
    },
    "inspections": {
        "week": DATE_OR_EMPTY,
        **dict.fromkeys(
            ("team_size", "min", "max", "shortfall", "experienced_missing", "experienced_needed"), INT
        ),
    },
    "accommodation": {"week": DATE, "check_in": DATE, "check_out": DATE, "nights": INT, "cost": INT},
    "bookings": {
        "week": DATE,
        "check_in": DATE,
        "check_out": DATE,
        "nights": INT,
        "rooms": INT,
        "rooms_by_night": COUNTS,
        "room_nights": INT,
        "cost": INT,
    },
    "weeks": {"week": DATE},
    "changes": {
        "week_before": DATE_OR_EMPTY,
        "week_after": DATE_OR_EMPTY,
        "change": _one_of("joined", "left", "moved"),
        "booking": _one_of("book", "cancel", "amend", "none"),
        **dict.fromkeys(
            ("check_in_before", "check_out_before", "check_in_after", "check_out_after"), DATE_OR_EMPTY
        ),
    },
    "booking-changes": {
        "action": _one_of("book", "cancel", "amend"),
        **dict.fromkeys(
            ("check_in_before", "check_out_before", "check_in_after", "check_out_after"), DATE_OR_EMPTY
        ),
        "rooms_before": COUNTS,
        "rooms_after": COUNTS,
        "cost_before": INT,
        "cost_after": INT,
    },
    "people": {
        "background": BACKGROUND,
        "home_lat": NUMBER,
        "home_lon": NUMBER,
        "target_min": INT,
        "target_max": INT,
        "carer": BOOL,
    },
    "bodies": {"kind": BACKGROUND, "lat": NUMBER, "lon": NUMBER},
}
"""The kind of every typed column, by table; the other columns are text."""

REQUIRED: dict[str, tuple[str, ...]] = {
    "roster": ("inspection", "week", "secondee"),
    "inspections": tuple(INSPECTION_COLUMNS),
    "accommodation": tuple(STAY_COLUMNS),
    "bookings": tuple(BOOKING_COLUMNS),
    "weeks": tuple(WEEK_COLUMNS),
    "changes": tuple(CHANGE_COLUMNS),
    "booking-changes": tuple(NOTICE_COLUMNS),
    "people": ("secondee", "name"),
    "bodies": tuple(BODY_COLUMNS),
}
"""The columns a table needs wherever it is read: a hand-made roster.csv needs only three."""

WRITTEN: dict[str, tuple[str, ...]] = {
    "roster": (*ROSTER_COLUMNS, *ROSTER_EXTRA),
    "inspections": (*INSPECTION_COLUMNS, *INSPECTION_EXTRA),
    "accommodation": (*STAY_COLUMNS, *STAY_EXTRA),
    "bookings": (*BOOKING_COLUMNS, *BOOKING_EXTRA),
    "weeks": tuple(WEEK_COLUMNS),
    "changes": (*CHANGE_COLUMNS, *CHANGE_EXTRA),
    "booking-changes": (*NOTICE_COLUMNS, *NOTICE_EXTRA),
    "people": (*PEOPLE_COLUMNS, *PEOPLE_EXTRA),
    "bodies": tuple(BODY_COLUMNS),
}
"""Every column a solve writes: the reports, made from the folder alone, need them all."""

CONTROL = r"[\x00-\x1f\x7f-\x9f\u2028\u2029]"
SHOWN = 5
"""Cell problems listed per file; the rest are counted."""


def table_problems(name: str, table: pd.DataFrame, required: tuple[str, ...] | None = None) -> list[str]:
    """What is wrong with a table read from `name`.csv: missing columns, then bad cells, each as
    `line N: column `c` is `x`, expected ...` (line 1 is the header)."""
    needed = REQUIRED.get(name, ()) if required is None else required
    missing = [c for c in needed if c not in table.columns]
    if missing:
        return [f"missing column(s) {', '.join(missing)}; {name}.csv has {', '.join(needed)}"]
    found: list[str] = []
    count = 0
    for column in table.columns:
        kind = KINDS.get(name, {}).get(str(column))
        cells = table[column]
        bad = kind.bad(cells) if kind is not None else cells.astype(str).str.contains(CONTROL)
        if not bad.any():
            continue
        lines = list(cells.index[bad.to_numpy()])
        count += len(lines)
        for index in lines[: max(0, SHOWN - len(found))]:
            value = cells.at[index]
            expected = kind.words if kind is not None else "text without control characters"
            found.append(f"line {index + 2}: column `{column}` is `{shortened(value)}`, expected {expected}")
    if count > len(found):
        found.append(f"and {count - len(found):,} more")
    return found


# ------------------------------------------------------------------ summary.json


LARGEST = 10**15  # pounds, nights, hours or counts: far beyond any programme, within a float's whole numbers


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= LARGEST


def _number(value: Any) -> bool:
    """A finite number of believable size (JSON's NaN and Infinity are not numbers here)."""
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and abs(value) <= LARGEST
    )


def _or_null(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda v: v is None or check(v)


def _mapping_of(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, dict) and all(isinstance(k, str) and check(x) for k, x in v.items())


def _list_of(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, list) and all(check(x) for x in v)


def _record(**keys: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """A mapping whose listed keys, where present, pass their check."""
    return lambda v: isinstance(v, dict) and all(k not in v or c(v[k]) for k, c in keys.items())


def _entry(**keys: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """A mapping with every listed key, each passing its check."""
    return lambda v: isinstance(v, dict) and all(k in v and c(v[k]) for k, c in keys.items())


def _text(value: Any) -> bool:
    return isinstance(value, str)


SUMMARY: Mapping[str, tuple[Callable[[Any], bool], str]] = {
    "status": (
        lambda v: v in ("optimal", "feasible", "infeasible", "unknown", "invalid"),
        "a status such as optimal",
    ),
    "objective": (_or_null(_whole), "whole pounds, or null"),
    "best_bound": (_or_null(_number), "a number, or null"),
    "gap": (_or_null(_number), "a number, or null"),
    "solve_seconds": (_number, "a number"),
    "cost_terms": (_mapping_of(_whole), "a mapping of cost terms to whole pounds"),
    "hotel_nights": (_whole, "a whole number"),
    "hotel_cost": (_whole, "whole pounds"),
    "travel_hours": (_number, "a number"),
    "inspections": (_whole, "a whole number"),
    "inspections_fully_staffed": (_whole, "a whole number"),
    "secondees_used": (_whole, "a whole number"),
    "inspections_per_secondee": (
        lambda v: isinstance(v, dict) and all(_number(v.get(k)) for k in ("min", "mean", "max")),
        "{min, mean, max} numbers",
    ),
    "shortfalls": (
        _list_of(
            _entry(inspection=_text, week=_text, places=_whole, experienced_missing=_whole, reason=_text)
        ),
        "a list of {inspection, week, places, experienced_missing, reason}",
    ),
    "scenario": (
        lambda v: _record(sha256=_text, file=_or_null(_text))(v) and _text(v.get("name")),
        "{name, sha256, file}",
    ),
    "solver": (_record(deterministic=lambda v: isinstance(v, bool)), "a mapping of solver settings"),
    "use": (
        _list_of(
            _entry(
                secondee=_text,
                inspections=_whole,
                target=lambda v: isinstance(v, list) and len(v) == 2 and all(_whole(x) for x in v),
            )
        ),
        "a list of {secondee, inspections, target: [low, high]}",
    ),
    "overrides": (_list_of(_text), "a list of the overrides as typed"),
    "baseline": (
        _or_null(_record(frozen_before=_or_null(_text), changes=_whole, moves=_whole)),
        "{roster, frozen_before, changes, moves, ...}",
    ),
    "files": (_mapping_of(_text), "a mapping of file names to SHA-256 hashes"),
    "infeasibility": (_or_null(_record(message=_text)), "{requirements, suggestions, message}"),
}
"""The keys of `summary.json` with the check of their values (docs/outputs.md). A key may be
absent (an older or hand-made summary); a key present has the type written."""

REPORT_KEYS = (
    "status",
    "objective",
    "best_bound",
    "cost_terms",
    "hotel_nights",
    "hotel_cost",
    "travel_hours",
    "inspections",
    "inspections_fully_staffed",
    "secondees_used",
    "inspections_per_secondee",
    "shortfalls",
    "scenario",
)
"""The keys the reports show."""


def summary_problems(summary: Mapping[str, Any]) -> list[str]:
    """The keys of a summary whose values have the wrong type (or size), and a missing `status`,
    which every summary roster writes has."""
    missing = [] if "status" in summary else ["`status` is missing, expected a status such as optimal"]
    return missing + [
        f"`{key}` is `{shortened(summary[key])}`, expected {words}"
        for key, (check, words) in SUMMARY.items()
        if key in summary and not check(summary[key])
    ]
