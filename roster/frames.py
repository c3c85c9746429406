"""Small helpers for reading CSV files into pandas tables, and for reading the tables."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
else:
    from roster.deferred import pandas as pd


MAX_CSV_BYTES = 200 * 1024 * 1024


class CsvError(ValueError):
    """A CSV file that cannot be read, with the file named."""


def read_csv(path: Path) -> pd.DataFrame:
    """A CSV file with a header row, every cell as text (an empty cell is ``)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CsvError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if size > MAX_CSV_BYTES:
        raise CsvError(
            f"{path}: {size / 2**20:,.0f} MB is more than a roster can be ({MAX_CSV_BYTES // 2**20} MB)"
        )
    try:
        text = path.read_text(encoding="utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
        _check_ragged(path, text)
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, index_col=False)
    except pd.errors.EmptyDataError:
        raise CsvError(f"{path}: empty (expected a header row, e.g. inspection,week,secondee)") from None
    except pd.errors.ParserError as exc:
        raise CsvError(f"{path}: not a readable CSV ({str(exc).strip()})") from None
    except UnicodeDecodeError:
        raise CsvError(f"{path}: not UTF-8 text (save the CSV as UTF-8)") from None
    except OSError as exc:
        raise CsvError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _check_ragged(path: Path, text: str) -> None:
    """Every row has as many cells as the header (a cell too many would shift every column)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        for row in reader:
            if row and len(row) != len(header or ()) and any(cell.strip() for cell in row):
                raise CsvError(
                    f"{path}:{reader.line_num}: {len(row)} cells, but the header has {len(header or ())}"
                    f" ({', '.join(header or ())}); give every row the header's cells"
                )
    except csv.Error as exc:
        raise CsvError(f"{path}:{reader.line_num}: not a readable CSV ({exc})") from None


def parse_csv(text: str) -> pd.DataFrame:
    """CSV text as `read_csv` reads the same text from a file: every cell as text."""
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def rows(df: pd.DataFrame) -> list[Any]:
    """Rows as named tuples, typed loosely: the cells of a hand-made CSV can be anything."""
    return list(df.itertuples())


def totals(df: pd.DataFrame, by: str, column: str) -> dict[str, int]:
    """Sum of an integer column per value of `by` (an empty dict when the column is absent)."""
    if column not in df.columns or df.empty:
        return {}
    return {str(k): int(v) for k, v in df.assign(_v=df[column].astype(int)).groupby(by)["_v"].sum().items()}
