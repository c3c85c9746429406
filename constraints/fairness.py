"""Fairness: each secondee's inspections against their target range (under- and over-use priced)."""

from __future__ import annotations

from ortools.sat.python import cp_model

from constraints.model import RosterModel, Term


def add(m: RosterModel) -> tuple[list[Term], list[Term]]:
    """Return the under-use and the over-use terms."""
    scenario = m.facts.scenario
    costs = scenario.rules.costs
    under: list[Term] = []
    over: list[Term] = []
    for person in scenario.secondees:
        lo, hi = m.facts.targets[person.id]
        n = cp_model.LinearExpr.sum([m.x[t] for t in m.by_person[person.id]])
        most = len({w for _, _, w in m.by_person[person.id]})
        if lo > 0 and costs.under_use:
            below = m.model.new_int_var(max(0, lo - most), lo, f"under[{person.id}]")
            m.model.add(n + below >= lo)
            under.append((costs.under_use, below))
        if most > hi and costs.over_use:
            above = m.model.new_int_var(0, most - hi, f"over[{person.id}]")
            m.model.add(n - above <= hi)
            over.append((costs.over_use, above))
    return under, over
