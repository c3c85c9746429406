"""Solving: the CP-SAT search over the model of `constraints`, its fallback, and its result."""

from roster.solving.config import ConfigError, Progress, SolveConfig
from roster.solving.engine import Built, solve, solve_keeping
from roster.solving.result import Result, Status

__all__ = ["Built", "ConfigError", "Progress", "Result", "SolveConfig", "Status", "solve", "solve_keeping"]
