"""Solve a scenario with CP-SAT in four named steps: build, search, decide, read back.

- `build`: the facts and the model of every rule (`constraints`), hinted from a previous roster
  when one is given (a warm start). A cold solve gives CP-SAT no hint: the LP-guided search of
  `max_lp` proves these models sooner on its own (measured in bench/run.py).
- `search`: CP-SAT in a thread of its own, so that Ctrl-C or SIGTERM stop it cleanly and the best
  roster found so far is kept.
- `decide`: the one place a solve's status is decided, and, when the search stopped before a
  proof, the cheapest checked roster in hand: the solver's, the previous one (or a replan's
  published roster) or the greedy one.
- `read_back`: the small `Result` value.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ortools.sat.python import cp_model

import constraints
from constraints.model import RosterModel, fix
from models import Scenario
from roster.costing import evaluate
from roster.facts import Facts
from roster.solving.config import Progress, SolveConfig
from roster.solving.dive import Dive, Relaxation, rounded
from roster.solving.greedy import construct
from roster.solving.infeasible import diagnose
from roster.solving.result import Result, Status, Triple

GREEDY_WHEN_ABOVE = 1.1  # try the greedy roster when the roster in hand is over 10% above the bound
DIVE_FROM = (
    3000  # assignment variables (a year: 7,000; a cohort: 1,500): worth rounding the LP when stopped early
)
DIVE_WHEN_ABOVE = 1.005  # ... while the roster in hand is more than 0.5% above the bound
DIVE_LEAD = 1.5  # seconds before the time limit to start rounding the LP beside the search, for a
# year (whose rounding takes 0.5-1 s); more for a larger model, in proportion to `Dive.seconds_needed`
DIVE_LEAD_PER_BUILD = 6.0  # ... and at least this many times the model's build: on a slower machine
# the rounding takes longer in proportion (a year's build 0.2 s and rounding 0.5-1 s on one machine,
# 0.35-0.5 s and 1-1.5 s on one half as quick)
READ_BACK_SECONDS = 0.1  # of a wall-clock limit, kept for what follows the search (a year: 0.03-0.08 s)
DIVE_AT_ONCE = 2.0  # a search with less than this many leads left rounds the LP from its start, on
# a worker's core: measured at a 3-s limit on the five bench years, 0.004-0.13% above the optimum
# (from the last lead's seconds, beside both workers: 0.004-0.42%), a short search proving no year


@dataclass(frozen=True)
class Candidate:
    """A roster that passes every hard rule, with its cost and where it came from."""

    source: str  # "solver", "previous roster", "published roster", "LP rounding" or "greedy construction"
    weeks: dict[str, int]
    assignments: list[Triple]
    cost: int


@dataclass
class Built:
    """The model of one scenario, ready to search."""

    facts: Facts
    m: RosterModel
    seconds: float
    start: str  # "cold", or the roster hinted: "previous roster" or "published roster" (", partly")
    previous: Candidate | None  # the warm start, when it passes every hard rule


@dataclass
class Search:
    """What the CP-SAT search ended with."""

    cp_status: int
    found: Candidate | None
    bound: float | None
    proven: bool
    seconds: float
    began: float  # time.perf_counter() when the search began
    first_seconds: float | None  # from the start of the search to its first roster
    dived: Candidate | None = None  # the LP rounded beside the search, when it was and found one
    lp: Relaxation | None = None  # the LP's solution, when the rounding beside the search solved it


def solve(problem: Scenario | Facts, config: SolveConfig | None = None) -> Result:
    """Solve a scenario (see docs/cost.md for what is minimised) and return its `Result`."""
    return solve_keeping(problem, config)[0]


def solve_keeping(
    problem: Scenario | Facts, config: SolveConfig | None = None, like: Built | None = None
) -> tuple[Result, Built]:
    """`solve`, also returning the model searched. Given `like`, the model of an earlier solve of
    the same scenario with fewer assignments ruled out (`Facts.excluded`), the model is a copy of
    it (`RosterModel.ruling_out`) instead of one built again."""
    config = config or SolveConfig()
    started = time.perf_counter()
    facts = problem if isinstance(problem, Facts) else Facts(problem)
    built = build(facts, config, like)
    searched = search(built, config, started)
    status, roster = decide(built, searched, config)
    return read_back(built, searched, status, roster, config, started), built


# ------------------------------------------------------------------- build


def build(facts: Facts, config: SolveConfig, like: Built | None = None) -> Built:
    """The model of every rule (a copy of `like`'s, see `solve_keeping`), hinted from
    `config.previous` when given, else (when replanning, with `config.warm_start`) from the
    published roster."""
    started = time.perf_counter()
    m = constraints.build(facts) if like is None else like.m.ruling_out(facts)
    start, previous = "cold", None
    warm: tuple[str, Mapping[str, int], Sequence[Triple]] | None = None
    if config.previous is not None:
        warm = ("previous roster", config.previous.weeks, config.previous.assignments)
    elif config.warm_start and facts.published:
        published = [(p.secondee, p.inspection, p.week) for p in facts.published]
        warm = ("published roster", facts.listed_weeks, published)
    if warm is not None:
        source = warm[0]
        weeks, assignments = carry_over(facts, warm[1], warm[2])
        values = complete(m, weeks, assignments)
        hint(m, weeks, assignments, values)
        if values is None:
            start = f"{source}, partly"
        else:
            start = source
            previous = Candidate(source, weeks, assignments, evaluate(facts, assignments, weeks).objective)
    return Built(facts, m, time.perf_counter() - started, start, previous)


def carry_over(
    facts: Facts, weeks: Mapping[str, int], assignments: Sequence[Triple]
) -> tuple[dict[str, int], list[Triple]]:
    """An earlier roster, less what the changed scenario no longer allows."""
    allowed = set(facts.eligible)
    kept = {
        i.id: weeks[i.id]
        for i in facts.scenario.inspections
        if i.id in weeks and weeks[i.id] in facts.allowed_weeks(i.id)
    }
    return kept, [t for t in assignments if t in allowed and kept.get(t[1]) == t[2]]


def complete(m: RosterModel, weeks: dict[str, int], assignments: list[Triple]) -> list[int] | None:
    """The value of every model variable for a roster, or None when it breaks a hard rule.

    The roster fixes `runs` (of the inspections in `weeks`) and `x`; the auxiliary variables
    (breaks, shortfalls, use) and the weeks of the other inspections follow, found by solving a copy
    of the model with those fixed.
    """
    copy = m.model.clone()
    copy.clear_hints()  # type: ignore[no-untyped-call]
    chosen = set(assignments)
    fixed = [(var.index, int(weeks[i] == w)) for (i, w), var in m.runs.items() if i in weeks]
    # (an inspection with no week in the roster, nobody on it, is placed freely)
    fixed += [(var.index, int(triple in chosen)) for triple, var in m.x.items()]
    for index, value in fixed:
        if not fix(copy, index, value):
            return None  # a constant `runs` (one allowed week) the roster does not keep
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 5.0
    if solver.solve(copy) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return list(solver.response_proto.solution)
    return None


def hint(m: RosterModel, weeks: dict[str, int], assignments: list[Triple], values: list[int] | None) -> None:
    """Hint every variable (`values`, from `complete`), or else the roster's weeks and assignments."""
    m.model.clear_hints()  # type: ignore[no-untyped-call]
    if values is not None:
        hinted = m.model.proto.solution_hint
        hinted.vars.extend(range(len(values)))
        hinted.values.extend(values)
        return
    chosen = set(assignments)
    for (i, w), var in m.runs.items():
        if i in weeks:
            m.model.add_hint(var, int(weeks[i] == w))
    for triple, var in m.x.items():
        m.model.add_hint(var, int(triple in chosen))


# ------------------------------------------------------------------ search


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Records each improving solution (and reports it)."""

    def __init__(self, report: Callable[[Progress], None] | None) -> None:
        super().__init__()
        self.report = report
        self.history: list[Progress] = []

    def on_solution_callback(self) -> None:
        step = Progress(self.wall_time, self.objective_value, self.best_objective_bound)
        self.history.append(step)
        if self.report:
            self.report(step)


def search(built: Built, config: SolveConfig, started: float | None = None) -> Search:
    """Run CP-SAT on the model; a stop (Ctrl-C, SIGTERM, the time or gap limit) keeps its best roster.

    A wall-clock limit counts from `started` (time.perf_counter() when the solve began) when given:
    the model's build comes out of it, so that a solve given 1 s answers 1 s after it was asked.

    On a large model with a wall-clock limit, the LP relaxation is rounded beside the search in
    its last `DIVE_LEAD` seconds or so (from its start, when less than twice that is left,
    however little),
    so that a search stopped by its limit has a near-optimal roster in hand at the limit, not a
    second after it.
    """
    searching = time.perf_counter()
    config = _left(config, started, searching)
    solver = cp_model.CpSolver()
    solver.parameters.copy_from(config.parameters())
    watcher = _Watcher(config.on_progress)
    deadline = None if config.deterministic else searching + config.time_limit
    if config.on_progress is not None:
        report = config.on_progress

        def on_bound(bound: float) -> None:
            if watcher.history:
                report(Progress(time.perf_counter() - searching, watcher.history[-1].objective, bound))

        solver.best_bound_callback = on_bound
    beside = None
    if deadline is not None and _dives_beside(built, config):
        beside = _Beside(built, watcher, deadline)
        if beside.at_once and config.workers > 1:
            # The rounding starts at once: it takes one worker's core (measured on the five
            # bench years at a 1-s limit: all within 0.24% of the optimum, against one of five
            # with the search keeping both cores).
            solver.parameters.copy_from(replace(config, workers=config.workers - 1).parameters())
    try:
        stop = beside.dive.stop if beside is not None else None
        if config.on_search is not None:
            config.on_search()
        cp_status = _solve_stoppable(solver, built.m.model, watcher, stop)
    except BaseException:
        if beside is not None:
            beside.finish(stop=True)
        raise
    ended = cp_status in (cp_model.OPTIMAL, cp_model.INFEASIBLE, cp_model.MODEL_INVALID)
    dived = beside.finish(stop=ended) if beside is not None else None
    found = None
    bound = None
    proven = False
    if watcher.history or cp_status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        found, proven = _solver_roster(built, solver, cp_status)
        bound = solver.best_objective_bound
    elif cp_status == cp_model.UNKNOWN and solver.best_objective_bound > 0:
        bound = solver.best_objective_bound  # stopped before its first roster: its bound still holds
    if beside is not None and beside.dive.bound is not None and not proven:
        bound = max(bound or 0.0, beside.dive.bound)  # the LP's optimum, when it is the stronger
    seconds = solver.deterministic_time if config.deterministic else solver.wall_time
    first = watcher.history[0].seconds if watcher.history else None
    lp = beside.dive.lp if beside is not None else None
    return Search(cp_status, found, bound, proven, seconds, searching, first, dived, lp)


def _left(config: SolveConfig, started: float | None, now: float) -> SolveConfig:
    """`config` with the wall-clock seconds left at `now` of a limit counted from `started`, less
    `READ_BACK_SECONDS` for choosing and reading back the roster once the search has stopped."""
    if started is None or config.deterministic:
        return config
    return replace(config, time_limit=max(0.0, config.time_limit - (now - started) - READ_BACK_SECONDS))


def _dives_beside(built: Built, config: SolveConfig) -> bool:
    """Whether to round the LP beside a search with a wall-clock limit: a large model, and the
    rounding asked for. However little time is left, it is rounded beside the search rather than
    after it (where a stop by the limit would otherwise round it, `decide`), so that the two overlap."""
    return config.lp_rounding and len(built.m.x) >= DIVE_FROM


class _Beside:
    """The LP rounded in a thread of its own, from `lead` seconds before the deadline (or at
    once, with less than `DIVE_AT_ONCE` leads left), unless the search has ended or is already
    within 0.5% of its bound by then. The lead is `DIVE_LEAD` seconds per `Dive.seconds_needed`,
    and at least `DIVE_LEAD_PER_BUILD` times the model's build, the measure of this machine's
    speed at hand."""

    def __init__(self, built: Built, watcher: _Watcher, deadline: float) -> None:
        self.built = built
        self.watcher = watcher
        self.deadline = deadline
        self.dive = Dive(built.m, deterministic=False)
        self.lead = max(DIVE_LEAD * self.dive.seconds_needed(), DIVE_LEAD_PER_BUILD * built.seconds)
        self.at_once = deadline - time.perf_counter() < DIVE_AT_ONCE * self.lead
        self.ended = threading.Event()
        self.values: list[int] | None = None
        self.done = threading.Event()
        threading.Thread(target=self._run, name="LP rounding", daemon=True).start()

    def _run(self) -> None:
        try:
            start = 0.0 if self.at_once else self.deadline - self.lead - time.perf_counter()
            if self.ended.wait(max(0.0, start)):
                return
            history = self.watcher.history
            if history and history[-1].objective <= DIVE_WHEN_ABOVE * max(history[-1].bound, 1.0):
                return
            self.values = self.dive.run(deadline=self.deadline)
        finally:
            self.done.set()

    def finish(self, stop: bool) -> Candidate | None:
        """Once the search has ended: the rounding's roster, waited for when under way (at most
        until the deadline); `stop` (a proof, or an error) ends it at once instead."""
        self.ended.set()
        if stop:
            self.dive.stop()
        while not self.done.is_set():
            try:
                self.done.wait(0.1)
            except KeyboardInterrupt:  # a second Ctrl-C: stop rounding, keep what is in hand
                self.dive.stop()
        return _candidate(self.built, "LP rounding", self.values)


def _solve_stoppable(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    callback: _Watcher,
    on_interrupt: Callable[[], None] | None = None,
) -> int:
    """Search in a thread; a KeyboardInterrupt in this one (Ctrl-C, or SIGTERM as the CLI maps
    it) stops the search, which then returns its best roster as usual (and calls `on_interrupt`).

    The wait is on an event, never `Thread.join`: an interrupted join can leave the thread
    reported as finished while it still runs (CPython issue 90882).
    """
    outcome: list[Any] = []
    failure: list[BaseException] = []
    finished = threading.Event()

    def run() -> None:
        try:
            outcome.append(solver.solve(model, callback))
        except BaseException as exc:  # handed to the caller's thread below
            failure.append(exc)
        finally:
            finished.set()

    threading.Thread(target=run, name="cp-sat search", daemon=True).start()
    while not finished.is_set():
        try:
            finished.wait(0.1)
        except KeyboardInterrupt:
            solver.stop_search()  # a second interrupt lands here again: the search is already stopping
            if on_interrupt is not None:
                on_interrupt()
    if failure:
        raise failure[0]
    return int(outcome[0])


def _solver_roster(built: Built, solver: cp_model.CpSolver, cp_status: int) -> tuple[Candidate, bool]:
    """The solver's best roster, and whether its bound proves it optimal."""
    m = built.m
    reported = round(solver.objective_value)
    weeks = {i: w for (i, w), var in m.runs.items() if solver.value(var)}
    assignments = [t for t, var in m.x.items() if solver.value(var)]
    cost = evaluate(built.facts, assignments, weeks).objective
    proven = cp_status == cp_model.OPTIMAL and math.ceil(solver.best_objective_bound - 1e-6) >= reported
    # A roster the search stopped at may carry slack in its priced auxiliaries (a rhythm break
    # flagged that need not be): the solver's value can only be higher than the cost the rules
    # define, and equal to it once proven optimal.
    if cost > reported or (proven and cost != reported):
        raise RuntimeError(
            f"internal error: the solver's objective {reported} and the cost recomputed from"
            f" the roster {cost} disagree"
        )
    return Candidate("solver", weeks, assignments, cost), proven


