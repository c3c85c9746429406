"""Shared helpers: small scenarios built in code, and a solve that is always checked."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from models import Scenario
from roster.analysis.check import check_report
from roster.facts import Facts
from roster.outputs.folder import read_tables, write_folder
from roster.outputs.tables import Tables
from roster.solving import SolveConfig, solve

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


class Solved(Tables):
    """A checked solve: the tables, with the result's fields at hand for assertions."""

    @property
    def status(self) -> str:
        return self.result.status.value

    @property
    def objective(self) -> int | None:
        return self.result.objective

    @property
    def best_bound(self) -> float | None:
        return self.result.best_bound

    @property
    def assignments(self) -> tuple[tuple[str, str, int], ...]:
        return self.result.assignments

    @property
    def cost_terms(self) -> dict[str, int]:
        return dict(self.evaluation.terms)


def solve_checked(scenario: Scenario, out: Path, config: SolveConfig = DETERMINISTIC) -> Solved:
    """Solve deterministically, write the files, and run the independent checker on them."""
    facts = Facts(scenario)
    result = solve(facts, config)
    assert result.has_roster, result.status
    solved = Solved(facts, result)
    write_folder(out, solved.files())
    report = check_report(scenario, read_tables(out))
    assert report.violations == [], report.violations
    assert report.objective == result.objective == solved.summary["objective"]
    assert sum(solved.summary["cost_terms"].values()) == result.objective
    return solved


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "out"


def start_year_solve(
    tmp_path: Path, command: list[str] | None = None, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], Path, Path]:
    """A 52-week solve (`command`, default `python cli.py`) in a subprocess, returned once its
    search has found a first roster: the process, the scenario and the output folder."""
    scenario = tmp_path / "year.yaml"
    generated = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), "year", "--seed", "3"],
        check=True,
        capture_output=True,
        text=True,
    )
    scenario.write_text(generated.stdout)
    out = tmp_path / "out"
    roster = command or [sys.executable, str(ROOT / "cli.py")]
    process = subprocess.Popen(
        [*roster, "solve", str(scenario), "--out", str(out), "--time-limit", "120", "--workers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**(env or os.environ), "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    for line in process.stdout:  # the search reports its first roster: stop it from then on
        if b"objective" in line:
            break
    return process, scenario, out
