"""What a solve returns: a small value, the status, the cost and the roster itself.

The derived tables, the summary and the files live beside it, in `roster.outputs`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Triple = tuple[str, str, int]
"""(secondee, inspection, week index)."""


class Status(enum.StrEnum):
    """How a solve ended (`summary.json` `status`)."""

    OPTIMAL = "optimal"  # a roster, proven to cost the least
    FEASIBLE = "feasible"  # a roster that meets every hard rule, not proven the cheapest
    INFEASIBLE = "infeasible"  # proven: no roster meets every hard rule
    UNKNOWN = "unknown"  # stopped before any roster was found

    @property
    def has_roster(self) -> bool:
        return self in (Status.OPTIMAL, Status.FEASIBLE)


@dataclass(frozen=True)
class Result:
    """The outcome of one solve, or of a roster read back from an output folder.

    Parameters
    ----------
    status
        How the solve ended.
    weeks
        The week index each inspection runs in.
    assignments
        The roster: (secondee, inspection, week) triples.
    objective
        The cost of the roster in whole pounds (recomputed from the roster), None without one.
    best_bound
        The solver's proven lower bound on the cost, when it has one.
    seconds
        Seconds spent searching (the solver's deterministic time in deterministic mode).
    solver
        The search settings used (`summary.json` `solver`).
    model
        The size of the model and how the search started (`summary.json` `model`).
    infeasibility
        When no roster can meet the hard rules: the conflicting requirements and what to relax.
    """

    status: Status
    weeks: Mapping[str, int] = field(default_factory=dict)
    assignments: tuple[Triple, ...] = ()
    objective: int | None = None
    best_bound: float | None = None
    seconds: float = 0.0
    solver: Mapping[str, Any] = field(default_factory=dict)
    model: Mapping[str, Any] = field(default_factory=dict)
    infeasibility: Mapping[str, Any] | None = None

    @property
    def has_roster(self) -> bool:
        return self.status.has_roster

    @property
    def gap(self) -> float | None:
        """`(objective - best_bound) / max(1, objective)`, None without both."""
        if self.objective is None or self.best_bound is None:
            return None
        return (self.objective - self.best_bound) / max(1, self.objective)