# ------------------------------------------------------------------ decide


def decide(
    built: Built, searched: Search, config: SolveConfig | None = None
) -> tuple[Status, Candidate | None]:
    """The status of the solve, and the roster it returns (None without one).

    Proven optimal: the solver's roster. Stopped before a proof (Ctrl-C, SIGTERM, the time or gap
    limit): the cheapest in hand of the solver's roster, the previous roster (when replanning
    cold, the published one), the LP relaxation rounded (for a large model: beside the search
    before its limit, or here, after a stop that came first, while the roster in hand is more
    than 0.5% above the bound; within 0.0-0.3% of the optimum on a year) and the greedy
    construction, each passing every hard rule. The greedy roster is typically 15-30% above the
    optimum, so it is only built while the roster in hand is more than 10% above the bound.
    """
    if searched.cp_status == cp_model.MODEL_INVALID:
        raise RuntimeError(f"internal error: CP-SAT rejected the model: {built.m.model.validate()}")
    if searched.cp_status == cp_model.INFEASIBLE:
        return Status.INFEASIBLE, None
    if searched.found is not None and searched.proven:
        return Status.OPTIMAL, searched.found
    candidates = [
        c for c in (searched.found, searched.dived, built.previous, published(built)) if c is not None
    ]
    best = min((c.cost for c in candidates), default=None)
    # Rounded after the search when it was not beside it (a stop came first) or found nothing.
    late = searched.dived is None and len(built.m.x) >= DIVE_FROM
    if late and (best is None or best > DIVE_WHEN_ABOVE * max(searched.bound or 0, 1)):
        dived = lp_rounding(built, config or SolveConfig(), searched.lp)
        candidates += [dived] if dived is not None else []
        best = min((c.cost for c in candidates), default=None)
    if best is None or (searched.bound is not None and best > GREEDY_WHEN_ABOVE * max(searched.bound, 1.0)):
        weeks, assignments = construct(built.facts)
        if complete(built.m, weeks, assignments) is not None:
            cost = evaluate(built.facts, assignments, weeks).objective
            candidates.append(Candidate("greedy construction", weeks, assignments, cost))
    if not candidates:
        return Status.UNKNOWN, None
    return Status.FEASIBLE, min(candidates, key=lambda c: c.cost)


