"""On scenarios small enough to enumerate, a brute force finds the engine's optimal cost.

The brute force is a third, deliberately plain reading of OBJECTIVE.md: it tries every week
choice and every team, keeps the rosters that break no hard rule, and prices each one.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from collections.abc import Callable
from typing import Any

import pytest

from models import Scenario, Secondee
from roster import facts as f
from roster.solving import solve
from tests.conftest import DETERMINISTIC, monday

HOMES = [
    {"lat": 51.27, "lon": 0.53},  # Maidstone
    {"lat": 51.74, "lon": 0.47},  # Chelmsford
    {"lat": 53.76, "lon": -2.70},  # Preston
    {"lat": 51.24, "lon": -0.57},  # Guildford
]
BODIES = ["kent-police", "essex-police", "surrey-police", "kent-fire"]


def random_scenario(rng: random.Random) -> Scenario:
    weeks = rng.choice([3, 4])
    inspections = []
    for n in range(rng.choice([2, 3])):
        insp: dict[str, Any] = {"id": f"i{n}", "body": rng.choice(BODIES)}
        first = rng.randrange(weeks)
        if rng.random() < 0.5:
            insp["week"] = monday(first)
        else:
            insp["window"] = [monday(first), monday(min(weeks - 1, first + rng.choice([1, 2])))]
        lo = rng.choice([0, 1, 1, 2])
        insp["secondees"] = {"min": lo, "max": rng.choice([lo, 2]) if lo < 2 else 2}
        if rng.random() < 0.3 and insp["secondees"]["max"] > 0:
            insp["needs"] = {"experienced": 1}
        if rng.random() < 0.2:
            insp["open_to"] = ["police", "fire"]
        inspections.append(insp)
    secondees = []
    for n in range(rng.choice([2, 3])):
        fire = rng.random() < 0.25
        person: dict[str, Any] = {
            "id": f"s{n}",
            "service": rng.choice(["kent-police", "essex-police", "lancashire-police"])
            if not fire
            else "kent-fire",
            "background": "fire" if fire else "police",
            "rank": "watch-manager" if fire else "inspector",
            "home": rng.choice(HOMES),
            "inspections_done": rng.choice([0, 0, 1]),
        }
        if rng.random() < 0.3:
            person["away"] = [monday(rng.randrange(weeks))]
        if rng.random() < 0.3:
            person["trained"] = monday(rng.randrange(2))
        if rng.random() < 0.2:
            person["available"] = [
                "2026-09-07",
                (dt.date(2026, 9, 7) + dt.timedelta(weeks=weeks - 1, days=rng.choice([-3, 4]))).isoformat(),
            ]
        if rng.random() < 0.3:
            person["carer"] = rng.choice(
                [
                    {"home_every_night": True, "max_commute_minutes": 90},
                    {"no_night_before": True},
                    {"max_nights_away": 5},
                ]
            )
        if rng.random() < 0.3:
            person["prefers"] = {"bodies": [rng.choice(BODIES)], "off_weeks": [monday(rng.randrange(weeks))]}
        if rng.random() < 0.2:
            person["avoids"] = {"bodies": [rng.choice(BODIES)]}
        if rng.random() < 0.3:
            person["target"] = [rng.choice([0, 1]), rng.choice([1, 2])]
        secondees.append(person)
    travel = []
    if rng.random() < 0.5:
        travel.append(
            {"secondee": "s0", "body": rng.choice(BODIES), "minutes": rng.choice([60, 61, 180, 181, 240])}
        )
    rules: dict[str, Any] = {
        "max_inspections_per_week": rng.choice([1, 2, 4]),
        "max_back_to_back": rng.choice([1, 2, 3]),
        "rhythm": {
            "weeks_on": rng.choice([1, 2]),
            "weeks_off": rng.choice([1, 2]),
            "hard": rng.random() < 0.2,
        },
    }
    return Scenario.model_validate(
        {
            "name": "brute",
            "start": "2026-09-07",
            "weeks": weeks,
            "rules": rules,
            "inspections": inspections,
            "secondees": secondees,
            "travel": travel,
        }
    )


Extra = Callable[[tuple[int, ...], tuple[Any, ...]], int | None]


def brute_force(sc: Scenario, extra: Extra | None = None) -> int | None:
    """The least cost over every roster that breaks no hard rule.

    `extra(weeks, teams)` adds the cost of more rules to a roster, or rules it out (None).
    """
    rules = sc.rules
    costs = rules.costs
    days = len(rules.inspection_days)
    people = sc.secondees
    trip = {}
    for p in people:
        for i in sc.inspections:
            body = sc.body(i.body)
            minutes = f.journey_minutes(sc, p, body)
            kind = f.arrangement(minutes, f.commute_limit(rules, p), rules.night_before_minutes)
            trip[(p.id, i.id)] = (
                kind,
                f.hotel_nights(kind, days),
                f.travel_pounds(f.trip_minutes(kind, minutes, days), costs),
            )

    def may(p: Any, insp: Any, w: int) -> bool:
        m = sc.monday(w)
        if p.available and not (p.available[0] <= m and m + dt.timedelta(days=4) <= p.available[1]):
            return False
        if p.trained and m <= p.trained - dt.timedelta(days=p.trained.weekday()):
            return False
        if m in p.away:
            return False
        body = sc.body(insp.body)
        if rules.no_own_service and p.service == body.id:
            return False
        if p.background not in (insp.open_to or [body.kind]):
            return False
        kind = trip[(p.id, insp.id)][0]
        if p.carer and p.carer.home_every_night and kind != f.Arrangement.COMMUTE:
            return False
        return not (p.carer and p.carer.no_night_before and kind == f.Arrangement.HOTEL_NIGHT_BEFORE)

    best = math.inf
    week_choices = [sc.allowed_weeks(i) for i in sc.inspections]
    for weeks in itertools.product(*week_choices):
        if any(weeks.count(w) > rules.cap(sc.monday(w)) for w in set(weeks)):
            continue
        teams_per_insp: list[tuple[tuple[Secondee, ...], ...]] = []
        for insp, w in zip(sc.inspections, weeks, strict=True):
            options = [p for p in people if may(p, insp, w)]
            teams = [
                t
                for k in range(min(len(options), insp.team_max) + 1)
                for t in itertools.combinations(options, k)
            ]
            teams_per_insp.append(tuple(teams))
        for chosen in itertools.product(*teams_per_insp):
            cost = price(sc, weeks, chosen, trip)
            more = extra(weeks, chosen) if extra is not None and cost is not None else 0
            if cost is not None and more is not None:
                best = min(best, cost + more)
    return None if best == math.inf else int(best)


def price(sc: Scenario, weeks: tuple[int, ...], teams: tuple[Any, ...], trip: dict[Any, Any]) -> int | None:
    rules = sc.rules
    costs = rules.costs
    on: dict[str, list[int]] = {p.id: [] for p in sc.secondees}
    nights: dict[str, int] = dict.fromkeys(on, 0)
    cost = 0
    for insp, w, team in zip(sc.inspections, weeks, teams, strict=True):
        for p in team:
            if w in on[p.id]:
                return None
            on[p.id].append(w)
            _, n, pounds = trip[(p.id, insp.id)]
            nights[p.id] += n
            cost += n * costs.hotel_night_cost + pounds
            if p.avoids and insp.body in p.avoids.bodies:
                cost += costs.preference
            if sc.monday(w) in p.prefers.off_weeks:
                cost += costs.preference
    for p in sc.secondees:
        weeks_on = set(on[p.id])
        if p.carer and p.carer.max_nights_away is not None and nights[p.id] > p.carer.max_nights_away:
            return None
        run = longest = 0
        breaks = 0
        for w in range(sc.weeks):
            run = run + 1 if w in weeks_on else 0
            longest = max(longest, run)
            if run > rules.rhythm.weeks_on:
                breaks += 1
        ordered = sorted(weeks_on)
        breaks += sum(1 for a, b in itertools.pairwise(ordered) if 0 < b - a - 1 < rules.rhythm.weeks_off)
        if longest > rules.max_back_to_back or (rules.rhythm.hard and breaks):
            return None
        cost += costs.rhythm * breaks
        lo, hi = f.target_range(sc, p)
        cost += costs.under_use * max(0, lo - len(ordered)) + costs.over_use * max(0, len(ordered) - hi)
        if p.prefers.bodies:
            bodies = {i.body for i, team in zip(sc.inspections, teams, strict=True) if p in team}
            if not bodies & set(p.prefers.bodies):
                cost += costs.preference
    first = {p.id: min(on[p.id], default=99) for p in sc.secondees}
    for insp, w, team in zip(sc.inspections, weeks, teams, strict=True):
        experienced = sum(1 for p in team if p.inspections_done > 0 or first[p.id] < w)
        missing = max(0, insp.needs.experienced - experienced) + max(0, insp.team_min - len(team))
        cost += costs.shortfall * missing
    return cost


@pytest.mark.parametrize("seed", range(60))
def test_engine_matches_brute_force(seed: int) -> None:
    sc = random_scenario(random.Random(seed))
    roster = solve(sc, DETERMINISTIC)
    best = brute_force(sc)
    if best is None:
        assert roster.status == "infeasible"
    else:
        assert roster.status == "optimal"
        assert roster.objective == best
