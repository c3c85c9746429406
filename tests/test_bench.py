"""The benchmark and its generator keep working (speed itself is measured by bench/run.py, not here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))


@pytest.mark.parametrize("size", ["small", "cohort", "year", "stress"])
def test_generated_scenarios_load(size: str, tmp_path: Path) -> None:
    from generate import dump, generate  # type: ignore[import-not-found]

    from roster.loading import load_scenario

    path = tmp_path / f"{size}.yaml"
    path.write_text(dump(generate(size, seed=2)))
    scenario = load_scenario(path)
    assert scenario.inspections and scenario.secondees
    assert any(s.carer for s in scenario.secondees) or size == "small"


def test_benchmark_prints_its_tables_and_writes_the_plot(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--sizes",
            "small",
            "--seeds",
            "1,2",
            "--time-limit",
            "20",
            "--resolve",
            "--results",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "HiGHS" in done.stdout and "drops out" in done.stdout
    rows = json.loads((tmp_path / "bench.json").read_text())
    assert [r["seed"] for r in rows] == [1, 2]
    for row in rows:
        # both solvers prove these tiny scenarios, and agree on the optimum
        assert row["status"] == "optimal" and row["gap"] == 0
        for objective, bound, status, _ in (row["checkpoints"]["1.0"], row["highs"]["1.0"]):
            # stopped at 1 s of wall-clock on a busy machine, a run may not have finished its proof
            assert bound <= row["objective"] <= objective
            assert status != "optimal" or objective == bound == row["objective"]
        assert row["greedy_cost"] >= row["objective"]
        assert row["resolve"]["cold"]["objective"] == row["resolve"]["warm"]["objective"]
    assert (tmp_path / "scaling.svg").read_text().startswith("<svg")
