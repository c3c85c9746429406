"""Rule 8: team size within `secondees` (exact or `{min, max}`), places below `min` priced.

A place the roster cannot fill is a shortfall, priced at `costs.shortfall`, so that a scenario
that cannot be fully met still gets the best roster that can be had.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from constraints.model import RosterModel, Term


def add(m: RosterModel) -> list[Term]:
    scenario = m.facts.scenario
    weight = scenario.rules.costs.shortfall
    terms: list[Term] = []
    for insp in scenario.inspections:
        team = [m.x[t] for t in m.by_inspection[insp.id]]
        for w in [] if insp.id in m.fixed else m.facts.allowed_weeks(insp.id):
            in_week = [m.x[t] for t in m.by_inspection[insp.id] if t[2] == w]
            if len(in_week) > insp.team_max:
                # Redundant but tightens the bound: nobody goes in a week the inspection does not run.
                m.model.add(cp_model.LinearExpr.sum(in_week) <= insp.team_max * m.runs[(insp.id, w)])
        if len(team) > insp.team_max:
            m.model.add(cp_model.LinearExpr.sum(team) <= insp.team_max)
        if insp.team_min > 0:
            short = m.model.new_int_var(max(0, insp.team_min - len(team)), insp.team_min, f"short[{insp.id}]")
            m.model.add(cp_model.LinearExpr.sum(team) + short >= insp.team_min)
            terms.append((weight, short))
    return terms
