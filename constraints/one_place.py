"""Rule 3: a secondee is on at most one inspection a week."""

from __future__ import annotations

from ortools.sat.python import cp_model

from constraints.model import RosterModel


def add(m: RosterModel) -> None:
    """The secondee's assignments in a week sum to `on(s, w)`, a 0/1 variable: at most one."""
    for (s, w), variables in m.by_person_week.items():
        if len(variables) > 1:
            m.model.add(cp_model.LinearExpr.sum(variables) == m.on_vars[(s, w)])
