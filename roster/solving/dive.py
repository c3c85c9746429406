"""A near-optimal roster for a large model stopped early: the LP relaxation, rounded by a sub-search.

The LP relaxation of the model is tight on these scenarios (within 0.05% of the optimum on the
52-week benchmarks), and most assignment and week variables are already 0 or 1 in its solution.
So: solve the LP with HiGHS (the model's linear rows, read from the CP-SAT model itself), fix every
assignment (`x`) and every week choice (`runs`) that the LP left whole, and let CP-SAT search the
few hundred variables left, briefly; then again from that roster with the LP's zeros whose reduced
cost is under `FREE_BELOW` pounds set free too (the pairs and weeks that cost next to nothing more
than the LP's own). The roster found (typically 0.01-0.15% above the optimum on a year) is
complete and passes every hard rule: a candidate when a search stops before its proof,
rounded beside the search in its last seconds (`roster.solving.engine`). It proves nothing: the
bound is still CP-SAT's.

A constraint the LP cannot read as a plain linear row (one with enforcement literals) is left out
of the LP: the LP is then a weaker relaxation, which only makes the start less good, never wrong,
since the sub-search works on the whole model.
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ortools.sat.python import cp_model

from constraints.model import RosterModel, fix

if TYPE_CHECKING:
    from ortools.sat import cp_model_pb2

INTEGRAL = 1e-6
ASSIGNMENTS_PER_SECOND = 7000  # of sub-search, for the rounding to find a roster (see `Dive.seconds_needed`)
SECOND_SECONDS = 0.6  # at most, before a deadline, for the second sub-search (it takes 0.3-0.8 s on a year)
FREE_BELOW = 20.0  # pounds of reduced cost: an LP zero this close to paying its way is left free
# (measured on the five bench years, the second sub-search then ends 0.01-0.13% above the LP's
# bound in 0.1-0.6 s; with every LP zero free, 0.01-0.29% in 0.3-0.7 s; with none, 0.04-3.9%)
GOOD_ENOUGH = 1.01  # a rounding past its deadline goes on to its second sub-search unless within 1% of the LP
WINDOW = 10  # weeks re-searched at a time once the rounding has a roster, until a deadline
WINDOW_SECONDS = 0.3  # for each window (started only with that much time left)


@dataclass(frozen=True)
class Rows:
    """The LP of a model: columns with bounds and costs, rows (CSR) with bounds."""

    cost: list[float]
    lower: list[float]
    upper: list[float]
    starts: list[int]
    index: list[int]
    value: list[float]
    row_lower: list[float]
    row_upper: list[float]
    offset: float


class _Builder:
    def __init__(self, columns: int) -> None:
        self.columns = columns
        self.starts, self.index, self.value = [0], [], []  # type: tuple[list[int], list[int], list[float]]
        self.row_lower: list[float] = []
        self.row_upper: list[float] = []

    def row(self, terms: Sequence[tuple[int, float]], lower: float, upper: float) -> None:
        """A row `lower <= sum(c * v) <= upper` (a negative ref -r-1 is `1 - v_r`)."""
        shift = 0.0
        for ref, coef in terms:
            if ref >= 0:
                self.index.append(ref)
                self.value.append(coef)
            else:
                self.index.append(-ref - 1)
                self.value.append(-coef)
                shift += coef
        self.starts.append(len(self.index))
        self.row_lower.append(lower - shift)
        self.row_upper.append(upper - shift)

    def linear(self, refs: Sequence[int], coefs: Sequence[int], lower: float, upper: float) -> None:
        """`row` of a linear constraint's own fields: at once when no ref is negative (as the
        linear constraints of these models are), which is most of an LP's rows."""
        if refs and min(refs) < 0:
            self.row(list(zip(refs, map(float, coefs), strict=True)), lower, upper)
            return
        self.index.extend(refs)
        self.value.extend(map(float, coefs))
        self.starts.append(len(self.index))
        self.row_lower.append(lower)
        self.row_upper.append(upper)


