"""The issue's speed targets, each beside the figure measured (`python bench/run.py --targets`).

Whole commands are timed as a user runs them: a fresh `roster solve` process writing its folder,
wall-clock and CPU seconds (user + system, from the operating system's accounting of the child),
the median of several runs. The search targets come from bench/run.py's rows of the same run
(CP-SAT and HiGHS on the same model); the replan and `roster replace` from bench/replan.py.
"""

from __future__ import annotations

import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import Any

from rich.table import Table

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def whole_command(args: list[str], runs: int, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Median wall and CPU seconds of `roster ARGS` (`python -m roster`, the installed command's
    own code), alone unless `env` names a running server's folder (ROSTER_SERVER_DIR)."""
    walls, cpus, codes = [], [], []
    env = env or {**os.environ, "ROSTER_NO_SERVER": "1"}
    for _ in range(runs + 1):  # the first run warms the file cache and is not counted
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "roster", *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
            env=env,
        )
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        walls.append(time.perf_counter() - started)
        cpus.append(usage.ru_utime + usage.ru_stime)
        codes.append(process.returncode)
    return {
        "wall": statistics.median(walls[1:]),
        "cpu": statistics.median(cpus[1:]),
        "wall_min": min(walls[1:]),
        "runs": runs,
        "exit": sorted(set(codes)),
    }


