"""Read a scenario from a workbook (`.xlsx`) or a folder of CSV files, one file per sheet.

The sheets become the same plain data the YAML reader produces (`roster.loading.sheets` says
which column fills which key), and then the same validation. Every error names the sheet, row
and column as a cell reference (`Secondees!F12`), what was expected and a hint, and all the errors
of a workbook come in one pass: each row is checked on its own first, then the references between
rows are checked on the rows that are sound.
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from pydantic import BaseModel, ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from models import Body, Inspection, Scenario, Secondee, TravelTime
from models.base import did_you_mean
from roster.frames import CsvError, checked_rows, not_a_file
from roster.labels import shortened
from roster.loading.baseline import read_published
from roster.loading.cells import CellError, blank, read_cell
from roster.loading.errors import Problem, ScenarioError
from roster.loading.reader import Overrides, error_messages, key_path, overrides_tree, plain
from roster.loading.sheets import (
    IGNORED_SHEETS,
    INSPECTIONS,
    LIST_SECTIONS,
    LISTS,
    PAIRED,
    PROGRAMME_COLUMNS,
    PROGRAMME_SHEET,
    SHEET_NAMES,
    TRAVEL,
    WORKBOOK_SUFFIXES,
    Column,
    Kind,
    Setting,
    Sheet,
    setting,
    settings,
)
from roster.loading.variants import Merger, Origins, VariantError

Loc = tuple[str | int, ...]
MODELS: dict[str, type[BaseModel]] = {
    "inspections": Inspection,
    "secondees": Secondee,
    "travel": TravelTime,
    "bodies": Body,
}
MAX_CSV_BYTES = 50 * 1024 * 1024
COMMAND_LINE = "<command line>"
REFERENCE_ERRORS = {"unknown_body", "unknown_secondee"}


IN_CELLS = (
    ("`{lat: .., lon: ..}`", "lat, lon (e.g. 53.76, -2.70)"),
    ("; write [first day, last day]", ""),
    ("; write [first Monday, last Monday]", ""),
)
"""The YAML in the models' messages, in the words of a workbook."""


def in_cells(message: str) -> str:
    for yaml_words, cell_words in IN_CELLS:
        message = message.replace(yaml_words, cell_words)
    return message


def column_letter(n: int) -> str:
    """1 as `A`, 27 as `AA`."""
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _fold(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name).lower()


# ------------------------------------------------------------------ grids


@dataclass(frozen=True)
class Grid:
    """One sheet as read: the file it came from and its rows of raw values, row 1 first."""

    name: str
    file: str
    prefix: str
    """`Secondees!` in a workbook; empty in a CSV file, which is named on its own."""
    rows: list[tuple[Any, ...]]
    order: int

    def ref(self, row: int, col: int) -> str:
        return f"{self.prefix}{column_letter(col)}{row}"

    def row_ref(self, row: int) -> str:
        return f"{self.prefix.rstrip('!').strip(chr(39))} row {row}" if self.prefix else f"row {row}"


@dataclass(frozen=True)
class Found:
    """A problem, with where it sorts (sheet, row, column)."""

    order: tuple[int, int, int]
    problem: Problem


def _file_problem(file: str, message: str, line: int | None = None) -> ScenarioError:
    return ScenarioError([Problem(file, line, "", message)])


def canonical_sheet(name: str) -> str | None:
    """The sheet (or CSV file stem) `name` stands for, whatever its case and spacing."""
    known = {_fold(s): s for s in (*SHEET_NAMES, *IGNORED_SHEETS)}
    known.update({_fold(s.section): s.name for s in LISTS})
    return known.get(_fold(name))


def _unknown_sheet(name: str, what: str) -> str:
    hint = did_you_mean(name, [*SHEET_NAMES, *IGNORED_SHEETS])
    return (
        f"unknown {what} `{name}`{hint}; a scenario workbook has the sheets {', '.join(SHEET_NAMES)}"
        f" (and {' and '.join(IGNORED_SHEETS)}, which are not read): rename or remove it"
    )


