"""What `roster validate` shows: the shape of a scenario and who can go where."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from roster.facts import Arrangement, Facts
from roster.labels import short_body_name


@dataclass(frozen=True)
class InspectionOverview:
    inspection: str
    body: str  # the body's name as the roster's grid shows it (`Kent`, `Kent Fire`)
    weeks: str  # the Mondays it may run in: `14 Sep`, or `14 Sep–28 Sep` for a window
    team_min: int
    team_max: int
    eligible: int
    arrangements: dict[Arrangement, int]

    @property
    def short(self) -> bool:
        return self.eligible < self.team_min


@dataclass
class Overview:
    """Per-week and per-inspection counts derived from the facts."""

    name: str
    horizon: str
    weeks: list[tuple[str, int, int, int]] = field(default_factory=list)  # monday, fixed, windowed, cap
    backgrounds: dict[str, int] = field(default_factory=dict)
    carers: int = 0
    inspections: list[InspectionOverview] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what reading the variants did (`Scenario.notes`)
    crossings: dict[str, int] = field(default_factory=dict)
    """Estimated journeys of eligible pairs that cross the sea, by the place across it."""

    @property
    def warnings(self) -> list[str]:
        out = [
            f"{i.inspection} ({i.weeks}): only {i.eligible} eligible secondee(s) for a team of at least {i.team_min}"
            for i in self.inspections
            if i.short
        ]
        out += [
            f"week {monday}: {fixed} fixed inspections but the cap is {cap}"
            for monday, fixed, _, cap in self.weeks
            if fixed > cap
        ]
        out += [
            f"{n} estimated journey(s) go to or from {place}, reached only by sea or air: the estimate"
            " is by road and leaves the crossing out; give their measured minutes under `travel:`"
            " (`roster travel` lists them)"
            for place, n in sorted(self.crossings.items())
        ]
        return out


def overview(facts: Facts) -> Overview:
    """Summarise a scenario for a planner's first look."""
    scenario = facts.scenario
    result = Overview(
        name=scenario.name,
        horizon=f"{scenario.start} to {scenario.end} ({scenario.weeks} weeks)",
        backgrounds=dict(Counter(s.background for s in scenario.secondees)),
        carers=sum(1 for s in scenario.secondees if s.carer is not None),
        notes=scenario.notes,
    )
    for w, monday in enumerate(scenario.mondays):
        fixed = sum(1 for i in scenario.inspections if facts.allowed_weeks(i.id) == [w])
        windowed = sum(
            1
            for i in scenario.inspections
            if w in facts.allowed_weeks(i.id) and len(facts.allowed_weeks(i.id)) > 1
        )
        result.weeks.append((monday.isoformat(), fixed, windowed, scenario.rules.cap(monday)))
    eligible_people: dict[str, set[str]] = {}
    for s, i, _ in facts.eligible:
        eligible_people.setdefault(i, set()).add(s)
    pairs = {(s, insp.body) for insp in scenario.inspections for s in eligible_people.get(insp.id, set())}
    crossings = (facts.trip(s, b).crossing for s, b in pairs)
    result.crossings = dict(Counter(place for place in crossings if place is not None))
    years = scenario.start.year != scenario.end.year
    for insp in scenario.inspections:
        people = sorted(eligible_people.get(insp.id, set()))
        mix = Counter(facts.trip(s, insp.body).arrangement for s in people)
        weeks = [scenario.mondays[w] for w in facts.allowed_weeks(insp.id)]
        label = "–".join(_day(d, years) for d in ([weeks[0], weeks[-1]] if len(weeks) > 1 else weeks[:1]))
        result.inspections.append(
            InspectionOverview(
                insp.id,
                short_body_name(scenario.body(insp.body).label),
                label,
                insp.team_min,
                insp.team_max,
                len(people),
                dict(mix),
            )
        )
    return result


def _day(monday: dt.date, year: bool) -> str:
    """`14 Sep`, with the year (`14 Sep 26`) when the horizon spans two."""
    return f"{monday.day} {monday:%b %y}" if year else f"{monday.day} {monday:%b}"
