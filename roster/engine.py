"""Solve a scenario with CP-SAT: build, hint with the greedy roster, search, read the roster back."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

import constraints
from constraints.model import RosterModel
from models import Scenario
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
        The portfolio of CP-SAT subsolvers; the default was chosen from measurements (README).
    hint
        Start from the greedy roster.
    log
        Print CP-SAT's own search log.
    """

    time_limit: float = 60.0
    workers: int = 2
    seed: int = 0
    deterministic: bool = False
    deterministic_limit: float = 30.0
    subsolvers: tuple[str, ...] = ("max_lp", "core")
    hint: bool = True
    log: bool = False
    on_progress: Callable[[Progress], None] | None = field(default=None, repr=False, compare=False)
    previous: Roster | None = field(default=None, repr=False, compare=False)

    def parameters(self) -> cp_model.SatParameters:
        params = cp_model.SatParameters()
        params.random_seed = self.seed
        params.log_search_progress = self.log
        params.catch_sigint_signal = True
        if self.deterministic:
            params.num_workers = 1
            params.max_deterministic_time = self.deterministic_limit
            # One worker: the LP relaxation with cuts is what proves these models quickly
            # (bundled cohort: 0.4 s instead of 2.1 s with the default linearization).
            params.linearization_level = 2
        else:
            params.num_workers = self.workers
            params.max_time_in_seconds = self.time_limit
            if self.workers > 1 and self.subsolvers:
                params.subsolvers.extend(self.subsolvers)
        return params

    def describe(self) -> dict[str, object]:
        return {
            "seed": self.seed,
            "workers": 1 if self.deterministic else self.workers,
            "time_limit": self.deterministic_limit if self.deterministic else self.time_limit,
            "deterministic": self.deterministic,
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


def hint_model(m: RosterModel, weeks: dict[str, int], assignments: list[tuple[str, str, int]]) -> bool:
    """Hint every variable from a roster; True when the roster is complete and feasible.

    The roster fixes `runs` and `x`; the auxiliary variables (breaks, shortfalls, use) are
    completed by solving a copy of the model with those fixed, which presolve does at once.
    """
    fixed_values: dict[int, int] = {}
    chosen = set(assignments)
    for (i, w), var in m.runs.items():
        fixed_values[var.index] = int(weeks.get(i) == w)
    for triple, var in m.x.items():
        fixed_values[var.index] = int(triple in chosen)
    copy = m.model.clone()
    for index, value in fixed_values.items():
        copy.add(copy.get_int_var_from_proto_index(index) == value)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 5.0
    status = solver.solve(copy)
    m.model.clear_hints()  # type: ignore[no-untyped-call]
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        for index, value in enumerate(solver.response_proto.solution):
            m.model.add_hint(m.model.get_int_var_from_proto_index(index), value)
        return True
    for index, value in fixed_values.items():
        m.model.add_hint(m.model.get_int_var_from_proto_index(index), value)
    return False


def solve(scenario: Scenario, config: SolveConfig | None = None) -> Roster:
    """Build the model of `scenario`, solve it and return the roster (see OBJECTIVE.md)."""
    config = config or SolveConfig()
    started = time.perf_counter()
    facts = Facts(scenario)
    m = constraints.build(facts)
    built = time.perf_counter()
    hinted = False
    weeks: dict[str, int] = {}
    assignments: list[tuple[str, str, int]] = []
    if config.hint:
        if config.previous is not None:
            weeks, assignments = _carry_over(config.previous, facts)
        else:
            weeks, assignments = construct(facts)
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
    timings = {
        "build_seconds": round(built - started, 3),
        "hint_seconds": round(hint_done - built, 3),
        # the greedy roster, checked complete and feasible, is the first roster in hand
        "first_feasible_seconds": round(hint_done - started, 3) if hinted else None,
    }
    extra: dict[str, Any] = {
        "model": {
            # Wall-clock timings vary run to run: left out of deterministic outputs.
            **({} if config.deterministic else timings),
            "variables": len(m.model.proto.variables),
            "constraints": len(m.model.proto.constraints),
            "assignment_variables": len(m.x),
            "hint_feasible": hinted,
        },
    }
    if name == "unknown" and hinted:
        # Stopped (Ctrl-C or time limit) before the solver reported a solution: the greedy roster
        # passed the hard rules, so it is the best roster found.
        name = "feasible"
    elif name not in ("optimal", "feasible"):
        if name == "infeasible":
            conflict = diagnose(scenario)
            if conflict is not None:
                extra["infeasibility"] = conflict.as_dict()
        return Roster(facts, name, {}, [], solver=config.describe(), extra=extra, explain=shortfall_reason)
    solved = bool(watcher.history) or status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if solved:
        weeks = {i: w for (i, w), var in m.runs.items() if solver.value(var)}
        assignments = [t for t, var in m.x.items() if solver.value(var)]
    seconds = solver.deterministic_time if config.deterministic else solver.wall_time
    roster = Roster(
        facts,
        name,
        weeks,
        assignments,
        objective=round(solver.objective_value) if solved else None,
        best_bound=solver.best_objective_bound if solved else None,
        seconds=seconds,
        solver={**config.describe(), "timing": "deterministic" if config.deterministic else "wall-clock"},
        extra=extra,
        explain=shortfall_reason,
    )
    if roster.objective is not None and roster.evaluation.objective != roster.objective:
        raise RuntimeError(
            f"internal error: the solver's objective {roster.objective} differs from the cost"
            f" recomputed from the roster {roster.evaluation.objective} ({roster.evaluation.terms})"
        )
    return roster


def _carry_over(previous: Roster, facts: Facts) -> tuple[dict[str, int], list[tuple[str, str, int]]]:
    """The previous roster, less what the changed scenario no longer allows (a warm start)."""
    allowed = set(facts.eligible)
    weeks = {i.id: previous.weeks[i.id] for i in facts.scenario.inspections if i.id in previous.weeks}
    return weeks, [t for t in previous.assignments if t in allowed and weeks.get(t[1]) == t[2]]
