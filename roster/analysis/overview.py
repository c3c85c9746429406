"""What `roster validate` shows: the shape of a scenario and who can go where."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from roster.facts import Arrangement, Facts


@dataclass(frozen=True)
class InspectionOverview:
    inspection: str
    body: str
    weeks: str
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
    for insp in scenario.inspections:
        people = sorted(eligible_people.get(insp.id, set()))
        mix = Counter(facts.trip(s, insp.body).arrangement for s in people)
        weeks = facts.allowed_weeks(insp.id)
        label = scenario.mondays[weeks[0]].isoformat()
        if len(weeks) > 1:
            label += f" … {scenario.mondays[weeks[-1]].isoformat()}"
        result.inspections.append(
            InspectionOverview(
                insp.id, insp.body, label, insp.team_min, insp.team_max, len(people), dict(mix)
            )
        )
    return result
