"""Rebuild every output file from a roster edited by hand: the hotel plan, weeks, summary, reports.

The roster is read as its rows (`inspection`, `week`, `secondee`; other columns are recomputed
from the rules) and judged by the independent checker. A roster that breaks a rule is still
rebuilt, because the resourcing lead needs its files, and its summary records the rules broken;
rows that name unknown ids or weeks that are not Mondays of the horizon are bad input instead.

The rows come from a roster.csv, or from the Roster sheet of a roster.xlsx edited in Excel
(`roster_from_workbook`): a secondee per row, a week per column, each cell the body inspected.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models import Scenario
from models.base import did_you_mean
from roster.analysis.check import REQUIRED, CheckReport, Violation, check_report
from roster.costing import evaluate
from roster.facts import Facts
from roster.labels import ACTIVITY_LABELS, short_body_name
from roster.loading.workbook import column_letter
from roster.outputs.folder import FolderError
from roster.outputs.tables import Tables
from roster.solving.result import Result, Status, Triple

if TYPE_CHECKING:
    import pandas as pd
else:
    from roster.deferred import pandas as pd

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


# ------------------------------------------------------------- the workbook

GRID_SHEET = "Roster"
"""The sheet of roster.xlsx read as the roster: a secondee per row (the id in column B), the
Monday of a week at the head of each column from C, each cell the body inspected that week."""
MAX_WORKBOOK_BYTES = 20 * 1024 * 1024
SHOWN_PROBLEMS = 20


def _monday(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _cells(path: Path) -> list[tuple[Any, ...]]:
    """The values of the Roster sheet of `path`, row 1 first."""
    from openpyxl import load_workbook

    try:
        if path.stat().st_size > MAX_WORKBOOK_BYTES:
            raise FolderError(
                f"{path}: {path.stat().st_size / 2**20:,.0f} MB is too large for a roster workbook"
            )
        book = load_workbook(path, read_only=True, data_only=True)
    except OSError as exc:
        raise FolderError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, EOFError) as exc:
        raise FolderError(
            f"{path}: not a readable Excel workbook ({type(exc).__name__}); save it again from Excel as .xlsx"
        ) from None
    try:
        sheet = next((ws for ws in book.worksheets if ws.title.strip().lower() == GRID_SHEET.lower()), None)
        if sheet is None:
            raise FolderError(
                f"{path}: no {GRID_SHEET} sheet (found {', '.join(ws.title for ws in book.worksheets)}); a roster"
                f" workbook is the roster.xlsx a solve writes with --report, its {GRID_SHEET} sheet edited"
            )
        return [tuple(r) for r in sheet.iter_rows(values_only=True)]
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, EOFError, OSError) as exc:
        raise FolderError(f"{path}: damaged and cannot be read ({type(exc).__name__})") from None
    finally:
        book.close()


def roster_from_workbook(
    scenario: Scenario, path: Path, placed: dict[str, str] | None = None
) -> pd.DataFrame:
    """The rows (`inspection`, `week`, `secondee`) of the Roster sheet of a roster.xlsx.

    A cell names a body as the sheet writes it (`Kent`, `Kent Fire`), by its full name or id, or
    an inspection by its id; empty, `off`, `away`, `training` and `not seconded` are no
    inspection. The inspection of a body's cell is the body's only inspection, else the one that
    may run that week (rule 1), else the one `placed` in that week (inspection id to the ISO
    Monday, from the inspections.csv beside the workbook). A cell that names none of these, a
    week that is not a Monday of the horizon and an unknown secondee are refused, each by its cell.

    Raises
    ------
    FolderError
        When the workbook cannot be read, or a cell cannot be read as above.
    """
    rows = _cells(path)
    where = f"{path}, {GRID_SHEET}!"
    problems: list[str] = []
    weeks = _grid_weeks(scenario, rows[0] if rows else (), where, problems)
    cells = _Cells(scenario, placed or {})
    people = {p.id for p in scenario.secondees}
    out: list[tuple[str, str, str]] = []
    for r, row in enumerate(rows[1:], start=2):
        ident = str(row[1]).strip() if len(row) > 1 and row[1] is not None else ""
        if not ident:
            if not any(v is not None and str(v).strip() for v in row):
                break  # the blank row before the sheet's key
            if any(v is not None and str(v).strip() for v in row[2:]):
                problems.append(f"{where}B{r}: a row of weeks with no secondee id")
            continue
        if ident not in people:
            problems.append(f"{where}B{r}: unknown secondee `{ident}`{scenario.unknown_secondee_hint(ident)}")
            continue
        for col, week in weeks.items():
            value = row[col - 1] if col - 1 < len(row) else None
            inspection, problem = cells.inspection(value, week)
            if problem:
                problems.append(f"{where}{column_letter(col)}{r}: {problem}")
            elif inspection is not None:
                out.append((inspection, week, ident))
    if problems:
        shown = problems[:SHOWN_PROBLEMS]
        more = len(problems) - len(shown)
        raise FolderError(
            "\n".join(shown)
            + (f"\n... and {more} more" if more else "")
            + f"\n{path} cannot be read as a roster of {scenario.file or scenario.name}"
        )
    return pd.DataFrame(out, columns=list(REQUIRED))


def _grid_weeks(
    scenario: Scenario, header: tuple[Any, ...], where: str, problems: list[str]
) -> dict[int, str]:
    """The ISO Monday at the head of each week's column (1-based), from column C."""
    if len(header) < 3 or str(header[1] or "").strip().lower() != "id":
        raise FolderError(
            f"{where}B1: expected `id` at the head of column B (the secondee ids) and the weeks' Mondays"
            " from C1 on, as the sheet is written"
        )
    weeks: dict[int, str] = {}
    for col, value in enumerate(header[2:], start=3):
        if value is None or str(value).strip() == "":
            continue
        monday = _monday(value)
        if monday is None or monday.weekday() != 0 or not 0 <= scenario.week_index(monday) < scenario.weeks:
            problems.append(
                f"{where}{column_letter(col)}1: `{value}` is not the Monday of a week of the programme"
                f" ({scenario.start} to {scenario.end})"
            )
            continue
        weeks[col] = monday.isoformat()
    return weeks


