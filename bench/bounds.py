"""Where a scenario's LP gap lies: the LP relaxation's bound, and the bound of the horizon split
into blocks of weeks, each block solved whole (integer) as a model of its own.

    python bench/bounds.py /tmp/year-3.yaml                 # two blocks of 26 weeks
    python bench/bounds.py /tmp/year-3.yaml --edges 13,26,39 --optimum 478903

The split is a Lagrangian relaxation of the engine's own model: every variable belongs to the
block of its week (an auxiliary variable to the block of the weeks it is tied to, or to none when
those lie in several); a row whose variables are all in one block stays in it, and each other
row is dropped and priced instead at its LP dual, rounded to whole pounds (any price of the
right sign gives a valid bound; the LP's give at least the LP's). So the blocks' optima, plus
those prices times the rows' bounds, are a lower bound on every roster's cost; where it comes
close to the optimum, the LP's gap lies inside the blocks, not between them.

Measured on year seed 3 (the bench's hardest year): the LP £478,509 (with the engine's
formulation), two blocks of 26 weeks £478,881, the optimum £478,903: 94% of the gap closes
inside half-years, which on their own prove in under a second. One search tree must close the
gap of every cluster of weeks together (its tree multiplies), which is why a year takes seconds
and 104 weeks a minute. Given to CP-SAT as cuts, these block bounds stall its search (its LP
becomes degenerate on them): see the README, "Why years 2 and 3 take longer than 3 s to prove".
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", type=Path)
    parser.add_argument("--edges", default=None, help="first weeks of the blocks after the first, e.g. 26")
    parser.add_argument("--optimum", type=float, default=None, help="the proven optimum, to show the gaps")
    parser.add_argument("--seconds", type=float, default=60.0, help="CP-SAT seconds per block")
    args = parser.parse_args()

    from ortools.sat.python import cp_model

    import constraints
    from roster.facts import Facts
    from roster.loading import load_scenario
    from roster.solving import SolveConfig
    from roster.solving.dive import lp_rows, solve_lp

    scenario = load_scenario(args.scenario)
    m = constraints.build(Facts(scenario))
    rows = lp_rows(m.model)
    lp = solve_lp(rows)
    if lp is None:
        sys.exit("the LP relaxation could not be solved (is highspy installed?)")
    lp_bound = sum(c * v for c, v in zip(rows.cost, lp.values, strict=True)) + rows.offset
    edges = sorted(int(e) for e in args.edges.split(",")) if args.edges else [scenario.weeks // 2]

    def block_of_week(week: int) -> int:
        return sum(1 for e in edges if week >= e)

    # Each variable's block: a primary one's by its week; another's by the primary ones it shares
    # rows with, when they are all in one block.
    columns = len(rows.cost)
    block: list[int | None] = [None] * columns
    for (_, _, w), var in m.x.items():
        block[var.index] = block_of_week(w)
    for (_, w), var in [*m.runs.items(), *m.on_vars.items()]:
        block[var.index] = block_of_week(w)
    row_columns = [rows.index[rows.starts[r] : rows.starts[r + 1]] for r in range(len(rows.row_lower))]
    near: dict[int, set[int]] = defaultdict(set)
    for cols in row_columns:
        placed = {block[c] for c in cols if block[c] is not None}
        for c in cols:
            if block[c] is None:
                near[c] |= {b for b in placed if b is not None}
    for c, blocks in near.items():
        if len(blocks) == 1:
            block[c] = next(iter(blocks))

    # Rows inside one block stay; the others are priced at their duals (whole pounds).
    inside: dict[int, list[int]] = defaultdict(list)
    cost = list(rows.cost)
    constant = rows.offset
    for r, cols in enumerate(row_columns):
        blocks = {block[c] for c in cols}
        if len(blocks) == 1 and None not in blocks:
            inside[next(iter(blocks))].append(r)
            continue
        dual = float(round(lp.duals[r]))
        if dual == 0:
            continue
        for k in range(rows.starts[r], rows.starts[r + 1]):
            cost[rows.index[k]] -= dual * rows.value[k]
        constant += dual * (rows.row_lower[r] if dual > 0 else rows.row_upper[r])
    for c in range(columns):
        if block[c] is None:  # in no block: at its cheaper bound
            constant += min(cost[c] * rows.lower[c], cost[c] * rows.upper[c])

    print(f"{args.scenario}: LP bound £{lp_bound:,.1f}; blocks from weeks 0, {', '.join(map(str, edges))}")
    total = constant
    for b in range(len(edges) + 1):
        started = time.perf_counter()
        sub = cp_model.CpModel()
        mine = [c for c in range(columns) if block[c] == b]
        var = {c: sub.new_int_var(int(rows.lower[c]), int(rows.upper[c]), f"v{c}") for c in mine}
        for r in inside[b]:
            expr = cp_model.LinearExpr.weighted_sum(
                [var[rows.index[k]] for k in range(rows.starts[r], rows.starts[r + 1])],
                [int(rows.value[k]) for k in range(rows.starts[r], rows.starts[r + 1])],
            )
            if rows.row_lower[r] > -math.inf:
                sub.add(expr >= math.ceil(rows.row_lower[r] - 1e-9))
            if rows.row_upper[r] < math.inf:
                sub.add(expr <= math.floor(rows.row_upper[r] + 1e-9))
        sub.minimize(cp_model.LinearExpr.weighted_sum([var[c] for c in mine], [int(cost[c]) for c in mine]))
        solver = cp_model.CpSolver()
        solver.parameters.copy_from(SolveConfig(time_limit=args.seconds).parameters())  # the engine's search
        status = solver.solve(sub)
        bound = math.ceil(solver.best_objective_bound - 1e-6)
        total += bound
        print(
            f"  block {b}: {len(mine):,} variables, {len(inside[b]):,} rows;"
            f" bound £{bound:,} ({solver.status_name(status).lower()}, {time.perf_counter() - started:.1f} s)"
        )
    print(f"bound of the blocks: £{total:,.0f}")
    if args.optimum is not None:
        gap = args.optimum - lp_bound
        closed = (total - lp_bound) / gap if gap > 0 else 1.0
        print(
            f"the optimum £{args.optimum:,.0f}: the blocks close {closed:.0%} of the LP's gap of £{gap:,.0f}"
        )


if __name__ == "__main__":
    main()
