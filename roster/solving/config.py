"""How to search: the solver's settings, checked before anything is built."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

if TYPE_CHECKING:
    from roster.solving.result import Result

MAX_WORKERS = 64
MAX_SEED = 2**31 - 1  # CP-SAT's random seed is a 32-bit integer


class ConfigError(ValueError):
    """A solver setting out of range, named by its command-line option."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"{option}: {message}")
        self.option = option
        self.message = message


@dataclass(frozen=True)
class Progress:
    """One improvement seen during the search."""

    seconds: float
    objective: float
    bound: float

    @property
    def gap(self) -> float:
        return (self.objective - self.bound) / max(1.0, abs(self.objective))


@dataclass
class SolveConfig:
    """How to search.

    Parameters
    ----------
    time_limit
        Wall-clock seconds from the solve call: the model's build and the search, the LP rounding
        beside it included (ignored in deterministic mode, which uses
        `deterministic_limit`). 0 returns the fallback roster at once.
    workers
        Parallel CP-SAT workers.
    seed
        Random seed of the search.
    deterministic
        One worker, fixed seed and a deterministic time limit: identical output run after run.
    deterministic_limit
        Deterministic time units allowed in deterministic mode.
    subsolvers
        The full CP-SAT subsolvers, chosen from measurements (README). With 2 workers CP-SAT runs
        `max_lp` and one thread of interleaved neighbourhood search; a third worker adds `core`.
    presolve
        Run CP-SAT's presolve. Off by default: on these models it costs more than it saves
        (the bench's year scenario proves in about 1 s of CP-SAT time without it, 2-3 s with it).
    gap
        Stop once the roster is within this fraction of the bound (0.001 is 0.1%); 0 proves the
        optimum. A roster returned at the gap is "feasible", never "optimal".
    log
        Print CP-SAT's own search log.
    on_progress
        Called with each improvement (from the solver's thread).
    on_search
        Called once as the search begins, from the caller's thread: the CLI starts importing
        pandas then (`roster.deferred`), while CP-SAT, which leaves Python free, searches.
    previous
        A roster to start from (a warm start): every variable is hinted from it.
    warm_start
        When replanning a published roster and no `previous` is given, hint the published roster.
        Off by default: bench/replan.py measured the hinted solve slower (making the hint
        complete costs a solve of its own, and the LP-guided dive then follows the published
        roster before it finds the optimum). Cold or not, a replan stopped before its proof may
        return the published roster when it is the cheapest in hand.
    lp_rounding
        On a large model (3,000 assignment variables or more, e.g. a year), round its LP
        relaxation (`roster.solving.dive`) beside a wall-clock search in the last seconds before
        its limit, or after a search stopped earlier more than 0.5% above its bound: a stop in
        the first seconds then returns a roster 0.0-0.3% above the optimum instead of the greedy
        one, 18-29% above. Needs `highspy`; skipped without it.
    """

    time_limit: float = 60.0
    workers: int = 2
    seed: int = 0
    deterministic: bool = False
    deterministic_limit: float = 30.0
    subsolvers: tuple[str, ...] = ("max_lp", "core")
    presolve: bool = False
    gap: float = 0.0
    log: bool = False
    on_progress: Callable[[Progress], None] | None = field(default=None, repr=False, compare=False)
    on_search: Callable[[], object] | None = field(default=None, repr=False, compare=False)
    previous: Result | None = field(default=None, repr=False, compare=False)
    warm_start: bool = False
    lp_rounding: bool = True

    def __post_init__(self) -> None:
        if not (math.isfinite(self.time_limit) and self.time_limit >= 0):
            raise ConfigError("--time-limit", f"expected seconds, 0 or more; found {self.time_limit}")
        if not 1 <= self.workers <= MAX_WORKERS:
            raise ConfigError("--workers", f"expected 1 to {MAX_WORKERS} workers; found {self.workers}")
        if not 0 <= self.seed <= MAX_SEED:
            raise ConfigError("--seed", f"expected a seed from 0 to {MAX_SEED:,}; found {self.seed}")
        if not (0 <= self.gap < 1):  # also refuses nan
            raise ConfigError(
                "--gap", f"expected a fraction from 0 to below 1 (0.001 is 0.1%); found {self.gap}"
            )
        if not (math.isfinite(self.deterministic_limit) and self.deterministic_limit >= 0):
            raise ConfigError(
                "--time-limit",
                f"expected deterministic time units, 0 or more; found {self.deterministic_limit}",
            )

    def parameters(self) -> cp_model.SatParameters:
        params = cp_model.SatParameters()
        params.random_seed = self.seed
        params.log_search_progress = self.log
        params.catch_sigint_signal = False  # the engine stops the search itself (SIGINT and SIGTERM)
        params.cp_model_presolve = self.presolve
        params.relative_gap_limit = self.gap
        if self.deterministic:
            params.num_workers = 1
            params.max_deterministic_time = self.deterministic_limit
        else:
            params.num_workers = self.workers
            params.max_time_in_seconds = self.time_limit
            if self.workers > 1 and self.subsolvers:
                params.subsolvers.extend(self.subsolvers)
        if params.num_workers == 1:
            # One worker: the LP relaxation with cuts is what proves these models quickly, as
            # the `max_lp` subsolver does (bundled cohort: 0.4 s instead of 2.1 s with the
            # default linearization; a year scenario 1.5 s instead of 32 s).
            params.linearization_level = 2
        return params

    def describe(self) -> dict[str, object]:
        """The settings as `summary.json` records them."""
        return {
            "seed": self.seed,
            "workers": 1 if self.deterministic else self.workers,
            "time_limit": self.deterministic_limit if self.deterministic else self.time_limit,
            "deterministic": self.deterministic,
            **({"gap": self.gap} if self.gap else {}),
        }
