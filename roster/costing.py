"""The cost of a roster, term by term, straight from the rules (docs/cost.md) and the fact functions.

The engine reports these terms in `summary.json` and checks that they add up to the solver's
objective; the greedy construction and the explanations use them too. The checker
(`roster.analysis.check`) recomputes the cost on its own, sharing only the fact functions.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from roster.facts import Facts
from roster.history import Change, Placed, inspection_weeks, list_changes, moved_inspections
from roster.labels import COST_TERMS

Triple = tuple[str, str, int]


@dataclass
class Evaluation:
    """Cost terms and per-inspection, per-secondee counts of one roster."""

    terms: dict[str, int]
    shortfall: dict[str, int] = field(default_factory=dict)
    experienced_missing: dict[str, int] = field(default_factory=dict)
    per_secondee: dict[str, int] = field(default_factory=dict)
    rhythm_breaks: dict[str, int] = field(default_factory=dict)
    unmet_preferences: dict[str, int] = field(default_factory=dict)
    hotel_nights: int = 0
    travel_minutes: int = 0
    changes: list[Change] = field(default_factory=list)  # to the published roster, when replanning
    moves: list[str] = field(default_factory=list)  # published inspections in another week now

    @property
    def objective(self) -> int:
        return sum(self.terms.values())


def rhythm_breaks(on_weeks: set[int], weeks: int, weeks_on: int, weeks_off: int) -> int:
    """Breaks of the rhythm in one secondee's set of inspection weeks (inside the horizon)."""
    breaks = 0
    run = 0
    for w in range(weeks):
        run = run + 1 if w in on_weeks else 0
        if run > weeks_on:
            breaks += 1
    ordered = sorted(w for w in on_weeks if 0 <= w < weeks)
    for a, b in itertools.pairwise(ordered):
        if 1 <= b - a - 1 < weeks_off:
            breaks += 1
    return breaks


def run_through(weeks_on: set[int], w: int) -> int:
    """Length of the run of consecutive inspection weeks through `w` once `w` is added."""
    run, lo, hi = 1, w - 1, w + 1
    while lo in weeks_on:
        run, lo = run + 1, lo - 1
    while hi in weeks_on:
        run, hi = run + 1, hi + 1
    return run


def experienced_members(facts: Facts, assignments: Sequence[Triple]) -> dict[str, int]:
    """Experienced members per inspection: done before, or on an earlier week of this roster."""
    first_week: dict[str, int] = {}
    for s, _, w in assignments:
        first_week[s] = min(w, first_week.get(s, w))
    done = {p.id: p.inspections_done > 0 for p in facts.scenario.secondees}
    count: dict[str, int] = defaultdict(int)
    for s, i, w in assignments:
        if done[s] or first_week[s] < w:
            count[i] += 1
    return count


def placed(facts: Facts, assignments: Iterable[Triple]) -> list[Placed]:
    """A roster's rows with their bodies and arrangements, as `roster.history` compares them."""
    body_of = {i.id: i.body for i in facts.scenario.inspections}
    return [
        Placed(s, i, body_of[i], w, facts.trip(s, body_of[i]).arrangement.value) for s, i, w in assignments
    ]


def evaluate(
    facts: Facts, assignments: Sequence[Triple], weeks: Mapping[str, int] | None = None
) -> Evaluation:
    """Cost of a roster given as (secondee, inspection, week) triples.

    `weeks` (the week each inspection runs in) counts the published inspections moved when a
    published roster is replanned; without it, the weeks of the assignments stand for them.
    """
    scenario = facts.scenario
    costs = scenario.rules.costs
    rules = scenario.rules
    body_of = {i.id: i.body for i in scenario.inspections}
    terms = dict.fromkeys(COST_TERMS, 0)
    result = Evaluation(terms)
    team: dict[str, int] = defaultdict(int)
    weeks_of: dict[str, set[int]] = defaultdict(set)
    bodies_of: dict[str, set[str]] = defaultdict(set)
    rows_of: dict[str, list[tuple[str, int]]] = defaultdict(list)  # each secondee's (inspection, week)
    for s, i, w in assignments:
        rows_of[s].append((i, w))
        trip = facts.trip(s, body_of[i])
        terms["hotel"] += trip.hotel_pounds
        terms["travel"] += trip.travel_pounds
        result.hotel_nights += trip.nights
        result.travel_minutes += trip.trip_minutes
        team[i] += 1
        weeks_of[s].add(w)
        bodies_of[s].add(body_of[i])
    experienced = experienced_members(facts, assignments)
    for insp in scenario.inspections:
        result.shortfall[insp.id] = max(0, insp.team_min - team[insp.id])
        result.experienced_missing[insp.id] = max(0, insp.needs.experienced - experienced[insp.id])
        terms["shortfall"] += costs.shortfall * (
            result.shortfall[insp.id] + result.experienced_missing[insp.id]
        )
    for person in scenario.secondees:
        mine = rows_of[person.id]
        n = len(mine)
        result.per_secondee[person.id] = n
        lo, hi = facts.targets[person.id]
        terms["under_use"] += costs.under_use * max(0, lo - n)
        terms["over_use"] += costs.over_use * max(0, n - hi)
        breaks = rhythm_breaks(
            weeks_of[person.id], scenario.weeks, rules.rhythm.weeks_on, rules.rhythm.weeks_off
        )
        result.rhythm_breaks[person.id] = breaks
        terms["rhythm"] += costs.rhythm * breaks
        off = {scenario.week_index(d) for d in person.prefers.off_weeks}
        unmet = sum(1 for _, w in mine if w in off)
        unmet += sum(1 for i, _ in mine if body_of[i] in person.avoids.bodies)
        if person.prefers.bodies and not bodies_of[person.id] & set(person.prefers.bodies):
            unmet += 1
        result.unmet_preferences[person.id] = unmet
        terms["preference"] += costs.preference * unmet
    if facts.replanning:
        after = placed(facts, assignments)
        result.changes = list_changes(facts.published, after, facts.frozen_before)
        running = dict(weeks) if weeks is not None else inspection_weeks(after)
        result.moves = moved_inspections(facts.published_weeks, running, facts.frozen_before)
        terms["change"] = costs.change * len(result.changes) + costs.move * len(result.moves)
    return result
