"""Replanning a published roster: what a change is, and what a move is (docs/rules.md, rule 11).

These are plain definitions on plain rows, shared by the engine's costing, the output files
(`changes.csv`), the terminal and `roster compare`, so that all of them count the same changes.
The checker counts them again on its own.

- A *pair* is (secondee, inspection); in a roster a pair has one week.
- A **change** is a published pair whose week is `frozen_before` or later that is not in the new
  roster in the same week (it *left*, or it *moved* to another week: one change either way), or
  a pair of the new roster that was not published (it *joined*).
- A **move** is a published inspection whose published week is `frozen_before` or later that
  runs in another week now, or no longer runs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

COMMUTE = "commute"


@dataclass(frozen=True)
class Placed:
    """One row of a roster: a pair in a week, with the arrangement its booking follows."""

    secondee: str
    inspection: str
    body: str
    week: int
    arrangement: str | None  # None when unknown (a published row of someone since removed)


@dataclass(frozen=True)
class Change:
    """One change to the published roster, and what it means for the hotel booking."""

    secondee: str
    inspection: str
    body: str
    week_before: int | None  # None when the pair joined
    week_after: int | None  # None when the pair left
    change: str  # "joined", "left" or "moved"
    booking: str  # "book", "cancel", "amend" or "none"
    arrangement_before: str | None
    arrangement_after: str | None


def _hotel(arrangement: str | None) -> bool:
    """A stay to book or cancel. An unknown arrangement counts as a hotel: better a cancellation
    the booking team finds nothing to cancel for than a hotel left booked."""
    return arrangement != COMMUTE


def booking(change: str, before: str | None, after: str | None) -> str:
    """`book`, `cancel`, `amend` or `none`, for a change and the arrangements on either side."""
    had = change != "joined" and _hotel(before)
    has = change != "left" and _hotel(after)
    if had and has:
        return "amend"
    if had:
        return "cancel"
    return "book" if has else "none"


def list_changes(
    before: Iterable[Placed], after: Iterable[Placed], frozen_before: int | None
) -> list[Change]:
    """The changes from `before` (published) to `after`, counted from week `frozen_before` on.

    Pairs published before `frozen_before` are history: rule 11 keeps them, so they are never
    changes (a roster that breaks rule 11 is the checker's business).
    """
    first = -math.inf if frozen_before is None else frozen_before
    old = {(p.secondee, p.inspection): p for p in before}
    new = {(p.secondee, p.inspection): p for p in after}
    out = []
    for pair in sorted(old.keys() | new.keys()):
        was, now = old.get(pair), new.get(pair)
        if was is not None and was.week < first:
            continue
        if was is not None and now is not None:
            if was.week == now.week:
                continue
            kind = "moved"
        elif was is not None:
            kind = "left"
        elif now is not None and now.week >= first:
            kind = "joined"
        else:
            continue
        either = now or was
        assert either is not None
        out.append(
            Change(
                secondee=pair[0],
                inspection=pair[1],
                body=either.body,
                week_before=was.week if was else None,
                week_after=now.week if now else None,
                change=kind,
                booking=booking(kind, was.arrangement if was else None, now.arrangement if now else None),
                arrangement_before=was.arrangement if was else None,
                arrangement_after=now.arrangement if now else None,
            )
        )
    return out


def moved_inspections(
    before: Mapping[str, int], after: Mapping[str, int], frozen_before: int | None
) -> list[str]:
    """Published inspections (week `frozen_before` or later) that run in another week, or not at all."""
    first = -math.inf if frozen_before is None else frozen_before
    return sorted(i for i, week in before.items() if week >= first and after.get(i) != week)


def inspection_weeks(rows: Iterable[Placed]) -> dict[str, int]:
    """The week each inspection of a roster runs in, from its rows."""
    return {p.inspection: p.week for p in rows}
