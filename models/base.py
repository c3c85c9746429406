"""The base every scenario model shares: unknown keys are errors, never silently ignored."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Mapping
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


class StrictModel(BaseModel):
    """A model that forbids unknown keys, so a typo is reported instead of ignored."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def _must_be_monday(day: dt.date) -> dt.date:
    if day.weekday() != 0:
        raise ValueError(
            f"{day.isoformat()} is a {day.strftime('%A')}; a planning week is named by its Monday"
            f" (the Monday of that week is {(day - dt.timedelta(days=day.weekday())).isoformat()})"
        )
    return day


Monday = Annotated[dt.date, AfterValidator(_must_be_monday)]
"""A date that names a planning week: it must be a Monday."""

NonNegativeInt = Annotated[int, Field(ge=0)]
PositiveInt = Annotated[int, Field(gt=0)]
Identifier = Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]


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
    close = difflib.get_close_matches(word, [str(o) for o in options], n=n, cutoff=cutoff)
    names = [shown.get(c, c) if shown else c for c in close]
    return f"; did you mean {', '.join(f'`{c}`' for c in names)}?" if names else ""
