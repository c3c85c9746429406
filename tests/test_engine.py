"""Each rule changes the outcome of a small scenario; every roster is checked independently."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from roster.facts import Facts
from roster.loading import load_scenario
from roster.solving import solve
from tests.conftest import (
    CHELMSFORD,
    DETERMINISTIC,
    MAIDSTONE,
    SCENARIOS,
    Solved,
    inspection,
    make,
    monday,
    person,
    solve_checked,
)


def weeks_of(roster: Solved) -> dict[str, str]:
    return {i: roster.scenario.monday(w).isoformat() for i, w in roster.result.weeks.items()}


def team(roster: Solved, insp: str) -> set[str]:
    return {s for s, i, _ in roster.assignments if i == insp}


def shortfall(roster: Solved, insp: str) -> tuple[int, int]:
    ev = roster.evaluation
    return ev.shortfall[insp], ev.experienced_missing[insp]


def test_rule1_window_is_respected_even_at_a_price(out: Path) -> None:
    sc = make(
        inspections=[inspection("k", window=[monday(2), monday(3)])],
        secondees=[person("a", prefers={"off_weeks": [monday(2), monday(3)]}, target=[0, 1])],
    )
    r = solve_checked(sc, out)
    assert weeks_of(r)["k"] in (monday(2), monday(3))
    assert r.cost_terms["preference"] == 50  # week 1 would have been free of it


def test_rule2_cap_pushes_an_inspection_to_another_week(out: Path) -> None:
    sc = make(
        rules={"max_inspections_per_week": 1},
        inspections=[
            inspection("k", window=[monday(1), monday(2)]),
            inspection("e", "essex-police", window=[monday(1), monday(2)]),
        ],
        secondees=[
            person("a", prefers={"off_weeks": [monday(2)]}),
            person("b", prefers={"off_weeks": [monday(2)]}),
        ],
    )
    r = solve_checked(sc, out)
    assert sorted(weeks_of(r).values()) == [monday(1), monday(2)]
    assert r.cost_terms["preference"] == 50


def test_per_week_cap_override(out: Path) -> None:
    sc = make(
        rules={"max_inspections_per_week": 1, "max_inspections_in_week": {monday(1): 2}},
        inspections=[inspection("k", week=monday(1)), inspection("e", "essex-police", week=monday(1))],
        secondees=[person("a"), person("b")],
    )
    r = solve_checked(sc, out)
    assert weeks_of(r) == {"k": monday(1), "e": monday(1)} and not r.shortfalls
    without = make(
        rules={"max_inspections_per_week": 1},
        inspections=[inspection("k", week=monday(1)), inspection("e", "essex-police", week=monday(1))],
        secondees=[person("a"), person("b")],
    )
    assert solve(without, DETERMINISTIC).status == "infeasible"  # the override is what allows it


def test_rule3_one_place_at_a_time(out: Path) -> None:
    sc = make(
        inspections=[inspection("k", week=monday(1)), inspection("e", "essex-police", week=monday(1))],
        secondees=[person("a")],
    )
    r = solve_checked(sc, out)
    assert sorted(shortfall(r, i)[0] for i in ("k", "e")) == [0, 1]


def test_rule4_a_fourth_back_to_back_week_is_a_shortfall(out: Path) -> None:
    sc = make(
        weeks=4,
        inspections=[inspection(f"i{w}", week=monday(w)) for w in range(4)],
        secondees=[person("a", target=[4, 4])],
    )
    r = solve_checked(sc, out)
    assert len(r.assignments) == 3
    assert sum(shortfall(r, f"i{w}")[0] for w in range(4)) == 1
    assert r.cost_terms["shortfall"] == 10000
    assert r.cost_terms["rhythm"] == 0  # e.g. weeks 0, 1 and 3: no run of three


def test_rule5_away_training_and_secondment(out: Path) -> None:
    sc = make(
        inspections=[
            inspection("w0", week=monday(0)),
            inspection("w1", week=monday(1)),
            inspection("w3", week=monday(3)),
        ],
        secondees=[
            person("trainee", trained="2026-09-08", away=[monday(1)], available=["2026-09-07", "2026-09-25"]),
        ],
    )
    r = solve_checked(sc, out)
    # week 0 is training, week 1 away, week 3 after the secondment: nothing can be filled
    assert r.assignments == ()
    assert {s.inspection for s in r.shortfalls} == {"w0", "w1", "w3"}


def test_rule6_own_service(out: Path) -> None:
    sc = make(
        inspections=[inspection("k", week=monday(1))],
        secondees=[person("a", service="kent-police", home=MAIDSTONE)],
    )
    r = solve_checked(sc, out)
    assert shortfall(r, "k") == (1, 0)
    sc2 = make(
        rules={"no_own_service": False},
        inspections=[inspection("k", week=monday(1))],
        secondees=[person("a", service="kent-police", home=MAIDSTONE)],
    )
    assert shortfall(solve_checked(sc2, out / "2"), "k") == (0, 0)


def test_rule7_background_and_open_to(out: Path) -> None:
    fire = person("f", service="essex-fire", background="fire", rank="watch-manager")
    r = solve_checked(make(inspections=[inspection("k", week=monday(1))], secondees=[fire]), out)
    assert shortfall(r, "k") == (1, 0)
    r2 = solve_checked(
        make(inspections=[inspection("k", week=monday(1), open_to=["police", "fire"])], secondees=[fire]),
        out / "2",
    )
    assert team(r2, "k") == {"f"}


def test_rule8_team_size_max_beats_under_use(out: Path) -> None:
    sc = make(
        inspections=[inspection("k", week=monday(1), secondees={"min": 1, "max": 2})],
        secondees=[person(x, target=[1, 1]) for x in "abc"],
    )
    r = solve_checked(sc, out)
    assert len(team(r, "k")) == 2
    assert r.cost_terms["under_use"] == 1000


def test_rule9_experience_from_an_earlier_week(out: Path) -> None:
    sc = make(
        inspections=[
            inspection("first", "essex-police", week=monday(1)),
            inspection("k", week=monday(2), needs={"experienced": 1}),
        ],
        secondees=[person("a", target=[0, 2]), person("b", target=[0, 2])],
    )
    r = solve_checked(sc, out)
    assert shortfall(r, "k") == (0, 0)
    first = team(r, "first")
    assert first & team(r, "k")


def test_rule9_missing_experience_is_a_shortfall(out: Path) -> None:
    sc = make(
        inspections=[inspection("k", week=monday(1), needs={"experienced": 1})],
        secondees=[person("a")],
    )
    r = solve_checked(sc, out)
    assert shortfall(r, "k") == (0, 1)
    assert r.summary["shortfalls"][0]["places"] == 0
    sc2 = make(
        inspections=[inspection("k", week=monday(1), needs={"experienced": 1})],
        secondees=[person("a", inspections_done=2)],
    )
    assert shortfall(solve_checked(sc2, out / "2"), "k") == (0, 0)


def test_rule10_carers(out: Path) -> None:
    home = person("h", home=CHELMSFORD, carer={"home_every_night": True, "max_commute_minutes": 45})
    r = solve_checked(make(inspections=[inspection("k", week=monday(1))], secondees=[home]), out)
    assert shortfall(r, "k") == (1, 0)  # Chelmsford to Maidstone is about an hour
    home_ok = person("h", home=CHELMSFORD, carer={"home_every_night": True, "max_commute_minutes": 75})
    r2 = solve_checked(make(inspections=[inspection("k", week=monday(1))], secondees=[home_ok]), out / "2")
    assert r2.roster["arrangement"].tolist() == ["commute"]
    nights = person("n", carer={"max_nights_away": 5})  # Preston: 5 nights a week, room for one
    r3 = solve_checked(
        make(
            inspections=[inspection("k", week=monday(1)), inspection("e", "essex-police", week=monday(3))],
            secondees=[nights],
        ),
        out / "3",
    )
    assert len(r3.assignments) == 1


def test_night_before_is_priced_and_booked(out: Path) -> None:
    sc = make(
        inspections=[inspection("k", week=monday(1)), inspection("e", "essex-police", week=monday(1))],
        secondees=[person("far"), person("near", home=CHELMSFORD)],
        travel=[
            {"secondee": "far", "body": "kent-police", "minutes": 181},
            {"secondee": "far", "body": "essex-police", "minutes": 180},
        ],
    )
    r = solve_checked(sc, out)
    stays = r.accommodation.set_index("secondee")
    assert stays.loc["far", "nights"] in (4, 5)
    row = r.roster.set_index("secondee").loc["far"]
    expected = "hotel_night_before" if row["inspection"] == "k" else "hotel"
    assert row["arrangement"] == expected


def test_rhythm_hard_versus_soft(out: Path) -> None:
    insps = [inspection(f"i{w}", week=monday(w)) for w in range(3)]
    soft = solve_checked(make(weeks=3, inspections=insps, secondees=[person("a", target=[3, 3])]), out)
    assert soft.cost_terms["rhythm"] == 200 and not soft.shortfalls
    hard = solve_checked(
        make(
            weeks=3,
            inspections=insps,
            secondees=[person("a", target=[3, 3])],
            rules={"rhythm": {"hard": True}},
        ),
        out / "2",
    )
    assert len(hard.shortfalls) == 1 and hard.cost_terms["rhythm"] == 0


def test_short_rest_is_a_break_with_two_weeks_off(out: Path) -> None:
    insps = [inspection("i0", week=monday(0)), inspection("i2", week=monday(2))]
    r = solve_checked(
        make(weeks=3, inspections=insps, secondees=[person("a")], rules={"rhythm": {"weeks_off": 2}}), out
    )
    assert r.cost_terms["rhythm"] == 200


def test_over_use_is_cheaper_than_a_shortfall(out: Path) -> None:
    insps = [inspection("i0", week=monday(0)), inspection("i2", week=monday(2))]
    r = solve_checked(make(weeks=3, inspections=insps, secondees=[person("a", target=[0, 1])]), out)
    assert r.cost_terms["over_use"] == 500 and not r.shortfalls


def test_preferences(out: Path) -> None:
    sc = make(
        inspections=[inspection("k", week=monday(1)), inspection("e", "essex-police", week=monday(1))],
        secondees=[
            person("a", prefers={"bodies": ["essex-police"]}, target=[0, 1]),
            person("b", avoids={"bodies": ["essex-police"]}, target=[0, 1]),
        ],
    )
    r = solve_checked(sc, out)
    assert team(r, "e") == {"a"} and team(r, "k") == {"b"}
    assert r.cost_terms["preference"] == 0


def test_shortfall_reason_counts_add_up(out: Path) -> None:
    from roster.analysis.explain import account

    sc = make(
        weeks=4,
        inspections=[
            inspection("k", week=monday(2), secondees=4),
            inspection("e", "essex-police", week=monday(2), secondees=1),
        ],
        secondees=[
            person("own", service="kent-police"),
            person("away", away=[monday(2)]),
            person("late", trained="2026-09-22"),
            person("fire", service="essex-fire", background="fire", rank="watch-manager"),
            person("free1"),
            person("free2"),
            person("gone", available=["2026-09-07", "2026-09-11"]),
        ],
    )
    r = solve_checked(sc, out)
    acc = account(r.facts, r.result, "k")
    assert acc.seconded == 6  # `gone` is not seconded that week
    assert sum(acc.counts.values()) == acc.seconded
    assert acc.counts["own_service"] == 1 and acc.counts["away"] == 1 and acc.counts["not_trained"] == 1
    assert acc.counts["background"] == 1
    assert acc.counts.get("on_team", 0) + acc.counts.get("busy", 0) == 2
    reason = r.summary["shortfalls"][0]["reason"]
    assert reason.startswith("k (Kent Police, week of 2026-09-21) needs 4, has ")
    assert "1 is away" in reason and "1 comes from Kent Police" in reason


def test_greedy_places_windows_under_the_cap_by_moving_others() -> None:
    import constraints
    from roster.facts import Facts
    from roster.solving.engine import complete
    from roster.solving.greedy import construct

    sc = make(
        weeks=3,
        rules={"max_inspections_per_week": 1},
        inspections=[
            inspection("a", window=[monday(0), monday(1)]),
            inspection("b", "essex-police", window=[monday(1), monday(2)]),
            inspection("c", "surrey-police", window=[monday(0), monday(1)]),
        ],
        secondees=[person("p")],
    )
    facts = Facts(sc)
    weeks, assignments = construct(facts)
    assert sorted(weeks.values()) == [0, 1, 2]
    assert complete(constraints.build(facts), weeks, assignments) is not None


def test_a_solve_stopped_early_returns_no_worse_than_the_greedy_roster(tmp_path: Path) -> None:
    """Stopped long before the proof, the engine returns the cheapest roster in hand, checked."""
    import dataclasses

    from roster.costing import evaluate
    from roster.facts import Facts
    from roster.loading import load_scenario
    from roster.solving.greedy import construct
    from tests.conftest import DETERMINISTIC, ROOT, solve_checked

    scenario = load_scenario(ROOT / "scenarios" / "cohort.yaml")
    greedy = evaluate(Facts(scenario), construct(Facts(scenario))[1]).objective
    for limit in (0.0, 0.01):
        config = dataclasses.replace(DETERMINISTIC, deterministic_limit=limit)
        roster = solve_checked(scenario, tmp_path / str(limit), config)
        assert roster.status == "feasible"
        assert roster.objective is not None and roster.objective <= greedy
        assert roster.best_bound is None or roster.best_bound <= roster.objective


def test_a_gap_stops_early_and_never_calls_the_roster_optimal_unproven(tmp_path: Path) -> None:
    import dataclasses
    import math

    from roster.loading import load_scenario
    from tests.conftest import DETERMINISTIC, ROOT, solve_checked

    scenario = load_scenario(ROOT / "scenarios" / "cohort.yaml")
    proven = solve_checked(scenario, tmp_path / "proven")
    assert proven.status == "optimal"
    for gap in (0.2, 0.01):
        roster = solve_checked(scenario, tmp_path / str(gap), dataclasses.replace(DETERMINISTIC, gap=gap))
        assert roster.objective is not None and roster.best_bound is not None
        assert proven.objective is not None and roster.objective >= proven.objective
        assert (roster.objective - roster.best_bound) <= gap * roster.objective + 1
        assert (roster.status == "optimal") == (roster.objective == math.ceil(roster.best_bound - 1e-6))
        assert roster.summary["solver"]["gap"] == gap


def test_the_lp_rounding_is_a_relaxation_rounded_to_a_roster_that_passes_the_checker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large model stopped early also rounds its LP (forced here on the cohort, stopped at once):
    the LP never costs more than the optimum, and the roster returned passes the checker."""
    import dataclasses

    import constraints
    from roster.solving import engine
    from roster.solving.dive import lower_bound, lp_rows, solve_lp

    scenario = load_scenario(SCENARIOS / "cohort.yaml")
    proven = solve_checked(scenario, tmp_path / "proven")
    rows = lp_rows(constraints.build(Facts(scenario)).model)
    relaxed = solve_lp(rows)
    assert relaxed is not None
    values = relaxed.values
    lp = sum(c * v for c, v in zip(rows.cost, values, strict=True)) + rows.offset
    assert proven.objective is not None and lp <= proven.objective + 1e-6
    assert lower_bound(rows, values) <= lp
    monkeypatch.setattr(engine, "DIVE_FROM", 0)
    stopped = solve_checked(
        scenario, tmp_path / "stopped", dataclasses.replace(DETERMINISTIC, deterministic_limit=0.0)
    )
    assert stopped.status == "feasible" and stopped.result.model.get("fallback") == "LP rounding"
    assert stopped.objective is not None and proven.objective <= stopped.objective


