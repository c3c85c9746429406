"""How long an infeasible year-scale scenario takes to explain (a minimal conflicting set).

python bench/infeasible.py [--seed 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def main() -> None:
    from generate import START, dump, generate

    from roster.loading import load_scenario
    from roster.solving import SolveConfig, solve

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2)
    args = parser.parse_args()
    data = generate("year", args.seed)
    peak = START + dt.timedelta(weeks=30)
    bodies = ["kent-police", "essex-police", "surrey-police", "sussex-police", "cheshire-police"]
    data["inspections"] += [
        {"id": f"extra-{n}", "body": b, "week": peak, "secondees": 2} for n, b in enumerate(bodies)
    ]
    path = Path(tempfile.gettempdir()) / "roster-bench-infeasible-year.yaml"
    path.write_text(dump(data))
    scenario = load_scenario(path)
    started = time.perf_counter()
    roster = solve(scenario, SolveConfig(time_limit=60))
    seconds = time.perf_counter() - started
    conflict = roster.infeasibility or {}
    print(
        f"{len(scenario.inspections)} inspections, {len(scenario.secondees)} secondees, {scenario.weeks} weeks"
    )
    print(f"status {roster.status}; solve and explain in {seconds:.2f} s")
    print(conflict.get("message", "no conflict found"))


if __name__ == "__main__":
    main()
