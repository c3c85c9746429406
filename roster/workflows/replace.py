"""A quick repair: "X cannot go on inspection Y (or in week W): who instead?"

It is a replan of the roster in hand with one pair (or one week of one secondee) ruled out: the
roster in hand is the published roster (every change to it priced, history before
`frozen_before` kept), so the best repair changes as little as it can. The few best repairs are
found one after another: each next one also rules out the secondees the earlier ones put in X's
place, so that each offers someone else (or, at last, leaving the place short).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property

from models import Scenario
from roster.costing import evaluate
from roster.facts import Facts
from roster.history import Change
from roster.outputs.tables import Tables
from roster.solving import Built, Result, SolveConfig, solve_keeping


class ReplaceError(ValueError):
    """A repair that cannot be asked for (an unknown id, a pair not in the roster, history)."""


@dataclass
class Repair:
    """One repaired roster: who takes the place, what it costs and what it changes."""

    rank: int
    facts: Facts
    result: Result
    instead: list[str]  # secondees now on the inspection who were not before (empty: the place stays short)
    extra: int  # pounds above the roster in hand (its cost under the same scenario)
    taken: list[str]  # the inspections the secondee comes off
    changes: list[Change] = field(default_factory=list)

    @cached_property
    def tables(self) -> Tables:
        return Tables(self.facts, self.result)


def rule_out(scenario: Scenario, secondee: str, inspection: str | None, week: int | None) -> list[str]:
    """The inspections the secondee comes off, checked against the roster in hand (the scenario's
    published roster): the pair must be in it, and after `frozen_before`."""
    facts = Facts(scenario)
    if secondee not in {p.id for p in scenario.secondees}:
        raise ReplaceError(f"no secondee `{secondee}` in the scenario")
    if inspection is not None and inspection not in {i.id for i in scenario.inspections}:
        raise ReplaceError(f"no inspection `{inspection}` in the scenario")
    hit = [
        p
        for p in facts.published
        if p.secondee == secondee
        and (inspection is None or p.inspection == inspection)
        and (week is None or p.week == week)
    ]
    if not hit:
        what = f" on {inspection}" if inspection else ""
        when = f" in the week of {scenario.monday(week)}" if week is not None else ""
        raise ReplaceError(f"`{secondee}` is not{what}{when} in the roster: there is nothing to replace")
    for p in hit:
        if (p.secondee, p.inspection, p.week) in facts.frozen:
            raise ReplaceError(
                f"`{secondee}` was on {p.inspection} in the week of {scenario.monday(p.week)},"
                " before frozen_before: history cannot be repaired"
            )
    return sorted({p.inspection for p in hit})


def repairs(
    scenario: Scenario,
    secondee: str,
    inspection: str | None = None,
    week: int | None = None,
    count: int = 3,
    config: SolveConfig | None = None,
) -> list[Repair]:
    """The `count` best repairs, best first (fewer when there are no other replacements).

    `scenario` must replan the roster in hand (its `baseline`). Each repair is a whole roster
    that keeps every hard rule.
    """
    config = dataclasses.replace(config or SolveConfig(), on_progress=None)
    taken = rule_out(scenario, secondee, inspection, week)
    excluded: set[tuple[str, str | None, int | None]] = {(secondee, inspection, week)}
    in_hand = Facts(scenario)
    before = [(p.secondee, p.inspection, p.week) for p in in_hand.published]
    cost_in_hand = evaluate(in_hand, before, in_hand.published_weeks).objective
    out: list[Repair] = []
    previous: Result | None = None
    first: Built | None = None
    for rank in range(1, count + 1):
        facts = Facts(scenario, excluded=frozenset(excluded))
        # The first repair starts from the roster in hand; each next one from the repair before it,
        # less the secondees now ruled out, on a copy of the first one's model.
        result, built = solve_keeping(facts, dataclasses.replace(config, previous=previous), first)
        first = first or built
        previous = result
        if not result.has_roster or result.objective is None:
            break
        changes = evaluate(facts, result.assignments, result.weeks).changes
        instead = sorted({c.secondee for c in changes if c.change != "left" and c.inspection in taken})
        out.append(Repair(rank, facts, result, instead, result.objective - cost_in_hand, taken, changes))
        if not instead:
            break  # the place stays short, or is left empty: nobody else to offer
        excluded |= {(other, i, None) for other in instead for i in taken}
    return out