def model_proto(model: cp_model.CpModel) -> cp_model_pb2.CpModelProto:
    """The model as a protocol buffer (read twice as fast as through OR-Tools' own wrapper)."""
    from ortools.sat import cp_model_pb2  # protobuf: 0.05 s to import, only for a rounding

    with tempfile.TemporaryDirectory(prefix="roster-lp-") as folder:
        path = Path(folder) / "model.pb"
        model.export_to_file(str(path))
        proto: cp_model_pb2.CpModelProto = cp_model_pb2.CpModelProto.FromString(path.read_bytes())
        return proto


def _bound(value: int) -> float:
    return -math.inf if value <= -(2**62) else math.inf if value >= 2**62 else float(value)


def lp_rows(model: cp_model.CpModel) -> Rows:
    """The linear rows of a CP-SAT model that need no enforcement, and its bounds and objective."""
    proto = model_proto(model)
    lower: list[float] = []
    upper: list[float] = []
    for v in proto.variables:
        domain = v.domain
        lower.append(_bound(domain[0]))
        upper.append(_bound(domain[-1]))
    b = _Builder(len(lower))
    for c in proto.constraints:
        kind = c.WhichOneof("constraint")
        enforced = c.enforcement_literal
        if kind == "linear" and not enforced:
            lin = c.linear
            domain = lin.domain
            b.linear(lin.vars, lin.coeffs, _bound(domain[0]), _bound(domain[-1]))
        elif kind == "bool_and" and len(enforced) == 1:
            for ref in c.bool_and.literals:  # enforced implies ref: ref - enforced >= 0
                b.row([(ref, 1.0), (enforced[0], -1.0)], 0.0, math.inf)
        elif kind == "exactly_one" and not enforced:
            b.row([(ref, 1.0) for ref in c.exactly_one.literals], 1.0, 1.0)
        elif kind == "at_most_one" and not enforced:
            b.row([(ref, 1.0) for ref in c.at_most_one.literals], -math.inf, 1.0)
        elif kind == "bool_or" and not enforced:
            b.row([(ref, 1.0) for ref in c.bool_or.literals], 1.0, math.inf)
    cost = [0.0] * len(lower)
    objective = proto.objective
    for ref, coef in zip(objective.vars, objective.coeffs, strict=True):
        cost[ref] += float(coef)
    return Rows(
        cost, lower, upper, b.starts, b.index, b.value, b.row_lower, b.row_upper, float(objective.offset)
    )


@dataclass(frozen=True)
class Relaxation:
    """The LP's optimal solution: each column's value and its reduced cost (what a unit more of
    it would add to the LP's optimum, for a column at its lower bound), and each row's dual (what
    a unit more of its active bound would add to the optimum: positive for a lower bound)."""

    values: list[float]
    reduced: list[float]
    duals: list[float]


