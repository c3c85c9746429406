"""The CP-SAT model under construction, and the variables every rule family shares.

The shared variables are all created here, once, before any rule is added, so the rule modules
can be added in any order:

- `runs[i, w]`: inspection i runs in week w (a constant 1 when it has only one allowed week);
- `x[s, i, w]`: secondee s is on inspection i in week w, only for triples the facts allow
  (`Facts.eligible`: availability, training, away weeks, own service, background and the carer
  arrangement restrictions are enforced by never creating the other triples);
- `on(s, w)`: secondee s is on some inspection in week w, a 0/1 variable (the secondee's only
  `x` that week when there is one; linked to the sum of their `x` by `one_place`).

Rule modules (one per family, beside this one) only add constraints and return their priced terms;
`constraints.build` adds them all and minimises the sum.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from ortools.sat.python import cp_model, cp_model_helper
from ortools.util.python import sorted_interval_list

from roster.labels import COST_TERMS

if TYPE_CHECKING:
    from roster.facts import Facts


Triple = tuple[str, str, int]
LinearExpr = cp_model.LinearExprT
Term = tuple[int, cp_model.LinearExprT]  # a weight, and a variable or its negation


_ZERO_ONE = sorted_interval_list.Domain(0, 1)


class _CpModel(cp_model.CpModel):
    """A `CpModel` whose 0-1 variables share one domain object. OR-Tools makes a new `Domain`
    for each (`CpModel.new_bool_var`); a year has some 12,000 of them, and sharing one takes
    their creation from 80 to 33 ms. The variables are the same."""

    def new_bool_var(self, name: str) -> cp_model.IntVar:
        return cp_model.IntVar(self.model_proto).with_name(name).with_domain(_ZERO_ONE)


@dataclass
class RosterModel:
    """A CP-SAT model of one scenario, with the variables every rule shares."""

    facts: Facts
    model: cp_model.CpModel = field(default_factory=_CpModel)
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
    offset: int = 0  # pounds the roster costs whatever it is (a published pair that cannot stay)

    def __post_init__(self) -> None:
        self._create_runs()
        self._create_assignments()
        self._create_on()

    def _create_runs(self) -> None:
        scenario = self.facts.scenario
        for insp in scenario.inspections:
            weeks = self.facts.allowed_weeks(insp.id)
            if len(weeks) == 1:
                # One allowed week: a constant, so that nothing needs linking to it.
                self.runs[(insp.id, weeks[0])] = self.model.new_int_var(1, 1, f"runs[{insp.id},{weeks[0]}]")
                self.fixed.add(insp.id)
                continue
            for w in weeks:
                self.runs[(insp.id, w)] = self.model.new_bool_var(f"runs[{insp.id},{w}]")

    def _create_assignments(self) -> None:
        for s, i, w in self.facts.eligible:
            var = self.model.new_bool_var(f"x[{s},{i},{w}]")
            self.x[(s, i, w)] = var
            self.by_person_week[(s, w)].append(var)
            self.by_inspection[i].append((s, i, w))
            self.by_person[s].append((s, i, w))

    def _create_on(self) -> None:
        for (s, w), variables in self.by_person_week.items():
            self.on_vars[(s, w)] = (
                variables[0] if len(variables) == 1 else self.model.new_bool_var(f"on[{s},{w}]")
            )

    def ruling_out(self, facts: Facts) -> RosterModel:
        """This model for `facts`: the same scenario with more assignments ruled out
        (`Facts.excluded`, as `roster replace` asks for each next repair). A copy with those
        assignments fixed at 0 has the same rosters, at the same cost, as a model built for
        `facts`, and takes a moment instead of a build (0.3 s on a year).

        What the search and everything after it read is the copy's own: `facts`, `x`, `runs`,
        `model`, `fixed`, `terms` and `offset`. The tables the rule modules build from
        (`by_person_week`, `by_inspection`, `by_person`, `on_vars`) are shared with this model
        and still list the excluded assignments: add no rule to a copy."""
        allowed = set(facts.eligible)
        if not allowed <= self.x.keys() or facts.scenario is not self.facts.scenario:
            raise ValueError("ruling_out: `facts` must be of the same scenario, with more ruled out")
        ruled = copy.copy(self)
        ruled.facts = facts
        ruled.model = self.model.clone()
        ruled.model.clear_hints()  # type: ignore[no-untyped-call]
        ruled.x = {t: var for t, var in self.x.items() if t in allowed}
        for t, var in self.x.items():
            if t not in allowed:
                fix(ruled.model, var.index, 0)
        return ruled

    def on(self, secondee: str, week: int) -> cp_model.IntVar | int:
        """1 when the secondee is on an inspection in `week`; 0 when they cannot be."""
        return self.on_vars.get((secondee, week), 0)

    def can_be_on(self, secondee: str, week: int) -> bool:
        return bool(self.by_person_week.get((secondee, week)))

    def add_terms(self, name: str, terms: list[Term]) -> None:
        self.terms[name].extend((c, v) for c, v in terms if c)

    def objective(self) -> LinearExpr:
        return (
            cp_model.LinearExpr.weighted_sum(
                [v for terms in self.terms.values() for _, v in terms],
                [c for terms in self.terms.values() for c, _ in terms],
            )
            + self.offset
        )

    def minimize(self) -> None:
        """Make the objective the sum of the priced terms. The same objective as
        `self.model.minimize(self.objective())`, written to the proto in one go rather than a
        variable at a time (25 ms instead of 70 on a year's 15,000 terms)."""
        flat = cp_model_helper.FlatIntExpr(cast("cp_model.LinearExpr", self.objective()))
        self.model.proto.clear_objective()
        self.model.proto.clear_floating_point_objective()
        objective = self.model.proto.objective
        objective.vars.extend([var.index for var in flat.vars])
        objective.coeffs.extend(flat.coeffs)
        objective.offset = flat.offset
        objective.scaling_factor = 1.0


def fix(model: cp_model.CpModel, index: int, value: int) -> bool:
    """Fix variable `index` of `model` (a copy, to search with it fixed) at `value`: its domain
    becomes that one value. False, and the domain unchanged, when `value` is outside it."""
    domain = model.proto.variables[index].domain
    if len(domain) == 2:  # one interval, as every variable of the model has: the quick way
        if not domain[0] <= value <= domain[1]:
            return False
        domain[0] = domain[1] = value
        return True
    bounds = list(domain)
    if not any(low <= value <= high for low, high in zip(bounds[::2], bounds[1::2], strict=True)):
        return False
    domain.clear()
    domain.extend([value, value])
    return True
