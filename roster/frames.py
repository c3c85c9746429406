"""Small helpers for reading CSV files into pandas tables, and for reading the tables."""

from __future__ import annotations

import csv
import io
import stat
from collections import namedtuple
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
else:
    from roster.deferred import pandas as pd


MAX_CSV_BYTES = 200 * 1024 * 1024


class CsvError(ValueError):
    """A CSV file that cannot be read, with the file named (and `line`, `words`: where and why,
    for a problem at a line)."""

    def __init__(self, message: str, line: int | None = None, words: str = "") -> None:
        super().__init__(message)
        self.line, self.words = line, words or message


def _at_line(path: Path, line: int, words: str) -> CsvError:
    return CsvError(f"{path}:{line}: {words}", line, words)


def read_csv(path: Path) -> pd.DataFrame:
    """A CSV file with a header row, every cell as text (an empty cell is ``)."""
    text = _text(path)
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, index_col=False)
    except pd.errors.EmptyDataError:
        raise CsvError(_EMPTY.format(path=path)) from None
    except pd.errors.ParserError as exc:
        raise CsvError(f"{path}: not a readable CSV ({str(exc).strip()})") from None


@dataclass(frozen=True)
class Records:
    """A CSV file's rows as `read_records` reads them: cells by column, and each row's line."""

    columns: list[str]
    rows: list[dict[str, str]]
    lines: list[int]  # the line of the file each row starts on


def read_records(path: Path) -> Records:
    """`read_csv` without pandas (which takes a quarter of a second to import): the same columns
    and cells, for a file read before pandas is needed (the published roster of a replan).

    As pandas reads them: blank lines are skipped, a short row ends in empty cells, a header cell
    left empty is `Unnamed: N` and a repeated one `name.1`; a cell of spaces is kept as it is. A
    quote left open is refused, as pandas does, and so is text after a closing quote (`"x"y`,
    which pandas reads as `xy`): rows are never run together."""
    text = _text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[dict[str, str]] = []
    lines: list[int] = []
    try:
        header = next((row for row in reader if not _blank(row)), None)
        if header is None:
            raise CsvError(_EMPTY.format(path=path))
        columns = _unique(header)
        start = reader.line_num + 1
        for row in reader:
            if not _blank(row):
                cells = row + [""] * (len(columns) - len(row))
                rows.append(dict(zip(columns, cells, strict=False)))
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise CsvError(f"{path}:{reader.line_num}: not a readable CSV ({exc})") from None
    return Records(columns, rows, lines)


def _blank(row: list[str]) -> bool:
    """A line pandas skips: nothing on it, or only spaces."""
    return not row or (len(row) == 1 and not row[0].strip())


def _unique(header: list[str]) -> list[str]:
    """Header cells as pandas names its columns: `Unnamed: N` for an empty one, and `name.1`,
    `name.2`... for a repeat, skipping any suffix another cell of the header already has."""
    cells = [cell or f"Unnamed: {n}" for n, cell in enumerate(header)]
    given = set(cells)
    counts: dict[str, int] = {}
    names = []
    for cell in cells:
        name, count = cell, counts.get(cell, 0)
        while count > 0:
            counts[cell] = count + 1
            name = f"{cell}.{count}"
            count = count + 1 if name in given else counts.get(name, 0)
        names.append(name)
        counts[name] = count + 1
    return names


_EMPTY = "{path}: empty (expected a header row, e.g. inspection,week,secondee)"


