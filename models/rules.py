"""Programme rules and cost weights; every default is the programme's published practice."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Annotated, Literal

from pydantic import Field, field_validator

from models.base import Minutes, Monday, PositiveWeekCount, Pounds, StrictModel, WeekCount, Whole
from models.limits import CIRCUITY, KM_PER_HOUR, MAX_OVERHEAD_MINUTES, MAX_PER_WEEK

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


PerWeek = Annotated[Whole, Field(ge=0, le=MAX_PER_WEEK)]
"""Inspections running in one week."""


def _working_week() -> list[Weekday]:
    return list(WEEKDAYS[:5])


class Costs(StrictModel):
    """Whole-pound weights of the objective (see OBJECTIVE.md)."""

    hotel_night_cost: Pounds = 120
    travel_hour_cost: Pounds = 25
    under_use: Pounds = 1000
    over_use: Pounds = 500
    rhythm: Pounds = 200
    preference: Pounds = 50
    shortfall: Pounds = 10000
    change: Pounds = 300
    """Per change to a published roster (a pair that joins, leaves or moves week): a person to tell."""
    move: Pounds = 1000
    """Per published inspection moved to another week: a force to re-notify, a team to rebook."""


class TravelEstimate(StrictModel):
    """Journey estimate used where no measured time is given."""

    overhead: float = Field(default=10, ge=0, le=MAX_OVERHEAD_MINUTES, allow_inf_nan=False)
    circuity: float = Field(default=1.25, ge=CIRCUITY[0], le=CIRCUITY[1], allow_inf_nan=False)
    km_per_hour: float = Field(default=85, ge=KM_PER_HOUR[0], le=KM_PER_HOUR[1], allow_inf_nan=False)


class Rhythm(StrictModel):
    """The preferred pattern: `weeks_on` inspection weeks, then `weeks_off` weeks off."""

    weeks_on: PositiveWeekCount = 2
    weeks_off: WeekCount = 1
    hard: bool = False


class Rules(StrictModel):
    """Programme-wide rules of a scenario."""

    max_inspections_per_week: PerWeek = 4
    max_inspections_in_week: dict[Monday, PerWeek] = Field(default_factory=dict)
    """Per-week overrides of the cap, e.g. a peak week of 5: `{2027-03-01: 5}`."""
    max_back_to_back: PositiveWeekCount = 3
    rhythm: Rhythm = Field(default_factory=Rhythm)
    night_before_minutes: Minutes = 180
    commute_minutes: Minutes = 60
    no_own_service: bool = True
    match_background: bool = True
    inspection_days: list[Weekday] = Field(default_factory=lambda: _working_week())
    travel_estimate: TravelEstimate = Field(default_factory=TravelEstimate)
    costs: Costs = Field(default_factory=Costs)

    @field_validator("inspection_days")
    @classmethod
    def _contiguous_days(cls, days: list[Weekday]) -> list[Weekday]:
        if not days:
            raise ValueError("an inspection needs at least one day, e.g. [mon, tue, wed, thu, fri]")
        index = [WEEKDAYS.index(d) for d in days]
        if index != list(range(index[0], index[0] + len(index))):
            raise ValueError(
                "inspection days must be consecutive and in order (hotel nights are the nights"
                " between them), e.g. [mon, tue, wed, thu, fri]"
            )
        return days

    def cap(self, monday: dt.date) -> int:
        """The programme cap on inspections running in the week of `monday`."""
        return self.max_inspections_in_week.get(monday, self.max_inspections_per_week)

    @cached_property
    def day_offsets(self) -> list[int]:
        """Offsets from the week's Monday of each inspection day."""
        return [WEEKDAYS.index(d) for d in self.inspection_days]

    @cached_property
    def day_span(self) -> tuple[dt.timedelta, dt.timedelta]:
        """From the week's Monday to its first and to its last inspection day."""
        return dt.timedelta(days=self.day_offsets[0]), dt.timedelta(days=self.day_offsets[-1])
