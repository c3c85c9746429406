"""Facts derived from a scenario before solving: one function for every number.

The solver, the checker and the reports all call these, so a journey time, an arrangement, a
hotel-night count or a cost has exactly one definition (OBJECTIVE.md).
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from dataclasses import dataclass, field
from functools import cached_property

from models import Body, Inspection, Location, Rules, Scenario, Secondee
from models.rules import Costs, TravelEstimate
from roster.history import Placed, inspection_weeks
from roster.labels import REASON_WORDS, counted

EARTH_RADIUS_KM = 6371.0


class Arrangement(enum.StrEnum):
    """How a secondee gets to and stays at an inspection."""

    COMMUTE = "commute"
    HOTEL = "hotel"
    HOTEL_NIGHT_BEFORE = "hotel_night_before"


class Reason(enum.StrEnum):
    """Why a secondee cannot be on an inspection in a week. Ordered: the first that applies wins."""

    NOT_SECONDED = "not_seconded"
    NOT_TRAINED = "not_trained"
    AWAY = "away"
    OWN_SERVICE = "own_service"
    BACKGROUND = "background"
    CARER_COMMUTE = "carer_commute"
    CARER_NIGHT_BEFORE = "carer_night_before"
    CARER_NIGHTS = "carer_nights"

    def words(self, count: int = 2) -> str:
        """Plain words after a count of secondees: `1 is away`, `3 are away`."""
        return counted(REASON_WORDS, self.value, count)


# ---------------------------------------------------------------- journeys


def great_circle_km(a: Location, b: Location) -> float:
    """Great-circle (haversine) distance in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


SEA_AREAS: tuple[tuple[str, float, float, float, float], ...] = (
    ("the Isles of Scilly", 49.70, 50.05, -6.60, -6.10),
    ("the Isle of Wight", 50.57, 50.705, -1.60, -1.06),  # Freshwater, Newport, Sandown, Ventnor
    ("the Isle of Wight", 50.705, 50.775, -1.42, -1.06),  # Cowes, East Cowes, Ryde
    ("the Isle of Wight", 50.70, 50.72, -1.52, -1.42),  # Yarmouth
)
"""Places reached only by sea or air, as (name, south, north, west, east) in degrees; an island
may take several boxes. An estimate of a journey to or from one (`estimated_minutes`) is a road
journey that leaves the crossing out: St Mary's is 2 h 45 by ferry from Penzance, and the ferry
does not sail every day; the Isle of Wight's ferries take 25-60 minutes, plus the wait. No
mainland place lies in these bounds: Land's End is at 5.7 degrees west; across the Solent,
Hurst Castle (50.706, -1.551), Milford on Sea, Lymington, Lee-on-the-Solent and Southsea (50.78)
are outside them (tests/test_journeys.py holds them to it)."""


def sea_area(place: Location) -> str | None:
    """The name of the place reached only by sea or air (`SEA_AREAS`) that `place` lies in."""
    for name, south, north, west, east in SEA_AREAS:
        if south <= place.lat <= north and west <= place.lon <= east:
            return name
    return None


def sea_crossing(home: str | None, hq: str | None) -> str | None:
    """The place across the sea a journey goes to or comes from, given the `sea_area` of its two
    ends (the home's and the HQ's), or None when both ends are on the same side."""
    return None if home == hq else (hq or home)


def round_half_up(x: float) -> int:
    return math.floor(x + 0.5)


def estimated_minutes(km: float, estimate: TravelEstimate) -> int:
    """`round(overhead + 60 * circuity * km / km_per_hour)`, halves rounded up."""
    return round_half_up(estimate.overhead + 60 * estimate.circuity * km / estimate.km_per_hour)


def journey(home: Location, hq: Location, estimate: TravelEstimate, measured: int | None = None) -> int:
    """One-way journey in minutes: the measured time when given, else the estimate."""
    if measured is not None:
        return measured
    return estimated_minutes(great_circle_km(home, hq), estimate)