def test_the_lps_reduced_costs_price_every_step_away_from_its_optimum(tmp_path: Path) -> None:
    """The reduced costs the rounding frees its pairs by mean what they say: the proven optimum
    costs at least the LP's optimum plus each variable's reduced cost times its step away from the
    LP's value (and a pair the LP all but chose has a reduced cost near 0, so it is set free)."""
    import constraints
    from roster.solving import dive, engine

    scenario = load_scenario(SCENARIOS / "small.yaml")  # its LP is £50 below the optimum
    proven = solve_checked(scenario, tmp_path / "proven")
    m = constraints.build(Facts(scenario))
    rows = dive.lp_rows(m.model)
    relaxed = dive.solve_lp(rows)
    assert relaxed is not None and proven.objective is not None
    roster = proven.result
    values = engine.complete(m, dict(roster.weeks), list(roster.assignments))
    assert values is not None
    lp = sum(c * v for c, v in zip(rows.cost, relaxed.values, strict=True)) + rows.offset
    steps = sum(d * (y - v) for d, y, v in zip(relaxed.reduced, values, relaxed.values, strict=True))
    assert steps > 0  # the optimum is not the LP's: some of its steps cost something
    assert proven.objective >= lp + steps - 1e-6 * abs(lp) - 1e-3
    whole, near = dive.Dive(m, deterministic=True, lp=relaxed)._fixings(relaxed)
    freed = {i for i, _ in whole} - {i for i, _ in near}
    assert freed and all(relaxed.values[i] < 0.5 and relaxed.reduced[i] < dive.FREE_BELOW for i in freed)


