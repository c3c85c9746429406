"""Solving: the CP-SAT search over the model of `constraints`, its fallback, and its result."""

from roster.solving.config import ConfigError, Progress, SolveConfig
from roster.solving.engine import solve
from roster.solving.result import Result, Status

__all__ = ["ConfigError", "Progress", "Result", "SolveConfig", "Status", "solve"]
