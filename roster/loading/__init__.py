"""Loading: scenario files (YAML, with what-if variants) into a validated `models.Scenario`.

Every problem found names the file, the line, the key, what was expected and a hint.
"""

from roster.loading.errors import Problem, ScenarioError
from roster.loading.reader import Overrides, load_scenario

__all__ = ["Overrides", "Problem", "ScenarioError", "load_scenario"]
