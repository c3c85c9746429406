"""Rule 3: a secondee is on at most one inspection a week."""

from __future__ import annotations

from ortools.sat.python import cp_model

from constraints.model import RosterModel


def add(m: RosterModel) -> None:
    """`on(s, w)` is the number of the secondee's inspections that week, a 0/1 variable."""
    for (s, w), variables in m.by_person_week.items():
        if len(variables) == 1:
            m.on_vars[(s, w)] = variables[0]
            continue
        on = m.model.new_bool_var(f"on[{s},{w}]")
        m.model.add(cp_model.LinearExpr.sum(variables) == on)
        m.on_vars[(s, w)] = on
