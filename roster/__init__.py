"""roster: rostering short-term secondees onto HMICFRS inspections with OR-Tools CP-SAT."""

from roster.check import Violation, check
from roster.engine import SolveConfig, solve
from roster.facts import Arrangement, Facts, Reason
from roster.loading import Problem, ScenarioError, load_scenario
from roster.result import Roster

__all__ = [
    "Arrangement",
    "Facts",
    "Problem",
    "Reason",
    "Roster",
    "ScenarioError",
    "SolveConfig",
    "Violation",
    "check",
    "load_scenario",
    "solve",
]
