"""Inspections: a week of fieldwork at one body, fixed or within a window."""

from __future__ import annotations

from pydantic import Field, model_validator

from models.base import Identifier, Monday, StrictModel, TeamCount, Text
from models.ranks import Background


class TeamSize(StrictModel):
    """Secondees on the team: `{min, max}`; a bound left out equals the other."""

    min: TeamCount | None = None
    max: TeamCount | None = None

    @model_validator(mode="after")
    def _bounds(self) -> TeamSize:
        if self.min is None and self.max is None:
            raise ValueError("give `min`, `max` or both, e.g. {min: 2, max: 4}")
        if self.min is None:
            self.min = self.max
        if self.max is None:
            self.max = self.min
        assert self.min is not None and self.max is not None
        if self.min > self.max:
            raise ValueError(f"`min: {self.min}` is above `max: {self.max}`")
        return self


class Needs(StrictModel):
    """Team requirements beyond its size."""

    experienced: TeamCount = 0


class Inspection(StrictModel):
    """One inspection of one body, running in its fixed `week` or one Monday of its `window`.

    With neither `week` nor `window`, the inspection may run in any week of the horizon.
    """

    id: Identifier
    body: Identifier
    name: Text = ""
    week: Monday | None = None
    window: tuple[Monday, Monday] | None = None
    secondees: TeamCount | TeamSize = 2
    needs: Needs = Field(default_factory=Needs)
    open_to: list[Background] | None = None

    @model_validator(mode="after")
    def _week_or_window(self) -> Inspection:
        if self.week is not None and self.window is not None:
            raise ValueError("give either a fixed `week` or a `window`, not both")
        if self.window is not None and self.window[1] < self.window[0]:
            raise ValueError(
                f"`window` is empty: it ends ({self.window[1]}) before it starts"
                f" ({self.window[0]}); write [first Monday, last Monday]"
            )
        if self.open_to is not None and not self.open_to:
            raise ValueError("`open_to` is empty: list at least one of police, fire")
        return self

    @property
    def team_min(self) -> int:
        if isinstance(self.secondees, int):
            return self.secondees
        assert self.secondees.min is not None
        return self.secondees.min

    @property
    def team_max(self) -> int:
        if isinstance(self.secondees, int):
            return self.secondees
        assert self.secondees.max is not None
        return self.secondees.max
