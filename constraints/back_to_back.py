"""Rule 4: never more than `max_back_to_back` inspections in consecutive weeks."""

from __future__ import annotations

from ortools.sat.python import cp_model

from constraints.model import RosterModel


def add(m: RosterModel) -> None:
    """In every run of `max_back_to_back + 1` consecutive weeks, at least one is off."""
    scenario = m.facts.scenario
    limit = scenario.rules.max_back_to_back
    for person in scenario.secondees:
        for start in range(scenario.weeks - limit):
            weeks = range(start, start + limit + 1)
            if all(m.can_be_on(person.id, w) for w in weeks):
                m.model.add(cp_model.LinearExpr.sum([m.on(person.id, w) for w in weeks]) <= limit)
