"""The base every scenario model shares: unknown keys are errors, never silently ignored."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import typing
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from models.limits import FIRST_DATE, LAST_DATE, MAX_MINUTES, MAX_POUNDS, MAX_TEAM, MAX_TEXT, MAX_WEEKS


class StrictModel(BaseModel):
    """A model that forbids unknown keys, so a typo is reported instead of ignored."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def _in_range(day: dt.date) -> dt.date:
    if not FIRST_DATE <= day <= LAST_DATE:
        raise ValueError(
            f"{day.isoformat()} is outside the years a roster can cover ({FIRST_DATE.year} to"
            f" {LAST_DATE.year}); check the year"
        )
    return day


def _must_be_monday(day: dt.date) -> dt.date:
    if day.weekday() != 0:
        raise ValueError(
            f"{day.isoformat()} is a {day.strftime('%A')}; a planning week is named by its Monday"
            f" (the Monday of that week is {(day - dt.timedelta(days=day.weekday())).isoformat()})"
        )
    return day


Date = Annotated[dt.date, AfterValidator(_in_range)]
"""A day from 2000 to 2099 (`models.limits`)."""
Monday = Annotated[dt.date, AfterValidator(_in_range), AfterValidator(_must_be_monday)]
"""A date that names a planning week: it must be a Monday."""

CONTROL_NAMES = {
    "\n": "a line break",
    "\r": "a carriage return",
    "\t": "a tab",
    "\x1b": "an escape character",
    "\x00": "a null character",
    "\u2028": "a line separator",
    "\u2029": "a paragraph separator",
}


def control_character(text: str) -> str | None:
    """The first control character in `text` (C0, DEL, C1, or a Unicode line separator), if any."""
    return next((c for c in text if unicodedata.category(c) in ("Cc", "Zl", "Zp")), None)


def describe_character(char: str) -> str:
    """`a line break (U+000A)`: a character people cannot see, named."""
    return f"{CONTROL_NAMES.get(char, 'a control character')} (U+{ord(char):04X})"


def _printable(text: str) -> str:
    bad = control_character(text)
    if bad is not None:
        raise ValueError(
            f"contains {describe_character(bad)} at character {text.index(bad) + 1}: names and"
            " ids are one line of printable text (the calendars, the workbook and the CSV files"
            " cannot carry it)"
        )
    return text


Text = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(_printable)]
"""Free text people read (a name, a town): one line, no control characters, at most 1,000 characters."""


def not_a_yes_no(value: Any) -> Any:
    """A whole number is never `true` or `false` (which pydantic would read as 1 and 0)."""
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number, found `{str(value).lower()}`")
    return value


Whole = Annotated[int, BeforeValidator(not_a_yes_no)]
"""An int that refuses `true`/`false`: every whole number of a scenario is one."""
NonNegativeInt = Annotated[Whole, Field(ge=0)]
PositiveInt = Annotated[Whole, Field(gt=0)]
Pounds = Annotated[Whole, Field(ge=0, le=MAX_POUNDS)]
"""A cost weight in whole pounds."""
Minutes = Annotated[Whole, Field(ge=0, le=MAX_MINUTES)]
"""A one-way journey or a journey limit."""
TeamCount = Annotated[Whole, Field(ge=0, le=MAX_TEAM)]
"""Secondees on a team."""
WeekCount = Annotated[Whole, Field(ge=0, le=MAX_WEEKS)]
"""A number of weeks (or of inspections over the horizon: at most one a week)."""
PositiveWeekCount = Annotated[Whole, Field(ge=1, le=MAX_WEEKS)]
Degrees = Annotated[float, Field(allow_inf_nan=False)]


Identifier = Annotated[
    str, Field(min_length=1, max_length=MAX_TEXT, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
]


def folded(name: object) -> str:
    """A name as matched when a person types it: case and spacing aside (`paul  m.` is `Paul M.`)."""
    return " ".join(str(name).split()).casefold()


def did_you_mean(
    word: str,
    options: Iterable[str],
    n: int = 1,
    cutoff: float = 0.6,
    shown: Mapping[str, str] | None = None,
) -> str:
    """The hint after an unknown name: ``; did you mean `x`?`` (or `` `x`, `y` ``), else ``.

    The one place every "unknown key, id, rank or place" message gets its suggestion from.
    `shown` maps a name matched to the name shown (a place's folded key to its proper name).
    """
    listed = [str(o) for o in options]
    close = difflib.get_close_matches(word, listed, n=n, cutoff=cutoff)
    words = _words(word)
    if len(words) > 1:  # `hampshire-police`: `hampshire-and-isle-of-wight-police` holds both its words
        holding = [o for o in listed if o not in close and words <= _words(o)]
        close = sorted(holding, key=len)[:n] + close
    names = list(dict.fromkeys(shown.get(c, c) if shown else c for c in close))[: max(n, 1)]
    return f"; did you mean {', '.join(f'`{c}`' for c in names)}?" if names else ""


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[-_ ]+", text.casefold()) if w}


def annotation_args(annotation: Any) -> list[Any]:
    """The types a field's annotation allows: unions and `Annotated` unwrapped, `None` left out."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return [
            a for arg in typing.get_args(annotation) if arg is not type(None) for a in annotation_args(arg)
        ]
    if origin is typing.Annotated:
        return annotation_args(typing.get_args(annotation)[0])
    return [annotation]


def model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model a field's annotation holds, if any (`Caps | None` gives `Caps`)."""
    for arg in annotation_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None
