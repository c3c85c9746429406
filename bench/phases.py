"""Where the time of one `roster solve` goes: each phase of the real command, timed in process.

    python bench/phases.py SCENARIO [solve options...]        # e.g. /tmp/year.yaml --quiet
    python bench/phases.py SCENARIO --repeat 5 [options...]   # medians of 5 fresh processes

The command runs as the user runs it (`cli.app` with the same arguments); the functions it calls
are wrapped with timers: loading (YAML, validation), facts and model build, the CP-SAT search,
choosing the roster, the tables, writing the folder, printing. Wall seconds (perf_counter) and
CPU seconds (all threads, process_time) per phase go to stderr as one JSON line; what the command
prints goes to /dev/null. The process start and interpreter teardown are not inside: time the
whole command from outside for those (`/usr/bin/time -v roster solve ...`).
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()
CPU_STARTED = time.process_time()

import contextlib  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

WALL: dict[str, float] = {}
CPU: dict[str, float] = {}


def timed(owner: Any, name: str, label: str) -> None:
    """Replace `owner.name` with a wrapper adding its wall and CPU seconds under `label`."""
    inner: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return inner(*args, **kwargs)
        finally:
            WALL[label] = WALL.get(label, 0.0) + time.perf_counter() - wall
            CPU[label] = CPU.get(label, 0.0) + time.process_time() - cpu

    setattr(owner, name, wrapper)


def once(argv: list[str]) -> dict[str, dict[str, float]]:
    wall, cpu = time.perf_counter(), time.process_time()
    import cli
    from roster.outputs import tables
    from roster.solving import engine

    WALL["interpreter and imports"] = time.perf_counter() - STARTED
    CPU["interpreter and imports"] = time.process_time() - CPU_STARTED
    del wall, cpu
    timed(cli, "_load", "load scenario")
    from roster.facts import Facts

    timed(Facts, "__init__", "facts")
    timed(engine, "build", "model build")
    timed(engine, "search", "search (CP-SAT)")
    timed(engine, "decide", "decide (fallback)")
    timed(engine, "read_back", "read back")
    timed(tables.Tables, "files", "tables and summary")
    timed(cli, "write_folder", "write folder")
    timed(cli, "show_roster", "print")
    timed(cli, "show_changes", "print")
    wall, cpu = time.perf_counter(), time.process_time()
    with open("/dev/null", "w") as sink, contextlib.redirect_stdout(sink):
        cli.console.file = sink
        try:
            cli.app(["solve", *argv], standalone_mode=False)
        except SystemExit:
            pass
        except Exception as exc:  # typer.Exit
            if type(exc).__name__ != "Exit":
                raise
    total_wall, total_cpu = time.perf_counter() - wall, time.process_time() - cpu
    inside_wall = sum(v for k, v in WALL.items() if k != "interpreter and imports")
    inside_cpu = sum(v for k, v in CPU.items() if k != "interpreter and imports")
    WALL["rest of the command"] = total_wall - inside_wall
    CPU["rest of the command"] = total_cpu - inside_cpu
    WALL["total in process"] = time.perf_counter() - STARTED
    CPU["total in process"] = time.process_time() - CPU_STARTED
    return {"wall": WALL, "cpu": CPU}


def main() -> None:
    args = sys.argv[1:]
    if "--repeat" not in args:
        print(json.dumps(once(args)), file=sys.stderr)
        return
    at = args.index("--repeat")
    repeat = int(args[at + 1])
    rest = args[:at] + args[at + 2 :]
    runs = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, __file__, *rest], capture_output=True, text=True, check=False)
        runs.append(json.loads(done.stderr.strip().splitlines()[-1]))
    labels = list(runs[0]["wall"])
    width = max(len(label) for label in labels)
    print(f"{'phase':<{width}}  wall s (median)  cpu s (median)   [{repeat} processes]")
    for label in labels:
        wall = statistics.median(r["wall"].get(label, 0.0) for r in runs)
        cpu = statistics.median(r["cpu"].get(label, 0.0) for r in runs)
        print(f"{label:<{width}}  {wall:15.3f}  {cpu:14.3f}")


if __name__ == "__main__":
    main()
