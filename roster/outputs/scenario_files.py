"""Scenario files written from data: the workbook (template and export), a Travel sheet, YAML.

The workbook's layout is `roster.loading.sheets`, the one definition the reader uses too, so that
a workbook written here imports back to the same scenario. Each file is written whole into a
hidden file beside the target and renamed into place; an existing file is replaced only when
asked (`force`), and never when it is one the scenario was read from.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from models import ELIGIBLE_RANKS, Scenario, bundled_bodies
from roster.facts import estimate_minutes
from roster.loading.sheets import (
    BODIES,
    BODY_LIST_SHEET,
    INSPECTIONS,
    LISTS,
    PROGRAMME_COLUMNS,
    PROGRAMME_SHEET,
    README_SHEET,
    SECONDEES,
    TRAVEL,
    Choices,
    Column,
    Kind,
    Setting,
    Sheet,
    settings,
)
from roster.outputs.folder import FolderError

DATE_FORMAT = "yyyy-mm-dd"
ROOM = 1000
"""Rows below the data that carry the drop-downs, for rows a planner adds."""
EXTRA_BODY_ROWS = 100
"""Rows of the Bodies sheet whose ids the body drop-downs offer, after the bundled ones."""
HEADER_FILL, INFO_FILL, NOTE_COLOUR = "1F3F8F", "7F7F7F", "595959"
NOTE_LINES = 4
"""Lines a column's note should take at most in the notes row (the column widens to fit)."""
YAML_ORDER = ("name", "start", "weeks", "rules", "baseline", "inspections", "secondees", "travel", "bodies")

Row = Mapping[str, Any]
BLANK_DEFAULTS = {"needs.experienced": 0, "inspections_done": 0}
"""Defaults left as empty cells, so that a column reads as its exceptions."""


# ------------------------------------------------------------ cell values


def _shown(value: Any, kind: Kind) -> Any:
    """A plain value (as YAML holds it) as the cell shows it; None for an empty cell."""
    if value is None or value == "" or value == [] or value == {} or value is False:
        return None
    if kind is Kind.DATES:
        return ", ".join(d.isoformat() for d in value)
    if kind is Kind.WORDS:
        return ", ".join(str(v) for v in value)
    if kind is Kind.PAIR:
        return f"{value[0]}, {value[1]}"
    if kind is Kind.HOME and isinstance(value, Mapping):
        return f"{value['lat']!r}, {value['lon']!r}"
    if kind is Kind.CAPS:
        return ", ".join(f"{d.isoformat()}: {cap}" for d, cap in value.items())
    return value


def row_values(data: Mapping[str, Any], sheet: Sheet) -> dict[str, Any]:
    """The cells of one list item (`model_dump()` of an inspection, secondee, ...), by column key."""
    out: dict[str, Any] = {}
    for column in sheet.columns:
        if column.info:
            continue
        head = column.key.split(".")[0]
        if sheet is INSPECTIONS and head == "secondees":
            team = data["secondees"]
            end = column.key.split(".")[1]
            value = (team if end == "min" else None) if isinstance(team, int) else team[end]
        elif sheet is SECONDEES and column.key == "carer":
            value = True if data.get("carer") is not None else None
        else:
            value = _at(data, column.path)
            value = None if BLANK_DEFAULTS.get(column.key, ...) == value else value
        out[column.key] = _shown(value, column.kind)
    return out


def _at(data: Any, path: tuple[str | int, ...]) -> Any:
    """The value at a path of keys and indices, or None where a part is missing."""
    for part in path:
        if isinstance(data, Mapping):
            data = data.get(part)
        elif isinstance(data, (list, tuple)) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def default_text(item: Setting) -> str:
    """The default of a Programme key, as the Programme sheet shows it."""
    value = item.default
    if item.required:
        return "required"
    if value is None or value == {} or value == []:
        return "none"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def setting_value(data: Mapping[str, Any], item: Setting) -> Any:
    """The value of a Programme key in a scenario's `model_dump()`."""
    value: Any = data
    for part in item.path:
        value = value.get(part) if isinstance(value, Mapping) else None
    if isinstance(value, bool):
        return value
    return _shown(value, item.kind)


# ------------------------------------------------------------- the book