def test_a_limited_search_rounds_the_lp_beside_it_and_returns_that_roster_when_the_search_has_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a wall-clock limit the LP is rounded beside the search (forced here on the cohort,
    from the start); a search that ends with no roster of its own returns the rounding's, which
    passes the checker, without rounding the LP a second time after the search."""
    from ortools.sat.python import cp_model

    from roster.solving import engine
    from roster.solving.config import SolveConfig

    scenario = load_scenario(SCENARIOS / "cohort.yaml")
    proven = solve_checked(scenario, tmp_path / "proven")
    monkeypatch.setattr(engine, "DIVE_FROM", 0)
    monkeypatch.setattr(engine, "DIVE_LEAD", 8.0)  # a 2-s limit: the rounding starts at once

    def no_roster(solver: cp_model.CpSolver, model: cp_model.CpModel, *_: object) -> int:
        solver.parameters.max_time_in_seconds = 0.0  # stopped before its first roster
        return int(solver.solve(model))

    monkeypatch.setattr(engine, "_solve_stoppable", no_roster)
    after: list[object] = []
    monkeypatch.setattr(engine, "lp_rounding", lambda *_: after.append(1))
    stopped = solve_checked(scenario, tmp_path / "stopped", SolveConfig(time_limit=2.0))
    assert stopped.status == "feasible" and stopped.result.model.get("fallback") == "LP rounding"
    assert proven.objective is not None and stopped.objective is not None
    assert proven.objective <= stopped.objective and not after
    assert stopped.best_bound is not None and stopped.best_bound <= proven.objective  # the LP's


def test_a_limit_with_almost_no_time_left_still_rounds_beside_the_search_not_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However little of a wall-clock limit is left once the model is built, the LP is rounded
    beside the search (so that the two overlap), never only after it; a rounding that starts
    past its deadline still finds a roster, which passes the checker."""
    from roster.solving import engine
    from roster.solving.config import SolveConfig

    scenario = load_scenario(SCENARIOS / "cohort.yaml")
    proven = solve_checked(scenario, tmp_path / "proven")
    monkeypatch.setattr(engine, "DIVE_FROM", 0)
    started: list[float] = []
    real_init = engine._Beside.__init__

    def init(self: engine._Beside, *args: object) -> None:
        real_init(self, *args)  # type: ignore[arg-type]
        started.append(self.lead)

    monkeypatch.setattr(engine._Beside, "__init__", init)
    after: list[object] = []
    monkeypatch.setattr(engine, "lp_rounding", lambda *_: after.append(1))
    stopped = solve_checked(scenario, tmp_path / "stopped", SolveConfig(time_limit=0.001))
    assert started and not after
    assert proven.objective is not None and stopped.objective is not None
    assert proven.objective <= stopped.objective


