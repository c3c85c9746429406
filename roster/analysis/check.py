"""An independent rule checker for any roster, written from OBJECTIVE.md against the tables.

It shares no code with `constraints/` or the engine's costing: it reuses only the fact functions
(journey time, arrangement, hotel nights, trip minutes, travel pounds, target range, seconded
weeks), so a roster edited by hand in a spreadsheet is judged by the same definitions.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from models import Scenario
from roster import facts as f
from roster.frames import rows

if TYPE_CHECKING:
    import pandas as pd

REQUIRED = ("inspection", "week", "secondee")
"""The columns a roster needs at least: any hand-made roster.csv with these can be checked."""


@dataclass(frozen=True)
class Violation:
    """One broken rule or inconsistency, in plain words."""

    rule: str
    message: str
    secondee: str | None = None
    inspection: str | None = None
    weeks: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "weeks": list(self.weeks)}


LISTED = 200
"""Violations listed at most; the others are counted (a million-row file stays readable)."""


@dataclass
class CheckReport:
    """Violations found (the first `LISTED` of them; `more` counts the rest) and the cost
    recomputed from the roster."""

    violations: list[Violation] = field(default_factory=list)
    cost_terms: dict[str, int] = field(default_factory=dict)
    shortfall_places: int = 0
    experienced_missing: int = 0
    more: int = 0
    rules: Counter[str] = field(default_factory=Counter)  # every violation, listed or not, by rule

    @property
    def objective(self) -> int:
        return sum(self.cost_terms.values())

    @property
    def valid(self) -> bool:
        return not self.violations and not self.more

    @property
    def count(self) -> int:
        return len(self.violations) + self.more

    def add(self, violation: Violation) -> None:
        self.rules[violation.rule] += 1
        if len(self.violations) < LISTED:
            self.violations.append(violation)
        else:
            self.more += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "violations": [v.as_dict() for v in self.violations],
            "more": self.more,
            "cost_terms": self.cost_terms,
            "objective": self.objective,
        }


def check(scenario: Scenario, tables: dict[str, Any]) -> list[Violation]:
    """Every rule a roster breaks (see `check_report` for the recomputed cost too)."""
    return check_report(scenario, tables).violations


def check_report(scenario: Scenario, tables: dict[str, Any]) -> CheckReport:
    """Check a roster's tables against every rule of OBJECTIVE.md and recompute its cost."""
    return _Checker(scenario, tables).run()


