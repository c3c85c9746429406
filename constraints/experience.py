"""Rule 9: `needs.experienced: k` experienced members, missing ones priced as shortfalls.

A member is experienced with `inspections_done > 0`, or after an inspection in an earlier week
of this roster.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from constraints.model import RosterModel, Term


def add(m: RosterModel) -> list[Term]:
    scenario = m.facts.scenario
    weight = scenario.rules.costs.shortfall
    done = {s.id: s.inspections_done > 0 for s in scenario.secondees}
    earlier: dict[tuple[str, int], cp_model.IntVar] = {}

    def experienced_by(s: str, w: int) -> cp_model.IntVar | None:
        """1 only if s was on an inspection before week w (None when impossible)."""
        if (s, w) not in earlier:
            before = [m.on_vars[(s, u)] for u in range(w) if (s, u) in m.on_vars]
            if not before:
                return None
            flag = m.model.new_bool_var(f"experienced[{s},{w}]")
            m.model.add(flag <= cp_model.LinearExpr.sum(before))
            earlier[(s, w)] = flag
        return earlier[(s, w)]

    terms: list[Term] = []
    for insp in scenario.inspections:
        k = insp.needs.experienced
        if k == 0:
            continue
        counted: list[cp_model.IntVar] = []
        for s, i, w in m.by_inspection[insp.id]:
            x = m.x[(s, i, w)]
            if done[s]:
                counted.append(x)
                continue
            flag = experienced_by(s, w)
            if flag is not None:
                member = m.model.new_bool_var(f"experienced_member[{s},{i},{w}]")
                m.model.add_implication(member, x)
                m.model.add_implication(member, flag)
                counted.append(member)
        missing = m.model.new_int_var(max(0, k - len(counted)), k, f"experienced_missing[{insp.id}]")
        m.model.add(cp_model.LinearExpr.sum(counted) + missing >= k)
        terms.append((weight, missing))
    return terms
