"""Rules 5, 6, 7 and the carer arrangement limits: who may be on which inspection, when.

Enforced by construction: an assignment variable exists only for a triple the facts allow
(`Facts.eligible`, see `roster.facts.eligibility`): inside the secondment, after the training
week, outside away weeks, not the secondee's own service, the right background (or the
inspection's `open_to`), and an arrangement the secondee's caring responsibilities permit.
What is added here: a secondee can only be on an inspection in the week it runs.
"""

from __future__ import annotations

from constraints.model import RosterModel


def add(m: RosterModel) -> None:
    """`x[s, i, w]` implies `runs[i, w]` (nothing to link for a fixed week)."""
    for (_, i, w), var in m.x.items():
        if i not in m.fixed:
            m.model.add_implication(var, m.runs[(i, w)])