class _Book:
    """An openpyxl workbook being filled, sheet by sheet, in the layout of `sheets`."""

    def __init__(self) -> None:
        from openpyxl import Workbook

        self.book = Workbook()
        self.first = True

    def sheet(self, title: str) -> Any:
        ws = self.book.active if self.first else self.book.create_sheet()
        self.first = False
        ws.title = title
        return ws

    def table(self, title: str, columns: Sequence[Column], rows: Iterable[Mapping[str, Any]]) -> Any:
        """A sheet with a header row, a notes row, the rows, widths, frozen headers and drop-downs."""
        from openpyxl.styles import Alignment, Font, PatternFill

        ws = self.sheet(title)
        for col, column in enumerate(columns, start=1):
            cell = ws.cell(row=1, column=col, value=column.key)
            fill = INFO_FILL if column.info else HEADER_FILL
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", start_color=fill, end_color=fill)
            note = ws.cell(row=2, column=col, value=column.note)
            note.font = Font(italic=True, color=NOTE_COLOUR, size=9)
            note.alignment = Alignment(wrap_text=True, vertical="top")
        count = 0
        for r, values in enumerate(rows, start=3):
            count += 1
            for col, column in enumerate(columns, start=1):
                put(ws.cell(row=r, column=col), values.get(column.key))
        widths = [self._width(ws, col, column) for col, column in enumerate(columns, start=1)]
        from openpyxl.utils import get_column_letter

        for col, (width, column) in enumerate(zip(widths, columns, strict=True), start=1):
            ws.column_dimensions[get_column_letter(col)].width = width
            if column.kind is Kind.DATE:
                ws.column_dimensions[get_column_letter(col)].number_format = DATE_FORMAT
        lines = max(math.ceil(len(c.note) / max(1, w - 2)) for c, w in zip(columns, widths, strict=True))
        ws.row_dimensions[2].height = 12.5 * lines + 3
        ws.freeze_panes = "B3"
        self._validate(ws, columns, count)
        return ws

    @staticmethod
    def _width(ws: Any, col: int, column: Column) -> float:
        longest = max(
            (len(_text_of(c.value)) for (c,) in ws.iter_rows(min_row=3, min_col=col, max_col=col)),
            default=0,
        )
        note = min(36, math.ceil(len(column.note) / NOTE_LINES) + 2)  # the note in a few lines
        return float(min(45, max(12, len(column.key) + 3, longest + 2, note)))

    def _validate(self, ws: Any, columns: Sequence[Column], count: int) -> None:
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.datavalidation import DataValidation

        last = 3 + count + ROOM
        for col, column in enumerate(columns, start=1):
            if column.info:
                continue
            letter = get_column_letter(col)
            rule = _rule(column, letter)
            if rule is None:
                continue
            validation = DataValidation(allow_blank=True, showErrorMessage=True, **rule)
            ws.add_data_validation(validation)
            validation.add(f"{letter}3:{letter}{last}")


def _rule(column: Column, letter: str) -> dict[str, Any] | None:
    """The data validation of a column: a drop-down, a date, or a Monday."""
    lists = {
        Choices.RANKS: ",".join(r for ranks in ELIGIBLE_RANKS.values() for r in ranks),
        Choices.BACKGROUNDS: "police,fire",
        Choices.MODES: "car,train,flight",
        Choices.BOOL: "TRUE,FALSE",
    }
    if column.choices in lists:
        return {
            "type": "list",
            "formula1": f'"{lists[column.choices]}"',
            "errorStyle": "warning",
            "error": f"Expected one of: {lists[column.choices].replace(',', ', ')}",
        }
    if column.choices is Choices.BODIES:
        last = 1 + len(bundled_bodies()) + EXTRA_BODY_ROWS
        return {
            "type": "list",
            "formula1": f"'{BODY_LIST_SHEET}'!$A$2:$A${last}",
            "errorStyle": "warning",
            "error": "Not a body id of the Body list sheet or of the Bodies sheet",
        }
    if column.monday:
        return {
            "type": "custom",
            "formula1": f"WEEKDAY({letter}3,2)=1",
            "errorStyle": "warning",
            "error": "A week is named by its Monday",
        }
    if column.kind is Kind.DATE:
        return {
            "type": "date",
            "operator": "between",
            "formula1": "DATE(2000,1,1)",
            "formula2": "DATE(2100,12,31)",
            "errorStyle": "warning",
            "error": "Expected a date, like 2026-09-21",
        }
    return None


def _text_of(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return "2026-09-21"
    return "" if value is None else str(value)


def put(cell: Any, value: Any) -> None:
    """Write a value into a cell: dates as dates, and text as text, never as a formula.

    A number with more significant digits than a spreadsheet keeps (15) is written as its text,
    which the reader reads back exactly.
    """
    if isinstance(value, float) and float(f"{value:.15g}") != value:
        value = repr(value)
    cell.value = value
    if isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, str) and cell.data_type != "s":
        cell.data_type = "s"  # text that starts with `=` is kept as text, never run as a formula


# ------------------------------------------------------------ the sheets


