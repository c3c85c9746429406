"""When no roster can meet the hard rules: a minimal set of conflicting requirements, in the
scenario's own terms, with what to relax.

Team places are elastic (a place that cannot be filled is a priced shortfall), so a scenario is
infeasible only when its inspections cannot all be placed in allowed weeks under the weekly caps.
Each requirement gets one assumption literal: "inspection i runs in its week or window" and "at
most the cap of inspections run in week w". CP-SAT's `sufficient_assumptions_for_infeasibility`
gives a conflicting subset, which is then shrunk until every member is needed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from roster.facts import Facts


@dataclass(frozen=True)
class Requirement:
    """One requirement of the scenario that can take part in a conflict."""

    kind: str  # "inspection", "cap" or "history"
    name: str  # inspection id, or the Monday of the capped week
    words: str
    where: str
    weeks: tuple[str, ...] = ()


@dataclass
class Conflict:
    """A minimal set of requirements that cannot all hold, and how to relax it."""

    requirements: list[Requirement]
    suggestions: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        lines = ["These requirements cannot all hold:"]
        lines += [f"  - {r.words} ({r.where})" for r in self.requirements]
        if self.suggestions:
            lines.append("To relax it: " + "; or ".join(self.suggestions) + ".")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, object]:
        return {
            "requirements": [
                {"kind": r.kind, "name": r.name, "words": r.words, "where": r.where, "weeks": list(r.weeks)}
                for r in self.requirements
            ],
            "suggestions": self.suggestions,
            "message": self.message,
        }


def _requirements(facts: Facts) -> list[Requirement]:
    scenario = facts.scenario
    out = []
    for n, insp in enumerate(scenario.inspections):
        weeks = tuple(scenario.monday(w).isoformat() for w in scenario.allowed_weeks(insp))
        if insp.week is not None:
            words = f"{insp.id} runs in its fixed week {insp.week}"
            where = scenario.where(f"inspections[{n}].week")
        elif insp.window is not None:
            words = f"{insp.id} runs in a week of its window {insp.window[0]} to {insp.window[1]}"
            where = scenario.where(f"inspections[{n}].window")
        else:
            words = f"{insp.id} runs in some week of the horizon"
            where = scenario.where(f"inspections[{n}]")
        out.append(Requirement("inspection", insp.id, words, where, weeks))
    for monday in scenario.mondays:
        cap = scenario.rules.cap(monday)
        key = (
            f"rules.max_inspections_in_week.{monday}"
            if monday in scenario.rules.max_inspections_in_week
            else "rules.max_inspections_per_week"
        )
        words = f"at most {cap} inspection(s) run in the week of {monday} (`{key.split('.')[1]}: {cap}`)"
        out.append(Requirement("cap", monday.isoformat(), words, scenario.where(key), (monday.isoformat(),)))
    first = facts.frozen_before
    if first is not None and first > 0:
        monday = scenario.monday(first)
        words = (
            f"weeks before {monday} are history: the published inspections keep their weeks and no other"
            f" runs before then (`baseline.frozen_before: {monday}`)"
        )
        out.append(
            Requirement("history", monday.isoformat(), words, scenario.where("baseline.frozen_before"))
        )
    return out


def _feasible(facts: Facts, active: set[int]) -> tuple[bool, list[int]]:
    """Solve the placement model with the requirements in `active` assumed; return the core."""
    scenario = facts.scenario
    model = cp_model.CpModel()
    runs: dict[tuple[int, int], cp_model.IntVar] = {}
    per_week: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    literals: list[cp_model.IntVar] = []
    for n, insp in enumerate(scenario.inspections):
        choices = []
        for w in scenario.allowed_weeks(insp):
            var = model.new_bool_var(f"runs[{n},{w}]")
            runs[(n, w)] = var
            per_week[w].append(var)
            choices.append(var)
        placed = model.new_bool_var(f"require[{insp.id}]")
        model.add(cp_model.LinearExpr.sum(choices) == 1).only_enforce_if(placed)
        model.add(cp_model.LinearExpr.sum(choices) <= 1)
        literals.append(placed)
    for w, monday in enumerate(scenario.mondays):
        capped = model.new_bool_var(f"cap[{monday}]")
        model.add(cp_model.LinearExpr.sum(per_week[w]) <= scenario.rules.cap(monday)).only_enforce_if(capped)
        literals.append(capped)
    if facts.frozen_before is not None and facts.frozen_before > 0:
        history = model.new_bool_var("history")
        for (n, w), var in runs.items():
            kept = facts.kept_weeks.get(scenario.inspections[n].id)
            if w < facts.frozen_before or kept is not None:  # rule 11: before frozen_before only as it ran
                model.add(var == int(w == kept)).only_enforce_if(history)
        literals.append(history)
    model.add_assumptions([literals[k] for k in sorted(active)])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 10.0
    status = solver.solve(model)
    if status != cp_model.INFEASIBLE:
        return True, []
    index = {literals[k].index: k for k in range(len(literals))}
    return False, [index[v] for v in solver.sufficient_assumptions_for_infeasibility()]


def diagnose(facts: Facts) -> Conflict | None:
    """A minimal conflicting set of requirements, or None when the hard rules can all hold."""
    requirements = _requirements(facts)
    everything = set(range(len(requirements)))
    feasible, core = _feasible(facts, everything)
    if feasible:
        return None
    members = set(core) or everything
    for k in sorted(members):
        trial = members - {k}
        still_feasible, smaller = _feasible(facts, trial)
        if not still_feasible:
            members = set(smaller) if smaller else trial
    chosen = [requirements[k] for k in sorted(members)]
    return Conflict(chosen, _suggestions(facts, chosen))


def _suggestions(facts: Facts, chosen: list[Requirement]) -> list[str]:
    scenario = facts.scenario
    inspections = [r for r in chosen if r.kind == "inspection"]
    weeks = [dt.date.fromisoformat(r.name) for r in chosen if r.kind == "cap"]
    history = any(r.kind == "history" for r in chosen)
    out = []
    if weeks:
        # Every inspection that can only run in these weeks counts, not only the conflict's own
        # members: 7 fixed inspections in a week capped at 4 need the cap raised by 3.
        capped = {scenario.week_index(w) for w in weeks}
        allowed = (
            facts.allowed_weeks if history else (lambda i: scenario.allowed_weeks(scenario.inspection(i)))
        )
        inside = sum(1 for i in scenario.inspections if set(allowed(i.id)) <= capped)
        excess = max(1, inside - sum(scenario.rules.cap(w) for w in weeks))
        first = weeks[0]
        where = (
            f"the week of {first}"
            if len(weeks) == 1
            else "the weeks " + ", ".join(str(w) for w in weeks) + " (in all)"
        )
        out.append(
            f"raise the cap by {excess} in {where} (e.g. `max_inspections_in_week: {{{first}: {scenario.rules.cap(first) + excess}}}`)"
        )
    if inspections:
        out.append("move, or widen the window of, one of: " + ", ".join(r.name for r in inspections))
    if history:
        out.append("move `baseline.frozen_before` earlier, or let those inspections run from then on")
    return out
