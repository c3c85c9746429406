"""The roster already published, which a scenario may replan (`baseline:`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.base import Monday, StrictModel, Text


class Baseline(StrictModel):
    """`baseline: {roster: published/roster.csv, frozen_before: 2026-10-05}`.

    `roster` is a roster.csv (at least inspection, week, secondee) or an output folder holding one;
    a relative path is relative to the scenario file that names it. Weeks before `frozen_before`
    are history: they stay exactly as published. Without it nothing is frozen, but every change
    to the published roster is still priced.
    """

    roster: Text
    frozen_before: Monday | None = None


@dataclass(frozen=True)
class PublishedRow:
    """One row of the published roster, as read."""

    secondee: str
    inspection: str
    week: dt.date
    body: str | None  # the published `body` column, when the file has one
    arrangement: str | None  # the published `arrangement` column, when the file has one
    row: int  # line of the CSV file (the header is line 1)


@dataclass(frozen=True)
class PublishedRoster:
    """The published roster a scenario replans, read and checked against the scenario."""

    given: str  # the path as written (`baseline.roster` or `--baseline`)
    path: str  # the roster.csv read
    sha256: str  # of that file
    rows: tuple[PublishedRow, ...]
    removed: frozenset[str] = frozenset()  # ids the scenario's `remove:` names (rows become changes)
    inspection_weeks: tuple[tuple[str, dt.date], ...] = ()
    """The published week of every inspection, from the inspections.csv beside the roster.csv when
    there is one (it also places inspections that nobody was published on)."""
