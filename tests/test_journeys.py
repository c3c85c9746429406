"""`roster travel`: the estimated journeys a 20% error would change, ready to measure and import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from typer.testing import CliRunner

from cli import app
from models import Scenario, bundled_bodies
from roster.analysis.journeys import journeys_to_measure
from roster.facts import Facts, arrangement, commute_limit, round_half_up
from roster.loading import load_scenario
from roster.loading.sheets import TRAVEL
from roster.outputs.scenario_files import workbook_bytes, write_file
from tests.conftest import make, monday, person

KENT = next(b for b in bundled_bodies() if b.id == "kent-police")
KM_PER_DEGREE = 111.195


def north(km: float) -> dict[str, float]:
    """A home `km` north of Kent Police HQ: estimate = round(10 + 75 km / 85) minutes."""
    return {"lat": round(KENT.lat + km / KM_PER_DEGREE, 5), "lon": KENT.lon}


def scenario() -> Scenario:
    people = [
        person("near", home=north(51)),  # 55 min: a commute; 20% longer is a hotel
        person("far", home=north(300)),  # 275 min: the night before either way
        person("middle", home=north(150)),  # 142 min: a hotel either way
        person("edge", home=north(180)),  # 169 min: a hotel; 20% longer, the night before
        person("carer", home=north(62), carer={"home_every_night": True}),  # 65 min: cannot go
        person("measured", home=north(51)),
        person("own", home=north(51), service="kent-police"),
        person("fire", home=north(51), service="kent-fire", background="fire", rank="watch-manager"),
        person("gone", home=north(51), available=["2026-09-07", "2026-09-11"]),
    ]
    inspections = [
        {"id": "peel-kent", "body": "kent-police", "window": [monday(1), monday(3)], "secondees": 2}
    ]
    travel = [{"secondee": "measured", "body": "kent-police", "minutes": 55}]
    return make(4, inspections, people, travel=travel)


def flips(facts: Facts, secondee: str, body: str) -> bool:
    """The oracle: an estimate 20% shorter or longer gives another arrangement."""
    rules = facts.scenario.rules
    limit = commute_limit(rules, facts.scenario.secondee(secondee))
    m = facts.trip(secondee, body).minutes
    kinds = {arrangement(round_half_up(m * k), limit, rules.night_before_minutes) for k in (0.8, 1, 1.2)}
    return len(kinds) > 1


def test_only_estimated_journeys_near_a_limit_of_pairs_that_could_go_are_listed() -> None:
    facts = Facts(scenario())
    listed = {j.secondee: j for j in journeys_to_measure(facts)}
    assert set(listed) == {"near", "edge", "carer"}
    for s in ("far", "middle", "measured", "own", "fire", "gone"):
        assert s not in listed
    for s in listed:
        assert flips(facts, s, "kent-police")
    assert not flips(facts, "far", "kent-police") and not flips(facts, "middle", "kent-police")
    near, edge, carer = listed["near"], listed["edge"], listed["carer"]
    assert (near.estimate, near.near, near.would_change) == (
        55,
        "commute limit 1h",
        "commute ↔ hotel (10% longer)",
    )
    assert (edge.estimate, edge.near) == (169, "night-before limit 3h")
    assert edge.would_change == "hotel ↔ night before (7% longer)"
    assert carer.would_change == "hotel, not allowed as a carer ↔ commute (7% shorter)"


def test_journeys_of_the_roster_come_first_then_the_closest_to_a_limit() -> None:
    facts = Facts(scenario())
    order = [j.secondee for j in journeys_to_measure(facts)]
    assert order == ["edge", "carer", "near"]  # 6.8%, 6.9%, 10%
    first = journeys_to_measure(facts, used={("near", "kent-police")})
    assert [j.secondee for j in first] == ["near", "edge", "carer"] and first[0].in_roster
    assert [j.secondee for j in journeys_to_measure(facts, margin=0.09)] == ["edge", "carer"]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_the_travel_sheet_is_filled_in_and_imported_back(tmp_path: Path) -> None:
    source = scenario()
    book = tmp_path / "programme.xlsx"
    write_file(book, workbook_bytes(source))
    code, output = run("travel", str(book), "--out", str(tmp_path / "travel.xlsx"))
    assert code == 0 and "3 estimated journey(s)" in output, output
    sheet = load_workbook(tmp_path / "travel.xlsx")["Travel"]
    assert [c.value for c in sheet[1]] == [c.key for c in TRAVEL.columns]
    rows: list[list[Any]] = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert [r[0] for r in rows] == ["edge", "carer", "near"]
    rows[1][2] = 58  # the carer's journey, measured: within the commute limit after all
    target = load_workbook(book)
    for row in rows:
        target["Travel"].append(row)
    target.save(book)
    again = load_scenario(book)
    assert again.measured_minutes("carer", "kent-police") == 58
    assert again.measured_minutes("edge", "kent-police") is None  # left without minutes: ignored
    assert Facts(again).pair_reason("carer", "peel-kent") is None
    code, output = run("travel", str(book), "--out", str(tmp_path / "travel.csv"))
    assert code == 0 and "2 estimated journey(s)" in output
    lines = (tmp_path / "travel.csv").read_text().splitlines()
    assert lines[0] == ",".join(c.key for c in TRAVEL.columns) and lines[1].startswith("edge,kent-police,,")


def test_travel_answers_bad_input_with_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: t\nstart: 2026-09-07\nweeks: 2\ninspections: [{id: a, body: kent-police}]\n"
        "secondees: [{id: s, service: essex-police, background: police, rank: sergeant, home: Maidstone}]\n"
    )
    roster = tmp_path / "roster.csv"
    roster.write_text("inspection,week,secondee\nb,2026-09-07,s\n")
    for args in (
        [str(path), "--out", str(tmp_path / "x.txt")],
        [str(path), "--roster", str(tmp_path / "missing")],
        [str(path), "--roster", str(roster)],
        [str(path), "--margin", "0"],
    ):
        code, output = run("travel", *args)
        assert code == 2 and "Traceback" not in output, (args, output)
    assert "names `b`" in run("travel", str(path), "--roster", str(roster))[1]


def test_journeys_across_the_sea_are_listed_first_however_far_from_a_limit() -> None:
    """The Isles of Scilly are reached by ferry or plane: a road estimate to or from them is no
    journey at all, so it is listed whatever its length; once measured, it is not."""
    from roster.analysis.overview import overview
    from roster.facts import sea_area

    scilly = next(b for b in bundled_bodies() if b.id == "isles-of-scilly-fire")
    assert sea_area(scilly.location) == "the Isles of Scilly"
    for lat, lon in ((50.118, -5.537), (50.066, -5.714), (51.27, 0.52)):  # Penzance, Land's End, Maidstone
        assert sea_area(KENT.location.model_copy(update={"lat": lat, "lon": lon})) is None
    island = {  # the Isle of Wight's towns, and the mainland's across the Solent
        "Freshwater": (50.6837, -1.5262),
        "Yarmouth": (50.7063, -1.4997),
        "Newport": (50.7015, -1.2912),
        "Cowes": (50.7625, -1.2978),
        "East Cowes": (50.7577, -1.2882),
        "Ryde": (50.7300, -1.1621),
        "Sandown": (50.6516, -1.1610),
        "Ventnor": (50.5945, -1.2067),
    }
    mainland = {
        "Hurst Castle": (50.7063, -1.5513),
        "Milford on Sea": (50.7256, -1.5910),
        "Lymington": (50.7592, -1.5383),
        "Lee-on-the-Solent": (50.8017, -1.2017),
        "Southsea": (50.7835, -1.0907),
        "Gosport": (50.7951, -1.1290),
        "Hayling Island": (50.7838, -0.9687),
        "Christchurch": (50.7358, -1.7813),
    }
    for places, area in ((island, "the Isle of Wight"), (mainland, None)):
        for town, (lat, lon) in places.items():
            assert sea_area(KENT.location.model_copy(update={"lat": lat, "lon": lon})) == area, town
    people = [
        person("islander", home={"lat": 49.92, "lon": -6.30}),  # St Mary's: Kent is far over every limit
        person("mainland", home=north(51)),  # 55 min: a commute, 20% longer a hotel
        person("measured", home={"lat": 49.92, "lon": -6.30}),
    ]
    inspections = [{"id": "peel-kent", "body": "kent-police", "week": monday(1), "secondees": 1}]
    travel = [{"secondee": "measured", "body": "kent-police", "minutes": 600}]
    facts = Facts(make(4, inspections, people, travel=travel))
    assert facts.trip("islander", "kent-police").crossing == "the Isles of Scilly"
    assert facts.trip("measured", "kent-police").crossing is None
    listed = journeys_to_measure(facts)
    assert [j.secondee for j in listed] == ["islander", "mainland"]
    in_roster = journeys_to_measure(facts, used={("mainland", "kent-police")})
    assert [(j.secondee, j.in_roster) for j in in_roster] == [("islander", False), ("mainland", True)]
    assert "crossing" in listed[0].near and listed[0].error == 0
    (warning,) = [w for w in overview(facts).warnings if "Isles of Scilly" in w]
    assert warning.startswith("1 estimated journey(s)") and "travel:" in warning