def relocated(path: str, named_in: str, target: Path) -> str:
    """A relative path (`baseline.roster`) written in the file `named_in`, as the file `target`
    must write it to name the same file or folder; absolute paths and command-line ones are kept."""
    given = Path(path)
    if given.is_absolute() or not named_in or named_in.startswith(("<", "`")):
        return path
    folder = Path(named_in).absolute().parent
    return os.path.relpath(folder / given, target.absolute().parent)


def _named_in(scenario: Scenario) -> str:
    """The file that writes the scenario's `baseline.roster` (a workbook's, or a CSV file's)."""
    return scenario.where("baseline.roster").rpartition(":")[0]


def workbook_bytes(scenario: Scenario | None, target: Path | None = None) -> bytes:
    """The scenario workbook: a blank template (`scenario` None) or a scenario's every key.

    A relative `baseline.roster` is rewritten relative to `target`, where the workbook goes.
    """
    book = _Book()
    _readme(book)
    data = scenario.model_dump() if scenario is not None else {}
    if scenario is not None and scenario.baseline is not None and target is not None:
        data["baseline"]["roster"] = relocated(scenario.baseline.roster, _named_in(scenario), target)
    book.table(
        PROGRAMME_SHEET,
        PROGRAMME_COLUMNS,
        (
            {
                "key": item.key,
                "value": setting_value(data, item) if scenario is not None else None,
                "default": default_text(item),
                "meaning": item.meaning,
            }
            for item in settings()
        ),
    )
    programme = book.book[PROGRAMME_SHEET]
    _programme_validations(programme)
    for sheet in LISTS:
        items = data.get(sheet.section, [])
        rows = [row_values(item, sheet) for item in items]
        if sheet is TRAVEL and scenario is not None:
            rows = [{**row, **travel_info(scenario, item)} for row, item in zip(rows, items, strict=True)]
        book.table(sheet.name, sheet.columns, rows)
    _body_list(book)
    book.book.active = 0
    buffer = io.BytesIO()
    book.book.save(buffer)
    return buffer.getvalue()


def _programme_validations(ws: Any) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    booleans = DataValidation(type="list", formula1='"TRUE,FALSE"', allow_blank=True, errorStyle="warning")
    ws.add_data_validation(booleans)
    for r, item in enumerate(settings(), start=3):
        if item.kind is Kind.BOOL:
            booleans.add(f"B{r}")
        elif item.kind is Kind.DATE:
            ws.cell(row=r, column=2).number_format = DATE_FORMAT


def travel_info(scenario: Scenario, item: Mapping[str, Any]) -> dict[str, Any]:
    """The information columns of a measured journey: the names and the estimate it replaces."""
    person = scenario.secondee(str(item["secondee"]))
    body = scenario.body(str(item["body"]))
    return {
        "secondee_name": person.name or None,
        "body_name": body.label,
        "estimate": estimate_minutes(scenario, person, body),
    }


def _readme(book: _Book) -> None:
    from openpyxl.styles import Alignment, Font

    ws = book.sheet(README_SHEET)
    lines = [
        ("A scenario for roster: who goes on which inspection, week by week, and where they sleep.", True),
        ("", False),
        ("Fill in the sheets, then solve the workbook itself:  roster solve THIS.xlsx", False),
        (
            "or check it first:  roster validate THIS.xlsx;  or make a YAML file of it:  roster import THIS.xlsx",
            False,
        ),
        ("", False),
        (
            f"{PROGRAMME_SHEET}: the name, start and weeks of the scenario, then the rules, one key per row;",
            False,
        ),
        ("   an empty value means the programme's default, shown beside it.", False),
        *[(f"{s.name}: {s.about}.", False) for s in LISTS],
        (
            f"{BODY_LIST_SHEET}: the bundled forces and services, whose ids the drop-downs offer (not read).",
            False,
        ),
        ("", False),
        ("Row 1 holds the column keys and row 2 what each column means and its default: keep both.", False),
        (
            "An empty cell means the default. Lists in a cell are comma-separated: 2026-10-19, 2026-11-02.",
            False,
        ),
        (
            "Dates are Excel dates, or text as 2026-09-21 or day/month/year (21/09/2026). A week is named",
            False,
        ),
        (
            "by its Monday. A home is a UK town (Preston; Newport, Wales), a body id, or lat, lon (53.76, -2.70).",
            False,
        ),
        ("A window runs from window.first to window.last, both Mondays included; a team of exactly N", False),
        ("is secondees.min = N with secondees.max empty.", False),
        ("", False),
        ("Every mistake is reported with its cell, e.g. Secondees!F12, all in one go.", False),
    ]
    for r, (text, bold) in enumerate(lines, start=1):
        cell = ws.cell(row=r, column=1, value=text)
        cell.font = Font(bold=bold, size=12 if bold else 11)
        cell.alignment = Alignment(wrap_text=False)
    ws.column_dimensions["A"].width = 110