def read_grids(path: Path) -> tuple[list[Grid], list[Found]]:
    """The sheets of a workbook or of a folder of CSV files, and the problems of their names."""
    if path.is_dir():
        if (path / "summary.json").is_file() and (path / "roster.csv").is_file():
            raise _file_problem(str(path), _an_output_folder(path))
        return _csv_folder(path)
    suffix = path.suffix.lower()
    if suffix not in WORKBOOK_SUFFIXES:
        what = "a CSV file" if suffix == ".csv" else f"a {suffix} file"
        hint = (
            "give the folder that holds programme.csv, inspections.csv, secondees.csv (travel.csv, bodies.csv)"
            if suffix == ".csv"
            else "save it as an Excel workbook (.xlsx), or as a folder of CSV files, one per sheet"
        )
        raise _file_problem(str(path), f"is {what}, which roster does not read: {hint}")
    if not path.exists():
        raise _file_problem(str(path), "no such file")
    return _xlsx(path)


def _an_output_folder(path: Path) -> str:
    """The message for a solve's output folder given where a scenario belongs: with the scenario
    it was solved from, when its summary names one."""
    from roster.outputs.folder import FolderError, read_summary, solved_from  # (outputs builds on loading)

    try:
        file = solved_from(read_summary(path / "summary.json"))
    except FolderError:
        file = None
    solved = f" (this one was solved from {file})" if file is not None else ""
    return (
        "is the output folder of a solve (roster.csv, summary.json), not a scenario: give the scenario"
        f" it was solved from{solved}, and the folder where a command asks for a roster"
    )


UNREADABLE = (zipfile.BadZipFile, KeyError, ValueError, TypeError, EOFError, ParseError, zlib.error)
"""What openpyxl raises for a file that is no workbook, or a damaged one (broken XML, a
corrupt member of the zip)."""


MAX_WORKBOOK_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
"""A workbook is at most this large, and unpacks to at most this much (a year's scenario or
roster workbook: well under 1 MB either way): a small file may unpack to gigabytes."""


def oversized(path: Path) -> str | None:
    """Why a workbook is too large to read (its size, or what its zip unpacks to), or None. The
    zip's own sizes are read: Python's zip reader never unpacks a member beyond its stated size."""
    size = path.stat().st_size
    if size > MAX_WORKBOOK_BYTES:
        return f"{size / 2**20:,.0f} MB is too large for a workbook of roster's (at most {MAX_WORKBOOK_BYTES // 2**20} MB)"
    with zipfile.ZipFile(path) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            return f"unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB: not a workbook of roster's"
    return None


def _xlsx(path: Path) -> tuple[list[Grid], list[Found]]:
    from openpyxl import load_workbook

    try:
        too_large = oversized(path)
        if too_large is not None:
            raise _file_problem(str(path), too_large)
        book = load_workbook(path, read_only=True, data_only=True)
    except PermissionError:
        raise _file_problem(str(path), "cannot be read (permission denied)") from None
    except OSError as exc:
        raise _file_problem(str(path), f"cannot be read ({exc.strerror or exc})") from None
    except UNREADABLE as exc:
        raise _file_problem(
            str(path),
            "is not a readable Excel workbook (.xlsx): it may be damaged, password-protected or"
            f" another kind of file renamed ({type(exc).__name__}); save it again from Excel as .xlsx",
        ) from None
    grids: list[Grid] = []
    found: list[Found] = []
    try:
        for ws in book.worksheets:
            name = canonical_sheet(ws.title)
            if name is None:
                found.append(
                    Found((-1, 0, 0), Problem(str(path), None, "", _unknown_sheet(ws.title, "sheet")))
                )
            elif name not in IGNORED_SHEETS:
                quoted = (
                    ws.title if re.fullmatch(r"\w+", ws.title) else "'" + ws.title.replace("'", "''") + "'"
                )
                rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
                grids.append(Grid(name, str(path), f"{quoted}!", rows, SHEET_NAMES.index(name)))
    except (*UNREADABLE, OSError) as exc:
        raise _file_problem(
            str(path), f"is damaged and cannot be read ({type(exc).__name__}: {exc})"
        ) from None
    finally:
        book.close()
    return grids, found + _unsaved_formulas(path, grids)


