"""Rule 11, history, and the price of change when a published roster is replanned.

Before `frozen_before` the published rows are the only triples that have variables at all
(`Facts.eligible`), and each published inspection runs in its published week
(`Facts.allowed_weeks`); here every frozen row is fixed to 1. From `frozen_before` on, each change
and each move (`roster.history`) is priced with `costs.change` and `costs.move`.
"""

from __future__ import annotations

import math

from constraints.model import RosterModel, Term


def add(m: RosterModel) -> list[Term]:
    """Fix the frozen rows; return the change and move terms (constants go to `m.offset`)."""
    facts = m.facts
    if not facts.replanning:
        return []
    costs = facts.scenario.rules.costs
    for triple in sorted(facts.frozen):
        m.model.add(m.x[triple] == 1)
    first = -math.inf if facts.frozen_before is None else facts.frozen_before
    published = {(p.secondee, p.inspection): p.week for p in facts.published}
    terms: list[Term] = []
    for (s, i), w in sorted(published.items()):
        if w < first:
            continue
        stays = m.x.get((s, i, w))
        if stays is None:
            m.offset += costs.change  # the pair cannot stay in its week: it leaves or moves
        else:
            terms.append((costs.change, stays.Not()))
    for (s, i, _), var in m.x.items():
        if (s, i) not in published:
            terms.append((costs.change, var))  # joins
    for i, w in sorted(facts.published_weeks.items()):
        if w < first:
            continue
        runs = m.runs.get((i, w))
        if runs is None:
            m.offset += costs.move  # it cannot run in its published week any more
        elif i not in m.fixed:
            terms.append((costs.move, runs.Not()))
    return terms