def test_the_rounding_lead_grows_with_the_build_on_a_slower_machine() -> None:
    """The rounding beside the search starts `DIVE_LEAD` seconds (per its size) before the
    deadline, or earlier when the model took long to build: its own seconds grow the same way."""
    import time

    import constraints
    from roster.solving import engine

    facts = Facts(load_scenario(SCENARIOS / "cohort.yaml"))
    m = constraints.build(facts)
    for build_seconds, lead in ((0.0, engine.DIVE_LEAD), (1.0, engine.DIVE_LEAD_PER_BUILD)):
        built = engine.Built(facts, m, build_seconds, "cold", None)
        beside = engine._Beside(built, engine._Watcher(None), time.perf_counter() + 600)
        assert beside.lead == pytest.approx(lead)
        beside.finish(stop=True)


def test_a_limit_under_two_leads_rounds_from_its_start_and_a_longer_one_only_in_its_last_lead() -> None:
    """With less than `DIVE_AT_ONCE` leads left the rounding starts at once (and the search gives
    it a worker); with more, it waits for the last lead before the deadline."""
    import time

    import constraints
    from roster.solving import engine

    facts = Facts(load_scenario(SCENARIOS / "cohort.yaml"))
    built = engine.Built(facts, constraints.build(facts), 0.0, "cold", None)
    lead = engine.DIVE_LEAD  # the cohort's: one second of sub-search needed, no build time
    short = engine._Beside(
        built, engine._Watcher(None), time.perf_counter() + 0.9 * engine.DIVE_AT_ONCE * lead
    )
    long = engine._Beside(built, engine._Watcher(None), time.perf_counter() + 600)
    assert short.at_once and not long.at_once
    for _ in range(300):  # the short one's LP is solved in a moment
        if short.dive.lp is not None:
            break
        time.sleep(0.1)
    assert short.dive.lp is not None and long.dive.lp is None
    for beside in (short, long):
        beside.finish(stop=True)


