"""Reading one cell of a workbook as its column's kind: dates, numbers, booleans, lists.

Nothing is guessed. A date that Excel stores as text is read when it is unambiguous (ISO
`2026-09-21`, or day/month/year as UK users type it: `21/09/2026`, `21/9/26`); anything else is
refused with a hint. Each function raises `CellError` with the words to show beside the cell.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from typing import Any

from roster.loading.sheets import Choices, Kind

ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")
INTEGER = re.compile(r"^[+-]?\d+$")
COORDINATES = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*,\s*([+-]?\d+(?:\.\d+)?)\s*$")
LOWER_CASE = (Choices.BACKGROUNDS, Choices.KINDS, Choices.MODES)
"""Columns of keywords, read whatever their case (`Police` is `police`)."""


class CellError(ValueError):
    """A cell that cannot be read as its column's kind."""


def blank(value: Any) -> bool:
    """An empty cell: nothing, or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def read_cell(value: Any, kind: Kind, choices: Choices = Choices.NONE) -> Any:
    """The plain value (as the YAML reader would give it) of a non-blank cell."""
    if isinstance(value, str):
        value = value.strip()
    if isinstance(value, dt.time):
        raise CellError(f"found the time {value}; expected {_expected(kind)}")
    value = _READERS[kind](value)
    if choices in LOWER_CASE:
        return [v.lower() for v in value] if isinstance(value, list) else str(value).lower()
    return value


def _expected(kind: Kind) -> str:
    return {
        Kind.TEXT: "text",
        Kind.INT: "a whole number",
        Kind.NUMBER: "a number",
        Kind.BOOL: "TRUE or FALSE",
        Kind.DATE: "a date like 2026-09-21 or 21/09/2026",
        Kind.DATES: "dates separated by commas, like 2026-10-19, 2026-11-02",
        Kind.WORDS: "words separated by commas",
        Kind.PAIR: "two whole numbers, low and high, like 3, 4",
        Kind.HOME: "a UK town, a body id, or lat, lon like 53.76, -2.70",
        Kind.CAPS: "Monday: cap pairs like 2026-11-23: 5, 2026-11-02: 0",
    }[kind]


def _excel_date(value: dt.datetime | dt.date, kind: Kind) -> CellError:
    day = value.date() if isinstance(value, dt.datetime) else value
    return CellError(
        f"Excel turned this cell into the date {day.isoformat()}; expected {_expected(kind)}"
        " (format the cell as text and type it again)"
    )


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        raise _excel_date(value, Kind.TEXT)
    return str(value)


def _int(value: Any) -> int:
    if isinstance(value, (bool, dt.datetime, dt.date)):
        raise CellError(f"found {_shown(value)}; expected a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(f"found {value:g}; expected a whole number")
    text = str(value).replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", str(value)) else str(value)
    if INTEGER.match(text):
        return int(text)
    raise CellError(f"found `{value}`; expected a whole number")


def _number(value: Any) -> float:
    if isinstance(value, (bool, dt.datetime, dt.date)):
        raise CellError(f"found {_shown(value)}; expected a number")
    if isinstance(value, (int, float)):
        return float(value)
    try:
        number = float(str(value))
    except ValueError:
        raise CellError(f"found `{value}`; expected a number like 51.27") from None
    if not math.isfinite(number):
        raise CellError(f"found `{value}`; expected a number like 51.27")
    return number


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    words = {"true": True, "yes": True, "false": False, "no": False}
    if isinstance(value, str) and value.lower() in words:
        return words[value.lower()]
    raise CellError(f"found {_shown(value)}; expected TRUE or FALSE (or leave it empty for the default)")


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.datetime, dt.date)):
        return f"the date {value.isoformat()[:10]}"
    if isinstance(value, (int, float)):
        return f"the number {value:g}"
    return f"`{value}`"


def read_date(value: Any) -> dt.date:
    """A date from a date cell, or from text that can only mean one day."""
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            raise CellError(f"found {value.isoformat(sep=' ')}, a date with a time; expected a date only")
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise CellError(
            f"found the number {value:g}, not a date (a date in a cell formatted as a number?);"
            " format the cell as a date, or type it like 2026-09-21"
        )
    return parse_date(str(value).strip())


def parse_date(text: str) -> dt.date:
    """`2026-09-21`, `21/09/2026` or `21/9/26` (day/month/year); anything else is refused."""
    if match := ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
        return _day(text, year, month, day)
    if match := UK.match(text):
        day, month, year = (int(g) for g in match.groups())
        year += 2000 if year < 100 else 0
        if month > 12 and day <= 12:
            raise CellError(
                f"`{text}` is not a UK date (day/month/year): there is no month {month}."
                f" If you meant {calendar.month_name[day]} {month}, write {year}-{day:02d}-{month:02d}"
            )
        return _day(text, year, month, day)
    hint = "; separate dates with commas" if ";" in text else ""
    raise CellError(
        f"`{text}` is not a date roster reads: write 2026-09-21, or day/month/year like 21/09/2026{hint}"
    )


def _day(text: str, year: int, month: int, day: int) -> dt.date:
    if not 1 <= month <= 12:
        raise CellError(f"`{text}` is not a date: there is no month {month}")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise CellError(f"`{text}` is not a date: {calendar.month_name[month]} {year} has {last} days")
    return dt.date(year, month, day)


def _items(value: Any) -> list[str]:
    return [part.strip() for part in _text(value).split(",") if part.strip()]


def _dates(value: Any) -> list[dt.date]:
    if isinstance(value, (dt.datetime, dt.date)):
        return [read_date(value)]
    return [parse_date(item) for item in _items(value)]


def _pair(value: Any) -> list[int]:
    if isinstance(value, (dt.datetime, dt.date)):
        raise _excel_date(value, Kind.PAIR)
    items = _items(value)
    if len(items) != 2 or not all(INTEGER.match(i) for i in items):
        raise CellError(f"found `{_text(value)}`; expected {_expected(Kind.PAIR)}")
    return [int(i) for i in items]


def _home(value: Any) -> Any:
    if isinstance(value, (int, float, dt.datetime, dt.date)):
        raise CellError(f"found {_shown(value)}; expected {_expected(Kind.HOME)}")
    text = str(value)
    if match := COORDINATES.match(text):
        return {"lat": float(match.group(1)), "lon": float(match.group(2))}
    return text


def _caps(value: Any) -> dict[dt.date, int]:
    if isinstance(value, (dt.datetime, dt.date)):
        raise CellError(f"found {_shown(value)}; expected {_expected(Kind.CAPS)}")
    out: dict[dt.date, int] = {}
    for item in _items(value):
        day, sep, cap = item.rpartition(":")
        if not sep or not INTEGER.match(cap.strip()):
            raise CellError(f"`{item}` is not a Monday: cap pair; expected {_expected(Kind.CAPS)}")
        monday = parse_date(day.strip())
        if monday in out:
            raise CellError(f"{monday} is given twice; keep one cap for it")
        out[monday] = int(cap)
    return out


_READERS = {
    Kind.TEXT: _text,
    Kind.INT: _int,
    Kind.NUMBER: _number,
    Kind.BOOL: _bool,
    Kind.DATE: read_date,
    Kind.DATES: _dates,
    Kind.WORDS: _items,
    Kind.PAIR: _pair,
    Kind.HOME: _home,
    Kind.CAPS: _caps,
}
