"""Rule 3: a secondee is on at most one inspection a week."""

from __future__ import annotations

from constraints.model import RosterModel


def add(m: RosterModel) -> None:
    for variables in m.by_person_week.values():
        if len(variables) > 1:
            m.model.add_at_most_one(variables)
