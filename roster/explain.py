"""Why an inspection is short: every secondee seconded that week, counted once by what stopped them.

The counts come from the eligibility facts (`roster.facts.Reason`) and from the roster itself
(busy on another inspection, a 4th consecutive week, a carer's hotel-night limit, a hard rhythm).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from roster.costing import rhythm_breaks, run_through
from roster.facts import Reason

if TYPE_CHECKING:
    from roster.result import Roster

# Outcomes for a secondee who is eligible by the facts, in the order they are tested.
ON_TEAM = "on_team"
BUSY = "busy"
BACK_TO_BACK = "back_to_back"
NIGHTS = "nights"
RHYTHM = "rhythm"
FREE = "free"

_WORDS = {
    ON_TEAM: "are on the team",
    BUSY: "are on other inspections that week",
    BACK_TO_BACK: "would be on a {nth} consecutive week",
    NIGHTS: "would go over their hotel-night limit as carers",
    RHYTHM: "would break the hard rhythm",
    FREE: "could go but were not chosen",
}


@dataclass
class ShortfallAccount:
    """The account of one inspection's shortfall."""

    inspection: str
    body_name: str
    week: str
    needs: int
    has: int
    seconded: int
    counts: dict[str, int] = field(default_factory=dict)
    competing: dict[str, int] = field(default_factory=dict)
    experienced_needed: int = 0
    experienced_has: int = 0

    def words(self, max_back_to_back: int) -> str:
        parts = []
        for key, n in self.counts.items():
            if not n:
                continue
            if key in _WORDS:
                text = _WORDS[key].format(nth=_ordinal(max_back_to_back + 1))
            else:
                text = Reason(key).words
            if key == BUSY and self.competing:
                text += " (" + ", ".join(f"{i}: {c}" for i, c in sorted(self.competing.items())) + ")"
            parts.append(f"{n} {text}")
        head = f"{self.inspection} ({self.body_name}, week of {self.week}) needs {self.needs}, has {self.has}"
        if self.has >= self.needs and self.experienced_needed:
            head = (
                f"{self.inspection} ({self.body_name}, week of {self.week}) needs {self.experienced_needed}"
                f" experienced member(s), has {self.experienced_has}"
            )
        if not self.seconded:
            return f"{head}: nobody is seconded that week"
        return f"{head}: of the {self.seconded} secondees seconded that week, " + ", ".join(parts)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def account(roster: Roster, inspection_id: str) -> ShortfallAccount:
    """Count, for the week the inspection runs, what stopped each seconded secondee."""
    facts = roster.facts
    scenario = facts.scenario
    insp = scenario.inspection(inspection_id)
    w = roster.weeks[inspection_id]
    rules = scenario.rules
    doing: dict[tuple[str, int], str] = {(s, u): i for s, i, u in roster.assignments}
    weeks_on: dict[str, set[int]] = defaultdict(set)
    nights: Counter[str] = Counter()
    body_of = {i.id: i.body for i in scenario.inspections}
    for s, i, u in roster.assignments:
        weeks_on[s].add(u)
        nights[s] += facts.trip(s, body_of[i]).nights
    counts: Counter[str] = Counter()
    competing: Counter[str] = Counter()
    seconded = 0
    for person in scenario.secondees:
        s = person.id
        reason = facts.reason(s, inspection_id, w)
        if reason is Reason.NOT_SECONDED:
            continue
        seconded += 1
        if reason is not None:
            counts[reason.value] += 1
            continue
        other = doing.get((s, w))
        if other == inspection_id:
            counts[ON_TEAM] += 1
        elif other is not None:
            counts[BUSY] += 1
            competing[other] += 1
        elif run_through(weeks_on[s], w) > rules.max_back_to_back:
            counts[BACK_TO_BACK] += 1
        elif (
            person.carer is not None
            and person.carer.max_nights_away is not None
            and nights[s] + facts.trip(s, insp.body).nights > person.carer.max_nights_away
        ):
            counts[NIGHTS] += 1
        elif rules.rhythm.hard and rhythm_breaks(
            weeks_on[s] | {w}, scenario.weeks, rules.rhythm.weeks_on, rules.rhythm.weeks_off
        ):
            counts[RHYTHM] += 1
        else:
            counts[FREE] += 1
    order = [r.value for r in Reason if r is not Reason.NOT_SECONDED] + [
        ON_TEAM,
        BUSY,
        BACK_TO_BACK,
        NIGHTS,
        RHYTHM,
        FREE,
    ]
    ev = roster.evaluation
    has = sum(1 for _, i, _ in roster.assignments if i == inspection_id)
    return ShortfallAccount(
        inspection=inspection_id,
        body_name=scenario.body(insp.body).label,
        week=scenario.monday(w).isoformat(),
        needs=insp.team_min,
        has=has,
        seconded=seconded,
        counts={k: counts[k] for k in order if counts[k]},
        competing=dict(competing),
        experienced_needed=insp.needs.experienced,
        experienced_has=insp.needs.experienced - ev.experienced_missing[inspection_id],
    )


def shortfall_reason(roster: Roster, inspection_id: str) -> str:
    """The plain-words reason of a shortfall, for `summary.json` and the console."""
    return account(roster, inspection_id).words(roster.facts.scenario.rules.max_back_to_back)
