"""Soft preferences: a preferred body not inspected, an inspection in a preferred off week or at
an avoided body each count one unmet preference."""

from __future__ import annotations

from ortools.sat.python import cp_model

from constraints.model import RosterModel, Term


def add(m: RosterModel) -> list[Term]:
    scenario = m.facts.scenario
    weight = scenario.rules.costs.preference
    if weight == 0:
        return []
    terms: list[Term] = []
    body_of = {i.id: i.body for i in scenario.inspections}
    for person in scenario.secondees:
        off = {scenario.week_index(d) for d in person.prefers.off_weeks}
        avoided = set(person.avoids.bodies)
        for s, i, w in m.by_person[person.id]:
            count = (w in off) + (body_of[i] in avoided)
            if count:
                terms.append((weight * count, m.x[(s, i, w)]))
        if person.prefers.bodies:
            wanted = set(person.prefers.bodies)
            hits = [m.x[t] for t in m.by_person[person.id] if body_of[t[1]] in wanted]
            unmet = m.model.new_bool_var(f"unmet_preference[{person.id}]")
            m.model.add(cp_model.LinearExpr.sum(hits) + unmet >= 1)
            terms.append((weight, unmet))
    return terms
