"""The engine's CP-SAT model, translated constraint by constraint into a MIP for OR-Tools MathOpt.

Used by the benchmark to solve the *same* model with HiGHS, so that the choice of CP-SAT is
measured rather than assumed. Only the constraint types the engine uses are translated
(linear, bool_or, bool_and, at_most_one, exactly_one, with enforcement literals).
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from pathlib import Path
from typing import Any

from ortools.math_opt.python import mathopt
from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model

INF = math.inf
BIG = 2**62


def to_proto(model: cp_model.CpModel) -> cp_model_pb2.CpModelProto:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.pb"
        model.export_to_file(str(path))
        return cp_model_pb2.CpModelProto.FromString(path.read_bytes())


def to_mathopt(model: cp_model.CpModel) -> tuple[mathopt.Model, list[mathopt.Variable]]:
    """A MathOpt model equivalent to the CP-SAT model (integer variables, linear constraints)."""
    proto = to_proto(model)
    mip = mathopt.Model(name="roster")
    xs = []
    for n, var in enumerate(proto.variables):
        lb, ub = var.domain[0], var.domain[-1]
        xs.append(
            mip.add_integer_variable(lb=-INF if lb <= -BIG else lb, ub=INF if ub >= BIG else ub, name=f"v{n}")
        )

    def literal(ref: int) -> Any:
        return xs[ref] if ref >= 0 else 1 - xs[-ref - 1]

    def relax(enforcement: Any) -> Any:
        """0 when every enforcement literal holds, at least 1 otherwise."""
        return sum((1 - literal(e) for e in enforcement), start=0)

    for c in proto.constraints:
        kind = c.WhichOneof("constraint")
        off = relax(c.enforcement_literal)
        if kind == "bool_or":
            mip.add_linear_constraint(sum((literal(r) for r in c.bool_or.literals), start=0) + off >= 1)
        elif kind == "bool_and":
            for r in c.bool_and.literals:
                mip.add_linear_constraint(literal(r) + off >= 1)
        elif kind == "at_most_one":
            mip.add_linear_constraint(sum((literal(r) for r in c.at_most_one.literals), start=0) <= 1)
        elif kind == "exactly_one":
            mip.add_linear_constraint(sum((literal(r) for r in c.exactly_one.literals), start=0) == 1)
        elif kind == "linear":
            expr = sum(
                (coef * xs[v] for v, coef in zip(c.linear.vars, c.linear.coeffs, strict=True)), start=0
            )
            lb, ub = c.linear.domain[0], c.linear.domain[-1]
            if len(c.linear.domain) > 2:
                raise ValueError("a linear constraint with a holed domain has no MIP translation here")
            span = (
                sum(abs(coef) for coef in c.linear.coeffs) * 1000
                + abs(lb if lb > -BIG else 0)
                + abs(ub if ub < BIG else 0)
            )
            if lb > -BIG:
                mip.add_linear_constraint(expr + span * off >= lb)
            if ub < BIG:
                mip.add_linear_constraint(expr - span * off <= ub)
        else:
            raise ValueError(f"constraint type {kind} has no MIP translation here")
    objective = proto.objective
    mip.minimize(
        sum((coef * xs[v] for v, coef in zip(objective.vars, objective.coeffs, strict=True)), start=0)
        + objective.offset
    )
    return mip, xs


def solve_highs(mip: mathopt.Model, seconds: float) -> tuple[float | None, float | None, str]:
    """Objective, dual bound and termination of HiGHS within `seconds`."""
    # Zero relative gap (HiGHS stops at 0.01% by default): "optimal" is then a proof, as in CP-SAT;
    # the objective is integral, so an absolute gap under 1 closes it.
    params = mathopt.SolveParameters(
        time_limit=dt.timedelta(seconds=seconds),
        enable_output=False,
        relative_gap_tolerance=0.0,
        absolute_gap_tolerance=0.5,
    )
    result = mathopt.solve(mip, mathopt.SolverType.HIGHS, params=params)
    bounds = result.termination.objective_bounds
    primal = bounds.primal_bound if math.isfinite(bounds.primal_bound) else None
    dual = bounds.dual_bound if math.isfinite(bounds.dual_bound) else None
    return primal, dual, result.termination.reason.name.lower()