def lp_rounding(built: Built, config: SolveConfig, lp: Relaxation | None = None) -> Candidate | None:
    """The LP relaxation rounded by a short sub-search (`roster.solving.dive`); None when it
    finds no roster in the time it is given (about a second for a year, two for 104 weeks).
    `lp`: the LP's solution, when a rounding stopped beside the search already solved it."""
    if not config.lp_rounding:
        return None
    return _candidate(built, "LP rounding", rounded(built.m, config.deterministic, lp))


def _candidate(built: Built, source: str, values: list[int] | None) -> Candidate | None:
    """The roster in a complete assignment of the model's variables (None without one)."""
    if values is None:
        return None
    weeks = {i: w for (i, w), var in built.m.runs.items() if values[var.index]}
    assignments = [t for t, var in built.m.x.items() if values[var.index]]
    cost = evaluate(built.facts, assignments, weeks).objective
    return Candidate(source, weeks, assignments, cost)


def published(built: Built) -> Candidate | None:
    """The published roster of a replan (less what the scenario no longer allows), as a candidate
    when it still passes every hard rule; None otherwise, or without one."""
    facts = built.facts
    if not facts.published:
        return None
    rows = [(p.secondee, p.inspection, p.week) for p in facts.published]
    weeks, assignments = carry_over(facts, facts.listed_weeks, rows)
    if complete(built.m, weeks, assignments) is None:
        return None
    cost = evaluate(facts, assignments, weeks).objective
    return Candidate("published roster", weeks, assignments, cost)


