"""Rules 1 and 2: every inspection runs in exactly one allowed week; at most the cap a week."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from constraints.model import RosterModel


def add(m: RosterModel) -> None:
    """Create `runs[i, w]`, choose one week per inspection and cap the inspections per week."""
    scenario = m.facts.scenario
    per_week: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for insp in scenario.inspections:
        weeks = scenario.allowed_weeks(insp)
        if len(weeks) == 1:
            # A fixed week: a constant, so that nothing needs linking to it.
            var = m.model.new_int_var(1, 1, f"runs[{insp.id},{weeks[0]}]")
            m.runs[(insp.id, weeks[0])] = var
            m.fixed.add(insp.id)
            per_week[weeks[0]].append(var)
            continue
        choices = []
        for w in weeks:
            var = m.model.new_bool_var(f"runs[{insp.id},{w}]")
            m.runs[(insp.id, w)] = var
            per_week[w].append(var)
            choices.append(var)
        m.model.add_exactly_one(choices)
    for w, running in per_week.items():
        cap = scenario.rules.cap(scenario.monday(w))
        if len(running) > cap:
            m.model.add(cp_model.LinearExpr.sum(running) <= cap)
