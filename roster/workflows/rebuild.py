"""Rebuild every output file from a roster edited by hand: the hotel plan, weeks, summary, reports.

The roster is read as its rows (`inspection`, `week`, `secondee`; other columns are recomputed
from the rules) and judged by the independent checker. A roster that breaks a rule is still
rebuilt, because the resourcing lead needs its files, and its summary records the rules broken;
rows that name unknown ids or weeks that are not Mondays of the horizon are bad input instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from models import Scenario
from roster.analysis.check import REQUIRED, CheckReport, Violation, check_report
from roster.costing import evaluate
from roster.facts import Facts
from roster.outputs.tables import Tables
from roster.solving.result import Result, Status, Triple

if TYPE_CHECKING:
    import pandas as pd

SOURCE = "rebuilt from {}"
"""`summary.json` `source` of a rebuilt folder."""


class RosterInputError(ValueError):
    """A roster whose rows cannot be read against the scenario: unknown ids, bad weeks."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        super().__init__("\n".join(v.message for v in violations))


@dataclass(frozen=True)
class Rebuilt:
    """The tables of a rebuilt roster, what the checker found in it, and the cells recomputed."""

    tables: Tables
    check: CheckReport
    stale: dict[str, int]
    """Columns of the roster given whose cells differed from the rules: rows per column."""

    @property
    def violations(self) -> list[Violation]:
        return self.check.violations


def stale_columns(given: pd.DataFrame, rebuilt: pd.DataFrame) -> dict[str, int]:
    """Rows per column in which a roster edited by hand disagrees with the one rebuilt from its rows."""
    keys = ["inspection", "secondee"]
    shared = [c for c in rebuilt.columns if c in given.columns and c not in REQUIRED]
    if not shared or given.duplicated(keys).any():
        return {}
    both = (
        given[keys + shared]
        .astype(str)
        .merge(rebuilt[keys + shared].astype(str), on=keys, suffixes=("", "~"))
    )
    counts = {c: int((both[c] != both[f"{c}~"]).sum()) for c in shared}
    return {c: n for c, n in counts.items() if n}


def rows_of(roster: pd.DataFrame) -> pd.DataFrame:
    """The columns that make a roster; the others (body, arrangement, cost...) follow from them."""
    return roster[list(REQUIRED)].astype(str)


def result_of(facts: Facts, roster: pd.DataFrame) -> Result:
    """A roster's rows as a `Result`: each inspection in the week of its rows (the first, if
    they disagree), else in its fixed week; an inspection with neither has no week."""
    scenario = facts.scenario
    triples: list[Triple] = [
        (str(s), str(i), scenario.week_index(dt.date.fromisoformat(str(w))))
        for i, w, s in roster[list(REQUIRED)].itertuples(index=False)
    ]
    assignments = tuple(sorted(triples, key=lambda t: (t[2], t[1], t[0])))
    weeks: dict[str, int] = {}
    for _, i, w in assignments:
        weeks.setdefault(i, w)
    for insp in scenario.inspections:
        allowed = facts.allowed_weeks(insp.id)
        if insp.id not in weeks and len(allowed) == 1:
            weeks[insp.id] = allowed[0]
    objective = evaluate(facts, assignments, weeks).objective
    return Result(Status.FEASIBLE, weeks, assignments, objective)


def rebuild(scenario: Scenario, roster: pd.DataFrame, source: str) -> Rebuilt:
    """The output tables of `roster` (as read by `read_tables`), checked.

    Raises
    ------
    RosterInputError
        When rows name unknown inspections or secondees, weeks that are not Mondays of the
        horizon, or a secondee twice on one inspection.
    """
    rows = rows_of(roster)
    report = check_report(scenario, {"roster": rows})
    bad = [v for v in report.violations if v.rule == "input"]
    if bad:
        raise RosterInputError(bad)
    facts = Facts(scenario)
    provenance = {
        "source": SOURCE.format(source),
        "violations": [v.as_dict() for v in report.violations],
    }
    tables = Tables(facts, result_of(facts, rows), provenance=provenance)
    return Rebuilt(tables, report, stale_columns(roster, tables.roster))