class _Cells:
    """What a cell of the grid names, in a given week: an inspection, nothing, or a problem."""

    IDLE = frozenset({label.lower() for label in ACTIVITY_LABELS.values()} | set(ACTIVITY_LABELS))

    def __init__(self, scenario: Scenario, placed: dict[str, str]) -> None:
        self.scenario = scenario
        self.placed = placed
        self.inspections = {i.id: i for i in scenario.inspections}
        self.by_body: dict[str, list[str]] = {}
        for insp in scenario.inspections:
            self.by_body.setdefault(insp.body, []).append(insp.id)
        self.names: dict[str, str] = {}
        for body_id in self.by_body:
            body = scenario.body(body_id)
            for name in (short_body_name(body.label), body.label, body_id):
                self.names.setdefault(name.strip().lower(), body_id)

    def inspection(self, value: Any, monday: str) -> tuple[str | None, str]:
        """The inspection the cell `value` names in the week of `monday` (None for no
        inspection), and the problem when it names none the programme has."""
        text = str(value).strip() if value is not None else ""
        if not text or text.lower() in self.IDLE:
            return None, ""
        if text in self.inspections:
            return text, ""
        body = self.names.get(text.lower())
        if body is None:
            shown = sorted({short_body_name(self.scenario.body(b).label) for b in self.by_body})
            return None, (
                f"`{text}` is no body this programme inspects{did_you_mean(text, shown, n=3)} (write a"
                " body as the sheet does, `Kent` or `Kent Fire`, or an inspection's id)"
            )
        candidates = self.by_body[body]
        if len(candidates) == 1:
            return candidates[0], ""
        week = self.scenario.week_index(dt.date.fromisoformat(monday))
        may = [i for i in candidates if week in self.scenario.allowed_weeks(self.inspections[i])]
        if len(may) == 1:
            return may[0], ""
        there = [i for i in (may or candidates) if self.placed.get(i) == monday]
        if len(there) == 1:
            return there[0], ""
        return None, (
            f"`{text}` has {len(candidates)} inspections ({', '.join(candidates)}) and"
            f" {'several' if may else 'none'} may run in the week of {monday}: write the inspection's id"
            " in the cell"
        )
