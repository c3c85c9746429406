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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models import Scenario
from models.base import did_you_mean
from roster.analysis.check import REQUIRED, CheckReport, Violation, check_report
from roster.costing import evaluate
from roster.facts import Facts
from roster.labels import ACTIVITY_LABELS, first_few, people_labels, short_body_name
from roster.loading.workbook import UNREADABLE, column_letter, has_unsaved_formulas, oversized
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
SPARE_ROWS = 1000  # rows read below one per secondee (the key, blank rows, rows added by hand)
SPARE_COLUMNS = 20  # columns read beyond one per week
SHOWN_PROBLEMS = 20
HEADING_FORMS = ("iso", "%d/%m/%Y", "%d %b %Y", "%a %d %b %Y", "%d %B %Y", "%A %d %B %Y")
"""A week heading typed as text: 2026-10-05, 05/10/2026, 5 Oct 2026, Mon 5 Oct 2026, ..."""


def _monday(value: Any) -> dt.date | None:
    """A week heading as a date: a date cell, ISO text, or a date's serial number (a heading
    whose date format was cleared)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        from openpyxl.utils.datetime import from_excel

        try:
            value = from_excel(value)
        except (ValueError, OverflowError, TypeError):
            return None
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else None
    if isinstance(value, dt.date):
        return value
    text = " ".join(str(value).split())
    for form in HEADING_FORMS:
        try:
            return dt.date.fromisoformat(text) if form == "iso" else dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


def _cells(path: Path, rows: int, columns: int) -> list[tuple[Any, ...]]:
    """The values of the Roster sheet of `path`, row 1 first: at most `rows` rows of `columns`
    cells (a sheet may claim a million of each)."""
    from openpyxl import load_workbook

    try:
        too_large = oversized(path)
        if too_large is not None:
            raise FolderError(f"{path}: {too_large}")
        book = load_workbook(path, read_only=True, data_only=True)
    except FolderError:  # a ValueError too: not to be taken for an unreadable file
        raise
    except OSError as exc:
        raise FolderError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except UNREADABLE as exc:
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
        values = [tuple(r) for r in sheet.iter_rows(max_row=rows, max_col=columns, values_only=True)]
        if has_unsaved_formulas(path):
            _refuse_unsaved(path, sheet.title, values, rows, columns)
        return values
    except FolderError:
        raise
    except (*UNREADABLE, OSError) as exc:
        raise FolderError(f"{path}: damaged and cannot be read ({type(exc).__name__})") from None
    finally:
        book.close()


def _refuse_unsaved(path: Path, title: str, values: list[tuple[Any, ...]], rows: int, columns: int) -> None:
    """Refuse the Roster sheet's formula cells that have no saved value (a workbook written by a
    script, never opened in a spreadsheet program): they would read as empty, their teams lost."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=False)
    try:
        cells = [
            f"{column_letter(c)}{r}"
            for r, row in enumerate(
                book[title].iter_rows(max_row=rows, max_col=columns, values_only=True), start=1
            )
            for c, formula in enumerate(row, start=1)
            if isinstance(formula, str)
            and formula.startswith("=")
            and (r > len(values) or c > len(values[r - 1]) or values[r - 1][c - 1] is None)
        ]
    finally:
        book.close()
    if cells:
        shown = first_few(cells, 10)
        raise FolderError(
            f"{path}, {GRID_SHEET}!{shown}: a formula with no saved value, which would read as an empty"
            " cell; open and save the workbook in Excel or LibreOffice (they save each formula's value),"
            " or type the value"
        )


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def roster_from_workbook(
    scenario: Scenario,
    path: Path,
    placed: dict[str, str] | None = None,
    teams: dict[str, set[str]] | None = None,
    notes: list[str] | None = None,
) -> pd.DataFrame:
    """The rows (`inspection`, `week`, `secondee`) of the Roster sheet of a roster.xlsx.

    A cell names a body as the sheet writes it (`Kent`, `Kent Fire`), by its full name or id, or
    an inspection by its id; empty, `off`, `away`, `training` and `not seconded` are no
    inspection. The inspection of a body's cells is the body's only inspection; for a body with
    several, each week its cells are in is matched to one of them that may run then (rule 1):
    the matching that keeps the most secondees in the `teams` they were in, then the most
    inspections in the week `placed` gives them (from the roster.csv and inspections.csv beside
    the workbook); a tie is refused. A cell
    that names none of these, a week heading that is not a Monday of the horizon, a Monday of
    the horizon without its column and an unknown secondee are refused, each by its cell.

    `notes`, when given, gets what was read that a planner may not have meant: a name in column A
    that is not the name of the id beside it (the id is what is read).

    Raises
    ------
    FolderError
        When the workbook cannot be read, or a cell cannot be read as above.
    """
    rows = _cells(path, len(scenario.secondees) + SPARE_ROWS, scenario.weeks + 2 + SPARE_COLUMNS)
    where = f"{path}, {GRID_SHEET}!"
    problems: list[str] = []
    weeks = _grid_weeks(scenario, rows[0] if rows else (), where, problems)
    cells = _Cells(scenario, placed or {}, teams)
    named, seen = _grid_rows(scenario, rows, weeks, where, problems, notes)
    gone = [p.label for p in scenario.secondees if p.id not in seen]
    if gone and not problems:
        listed = first_few(gone)
        problems.append(
            f"{where}B: no row for {listed}: every secondee keeps their row (write `off` in their"
            " weeks rather than delete it)"
        )
    out: list[tuple[str, str, str]] = []
    at: dict[tuple[str, str], tuple[str, str]] = {}  # (secondee, inspection) -> its cell and week
    names = {p.id: p.label for p in scenario.secondees}
    for cell, ident, week, inspection, problem in cells.read(named):
        if problem:
            problems.append(f"{where}{cell}: {problem}")
        elif (ident, inspection) in at:  # the checker would say so without a cell to look at
            other, when = at[(ident, inspection)]
            problems.append(
                f"{where}{other} and {cell}: {names.get(ident, ident)} is on {inspection} in the weeks of"
                f" {when} and {week}, but an inspection runs in one week: clear one of the two cells"
            )
        else:
            at[(ident, inspection)] = (cell, week)
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