UNSAVED = re.compile(rb"<c\b[^>]*>(?:(?!</c>).)*?<f\b(?:(?!</c>).)*</c>", re.S)
"""A cell with a formula (`<f>`); it has no saved value when it holds no `<v>` with a value."""
SAVED = re.compile(rb"<v>[^<]")


def has_unsaved_formulas(path: Path) -> bool:
    """Whether a sheet of the workbook holds a formula cell with no value saved (its XML scanned,
    not parsed: a workbook Excel saved has none)."""
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        return any(not SAVED.search(m.group(0)) for n in sheets for m in UNSAVED.finditer(archive.read(n)))


def _unsaved_formulas(path: Path, grids: list[Grid]) -> list[Found]:
    """Formula cells with no value saved (a workbook written by a script, never opened in a
    spreadsheet program): read as empty, they would be a wrong default or a "missing" at a cell
    that is not empty. The sheets' XML is scanned first, so that a workbook Excel saved is read
    once."""
    from openpyxl import load_workbook

    try:
        if not has_unsaved_formulas(path):
            return []
        book = load_workbook(path, read_only=True, data_only=False)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return []  # what the values' reading made of it stands
    found = []
    try:
        for ws in book.worksheets:
            name = canonical_sheet(ws.title)
            grid = next((g for g in grids if g.name == name), None)
            if grid is None:
                continue
            for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
                for c, value in enumerate(row, start=1):
                    saved = (
                        grid.rows[r - 1][c - 1]
                        if r <= len(grid.rows) and c <= len(grid.rows[r - 1])
                        else None
                    )
                    if isinstance(value, str) and value.startswith("=") and saved is None:
                        message = (
                            f"a formula with no saved value ({shortened(value, 40)}): roster reads the values a"
                            " spreadsheet saves; open and save the workbook in Excel or LibreOffice, or type the value"
                        )
                        found.append(
                            Found((grid.order, r, c), Problem(grid.file, None, "", message, grid.ref(r, c)))
                        )
    finally:
        book.close()
    return found


def _csv_folder(folder: Path) -> tuple[list[Grid], list[Found]]:
    try:
        # links to nothing too, each refused by `_csv_rows` rather than skipped
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv")
    except OSError as exc:
        raise _file_problem(str(folder), f"cannot be read ({exc.strerror or exc})") from None
    if not files:
        raise _file_problem(
            str(folder),
            "is a folder with no CSV files: a scenario as CSV files is a folder holding programme.csv,"
            " inspections.csv, secondees.csv (and travel.csv, bodies.csv), one per sheet of the workbook",
        )
    grids, found = [], []
    for file in files:
        name = _csv_sheet(file.stem)
        if name is None:
            found.append(Found((-1, 0, 0), Problem(str(file), None, "", _unknown_sheet(file.name, "file"))))
        elif name not in IGNORED_SHEETS:
            grids.append(Grid(name, str(file), "", _csv_rows(file), SHEET_NAMES.index(name)))
    return grids, found


def _csv_sheet(stem: str) -> str | None:
    """The sheet a CSV file holds: `secondees.csv`, or `programme-Secondees.csv` as a spreadsheet
    names the sheets of a workbook saved as CSV."""
    if (name := canonical_sheet(stem)) is not None:
        return name
    return next((n for i, c in enumerate(stem) if c == "-" and (n := canonical_sheet(stem[i + 1 :]))), None)