def journey_minutes(scenario: Scenario, secondee: Secondee, body: Body) -> int:
    """One-way journey: the measured time from `travel:` when given, else the estimate."""
    measured = scenario.measured_minutes(secondee.id, body.id)
    return journey(scenario.home(secondee.id), body.location, scenario.rules.travel_estimate, measured)


def estimate_minutes(scenario: Scenario, secondee: Secondee, body: Body) -> int:
    """The estimated one-way journey, whether or not a measured time is given."""
    return journey(scenario.home(secondee.id), body.location, scenario.rules.travel_estimate)


# ----------------------------------------------------------- arrangements


def commute_limit(rules: Rules, secondee: Secondee) -> int:
    """A secondee's commute limit: the carer's own when set, else the rule's."""
    if secondee.carer is not None and secondee.carer.max_commute_minutes is not None:
        return secondee.carer.max_commute_minutes
    return rules.commute_minutes


def arrangement(minutes: int, limit: int, night_before_minutes: int) -> Arrangement:
    """Commute when within the limit (inclusive); a night before when strictly over the rule."""
    if minutes <= limit:
        return Arrangement.COMMUTE
    if minutes > night_before_minutes:
        return Arrangement.HOTEL_NIGHT_BEFORE
    return Arrangement.HOTEL


def hotel_nights(kind: Arrangement, days: int) -> int:
    """Hotel nights of one inspection week: days (night before), days - 1 (hotel) or 0."""
    return {Arrangement.COMMUTE: 0, Arrangement.HOTEL: days - 1, Arrangement.HOTEL_NIGHT_BEFORE: days}[kind]


def trip_minutes(kind: Arrangement, minutes: int, days: int) -> int:
    """Travel time of one assignment: there and back once, or every day for a commuter."""
    return 2 * minutes * (days if kind is Arrangement.COMMUTE else 1)


def travel_pounds(trip: int, costs: Costs) -> int:
    """Travel cost in whole pounds, halves rounded up."""
    return (costs.travel_hour_cost * trip + 30) // 60


def hotel_pounds(kind: Arrangement, days: int, costs: Costs) -> int:
    """Hotel cost of one assignment."""
    return hotel_nights(kind, days) * costs.hotel_night_cost


def assignment_pounds(kind: Arrangement, minutes: int, days: int, costs: Costs) -> int:
    """Hotel and travel cost of one assignment."""
    return hotel_pounds(kind, days, costs) + travel_pounds(trip_minutes(kind, minutes, days), costs)


# ---------------------------------------------------------- availability


def is_seconded(scenario: Scenario, secondee: Secondee, monday: dt.date) -> bool:
    """All inspection days of the week lie inside the secondee's `available` dates (the days are
    consecutive, so the first and the last decide)."""
    if secondee.available is None:
        return True
    first, last = secondee.available
    to_first, to_last = scenario.rules.day_span
    return first <= monday + to_first and monday + to_last <= last


def seconded_weeks(scenario: Scenario, secondee: Secondee) -> list[int]:
    """Indices of horizon weeks in which the secondee is seconded (training and away included)."""
    return [w for w, monday in enumerate(scenario.mondays) if is_seconded(scenario, secondee, monday)]


def is_trained(secondee: Secondee, monday: dt.date) -> bool:
    """Inspections only in weeks after the week of training."""
    if secondee.trained is None:
        return True
    return monday > secondee.trained - dt.timedelta(days=secondee.trained.weekday())


def target_range(scenario: Scenario, secondee: Secondee) -> tuple[int, int]:
    """Inspections wanted over the horizon: the secondee's own, else 4-5 per 12 seconded weeks."""
    if secondee.target is not None:
        return secondee.target
    w = len(seconded_weeks(scenario, secondee))
    return math.floor(4 * w / 12), math.ceil(5 * w / 12)