def _grid_rows(
    scenario: Scenario,
    rows: list[tuple[Any, ...]],
    weeks: dict[int, str],
    where: str,
    problems: list[str],
    notes: list[str] | None,
) -> tuple[list[tuple[str, str, str, str]], set[str]]:
    """The cells of the grid that name something, as (cell, secondee, week, text), and the
    secondees who have a row; the problems of the rows' ids go to `problems`."""
    labels = people_labels((p.id, p.name) for p in scenario.secondees)
    people = {p.id.lower(): p.id for p in scenario.secondees}
    seen: set[str] = set()
    named: list[tuple[str, str, str, str]] = []
    for r, row in enumerate(rows[1:], start=2):
        given = _text(row[1]) if len(row) > 1 else ""
        if not given:  # a blank row, the key below the grid, or a row of weeks without its id
            if any(_text(v) for v in row[2:]):
                problems.append(f"{where}B{r}: a row of weeks with no secondee id")
            continue
        ident = people.get(given.lower())
        if ident is None:
            problems.append(f"{where}B{r}: unknown secondee `{given}`{scenario.unknown_secondee_hint(given)}")
            continue
        if ident in seen:
            problems.append(f"{where}B{r}: a second row for `{ident}`: keep one row per secondee")
            continue
        seen.add(ident)
        label = _text(row[0])
        if (
            notes is not None
            and label
            and label.casefold() not in {labels[ident].casefold(), ident.casefold()}
        ):
            notes.append(
                f"{where}A{r}: `{label}` is not the name of `{ident}` ({labels[ident]}) beside it: the id is read"
            )
        for col, week in weeks.items():
            text = _text(row[col - 1]) if col - 1 < len(row) else ""
            if text and text.lower() not in _Cells.IDLE:
                named.append((f"{column_letter(col)}{r}", ident, week, text))
    return named, seen


def _grid_weeks(
    scenario: Scenario, header: tuple[Any, ...], where: str, problems: list[str]
) -> dict[int, str]:
    """The ISO Monday at the head of each week's column (1-based), from column C; every Monday
    of the horizon must have one (a week whose column is gone would lose its teams unsaid)."""
    if len(header) < 3 or _text(header[1]).lower() != "id":
        raise FolderError(
            f"{where}B1: expected `id` at the head of column B (the secondee ids) and the weeks' Mondays"
            " from C1 on, as the sheet is written"
        )
    weeks: dict[int, str] = {}
    for col, value in enumerate(header[2:], start=3):
        if not _text(value):
            continue
        monday = _monday(value)
        if monday is None and isinstance(value, str) and not any(ch.isdigit() for ch in value):
            continue  # a column of the planner's own (`Notes`): not a week
        if monday is None or monday.weekday() != 0 or not 0 <= scenario.week_index(monday) < scenario.weeks:
            problems.append(
                f"{where}{column_letter(col)}1: `{value}` is not the Monday of a week of the programme"
                f" ({scenario.start} to {scenario.end})"
            )
            continue
        if monday.isoformat() in weeks.values():
            problems.append(f"{where}{column_letter(col)}1: a second column for the week of {monday}")
            continue
        weeks[col] = monday.isoformat()
    missing = [m.isoformat() for m in scenario.mondays if m.isoformat() not in weeks.values()]
    if missing and not problems:
        shown = first_few(missing)
        problems.append(
            f"{where}1: no column for the week of {shown}: every week of the programme keeps its column"
            " (clear its cells instead of deleting it)"
        )
    return weeks


