"""Side-by-side comparison of solved scenarios: the figures, and who moved."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from roster.facts import Facts
from roster.labels import COST_TERMS
from roster.loading import load_scenario
from roster.loading.sheets import is_scenario_folder
from roster.outputs.folder import read_tables
from roster.outputs.tables import Tables
from roster.solving import SolveConfig, solve

METRICS: list[tuple[str, Callable[[dict[str, Any]], Any]]] = [
    ("status", lambda s: s["status"]),
    ("objective", lambda s: s["objective"]),
    *[(f"  {term}", (lambda t: lambda s: s["cost_terms"].get(t, 0))(term)) for term in COST_TERMS],
    ("best bound", lambda s: s["best_bound"]),
    ("hotel nights", lambda s: s["hotel_nights"]),
    ("hotel cost", lambda s: s["hotel_cost"]),
    ("travel hours", lambda s: s["travel_hours"]),
    ("shortfalls", lambda s: sum(x["places"] + x["experienced_missing"] for x in s["shortfalls"])),
    ("fully staffed", lambda s: f"{s['inspections_fully_staffed']}/{s['inspections']}"),
    ("secondees used", lambda s: s["secondees_used"]),
    ("inspections per secondee", lambda s: "{min}/{mean:.2f}/{max}".format(**s["inspections_per_secondee"])),
]


@dataclass
class Outcome:
    """A solved scenario as compared: its summary, team places and hotel stays."""

    label: str
    summary: dict[str, Any]
    places: set[tuple[str, str]] = field(default_factory=set)
    stays: set[tuple[str, str]] = field(default_factory=set)


def outcome(path: Path, config: SolveConfig | None = None) -> Outcome:
    """Read a solved output folder, or solve a scenario file or workbook (deterministically by default)."""
    if path.is_dir() and not is_scenario_folder(path):
        tables = read_tables(path)
        summary, roster, stays = tables["summary"], tables["roster"], tables["accommodation"]
    else:
        facts = Facts(load_scenario(path))
        solved = Tables(facts, solve(facts, config or SolveConfig(deterministic=True)))
        summary, roster, stays = solved.summary, solved.roster, solved.accommodation
    places = set(zip(roster["secondee"], roster["inspection"], strict=True)) if len(roster) else set()
    hotel = set(zip(stays["secondee"], stays["inspection"], strict=True)) if len(stays) else set()
    return Outcome(path.stem if path.is_file() else path.name, summary, places, hotel)


def comparison(outcomes: list[Outcome]) -> dict[str, Any]:
    """The metrics side by side, and what changed from the first outcome to each other one."""
    table = {
        label: [
            get(o.summary) if o.summary.get("objective") is not None or label == "status" else None
            for o in outcomes
        ]
        for label, get in METRICS
    }
    first = outcomes[0]
    changes = []
    for other in outcomes[1:]:
        moved: dict[str, dict[str, list[str]]] = {}
        for s, i in sorted(first.places ^ other.places):
            entry = moved.setdefault(s, {"left": [], "joined": []})
            entry["left" if (s, i) in first.places else "joined"].append(i)
        changes.append(
            {
                "from": first.label,
                "to": other.label,
                "moved": moved,
                "hotel_stays_added": sorted(f"{s} at {i}" for s, i in other.stays - first.stays),
                "hotel_stays_removed": sorted(f"{s} at {i}" for s, i in first.stays - other.stays),
            }
        )
    return {"scenarios": [o.label for o in outcomes], "metrics": table, "changes": changes}
