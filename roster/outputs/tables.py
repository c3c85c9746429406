"""The tables and the summary derived from a result: what the output files hold (docs/outputs.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models import Scenario
from roster.analysis.explain import shortfall_reason
from roster.costing import Evaluation, evaluate
from roster.facts import Arrangement, Facts, Reason, commute_limit, hotel_nights
from roster.frames import CsvError, Table, read_records
from roster.labels import people_labels, stay_reason
from roster.outputs.bookings import (
    Block,
    Notice,
    booking_table,
    make_blocks,
    notice_table,
    notices,
    read_blocks,
)
from roster.solving.result import Result

if TYPE_CHECKING:
    import pandas as pd
else:
    from roster.deferred import pandas as pd


@dataclass(frozen=True)
class Shortfall:
    """An inspection short of its minimum team or of its experienced members."""

    inspection: str
    body: str
    week: str
    places: int
    experienced_missing: int
    reason: str


ROSTER_COLUMNS = ["inspection", "body", "week", "secondee", "travel_minutes", "arrangement"]
ROSTER_EXTRA = ["hotel_nights", "trip_minutes", "cost", "measured"]
INSPECTION_COLUMNS = [
    "inspection",
    "body",
    "week",
    "team_size",
    "min",
    "max",
    "shortfall",
    "experienced_missing",
]
INSPECTION_EXTRA = ["experienced_needed", "body_name"]
STAY_COLUMNS = [
    "inspection",
    "body",
    "week",
    "secondee",
    "hotel_near",
    "check_in",
    "check_out",
    "nights",
    "reason",
]
STAY_EXTRA = ["cost"]
WEEK_COLUMNS = ["secondee", "week", "activity"]
CHANGE_COLUMNS = ["secondee", "inspection", "body", "week_before", "week_after", "change", "booking"]
CHANGE_EXTRA = [
    "name",
    "body_name",
    "check_in_before",
    "check_out_before",
    "check_in_after",
    "check_out_after",
]
PEOPLE_COLUMNS = ["secondee", "name", "background", "rank", "service", "home_lat", "home_lon"]
PEOPLE_EXTRA = ["target_min", "target_max", "carer"]
BODY_COLUMNS = ["id", "name", "kind", "hq_town", "lat", "lon", "region"]


class Tables:
    """Everything a result's output files hold, computed once from the facts and the result.

    Parameters
    ----------
    facts
        The facts of the scenario solved.
    result
        The solve's result (or a roster read back from a folder).
    overrides
        The command-line changes the scenario was solved with, recorded in the summary.
    provenance
        Keys added to the summary to say where a roster that was not solved came from
        (`source`, `violations` of a roster rebuilt from an edited one).
    """

    def __init__(
        self,
        facts: Facts,
        result: Result,
        overrides: Sequence[str] = (),
        provenance: Mapping[str, Any] | None = None,
    ) -> None:
        self.facts = facts
        self.result = result
        self.overrides = list(overrides)
        self.provenance = dict(provenance or {})

    @property
    def scenario(self) -> Scenario:
        return self.facts.scenario

    @cached_property
    def evaluation(self) -> Evaluation:
        return evaluate(self.facts, self.result.assignments, self.result.weeks)

    def _week(self, inspection_id: str) -> str:
        w = self.result.weeks.get(inspection_id)
        return self.scenario.monday(w).isoformat() if w is not None else ""

    def _sorted(self) -> list[tuple[str, str, int]]:
        return sorted(self.result.assignments, key=lambda t: (t[2], t[1], t[0]))

    # ------------------------------------------------------------ tables

    @cached_property
    def roster_table(self) -> Table:
        scenario = self.scenario
        body_of = {i.id: i.body for i in scenario.inspections}
        rows = []
        for s, i, w in self._sorted():
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
        return Table(ROSTER_COLUMNS + ROSTER_EXTRA, rows)

    @cached_property
    def inspections_table(self) -> Table:
        scenario = self.scenario
        team: dict[str, int] = {}
        for _, i, _ in self.result.assignments:
            team[i] = team.get(i, 0) + 1
        ev = self.evaluation
        rows = [
            {
                "inspection": insp.id,
                "body": insp.body,
                "week": self._week(insp.id),
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
        return Table(INSPECTION_COLUMNS + INSPECTION_EXTRA, rows).sorted_by("week", "inspection")

    @cached_property
    def accommodation_table(self) -> Table:
        scenario = self.scenario
        rules = scenario.rules
        body_of = {i.id: i.body for i in scenario.inspections}
        people = {p.id: p for p in scenario.secondees}
        last_day = rules.day_offsets[-1]
        rows = []
        for s, i, w in self._sorted():
            trip = self.facts.trip(s, body_of[i])
            if trip.arrangement is Arrangement.COMMUTE:
                continue
            monday = scenario.monday(w)
            check_out = monday + dt.timedelta(days=last_day)
            body = scenario.body(body_of[i])
            rows.append(
                {
                    "inspection": i,
                    "body": body.id,
                    "week": monday.isoformat(),
                    "secondee": s,
                    "hotel_near": body.hq_town or body.label,
                    "check_in": (check_out - dt.timedelta(days=trip.nights)).isoformat(),
                    "check_out": check_out.isoformat(),
                    "nights": trip.nights,
                    "reason": stay_reason(
                        trip.arrangement.value,
                        trip.minutes,
                        commute_limit(rules, people[s]),
                        rules.night_before_minutes,
                    ),
                    "cost": trip.hotel_pounds,
                }
            )
        return Table(STAY_COLUMNS + STAY_EXTRA, rows)

    @cached_property
    def labels(self) -> dict[str, str]:
        """The label people read for each secondee (`roster.labels.people_labels`)."""
        return people_labels((p.id, p.name) for p in self.scenario.secondees)

    @cached_property
    def blocks(self) -> list[Block]:
        """The hotel booking list: one block of rooms per inspection team (`roster.outputs.bookings`)."""
        names = {b.id: b.label for b in self.scenario.all_bodies.values()}
        return make_blocks(self.accommodation_table, self.labels, names)

    @cached_property
    def bookings_table(self) -> Table:
        return booking_table(self.blocks)

    @cached_property
    def published_blocks(self) -> list[Block]:
        """The hotel blocks of the published roster: its folder's bookings.csv when it has one,
        else made from its rows (with today's journeys)."""
        published = self.scenario.published
        if published is None:
            return []
        beside = Path(published.path).parent / "bookings.csv"
        if beside.is_file():
            try:
                found = read_records(beside)  # without pandas, as the published roster is read
                return read_blocks(Table(found.columns, found.rows))
            except (CsvError, ValueError, AttributeError):
                pass  # a hand-made or older file: make the blocks from the rows instead
        known = {i.id for i in self.scenario.inspections}
        kept = [
            (p.secondee, p.inspection, p.week)
            for p in self.facts.published
            if p.secondee in self.labels
            and p.inspection in self.facts.published_weeks
            and p.inspection in known
        ]
        before = Tables(self.facts, Result(self.result.status, self.facts.listed_weeks, tuple(kept)))
        return before.blocks

    @cached_property
    def booking_notices(self) -> list[Notice]:
        """What to book, cancel and amend since the published roster (booking-changes.csv)."""
        return notices(self.published_blocks, self.blocks)

    @cached_property
    def weeks_table(self) -> Table:
        scenario = self.scenario
        doing = {(s, w): i for s, i, w in self.result.assignments}
        mondays = [monday.isoformat() for monday in scenario.mondays]
        rows = [
            {"secondee": person.id, "week": monday, "activity": self.activity(person.id, w, doing)}
            for person in scenario.secondees
            for w, monday in enumerate(mondays)
        ]
        return Table(WEEK_COLUMNS, rows)

    def activity(self, secondee: str, week: int, doing: dict[tuple[str, int], str]) -> str:
        """An inspection id, or `off`, `away`, `training`, `not_seconded` (weeks.csv)."""
        reason = self.facts.week_reasons[(secondee, week)]
        if reason is Reason.NOT_SECONDED:
            return "not_seconded"
        if (secondee, week) in doing:
            return doing[(secondee, week)]
        if reason is Reason.AWAY:
            return "away"
        if reason is Reason.NOT_TRAINED:
            return "training"
        return "off"

    def stay(self, week: int | None, arrangement: str | None) -> tuple[str, str]:
        """Check-in and check-out of a hotel stay in `week` (two empty strings when there is none)."""
        if week is None or arrangement is None or arrangement == Arrangement.COMMUTE.value:
            return "", ""
        check_out = self.scenario.monday(week) + dt.timedelta(days=self.scenario.rules.day_offsets[-1])
        nights = hotel_nights(Arrangement(arrangement), self.facts.days)
        return (check_out - dt.timedelta(days=nights)).isoformat(), check_out.isoformat()

    @cached_property
    def changes_table(self) -> Table:
        """Every change to the published roster (changes.csv), with the hotel stays before and after."""
        scenario = self.scenario
        names = {p.id: p.label for p in scenario.secondees}
        rows = []
        for c in self.evaluation.changes:
            before = self.stay(
                c.week_before, c.arrangement_before if c.booking in ("cancel", "amend") else None
            )
            after = self.stay(c.week_after, c.arrangement_after if c.booking in ("book", "amend") else None)
            body = scenario.all_bodies.get(c.body)
            rows.append(
                {
                    "secondee": c.secondee,
                    "inspection": c.inspection,
                    "body": c.body,
                    "week_before": scenario.monday(c.week_before).isoformat()
                    if c.week_before is not None
                    else "",
                    "week_after": scenario.monday(c.week_after).isoformat()
                    if c.week_after is not None
                    else "",
                    "change": c.change,
                    "booking": c.booking,
                    "name": names.get(c.secondee, c.secondee),
                    "body_name": body.label if body else c.body,
                    "check_in_before": before[0],
                    "check_out_before": before[1],
                    "check_in_after": after[0],
                    "check_out_after": after[1],
                }
            )
        return Table(CHANGE_COLUMNS + CHANGE_EXTRA, rows)

    @cached_property
    def people_table(self) -> Table:
        """Secondees with homes and targets, so that reports need only the output folder."""
        scenario = self.scenario
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
        return Table(PEOPLE_COLUMNS + PEOPLE_EXTRA, rows)

    @cached_property
    def bodies_table(self) -> Table:
        """The bodies this scenario inspects or draws secondees from."""
        scenario = self.scenario
        used = {i.body for i in scenario.inspections} | {p.service for p in scenario.secondees}
        rows = [b.model_dump() for b in scenario.all_bodies.values() if b.id in used]
        return Table(BODY_COLUMNS, rows).sorted_by("id")

    # The tables as pandas tables, for the commands that compute with them (compare, regress,
    # rebuild); a solve writes and prints the `Table`s above, which need no pandas.

    @cached_property
    def roster(self) -> pd.DataFrame:
        return self.roster_table.frame()

    @cached_property
    def inspections(self) -> pd.DataFrame:
        return self.inspections_table.frame()

    @cached_property
    def accommodation(self) -> pd.DataFrame:
        return self.accommodation_table.frame()

    @cached_property
    def bookings(self) -> pd.DataFrame:
        return self.bookings_table.frame()

    @cached_property
    def weeks(self) -> pd.DataFrame:
        return self.weeks_table.frame()

    @cached_property
    def changes(self) -> pd.DataFrame:
        return self.changes_table.frame()

    @cached_property
    def people(self) -> pd.DataFrame:
        return self.people_table.frame()

    @cached_property
    def bodies(self) -> pd.DataFrame:
        return self.bodies_table.frame()

    # ----------------------------------------------------------- summary

    @cached_property
    def shortfalls(self) -> list[Shortfall]:
        if not self.result.has_roster:
            return []
        ev = self.evaluation
        out = []
        for insp in self.scenario.inspections:
            places, missing = ev.shortfall[insp.id], ev.experienced_missing[insp.id]
            if places or missing:
                reason = shortfall_reason(self.facts, self.result, insp.id, ev)
                out.append(Shortfall(insp.id, insp.body, self._week(insp.id), places, missing, reason))
        return out

    @cached_property
    def summary(self) -> dict[str, Any]:
        scenario = self.scenario
        result = self.result
        ev = self.evaluation
        seconded = [p.id for p in scenario.secondees if self.facts.seconded[p.id]]
        counts = [ev.per_secondee[s] for s in seconded]
        summary: dict[str, Any] = {
            "status": result.status.value,
            "objective": result.objective,
            "best_bound": result.best_bound,
            "gap": result.gap,
            "solve_seconds": round(result.seconds, 3),
            "cost_terms": ev.terms,
            "hotel_nights": ev.hotel_nights,
            "hotel_cost": ev.terms["hotel"],
            "travel_hours": round(ev.travel_minutes / 60, 2),
            "inspections": len(scenario.inspections),
            "inspections_fully_staffed": sum(
                1 for i in scenario.inspections if not ev.shortfall[i.id] and not ev.experienced_missing[i.id]
            ),
            "secondees_used": len({s for s, _, _ in result.assignments}),
            "inspections_per_secondee": {
                "min": min(counts) if counts else 0,
                "mean": round(sum(counts) / len(counts), 3) if counts else 0,
                "max": max(counts) if counts else 0,
            },
            "shortfalls": [asdict(s) for s in self.shortfalls],
            "scenario": {"name": scenario.name, "sha256": scenario.sha256(), "file": scenario.file},
            "solver": dict(result.solver),
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
            "model": dict(result.model),
        }
        if result.infeasibility is not None:
            summary["infeasibility"] = dict(result.infeasibility)
        published = scenario.published
        if published is not None:
            first = scenario.baseline.frozen_before if scenario.baseline else None
            summary["baseline"] = {
                "roster": published.given,
                "sha256": published.sha256,
                "frozen_before": first.isoformat() if first else None,
                "frozen_assignments": len(self.facts.frozen),
                "changes": len(ev.changes),
                "moves": len(ev.moves),
                "moved_inspections": ev.moves,
            }
        summary["overrides"] = self.overrides
        summary.update(self.provenance)
        return summary

    # -------------------------------------------------------------- files

    def files(self) -> dict[str, str]:
        """The text of every data file of the output folder, `summary.json` last.

        `summary.json` records the SHA-256 of each other file (`files`), so that a reader can
        tell a folder whose files were written together from one edited or mixed since.
        """
        texts = {
            "roster.csv": self.roster_table.csv(),
            "inspections.csv": self.inspections_table.csv(),
            "accommodation.csv": self.accommodation_table.csv(),
            "bookings.csv": self.bookings_table.csv(),
            "weeks.csv": self.weeks_table.csv(),
            "people.csv": self.people_table.csv(),
            "bodies.csv": self.bodies_table.csv(),
        }
        if self.scenario.published is not None:
            texts["changes.csv"] = self.changes_table.csv()
            texts["booking-changes.csv"] = notice_table(self.booking_notices, self.labels).csv()
        summary = {**self.summary, "files": {name: sha256_text(text) for name, text in texts.items()}}
        texts["summary.json"] = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
        return texts


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
