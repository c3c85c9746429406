"""The CI regression: re-solve every sample deterministically, check it, compare it with its baseline.

The samples are independent: with `jobs` > 1 they are solved in parallel processes
(`roster.workflows.parallel`), with exactly the results of a serial run. `write_junit` reports
the outcome as JUnit XML, one test case per sample, for any CI system.
"""

from __future__ import annotations

import json
import os
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models import Scenario
from roster.analysis.check import check_report
from roster.facts import Facts
from roster.loading import load_scenario
from roster.outputs.folder import tables_from_files
from roster.outputs.tables import Tables
from roster.solving import SolveConfig, solve
from roster.workflows.parallel import run_all


@dataclass
class Regression:
    """The outcome of re-solving one sample against its baseline."""

    scenario: str
    objective: int | None
    best_bound: float | None
    baseline: dict[str, Any] | None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0  # wall-clock seconds to solve and check the sample
    status: str = ""
    shortfalls: int = 0

    @property
    def passed(self) -> bool:
        return not self.problems


def samples(root: Path) -> list[Path]:
    return [
        *sorted(root.glob("*.yaml")),
        *sorted((root / "whatif").glob("*.yaml")),
        *sorted((root / "replan").glob("*.yaml")),
    ]


def baseline_path(root: Path, scenario: Path) -> Path:
    name = scenario.relative_to(root).with_suffix(".json").as_posix().replace("/", "--")
    return root / "baselines" / name


def regress(
    root: Path, update: bool = False, config: SolveConfig | None = None, jobs: int = 1
) -> list[Regression]:
    """Re-solve every sample deterministically, check it, and compare it with its baseline.

    Every sample is loaded before any is solved (a bad one raises `ScenarioError` at once); the
    solves run in up to `jobs` processes. Baselines are read and (with `update`) written here, in
    this process, one sample after the other.
    """
    config = config or SolveConfig(deterministic=True)
    paths = samples(root)
    work = [(str(path.relative_to(root)), load_scenario(path), config) for path in paths]
    solved = run_all(solve_sample, work, jobs)
    for path, item in zip(paths, solved, strict=True):
        against_baseline(item, baseline_path(root, path), update)
    return solved


def solve_sample(work: tuple[str, Scenario, SolveConfig]) -> Regression:
    """Solve one sample and check its roster in memory (the files a solve would write, read back
    as `roster check` reads them); the baseline is compared later."""
    name, scenario, config = work
    started = time.perf_counter()
    facts = Facts(scenario)
    roster = solve(facts, config)
    tables = Tables(facts, roster)
    item = Regression(name, roster.objective, roster.best_bound, None, status=str(roster.status))
    item.shortfalls = sum(s.places + s.experienced_missing for s in tables.shortfalls)
    if not roster.has_roster:
        item.problems.append(f"no roster: status {roster.status}")
    else:
        report = check_report(scenario, tables_from_files(tables.files()))
        item.problems += [f"rule broken: {v.rule}: {v.message}" for v in report.violations]
    item.seconds = time.perf_counter() - started
    return item


def against_baseline(item: Regression, file: Path, update: bool) -> None:
    """Compare a solved sample with its baseline file; with `update`, rewrite the file (never a
    file that is not a baseline roster wrote)."""
    base = read_baseline(file, item.problems) if file.exists() else None
    if base is not None:
        item.baseline = base
        if item.objective is not None and item.objective > base["objective"]:
            more = item.objective - base["objective"]
            share = f" ({more / base['objective']:+.2%})" if base["objective"] else ""
            item.problems.append(
                f"objective £{item.objective:,} is worse than the baseline £{base['objective']:,}"
                f" by £{more:,}{share}"
            )
        elif item.objective is not None and item.objective < base["objective"]:
            item.notes.append(
                f"objective £{item.objective:,} is better than the baseline £{base['objective']:,}"
            )
        if item.shortfalls > base.get("shortfalls", 0):
            item.problems.append(
                f"{item.shortfalls} shortfall(s), the baseline had {base.get('shortfalls', 0)}"
            )
    elif not update and not file.exists():
        item.problems.append(f"no baseline at {file} (run `roster regress --update`)")
    foreign = file.exists() and base is None  # not a baseline: never overwritten
    if (
        update
        and item.objective is not None
        and not foreign
        and not any(p.startswith("rule broken") for p in item.problems)
    ):
        record = {
            "objective": item.objective,
            "best_bound": item.best_bound,
            "status": item.status,
            "shortfalls": item.shortfalls,
        }
        _write_baseline(file, record, item)


def read_baseline(file: Path, problems: list[str]) -> dict[str, Any] | None:
    """A baseline file, or None with the reason in `problems` when it is not one roster wrote."""
    try:
        base = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        problems.append(
            f"baseline {file} cannot be read ({getattr(exc, 'strerror', None) or exc}): fix or delete it, then `roster regress --update`"
        )
        return None
    if (
        not isinstance(base, dict)
        or not _whole(base.get("objective"))
        or not _whole(base.get("shortfalls", 0))
    ):
        problems.append(
            f"baseline {file} is not one roster wrote (expected {{objective, shortfalls, ...}}):"
            " fix or delete it, then `roster regress --update`"
        )
        return None
    return base


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _write_baseline(file: Path, record: dict[str, Any], item: Regression) -> None:
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        item.problems.append(f"baseline {file} cannot be written ({exc.strerror or exc})")
        return
    item.problems = [p for p in item.problems if not p.startswith(("objective", "no baseline"))]
    item.notes.append(f"baseline written: {file.name}")


def junit(results: list[Regression], name: str = "roster regress") -> str:
    """The results as JUnit XML: one test case per sample, a failure naming what got worse."""
    suite = ET.Element(
        "testsuite",
        name=name,
        tests=str(len(results)),
        failures=str(sum(not r.passed for r in results)),
        errors="0",
        skipped="0",
        time=f"{sum(r.seconds for r in results):.3f}",
    )
    for r in results:
        case = ET.SubElement(
            suite, "testcase", classname="roster.regress", name=r.scenario, time=f"{r.seconds:.3f}"
        )
        if not r.passed:
            failure = ET.SubElement(case, "failure", message=f"{r.scenario}: " + "; ".join(r.problems))
            failure.set("type", "regression")
            failure.text = "\n".join([*r.problems, *r.notes])
        outcome = f"status {r.status}, objective " + (f"£{r.objective:,}" if r.objective is not None else "-")
        if r.baseline:
            outcome += f", baseline £{r.baseline['objective']:,}"
        ET.SubElement(case, "system-out").text = "\n".join([outcome, *r.notes])
    root = ET.Element(
        "testsuites", name=name, tests=suite.get("tests", "0"), failures=suite.get("failures", "0")
    )
    root.append(suite)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def write_junit(results: list[Regression], path: Path) -> None:
    """Write the JUnit XML report to `path`, whole or not at all (a temporary file renamed)."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        partial.write_text(junit(results), encoding="utf-8")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