# --------------------------------------------------------------- read back


def read_back(
    built: Built,
    searched: Search,
    status: Status,
    roster: Candidate | None,
    config: SolveConfig,
    started: float,
) -> Result:
    """The `Result` of the solve (`started`: time.perf_counter() when the solve began)."""
    m = built.m
    model: dict[str, Any] = {}
    if not config.deterministic:  # wall-clock timings vary run to run: left out of deterministic outputs
        first = None
        if searched.first_seconds is not None:
            first = searched.began - started + searched.first_seconds
        elif built.previous is not None:
            first = built.seconds  # the previous roster, complete, was in hand once built
        model["build_seconds"] = round(built.seconds, 3)
        model["first_feasible_seconds"] = round(first, 3) if first is not None else None
    model.update(
        {
            "variables": len(m.model.proto.variables),
            "constraints": len(m.model.proto.constraints),
            "assignment_variables": len(m.x),
            "start": built.start,
        }
    )
    solver = {**config.describe(), "timing": "deterministic" if config.deterministic else "wall-clock"}
    if roster is None:
        conflict = diagnose(built.facts) if status is Status.INFEASIBLE else None
        return Result(
            status,
            seconds=searched.seconds,
            solver=solver,
            model=model,
            infeasibility=conflict.as_dict() if conflict else None,
        )
    if roster.source != "solver":
        model["fallback"] = roster.source
    return Result(
        status,
        weeks=roster.weeks,
        assignments=tuple(roster.assignments),
        objective=roster.cost,
        best_bound=searched.bound,
        seconds=searched.seconds,
        solver=solver,
        model=model,
    )
