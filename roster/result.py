"""A solved roster: its tables (pandas), its summary, and the five files of OUTPUTS.md."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from models import Scenario
from roster.check import read_tables
from roster.costing import Evaluation, evaluate
from roster.facts import Arrangement, Facts, Reason, commute_limit

Triple = tuple[str, str, int]
FILES = ("roster.csv", "inspections.csv", "accommodation.csv", "weeks.csv", "summary.json")
EXTRA_FILES = ("people.csv", "bodies.csv")  # homes, targets and HQs, so reports need only the folder


def slug(text: str) -> str:
    """A folder-safe name."""
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in text).strip("-") or "scenario"


def hours_minutes(minutes: int) -> str:
    """`290` as `4h50`, `180` as `3h`."""
    h, m = divmod(minutes, 60)
    return f"{h}h{m:02d}" if m else f"{h}h"


@dataclass
class Shortfall:
    """An inspection short of its minimum team or of its experienced members."""

    inspection: str
    body: str
    week: str
    places: int
    experienced_missing: int
    reason: str


@dataclass
class Roster:
    """The result of a solve (or a roster read back for checking and reports)."""

    facts: Facts
    status: str
    weeks: dict[str, int]
    assignments: list[Triple]
    objective: int | None = None
    best_bound: float | None = None
    seconds: float = 0.0
    solver: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    explain: Callable[[Roster, str], str] | None = None

    @property
    def scenario(self) -> Scenario:
        return self.facts.scenario

    @cached_property
    def evaluation(self) -> Evaluation:
        return evaluate(self.facts, self.assignments)

    @property
    def cost_terms(self) -> dict[str, int]:
        return dict(self.evaluation.terms)

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.best_bound is None:
            return None
        return (self.objective - self.best_bound) / max(1, self.objective)

    # ------------------------------------------------------------ tables

    @cached_property
    def roster_table(self) -> pd.DataFrame:
        scenario = self.facts.scenario
        body_of = {i.id: i.body for i in scenario.inspections}
        rows = []
        for s, i, w in sorted(self.assignments, key=lambda t: (t[2], t[1], t[0])):
            trip = self.facts.trip(s, body_of[i])
            rows.append(
                {
                    "inspection": i,
                    "body": body_of[i],
                    "week": scenario.monday(w).isoformat(),
                    "secondee": s,
                    "travel_minutes": trip.minutes,
                    "arrangement": trip.arrangement.value,
                    "hotel_nights": trip.nights,
                    "trip_minutes": trip.trip_minutes,
                    "cost": trip.pounds,
                    "measured": trip.measured,
                }
            )
        columns = ["inspection", "body", "week", "secondee", "travel_minutes", "arrangement"]
        columns += ["hotel_nights", "trip_minutes", "cost", "measured"]
        return pd.DataFrame(rows, columns=columns)

    @cached_property
    def inspections_table(self) -> pd.DataFrame:
        scenario = self.facts.scenario
        team: dict[str, int] = {}
        for _, i, _ in self.assignments:
            team[i] = team.get(i, 0) + 1
        ev = self.evaluation
        rows = [
            {
                "inspection": insp.id,
                "body": insp.body,
                "week": scenario.monday(self.weeks[insp.id]).isoformat() if insp.id in self.weeks else "",
                "team_size": team.get(insp.id, 0),
                "min": insp.team_min,
                "max": insp.team_max,
                "shortfall": ev.shortfall[insp.id],
                "experienced_missing": ev.experienced_missing[insp.id],
                "experienced_needed": insp.needs.experienced,
                "body_name": scenario.body(insp.body).label,
            }
            for insp in scenario.inspections
        ]
        columns = [
            "inspection",
            "body",
            "week",
            "team_size",
            "min",
            "max",
            "shortfall",
            "experienced_missing",
        ]
        columns += ["experienced_needed", "body_name"]
        table = pd.DataFrame(rows, columns=columns)
        return table.sort_values(["week", "inspection"], kind="stable").reset_index(drop=True)

    @cached_property
    def accommodation_table(self) -> pd.DataFrame:
        scenario = self.facts.scenario
        rules = scenario.rules
        body_of = {i.id: i.body for i in scenario.inspections}
        people = {p.id: p for p in scenario.secondees}
        offsets = rules.day_offsets
        rows = []
        for s, i, w in sorted(self.assignments, key=lambda t: (t[2], t[1], t[0])):
            trip = self.facts.trip(s, body_of[i])
            if trip.arrangement is Arrangement.COMMUTE:
                continue
            monday = scenario.monday(w)
            check_out = monday + dt.timedelta(days=offsets[-1])
            check_in = check_out - dt.timedelta(days=trip.nights)
            limit = commute_limit(rules, people[s])
            if trip.arrangement is Arrangement.HOTEL_NIGHT_BEFORE:
                reason = f"journey {hours_minutes(trip.minutes)} > {hours_minutes(rules.night_before_minutes)}: night before"
            else:
                reason = f"journey {hours_minutes(trip.minutes)} > commute limit {hours_minutes(limit)}: travel on the first morning"
            body = scenario.body(body_of[i])
            rows.append(
                {
                    "inspection": i,
                    "body": body.id,
                    "week": monday.isoformat(),
                    "secondee": s,
                    "hotel_near": body.hq_town or body.label,
                    "check_in": check_in.isoformat(),
                    "check_out": check_out.isoformat(),
                    "nights": trip.nights,
                    "reason": reason,
                    "cost": trip.hotel_pounds,
                }
            )
        columns = [
            "inspection",
            "body",
            "week",
            "secondee",
            "hotel_near",
            "check_in",
            "check_out",
            "nights",
            "reason",
            "cost",
        ]
        return pd.DataFrame(rows, columns=columns)

    @cached_property
    def weeks_table(self) -> pd.DataFrame:
        scenario = self.facts.scenario
        doing = {(s, w): i for s, i, w in self.assignments}
        rows = []
        for person in scenario.secondees:
            for w, monday in enumerate(scenario.mondays):
                reason = self.facts.week_reasons[(person.id, w)]
                if reason is Reason.NOT_SECONDED:
                    activity = "not_seconded"
                elif (person.id, w) in doing:
                    activity = doing[(person.id, w)]
                elif reason is Reason.AWAY:
                    activity = "away"
                elif reason is Reason.NOT_TRAINED:
                    activity = "training"
                else:
                    activity = "off"
                rows.append({"secondee": person.id, "week": monday.isoformat(), "activity": activity})
        return pd.DataFrame(rows, columns=["secondee", "week", "activity"])

    # ----------------------------------------------------------- summary

    @property
    def has_roster(self) -> bool:
        return self.status in ("optimal", "feasible")

    @cached_property
    def shortfalls(self) -> list[Shortfall]:
        if not self.has_roster:
            return []
        ev = self.evaluation
        out = []
        for insp in self.facts.scenario.inspections:
            places, missing = ev.shortfall[insp.id], ev.experienced_missing[insp.id]
            if places or missing:
                week = (
                    self.facts.scenario.monday(self.weeks[insp.id]).isoformat()
                    if insp.id in self.weeks
                    else ""
                )
                reason = self.explain(self, insp.id) if self.explain else ""
                out.append(Shortfall(insp.id, insp.body, week, places, missing, reason))
        return out

    @cached_property
    def summary(self) -> dict[str, Any]:
        scenario = self.facts.scenario
        ev = self.evaluation
        seconded = [p.id for p in scenario.secondees if self.facts.seconded[p.id]]
        counts = [ev.per_secondee[s] for s in seconded]
        objective = self.objective if self.objective is not None or not self.has_roster else ev.objective
        summary: dict[str, Any] = {
            "status": self.status,
            "objective": objective,
            "best_bound": self.best_bound,
            "gap": self.gap,
            "solve_seconds": round(self.seconds, 3),
            "cost_terms": ev.terms,
            "hotel_nights": ev.hotel_nights,
            "hotel_cost": ev.terms["hotel"],
            "travel_hours": round(ev.travel_minutes / 60, 2),
            "inspections": len(scenario.inspections),
            "inspections_fully_staffed": sum(
                1 for i in scenario.inspections if not ev.shortfall[i.id] and not ev.experienced_missing[i.id]
            ),
            "secondees_used": len({s for s, _, _ in self.assignments}),
            "inspections_per_secondee": {
                "min": min(counts) if counts else 0,
                "mean": round(sum(counts) / len(counts), 3) if counts else 0,
                "max": max(counts) if counts else 0,
            },
            "shortfalls": [vars(s) for s in self.shortfalls],
            "scenario": {"name": scenario.name, "sha256": scenario.sha256()},
            "solver": self.solver,
            "use": [
                {
                    "secondee": p.id,
                    "inspections": ev.per_secondee[p.id],
                    "target": list(self.facts.targets[p.id]),
                    "rhythm_breaks": ev.rhythm_breaks[p.id],
                    "unmet_preferences": ev.unmet_preferences[p.id],
                }
                for p in scenario.secondees
            ],
        }
        summary.update(self.extra)
        return summary

    @classmethod
    def from_folder(cls, facts: Facts, folder: Path) -> Roster:
        """Read back a solved output folder (roster.csv and inspections.csv)."""
        scenario = facts.scenario
        tables = read_tables(folder)
        roster, inspections, summary = tables["roster"], tables["inspections"], tables["summary"]
        index = {
            insp_id: scenario.week_index(dt.date.fromisoformat(week))
            for insp_id, week in zip(inspections["inspection"], inspections["week"], strict=True)
            if week
        }
        assignments = [
            (s, i, scenario.week_index(dt.date.fromisoformat(w)))
            for s, i, w in zip(roster["secondee"], roster["inspection"], roster["week"], strict=True)
        ]
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        return cls(
            facts,
            str(summary.get("status", "feasible")),
            index,
            assignments,
            objective=summary.get("objective"),
        )

    @cached_property
    def people_table(self) -> pd.DataFrame:
        """Secondees with homes and targets, so that reports need only the output folder."""
        scenario = self.facts.scenario
        rows = []
        for p in scenario.secondees:
            home = scenario.home(p.id)
            lo, hi = self.facts.targets[p.id]
            rows.append(
                {
                    "secondee": p.id,
                    "name": p.name,
                    "background": p.background,
                    "rank": p.rank,
                    "service": p.service,
                    "home_lat": home.lat,
                    "home_lon": home.lon,
                    "target_min": lo,
                    "target_max": hi,
                    "carer": p.carer is not None,
                }
            )
        columns = ["secondee", "name", "background", "rank", "service", "home_lat", "home_lon"]
        return pd.DataFrame(rows, columns=[*columns, "target_min", "target_max", "carer"])

    @cached_property
    def bodies_table(self) -> pd.DataFrame:
        """The bodies this scenario inspects or draws secondees from."""
        scenario = self.facts.scenario
        used = {i.body for i in scenario.inspections} | {p.service for p in scenario.secondees}
        rows = [b.model_dump() for b in scenario.all_bodies.values() if b.id in used]
        return pd.DataFrame(
            rows, columns=["id", "name", "kind", "hq_town", "lat", "lon", "region"]
        ).sort_values("id")

    # ------------------------------------------------------------ writing

    def write(self, out: Path) -> list[Path]:
        """Write the five files of OUTPUTS.md (and people.csv, bodies.csv for reports), atomically."""
        out.mkdir(parents=True, exist_ok=True)
        tables = {
            "roster.csv": self.roster_table,
            "inspections.csv": self.inspections_table,
            "accommodation.csv": self.accommodation_table,
            "weeks.csv": self.weeks_table,
            "people.csv": self.people_table,
            "bodies.csv": self.bodies_table,
        }
        written = []
        for name, table in tables.items():
            written.append(write_atomic(out / name, table.to_csv(index=False, lineterminator="\n")))
        text = json.dumps(self.summary, indent=2, ensure_ascii=False) + "\n"
        written.append(write_atomic(out / "summary.json", text))
        return written


def write_atomic(path: Path, text: str) -> Path:
    """Write `text` to a temporary file beside `path`, then rename it into place."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
