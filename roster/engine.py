"""Solve a scenario with CP-SAT: build, hint with the greedy roster, search, read the roster back."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

import constraints
from constraints.model import RosterModel
from models import Scenario
from roster.costing import evaluate
from roster.explain import shortfall_reason
from roster.facts import Facts
from roster.greedy import construct
from roster.infeasible import diagnose
from roster.result import Roster

STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.UNKNOWN: "unknown",
    cp_model.MODEL_INVALID: "invalid",
}


@dataclass(frozen=True)
class Progress:
    """One improvement seen during the search."""

    seconds: float
    objective: float
    bound: float

    @property
    def gap(self) -> float:
        return (self.objective - self.bound) / max(1.0, abs(self.objective))


@dataclass
class SolveConfig:
    """How to search.

    Parameters
    ----------
    time_limit
        Wall-clock seconds (ignored in deterministic mode, which uses `deterministic_limit`).
    workers
        Parallel CP-SAT workers.
    seed
        Random seed of the search.
    deterministic
        One worker, fixed seed and a deterministic time limit: identical output run after run.
    deterministic_limit
        Deterministic time units allowed in deterministic mode.
    subsolvers
        The full CP-SAT subsolvers, chosen from measurements (README). With 2 workers CP-SAT runs
        `max_lp` and one thread of interleaved neighbourhood search; a third worker adds `core`.
    presolve
        Run CP-SAT's presolve. Off by default: on these models it costs more than it saves
        (the bench's year scenario proves in about 1 s of CP-SAT time without it, 2-3 s with it).
    gap
        Stop once the roster is within this fraction of the bound (0.001 is 0.1%); 0 proves the
        optimum. A roster returned at the gap is "feasible", never "optimal".
    hint
        Start from `previous` (a warm start) when it is given.
    log
        Print CP-SAT's own search log.
    """

    time_limit: float = 60.0
    workers: int = 2
    seed: int = 0
    deterministic: bool = False
    deterministic_limit: float = 30.0
    subsolvers: tuple[str, ...] = ("max_lp", "core")
    presolve: bool = False
    gap: float = 0.0
    hint: bool = True
    log: bool = False
    on_progress: Callable[[Progress], None] | None = field(default=None, repr=False, compare=False)
    previous: Roster | None = field(default=None, repr=False, compare=False)

    def parameters(self) -> cp_model.SatParameters:
        params = cp_model.SatParameters()
        params.random_seed = self.seed
        params.log_search_progress = self.log
        params.catch_sigint_signal = True
        params.cp_model_presolve = self.presolve
        params.relative_gap_limit = self.gap
        if self.deterministic:
            params.num_workers = 1
            params.max_deterministic_time = self.deterministic_limit
        else:
            params.num_workers = self.workers
            params.max_time_in_seconds = self.time_limit
            if self.workers > 1 and self.subsolvers:
                params.subsolvers.extend(self.subsolvers)
        if params.num_workers == 1:
            # One worker: the LP relaxation with cuts is what proves these models quickly, as
            # the `max_lp` subsolver does (bundled cohort: 0.4 s instead of 2.1 s with the
            # default linearization; a year scenario 1.5 s instead of 32 s).
            params.linearization_level = 2
        return params

    def describe(self) -> dict[str, object]:
        return {
            "seed": self.seed,
            "workers": 1 if self.deterministic else self.workers,
            "time_limit": self.deterministic_limit if self.deterministic else self.time_limit,
            "deterministic": self.deterministic,
            **({"gap": self.gap} if self.gap else {}),
        }


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Records each improving solution (and reports it)."""

    def __init__(self, report: Callable[[Progress], None] | None) -> None:
        super().__init__()
        self.report = report
        self.history: list[Progress] = []
        self.started = time.perf_counter()

    def on_solution_callback(self) -> None:
        step = Progress(self.wall_time, self.objective_value, self.best_objective_bound)
        self.history.append(step)
        if self.report:
            self.report(step)


def complete(
    m: RosterModel, weeks: dict[str, int], assignments: list[tuple[str, str, int]]
) -> list[int] | None:
    """The value of every model variable for a roster, or None when it breaks a hard rule.

    The roster fixes `runs` and `x`; the auxiliary variables (breaks, shortfalls, use) follow, found
    by solving a copy of the model with those fixed, which presolve does at once.
    """
    copy = m.model.clone()
    copy.clear_hints()  # type: ignore[no-untyped-call]
    chosen = set(assignments)
    for (i, w), var in m.runs.items():
        copy.add(copy.get_int_var_from_proto_index(var.index) == int(weeks.get(i) == w))
    for triple, var in m.x.items():
        copy.add(copy.get_int_var_from_proto_index(var.index) == int(triple in chosen))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 5.0
    if solver.solve(copy) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return list(solver.response_proto.solution)
    return None


def hint_model(m: RosterModel, weeks: dict[str, int], assignments: list[tuple[str, str, int]]) -> bool:
    """Hint every variable from a roster; True when the roster is complete and feasible.

    A roster that breaks a hard rule (say, one that named a secondee who has since left) still
    hints its weeks and assignments.
    """
    values = complete(m, weeks, assignments)
    m.model.clear_hints()  # type: ignore[no-untyped-call]
    if values is not None:
        for index, value in enumerate(values):
            m.model.add_hint(m.model.get_int_var_from_proto_index(index), value)
        return True
    chosen = set(assignments)
    for (i, w), var in m.runs.items():
        m.model.add_hint(var, int(weeks.get(i) == w))
    for triple, var in m.x.items():
        m.model.add_hint(var, int(triple in chosen))
    return False


def solve(scenario: Scenario, config: SolveConfig | None = None) -> Roster:
    """Build the model of `scenario`, solve it and return the roster (see OBJECTIVE.md).

    A cold solve gives CP-SAT no hint: the LP-guided search of `max_lp` reaches a near-optimal
    roster sooner on its own than by first following the greedy roster (measured in
    bench/run.py). A warm solve (`config.previous`) hints the previous roster.
    """
    config = config or SolveConfig()
    started = time.perf_counter()
    facts = Facts(scenario)
    m = constraints.build(facts)
    built = time.perf_counter()
    hinted = False
    weeks: dict[str, int] = {}
    assignments: list[tuple[str, str, int]] = []
    if config.hint and config.previous is not None:
        weeks, assignments = _carry_over(config.previous, facts)
        hinted = hint_model(m, weeks, assignments)
    hint_done = time.perf_counter()
    solver = cp_model.CpSolver()
    solver.parameters.copy_from(config.parameters())
    watcher = _Watcher(config.on_progress)
    searching = time.perf_counter()
    if config.on_progress is not None:
        report = config.on_progress

        def on_bound(bound: float) -> None:
            if watcher.history:
                report(Progress(time.perf_counter() - searching, watcher.history[-1].objective, bound))

        solver.best_bound_callback = on_bound
    status = solver.solve(m.model, watcher)

    name = STATUS.get(status, "unknown")
    first = None
    if watcher.history:
        first = searching - started + watcher.history[0].seconds
    elif hinted:
        first = hint_done - started
    timings = {
        "build_seconds": round(built - started, 3),
        "hint_seconds": round(hint_done - built, 3),
        "first_feasible_seconds": round(first, 3) if first is not None else None,
    }
    extra: dict[str, Any] = {
        "model": {
            # Wall-clock timings vary run to run: left out of deterministic outputs.
            **({} if config.deterministic else timings),
            "variables": len(m.model.proto.variables),
            "constraints": len(m.model.proto.constraints),
            "assignment_variables": len(m.x),
            "start": ("previous roster" if hinted else "previous roster, partly")
            if config.previous
            else "cold",
        },
    }

    def no_roster() -> Roster:
        return Roster(facts, name, {}, [], solver=config.describe(), extra=extra, explain=shortfall_reason)

    solved = bool(watcher.history) or status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if not solved and name != "unknown":
        if name == "infeasible":
            conflict = diagnose(scenario)
            if conflict is not None:
                extra["infeasibility"] = conflict.as_dict()
        return no_roster()
    if solved:
        reported = round(solver.objective_value)
        if name == "optimal" and math.ceil(solver.best_objective_bound - 1e-6) < reported:
            name = "feasible"  # stopped at the requested gap, not proven
        solver_weeks = {i: w for (i, w), var in m.runs.items() if solver.value(var)}
        solver_assignments = [t for t, var in m.x.items() if solver.value(var)]
        cost = evaluate(facts, solver_assignments).objective
        # A roster the search stopped at may carry slack in its priced auxiliaries (a rhythm
        # break flagged that need not be): the solver's value can only be higher than the cost
        # OBJECTIVE.md defines, and equal to it once proven optimal.
        if cost > reported or (name == "optimal" and cost != reported):
            raise RuntimeError(
                f"internal error: the solver's objective {reported} and the cost recomputed from"
                f" the roster {cost} disagree"
            )
    if name != "optimal":
        # Stopped (Ctrl-C or the time limit) early: the roster returned is the cheapest in hand of
        # the solver's, the previous roster and the greedy construction, each passing the hard rules.
        # The greedy is typically 15-30% above the optimum: only tried while the gap is wider.
        bound = solver.best_objective_bound if solved else None
        candidates: list[tuple[int, str, dict[str, int], list[tuple[str, str, int]]]] = []
        if solved:
            candidates.append((cost, "solver", solver_weeks, solver_assignments))
        if hinted:
            candidates.append((evaluate(facts, assignments).objective, "previous roster", weeks, assignments))
        if not candidates or (bound is not None and candidates[0][0] > 1.1 * max(bound, 1.0)):
            greedy_weeks, greedy_assignments = construct(facts)
            if complete(m, greedy_weeks, greedy_assignments) is not None:
                greedy_cost = evaluate(facts, greedy_assignments).objective
                candidates.append((greedy_cost, "greedy construction", greedy_weeks, greedy_assignments))
        if not candidates:
            return no_roster()
        _, source, weeks, assignments = min(candidates, key=lambda c: c[0])
        name = "feasible"
        if source != "solver":
            extra["model"]["fallback"] = source
    else:
        weeks, assignments = solver_weeks, solver_assignments
    seconds = solver.deterministic_time if config.deterministic else solver.wall_time
    roster = Roster(
        facts,
        name,
        weeks,
        assignments,
        best_bound=solver.best_objective_bound if solved else None,
        seconds=seconds,
        solver={**config.describe(), "timing": "deterministic" if config.deterministic else "wall-clock"},
        extra=extra,
        explain=shortfall_reason,
    )
    roster.objective = roster.evaluation.objective
    return roster


def _carry_over(previous: Roster, facts: Facts) -> tuple[dict[str, int], list[tuple[str, str, int]]]:
    """The previous roster, less what the changed scenario no longer allows (a warm start)."""
    allowed = set(facts.eligible)
    weeks = {i.id: previous.weeks[i.id] for i in facts.scenario.inspections if i.id in previous.weeks}
    return weeks, [t for t in previous.assignments if t in allowed and weeks.get(t[1]) == t[2]]
