"""roster: rostering short-term secondees onto HMICFRS inspections with OR-Tools CP-SAT."""

from roster.facts import Arrangement, Facts, Reason
from roster.loading import Problem, ScenarioError, load_scenario

__all__ = ["Arrangement", "Facts", "Problem", "Reason", "ScenarioError", "load_scenario"]
