"""A fast greedy construction: a full roster that breaks no hard rule, used as the solver's hint
and as the baseline the benchmark compares against."""

from __future__ import annotations

from collections import defaultdict

from roster.costing import rhythm_breaks, run_through
from roster.facts import Facts

Triple = tuple[str, str, int]


def place_weeks(facts: Facts, candidates: dict[tuple[str, int], list[str]]) -> dict[str, int]:
    """A week for every inspection under the weekly caps where possible (augmenting paths)."""
    scenario = facts.scenario
    cap = {w: scenario.rules.cap(monday) for w, monday in enumerate(scenario.mondays)}
    members: dict[int, list[str]] = defaultdict(list)
    weeks: dict[str, int] = {}
    allowed = {i.id: scenario.allowed_weeks(i) for i in scenario.inspections}

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

    for insp in sorted(scenario.inspections, key=lambda i: (len(allowed[i.id]), i.id)):
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
    scenario = facts.scenario
    rules = scenario.rules
    costs = rules.costs
    candidates: dict[tuple[str, int], list[str]] = defaultdict(list)
    for s, i, w in facts.eligible:
        candidates[(i, w)].append(s)

    # 1. Weeks: fixed first, then the tightest windows into the least loaded week, moving an
    # already placed inspection to another week of its window when a window is full.
    weeks = place_weeks(facts, candidates)

    # 2. Teams, week by week, scarcest inspection first.
    people = {p.id: p for p in scenario.secondees}
    on: dict[str, set[int]] = defaultdict(set)
    nights: dict[str, int] = defaultdict(int)
    count: dict[str, int] = defaultdict(int)
    done = {p.id: p.inspections_done > 0 for p in scenario.secondees}
    assignments: list[Triple] = []
    rhythm = rules.rhythm

    def can_take(s: str, w: int, trip_nights: int) -> bool:
        if w in on[s]:
            return False
        if run_through(on[s], w) > rules.max_back_to_back:
            return False
        if rhythm.hard and rhythm_breaks(on[s] | {w}, scenario.weeks, rhythm.weeks_on, rhythm.weeks_off):
            return False
        carer = people[s].carer
        return not (
            carer and carer.max_nights_away is not None and nights[s] + trip_nights > carer.max_nights_away
        )

    def marginal(s: str, body: str, w: int) -> int:
        trip = facts.trip(s, body)
        lo, hi = facts.targets[s]
        cost = trip.pounds
        cost += -costs.under_use if count[s] < lo else (costs.over_use if count[s] >= hi else 0)
        if not rhythm.hard:
            before = rhythm_breaks(on[s], scenario.weeks, rhythm.weeks_on, rhythm.weeks_off)
            after = rhythm_breaks(on[s] | {w}, scenario.weeks, rhythm.weeks_on, rhythm.weeks_off)
            cost += costs.rhythm * (after - before)
        person = people[s]
        if scenario.monday(w) in person.prefers.off_weeks:
            cost += costs.preference
        if body in person.avoids.bodies:
            cost += costs.preference
        return cost

    def experienced(s: str, w: int) -> bool:
        return done[s] or any(u < w for u in on[s])

    by_week = sorted(
        scenario.inspections, key=lambda i: (weeks[i.id], len(candidates[(i.id, weeks[i.id])]), i.id)
    )
    for insp in by_week:
        w = weeks[insp.id]
        team: list[str] = []
        while len(team) < insp.team_max:
            need_experience = sum(experienced(s, w) for s in team) < insp.needs.experienced
            options = [
                (
                    marginal(s, insp.body, w)
                    - (costs.shortfall if need_experience and experienced(s, w) else 0),
                    s,
                )
                for s in candidates[(insp.id, w)]
                if s not in team and can_take(s, w, facts.trip(s, insp.body).nights)
            ]
            if not options:
                break
            score, best = min(options)
            if len(team) >= insp.team_min and not need_experience and score >= 0:
                break
            team.append(best)
            on[best].add(w)
            nights[best] += facts.trip(best, insp.body).nights
            count[best] += 1
            assignments.append((best, insp.id, w))
    return weeks, assignments