class _Cells:
    """What the cells of the grid name: each an inspection, or a problem."""

    IDLE = frozenset({label.lower() for label in ACTIVITY_LABELS.values()} | set(ACTIVITY_LABELS))

    def __init__(
        self, scenario: Scenario, placed: dict[str, str], teams: dict[str, set[str]] | None = None
    ) -> None:
        self.scenario = scenario
        self.placed = placed
        self.teams = teams or {}
        self.inspections = {i.id: i for i in scenario.inspections}
        self.by_body: dict[str, list[str]] = {}
        for insp in scenario.inspections:
            self.by_body.setdefault(insp.body, []).append(insp.id)
        self.names: dict[str, str] = {}
        for body_id in self.by_body:
            body = scenario.body(body_id)
            for name in (short_body_name(body.label), body.label, body_id):
                self.names.setdefault(name.strip().lower(), body_id)

    def read(self, named: list[tuple[str, str, str, str]]) -> list[tuple[str, str, str, str, str]]:
        """For each (cell, secondee, week, text) naming something: (cell, secondee, week,
        inspection, problem), one of the last two empty."""
        bodies: dict[tuple[str, str], str] = {}  # (text, week) -> body, for the texts naming a body
        problems: dict[str, str] = {}  # text -> why it names nothing
        for _, _, week, text in named:
            if text in self.inspections or text in problems:
                continue
            body = self.names.get(text.lower())
            if body is None:
                problems[text] = self._unknown(text)
            else:
                bodies[(text, week)] = body
        people: dict[str, dict[str, set[str]]] = {}  # body -> week -> the secondees its cells name
        for _, ident, week, text in named:
            if (text, week) in bodies:
                people.setdefault(bodies[(text, week)], {}).setdefault(week, set()).add(ident)
        chosen = {body: self._match(body, on) for body, on in people.items()}
        out = []
        for cell, ident, week, text in named:
            if text in self.inspections:
                out.append((cell, ident, week, text, ""))
            elif text in problems:
                out.append((cell, ident, week, "", problems[text]))
            else:
                found, problem = chosen[bodies[(text, week)]]
                out.append((cell, ident, week, found.get(week, ""), problem if week not in found else ""))
        return out

    def _unknown(self, text: str) -> str:
        """Why a cell's text names nothing, with the bodies it may mean."""
        shown = sorted({short_body_name(self.scenario.body(b).label) for b in self.by_body})
        starting = [n for n in shown if n.lower().startswith(text.lower())]
        hint = (
            f"; did you mean {', '.join(f'`{n}`' for n in starting[:3])}?"
            if starting
            else did_you_mean(text, shown, n=3)
        )
        example = " or ".join(f"`{n}`" for n in shown[:2])
        return (
            f"`{text}` is no body this programme inspects{hint} (write a body as the sheet does, {example};"
            " or an inspection's id; for no inspection leave the cell empty or write `off`)"
        )

    def _match(self, body: str, on: dict[str, set[str]]) -> tuple[dict[str, str], str]:
        """The inspection of each week in which cells name `body` (`on`: the secondees in each),
        an inspection running in one week, and why the weeks left out have none. Of the ways to
        match weeks to inspections that may run in them, the one keeping the most secondees in
        the teams they were in (a team moved keeps its people), then the most inspections in the
        weeks they were in; a tie is refused."""
        weeks = set(on)
        candidates = self.by_body[body]
        name = short_body_name(self.scenario.body(body).label)
        if len(candidates) == 1:
            return {week: candidates[0] for week in weeks}, ""
        may = {
            week: [
                i
                for i in candidates
                if self.scenario.week_index(dt.date.fromisoformat(week))
                in self.scenario.allowed_weeks(self.inspections[i])
            ]
            for week in weeks
        }
        best: list[dict[str, str]] = []
        score = (-1, -1)
        for matching in _matchings(sorted(weeks), may):
            kept = (
                sum(len(on[week] & self.teams.get(i, set())) for week, i in matching.items()),
                sum(self.placed.get(i) == week for week, i in matching.items()),
            )
            if kept > score:
                best, score = [matching], kept
            elif kept == score:
                best.append(matching)
        if len(best) == 1:
            return best[0], ""
        listed = ", ".join(sorted(weeks))
        why = (
            f"`{name}` is in {len(weeks)} weeks ({listed}) and has {len(candidates)} inspections"
            f" ({', '.join(candidates)}), each running in one week"
            if not best
            else f"`{name}` in the weeks {listed} could be any of its inspections ({', '.join(candidates)})"
        )
        return {}, f"{why}: write the inspection's id in the cells instead"


def _matchings(weeks: list[str], may: dict[str, list[str]]) -> list[dict[str, str]]:
    """Every way of giving each week one of the inspections that may run in it, a different one
    each (a body has two or three inspections, so there are few)."""
    if not weeks:
        return [{}]
    first, rest = weeks[0], weeks[1:]
    out = []
    for inspection in may[first]:
        left = {w: [i for i in options if i != inspection] for w, options in may.items() if w != first}
        out += [{first: inspection, **m} for m in _matchings(rest, left)]
    return out
