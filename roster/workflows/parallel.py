"""Independent solves side by side: one process per job, results in the order of the items.

`compare` and `regress` solve scenarios that share nothing, each deterministically on one CP-SAT
worker, so running them in separate processes gives exactly the results of running them one
after the other, sooner.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Out = TypeVar("Out")


def cores() -> int:
    """The processors this process may run on: the default number of jobs."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_all(work: Callable[[Item], Out], items: Sequence[Item], jobs: int) -> list[Out]:
    """`work(item)` for every item, in up to `jobs` processes at once; the results in item order.

    With one job (or one item) everything runs in this process. `work` must be a module-level
    function, and items and results must pickle. Worker processes are forked where the platform
    allows (no re-import: a fork starts in milliseconds), else spawned.
    """
    if jobs <= 1 or len(items) <= 1:
        return [work(item) for item in items]
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=min(jobs, len(items)), mp_context=context) as pool:
        return list(pool.map(work, items))
