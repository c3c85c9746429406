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
from typing import TYPE_CHECKING

from roster.frames import Table, rows
from roster.labels import arrives_words, rooms_words

if TYPE_CHECKING:
    import pandas as pd
else:
    from roster.deferred import pandas as pd

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
    accommodation: pd.DataFrame | Table, guest_label: Mapping[str, str], body_names: Mapping[str, str]
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
    by_inspection: dict[tuple[str, str], list[dict[str, str]]] = {}
    for r in rows(accommodation):
        stay = {c: str(getattr(r, c)) for c in ("inspection", "body", "week", "secondee", "hotel_near")}
        stay |= {c: str(getattr(r, c)) for c in ("check_in", "check_out", "nights", "cost")}
        # by week too: a roster edited by hand may put one inspection's people in two weeks
        # (a broken rule, reported), each week then its own block, not one spanning both
        by_inspection.setdefault((stay["inspection"], stay["week"]), []).append(stay)
    blocks = [
        _block(stays, guest_label, body_names.get(stays[0]["body"], stays[0]["body"]))
        for stays in by_inspection.values()
    ]
    return sorted(blocks, key=lambda b: (b.week, b.check_in, b.inspection))


def booking_table(blocks: Iterable[Block]) -> Table:
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
    return Table(BOOKING_COLUMNS + BOOKING_EXTRA, records)


def read_blocks(table: pd.DataFrame | Table) -> list[Block]:
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


# ------------------------------------------------ the booking change notice

NOTICE_COLUMNS = [
    "action",
    "inspection",
    "body",
    "hotel_near",
    "check_in_before",
    "check_out_before",
    "check_in_after",
    "check_out_after",
    "rooms_before",
    "rooms_after",
    "guests_added",
    "guests_removed",
    "cost_before",
    "cost_after",
]
NOTICE_EXTRA = ["body_name", "what"]


@dataclass(frozen=True)
class Notice:
    """One block to book, cancel or amend since the published roster."""

    action: str  # "book", "cancel" or "amend"
    before: Block | None
    after: Block | None

    @property
    def block(self) -> Block:
        block = self.after or self.before
        assert block is not None
        return block

    def what(self, names: Mapping[str, str]) -> str:
        """The change in words, for the person who calls the hotel."""
        b, a = self.before, self.after
        if a is None:
            return f"cancel {b.rooms if b else 0} room(s), {b.check_in if b else ''} to {b.check_out if b else ''}"
        if b is None:
            return f"book {a.rooms_words}, {a.check_in} to {a.check_out}"
        parts = []
        if (b.check_in, b.check_out) != (a.check_in, a.check_out):
            parts.append(f"dates {b.check_in} to {b.check_out} become {a.check_in} to {a.check_out}")
        if b.rooms_by_night != a.rooms_by_night:
            parts.append(f"rooms {b.rooms_words} become {a.rooms_words}")
        added = [names.get(g, g) for g in a.guests if g not in b.guests]
        gone = [names.get(g, g) for g in b.guests if g not in a.guests]
        if added:
            parts.append("add " + ", ".join(added))
        if gone:
            parts.append("remove " + ", ".join(gone))
        return "; ".join(parts)


def notices(before: Iterable[Block], after: Iterable[Block]) -> list[Notice]:
    """What to book, cancel and amend to go from the published blocks to the new ones.

    Blocks are matched by inspection (a block whose check-in moves is amended, not cancelled and
    booked again); an unchanged block is not listed.
    """
    old = {b.inspection: b for b in before}
    new = {b.inspection: b for b in after}
    out = []
    for inspection in sorted(old.keys() | new.keys(), key=lambda i: ((new.get(i) or old[i]).week, i)):
        b, a = old.get(inspection), new.get(inspection)
        if b is None:
            out.append(Notice("book", None, a))
        elif a is None:
            out.append(Notice("cancel", b, None))
        elif (b.check_in, b.check_out, b.rooms_by_night, sorted(b.guests)) != (
            a.check_in,
            a.check_out,
            a.rooms_by_night,
            sorted(a.guests),
        ):
            out.append(Notice("amend", b, a))
    return out


def notice_table(found: Iterable[Notice], names: Mapping[str, str]) -> Table:
    """The notices as the rows of booking-changes.csv."""
    records = []
    for n in found:
        b, a, block = n.before, n.after, n.block
        records.append(
            {
                "action": n.action,
                "inspection": block.inspection,
                "body": block.body,
                "hotel_near": block.hotel_near,
                "check_in_before": b.check_in if b else "",
                "check_out_before": b.check_out if b else "",
                "check_in_after": a.check_in if a else "",
                "check_out_after": a.check_out if a else "",
                "rooms_before": ";".join(map(str, b.rooms_by_night)) if b else "",
                "rooms_after": ";".join(map(str, a.rooms_by_night)) if a else "",
                "guests_added": SEPARATOR.join(
                    g for g in (a.guests if a else ()) if not b or g not in b.guests
                ),
                "guests_removed": SEPARATOR.join(
                    g for g in (b.guests if b else ()) if not a or g not in a.guests
                ),
                "cost_before": b.cost if b else 0,
                "cost_after": a.cost if a else 0,
                "body_name": block.body_name,
                "what": n.what(names),
            }
        )
    return Table(NOTICE_COLUMNS + NOTICE_EXTRA, records)
