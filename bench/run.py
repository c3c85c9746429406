"""Benchmark the engine against its greedy construction and against HiGHS on the same model.

    python bench/run.py                                   # the bundled cohort
    python bench/run.py --sizes cohort,year,stress        # the issue's table (several minutes)
    python bench/run.py --sizes year --resolve            # plus a warm re-solve after a drop-out
    python bench/run.py --sizes year --seeds 1,2,3,4,5    # how much the figures vary by scenario
    python bench/run.py --targets                         # every target of the issue, in one run

For each size, in one process (so that peak memory is that size's own): model build seconds,
variables, time to a first feasible roster, to a 0.01% gap and to proven optimum, peak memory; the
greedy construction's cost; the objective and bound of engine runs limited to 1, 10 and 60 s of
search, beside HiGHS (through OR-Tools MathOpt) on the same model with the same limits. Figures vary with the machine's load: compare ratios
measured in the same run. A plot of time to a target gap against size (the median over the
seeds) goes to bench/results/. The `cohort` size with seed 1 is the bundled sample; other seeds
are generated. HiGHS runs with zero relative gap tolerance (absolute 0.5 on an integer
objective), so that its "optimal" is a proof, as CP-SAT's is.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
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

CHECKPOINTS = (1.0, 3.0, 10.0, 60.0)
GAPS = (0.01, 0.001, 0.0001, 0.0)


def scenario_path(size: str, seed: int) -> Path:
    if size == "cohort" and seed == 1:
        return Path(str(resources.files("scenarios").joinpath("cohort.yaml")))
    from generate import dump, generate

    path = Path(tempfile.gettempdir()) / f"roster-bench-{size}-{seed}.yaml"
    path.write_text(dump(generate(size, seed)))
    return path


def time_to_gap(history: list[tuple[float, float, float]], gap: float) -> float | None:
    for t, objective, bound in history:
        if (objective - bound) / max(1.0, abs(objective)) <= gap + 1e-12:
            return t
    return None


def measure(
    size: str, seed: int, time_limit: float, workers: int, highs: bool, resolve: bool
) -> dict[str, Any]:
    import constraints
    from roster.costing import evaluate
    from roster.facts import Facts
    from roster.loading import load_scenario
    from roster.solving import Progress, SolveConfig, solve
    from roster.solving.greedy import construct

    scenario = load_scenario(scenario_path(size, seed))
    started = time.perf_counter()
    facts = Facts(scenario)
    model = constraints.build(facts)
    build = time.perf_counter() - started
    greedy_weeks, greedy = construct(facts)
    greedy_cost = evaluate(facts, greedy, greedy_weeks).objective

    history: list[tuple[float, float, float]] = []
    t0 = time.perf_counter()

    def record(step: Progress) -> None:
        history.append((time.perf_counter() - t0, step.objective, step.bound))

    roster = solve(scenario, SolveConfig(time_limit=time_limit, workers=workers, on_progress=record))
    total = time.perf_counter() - t0
    if roster.status == "optimal" and roster.objective is not None:
        history.append((total, float(roster.objective), float(roster.objective)))
    row: dict[str, Any] = {
        "size": size,
        "seed": seed,
        "inspections": len(scenario.inspections),
        "secondees": len(scenario.secondees),
        "weeks": scenario.weeks,
        "variables": len(model.model.proto.variables),
        "build_seconds": build,
        "first_feasible_seconds": roster.model.get("first_feasible_seconds"),
        "first_solver_solution_seconds": history[0][0] if history else None,
        "solve_seconds": total,
        "proven_seconds": total if roster.status == "optimal" else None,
        "status": roster.status,
        "objective": roster.objective,
        "bound": roster.best_bound,
        "gap": roster.gap,
        "greedy_cost": greedy_cost,
        "time_to_gap": {str(g): time_to_gap(history, g) for g in GAPS},
        # peak memory of the engine alone, before HiGHS and the re-solves run in this process
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    # What a planner gets with each time limit: a separate run per limit (the roster returned when
    # the limit stops the search), unless the full run had already proven its optimum by then.
    row["checkpoints"] = {}
    for limit in (c for c in CHECKPOINTS if c <= time_limit):
        if limit == time_limit or (roster.status == "optimal" and total <= limit):
            row["checkpoints"][str(limit)] = (roster.objective, roster.best_bound, roster.status, total)
            continue
        t = time.perf_counter()
        limited = solve(scenario, SolveConfig(time_limit=limit, workers=workers))
        seconds = time.perf_counter() - t
        row["checkpoints"][str(limit)] = (limited.objective, limited.best_bound, limited.status, seconds)
    if highs:
        from mip import solve_highs, to_mathopt

        t = time.perf_counter()
        mip, _ = to_mathopt(model.model)
        row["highs_translate_seconds"] = time.perf_counter() - t
        row["highs"] = {}
        for limit in (c for c in CHECKPOINTS if c <= time_limit):
            t = time.perf_counter()
            primal, dual, reason = solve_highs(mip, limit)
            row["highs"][str(limit)] = (primal, dual, reason, time.perf_counter() - t)
    if resolve:
        row["resolve"] = warm_resolve(scenario, roster, time_limit, workers)
    return row


def warm_resolve(scenario: Any, roster: Any, time_limit: float, workers: int) -> dict[str, Any]:
    """A secondee drops out: solve the changed scenario cold, then warm from the previous roster."""
    from collections import Counter

    from models import Scenario
    from roster.solving import SolveConfig, solve

    per_secondee = Counter(s for s, _, _ in roster.assignments)
    busiest = max(per_secondee, key=lambda s: (per_secondee[s], s))
    data = scenario.model_dump(mode="json")
    data["secondees"] = [s for s in data["secondees"] if s["id"] != busiest]
    data["travel"] = [t for t in data["travel"] if t["secondee"] != busiest]
    changed = Scenario.model_validate(data)
    out = {"dropped": busiest}
    for label, previous in (("cold", None), ("warm", roster)):
        t = time.perf_counter()
        result = solve(changed, SolveConfig(time_limit=time_limit, workers=workers, previous=previous))
        out[label] = {
            "seconds": time.perf_counter() - t,
            "status": result.status,
            "objective": result.objective,
        }
    return out


def fmt(value: Any, spec: str = ",.0f") -> str:
    if value is None:
        return "-"
    return format(value, spec)


def plot(runs: list[dict[str, Any]], path: Path) -> Path:
    """An SVG of time to a target gap against size (inspections), log time axis.

    With several seeds, each point is the median over the seeds, drawn when most reached the gap.
    """
    rows = []
    for size in dict.fromkeys(r["size"] for r in runs):
        same = [r for r in runs if r["size"] == size]
        reached: dict[str, float | None] = {}
        for gap in same[0]["time_to_gap"]:
            times = [r["time_to_gap"][gap] for r in same if r["time_to_gap"][gap] is not None]
            reached[gap] = statistics.median(times) if len(times) * 2 > len(same) else None
        inspections = statistics.median(r["inspections"] for r in same)
        rows.append({"size": size, "inspections": inspections, "time_to_gap": reached})
    width, height, left, bottom = 640, 360, 60, 40
    sizes = [r["inspections"] for r in rows]
    times = [t for r in rows for t in r["time_to_gap"].values() if t] + [1e-2, 100.0]
    lo, hi = min(times), max(times)

    def x(n: float) -> float:
        span = max(sizes) - min(sizes) or 1
        return left + (n - min(sizes)) / span * (width - left - 70)

    def y(t: float) -> float:
        import math

        return (
            height
            - bottom
            - (math.log10(t) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)) * (height - bottom - 20)
        )

    colours = {"0.01": "#c6dbef", "0.001": "#6baed6", "0.0001": "#2171b5", "0.0": "#08306b"}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">'
    ]
    parts.append(f'<rect width="{width}" height="{height}" fill="white"/>')
    parts.append(
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="#333"/>'
    )
    parts.append(f'<line x1="{left}" y1="10" x2="{left}" y2="{height - bottom}" stroke="#333"/>')
    for tick in (0.01, 0.1, 1, 10, 100):
        if lo <= tick <= hi:
            parts.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick:g} s</text>')
            parts.append(
                f'<line x1="{left}" y1="{y(tick):.1f}" x2="{width - 10}" y2="{y(tick):.1f}" stroke="#eee"/>'
            )
    for r in rows:
        parts.append(
            f'<text x="{x(r["inspections"]):.1f}" y="{height - bottom + 16}" text-anchor="middle">{r["size"]} ({r["inspections"]})</text>'
        )
    for gap, colour in colours.items():
        points = [(x(r["inspections"]), y(r["time_to_gap"][gap])) for r in rows if r["time_to_gap"].get(gap)]
        if points:
            parts.append(
                '<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>'.format(
                    colour, " ".join(f"{a:.1f},{b:.1f}" for a, b in points)
                )
            )
            parts += [f'<circle cx="{a:.1f}" cy="{b:.1f}" r="3" fill="{colour}"/>' for a, b in points]
    legend = [("gap 1%", "0.01"), ("gap 0.1%", "0.001"), ("gap 0.01%", "0.0001"), ("proven optimal", "0.0")]
    for n, (label, gap) in enumerate(legend):
        parts.append(
            f'<rect x="{left + 10}" y="{16 + 14 * n}" width="10" height="10" fill="{colours[gap]}"/><text x="{left + 24}" y="{25 + 14 * n}">{label}</text>'
        )
    parts.append(
        f'<text x="{width / 2}" y="{height - 4}" text-anchor="middle">scenario size (inspections); CP-SAT, wall-clock seconds from the solve call</text>'
    )
    parts.append("</svg>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(parts))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="cohort")
    parser.add_argument("--seeds", default="1", help="comma-separated scenario seeds")
    parser.add_argument(
        "--results", type=Path, default=HERE / "results", help="where the plot and figures go"
    )
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-highs", action="store_true", help="skip the HiGHS comparison")
    parser.add_argument(
        "--resolve", action="store_true", help="also measure a warm re-solve after a drop-out"
    )
    parser.add_argument(
        "--targets",
        action="store_true",
        help="the cohort, years seeds 1-5 and stress seed 1 with HiGHS, whole `roster solve` commands,"
        " a replan and `roster replace`; then each target beside its figure",
    )
    parser.add_argument("--runs", type=int, default=5, help="whole-command runs per scenario (--targets)")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.targets:
        args.sizes, args.seeds = "cohort,year,stress", "1,2,3,4,5"
    if args.one:
        row = measure(
            args.one, int(args.seeds), args.time_limit, args.workers, not args.no_highs, args.resolve
        )
        print(json.dumps(row))
        return
    from rich.console import Console
    from rich.table import Table

    rows = []
    for size in args.sizes.split(","):
        for seed in args.seeds.split(",") if not args.targets or size == "year" else ["1"]:
            command = [
                sys.executable,
                __file__,
                "--one",
                size,
                "--seeds",
                seed,
                "--time-limit",
                str(args.time_limit),
                "--workers",
                str(args.workers),
            ]
            command += ["--no-highs"] * args.no_highs + ["--resolve"] * args.resolve
            done = subprocess.run(command, check=True, capture_output=True, text=True)
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    console = Console(width=220)
    table = Table(
        title=f"CP-SAT engine ({args.workers} workers, limit {args.time_limit:g} s) and its greedy construction"
    )
    for title in (
        "size",
        "seed",
        "insp.",
        "secondees",
        "vars",
        "build s",
        "first feasible s",
        "first solver sol. s",
        "0.01% gap s",
        "proven s",
        "status",
        "objective",
        "bound",
        "gap",
        "greedy",
        "greedy excess",
        "peak MB",
    ):
        table.add_column(title, justify="right")
    for r in rows:
        excess = (r["greedy_cost"] - r["objective"]) / r["objective"] if r["objective"] else None
        table.add_row(
            r["size"],
            str(r["seed"]),
            str(r["inspections"]),
            str(r["secondees"]),
            str(r["variables"]),
            f"{r['build_seconds']:.3f}",
            fmt(r["first_feasible_seconds"], ".3f"),
            fmt(r["first_solver_solution_seconds"], ".2f"),
            fmt(r["time_to_gap"]["0.0001"], ".2f"),
            fmt(r["proven_seconds"], ".2f"),
            r["status"],
            fmt(r["objective"]),
            fmt(r["bound"]),
            fmt(r["gap"], ".3%"),
            fmt(r["greedy_cost"]),
            fmt(excess, ".1%"),
            f"{r['peak_mb']:.0f}",
        )
    console.print(table)
    side = Table(
        title="Objective / bound at each time limit: CP-SAT (the engine) against HiGHS (MathOpt) on the same model"
    )
    for title in (
        "size",
        "seed",
        "limit s",
        "CP-SAT objective",
        "CP-SAT bound",
        "CP-SAT status",
        "CP-SAT s",
        "HiGHS objective",
        "HiGHS bound",
        "HiGHS status",
        "HiGHS s",
    ):
        side.add_column(title, justify="right")
    for r in rows:
        for limit, (objective, bound, status, seconds) in r["checkpoints"].items():
            h = r.get("highs", {}).get(limit, (None, None, "-", None))
            side.add_row(
                r["size"],
                str(r["seed"]),
                limit,
                fmt(objective),
                fmt(bound),
                status,
                fmt(seconds, ".2f"),
                fmt(h[0]),
                fmt(h[1]),
                h[2],
                fmt(h[3], ".2f"),
            )
    console.print(side)
    for r in rows:
        if "resolve" in r:
            re = r["resolve"]
            console.print(
                f"{r['size']} (seed {r['seed']}): {re['dropped']} drops out; cold re-solve {re['cold']['seconds']:.2f} s ({re['cold']['status']}),"
                f" warm from the previous roster {re['warm']['seconds']:.2f} s ({re['warm']['status']});"
                f" objectives {re['cold']['objective']:,} / {re['warm']['objective']:,}"
            )
    for size in dict.fromkeys(r["size"] for r in rows):
        runs = [r for r in rows if r["size"] == size]
        if len(runs) > 1:
            proven = sorted(r["proven_seconds"] for r in runs if r["proven_seconds"] is not None)
            console.print(
                f"{size}: proven optimal in {len(proven)} of {len(runs)} seeds;"
                + (f" median {statistics.median(proven):.2f} s, slowest {proven[-1]:.2f} s" if proven else "")
            )
    svg = plot(rows, args.results / "scaling.svg")
    (args.results / "bench.json").write_text(json.dumps(rows, indent=2))
    if args.targets:
        from targets import measure_commands, targets_table

        commands = measure_commands(args.runs)
        (args.results / "targets.json").write_text(json.dumps(commands, indent=2))
        console.print(targets_table(rows, commands))
    console.print(f"plot: {svg}; figures: {args.results / 'bench.json'}")


if __name__ == "__main__":
    main()
