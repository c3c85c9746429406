"""The CP-SAT model under construction: its variables, shared by every rule family.

The variables that every rule talks about are created here, once:

- `runs[i, w]`: inspection i runs in week w (a constant 1 for a fixed week);
- `x[s, i, w]`: secondee s is on inspection i in week w, only for triples the facts allow
  (`Facts.eligible`: availability, training, away weeks, own service, background and the carer
  arrangement restrictions are enforced by never creating the other triples);
- `on(s, w)`: secondee s is on some inspection in week w (the sum of their `x` that week, at
  most 1 by rule 3; created by `one_place`).

Rule modules add constraints and return their cost terms; the objective is their sum.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

if TYPE_CHECKING:
    from roster.facts import Facts


Triple = tuple[str, str, int]
LinearExpr = cp_model.LinearExprT
Term = tuple[int, cp_model.IntVar]

COST_TERMS = ("hotel", "travel", "under_use", "over_use", "rhythm", "preference", "shortfall")


@dataclass
class RosterModel:
    """A CP-SAT model of one scenario, with the variables every rule shares."""

    facts: Facts
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    runs: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    fixed: set[str] = field(default_factory=set)  # inspections with one allowed week: runs is 1
    x: dict[Triple, cp_model.IntVar] = field(default_factory=dict)
    by_person_week: dict[tuple[str, int], list[cp_model.IntVar]] = field(
        default_factory=lambda: defaultdict(list)
    )
    on_vars: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    by_inspection: dict[str, list[Triple]] = field(default_factory=lambda: defaultdict(list))
    by_person: dict[str, list[Triple]] = field(default_factory=lambda: defaultdict(list))
    terms: dict[str, list[Term]] = field(default_factory=lambda: {name: [] for name in COST_TERMS})

    def on(self, secondee: str, week: int) -> cp_model.IntVar | int:
        """1 when the secondee is on an inspection in `week`; 0 when they cannot be."""
        return self.on_vars.get((secondee, week), 0)

    def can_be_on(self, secondee: str, week: int) -> bool:
        return bool(self.by_person_week.get((secondee, week)))

    def add_terms(self, name: str, terms: list[Term]) -> None:
        self.terms[name].extend((c, v) for c, v in terms if c)

    def objective(self) -> LinearExpr:
        return cp_model.LinearExpr.weighted_sum(
            [v for terms in self.terms.values() for _, v in terms],
            [c for terms in self.terms.values() for c, _ in terms],
        )
