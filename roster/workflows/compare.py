"""Side-by-side comparison of solved scenarios: the figures, and who moved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models import Scenario
from roster.facts import Facts
from roster.history import Placed, inspection_weeks, list_changes, moved_inspections
from roster.labels import COST_TERM_LABELS, COST_TERMS
from roster.loading import load_scenario
from roster.loading.sheets import is_scenario_folder
from roster.outputs.folder import FolderError, file_sha256, read_tables
from roster.outputs.tables import Tables
from roster.solving import SolveConfig, solve
from roster.workflows.parallel import run_all

Metric = tuple[str, str, Callable[[dict[str, Any]], Any]]
METRICS: list[Metric] = [
    ("status", "status", lambda s: s.get("status")),
    ("objective", "objective", lambda s: s["objective"]),
    *[
        (
            f"cost.{term}",
            f"  {COST_TERM_LABELS[term]} (£)",
            (lambda t: lambda s: s["cost_terms"].get(t, 0))(term),
        )
        for term in COST_TERMS
    ],
    ("best_bound", "best bound", lambda s: s["best_bound"]),
    ("hotel_nights", "hotel nights", lambda s: s["hotel_nights"]),
    ("hotel_cost", "hotel cost", lambda s: s["hotel_cost"]),
    ("travel_hours", "travel hours", lambda s: s["travel_hours"]),
    (
        "shortfalls",
        "shortfalls",
        lambda s: sum(x["places"] + x["experienced_missing"] for x in s["shortfalls"]),
    ),
    (
        "fully_staffed",
        "fully staffed",
        lambda s: f"{s['inspections_fully_staffed']}/{s['inspections']}",
    ),
    ("secondees_used", "secondees used", lambda s: s["secondees_used"]),
    (
        "changes",
        "changes to the published roster",
        lambda s: (s.get("baseline") or {}).get("changes", "-"),
    ),
    (
        "inspections_per_secondee",
        "inspections per secondee (fewest/mean/most)",
        lambda s: "{min}/{mean:.2f}/{max}".format(**s["inspections_per_secondee"]),
    ),
]
"""Each figure compared: its key in `--json` (one word, stable), its label in the table, and how
it is read from a summary (`cost.TERM` is the pounds of a cost term, as summary.json's `cost_terms`)."""


@dataclass
class Outcome:
    """A solved scenario as compared: its summary, its rows and the week each inspection runs in.

    Weeks are the Monday's ordinal divided by 7, so that outcomes of scenarios with different
    starts compare week for week.
    """

    label: str
    summary: dict[str, Any]
    rows: list[Placed] = field(default_factory=list)
    weeks: dict[str, int] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # secondee id -> name
    bodies: dict[str, str] = field(default_factory=dict)  # inspection id -> the name of its body
    sha256: str | None = None  # of a solved folder's roster.csv (None for a scenario solved here)


def week_number(monday: str) -> int:
    return dt.date.fromisoformat(monday).toordinal() // 7


def monday_of(week: int | None) -> str:
    return "" if week is None else dt.date.fromordinal(week * 7 + 1).isoformat()


def outcomes(
    items: Sequence[Path],
    loaded: Mapping[Path, Scenario] | None = None,
    config: SolveConfig | None = None,
    jobs: int = 1,
) -> list[Outcome]:
    """The outcome of each item, in order: solved folders are read here; scenarios (files,
    workbooks or CSV folders; `loaded` already, else loaded here) are solved in up to `jobs`
    processes, deterministically by default, with the results of a serial run."""
    loaded = loaded or {}
    read = {item: outcome(item) for item in items if _is_solved_folder(item)}
    work = [(item, loaded.get(item), config) for item in items if item not in read]
    solved = dict(zip([w[0] for w in work], run_all(_solve_outcome, work, jobs), strict=True))
    return [read[item] if item in read else solved[item] for item in items]


def _is_solved_folder(path: Path) -> bool:
    return path.is_dir() and not is_scenario_folder(path)


def _solve_outcome(work: tuple[Path, Scenario | None, SolveConfig | None]) -> Outcome:
    path, scenario, config = work
    return outcome(path, config, scenario)


def outcome(path: Path, config: SolveConfig | None = None, scenario: Scenario | None = None) -> Outcome:
    """Read a solved output folder, or solve a scenario file, workbook or CSV folder
    (deterministically by default); `scenario` is its scenario when it is already loaded."""
    sha256 = None
    if _is_solved_folder(path):
        tables = read_tables(path)
        sha256 = file_sha256(path / "roster.csv")
        summary, roster, inspections = tables.get("summary", {}), tables["roster"], tables.get("inspections")
        people = tables.get("people")
    else:
        facts = Facts(scenario if scenario is not None else load_scenario(path))
        solved = Tables(facts, solve(facts, config or SolveConfig(deterministic=True)))
        summary, roster, inspections, people = (
            solved.summary,
            solved.roster,
            solved.inspections,
            solved.people,
        )
    try:
        rows = [
            Placed(
                str(r["secondee"]),
                str(r["inspection"]),
                str(r.get("body", "")),
                week_number(str(r["week"])),
                r.get("arrangement") or None,
            )
            for r in roster.to_dict("records")
        ]
        weeks = inspection_weeks(rows)
        if inspections is not None and "week" in inspections.columns:
            weeks |= {
                str(i): week_number(str(w))
                for i, w in zip(inspections["inspection"], inspections["week"], strict=True)
                if w
            }
    except (KeyError, ValueError) as exc:
        raise FolderError(f"{path}: cannot be compared ({exc})") from None
    names = {}
    if people is not None and {"secondee", "name"} <= set(people.columns):
        names = {str(s): str(n) for s, n in zip(people["secondee"], people["name"], strict=True) if n}
    bodies = {}
    if inspections is not None and {"inspection", "body_name"} <= set(inspections.columns):
        bodies = {
            str(i): str(b)
            for i, b in zip(inspections["inspection"], inspections["body_name"], strict=True)
            if b
        }
    label = path.stem if path.is_file() else path.name
    return Outcome(label, summary, rows, weeks, names, bodies, sha256)


def _frozen_before(summary: dict[str, Any]) -> int | None:
    """The frozen_before of a replan, as a week number (None when it is not one, or has none)."""
    baseline = summary.get("baseline")
    first = baseline.get("frozen_before") if isinstance(baseline, dict) else None
    return week_number(first) if isinstance(first, str) else None


def changes_between(first: Outcome, other: Outcome) -> dict[str, Any]:
    """What changed from `first` to `other`, counted as changes.csv counts them (`roster.history`).

    When `other` replans a roster with `frozen_before`, only the weeks from then on count, so that
    a replan compared with the roster it replans shows exactly its changes.csv.
    """
    frozen = _frozen_before(other.summary)
    changes = list_changes(first.rows, other.rows, frozen)
    baseline = other.summary.get("baseline")
    replans = None  # the roster `other` replans, when it is not `first`'s
    if (
        isinstance(baseline, dict)
        and first.sha256 is not None
        and baseline.get("sha256") not in (None, first.sha256)
    ):
        replans = str(baseline.get("roster"))
    return {
        "from": first.label,
        "to": other.label,
        "frozen_before": monday_of(frozen) or None,
        "replans_another": replans,
        "changes": [
            {
                "secondee": c.secondee,
                "inspection": c.inspection,
                "body": c.body,
                "week_before": monday_of(c.week_before),
                "week_after": monday_of(c.week_after),
                "change": c.change,
                "booking": c.booking,
            }
            for c in changes
        ],
        "moved_inspections": [
            {
                "inspection": i,
                "week_before": monday_of(first.weeks[i]),
                "week_after": monday_of(other.weeks.get(i)),
            }
            for i in moved_inspections(first.weeks, other.weeks, frozen)
        ],
    }


def _metric(get: Callable[[dict[str, Any]], Any], summary: dict[str, Any]) -> Any:
    """A figure of a summary; None where the summary lacks it (no roster, or a hand-made file)."""
    if summary.get("objective") is None and get is not METRICS[0][2]:
        return None
    try:
        return get(summary)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def comparison(outcomes: list[Outcome]) -> dict[str, Any]:
    """The metrics side by side (by key, with `labels` giving each key's words), and what changed
    from the first outcome to each other one."""
    table = {key: [_metric(get, o.summary) for o in outcomes] for key, _, get in METRICS}
    first = outcomes[0]
    return {
        "scenarios": [o.label for o in outcomes],
        "metrics": table,
        "labels": {key: label for key, label, _ in METRICS},
        "changes": [changes_between(first, other) for other in outcomes[1:]],
    }