@pytest.mark.parametrize(("above", "goes_on"), [(1.05, True), (1.005, False)])
def test_a_rounding_past_its_deadline_goes_on_until_within_one_percent_of_the_lp(
    monkeypatch: pytest.MonkeyPatch, above: float, goes_on: bool
) -> None:
    """Past its deadline, a rounding whose first sub-search is more than 1% above the LP's bound
    gives its second sub-search the time a roster needs; within 1%, it ends there."""
    import time

    import constraints
    from roster.solving import dive

    facts = Facts(load_scenario(SCENARIOS / "cohort.yaml"))
    m = constraints.build(facts)
    rounding = dive.Dive(m, deterministic=False)
    given: list[float] = []

    def sub_search(
        _fixed: object, start: tuple[float, list[int]] | None, seconds: float
    ) -> tuple[float, list[int]] | None:
        given.append(seconds)
        assert rounding.bound is not None
        return start or (above * rounding.bound, [0] * len(m.model.proto.variables))

    monkeypatch.setattr(rounding, "_sub_search", sub_search)
    rounding.run(deadline=time.perf_counter())  # already past
    assert len(given) == 2
    assert (given[1] >= 0.7 * rounding.seconds_needed()) is goes_on
    assert goes_on or given[1] == 0.0


def test_a_rounding_stopped_after_its_lp_hands_the_lp_to_the_rounding_after_the_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stop (Ctrl-C) that ends the rounding beside the search once its LP is solved leaves the
    LP's solution: the rounding after the search starts from it instead of solving it again."""
    import threading

    from ortools.sat.python import cp_model

    from roster.solving import dive, engine
    from roster.solving.config import SolveConfig

    scenario = load_scenario(SCENARIOS / "cohort.yaml")
    proven = solve_checked(scenario, tmp_path / "proven")
    monkeypatch.setattr(engine, "DIVE_FROM", 0)
    monkeypatch.setattr(engine, "DIVE_LEAD", 8.0)  # a 2-s limit: the rounding starts at once
    besides: list[engine._Beside] = []
    made = threading.Event()
    real_init, real_lp = engine._Beside.__init__, dive.solve_lp

    def init(self: engine._Beside, *args: object) -> None:
        real_init(self, *args)  # type: ignore[arg-type]
        besides.append(self)
        made.set()

    solved: list[str] = []

    def lp_then_stop(rows: dive.Rows) -> dive.Relaxation | None:
        values = real_lp(rows)
        solved.append(threading.current_thread().name)
        if threading.current_thread().name == "LP rounding":
            made.wait(10)
            besides[0].dive.stop()  # as a Ctrl-C during the LP would
        return values

    def no_roster(solver: cp_model.CpSolver, model: cp_model.CpModel, *_: object) -> int:
        besides[0].done.wait(10)
        solver.parameters.max_time_in_seconds = 0.0  # stopped before its first roster
        return int(solver.solve(model))

    monkeypatch.setattr(engine._Beside, "__init__", init)
    monkeypatch.setattr(dive, "solve_lp", lp_then_stop)
    monkeypatch.setattr(engine, "_solve_stoppable", no_roster)
    stopped = solve_checked(scenario, tmp_path / "stopped", SolveConfig(time_limit=2.0))
    assert solved == ["LP rounding"]  # solved once, beside the search
    assert stopped.status == "feasible" and stopped.result.model.get("fallback") == "LP rounding"
    assert proven.objective is not None and stopped.objective is not None
    assert proven.objective <= stopped.objective


