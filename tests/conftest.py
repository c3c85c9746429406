"""Shared helpers: small scenarios built in code, and a solve that is always checked."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from models import Scenario
from roster.check import check_report, read_tables
from roster.engine import SolveConfig, solve
from roster.result import Roster

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"

# Two weeks of training-free horizon in Kent and Essex; homes given as coordinates.
MAIDSTONE = {"lat": 51.2720, "lon": 0.5290}
CHELMSFORD = {"lat": 51.7356, "lon": 0.4685}
PRESTON = {"lat": 53.7632, "lon": -2.7031}


def person(ident: str, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": ident,
        "service": "lancashire-police",
        "background": "police",
        "rank": "sergeant",
        "home": PRESTON,
    }
    data.update(extra)
    return data


def inspection(ident: str, body: str = "kent-police", **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"id": ident, "body": body, "secondees": 1}
    data.update(extra)
    return data


def make(
    weeks: int = 4, inspections: list[Any] | None = None, secondees: list[Any] | None = None, **extra: Any
) -> Scenario:
    data: dict[str, Any] = {
        "name": "test",
        "start": "2026-09-07",
        "weeks": weeks,
        "inspections": inspections or [],
        "secondees": secondees or [],
    }
    data.update(copy.deepcopy(extra))
    return Scenario.model_validate(data)


def monday(week: int) -> str:
    import datetime as dt

    return (dt.date(2026, 9, 7) + dt.timedelta(weeks=week)).isoformat()


DETERMINISTIC = SolveConfig(deterministic=True, seed=0, deterministic_limit=20.0)


def solve_checked(scenario: Scenario, out: Path, config: SolveConfig = DETERMINISTIC) -> Roster:
    """Solve deterministically, write the files, and run the independent checker on them."""
    roster = solve(scenario, config)
    assert roster.status in ("optimal", "feasible"), roster.status
    roster.write(out)
    report = check_report(scenario, read_tables(out))
    assert report.violations == [], report.violations
    assert report.objective == roster.objective == roster.summary["objective"]
    assert sum(roster.summary["cost_terms"].values()) == roster.objective
    return roster


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "out"