def _csv_rows(file: Path) -> list[tuple[Any, ...]]:
    try:
        info = file.stat()
        if not stat.S_ISREG(info.st_mode):  # a pipe would be waited on for ever; none is skipped
            raise _file_problem(str(file), f"{not_a_file(info.st_mode)}: give a CSV file, or remove it")
        data = file.read_bytes()
    except FileNotFoundError:
        raise _file_problem(
            str(file), "is a link to nothing: give the CSV file itself, or remove the link"
        ) from None
    except OSError as exc:
        raise _file_problem(str(file), f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_CSV_BYTES:
        raise _file_problem(str(file), f"is {len(data) / 2**20:,.0f} MB, more than a scenario can be")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_problem(str(file), "is not UTF-8 text: in Excel, save it as `CSV UTF-8`") from None
    try:
        return [tuple(row) for _, row in checked_rows(file, text)]
    except CsvError as exc:
        raise _file_problem(str(file), exc.words, exc.line) from None


# ------------------------------------------------------------ the workbook


@dataclass
class RowCells:
    """Where one row of a list sheet came from: its grid, row number and columns."""

    grid: Grid
    sheet: Sheet
    row: int
    columns: dict[str, int]
    given: set[str]
    failed: set[str] = field(default_factory=set)

    def column_for(self, loc: Loc, message: str) -> str:
        """The column a pydantic error (its location inside the row) is about; empty for the row."""
        if not loc:
            return self._named_in(message)
        head = str(loc[0])
        if head in PAIRED:
            end = "last" if len(loc) > 1 and loc[1] == 1 else "first"
            return f"{head}.{end}"
        if head == "secondees" and self.sheet is INSPECTIONS:
            if len(loc) > 1 and f"secondees.{loc[1]}" in self.columns:
                return f"secondees.{loc[1]}"
            return next((k for k in ("secondees.min", "secondees.max") if k in self.given), "secondees.min")
        parts = [str(p) for p in loc if isinstance(p, str)]
        for n in range(len(parts), 0, -1):
            if self.sheet.column(".".join(parts[:n])) is not None:
                return ".".join(parts[:n])
        return ""

    def _named_in(self, message: str) -> str:
        """The column a row-level message names (`` `trained: ...` ``, `rank ...`), if any."""
        if message.startswith("rank "):
            return "rank"
        for name in re.findall(r"`([a-z_.]+)[`:]", message):
            if self.sheet.column(name) is not None:
                return str(name)
            if name in PAIRED:
                return f"{name}.last" if " ends " in message else f"{name}.first"
        return ""

    def found(self, key: str, message: str) -> Found:
        col = self.columns.get(key, 0)
        cell = self.grid.ref(self.row, col) if col else self.grid.row_ref(self.row)
        return Found(
            (self.grid.order, self.row, col), Problem(self.grid.file, None, key, in_cells(message), cell)
        )


@dataclass
class Workbook:
    """A workbook read into the plain data of a scenario, remembering the cell of every value."""

    path: Path
    tree: CommentedMap = field(default_factory=CommentedMap)
    rows: dict[int, RowCells] = field(default_factory=dict)
    programme: dict[str, str] = field(default_factory=dict)
    found: list[Found] = field(default_factory=list)
    programme_grid: Grid | None = None
    programme_failed: set[str] = field(default_factory=set)
    _keep: list[Any] = field(default_factory=list)  # mended rows, whose ids index `rows`
    programme_sound: bool = False
    """The horizon and the rules read and validated: the rows can be checked against them."""
    origins: Origins = field(init=False)

    def __post_init__(self) -> None:
        self.origins = Origins(str(self.path))

    @classmethod
    def read(cls, path: Path) -> Workbook:
        book = cls(Path(path))
        grids, book.found = read_grids(book.path)
        names = [g.name for g in grids]
        for n, grid in enumerate(grids):
            if grid.name in names[:n]:
                message = f"a second {grid.name} sheet (sheet names are read whatever their case): keep one"
                book.found.append(Found((-1, 0, 0), Problem(grid.file, None, "", message)))
                continue
            if grid.name == PROGRAMME_SHEET:
                book._read_programme(grid)
            else:
                book._read_list(grid, next(s for s in LISTS if s.name == grid.name))
        for sheet, what in (
            (PROGRAMME_SHEET, "the name, start and weeks of the scenario go there"),
            (
                "Inspections",
                "the inspections go there, one a row (a sheet with none is a programme with none yet)",
            ),
            (
                "Secondees",
                "the secondees go there, one a row (a sheet with none is a programme with none yet)",
            ),
        ):
            if sheet not in names:
                where = f"file {sheet.lower()}.csv" if book.path.is_dir() else f"sheet `{sheet}`"
                book.found.append(
                    Found((-1, 0, 0), Problem(str(book.path), None, "", f"has no {where}: {what}"))
                )
        book.origins.mark(book.tree, str(book.path))
        return book

    # ---------------------------------------------------------- headers

    def _header(self, grid: Grid, columns: tuple[Column, ...]) -> dict[str, int]:
        """Column key to column number; unknown and repeated headers are problems."""
        header: dict[str, int] = {}
        keys = {c.key.lower(): c.key for c in columns}
        for col, value in enumerate(grid.rows[0] if grid.rows else (), start=1):
            if blank(value):
                continue
            text = str(value).strip()
            key = keys.get(text.lower())
            if key is None:
                hint = did_you_mean(text, [c.key for c in columns])
                self._problem(
                    grid,
                    1,
                    col,
                    text,
                    f"unknown column `{text}`{hint} (the columns are: {', '.join(c.key for c in columns)})",
                )
            elif key in header:
                self._problem(
                    grid,
                    1,
                    col,
                    key,
                    f"a second `{key}` column (the first is {grid.ref(1, header[key])}); keep one",
                )
            else:
                header[key] = col
        return header

    def _problem(self, grid: Grid, row: int, col: int, key: str, message: str) -> None:
        cell = grid.ref(row, col) if col else grid.row_ref(row)
        self.found.append(Found((grid.order, row, col), Problem(grid.file, None, key, message, cell)))

    def _data_rows(
        self, grid: Grid, header: dict[str, int], columns: tuple[Column, ...]
    ) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """Rows after the header, less the notes row and empty rows; stray cells are problems."""
        notes = {header[c.key]: " ".join(c.note.split()) for c in columns if c.key in header}
        width = len(grid.rows[0]) if grid.rows else 0
        for row, values in enumerate(grid.rows[1:], start=2):
            if all(blank(v) for v in values):
                continue
            if row == 2 and any(
                isinstance(values[c - 1], str) and " ".join(values[c - 1].split()) == n
                for c, n in notes.items()
                if c <= len(values)
            ):
                continue
            for col, value in enumerate(values, start=1):
                if not blank(value) and col not in header.values():
                    what = "has no header" if col <= width else "lies beyond the last column of the header"
                    self._problem(
                        grid,
                        row,
                        col,
                        "",
                        f"a value (`{value}`) in a column that {what}: give the column a header, or clear the cell",
                    )
            yield row, values

    # -------------------------------------------------------- Programme

    def _read_programme(self, grid: Grid) -> None:
        self.programme_grid = grid
        header = self._header(grid, PROGRAMME_COLUMNS)
        if "key" not in header or "value" not in header:
            self._problem(grid, 1, 0, "", "needs the columns `key` and `value` (one scenario key per row)")
            return
        first: dict[str, int] = {}
        for row, values in self._data_rows(grid, header, PROGRAMME_COLUMNS):
            key_cell, value_cell = (
                values[header[k] - 1] if header[k] <= len(values) else None for k in ("key", "value")
            )
            kc, vc = header["key"], header["value"]
            if blank(key_cell):
                if not blank(value_cell):
                    self._problem(
                        grid,
                        row,
                        kc,
                        "",
                        "a value without a key: write the key (e.g. costs.rhythm) in this cell",
                    )
                continue
            item = setting(str(key_cell))
            if item is None:
                name = str(key_cell).strip()
                hint = did_you_mean(name.removeprefix("rules."), [s.key for s in settings()])
                self._problem(
                    grid,
                    row,
                    kc,
                    name,
                    f"unknown key `{name}`{hint} (the keys are listed in the template's Programme sheet)",
                )
                continue
            if item.key in first:
                self._problem(
                    grid,
                    row,
                    kc,
                    item.key,
                    f"`{item.key}` is given twice (also on row {first[item.key]}); keep one",
                )
                continue
            first[item.key] = row
            self.programme[item.key] = grid.ref(row, vc)
            if not blank(value_cell):
                self._put_setting(grid, row, vc, item, value_cell)

    def _put_setting(self, grid: Grid, row: int, col: int, item: Setting, value: Any) -> None:
        try:
            plain_value = read_cell(value, item.kind, item.choices)
        except CellError as exc:
            self._problem(grid, row, col, item.key, str(exc))
            self.programme_failed.add(item.key)
            return
        if item.kind is Kind.WORDS:
            plain_value = [str(v).lower() for v in plain_value]
        node = self.tree
        for part in item.path[:-1]:
            node = node.setdefault(part, CommentedMap())
        node[item.path[-1]] = plain_value

    # ------------------------------------------------------ list sheets

    def _read_list(self, grid: Grid, sheet: Sheet) -> None:
        header = self._header(grid, sheet.columns)
        items = CommentedSeq()
        missing = [c.key for c in sheet.columns if c.required and c.key not in header]
        data_rows = list(self._data_rows(grid, header, sheet.columns))
        if data_rows and missing:
            self._problem(
                grid, 1, 0, missing[0], f"has no column {', '.join(f'`{k}`' for k in missing)} (required)"
            )
        for row, values in data_rows:
            item = self._read_row(grid, sheet, header, row, values, set(missing))
            if item is not None:
                items.append(item)
        self.tree[sheet.section] = items

    def _read_row(
        self,
        grid: Grid,
        sheet: Sheet,
        header: dict[str, int],
        row: int,
        values: tuple[Any, ...],
        missing: set[str],
    ) -> CommentedMap | None:
        cells = RowCells(grid, sheet, row, header, set(), set(missing))
        got: dict[str, Any] = {}
        for key, col in header.items():
            column = sheet.column(key)
            raw = values[col - 1] if col <= len(values) else None
            if column is None or column.info or blank(raw):
                continue
            cells.given.add(key)
            try:
                got[key] = read_cell(raw, column.kind, column.choices)
            except CellError as exc:
                self._problem(grid, row, col, key, str(exc))
                cells.failed.add(key)
        if sheet is TRAVEL and "minutes" not in cells.given:
            return None  # a journey not measured yet
        item = self._assemble(sheet, got, cells)
        self.rows[id(item)] = cells
        return item

    def _assemble(self, sheet: Sheet, got: dict[str, Any], cells: RowCells) -> CommentedMap:
        """A row's data as YAML would give it: pairs, the team size and the carer block put together."""
        item = CommentedMap()
        done = set()
        for column in sheet.columns:
            key = column.key
            if key not in got:
                continue
            head = key.split(".")[0]
            if head in PAIRED or (head == "secondees" and sheet is INSPECTIONS) or head == "carer":
                if head not in done:
                    self._compound(item, head, got, cells)
                    done.add(head)
                continue
            node = item
            for part in column.path[:-1]:
                node = node.setdefault(str(part), CommentedMap())
            node[str(column.path[-1])] = got[key]
        return item

    def _compound(self, item: CommentedMap, head: str, got: dict[str, Any], cells: RowCells) -> None:
        if head in PAIRED:
            first, last = got.get(f"{head}.first"), got.get(f"{head}.last")
            if first is not None and last is not None:
                item[head] = [first, last]
            elif not {f"{head}.first", f"{head}.last"} & cells.failed:
                empty = f"{head}.last" if last is None else f"{head}.first"
                self.found.append(
                    cells.found(empty, f"is empty: give both `{head}.first` and `{head}.last`, or neither")
                )
                cells.failed.add(empty)
        elif head == "secondees":
            low, high = got.get("secondees.min"), got.get("secondees.max")
            item[head] = (
                low if high is None else ({"max": high} if low is None else {"min": low, "max": high})
            )
        else:
            sub = CommentedMap((k.split(".", 1)[1], v) for k, v in got.items() if k.startswith("carer."))
            if got.get("carer") is False and sub:
                self.found.append(
                    cells.found(
                        "carer",
                        f"is FALSE but `carer.{next(iter(sub))}` is given: set it to TRUE, or clear the carer columns",
                    )
                )
                cells.failed.add("carer")
            elif got.get("carer") or sub:
                item[head] = sub

    # ------------------------------------------------------- validation

    def check_rows(self) -> list[Found]:
        """Each row on its own, and the Programme (the horizon and the rules)."""
        found: list[Found] = []
        for section, model in MODELS.items():
            for item in self.tree.get(section, []):
                cells = self.rows[id(item)]
                try:
                    model.model_validate(plain(item))
                except ValidationError as exc:
                    wrong = set()
                    for loc, message, _error in error_messages([dict(e) for e in exc.errors()]):
                        column = cells.column_for(loc, message)
                        if column not in cells.failed:
                            found.append(cells.found(column, message))
                        wrong.add(column)
                    cells.failed |= wrong
        top = {k: v for k, v in self.tree.items() if k not in LIST_SECTIONS}
        if self.programme_grid is not None and not self.programme_failed:
            try:
                Scenario.model_validate(plain(top))
            except ValidationError as exc:
                found += self._describe_programme(exc)
            else:
                self.programme_sound = True
        return found

    def _describe_programme(self, exc: ValidationError) -> list[Found]:
        found = []
        for loc, message, _ in error_messages([dict(e) for e in exc.errors()]):
            found.append(self._programme_found(loc, message))
        return found

    def _programme_found(self, loc: Loc, message: str) -> Found:
        path = tuple(str(p) for p in loc)
        item = max(
            (s for s in settings() if path[: len(s.path)] == s.path),
            key=lambda s: len(s.path),
            default=None,
        )
        key = item.key if item else key_path(loc)
        ref = self.programme.get(key, "")
        grid = self.programme_grid
        if grid is not None and ref:
            row = int(re.sub(r"\D", "", ref.rsplit("!", 1)[-1]))
            return Found((grid.order, row, 2), Problem(grid.file, None, key, message, ref))
        file = grid.file if grid is not None else str(self.path)
        return Found(
            (0, 0, 0), Problem(file, None, key, message, PROGRAMME_SHEET if grid and grid.prefix else "")
        )

    def sound_rows(self) -> tuple[CommentedMap, frozenset[str]]:
        """The tree with each wrong row mended or left out, and the ids of the rows left out.

        A row is mended by leaving out its wrong optional values (a wrong `away` still lets its
        `service` and `home` be checked); a row whose wrong value is required, or which is
        wrong as a whole, is left out.
        """
        tree = CommentedMap((k, v) for k, v in self.tree.items() if k not in LIST_SECTIONS)
        left_out: set[str] = set()
        for section in LIST_SECTIONS:
            if section not in self.tree:
                continue
            kept = CommentedSeq()
            for item in self.tree[section]:
                mended = self._mend(section, item)
                if mended is None:
                    left_out.add(str(item.get("id")))
                else:
                    kept.append(mended)
            tree[section] = kept
        return tree, frozenset(left_out)

    def _mend(self, section: str, item: CommentedMap) -> CommentedMap | None:
        cells = self.rows[id(item)]
        if not cells.failed:
            return item
        if "" in cells.failed:
            return None
        wrong = {column.path[0] for k in cells.failed if (column := cells.sheet.column(k)) is not None}
        mended = CommentedMap((k, v) for k, v in item.items() if k not in wrong)
        try:
            MODELS[section].model_validate(plain(mended))
        except ValidationError:
            return None
        self.rows[id(mended)] = cells
        self._keep.append(mended)
        return mended

    def describe(
        self, errors: list[dict[str, Any]], tree: CommentedMap, skip: frozenset[str] = frozenset()
    ) -> list[Found]:
        """Pydantic errors of the whole scenario, each at its cell (or on the command line)."""
        found = []
        for loc, message, error in error_messages(errors):
            if error["type"] in REFERENCE_ERRORS and str(error.get("input")) in skip:
                continue  # a reference to a row already reported as wrong
            found.append(self.locate(tree, loc, message))
        return found

    def locate(self, tree: CommentedMap, loc: Loc, message: str) -> Found:
        if len(loc) > 1 and loc[0] in LIST_SECTIONS and isinstance(loc[1], int):
            items = tree.get(str(loc[0]), [])
            cells = self.rows.get(id(items[loc[1]])) if loc[1] < len(items) else None
            if cells is not None:
                return cells.found(cells.column_for(loc[2:], message), message)
        file, _ = self.origins.locate(tree, loc)
        if file == COMMAND_LINE:
            return Found((-1, 0, 0), Problem(COMMAND_LINE, None, key_path(loc), message))
        return self._programme_found(loc, message)

    def key_cells(self, tree: CommentedMap) -> dict[str, str]:
        """`file:cell` of every key path of the tree (`inspections[3].week`), for messages."""
        lines = {}
        for item in settings():
            if item.key in self.programme and self.programme_grid is not None:
                lines[".".join(item.path)] = f"{self.programme_grid.file}:{self.programme[item.key]}"
        for section in LIST_SECTIONS:
            for n, item in enumerate(tree.get(section, [])):
                cells = self.rows.get(id(item))
                if cells is None:
                    continue
                first = min(cells.columns.values(), default=1)
                lines[f"{section}[{n}]"] = f"{cells.grid.file}:{cells.grid.ref(cells.row, first)}"
                for key, col in cells.columns.items():
                    column = cells.sheet.column(key)
                    assert column is not None
                    path = column.path
                    name = f"{path[0]}" if key.startswith("secondees.") or path[-1] == 0 else key_path(path)
                    lines.setdefault(
                        f"{section}[{n}].{name}", f"{cells.grid.file}:{cells.grid.ref(cells.row, col)}"
                    )
        return lines

    # ----------------------------------------------------------- result

    def scenario(self, overrides: Overrides | None = None) -> Scenario:
        """The validated scenario, with any command-line overrides, and the published roster it
        replans (`baseline.roster`, relative to the workbook); every problem in one error."""
        found = self.found + self.check_rows()
        if found:
            found += self._references()
            raise ScenarioError([f.problem for f in sorted(found, key=lambda f: f.order)])
        tree = self.tree
        if overrides:
            variant = overrides_tree(overrides)
            self.origins.mark(variant, COMMAND_LINE)
            try:
                tree = Merger(self.origins).merge(tree, variant, COMMAND_LINE)
            except VariantError as exc:
                raise ScenarioError([Problem(exc.file, exc.line, exc.key, exc.message)]) from None
        try:
            scenario = Scenario.model_validate(plain(tree))
        except ValidationError as exc:
            found = self.describe([dict(e) for e in exc.errors()], tree)
            raise ScenarioError([f.problem for f in sorted(found, key=lambda f: f.order)]) from None
        scenario.set_source(self.key_cells(tree))
        scenario.set_file(str(self.path.absolute()))
        if scenario.baseline is not None:
            scenario.set_published(read_published(scenario, self.origins.removed))
        return scenario

    def _references(self) -> list[Found]:
        """With rows already wrong: the references between the sound rows (a sound Programme needed)."""
        if not self.programme_sound:
            return []
        sound, left_out = self.sound_rows()
        try:
            Scenario.model_validate(plain(sound))
        except ValidationError as exc:
            return self.describe([dict(e) for e in exc.errors()], sound, left_out)
        return []


def load_workbook(path: Path, overrides: Overrides | None = None) -> Scenario:
    """Read and validate a scenario workbook, or a folder of CSV files.

    Raises
    ------
    ScenarioError
        With every problem of the workbook, each naming its sheet and cell.
    """
    return Workbook.read(path).scenario(overrides)


def import_workbook(path: Path) -> tuple[dict[str, Any], Scenario]:
    """The plain data a workbook holds (what `roster import` writes as YAML) and its scenario.

    Raises
    ------
    ScenarioError
        With every problem of the workbook, each naming its sheet and cell.
    """
    book = Workbook.read(path)
    scenario = book.scenario()
    return plain(book.tree), scenario
