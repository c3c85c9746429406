"""The rhythm: `weeks_on` inspection weeks, then `weeks_off` weeks off (soft unless `hard`).

A break is each window of `weeks_on + 1` consecutive inspection weeks (windows overlap), and,
when `weeks_off > 1`, each run of fewer than `weeks_off` off weeks between two inspection weeks.
Only weeks inside the horizon count.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from constraints.model import RosterModel, Term


def add(m: RosterModel) -> list[Term]:
    """Forbid breaks when the rhythm is hard; otherwise return one priced term per possible break."""
    scenario = m.facts.scenario
    rhythm = scenario.rules.rhythm
    weight = scenario.rules.costs.rhythm
    if not rhythm.hard and weight == 0:
        return []
    terms: list[Term] = []

    def breaks_when(expr: cp_model.LinearExprT, slack: int, name: str) -> None:
        """A break happens when `expr > slack`."""
        if rhythm.hard:
            m.model.add(expr <= slack)
        else:
            flag = m.model.new_bool_var(name)
            m.model.add(expr <= slack + flag)
            terms.append((weight, flag))

    for person in scenario.secondees:
        s = person.id
        on = [m.on(s, w) for w in range(scenario.weeks)]
        possible = [m.can_be_on(s, w) for w in range(scenario.weeks)]
        span = rhythm.weeks_on + 1
        for start in range(scenario.weeks - span + 1):
            if all(possible[start : start + span]):
                breaks_when(
                    cp_model.LinearExpr.sum(on[start : start + span]),
                    rhythm.weeks_on,
                    f"long_run[{s},{start}]",
                )
        for gap in range(1, rhythm.weeks_off):
            for w in range(scenario.weeks - gap - 1):
                if possible[w] and possible[w + gap + 1]:
                    # on, then `gap` off weeks, then on again: a rest that is too short.
                    expr = on[w] + on[w + gap + 1] - cp_model.LinearExpr.sum(on[w + 1 : w + gap + 1])
                    breaks_when(expr, 1, f"short_rest[{s},{w},{gap}]")
    return terms
