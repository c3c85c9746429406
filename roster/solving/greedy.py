"""A fast greedy construction: a full roster that breaks no hard rule.

It is the fallback of a search stopped before it found anything better (`roster.solving.engine`)
and the baseline the benchmark compares against. It is never given to CP-SAT as a hint: the
LP-guided search finds a better roster sooner on its own (README, "Solving").
"""

from __future__ import annotations

from collections import defaultdict

from models import Inspection
from roster.costing import rhythm_breaks, run_through
from roster.facts import Facts

Triple = tuple[str, str, int]


def place_weeks(facts: Facts, candidates: dict[tuple[str, int], list[str]]) -> dict[str, int]:
    """A week for every inspection under the weekly caps where possible (augmenting paths)."""
    scenario = facts.scenario
    cap = {w: scenario.rules.cap(monday) for w, monday in enumerate(scenario.mondays)}
    members: dict[int, list[str]] = defaultdict(list)
    weeks: dict[str, int] = {}
    allowed = {i.id: facts.allowed_weeks(i.id) for i in scenario.inspections}

    def order(insp: str) -> list[int]:
        return sorted(allowed[insp], key=lambda u: (len(members[u]), -len(candidates[(insp, u)]), u))

    def put(insp: str, w: int) -> None:
        if insp in weeks:
            members[weeks[insp]].remove(insp)
        weeks[insp] = w
        members[w].append(insp)

    def find(insp: str, seen: set[int]) -> bool:
        for w in order(insp):
            if w in seen:
                continue
            seen.add(w)
            if len(members[w]) < cap[w]:
                put(insp, w)
                return True
            for other in list(members[w]):
                if len(allowed[other]) > 1 and find(other, seen):
                    put(insp, w)
                    return True
        return False

    placeable = [i for i in scenario.inspections if allowed[i.id]]  # no week at all: infeasible, no roster
    for insp in sorted(placeable, key=lambda i: (len(allowed[i.id]), i.id)):
        if not find(insp.id, set()):
            put(
                insp.id, min(allowed[insp.id], key=lambda u: (len(members[u]), u))
            )  # over the cap: infeasible
    return weeks


def construct(facts: Facts) -> tuple[dict[str, int], list[Triple]]:
    """Choose a week for every inspection, then fill teams cheapest-first.

    Returns the week of each inspection and the assignments. Every hard rule holds except where
    the scenario itself makes that impossible (e.g. more fixed inspections in a week than the cap).
    """
    candidates: dict[tuple[str, int], list[str]] = defaultdict(list)
    for s, i, w in facts.eligible:
        candidates[(i, w)].append(s)
    # 1. Weeks: fixed first, then the tightest windows into the least loaded week, moving an
    # already placed inspection to another week of its window when a window is full.
    weeks = place_weeks(facts, candidates)
    # 2. Teams, week by week, scarcest inspection first.
    teams = _Teams(facts)
    by_week = sorted(
        (i for i in facts.scenario.inspections if i.id in weeks),
        key=lambda i: (weeks[i.id], len(candidates[(i.id, weeks[i.id])]), i.id),
    )
    for insp in by_week:
        teams.fill(insp, weeks[insp.id], candidates[(insp.id, weeks[insp.id])])
    return weeks, teams.assignments


class _Teams:
    """Teams filled one inspection at a time, each member the cheapest who may still go."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.scenario = facts.scenario
        self.rules = facts.scenario.rules
        self.people = {p.id: p for p in self.scenario.secondees}
        self.done = {p.id: p.inspections_done > 0 for p in self.scenario.secondees}
        self.on: dict[str, set[int]] = defaultdict(set)
        self.nights: dict[str, int] = defaultdict(int)
        self.count: dict[str, int] = defaultdict(int)
        self.assignments: list[Triple] = []

    def _breaks(self, weeks: set[int]) -> int:
        rhythm = self.rules.rhythm
        return rhythm_breaks(weeks, self.scenario.weeks, rhythm.weeks_on, rhythm.weeks_off)

    def can_take(self, s: str, w: int, trip_nights: int) -> bool:
        if w in self.on[s] or run_through(self.on[s], w) > self.rules.max_back_to_back:
            return False
        if self.rules.rhythm.hard and self._breaks(self.on[s] | {w}):
            return False
        carer = self.people[s].carer
        return not (
            carer
            and carer.max_nights_away is not None
            and self.nights[s] + trip_nights > carer.max_nights_away
        )

    def marginal(self, s: str, body: str, w: int) -> int:
        """What adding the assignment adds to the cost."""
        costs = self.rules.costs
        lo, hi = self.facts.targets[s]
        cost = self.facts.trip(s, body).pounds
        cost += -costs.under_use if self.count[s] < lo else (costs.over_use if self.count[s] >= hi else 0)
        if not self.rules.rhythm.hard:
            cost += costs.rhythm * (self._breaks(self.on[s] | {w}) - self._breaks(self.on[s]))
        person = self.people[s]
        cost += costs.preference * (
            (self.scenario.monday(w) in person.prefers.off_weeks) + (body in person.avoids.bodies)
        )
        return cost

    def experienced(self, s: str, w: int) -> bool:
        return self.done[s] or any(u < w for u in self.on[s])

    def fill(self, insp: Inspection, w: int, candidates: list[str]) -> None:
        shortfall = self.rules.costs.shortfall
        team: list[str] = []
        while len(team) < insp.team_max:
            need_experience = sum(self.experienced(s, w) for s in team) < insp.needs.experienced
            options = [
                (
                    self.marginal(s, insp.body, w)
                    - (shortfall if need_experience and self.experienced(s, w) else 0),
                    s,
                )
                for s in candidates
                if s not in team and self.can_take(s, w, self.facts.trip(s, insp.body).nights)
            ]
            if not options:
                return
            score, best = min(options)
            if len(team) >= insp.team_min and not need_experience and score >= 0:
                return
            team.append(best)
            self.on[best].add(w)
            self.nights[best] += self.facts.trip(best, insp.body).nights
            self.count[best] += 1
            self.assignments.append((best, insp.id, w))
