"""Benchmark the engine: build time, model size, time to first feasible and to proven optimum,
peak memory, and the greedy construction's cost for comparison.

    python bench/run.py                      # the bundled cohort
    python bench/run.py --sizes cohort,year,stress --time-limit 120

Each size runs in its own process so that peak memory is that size's own. Figures vary with the
machine's load: compare ratios measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def scenario_path(size: str, seed: int) -> Path:
    if size == "cohort":
        return Path(str(resources.files("scenarios").joinpath("cohort.yaml")))
    from generate import dump, generate

    path = Path(tempfile.gettempdir()) / f"roster-bench-{size}-{seed}.yaml"
    path.write_text(dump(generate(size, seed)))
    return path


def measure(size: str, seed: int, time_limit: float, workers: int) -> dict[str, Any]:
    import constraints
    from roster.costing import evaluate
    from roster.engine import Progress, SolveConfig, solve
    from roster.facts import Facts
    from roster.greedy import construct
    from roster.loading import load_scenario

    scenario = load_scenario(scenario_path(size, seed))
    started = time.perf_counter()
    facts = Facts(scenario)
    model = constraints.build(facts)
    build = time.perf_counter() - started
    started = time.perf_counter()
    _, greedy = construct(Facts(scenario))
    greedy_seconds = time.perf_counter() - started
    greedy_cost = evaluate(facts, greedy).objective
    steps: list[Progress] = []
    started = time.perf_counter()
    roster = solve(scenario, SolveConfig(time_limit=time_limit, workers=workers, on_progress=steps.append))
    total = time.perf_counter() - started
    first = steps[0].seconds if steps else None
    return {
        "size": size,
        "inspections": len(scenario.inspections),
        "secondees": len(scenario.secondees),
        "weeks": scenario.weeks,
        "variables": len(model.model.proto.variables),
        "assignment_variables": len(model.x),
        "build_seconds": build,
        "greedy_seconds": greedy_seconds,
        "greedy_cost": greedy_cost,
        "first_feasible_seconds": first,
        "solve_seconds": total,
        "status": roster.status,
        "objective": roster.objective,
        "bound": roster.best_bound,
        "gap": roster.gap,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="cohort")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.seed, args.time_limit, args.workers)))
        return
    from rich.console import Console
    from rich.table import Table

    rows = []
    for size in args.sizes.split(","):
        command = [sys.executable, __file__, "--one", size, "--seed", str(args.seed)]
        command += ["--time-limit", str(args.time_limit), "--workers", str(args.workers)]
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    table = Table(title=f"roster engine, {args.workers} workers, limit {args.time_limit:g} s")
    columns = [
        ("size", "size", str),
        ("insp.", "inspections", str),
        ("secondees", "secondees", str),
        ("vars", "variables", str),
        ("build s", "build_seconds", lambda v: f"{v:.3f}"),
        ("first feasible s", "first_feasible_seconds", lambda v: "-" if v is None else f"{v:.3f}"),
        ("solve s", "solve_seconds", lambda v: f"{v:.2f}"),
        ("status", "status", str),
        ("objective", "objective", lambda v: f"{v:,}"),
        ("bound", "bound", lambda v: f"{v:,.0f}"),
        ("gap", "gap", lambda v: f"{v:.3%}"),
        ("greedy cost", "greedy_cost", lambda v: f"{v:,}"),
        ("peak MB", "peak_mb", lambda v: f"{v:.0f}"),
    ]
    for title, _, _ in columns:
        table.add_column(title, justify="right")
    for row in rows:
        table.add_row(*[fmt(row[key]) for _, key, fmt in columns])
    Console(width=200).print(table)
    for row in rows:
        if row["objective"]:
            excess = (row["greedy_cost"] - row["objective"]) / row["objective"]
            print(f"{row['size']}: greedy construction costs {excess:.1%} more than the engine's roster")


if __name__ == "__main__":
    main()
