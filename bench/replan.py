"""Benchmark replanning a published roster at year scale, and the quick repair.

    python bench/replan.py                    # year seeds 1-3
    python bench/replan.py --seeds 1,2,3,4,5

For each seed: a 52-week programme is solved and its roster published; then 20 weeks pass
(`frozen_before` is week 21), three secondees leave (their secondment ends before week 21), two
join (seconded from week 21) and one inspection is added. The replan is solved cold (no hint)
and warm (from the published roster), each to a proven optimum, with the seconds from the solve
call (facts and model build included) and the changes it makes; beside it, a solve of the same
changed programme that ignores the published roster, and the changes it would make. Then
`roster replace` takes one secondee off one inspection after week 21: the seconds to the best
repair, to three, and of the whole command. Figures vary with the machine's load: compare the
ratios measured in the same run.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

FROZEN_WEEKS = 20


def changed_programme(
    data: dict[str, Any], published: list[tuple[str, str, int]], seed: int
) -> dict[str, Any]:
    """Three leavers, two joiners and one new inspection, 20 weeks into the published programme."""
    start = dt.date.fromisoformat(str(data["start"]))
    first = start + dt.timedelta(weeks=FROZEN_WEEKS)
    changed = copy.deepcopy(data)
    before = {s for s, _, w in published if w < FROZEN_WEEKS}
    after = {s for s, _, w in published if w >= FROZEN_WEEKS}
    leavers = sorted(before & after)[seed % 7 :: 11][:3]
    for person in changed["secondees"]:
        if person["id"] in leavers:
            person["available"] = [
                str(person.get("available", [start])[0]),
                str(first - dt.timedelta(days=3)),
            ]
    for n in range(2):
        joiner = copy.deepcopy(
            next(p for p in changed["secondees"] if p["id"] in after and p["id"] not in leavers)
        )
        joiner |= {"id": f"new-{n + 1}", "name": f"New {n + 1}", "inspections_done": 0}
        joiner["available"] = [str(first), str(first + dt.timedelta(weeks=12, days=-3))]
        joiner["trained"] = str(first - dt.timedelta(days=7))
        joiner.pop("away", None)
        changed["secondees"].append(joiner)
    busy = first + dt.timedelta(weeks=6)
    changed["inspections"].append(
        {
            "id": "added-1",
            "body": "kent-police",
            "window": [str(busy), str(busy + dt.timedelta(weeks=2))],
            "secondees": 2,
        }
    )
    changed["baseline"] = {"roster": "published.csv", "frozen_before": str(first)}
    changed["name"] = f"{data['name']}: replanned at week {FROZEN_WEEKS + 1}"
    return changed


def timed_solve(scenario: Any, **config: Any) -> dict[str, Any]:
    from roster.costing import evaluate
    from roster.facts import Facts
    from roster.solving import SolveConfig, solve

    started = time.perf_counter()
    facts = Facts(scenario)
    result = solve(facts, SolveConfig(time_limit=120, **config))
    seconds = time.perf_counter() - started
    evaluation = evaluate(facts, result.assignments, result.weeks)
    return {
        "seconds": seconds,
        "search_seconds": result.seconds,
        "status": result.status.value,
        "objective": result.objective,
        "changes": len(evaluation.changes),
        "moves": len(evaluation.moves),
        "start": result.model.get("start"),
    }


def measure(seed: int) -> dict[str, Any]:
    from generate import dump, generate

    from roster.costing import placed
    from roster.facts import Facts
    from roster.history import list_changes, moved_inspections
    from roster.loading import Overrides, load_scenario
    from roster.solving import SolveConfig, solve
    from roster.workflows.replace import repairs

    folder = Path(tempfile.mkdtemp(prefix=f"roster-replan-{seed}-"))
    data = generate("year", seed)
    (folder / "programme.yaml").write_text(dump(data))
    programme = load_scenario(folder / "programme.yaml")
    first = solve(programme, SolveConfig(time_limit=120))
    rows = sorted(first.assignments, key=lambda t: (t[2], t[1], t[0]))
    (folder / "published.csv").write_text(
        "inspection,week,secondee\n" + "".join(f"{i},{programme.monday(w)},{s}\n" for s, i, w in rows)
    )
    changed = changed_programme(data, rows, seed)
    (folder / "replan.yaml").write_text(dump(changed))
    replan = load_scenario(folder / "replan.yaml")
    row: dict[str, Any] = {"seed": seed, "folder": str(folder), "published_rows": len(rows)}
    row["frozen_rows"] = len(Facts(replan).frozen)
    row["cold"] = timed_solve(replan, warm_start=False)
    row["warm"] = timed_solve(replan, warm_start=True)
    ignoring = replan.model_copy(update={"baseline": None})
    ignoring.set_published(None)
    facts = Facts(replan)
    naive = solve(ignoring, SolveConfig(time_limit=120))
    naive_rows = placed(facts, naive.assignments)
    row["ignoring_history"] = {
        "changes": len(list_changes(facts.published, naive_rows, None)),
        "changes_from_frozen_before": len(list_changes(facts.published, naive_rows, facts.frozen_before)),
        "moves": len(moved_inspections(facts.published_weeks, dict(naive.weeks), None)),
    }
    # the quick repair: one secondee off one inspection after frozen_before, on the published
    # roster's folder as `roster solve` writes it
    from roster.outputs.folder import write_folder
    from roster.outputs.tables import Tables

    write_folder(folder / "solved", Tables(Facts(programme), first).files())
    in_hand = load_scenario(folder / "programme.yaml", Overrides(baseline=str(folder / "solved")))
    late = [t for t in rows if t[2] >= FROZEN_WEEKS + 4]
    who, inspection, _ = late[len(late) // 2]
    for count in (1, 3):
        started = time.perf_counter()
        found = repairs(in_hand, who, inspection, count=count)
        row[f"replace_{count}"] = {
            "seconds": time.perf_counter() - started,
            "found": len(found),
            "statuses": [r.result.status.value for r in found],
            "extra": [r.extra for r in found],
        }
    row["replace_args"] = [
        "replace",
        str(folder / "solved"),
        who,
        "--inspection",
        inspection,
        "--alternatives",
        "1",
    ]
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(HERE.parent / "cli.py"), *row["replace_args"]], capture_output=True, text=True
    )
    row["replace_command_seconds"] = time.perf_counter() - started
    row["replace_command_exit"] = done.returncode
    if done.returncode not in (0, 1):  # 1: written, with the programme's shortfalls
        raise SystemExit(f"roster replace failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--results", type=Path, default=HERE / "results")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(measure(args.one)))
        return
    from rich.console import Console
    from rich.table import Table

    rows = []
    for seed in (int(s) for s in args.seeds.split(",")):
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(seed)], check=True, capture_output=True, text=True
        )
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    table = Table(
        title=f"Replanning a 52-week programme {FROZEN_WEEKS} weeks in: 3 leave, 2 join, 1 inspection added"
    )
    for title in (
        "seed",
        "frozen rows",
        "cold s",
        "warm s",
        "status",
        "objective",
        "changes",
        "moves",
        "ignoring history: changes (from week 21)",
        "replace 1 s",
        "replace 3 s",
        "replace command s",
    ):
        table.add_column(title, justify="right")
    for r in rows:
        table.add_row(
            str(r["seed"]),
            str(r["frozen_rows"]),
            f"{r['cold']['seconds']:.2f}",
            f"{r['warm']['seconds']:.2f}",
            f"{r['cold']['status']} / {r['warm']['status']}",
            f"{r['warm']['objective']:,}",
            str(r["warm"]["changes"]),
            str(r["warm"]["moves"]),
            f"{r['ignoring_history']['changes']} ({r['ignoring_history']['changes_from_frozen_before']})",
            f"{r['replace_1']['seconds']:.2f}",
            f"{r['replace_3']['seconds']:.2f}",
            f"{r['replace_command_seconds']:.2f}",
        )
    console = Console(width=200)
    console.print(table)
    for key in ("cold", "warm"):
        console.print(f"{key}: median {statistics.median(r[key]['seconds'] for r in rows):.2f} s")
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "replan.json").write_text(json.dumps(rows, indent=2))
    console.print(f"figures: {args.results / 'replan.json'}")


if __name__ == "__main__":
    main()