def solve_lp(rows: Rows) -> Relaxation | None:
    """The LP's optimal solution (HiGHS), or None when HiGHS is missing or finds none."""
    try:
        import highspy
        import numpy as np
    except ImportError:
        return None
    h = _quiet(highspy.Highs)
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("presolve", "off")  # measured: the LP of a year in 0.16-0.28 s instead of 0.27-0.48 s
    lp = highspy.HighsLp()
    lp.num_col_ = len(rows.cost)
    lp.num_row_ = len(rows.row_lower)
    lp.col_cost_ = np.array(rows.cost)
    lp.col_lower_ = np.array(rows.lower)
    lp.col_upper_ = np.array(rows.upper)
    lp.row_lower_ = np.array(rows.row_lower)
    lp.row_upper_ = np.array(rows.row_upper)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = lp.num_col_
    lp.a_matrix_.num_row_ = lp.num_row_
    lp.a_matrix_.start_ = np.array(rows.starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(rows.index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(rows.value)
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    solution = h.getSolution()
    return Relaxation(list(solution.col_value), list(solution.col_dual), list(solution.row_dual))


def lower_bound(rows: Rows, values: Sequence[float]) -> float:
    """The LP optimum as a bound on every roster's cost: whole pounds, rounded down with a margin
    for HiGHS's tolerances (one part in a million)."""
    value = sum(c * v for c, v in zip(rows.cost, values, strict=True)) + rows.offset
    return float(math.floor(value - 1e-6 * abs(value)))


def _quiet(make: Callable[[], Any]) -> Any:
    """`make()` with the process's standard output and error silenced (HiGHS prints its banner
    from C++ as it starts, before any option can stop it)."""
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    saved = [os.dup(1), os.dup(2)]
    try:
        with open(os.devnull, "w") as sink:
            os.dup2(sink.fileno(), 1)
            os.dup2(sink.fileno(), 2)
            return make()
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in saved:
            os.close(fd)


def rounded(m: RosterModel, deterministic: bool, lp: Relaxation | None = None) -> list[int] | None:
    """Every variable's value in a roster found by rounding the LP (see the module), or None.

    Two sub-searches share the seconds the model's size needs (`Dive.seconds_needed`;
    deterministic time in deterministic mode): the first fixes every assignment and week the LP
    left at 0 or 1, and is over in a moment; the second, started from its roster, also sets free
    the zeros whose reduced cost is under `FREE_BELOW`, so that it may use pairs and weeks the LP
    all but chose (on one benchmark year the first alone ended 3.9% above the LP's bound, the
    second 0.01%). `lp` is the LP's solution when an earlier rounding (one stopped beside the
    search) already solved it.
    """
    return Dive(m, deterministic, lp).run()


class Dive:
    """One rounding of a model's LP (`rounded`), stoppable from another thread: `stop()` ends the
    sub-search under way and skips what is left (the LP itself, a fraction of a second, runs on,
    and is kept in `lp` for a later rounding)."""

    def __init__(self, m: RosterModel, deterministic: bool, lp: Relaxation | None = None) -> None:
        self.m = m
        self.deterministic = deterministic
        self.stopped = threading.Event()
        self._solver: cp_model.CpSolver | None = None
        self._lock = threading.Lock()
        self.lp = lp  # the LP's solution, once solved (or given)
        self.bound: float | None = None  # the LP's optimum, once solved here: no roster costs less

    def seconds_needed(self) -> float:
        """The seconds of sub-search a rounding takes to find a roster: about one for a year
        (7,000 assignment variables); measured on the 104-week stress size (14,000), two."""
        return max(1.0, len(self.m.x) / ASSIGNMENTS_PER_SECOND)

    def stop(self) -> None:
        with self._lock:
            self.stopped.set()
            if self._solver is not None:
                self._solver.stop_search()

    def run(self, deadline: float | None = None) -> list[int] | None:
        """The rounding (`rounded`), or, given a `deadline` (time.perf_counter()), its
        sub-searches sharing the time left before it once the LP is solved, and past it only as
        long as a first roster within 1% of the LP's bound needs (`GOOD_ENOUGH`)."""
        if self.lp is None:
            rows = lp_rows(self.m.model)
            self.lp = solve_lp(rows)
            if self.lp is not None:
                self.bound = lower_bound(rows, self.lp.values)
        if self.lp is None or self.stopped.is_set():
            return None
        whole, near = self._fixings(self.lp)
        need = self.seconds_needed()
        if deadline is None:
            first = self._sub_search(whole, None, 0.3 * need)
            second = self._sub_search(near, first, 0.7 * need)
        else:

            def left() -> float:
                return max(0.0, deadline - time.perf_counter())

            first = self._sub_search(whole, None, max(0.5 * left(), 0.3 * need))
            second = self._sub_search(
                near, first, min(SECOND_SECONDS, left()) if self._good(first) else max(left(), 0.7 * need)
            )
        found = [s for s in (first, second) if s is not None]
        if not found:
            return None
        best = min(found, key=lambda s: s[0])
        if deadline is not None:
            best = self._windows(best, deadline)
        return best[1]

    def _fixings(self, lp: Relaxation) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """The (variable index, value) pairs each sub-search fixes: every assignment and week the
        LP left whole; and those of them at 1 with the zeros whose reduced cost is `FREE_BELOW`
        or more."""
        whole, near = [], []
        for var in [*self.m.x.values(), *self.m.runs.values()]:
            value = lp.values[var.index]
            whole_value = round(value)
            if abs(value - whole_value) > INTEGRAL:
                continue
            whole.append((var.index, whole_value))
            if whole_value == 1 or lp.reduced[var.index] >= FREE_BELOW:
                near.append((var.index, whole_value))
        return whole, near

    def _good(self, found: tuple[float, list[int]] | None) -> bool:
        """Whether a roster found is good enough to end on at a deadline: within `GOOD_ENOUGH`
        of the LP's bound (the first sub-search alone ended 5.8% above the optimum on one year)."""
        if found is None:
            return False
        return self.bound is None or found[0] <= GOOD_ENOUGH * max(self.bound, 1.0)

    def _windows(self, best: tuple[float, list[int]], deadline: float) -> tuple[float, list[int]]:
        """Until `deadline`, re-search the roster `WINDOW` weeks at a time (every variable outside
        the window fixed to its value), the window moving on by half its width each time.

        Measured on the five bench years: the first window alone took seed 2's rounding from
        0.24% to 0.03% above the optimum, and seed 3's from 0.2% to 0.13%, in 0.3 s each."""
        weeks = sorted({w for _, w in self.m.runs})
        variables = [(w, var) for (_, _, w), var in self.m.x.items()]
        variables += [(w, var) for (_, w), var in self.m.runs.items()]
        low = weeks[0]
        overhead = (
            0.0  # of a window beyond its search (copying and fixing the model): kept out of the time left
        )
        while not self.stopped.is_set():
            seconds = min(WINDOW_SECONDS, deadline - time.perf_counter() - overhead)
            if seconds < WINDOW_SECONDS / 2:
                break
            values = best[1]
            began = time.perf_counter()
            fixed = [(var.index, values[var.index]) for w, var in variables if not low <= w < low + WINDOW]
            found = self._sub_search(fixed, best, seconds)
            overhead = max(overhead, time.perf_counter() - began - seconds)
            if found is not None and found[0] < best[0]:
                best = found
            low = low + WINDOW // 2 if low + WINDOW <= weeks[-1] else weeks[0]
        return best

    def _sub_search(
        self,
        fixed: list[tuple[int, int]],
        start: tuple[float, list[int]] | None,
        seconds: float,
    ) -> tuple[float, list[int]] | None:
        """The model with `fixed` (variable index, value) pairs, searched from `start` (a complete
        solution) for `seconds`: its best (objective, values), or None."""
        if self.stopped.is_set() or seconds <= 0:
            return start
        sub = self.m.model.clone()
        sub.clear_hints()  # type: ignore[no-untyped-call]
        for index, value in fixed:
            fix(sub, index, value)
        if (
            start is not None
        ):  # every variable hinted, written to the proto in one go (0.15 s a variable at a time)
            hinted = sub.proto.solution_hint
            hinted.vars.extend(range(len(start[1])))
            hinted.values.extend(start[1])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.linearization_level = 2
        solver.parameters.cp_model_presolve = True  # it removes the fixed variables
        solver.parameters.catch_sigint_signal = False
        if self.deterministic:
            solver.parameters.max_deterministic_time = seconds
        else:
            solver.parameters.max_time_in_seconds = seconds
        with self._lock:
            if self.stopped.is_set():
                return start
            self._solver = solver
        if solver.solve(sub) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return start
        return solver.objective_value, list(solver.response_proto.solution)
