"""The fact functions pin the boundaries of OBJECTIVE.md."""

from __future__ import annotations

import pytest

from models import Location, TravelEstimate
from models.bodies import bundled_bodies
from roster.facts import (
    Arrangement,
    Facts,
    Reason,
    arrangement,
    commute_limit,
    estimated_minutes,
    great_circle_km,
    hotel_nights,
    journey_minutes,
    target_range,
    travel_pounds,
    trip_minutes,
)
from tests.conftest import MAIDSTONE, inspection, make, monday, person


def body(body_id: str):  # type: ignore[no-untyped-def]
    return next(b for b in bundled_bodies() if b.id == body_id)


def test_bundled_bodies_are_the_87() -> None:
    bodies = bundled_bodies()
    assert len(bodies) == 87
    assert sum(b.kind == "police" for b in bodies) == 43
    assert sum(b.kind == "fire" for b in bodies) == 44


def test_kent_to_essex_police_hq_is_about_53_km() -> None:
    km = great_circle_km(body("kent-police").location, body("essex-police").location)
    assert 51 <= km <= 55


def test_estimate_formula_and_rounding_half_up() -> None:
    est = TravelEstimate()
    assert estimated_minutes(0, est) == 10
    # 10 + 60 * 1.25 * km / 85 = 10.5 exactly when km = 0.5 * 85 / 75
    assert estimated_minutes(0.5 * 85 / 75, est) == 11
    assert estimated_minutes(85, est) == 85  # 10 + 75


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (60, Arrangement.COMMUTE),
        (61, Arrangement.HOTEL),
        (180, Arrangement.HOTEL),
        (181, Arrangement.HOTEL_NIGHT_BEFORE),
    ],
)
def test_arrangement_boundaries(minutes: int, expected: Arrangement) -> None:
    assert arrangement(minutes, 60, 180) is expected


def test_hotel_nights_and_trip_minutes() -> None:
    assert hotel_nights(Arrangement.HOTEL, 5) == 4
    assert hotel_nights(Arrangement.HOTEL_NIGHT_BEFORE, 5) == 5
    assert hotel_nights(Arrangement.COMMUTE, 5) == 0
    assert trip_minutes(Arrangement.COMMUTE, 50, 5) == 500
    assert trip_minutes(Arrangement.HOTEL, 120, 5) == 240


def test_assignment_pounds_is_hotel_plus_travel() -> None:
    from models import Costs
    from roster.facts import assignment_pounds

    costs = Costs()
    # a hotel week from 2h journey: 4 nights at 120, plus 240 minutes at 25 an hour = 100
    assert assignment_pounds(Arrangement.HOTEL, 120, 5, costs) == 4 * 120 + 100
    # a commute of 50 minutes: no hotel, 500 minutes of travel = 208.33 -> 208
    assert assignment_pounds(Arrangement.COMMUTE, 50, 5, costs) == 208
    sc = make(inspections=[inspection("k")], secondees=[person("a")])
    trip = Facts(sc).trip("a", "kent-police")
    assert trip.pounds == assignment_pounds(trip.arrangement, trip.minutes, 5, sc.rules.costs)


def test_travel_pounds_round_halves_up() -> None:
    from models import Costs

    costs = Costs(travel_hour_cost=25)
    assert travel_pounds(6, costs) == 3  # 25 * 6 / 60 = 2.5 -> 3
    assert travel_pounds(60, costs) == 25


def test_carer_limit_overrides_rule_and_measured_time_overrides_estimate() -> None:
    sc = make(
        secondees=[
            person("a", home=MAIDSTONE, carer={"home_every_night": True, "max_commute_minutes": 90}),
            person("b", home=MAIDSTONE),
        ],
        travel=[{"secondee": "b", "body": "essex-police", "minutes": 200}],
    )
    a, b = sc.secondees
    assert commute_limit(sc.rules, a) == 90
    assert commute_limit(sc.rules, b) == 60
    assert journey_minutes(sc, b, body("essex-police")) == 200
    estimate = journey_minutes(sc, a, body("essex-police"))
    assert 50 < estimate < 80


def test_target_range_scales_with_seconded_weeks() -> None:
    sc = make(
        weeks=12,
        secondees=[
            person("a"),
            person("b", available=["2026-09-07", "2026-10-02"]),
            person("c", target=[1, 2]),
        ],
    )
    assert target_range(sc, sc.secondees[0]) == (4, 5)
    assert target_range(sc, sc.secondees[1]) == (1, 2)  # 4 weeks: floor(16/12), ceil(20/12)
    assert target_range(sc, sc.secondees[2]) == (1, 2)


def test_eligibility_reasons() -> None:
    sc = make(
        weeks=4,
        inspections=[inspection("k", "kent-police"), inspection("f", "kent-fire")],
        secondees=[
            person("own", service="kent-police"),
            person("late", trained="2026-09-15"),
            person("away", away=[monday(1)]),
            person("gone", available=["2026-09-07", "2026-09-17"]),
            person("carer", carer={"home_every_night": True}),
            person("nb", carer={"no_night_before": True}),
            person("nights", carer={"max_nights_away": 3}),
        ],
    )
    facts = Facts(sc)
    assert facts.reason("own", "k", 1) is Reason.OWN_SERVICE
    assert facts.reason("late", "k", 1) is Reason.NOT_TRAINED
    assert facts.reason("late", "k", 2) is None
    assert facts.reason("away", "k", 1) is Reason.AWAY
    assert facts.reason("gone", "k", 1) is Reason.NOT_SECONDED  # week of 14 Sep ends on the 18th
    assert facts.reason("gone", "k", 0) is None
    assert facts.reason("own", "f", 1) is Reason.BACKGROUND
    assert facts.reason("carer", "k", 1) is Reason.CARER_COMMUTE
    assert facts.reason("nb", "k", 1) is Reason.CARER_NIGHT_BEFORE  # Preston to Maidstone is over 3 hours
    assert facts.reason("nights", "k", 1) is Reason.CARER_NIGHTS  # a hotel week is 4 nights


def test_home_can_be_a_body_or_a_town() -> None:
    sc = make(secondees=[person("a", home="kent-police"), person("b", home="Chelmsford")])
    assert sc.home("a") == Location(lat=body("kent-police").lat, lon=body("kent-police").lon)
    assert great_circle_km(sc.home("b"), body("essex-police").location) < 10
