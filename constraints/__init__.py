"""The CP-SAT model, one module per rule family (docs/rules.md).

`constraints.model.RosterModel` creates every shared variable first; each rule module then adds
its constraints and returns its priced terms, so the modules can be added in any order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from constraints import (
    back_to_back,
    carers,
    eligibility,
    experience,
    fairness,
    history,
    one_place,
    preferences,
    programme,
    rhythm,
    team,
    travel,
)
from constraints.model import RosterModel

if TYPE_CHECKING:
    from roster.facts import Facts


def build(facts: Facts) -> RosterModel:
    """The whole model: every hard rule, and the cost (docs/cost.md) as the objective."""
    m = RosterModel(facts)
    programme.add(m)
    eligibility.add(m)
    one_place.add(m)
    back_to_back.add(m)
    carers.add(m)
    hotel, trips = travel.add(m)
    m.add_terms("hotel", hotel)
    m.add_terms("travel", trips)
    m.add_terms("rhythm", rhythm.add(m))
    m.add_terms("shortfall", team.add(m))
    m.add_terms("shortfall", experience.add(m))
    under, over = fairness.add(m)
    m.add_terms("under_use", under)
    m.add_terms("over_use", over)
    m.add_terms("preference", preferences.add(m))
    m.add_terms("change", history.add(m))
    m.minimize()
    return m


__all__ = ["RosterModel", "build"]
