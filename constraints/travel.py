"""Hotel nights and travel: the cost of each assignment, from `roster.facts` (one definition).

The arrangement (commute, hotel, hotel the night before) follows from the journey alone, so the
night-before rule is enforced by pricing each assignment with its fixed arrangement.
"""

from __future__ import annotations

from constraints.model import RosterModel, Term


def add(m: RosterModel) -> tuple[list[Term], list[Term]]:
    """Return the hotel and the travel terms."""
    scenario = m.facts.scenario
    body_of = {i.id: i.body for i in scenario.inspections}
    hotel: list[Term] = []
    travel: list[Term] = []
    for (s, i, _), var in m.x.items():
        trip = m.facts.trip(s, body_of[i])
        hotel.append((trip.hotel_pounds, var))
        travel.append((trip.travel_pounds, var))
    return hotel, travel