def _body_list(book: _Book) -> None:
    from openpyxl.styles import Font

    ws = book.sheet(BODY_LIST_SHEET)
    ws.append(["id", "name", "kind", "region", "hq_town"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for body in bundled_bodies():
        ws.append([body.id, body.name, body.kind, body.region, body.hq_town])
    first = len(bundled_bodies()) + 2
    for n in range(EXTRA_BODY_ROWS):
        source = f"{BODIES.name}!A{3 + n}"
        ws.cell(row=first + n, column=1, value=f'=IF({source}="","",{source})')
    ws.cell(
        row=1, column=7, value="Rows below the bundled bodies repeat the ids of the Bodies sheet"
    ).font = Font(italic=True, color=NOTE_COLOUR)
    for letter, width in zip("ABCDE", (34, 52, 8, 26, 26), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"


def travel_bytes(rows: Sequence[Row]) -> bytes:
    """A workbook of one Travel sheet (the journeys to measure), in the layout of the workbook's."""
    book = _Book()
    book.table(TRAVEL.name, TRAVEL.columns, rows)
    buffer = io.BytesIO()
    book.book.save(buffer)
    return buffer.getvalue()


def travel_csv(rows: Sequence[Row]) -> str:
    """The same journeys as CSV (`travel.csv` of a folder of CSV files), without the notes row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.key for c in TRAVEL.columns])
    for row in rows:
        writer.writerow(["" if row.get(c.key) is None else _csv_cell(row[c.key]) for c in TRAVEL.columns])
    return out.getvalue()


def _csv_cell(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


# ----------------------------------------------------------------- YAML


def scenario_yaml(data: Mapping[str, Any], scenario: Scenario, source: Path, target: Path) -> str:
    """Plain scenario data (of `scenario`, read from `source`) as YAML for the file `target`, in
    the order of the format, each list item on one line or few.

    A relative `baseline.roster` is rewritten relative to `target`.
    """
    baseline = data.get("baseline")
    if scenario.baseline is not None and isinstance(baseline, Mapping):
        roster = relocated(scenario.baseline.roster, _named_in(scenario), target)
        data = {**data, "baseline": {**baseline, "roster": roster}}
    ordered = {key: data[key] for key in YAML_ORDER if key in data}
    ordered.update({k: v for k, v in data.items() if k not in ordered})
    yaml = YAML()
    yaml.default_flow_style = None
    yaml.width = 120
    yaml.representer.ignore_aliases = lambda *_: True
    out = io.StringIO()
    out.write(f"# Imported by `roster import` from {source.name}.\n")
    yaml.dump(ordered, out)
    return out.getvalue()


# -------------------------------------------------------------- writing


def check_writable(
    path: Path, force: bool, inputs: Sequence[str | Path] = (), suffixes: Sequence[str] = ()
) -> None:
    """Refuse, before any work, a file that should not be written or replaced."""
    if suffixes and path.suffix.lower() not in suffixes:
        raise FolderError(f"{path}: expected a file name ending in {' or '.join(suffixes)}")
    if path.is_dir():
        raise FolderError(
            f"{path} is a folder: give a file name, e.g. {path / 'scenario'}{suffixes[0] if suffixes else ''}"
        )
    here = path.resolve()
    if any(Path(p).resolve() == here for p in inputs):
        raise FolderError(
            f"{path} is the file the scenario was read from: roster never writes over its input"
        )
    folders = {Path(p).resolve().parent for p in inputs if Path(p).suffix.lower() == ".csv"}
    if here.suffix.lower() == ".csv" and here.parent in folders:
        raise FolderError(
            f"{path} is inside the folder of CSV files the scenario was read from, where it would be"
            " read as one of its sheets: give a file outside it"
        )
    if path.exists() and not force:
        raise FolderError(f"{path} already exists: give --force to replace it, or another file name")
    if not path.parent.exists():
        raise FolderError(f"{path}: no folder {path.parent}")
    if not path.parent.is_dir():
        raise FolderError(f"{path}: {path.parent} is a file, not a folder")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise FolderError(f"{path}: {path.parent} cannot be written (permission denied)")


def write_file(path: Path, content: str | bytes) -> Path:
    """Write a whole file beside `path`, then rename it into place."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    temp = path.parent / f".{path.name}.new-{os.getpid()}"
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as exc:
        raise FolderError(f"{path}: cannot be written ({exc.strerror or exc})") from None
    finally:
        if temp.exists():
            temp.unlink()
    return path
