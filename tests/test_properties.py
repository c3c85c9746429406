"""Property tests: every roster the engine returns passes the independent checker, at the same cost."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import Scenario
from roster.analysis.check import check_report
from roster.facts import Facts
from roster.outputs.folder import read_tables, write_folder
from roster.outputs.tables import Tables
from roster.solving import solve
from tests.conftest import DETERMINISTIC, monday

POLICE = ["kent-police", "essex-police", "surrey-police", "sussex-police", "lancashire-police"]
FIRE = ["kent-fire", "essex-fire", "london-fire"]
HOMES = st.sampled_from(POLICE + FIRE + ["Maidstone", "Chelmsford", "Preston", "Leeds"]) | st.builds(
    lambda lat, lon: {"lat": lat, "lon": lon},
    st.floats(50.5, 54.5).map(lambda x: round(x, 3)),
    st.floats(-3.5, 1.5).map(lambda x: round(x, 3)),
)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    weeks = draw(st.integers(2, 6))
    inspections: list[dict[str, Any]] = []
    for n in range(draw(st.integers(1, 5))):
        body = draw(st.sampled_from(POLICE + FIRE))
        first = draw(st.integers(0, weeks - 1))
        insp: dict[str, Any] = {"id": f"i{n}", "body": body}
        if draw(st.booleans()):
            insp["week"] = monday(first)
        else:
            insp["window"] = [monday(first), monday(draw(st.integers(first, weeks - 1)))]
        lo = draw(st.integers(0, 3))
        hi = draw(st.integers(lo, 4))
        insp["secondees"] = {"min": lo, "max": hi} if hi else 0
        if hi and draw(st.booleans()):
            insp["needs"] = {"experienced": draw(st.integers(1, min(2, hi)))}
        if body in FIRE and draw(st.booleans()):
            insp["open_to"] = ["fire", "police"]
        inspections.append(insp)
    people: list[dict[str, Any]] = []
    for n in range(draw(st.integers(1, 6))):
        fire = draw(st.booleans())
        p: dict[str, Any] = {
            "id": f"s{n}",
            "service": draw(st.sampled_from(FIRE if fire else POLICE)),
            "background": "fire" if fire else "police",
            "rank": draw(
                st.sampled_from(["watch-manager", "fire-staff"] if fire else ["sergeant", "police-staff"])
            ),
            "home": draw(HOMES),
            "inspections_done": draw(st.integers(0, 2)),
        }
        if draw(st.booleans()):
            start = dt.date(2026, 9, 7) + dt.timedelta(days=draw(st.integers(0, 7 * weeks - 1)))
            end = start + dt.timedelta(days=draw(st.integers(0, 7 * weeks)))
            p["available"] = [start.isoformat(), end.isoformat()]
            if draw(st.booleans()):
                p["trained"] = (start + dt.timedelta(days=draw(st.integers(0, 10)))).isoformat()
                if dt.date.fromisoformat(p["trained"]) > end:
                    del p["trained"]
        if draw(st.booleans()):
            p["away"] = sorted(
                {monday(draw(st.integers(0, weeks - 1))) for _ in range(draw(st.integers(1, 2)))}
            )
        carer = draw(
            st.sampled_from(
                [
                    None,
                    {"home_every_night": True, "max_commute_minutes": 90},
                    {"no_night_before": True},
                    {"max_nights_away": 6},
                    {"max_commute_minutes": 100},
                ]
            )
        )
        if carer:
            p["carer"] = carer
        if draw(st.booleans()):
            p["prefers"] = {
                "bodies": [draw(st.sampled_from(POLICE + FIRE))],
                "off_weeks": [monday(draw(st.integers(0, weeks - 1)))],
            }
        if draw(st.booleans()):
            p["avoids"] = {"bodies": [draw(st.sampled_from(POLICE + FIRE))]}
        people.append(p)
    travel = [
        {
            "secondee": p["id"],
            "body": draw(st.sampled_from(POLICE + FIRE)),
            "minutes": draw(st.integers(20, 320)),
            "mode": "train",
        }
        for p in people
        if draw(st.booleans())
    ]
    travel = list({(t["secondee"], t["body"]): t for t in travel}.values())
    rules = {
        "max_inspections_per_week": draw(st.integers(1, 4)),
        "max_back_to_back": draw(st.integers(1, 3)),
        "rhythm": {
            "weeks_on": draw(st.integers(1, 3)),
            "weeks_off": draw(st.integers(0, 2)),
            "hard": draw(st.booleans()),
        },
        "commute_minutes": draw(st.sampled_from([45, 60, 90])),
        "night_before_minutes": draw(st.sampled_from([150, 180])),
    }
    return Scenario.model_validate(
        {
            "name": "property",
            "start": "2026-09-07",
            "weeks": weeks,
            "rules": rules,
            "inspections": inspections,
            "secondees": people,
            "travel": travel,
        }
    )


def placement_is_impossible(scenario: Scenario) -> bool:
    """Hall's condition, by enumeration: some set of weeks has more inspections that can only run
    in it than the caps of those weeks allow. Team places are elastic, so only this can make a
    scenario infeasible."""
    weeks = range(scenario.weeks)
    allowed = [set(scenario.allowed_weeks(i)) for i in scenario.inspections]
    for size in range(1, scenario.weeks + 1):
        for chosen in itertools.combinations(weeks, size):
            inside = sum(1 for a in allowed if a <= set(chosen))
            if inside > sum(scenario.rules.cap(scenario.monday(w)) for w in chosen):
                return True
    return False


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(scenario=scenarios())
def test_every_engine_roster_passes_the_checker(scenario: Scenario, tmp_path: Path) -> None:
    facts = Facts(scenario)
    result = solve(facts, DETERMINISTIC)
    assert (result.status == "infeasible") == placement_is_impossible(scenario)
    if result.status == "infeasible":
        assert result.infeasibility is not None and result.infeasibility["requirements"]
        return
    assert result.status == "optimal"
    out = tmp_path / str(abs(hash(scenario.model_dump_json())))
    write_folder(out, Tables(facts, result).files())
    report = check_report(scenario, read_tables(out))
    assert report.violations == []
    assert report.objective == result.objective