def machine_speed(repeats: int = 3) -> float:
    """Seconds for a fixed piece of plain Python (ten million additions), the median of
    `repeats`: the same work on every machine, so that figures from two machines (or two
    sessions on one shared machine) can be set side by side (the machine of the README's latest
    figures took 1.1-1.5 s)."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        total = 0
        for i in range(10_000_000):
            total += i
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure_commands(runs: int) -> dict[str, Any]:
    """`roster solve` of a 52-week year (seed 1) and of the bundled cohort, writing their folders;
    a replan of the year 20 weeks in and `roster replace` (bench/replan.py, seed 1)."""
    from generate import dump, generate

    # The project's bytecode, as an installed command has it (`make compile`): where
    # PYTHONDONTWRITEBYTECODE is set, every command would otherwise compile its modules again.
    for name in ("roster", "models", "constraints"):
        compileall.compile_dir(ROOT / name, quiet=1)
    compileall.compile_file(ROOT / "cli.py", quiet=1)
    folder = Path(tempfile.mkdtemp(prefix="roster-targets-"))
    year = folder / "year.yaml"
    year.write_text(dump(generate("year", 1)))
    cohort = Path(str(resources.files("scenarios").joinpath("cohort.yaml")))
    year_args = ["solve", str(year), "--out", str(folder / "year")]
    cohort_args = ["solve", str(cohort), "--out", str(folder / "cohort")]
    out: dict[str, Any] = {
        "load_before": os.getloadavg()[0],
        "machine_seconds": machine_speed(),
        "year": whole_command(year_args, runs),
        "cohort": whole_command(cohort_args, runs),
        "year_set": whole_command([*year_args, "--set", "name=A what-if"], runs),
    }
    done = subprocess.run(
        [sys.executable, str(HERE / "replan.py"), "--one", "1"], check=True, capture_output=True, text=True
    )
    out["replan"] = json.loads(done.stdout.strip().splitlines()[-1])
    one = out["replan"]["replace_args"]
    three = [*one[: one.index("--alternatives")], "--alternatives", "3"]
    out["replace_three"] = whole_command(three, runs)
    served = {**os.environ, "ROSTER_SERVER_DIR": str(folder / "server")}
    server = subprocess.Popen(
        [sys.executable, "-m", "roster", "serve", "--idle", "10"],
        cwd=ROOT,
        env=served,
        stdout=subprocess.DEVNULL,
    )
    try:
        while not any((folder / "server").glob("*.sock")):
            time.sleep(0.05)
        out["year_served"] = whole_command(year_args, runs, served)
        out["cohort_served"] = whole_command(cohort_args, runs, served)
        out["replace_served"] = whole_command(out["replan"]["replace_args"], runs, served)
    finally:
        server.terminate()
        server.wait()
    out["load_after"] = os.getloadavg()[0]
    return out


def _gap(objective: float | None, best: float | None) -> float | None:
    if objective is None or best is None:
        return None
    return (objective - best) / max(1.0, best)


def _seconds(values: list[float | None]) -> str:
    return " / ".join("-" if v is None else f"{v:.2f}" for v in values) + " s"


def _percent(values: list[float | None]) -> str:
    return " / ".join("-" if v is None else f"{v:.2%}" for v in values)


def targets_table(rows: list[dict[str, Any]], commands: dict[str, Any]) -> Table:
    """Each target, the figure measured and whether it is met."""
    years = [r for r in rows if r["size"] == "year"]
    stress = next((r for r in rows if r["size"] == "stress"), None)
    best = {r["seed"]: _best_known(r) for r in years}
    at = {limit: [_at_limit(r, limit, best[r["seed"]]) for r in years] for limit in ("1.0", "3.0")}
    proven = [r["proven_seconds"] for r in years]
    highs = [_highs_proven(r) for r in years]
    load = f"load average {commands.get('load_before', 0):.1f} to {commands.get('load_after', 0):.1f}"
    if "machine_seconds" in commands:
        load += f"; ten million Python additions in {commands['machine_seconds']:.2f} s"
    table = Table(title=f"Targets (2 cores): each beside its figure in this run ({load})", show_lines=False)
    for title in ("target", "figure", "met"):
        table.add_column(title)

    def add(target: str, figure: str, met: bool | None) -> None:
        """A row; `met` None for a figure shown without a target."""
        table.add_row(target, figure, "-" if met is None else "[green]yes[/]" if met else "[red]no[/]")

    y = commands["year"]
    for size, words, most in (
        ("year", "roster solve, 52-week year (seed 1) writing its folder", 1.2),
        ("cohort", "roster solve, the bundled cohort", 0.6),
    ):
        alone = commands[size]
        add(
            f"{words}: ≤ {most} s whole process (median)",
            f"{alone['wall']:.2f} s wall, {alone['cpu']:.2f} s CPU (median of {alone['runs']})",
            alone["wall"] <= most,
        )
        served = commands.get(f"{size}_served")
        if served is not None:
            add(
                f"  the same, with `roster serve` running (≤ {most} s)",
                f"{served['wall']:.2f} s wall, {served['cpu']:.2f} s CPU of the command itself",
                served["wall"] <= most,
            )
    for limit, share, words in (
        ("1.0", 0.01, "within 1% of the optimum by 1 s"),
        ("3.0", 0.001, "within 0.1% by 3 s"),
    ):
        gaps, seconds = [g for g, _ in at[limit]], [t for _, t in at[limit]]
        add(
            f"years seeds 1-5: {words} (a run with that time limit; seconds from the solve call)",
            f"{_percent(gaps)} in {_seconds(seconds)}",
            _all_at_most(gaps, share) and _all_at_most(seconds, float(limit)),
        )
    add("years seeds 1-5: proven optimal in ≤ 3 s", _seconds(proven), _all_at_most(proven, 3.0))
    ahead = [p is not None and (h is None or p < h) for p, h in zip(proven, highs, strict=True)]
    add(
        "years seeds 1-5: proven ahead of HiGHS on the same model, each seed",
        f"CP-SAT {_seconds(proven)}; HiGHS {_seconds(highs)}",
        bool(ahead) and all(ahead),
    )
    if stress is not None:
        add(
            "stress (104 weeks, seed 1): proven optimal in ≤ 10 s",
            _seconds([stress["proven_seconds"]]),
            _all_at_most([stress["proven_seconds"]], 10.0),
        )
    replan = commands["replan"]
    add(
        "replan of a year, 20 weeks frozen: proven in ≤ 0.5 s (from the solve call)",
        f"{replan['cold']['seconds']:.2f} s ({replan['cold']['status']})",
        replan["cold"]["status"] == "optimal" and replan["cold"]["seconds"] <= 0.5,
    )
    add(
        "roster replace (whole command, one repair): ≤ 1 s",
        f"{replan['replace_command_seconds']:.2f} s"
        + (
            f" (failed: exit {replan['replace_command_exit']})"
            if replan.get("replace_command_exit") == 2
            else ""
        ),
        replan.get("replace_command_exit") != 2 and replan["replace_command_seconds"] <= 1.0,
    )
    served = commands.get("replace_served")
    if served is not None:
        add(
            "  the same, with `roster serve` running (≤ 1 s)",
            f"{served['wall']:.2f} s wall (median of {served['runs']}, exit {served['exit']})",
            2 not in served["exit"] and served["wall"] <= 1.0,
        )
    three, what_if = commands.get("replace_three"), commands.get("year_set")
    if three is not None:
        add(
            "  (no target) roster replace, three repairs (its default), alone",
            f"{three['wall']:.2f} s wall (median of {three['runs']}, exit {three['exit']})",
            None,
        )
    if what_if is not None:
        add(
            "(no target) roster solve of the year with a --set what-if, alone (the round-trip load)",
            f"{what_if['wall']:.2f} s wall, against {y['wall']:.2f} s for the plain file",
            None,
        )
    return table


def _at_limit(row: dict[str, Any], limit: str, best: float | None) -> tuple[float | None, float | None]:
    """The gap to the best known roster of the run with that time limit, and its seconds from the
    solve call (facts, build, search and the choice of the roster returned)."""
    objective, _, _, seconds = row["checkpoints"].get(limit, (None, None, None, None))
    return _gap(objective, best), seconds


def _best_known(row: dict[str, Any]) -> float | None:
    """The optimum when proven, else the best objective either solver found in this run."""
    found = [row["objective"], *(v[0] for v in row["checkpoints"].values())]
    found += [v[0] for v in row.get("highs", {}).values()]
    values = [v for v in found if v is not None]
    return min(values) if values else None


def _highs_proven(row: dict[str, Any]) -> float | None:
    """HiGHS's seconds to a proven optimum: its first run (by time limit) that proved it."""
    for _, (_, _, reason, seconds) in sorted(row.get("highs", {}).items(), key=lambda kv: float(kv[0])):
        if reason == "optimal":
            return float(seconds)
    return None


def _all_at_most(values: list[float | None], bound: float) -> bool:
    return bool(values) and all(v is not None and v <= bound + 1e-12 for v in values)


def main() -> None:
    """Print the targets table again from a results folder of `bench/run.py --targets`."""
    from rich.console import Console

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "results"
    rows = json.loads((folder / "bench.json").read_text())
    commands = json.loads((folder / "targets.json").read_text())
    Console(width=220).print(targets_table(rows, commands))


if __name__ == "__main__":
    main()
