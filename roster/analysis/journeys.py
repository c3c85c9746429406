"""Which journeys to measure: the estimated ones whose arrangement a 20% error would change.

The estimate is a straight line stretched by a fixed factor (`roster.facts.estimated_minutes`);
it cannot know a ferry or a slow railway. A journey to or from a place reached only by sea or air
(the Isles of Scilly, the Isle of Wight: `roster.facts.SEA_AREAS`) is always listed, first: its
estimate leaves the crossing out. Any other journey matters when it lies near the commute limit
or the night-before limit, so that a journey 20% longer or shorter than estimated would change
how the secondee gets there (commute, hotel, hotel the night before), or whether a carer may go
at all. Only estimated journeys are listed, and only between a secondee and a body they could
inspect at all (their own service, the other background, or no seconded week free for any of its
inspections rule the pair out).
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass

from models import Inspection, Secondee
from roster.facts import Arrangement, Facts, arrangement, commute_limit, pair_reason, round_half_up
from roster.labels import ARRANGEMENT_SHORT, hours_minutes

MARGIN = 0.2
"""How far off the estimate may be: 20% either way."""


@dataclass(frozen=True)
class Journey:
    """An estimated journey that an error of the estimate would change."""

    secondee: str
    body: str
    secondee_name: str
    body_name: str
    estimate: int
    near: str
    """The limit it is near, in words: `commute limit 1h`."""
    would_change: str
    """What an error would change, in words: `hotel ↔ commute (8% shorter)`."""
    error: float
    """The smallest error of the estimate, as a fraction, that changes it."""
    in_roster: bool
    by_sea: bool = False
    """To or from a place reached only by sea or air: listed first, whatever its length."""

    def row(self) -> dict[str, object]:
        """The journey as a row of the workbook's Travel sheet, `minutes` left to fill in."""
        return {
            "secondee": self.secondee,
            "body": self.body,
            "minutes": None,
            "mode": None,
            "secondee_name": self.secondee_name or None,
            "body_name": self.body_name,
            "estimate": self.estimate,
            "near": self.near,
            "would_change": self.would_change,
            "in_roster": self.in_roster,
        }


def journeys_to_measure(
    facts: Facts, margin: float = MARGIN, used: Collection[tuple[str, str]] = ()
) -> list[Journey]:
    """Estimated journeys whose arrangement an error of `margin` would change.

    Those across the sea come first, then those in `used` (secondee, body pairs of a roster),
    then the closest to a limit.
    """
    scenario = facts.scenario
    by_body: dict[str, list[Inspection]] = {}
    for insp in scenario.inspections:
        by_body.setdefault(insp.body, []).append(insp)
    out = []
    for person in scenario.secondees:
        for body_id, inspections in by_body.items():
            if scenario.measured_minutes(person.id, body_id) is not None:
                continue
            journey = _journey(facts, person, body_id, inspections, margin, (person.id, body_id) in used)
            if journey is not None:
                out.append(journey)
    return sorted(out, key=lambda j: (not j.by_sea, not j.in_roster, j.error, j.secondee, j.body))


def _could_go(facts: Facts, person: Secondee, inspection: Inspection, kind: Arrangement) -> bool:
    """The pair is allowed with this arrangement, and the secondee is free in an allowed week."""
    scenario = facts.scenario
    if pair_reason(scenario, person, inspection, scenario.body(inspection.body), kind) is not None:
        return False
    return any(facts.week_reasons[(person.id, w)] is None for w in facts.allowed_weeks(inspection.id))


def _journey(
    facts: Facts,
    person: Secondee,
    body_id: str,
    inspections: list[Inspection],
    margin: float,
    in_roster: bool,
) -> Journey | None:
    rules = facts.scenario.rules
    limit, night_before = commute_limit(rules, person), rules.night_before_minutes
    trip = facts.trip(person.id, body_id)
    minutes = trip.minutes
    now = arrangement(minutes, limit, night_before)
    listed = functools.partial(
        Journey,
        secondee=person.id,
        body=body_id,
        secondee_name=person.name,
        body_name=facts.scenario.body(body_id).label,
        estimate=minutes,
        in_roster=in_roster,
    )
    if trip.crossing is not None:
        # by sea or air: the estimate is a road journey without the crossing, however far from a limit
        if not any(_could_go(facts, person, i, now) for i in inspections):
            return None
        return listed(
            near=f"{trip.crossing.removeprefix('the ')} crossing",
            would_change="anything: the estimate leaves the crossing out",
            error=0.0,
            by_sea=True,
        )
    changes = []
    for sign, word in ((-1, "shorter"), (1, "longer")):
        other = arrangement(round_half_up(minutes * (1 + sign * margin)), limit, night_before)
        if other is not now:
            changes.append((other, word))
    if not changes:
        return None
    other, word = changes[0]
    can_now = [i for i in inspections if _could_go(facts, person, i, now)]
    can_other = [i for i in inspections if _could_go(facts, person, i, other)]
    if not can_now and not can_other:
        return None
    bound = limit if Arrangement.COMMUTE in (now, other) else night_before
    name = "commute limit" if bound == limit and Arrangement.COMMUTE in (now, other) else "night-before limit"
    error = abs(bound + 0.5 - minutes) / max(1, minutes)  # the estimate rounds halves up
    before, after = (_words(now, bool(can_now)), _words(other, bool(can_other)))
    return listed(
        near=f"{name} {hours_minutes(bound)}",
        would_change=f"{before} ↔ {after} ({max(1, round(100 * error))}% {word})",
        error=error,
    )


def _words(kind: Arrangement, allowed: bool) -> str:
    return (
        ARRANGEMENT_SHORT[kind.value]
        if allowed
        else f"{ARRANGEMENT_SHORT[kind.value]}, not allowed as a carer"
    )