def test_a_search_that_ends_first_stops_the_rounding_beside_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """A search that ends before the rounding's start leaves nothing running and no roster."""
    import threading
    import time

    import constraints
    from roster.solving import engine

    monkeypatch.setattr(engine, "DIVE_LEAD", 0.0)
    facts = Facts(load_scenario(SCENARIOS / "cohort.yaml"))
    built = engine.Built(facts, constraints.build(facts), 0.0, "cold", None)
    beside = engine._Beside(built, engine._Watcher(None), time.perf_counter() + 600)
    assert beside.finish(stop=True) is None and beside.done.is_set()
    assert [t.name for t in threading.enumerate() if t.name == "LP rounding"] == []


def test_the_summary_says_where_a_stopped_searchs_roster_came_from(tmp_path: Path) -> None:
    """A roster that is not the search's own is named in plain words under the status line."""
    import dataclasses
    import io

    from rich.console import Console

    from roster.labels import FALLBACK_LABELS
    from roster.outputs.terminal import show_costs

    scenario = load_scenario(SCENARIOS / "cohort.yaml")
    at_once = dataclasses.replace(DETERMINISTIC, deterministic_limit=0.0)
    stopped = solve_checked(scenario, tmp_path / "stopped", at_once)
    printed = io.StringIO()
    show_costs(Console(file=printed, width=200), stopped)
    source = stopped.result.model.get("fallback")
    assert source in FALLBACK_LABELS  # stopped at once: the greedy construction
    assert FALLBACK_LABELS[str(source)] in printed.getvalue()


