"""Rules 5, 6, 7 and the carer arrangement limits: who may be on which inspection, when.

Enforced by construction: an assignment variable exists only for a triple the facts allow
(`Facts.eligible`), i.e. inside the secondment, after the training week, outside away weeks,
not the secondee's own service, the right background (or the inspection's `open_to`), and an
arrangement the secondee's caring responsibilities permit. A secondee can only be on an
inspection in the week it runs.
"""

from __future__ import annotations

from constraints.model import RosterModel


def add(m: RosterModel) -> None:
    """Create `x[s, i, w]` for every eligible triple, linked to the week the inspection runs."""
    for s, i, w in m.facts.eligible:
        var = m.model.new_bool_var(f"x[{s},{i},{w}]")
        m.x[(s, i, w)] = var
        m.by_person_week[(s, w)].append(var)
        m.by_inspection[i].append((s, i, w))
        m.by_person[s].append((s, i, w))
        if i not in m.fixed:
            m.model.add_implication(var, m.runs[(i, w)])
