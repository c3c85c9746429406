"""Secondees: who they are, where they live, when they can go, and what they need."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator, model_validator

from models.base import (
    Date,
    Identifier,
    Minutes,
    Monday,
    StrictModel,
    Text,
    WeekCount,
    Whole,
    did_you_mean,
)
from models.bodies import Location
from models.limits import MAX_INSPECTIONS_DONE, MAX_NIGHTS
from models.ranks import ELIGIBLE_RANKS, INELIGIBLE_RANKS, Background


class Carer(StrictModel):
    """Caring responsibilities agreed case by case (OBJECTIVE.md, arrangement)."""

    home_every_night: bool = False
    max_commute_minutes: Minutes | None = None
    no_night_before: bool = False
    max_nights_away: Annotated[Whole, Field(ge=0, le=MAX_NIGHTS)] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Carer:
        if self.home_every_night and self.max_nights_away:
            raise ValueError(
                f"`home_every_night: true` means no hotel nights at all, which contradicts"
                f" `max_nights_away: {self.max_nights_away}`; keep one of them"
            )
        return self


class Prefers(StrictModel):
    """Soft wishes: inspect one of these bodies; no inspection in these weeks."""

    bodies: list[Identifier] = Field(default_factory=list)
    off_weeks: list[Monday] = Field(default_factory=list)


class Avoids(StrictModel):
    """Soft wishes: rather not inspect these bodies."""

    bodies: list[Identifier] = Field(default_factory=list)


class Secondee(StrictModel):
    """A short-term secondee."""

    id: Identifier
    name: Text = ""
    service: Identifier
    background: Background
    rank: Text
    home: Location | Text
    available: tuple[Date, Date] | None = None
    trained: Date | None = None
    away: list[Monday] = Field(default_factory=list)
    inspections_done: Annotated[Whole, Field(ge=0, le=MAX_INSPECTIONS_DONE)] = 0
    carer: Carer | None = None
    target: tuple[WeekCount, WeekCount] | None = None
    prefers: Prefers = Field(default_factory=Prefers)
    avoids: Avoids = Field(default_factory=Avoids)

    @field_validator("rank")
    @classmethod
    def _known_rank(cls, rank: str) -> str:
        rank = rank.strip().lower().replace(" ", "-").replace("_", "-")
        every = [r for ranks in ELIGIBLE_RANKS.values() for r in ranks]
        if rank in every:
            return rank
        if rank in INELIGIBLE_RANKS:
            raise ValueError(
                f"rank `{rank}` is not eligible for a short-term secondment: {INELIGIBLE_RANKS[rank]}"
            )
        hint = did_you_mean(rank, every)
        raise ValueError(f"unknown rank `{rank}`: expected one of {', '.join(every)}{hint}")

    @model_validator(mode="after")
    def _consistent(self) -> Secondee:
        if self.rank not in ELIGIBLE_RANKS[self.background]:
            allowed = ", ".join(ELIGIBLE_RANKS[self.background])
            raise ValueError(
                f"rank `{self.rank}` is not a {self.background} rank; a {self.background}"
                f" secondee's rank is one of {allowed}"
            )
        if self.available is not None:
            first, last = self.available
            if last < first:
                raise ValueError(
                    f"`available` ends ({last}) before it starts ({first}); write [first day, last day]"
                )
            if self.trained is not None and self.trained > last:
                raise ValueError(
                    f"`trained: {self.trained}` is after the secondment ends ({last}):"
                    " this secondee could never inspect"
                )
        if self.target is not None and self.target[0] > self.target[1]:
            raise ValueError(
                f"`target: [{self.target[0]}, {self.target[1]}]` has its low end above its high end"
            )
        return self

    @property
    def label(self) -> str:
        return self.name or self.id
