"""Rule 10, caring responsibilities.

`home_every_night` (commute only, within the carer's own limit) and `no_night_before` restrict
which assignments exist at all: see `roster.facts.pair_reason`, applied by `eligibility`.
`max_nights_away` limits the hotel nights over the horizon, added here.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from constraints.model import RosterModel


def add(m: RosterModel) -> None:
    scenario = m.facts.scenario
    for person in scenario.secondees:
        if person.carer is None or person.carer.max_nights_away is None:
            continue
        nights = [
            (m.facts.trip(s, scenario.inspection(i).body).nights, m.x[(s, i, w)])
            for s, i, w in m.by_person[person.id]
        ]
        nights = [(n, v) for n, v in nights if n]
        if sum(n for n, _ in nights) > person.carer.max_nights_away:
            m.model.add(
                cp_model.LinearExpr.weighted_sum([v for _, v in nights], [n for n, _ in nights])
                <= person.carer.max_nights_away
            )
