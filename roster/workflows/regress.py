"""The CI regression: re-solve every sample deterministically, check it, compare it with its baseline."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from roster.analysis.check import check_report
from roster.facts import Facts
from roster.loading import load_scenario
from roster.outputs.folder import read_tables, write_folder
from roster.outputs.tables import Tables
from roster.solving import SolveConfig, solve


@dataclass
class Regression:
    """The outcome of re-solving one sample against its baseline."""

    scenario: str
    objective: int | None
    best_bound: float | None
    baseline: dict[str, Any] | None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

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


def regress(root: Path, update: bool = False, config: SolveConfig | None = None) -> list[Regression]:
    """Re-solve every sample deterministically, check it, and compare it with its baseline."""
    config = config or SolveConfig(deterministic=True)
    results = []
    for path in samples(root):
        scenario = load_scenario(path)
        facts = Facts(scenario)
        roster = solve(facts, config)
        tables = Tables(facts, roster)
        shortfalls = sum(s.places + s.experienced_missing for s in tables.shortfalls)
        item = Regression(str(path.relative_to(root)), roster.objective, roster.best_bound, None)
        if not roster.has_roster:
            item.problems.append(f"no roster: status {roster.status}")
        else:
            with tempfile.TemporaryDirectory() as tmp:
                write_folder(Path(tmp) / "out", tables.files())
                report = check_report(scenario, read_tables(Path(tmp) / "out"))
            item.problems += [f"rule broken: {v.rule}: {v.message}" for v in report.violations]
        file = baseline_path(root, path)
        base = read_baseline(file, item.problems) if file.exists() else None
        if base is not None:
            item.baseline = base
            if roster.objective is not None and roster.objective > base["objective"]:
                item.problems.append(
                    f"objective £{roster.objective:,} is worse than the baseline £{base['objective']:,}"
                )
            elif roster.objective is not None and roster.objective < base["objective"]:
                item.notes.append(
                    f"objective £{roster.objective:,} is better than the baseline £{base['objective']:,}"
                )
            if shortfalls > base.get("shortfalls", 0):
                item.problems.append(
                    f"{shortfalls} shortfall(s), the baseline had {base.get('shortfalls', 0)}"
                )
        elif not update and not file.exists():
            item.problems.append(f"no baseline at {file} (run `roster regress --update`)")
        foreign = file.exists() and base is None  # not a baseline: never overwritten
        if (
            update
            and roster.has_roster
            and not foreign
            and not any(p.startswith("rule broken") for p in item.problems)
        ):
            record = {
                "objective": roster.objective,
                "best_bound": roster.best_bound,
                "status": roster.status,
                "shortfalls": shortfalls,
            }
            _write_baseline(file, record, item)
        results.append(item)
    return results


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
