"""Side-by-side comparison of solved scenarios, and the CI regression against baselines."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from roster.check import check_report, read_tables
from roster.engine import SolveConfig, solve
from roster.loading import load_scenario
from roster.result import write_atomic

METRICS: list[tuple[str, Callable[[dict[str, Any]], Any]]] = [
    ("status", lambda s: s["status"]),
    ("objective", lambda s: s["objective"]),
    *[
        (f"  {term}", (lambda t: lambda s: s["cost_terms"][t])(term))
        for term in ("hotel", "travel", "under_use", "over_use", "rhythm", "preference", "shortfall")
    ],
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
    """Read a solved output folder, or solve a scenario file (deterministically by default)."""
    if path.is_dir():
        tables = read_tables(path)
        summary, roster, stays = tables["summary"], tables["roster"], tables["accommodation"]
    else:
        result = solve(load_scenario(path), config or SolveConfig(deterministic=True))
        summary, roster, stays = result.summary, result.roster_table, result.accommodation_table
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


# --------------------------------------------------------------- regression


@dataclass
class Regression:
    """The outcome of re-solving one sample against its baseline."""

    scenario: str
    objective: int | None
    best_bound: float | None
    baseline: dict[str, Any] | None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def samples(root: Path) -> list[Path]:
    return sorted(root.glob("*.yaml")) + sorted((root / "whatif").glob("*.yaml"))


def baseline_path(root: Path, scenario: Path) -> Path:
    name = scenario.relative_to(root).with_suffix(".json").as_posix().replace("/", "--")
    return root / "baselines" / name


def regress(root: Path, update: bool = False, config: SolveConfig | None = None) -> list[Regression]:
    """Re-solve every sample deterministically, check it, and compare it with its baseline."""
    config = config or SolveConfig(deterministic=True)
    results = []
    for path in samples(root):
        scenario = load_scenario(path)
        roster = solve(scenario, config)
        shortfalls = sum(s.places + s.experienced_missing for s in roster.shortfalls)
        item = Regression(str(path.relative_to(root)), roster.objective, roster.best_bound, None)
        if not roster.has_roster:
            item.problems.append(f"no roster: status {roster.status}")
        else:
            with tempfile.TemporaryDirectory() as tmp:
                roster.write(Path(tmp))
                report = check_report(scenario, read_tables(Path(tmp)))
            item.problems += [f"rule broken: {v.rule}: {v.message}" for v in report.violations]
        file = baseline_path(root, path)
        if file.exists():
            base = json.loads(file.read_text(encoding="utf-8"))
            item.baseline = base
            if roster.objective is not None and roster.objective > base["objective"]:
                item.problems.append(
                    f"objective £{roster.objective:,} is worse than the baseline £{base['objective']:,}"
                )
            elif roster.objective is not None and roster.objective < base["objective"]:
                item.notes.append(
                    f"objective £{roster.objective:,} is better than the baseline £{base['objective']:,}"
                )
            if shortfalls > base.get("shortfalls", 0):
                item.problems.append(
                    f"{shortfalls} shortfall(s), the baseline had {base.get('shortfalls', 0)}"
                )
        elif not update:
            item.problems.append(f"no baseline at {file} (run `roster regress --update`)")
        if update and roster.has_roster and not any(p.startswith("rule broken") for p in item.problems):
            record = {
                "objective": roster.objective,
                "best_bound": roster.best_bound,
                "status": roster.status,
                "shortfalls": shortfalls,
            }
            file.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(file, json.dumps(record, indent=2) + "\n")
            item.problems = [p for p in item.problems if not p.startswith(("objective", "no baseline"))]
            item.notes.append(f"baseline written: {file.name}")
        results.append(item)
    return results