def test_fix_sets_a_copied_models_variable_to_one_value_of_its_domain() -> None:
    """`fix` keeps a domain with holes valid and refuses a value outside it, unchanged."""
    from ortools.sat.python import cp_model

    from constraints.model import fix

    m = cp_model.CpModel()
    m.new_int_var_from_domain(cp_model.Domain.from_values([1, 3, 5]), "holed")
    m.new_int_var(1, 1, "constant")
    assert not fix(m, 0, 2) and list(m.proto.variables[0].domain) == [1, 1, 3, 3, 5, 5]
    assert fix(m, 0, 3) and list(m.proto.variables[0].domain) == [3, 3]
    assert not fix(m, 1, 0) and list(m.proto.variables[1].domain) == [1, 1]
    assert fix(m, 1, 1)


def test_a_wall_clock_limit_counts_from_the_solve_call() -> None:
    """The build comes out of the limit: a search asked to start after the limit has passed
    gets no time (a solve then returns its fallback roster), one within it gets the rest."""
    import time

    from ortools.sat.python import cp_model

    from roster.solving import engine
    from roster.solving.config import SolveConfig

    facts = Facts(load_scenario(SCENARIOS / "cohort.yaml"))
    config = SolveConfig(time_limit=5.0)
    built = engine.build(facts, config)
    late = engine.search(built, config, started=time.perf_counter() - 10.0)
    assert late.cp_status == cp_model.UNKNOWN and late.found is None and late.seconds < 1.0
    in_time = engine.search(built, config, started=time.perf_counter())
    assert in_time.proven
    deterministic = SolveConfig(deterministic=True)
    assert engine.search(engine.build(facts, deterministic), deterministic, started=0.0).proven