def week_reason(scenario: Scenario, secondee: Secondee, monday: dt.date) -> Reason | None:
    """Why the secondee can inspect nothing in this week, or None."""
    if not is_seconded(scenario, secondee, monday):
        return Reason.NOT_SECONDED
    if not is_trained(secondee, monday):
        return Reason.NOT_TRAINED
    if monday in secondee.away:
        return Reason.AWAY
    return None


def pair_reason(
    scenario: Scenario,
    secondee: Secondee,
    inspection: Inspection,
    body: Body | None = None,
    kind: Arrangement | None = None,
) -> Reason | None:
    """Why the secondee can never be on this inspection, whatever the week, or None.

    `body` and `kind` (the arrangement) may be passed when already known, to save lookups.
    """
    rules = scenario.rules
    body = body or scenario.body(inspection.body)
    if rules.no_own_service and secondee.service == body.id:
        return Reason.OWN_SERVICE
    open_to = (
        inspection.open_to
        if inspection.open_to is not None
        else ([body.kind] if rules.match_background else None)
    )
    if open_to is not None and secondee.background not in open_to:
        return Reason.BACKGROUND
    carer = secondee.carer
    if carer is not None:
        if kind is None:
            kind = arrangement(
                journey_minutes(scenario, secondee, body),
                commute_limit(rules, secondee),
                rules.night_before_minutes,
            )
        if carer.home_every_night and kind is not Arrangement.COMMUTE:
            return Reason.CARER_COMMUTE
        if carer.no_night_before and kind is Arrangement.HOTEL_NIGHT_BEFORE:
            return Reason.CARER_NIGHT_BEFORE
        if (
            carer.max_nights_away is not None
            and hotel_nights(kind, len(rules.inspection_days)) > carer.max_nights_away
        ):
            return Reason.CARER_NIGHTS
    return None


def eligibility(
    scenario: Scenario, secondee: Secondee, inspection: Inspection, monday: dt.date
) -> Reason | None:
    """Why the secondee cannot be on the inspection in the week of `monday`, or None if they can."""
    return week_reason(scenario, secondee, monday) or pair_reason(scenario, secondee, inspection)


# ------------------------------------------------------------ the table


@dataclass(frozen=True)
class Trip:
    """Everything about one secondee going to one body."""

    minutes: int
    arrangement: Arrangement
    nights: int
    trip_minutes: int
    hotel_pounds: int
    travel_pounds: int
    measured: bool
    crossing: str | None = None
    """For an estimated journey that crosses the sea, the place across it (`SEA_AREAS`): the
    estimate leaves the crossing out, so the journey wants measuring."""

    @property
    def pounds(self) -> int:
        """The assignment's cost: hotel nights and travel."""
        return self.hotel_pounds + self.travel_pounds


