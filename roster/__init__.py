"""roster: rostering short-term secondees onto HMICFRS inspections with OR-Tools CP-SAT.

The data flows one way: a scenario file is loaded (`roster.loading`) into validated models
(`models`); the facts are derived once (`roster.facts`); the model of every rule is built
(`constraints`) and searched (`roster.solving`), giving a `Result`; the tables, the output folder
and the reports follow (`roster.outputs`); the checker and the explanations judge any roster
(`roster.analysis`). See docs/architecture.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from roster.analysis.check import Violation, check
    from roster.facts import Arrangement, Facts, Reason
    from roster.loading import Problem, ScenarioError, load_scenario
    from roster.outputs.tables import Tables
    from roster.solving import Result, SolveConfig, Status, solve

# The public names, imported when first used: `import roster.labels` stays light, and the layers
# below `roster` (models, constraints) may import its foundations without a cycle.
_EXPORTS = {
    "Violation": "roster.analysis.check",
    "check": "roster.analysis.check",
    "Arrangement": "roster.facts",
    "Facts": "roster.facts",
    "Reason": "roster.facts",
    "Problem": "roster.loading",
    "ScenarioError": "roster.loading",
    "load_scenario": "roster.loading",
    "Tables": "roster.outputs.tables",
    "Result": "roster.solving",
    "SolveConfig": "roster.solving",
    "Status": "roster.solving",
    "solve": "roster.solving",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'roster' has no attribute {name!r}")


__all__ = [
    "Arrangement",
    "Facts",
    "Problem",
    "Reason",
    "Result",
    "ScenarioError",
    "SolveConfig",
    "Status",
    "Tables",
    "Violation",
    "check",
    "load_scenario",
    "solve",
]
