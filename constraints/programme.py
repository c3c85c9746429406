"""Rules 1 and 2: every inspection runs in exactly one allowed week; at most the cap a week."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from constraints.model import RosterModel


def add(m: RosterModel) -> None:
    """One week per inspection, and the weekly cap on inspections running."""
    scenario = m.facts.scenario
    per_week: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    choices: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for (i, w), var in m.runs.items():
        per_week[w].append(var)
        choices[i].append(var)
    for insp in scenario.inspections:
        if insp.id not in m.fixed:
            m.model.add_exactly_one(choices[insp.id])  # no allowed week at all: infeasible, and diagnosed
    for w, running in per_week.items():
        cap = scenario.rules.cap(scenario.monday(w))
        if len(running) > cap:
            m.model.add(cp_model.LinearExpr.sum(running) <= cap)