@dataclass
class Facts:
    """All facts of a scenario, computed once and shared by solver, checker and reports."""

    scenario: Scenario
    excluded: frozenset[tuple[str, str | None, int | None]] = frozenset()
    """(secondee, inspection, week) triples a quick repair rules out (`roster replace`): a None
    inspection rules out the whole week, a None week the pair in any week."""
    _trips: dict[tuple[str, str], Trip] = field(default_factory=dict)
    _pairs: dict[tuple[str, str], Reason | None] = field(default_factory=dict)

    @property
    def days(self) -> int:
        return len(self.scenario.rules.inspection_days)

    def trip(self, secondee_id: str, body_id: str) -> Trip:
        """Journey, arrangement, nights and cost of `secondee_id` going to `body_id`."""
        key = (secondee_id, body_id)
        if key not in self._trips:
            scenario = self.scenario
            secondee = self._people[secondee_id]
            minutes = journey(
                self._homes[secondee_id],
                self._hq[body_id],
                scenario.rules.travel_estimate,
                self._measured_minutes.get(key),
            )
            kind = arrangement(
                minutes, commute_limit(scenario.rules, secondee), scenario.rules.night_before_minutes
            )
            trip = trip_minutes(kind, minutes, self.days)
            self._trips[key] = Trip(
                minutes=minutes,
                arrangement=kind,
                nights=hotel_nights(kind, self.days),
                trip_minutes=trip,
                hotel_pounds=hotel_pounds(kind, self.days, scenario.rules.costs),
                travel_pounds=travel_pounds(trip, scenario.rules.costs),
                measured=key in self._measured_minutes,
                crossing=None if key in self._measured_minutes else self._crossing(secondee_id, body_id),
            )
        return self._trips[key]

    @cached_property
    def _bodies(self) -> dict[str, Body]:
        return self.scenario.all_bodies

    @cached_property
    def _inspections(self) -> dict[str, Inspection]:
        return {i.id: i for i in self.scenario.inspections}

    @cached_property
    def _people(self) -> dict[str, Secondee]:
        return {s.id: s for s in self.scenario.secondees}

    @cached_property
    def _measured_minutes(self) -> dict[tuple[str, str], int]:
        return {(t.secondee, t.body): t.minutes for t in self.scenario.travel}

    @cached_property
    def _homes(self) -> dict[str, Location]:
        return {s.id: self.scenario.home(s.id) for s in self.scenario.secondees}

    @cached_property
    def _hq(self) -> dict[str, Location]:
        return {b.id: b.location for b in self._bodies.values()}

    @cached_property
    def _seas(self) -> tuple[dict[str, str | None], dict[str, str | None]]:
        """`sea_area` of every home, and of every HQ."""
        return (
            {s: sea_area(home) for s, home in self._homes.items()},
            {b: sea_area(hq) for b, hq in self._hq.items()},
        )

    def _crossing(self, secondee_id: str, body_id: str) -> str | None:
        """`sea_crossing` of the secondee's journey to the body, from the areas looked up once."""
        homes, hqs = self._seas
        return sea_crossing(homes[secondee_id], hqs[body_id])

    @cached_property
    def _allowed(self) -> dict[str, list[int]]:
        first = self.frozen_before
        out = {}
        for insp in self.scenario.inspections:
            weeks = self.scenario.allowed_weeks(insp)
            if first is not None:
                # it has run (loading checked that the scenario allows it), or nothing new before then
                kept = self.kept_weeks.get(insp.id)
                weeks = [kept] if kept is not None else [w for w in weeks if w >= first]
            out[insp.id] = weeks
        return out

    def allowed_weeks(self, inspection_id: str) -> list[int]:
        """Week indices in which the inspection may run: rule 1, and rule 11 when replanning."""
        return self._allowed[inspection_id]

    # ---------------------------------------------------------- history

    @cached_property
    def frozen_before(self) -> int | None:
        """The week index of `baseline.frozen_before`: weeks before it are history (rule 11)."""
        baseline = self.scenario.baseline
        if baseline is None or baseline.frozen_before is None:
            return None
        return self.scenario.week_index(baseline.frozen_before)

    @property
    def replanning(self) -> bool:
        """Whether the scenario replans a published roster (`baseline`), whose rows may be none:
        then every pair joins, and is priced as a change."""
        return self.scenario.published is not None

    @cached_property
    def published(self) -> tuple[Placed, ...]:
        """Every row of the published roster (also those of ids the scenario has since removed),
        with the arrangement it was booked with: the published column, else the facts'."""
        published = self.scenario.published
        if published is None:
            return ()
        out = []
        for row in published.rows:
            insp = self._inspections.get(row.inspection)
            body = insp.body if insp is not None else row.body or ""
            kind = row.arrangement
            if kind is None and insp is not None and row.secondee in self._people:
                kind = self.trip(row.secondee, insp.body).arrangement.value
            out.append(Placed(row.secondee, row.inspection, body, self.scenario.week_index(row.week), kind))
        return tuple(out)

    @cached_property
    def published_weeks(self) -> dict[str, int]:
        """The published week of each inspection with at least one published row."""
        return inspection_weeks(self.published)

    @cached_property
    def listed_weeks(self) -> dict[str, int]:
        """The published week of every inspection the published roster places: its rows, and the
        inspections.csv beside it (which also places inspections nobody was published on)."""
        published = self.scenario.published
        listed = {i: self.scenario.week_index(d) for i, d in published.inspection_weeks} if published else {}
        return listed | self.published_weeks

    @cached_property
    def kept_weeks(self) -> dict[str, int]:
        """The inspections that ran before `frozen_before`, and their weeks (rule 11): as published,
        or, for one the published roster does not place, its fixed week when that is before
        (it ran, unstaffed)."""
        first = self.frozen_before
        if first is None:
            return {}
        kept = {i: w for i, w in self.listed_weeks.items() if w < first}
        for insp in self.scenario.inspections:
            weeks = self.scenario.allowed_weeks(insp)
            if insp.id not in self.listed_weeks and len(weeks) == 1 and weeks[0] < first:
                kept[insp.id] = weeks[0]
        return kept

    @cached_property
    def frozen(self) -> frozenset[tuple[str, str, int]]:
        """The published rows before `frozen_before`: they stay exactly as they are (rule 11)."""
        first = self.frozen_before
        if first is None:
            return frozenset()
        return frozenset((p.secondee, p.inspection, p.week) for p in self.published if p.week < first)

    @cached_property
    def targets(self) -> dict[str, tuple[int, int]]:
        return {s.id: target_range(self.scenario, s) for s in self.scenario.secondees}

    @cached_property
    def seconded(self) -> dict[str, list[int]]:
        return {s.id: seconded_weeks(self.scenario, s) for s in self.scenario.secondees}

    @cached_property
    def week_reasons(self) -> dict[tuple[str, int], Reason | None]:
        """`week_reason` for every secondee and horizon week."""
        return {
            (s.id, w): week_reason(self.scenario, s, monday)
            for s in self.scenario.secondees
            for w, monday in enumerate(self.scenario.mondays)
        }

    def pair_reason(self, secondee_id: str, inspection_id: str) -> Reason | None:
        """`pair_reason`, computed once per secondee and inspection."""
        key = (secondee_id, inspection_id)
        if key not in self._pairs:
            person = self._people[secondee_id]
            insp = self._inspections[inspection_id]
            kind = self.trip(secondee_id, insp.body).arrangement if person.carer else None
            self._pairs[key] = pair_reason(self.scenario, person, insp, self._bodies[insp.body], kind)
        return self._pairs[key]

    def reason(self, secondee_id: str, inspection_id: str, week: int) -> Reason | None:
        """`eligibility` of a triple, from the cached tables."""
        return self.week_reasons[(secondee_id, week)] or self.pair_reason(secondee_id, inspection_id)

    @cached_property
    def eligible(self) -> list[tuple[str, str, int]]:
        """Every (secondee, inspection, week) that may appear in a roster, in a stable order."""
        people = [s.id for s in self.scenario.secondees]
        free = {
            w: [s for s in people if self.week_reasons[(s, w)] is None] for w in range(self.scenario.weeks)
        }
        out = []
        for i in self.scenario.inspections:
            weeks = self.allowed_weeks(i.id)
            # only those free in some allowed week need their pair checked
            maybe = {s for w in weeks for s in free[w]}
            fits = {s for s in maybe if self.pair_reason(s, i.id) is None}
            for w in weeks:
                out += [(s, i.id, w) for s in free[w] if s in fits]
        if self.frozen_before is not None:  # before frozen_before, only the published rows (rule 11)
            out = [t for t in out if t[2] >= self.frozen_before or t in self.frozen]
        if self.excluded:
            out = [t for t in out if not self.is_excluded(t)]
        return out

    def is_excluded(self, triple: tuple[str, str, int]) -> bool:
        s, i, w = triple
        return bool({(s, i, None), (s, None, w), (s, i, w)} & self.excluded)