@pytest.mark.parametrize("name", ["cohort.yaml", "replan/leaver.yaml"])
def test_the_objective_written_in_one_go_is_the_one_or_tools_writes(name: str) -> None:
    """`RosterModel.minimize` writes the proto's objective itself (faster); it must be exactly
    what `CpModel.minimize` writes for the same terms, and the 0-1 variables sharing one domain
    object must each still be 0-1."""
    import constraints

    m = constraints.build(Facts(load_scenario(SCENARIOS / name)))
    ours = m.model.proto.objective
    mine = (list(ours.vars), list(ours.coeffs), ours.offset, ours.scaling_factor)
    m.model.minimize(m.objective())
    theirs = m.model.proto.objective
    assert mine == (list(theirs.vars), list(theirs.coeffs), theirs.offset, theirs.scaling_factor)
    assert len(mine[0]) > 100
    assert all(list(m.model.proto.variables[v.index].domain) == [0, 1] for v in m.x.values())


def test_the_lp_reads_each_linear_row_with_its_negated_literals_and_bounds() -> None:
    """`lp_rows` reads a linear constraint as a row, a negative ref -r-1 as `1 - v_r` (shifting
    the row's bounds), and leaves out a constraint with an enforcement literal."""
    from ortools.sat.python import cp_model

    from roster.solving.dive import lp_rows

    model = cp_model.CpModel()
    x, y, z = (model.new_bool_var(n) for n in "xyz")
    model.add(2 * x + 3 * y <= 4)
    model.add(x + z == 1).only_enforce_if(y)  # enforced: not an LP row
    negated = model.proto.constraints.add()
    negated.linear.vars.extend([-x.index - 1, z.index])  # (1 - x) + z >= 1, i.e. z - x >= 0
    negated.linear.coeffs.extend([1, 1])
    negated.linear.domain.extend([1, 2**63 - 1])
    model.minimize(x + 2 * y + 3 * z)
    rows = lp_rows(model)
    assert rows.cost == [1.0, 2.0, 3.0] and rows.lower == [0.0] * 3 and rows.upper == [1.0] * 3
    assert rows.starts == [0, 2, 4]
    assert (rows.index, rows.value) == ([x.index, y.index, x.index, z.index], [2.0, 3.0, -1.0, 1.0])
    assert rows.row_lower[0] == -math.inf and rows.row_upper[0] == 4.0
    assert rows.row_lower[1] == 0.0 and rows.row_upper[1] == math.inf