def _text(path: Path) -> str:
    """The text of a CSV file, checked for size, encoding and rows of the header's width."""
    try:
        info = path.stat()
    except OSError as exc:
        raise CsvError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):  # a folder, or a pipe that would be waited on for ever
        raise CsvError(f"{path}: {not_a_file(info.st_mode)}: give a CSV file")
    size = info.st_size
    if size > MAX_CSV_BYTES:
        raise CsvError(
            f"{path}: {size / 2**20:,.0f} MB is more than a roster can be ({MAX_CSV_BYTES // 2**20} MB)"
        )
    try:
        text = path.read_text(encoding="utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError:
        if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
            raise CsvError(
                f"{path}: is a spreadsheet, not a CSV file: give the roster.csv beside it (to read an edited"
                " roster.xlsx, `roster rebuild SCENARIO roster.xlsx --out DIR` first)"
            ) from None
        raise CsvError(f"{path}: not UTF-8 text (save the CSV as UTF-8)") from None
    except OSError as exc:
        raise CsvError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    _check_ragged(path, text)
    return text


def not_a_file(mode: int) -> str:
    """What a path that is not a regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    return "is not a regular file (a pipe or a device?)"


def checked_rows(path: Path, text: str) -> list[tuple[int, list[str]]]:
    """The rows of a CSV text, each with the line it starts on, refusing (`CsvError`, at that
    line) one the csv module cannot read and a quote left open, which takes the lines after it into
    one cell: a row that runs over several lines with a cell holding a line break, whose width is
    not the header's (a cell with a line break in it, quoted whole, keeps the width and is read)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            runs_on = reader.line_num > start and any("\n" in cell for cell in row)
            if rows and runs_on and len(row) != len(rows[0][1]):
                raise _at_line(
                    path,
                    start,
                    f'a quote (") opened on this row is closed only on line {reader.line_num} (or never):'
                    " close it on its own row",
                )
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise _at_line(path, start, f"not a readable CSV ({exc})") from None
    return rows


def _check_ragged(path: Path, text: str) -> None:
    """Every row has as many cells as the header (a cell too many would shift every column), each
    column is named once, and no quote is left open (`checked_rows`)."""
    rows = checked_rows(path, text)
    header = rows[0][1] if rows else []
    named = [c.strip() for c in header]
    twice = sorted({c for c in named if c and named.count(c) > 1})
    if twice:
        raise _at_line(
            path, 1, f"the column {', '.join(f'`{c}`' for c in twice)} is given twice: keep one of each"
        )
    for line, row in rows[1:]:
        if row and len(row) != len(header) and any(cell.strip() for cell in row):
            raise _at_line(
                path,
                line,
                f"{len(row)} cells, but the header has {len(header)} ({', '.join(header)});"
                " give every row the header's cells",
            )


class Table:
    """An output table as a solve makes it: its columns, and its rows of typed values (text,
    whole numbers, floats, True/False; None for an empty cell).

    What a solve writes and prints is made from these, so that it needs no pandas (a quarter of a
    second to import, a third of a short command); `frame()` gives the pandas table, for the
    commands that compute with one. `csv()` is the text pandas' `to_csv` writes for the same
    table, cell for cell (both quote with Python's `csv` module)."""

    def __init__(self, columns: Sequence[str], records: Iterable[Mapping[str, Any]]) -> None:
        self.columns = list(columns)
        self.values = [tuple(r.get(c) for c in self.columns) for r in records]

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, column: str) -> list[Any]:
        at = self.columns.index(column)
        return [row[at] for row in self.values]

    def sorted_by(self, *columns: str) -> Table:
        """The rows in order of `columns` (stable, as pandas' `sort_values(kind="stable")`)."""
        at = [self.columns.index(c) for c in columns]
        out = Table(self.columns, ())
        out.values = sorted(self.values, key=lambda row: tuple(row[n] for n in at))
        return out

    def itertuples(self) -> list[Any]:
        """The rows as named tuples, `Index` first, as pandas' `itertuples` gives them."""
        row: Any = namedtuple("Row", ["Index", *self.columns], rename=True)  # type: ignore[misc]
        return [row._make((n, *values)) for n, values in enumerate(self.values)]

    def csv(self) -> str:
        """The table as the UTF-8 CSV text of the output files."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.columns)
        writer.writerows(self.values)  # None as an empty cell, a float by its repr: as pandas writes them
        return out.getvalue()

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.values, columns=self.columns)


def parse_csv(text: str) -> pd.DataFrame:
    """CSV text as `read_csv` reads the same text from a file: every cell as text."""
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def rows(df: pd.DataFrame | Table) -> list[Any]:
    """Rows as named tuples, typed loosely: the cells of a hand-made CSV can be anything."""
    return list(df.itertuples())


def totals(df: pd.DataFrame, by: str, column: str) -> dict[str, int]:
    """Sum of an integer column per value of `by` (an empty dict when the column is absent)."""
    if column not in df.columns or df.empty:
        return {}
    return {str(k): int(v) for k, v in df.assign(_v=df[column].astype(int)).groupby(by)["_v"].sum().items()}
