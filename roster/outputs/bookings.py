"""The hotel booking list: one block of rooms per inspection team, made from the hotel stays.

A booking team books one block per inspection: near the inspected body's HQ, from the first night
any member needs (the Sunday when someone travels the night before) to the last inspection day,
with a room each night for every member staying that night. `bookings.csv`, the Excel sheet
"Bookings", the HTML report and the terminal all read the blocks made here, so the rooms, the
room-nights and the cost of the list add up to `accommodation.csv` and `summary.json` by
construction.

A block's key, `booking`, is the inspection id and the block's check-in date
(`peel-kent-1@2026-09-13`): the same block in two rosters has the same key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from roster.frames import rows
from roster.labels import arrives_words, rooms_words

BOOKING_COLUMNS = [
    "booking",
    "inspection",
    "body",
    "week",
    "hotel_near",
    "check_in",
    "check_out",
    "nights",
    "rooms",
    "rooms_by_night",
    "room_nights",
    "cost",
    "guests",
]
BOOKING_EXTRA = ["body_name", "guest_names"]
SEPARATOR = "; "
"""Between the guests of a block, in `guests` and `guest_names`."""


@dataclass(frozen=True)
class Block:
    """The rooms one inspection team needs in one hotel."""

    inspection: str
    body: str
    body_name: str
    week: str
    hotel_near: str
    check_in: str
    check_out: str
    rooms_by_night: tuple[int, ...]
    room_nights: int
    cost: int
    guests: tuple[str, ...]
    guest_names: tuple[str, ...]

    @property
    def key(self) -> str:
        return booking_key(self.inspection, self.check_in)

    @property
    def nights(self) -> int:
        return len(self.rooms_by_night)

    @property
    def rooms(self) -> int:
        """The most rooms needed on any night: what the hotel holds for the team."""
        return max(self.rooms_by_night, default=0)

    @property
    def rooms_words(self) -> str:
        """`3 each night`, or `1 on Sun 13 Sep, 3 on Mon 14–Thu 17 Sep`."""
        return rooms_words(dt.date.fromisoformat(self.check_in), self.rooms_by_night)


@dataclass(frozen=True)
class Totals:
    """The sums over some blocks: one week's, or the whole list's (`week` empty)."""

    week: str
    blocks: int
    rooms: int
    room_nights: int
    cost: int


def booking_key(inspection: str, check_in: str) -> str:
    """The stable key of a block: `peel-kent-1@2026-09-13`."""
    return f"{inspection}@{check_in}"


def _nights(first: str, last: str) -> list[dt.date]:
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return [start + dt.timedelta(days=n) for n in range((end - start).days)]


def _block(stays: list[dict[str, str]], guest_label: Mapping[str, str], body_name: str) -> Block:
    """One block from the stays of one inspection (each a row of accommodation.csv)."""
    check_in = min(s["check_in"] for s in stays)
    check_out = max(s["check_out"] for s in stays)
    latest = max(s["check_in"] for s in stays)
    stays = sorted(stays, key=lambda s: (s["check_in"], guest_label.get(s["secondee"], s["secondee"])))
    names = []
    for s in stays:
        name = guest_label.get(s["secondee"], s["secondee"])
        early = s["check_in"] < latest
        names.append(f"{name} ({arrives_words(dt.date.fromisoformat(s['check_in']))})" if early else name)
    nights = _nights(check_in, check_out)
    first = stays[0]
    return Block(
        inspection=first["inspection"],
        body=first["body"],
        body_name=body_name,
        week=first["week"],
        hotel_near=first["hotel_near"],
        check_in=check_in,
        check_out=check_out,
        rooms_by_night=tuple(
            sum(1 for s in stays if s["check_in"] <= night.isoformat() < s["check_out"]) for night in nights
        ),
        room_nights=sum(int(s["nights"]) for s in stays),
        cost=sum(int(s["cost"]) for s in stays),
        guests=tuple(s["secondee"] for s in stays),
        guest_names=tuple(names),
    )


def make_blocks(
    accommodation: pd.DataFrame, guest_label: Mapping[str, str], body_names: Mapping[str, str]
) -> list[Block]:
    """The blocks of an accommodation plan (accommodation.csv, typed or as text), by week and inspection.

    Parameters
    ----------
    accommodation
        One row per hotel stay, with at least the columns of accommodation.csv.
    guest_label
        The label people read for each secondee id (`roster.labels.people_labels`).
    body_names
        Each body id's full name.
    """
    by_inspection: dict[str, list[dict[str, str]]] = {}
    for r in rows(accommodation):
        stay = {c: str(getattr(r, c)) for c in ("inspection", "body", "week", "secondee", "hotel_near")}
        stay |= {c: str(getattr(r, c)) for c in ("check_in", "check_out", "nights", "cost")}
        by_inspection.setdefault(stay["inspection"], []).append(stay)
    blocks = [
        _block(stays, guest_label, body_names.get(stays[0]["body"], stays[0]["body"]))
        for stays in by_inspection.values()
    ]
    return sorted(blocks, key=lambda b: (b.week, b.check_in, b.inspection))


def booking_table(blocks: Iterable[Block]) -> pd.DataFrame:
    """The blocks as the rows of bookings.csv."""
    records = [
        {
            "booking": b.key,
            "inspection": b.inspection,
            "body": b.body,
            "week": b.week,
            "hotel_near": b.hotel_near,
            "check_in": b.check_in,
            "check_out": b.check_out,
            "nights": b.nights,
            "rooms": b.rooms,
            "rooms_by_night": ";".join(str(n) for n in b.rooms_by_night),
            "room_nights": b.room_nights,
            "cost": b.cost,
            "guests": SEPARATOR.join(b.guests),
            "body_name": b.body_name,
            "guest_names": SEPARATOR.join(b.guest_names),
        }
        for b in blocks
    ]
    return pd.DataFrame(records, columns=BOOKING_COLUMNS + BOOKING_EXTRA)


def read_blocks(table: pd.DataFrame) -> list[Block]:
    """The blocks of a bookings.csv read back (every cell as text)."""

    def split(text: str) -> tuple[str, ...]:
        return tuple(text.split(SEPARATOR)) if text else ()

    return [
        Block(
            inspection=str(r.inspection),
            body=str(r.body),
            body_name=str(r.body_name),
            week=str(r.week),
            hotel_near=str(r.hotel_near),
            check_in=str(r.check_in),
            check_out=str(r.check_out),
            rooms_by_night=tuple(int(n) for n in str(r.rooms_by_night).split(";") if n),
            room_nights=int(r.room_nights),
            cost=int(r.cost),
            guests=split(str(r.guests)),
            guest_names=split(str(r.guest_names)),
        )
        for r in rows(table)
    ]


def totals(blocks: Iterable[Block], week: str = "") -> Totals:
    """The sums over `blocks`."""
    blocks = list(blocks)
    return Totals(
        week=week,
        blocks=len(blocks),
        rooms=sum(b.rooms for b in blocks),
        room_nights=sum(b.room_nights for b in blocks),
        cost=sum(b.cost for b in blocks),
    )


def by_week(blocks: Iterable[Block]) -> list[tuple[Totals, list[Block]]]:
    """The blocks of each week, in order, with the week's totals."""
    weeks: dict[str, list[Block]] = {}
    for b in blocks:
        weeks.setdefault(b.week, []).append(b)
    return [(totals(items, week), items) for week, items in weeks.items()]
