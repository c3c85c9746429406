"""The base every scenario model shares: unknown keys are errors, never silently ignored."""

from __future__ import annotations

import datetime as dt
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