class _Checker:
    def __init__(self, scenario: Scenario, tables: dict[str, Any]) -> None:
        self.scenario = scenario
        self.tables = tables
        self.report = CheckReport()
        self.rules = scenario.rules
        self.people = {p.id: p for p in scenario.secondees}
        self.insps = {i.id: i for i in scenario.inspections}
        self.days = len(self.rules.inspection_days)

    def flag(
        self,
        rule: str,
        message: str,
        secondee: str | None = None,
        inspection: str | None = None,
        weeks: tuple[str, ...] = (),
    ) -> None:
        self.report.add(Violation(rule, message, secondee, inspection, weeks))

    def flag_row(self, rule: str, row: Any, message: str) -> None:
        """A violation of one roster row: its secondee, inspection and week."""
        self.flag(rule, message, row.secondee, row.inspection, (row.week,))

    def run(self) -> CheckReport:
        summary = self.tables.get("summary")
        status = summary.get("status") if isinstance(summary, dict) else None
        if status in ("infeasible", "unknown", "invalid"):
            self.flag(
                "no_roster",
                f"this folder holds no roster (status {status}): the solve that wrote it found none,"
                " so there is nothing to check; its summary.json and the solve's message say why",
            )
            return self.report
        roster = self._read_roster()
        if roster is None:
            return self.report
        self.roster = roster
        self._weeks_of_inspections()
        self._programme_cap()
        self._one_place()
        self._back_to_back_and_rhythm()
        self._availability()
        self._eligibility()
        self._carers()
        self._team_and_experience()
        self._history()
        self._costs()
        self._files()
        return self.report

    # ------------------------------------------------------------ reading

    def _read_roster(self) -> pd.DataFrame | None:
        df: pd.DataFrame = self.tables["roster"].copy()
        df = df.astype({c: str for c in REQUIRED})
        ok = True
        for row in rows(df):
            where = f"roster row {row.Index + 2}"
            if row.inspection not in self.insps:
                self.flag(
                    "input", f"{where}: unknown inspection `{row.inspection}`", row.secondee, row.inspection
                )
                ok = False
            if row.secondee not in self.people:
                self.flag(
                    "input",
                    f"{where}: unknown secondee `{row.secondee}`"
                    + self.scenario.unknown_secondee_hint(str(row.secondee)),
                    row.secondee,
                    row.inspection,
                )
                ok = False
            try:
                monday = dt.date.fromisoformat(row.week)
            except ValueError:
                self.flag(
                    "input",
                    f"{where}: week `{row.week}` is not a date like 2026-09-14",
                    row.secondee,
                    row.inspection,
                )
                ok = False
                continue
            if monday.weekday() != 0:
                self.flag_row("input", row, f"{where}: week {row.week} is not a Monday")
                ok = False
            elif not 0 <= self.scenario.week_index(monday) < self.scenario.weeks:
                self.flag_row("input", row, f"{where}: week {row.week} is outside the horizon")
                ok = False
        if not ok:
            return None
        dupes = df[df.duplicated(["inspection", "secondee"], keep="first")]
        for row in rows(dupes):
            self.flag(
                "input", f"`{row.secondee}` is listed twice on {row.inspection}", row.secondee, row.inspection
            )
        df = df.drop_duplicates(["inspection", "secondee"]).reset_index(drop=True)
        df["w"] = [self.scenario.week_index(dt.date.fromisoformat(d)) for d in df["week"]]
        df["body_id"] = [self.insps[i].body for i in df["inspection"]]
        df["minutes"] = [
            f.journey_minutes(self.scenario, self.people[s], self.scenario.body(b))
            for s, b in zip(df["secondee"], df["body_id"], strict=True)
        ]
        df["kind"] = [
            f.arrangement(m, f.commute_limit(self.rules, self.people[s]), self.rules.night_before_minutes)
            for s, m in zip(df["secondee"], df["minutes"], strict=True)
        ]
        df["nights"] = [f.hotel_nights(k, self.days) for k in df["kind"]]
        df["trip"] = [f.trip_minutes(k, m, self.days) for k, m in zip(df["kind"], df["minutes"], strict=True)]
        return df

    # -------------------------------------------------------------- rules

    def _weeks_of_inspections(self) -> None:
        """Rule 1: each inspection in exactly one allowed week."""
        self.week_of: dict[str, int] = {}
        table = self.tables.get("inspections")
        if table is not None and "week" in table.columns:
            for row in rows(table):
                if row.inspection in self.insps and row.week:
                    self.week_of[row.inspection] = self.scenario.week_index(dt.date.fromisoformat(row.week))
        for planned in self.scenario.inspections:
            allowed = self.scenario.allowed_weeks(planned)
            if len(allowed) == 1 and planned.id not in set(self.roster["inspection"]):
                self.week_of.setdefault(planned.id, allowed[0])  # a fixed inspection runs, staffed or not
        for insp, group in self.roster.groupby("inspection"):
            weeks = sorted(set(group["w"]))
            if len(weeks) > 1:
                names = tuple(self.scenario.monday(w).isoformat() for w in weeks)
                self.flag(
                    "one_week",
                    f"{insp} runs in {len(weeks)} weeks ({', '.join(names)}): an inspection runs in exactly one week",
                    inspection=str(insp),
                    weeks=names,
                )
            self.week_of.setdefault(str(insp), weeks[0])
        for insp_id, w in self.week_of.items():
            allowed = self.scenario.allowed_weeks(self.insps[insp_id])
            if w not in allowed:
                first, last = self.scenario.monday(allowed[0]), self.scenario.monday(allowed[-1])
                span = str(first) if first == last else f"{first} to {last}"
                self.flag(
                    "one_week",
                    f"{insp_id} is rostered in the week of {self.scenario.monday(w)}, outside its allowed week(s) {span}",
                    inspection=insp_id,
                    weeks=(self.scenario.monday(w).isoformat(),),
                )

    def _programme_cap(self) -> None:
        """Rule 2: at most the cap of inspections running in a week."""
        per_week: dict[int, list[str]] = {}
        for insp_id, week in self.week_of.items():
            per_week.setdefault(week, []).append(insp_id)
        for w, running in sorted(per_week.items()):
            cap = self.rules.cap(self.scenario.monday(w))
            n = len(running)
            if n > cap:
                running = sorted(running)
                monday = self.scenario.monday(w).isoformat()
                self.flag(
                    "programme_cap",
                    f"{n} inspections run in the week of {monday} ({', '.join(running)}): the cap is {cap}",
                    weeks=(monday,),
                )

    def _one_place(self) -> None:
        """Rule 3: one inspection a week per secondee."""
        counts: dict[tuple[str, str], list[str]] = {}
        for row in rows(self.roster):
            counts.setdefault((row.secondee, row.week), []).append(row.inspection)
        for (s, week), insps in counts.items():
            if len(insps) > 1:
                self.flag(
                    "one_place",
                    f"`{s}` is on {len(insps)} inspections in the week of {week} ({', '.join(insps)}): one at a time",
                    secondee=str(s),
                    weeks=(str(week),),
                )

    def _runs(self, weeks: set[int]) -> list[tuple[int, int]]:
        runs: list[tuple[int, int]] = []
        for w in sorted(weeks):
            if runs and runs[-1][1] == w - 1:
                runs[-1] = (runs[-1][0], w)
            else:
                runs.append((w, w))
        return runs

    def _back_to_back_and_rhythm(self) -> None:
        """Rule 4 and the rhythm (counted for the cost; a violation when hard)."""
        rhythm = self.rules.rhythm
        self.breaks: dict[str, int] = {}
        for s in self.people:
            weeks = set(self.roster.loc[self.roster["secondee"] == s, "w"])
            runs = self._runs(weeks)
            breaks = 0
            for a, b in runs:
                length = b - a + 1
                names = (self.scenario.monday(a).isoformat(), self.scenario.monday(b).isoformat())
                if length > self.rules.max_back_to_back:
                    self.flag(
                        "back_to_back",
                        f"`{s}` is on {length} consecutive inspection weeks ({names[0]} … {names[1]}): the limit is {self.rules.max_back_to_back}",
                        secondee=s,
                        weeks=names,
                    )
                breaks += max(0, length - rhythm.weeks_on)
            for (_, end), (start, _) in itertools.pairwise(runs):
                if start - end - 1 < rhythm.weeks_off:
                    breaks += 1
            self.breaks[s] = breaks
            if rhythm.hard and breaks:
                self.flag(
                    "rhythm",
                    f"`{s}` breaks the hard rhythm ({rhythm.weeks_on} on, {rhythm.weeks_off} off) {breaks} time(s)",
                    secondee=s,
                )

    def _availability(self) -> None:
        """Rule 5: inside the secondment, after the training week, never in an away week."""
        for row in rows(self.roster):
            person = self.people[row.secondee]
            monday = self.scenario.monday(row.w)
            days = [monday + dt.timedelta(days=d) for d in self.rules.day_offsets]
            if person.available and not (person.available[0] <= days[0] and days[-1] <= person.available[1]):
                self.flag_row(
                    "availability",
                    row,
                    f"`{row.secondee}` is on {row.inspection} in the week of {row.week}, outside their secondment ({person.available[0]} to {person.available[1]})",
                )
            if person.trained and monday <= person.trained - dt.timedelta(days=person.trained.weekday()):
                self.flag_row(
                    "training",
                    row,
                    f"`{row.secondee}` is on {row.inspection} in the week of {row.week}, before the week after their training ({person.trained})",
                )
            if monday in person.away:
                self.flag_row(
                    "away",
                    row,
                    f"`{row.secondee}` is on {row.inspection} in the week of {row.week}, a week they are away",
                )

    def _eligibility(self) -> None:
        """Rules 6 and 7: not one's own service; the right background."""
        for row in rows(self.roster):
            person = self.people[row.secondee]
            body = self.scenario.body(row.body_id)
            insp = self.insps[row.inspection]
            if self.rules.no_own_service and person.service == body.id:
                self.flag_row(
                    "own_service", row, f"`{row.secondee}` is on {row.inspection} but comes from {body.label}"
                )
            allowed = (
                insp.open_to
                if insp.open_to is not None
                else ([body.kind] if self.rules.match_background else ["police", "fire"])
            )
            if person.background not in allowed:
                self.flag_row(
                    "background",
                    row,
                    f"`{row.secondee}` ({person.background}) is on {row.inspection}, a {body.kind} inspection open to {', '.join(allowed)}",
                )

    def _carers(self) -> None:
        """Rule 10: carer arrangements and the hotel-night limit."""
        for row in rows(self.roster):
            carer = self.people[row.secondee].carer
            if carer is None:
                continue
            if carer.home_every_night and row.kind != f.Arrangement.COMMUTE:
                self.flag_row(
                    "carer",
                    row,
                    f"`{row.secondee}` must be home every night but {row.inspection} is a {row.minutes}-minute journey, over their commute limit",
                )
            if carer.no_night_before and row.kind == f.Arrangement.HOTEL_NIGHT_BEFORE:
                self.flag_row(
                    "carer",
                    row,
                    f"`{row.secondee}` cannot travel the night before, but {row.inspection} is a {row.minutes}-minute journey",
                )
        nights = self.roster.groupby("secondee")["nights"].sum()
        for s, n in nights.items():
            carer = self.people[str(s)].carer
            if carer and carer.max_nights_away is not None and n > carer.max_nights_away:
                self.flag(
                    "carer",
                    f"`{s}` has {n} hotel nights: their limit is {carer.max_nights_away}",
                    secondee=str(s),
                )

    def _team_and_experience(self) -> None:
        """Rules 8 and 9: team size (short places are shortfalls) and experienced members."""
        team = self.roster.groupby("inspection")["secondee"].count()
        first = self.roster.groupby("secondee")["w"].min()
        self.short: dict[str, int] = {}
        self.exp_missing: dict[str, int] = {}
        for insp in self.scenario.inspections:
            n = int(team.get(insp.id, 0))
            if n > insp.team_max:
                self.flag(
                    "team_size",
                    f"{insp.id} has {n} secondees: its maximum is {insp.team_max}",
                    inspection=insp.id,
                )
            self.short[insp.id] = max(0, insp.team_min - n)
            members = self.roster[self.roster["inspection"] == insp.id]
            experienced = sum(
                1
                for s, w in zip(members["secondee"], members["w"], strict=True)
                if self.people[s].inspections_done > 0 or first[s] < w
            )
            self.exp_missing[insp.id] = max(0, insp.needs.experienced - experienced)
        self.report.shortfall_places = sum(self.short.values())
        self.report.experienced_missing = sum(self.exp_missing.values())

    def _history(self) -> None:
        """Rule 11 against the published roster, and the changes and moves since (docs/rules.md)."""
        self.changes: dict[
            tuple[str, str, str, str], str
        ] = {}  # (secondee, inspection, before, after) -> kind
        self.changes_counted = 0
        self.moves: list[str] = []
        published = self.scenario.published
        if published is None:
            return
        baseline = self.scenario.baseline
        first = baseline.frozen_before if baseline is not None else None
        frozen = first.isoformat() if first else None
        before = {(r.secondee, r.inspection): r.week.isoformat() for r in published.rows}
        self.booked_before = {
            (r.secondee, r.inspection): self._booked(r.secondee, r.inspection, r.arrangement)
            for r in published.rows
        }
        after = {(row.secondee, row.inspection): row.week for row in rows(self.roster)}
        for (s, i), week in before.items():
            if frozen is not None and week < frozen:
                if after.get((s, i)) != week:
                    self.flag(
                        "history",
                        f"`{s}` was on {i} in the week of {week} (published, before frozen_before {frozen}):"
                        f" the roster has {'the week of ' + after[(s, i)] if (s, i) in after else 'no such row'}",
                        s,
                        i,
                        (week,),
                    )
            elif after.get((s, i)) != week:
                kind = "moved" if (s, i) in after else "left"
                self.changes[(s, i, week, after.get((s, i), ""))] = kind
        for (s, i), week in after.items():
            if (s, i) in before:
                continue
            if frozen is not None and week < frozen:
                self.flag(
                    "history",
                    f"`{s}` is on {i} in the week of {week}, before frozen_before {frozen}, which the published roster does not have",
                    s,
                    i,
                    (week,),
                )
            else:
                self.changes[(s, i, "", week)] = "joined"
        self.changes_counted = len(self.changes)
        self._history_of_inspections(frozen)

    def _history_of_inspections(self, frozen: str | None) -> None:
        """Inspections that ran before frozen_before keep their week; no other runs before it.

        An inspection ran when the published roster places it (its rows, or the inspections.csv
        beside it), or when nobody was published on it and its only allowed week is before.
        Published inspections with rows that run in another week now are moves.
        """
        published = self.scenario.published
        assert published is not None
        staffed = {r.inspection: r.week.isoformat() for r in published.rows}
        listed = {i: d.isoformat() for i, d in published.inspection_weeks} | staffed
        running = {i: self.scenario.monday(w).isoformat() for i, w in self.week_of.items()}
        kept = {i: w for i, w in listed.items() if frozen is not None and w < frozen}
        for insp in self.scenario.inspections:
            allowed = self.scenario.allowed_weeks(insp)
            only = self.scenario.monday(allowed[0]).isoformat() if len(allowed) == 1 else None
            if frozen is not None and insp.id not in listed and only is not None and only < frozen:
                kept[insp.id] = only
        for i, week in sorted(kept.items()):
            if running.get(i) != week:
                self.flag(
                    "history",
                    f"{i} ran in the week of {week} (before frozen_before {frozen}) but the roster has it in {running.get(i, 'no week')}",
                    inspection=i,
                    weeks=(week,),
                )
        self.moves += [i for i, week in sorted(staffed.items()) if i not in kept and running.get(i) != week]
        for i, week in sorted(running.items()):
            if frozen is not None and week < frozen and kept.get(i) != week:
                self.flag(
                    "history",
                    f"{i} runs in the week of {week}, before frozen_before {frozen}, where the published roster does not have it",
                    inspection=i,
                    weeks=(week,),
                )

    def _booked(self, secondee: str, inspection: str, published: str | None) -> str | None:
        """The arrangement a published pair was booked with: the published column, else the rules'."""
        if published is not None:
            return published
        person, insp = self.people.get(secondee), self.insps.get(inspection)
        if person is None or insp is None:
            return None
        minutes = f.journey_minutes(self.scenario, person, self.scenario.body(insp.body))
        return f.arrangement(
            minutes, f.commute_limit(self.rules, person), self.rules.night_before_minutes
        ).value

    def _booking(self, kind: str, before: str | None, after: str | None) -> str:
        """The booking column of changes.csv, worked out again: a stay on either side of the change."""
        stayed = kind != "joined" and before != f.Arrangement.COMMUTE.value
        stays = kind != "left" and after is not None and after != f.Arrangement.COMMUTE.value
        return {(True, True): "amend", (True, False): "cancel", (False, True): "book"}.get(
            (stayed, stays), "none"
        )

    def _changes_file(self, table: pd.DataFrame) -> None:
        """changes.csv lists exactly the changes the roster makes to the published roster."""
        if self.scenario.published is None:
            self.flag("changes", "changes.csv is in the folder but the scenario replans no published roster")
            return
        kinds = {(row.secondee, row.inspection): str(row.kind) for row in rows(self.roster)}
        expected = {
            key: (kind, self._booking(kind, self.booked_before.get(key[:2]), kinds.get(key[:2])))
            for key, kind in self.changes.items()
        }
        needed = ("secondee", "inspection", "week_before", "week_after", "change", "booking")
        if any(c not in table.columns for c in needed):
            self.flag("changes", f"changes.csv needs the columns {', '.join(needed)}")
            return
        listed = {
            (row.secondee, row.inspection, row.week_before, row.week_after): (row.change, row.booking)
            for row in rows(table)
        }
        for key in sorted(expected.keys() - listed.keys()):
            self.flag(
                "changes",
                f"changes.csv leaves out that `{key[0]}` {expected[key][0]} on {key[1]}",
                key[0],
                key[1],
            )
        for key in sorted(listed.keys() - expected.keys()):
            self.flag(
                "changes",
                f"changes.csv lists `{key[0]}` {listed[key][0]} on {key[1]}, which is no change",
                key[0],
                key[1],
            )
        for key in sorted(expected.keys() & listed.keys()):
            if tuple(map(str, listed[key])) != expected[key]:
                self.flag(
                    "changes",
                    f"changes.csv gives `{key[0]}` on {key[1]} as {'/'.join(map(str, listed[key]))}, the rules give {'/'.join(expected[key])}",
                    key[0],
                    key[1],
                )

    def _costs(self) -> None:
        """The objective of OBJECTIVE.md, term by term."""
        costs = self.rules.costs
        r = self.roster
        n = r.groupby("secondee")["inspection"].count()
        under = over = unmet = 0
        for s, person in self.people.items():
            lo, hi = f.target_range(self.scenario, person)
            k = int(n.get(s, 0))
            under += max(0, lo - k)
            over += max(0, k - hi)
            mine = r[r["secondee"] == s]
            off = {d.isoformat() for d in person.prefers.off_weeks}
            unmet += int(mine["week"].isin(off).sum()) + int(mine["body_id"].isin(person.avoids.bodies).sum())
            if person.prefers.bodies and not mine["body_id"].isin(person.prefers.bodies).any():
                unmet += 1
        self.report.cost_terms = {
            "hotel": int(r["nights"].sum()) * costs.hotel_night_cost,
            "travel": int(sum(f.travel_pounds(int(t), costs) for t in r["trip"])),
            "under_use": under * costs.under_use,
            "over_use": over * costs.over_use,
            "rhythm": sum(self.breaks.values()) * costs.rhythm,
            "preference": unmet * costs.preference,
            "shortfall": (self.report.shortfall_places + self.report.experienced_missing) * costs.shortfall,
            "change": self.changes_counted * costs.change + len(self.moves) * costs.move,
        }

    # ----------------------------------------------- the other output files

    def _files(self) -> None:
        r = self.roster
        for column, expected, rule in (
            ("body", "body_id", "body"),
            ("travel_minutes", "minutes", "travel_minutes"),
            ("arrangement", "kind", "arrangement"),
        ):
            if column not in r.columns:
                continue
            for row in rows(r):
                got, want = str(getattr(row, column)), str(getattr(row, expected))
                if got != want:
                    self.flag_row(
                        rule,
                        row,
                        f"`{row.secondee}` on {row.inspection}: {column} is {got},"
                        f" {'the scenario has' if column == 'body' else 'the rules give'} {want}",
                    )
        if "accommodation" in self.tables:
            self._accommodation(self.tables["accommodation"])
        if "weeks" in self.tables:
            self._weeks_file(self.tables["weeks"])
        if "inspections" in self.tables:
            self._inspections_file(self.tables["inspections"])
        if "changes" in self.tables:
            self._changes_file(self.tables["changes"])
        if "summary" in self.tables:
            self._summary(self.tables["summary"])

    def _accommodation(self, table: pd.DataFrame) -> None:
        stays = {(row.inspection, row.secondee): row for row in rows(table)}
        for row in rows(self.roster):
            stay = stays.pop((row.inspection, row.secondee), None)
            if row.kind == f.Arrangement.COMMUTE:
                if stay is not None:
                    self.flag_row(
                        "accommodation",
                        row,
                        f"`{row.secondee}` commutes to {row.inspection} but has a hotel booking",
                    )
                continue
            if stay is None:
                self.flag_row(
                    "accommodation",
                    row,
                    f"`{row.secondee}` needs a hotel for {row.inspection} ({row.nights} nights) but has no booking",
                )
                continue
            last_day = self.scenario.monday(row.w) + dt.timedelta(days=self.rules.day_offsets[-1])
            check_in = last_day - dt.timedelta(days=int(row.nights))
            if str(stay.nights) != str(row.nights):
                self.flag_row(
                    "hotel_nights",
                    row,
                    f"`{row.secondee}` on {row.inspection}: {stay.nights} hotel nights booked, the rules give {row.nights}",
                )
            if (str(stay.check_in), str(stay.check_out)) != (check_in.isoformat(), last_day.isoformat()):
                self.flag_row(
                    "accommodation",
                    row,
                    f"`{row.secondee}` on {row.inspection}: booked {stay.check_in} to {stay.check_out}, the rules give {check_in} to {last_day}",
                )
        for (insp, s), _ in stays.items():
            self.flag(
                "accommodation",
                f"hotel booking for `{s}` on {insp}, who is not on that inspection",
                str(s),
                str(insp),
            )

    def _weeks_file(self, table: pd.DataFrame) -> None:
        doing = {(row.secondee, row.week): row.inspection for row in rows(self.roster)}
        for row in rows(table):
            if row.secondee not in self.people:
                self.flag("weeks", f"weeks.csv names unknown secondee `{row.secondee}`", str(row.secondee))
                continue
            expected = doing.get((row.secondee, row.week))
            if expected is not None and row.activity != expected:
                self.flag(
                    "weeks",
                    f"weeks.csv says `{row.secondee}` is {row.activity} in the week of {row.week}, but the roster has {expected}",
                    str(row.secondee),
                    weeks=(str(row.week),),
                )
            if expected is None and row.activity in self.insps:
                self.flag(
                    "weeks",
                    f"weeks.csv puts `{row.secondee}` on {row.activity} in the week of {row.week}, which the roster does not",
                    str(row.secondee),
                    weeks=(str(row.week),),
                )

    def _inspections_file(self, table: pd.DataFrame) -> None:
        team = self.roster.groupby("inspection")["secondee"].count()
        for row in rows(table):
            if row.inspection not in self.insps:
                self.flag(
                    "inspections",
                    f"inspections.csv names unknown inspection `{row.inspection}`",
                    inspection=str(row.inspection),
                )
                continue
            want = {
                "team_size": int(team.get(row.inspection, 0)),
                "shortfall": self.short[row.inspection],
                "experienced_missing": self.exp_missing[row.inspection],
            }
            for column, value in want.items():
                if column in table.columns and str(getattr(row, column)) != str(value):
                    self.flag(
                        "inspections",
                        f"inspections.csv gives {row.inspection} {column} {getattr(row, column)}, the roster gives {value}",
                        inspection=str(row.inspection),
                    )

    def _summary_baseline(self, summary: dict[str, Any]) -> None:
        if self.scenario.published is None:
            return
        said = summary.get("baseline")
        for key, value in (("changes", self.changes_counted), ("moves", len(self.moves))):
            if not isinstance(said, dict):  # solved without a baseline: it counted none
                if value:
                    self.flag(
                        "summary",
                        f"summary.json was written by a solve without a baseline, so it counts no {key};"
                        f" against the published roster the roster has {value}",
                    )
            elif said.get(key) != value:
                self.flag(
                    "summary", f"summary.json gives baseline {key} {said.get(key)}, the roster gives {value}"
                )

    def _summary(self, summary: dict[str, Any]) -> None:
        report = self.report
        terms = summary.get("cost_terms", {})
        for term, value in report.cost_terms.items():
            if terms.get(term) != value:
                said = f"gives {term} £{terms[term]}" if term in terms else f"gives no `{term}` cost term"
                self.flag("cost_terms", f"summary.json {said}, the roster costs £{value}")
        if summary.get("objective") != report.objective:
            self.flag(
                "objective",
                f"summary.json gives objective £{summary.get('objective')}, the roster costs £{report.objective}",
            )
        nights = int(self.roster["nights"].sum())
        totals = {
            "hotel_nights": nights,
            "hotel_cost": nights * self.rules.costs.hotel_night_cost,
            "inspections": len(self.insps),
            "inspections_fully_staffed": sum(
                1 for i in self.insps if not self.short[i] and not self.exp_missing[i]
            ),
            "secondees_used": int(self.roster["secondee"].nunique()),
        }
        for key, value in totals.items():
            if key in summary and summary[key] != value:
                self.flag("summary", f"summary.json gives {key} {summary[key]}, the roster gives {value}")
        hours = int(self.roster["trip"].sum()) / 60
        if "travel_hours" in summary and not math.isclose(
            float(summary["travel_hours"]), hours, abs_tol=0.01
        ):
            self.flag(
                "summary",
                f"summary.json gives travel_hours {summary['travel_hours']}, the roster gives {hours:.2f}",
            )
        self._summary_baseline(summary)
        self._summary_shortfalls(summary)

    def _summary_shortfalls(self, summary: dict[str, Any]) -> None:
        # Rules 8 and 9 allow a short team only when the summary reports it as a shortfall.
        entries = summary.get("shortfalls")
        listed = {
            str(s.get("inspection")): s
            for s in (entries if isinstance(entries, list) else [])
            if isinstance(s, dict)
        }
        for insp in self.insps:
            entry = listed.get(insp, {})
            reported = (entry.get("places", 0), entry.get("experienced_missing", 0))
            for rule, what, actual, said in (
                ("team_size", "place(s)", self.short[insp], reported[0]),
                ("experience", "experienced member(s)", self.exp_missing[insp], reported[1]),
            ):
                if actual != said:
                    self.flag(
                        rule,
                        f"{insp} is short of {actual} {what} but summary.json reports {said} as shortfalls",
                        inspection=insp,
                    )
