"""The hotel booking list: one block per inspection team, adding up to the stays and the summary."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from roster.labels import people_labels, rooms_words
from roster.loading import load_scenario
from roster.outputs.bookings import (
    BOOKING_COLUMNS,
    BOOKING_EXTRA,
    booking_key,
    booking_table,
    by_week,
    make_blocks,
    read_blocks,
    totals,
)
from roster.outputs.folder import read_csv
from tests.conftest import MAIDSTONE, PRESTON, SCENARIOS, inspection, make, monday, person, solve_checked

STAY_COLUMNS = [
    "inspection",
    "body",
    "week",
    "secondee",
    "hotel_near",
    "check_in",
    "check_out",
    "nights",
    "cost",
]


def stay(who: str, check_in: str, nights: int, inspection_id: str = "k") -> dict[str, object]:
    check_out = dt.date.fromisoformat(check_in) + dt.timedelta(days=nights)
    return {
        "inspection": inspection_id,
        "body": "kent-police",
        "week": "2026-09-14",
        "secondee": who,
        "hotel_near": "Maidstone",
        "check_in": check_in,
        "check_out": check_out.isoformat(),
        "nights": nights,
        "cost": 120 * nights,
    }


def test_a_night_before_member_adds_a_room_on_the_first_night_only() -> None:
    stays = pd.DataFrame(
        [stay("a", "2026-09-14", 4), stay("b", "2026-09-13", 5), stay("c", "2026-09-14", 4)],
        columns=STAY_COLUMNS,
    )
    labels = {"a": "Amara B.", "b": "Ben C.", "c": "Chloe D."}
    [block] = make_blocks(stays, labels, {"kent-police": "Kent Police"})
    assert block.check_in == "2026-09-13" and block.check_out == "2026-09-18" and block.nights == 5
    assert block.rooms_by_night == (1, 3, 3, 3, 3)
    assert block.rooms == 3 and block.room_nights == 13 == sum(block.rooms_by_night)
    assert block.cost == 120 * 13
    assert block.key == "k@2026-09-13" == booking_key("k", "2026-09-13")
    assert block.guests == ("b", "a", "c")  # the early arrival first
    assert block.guest_names == ("Ben C. (from Sun 13 Sep)", "Amara B.", "Chloe D.")
    assert block.rooms_words == "1 on Sun 13 Sep, 3 on Mon 14–Thu 17 Sep"
    assert block.body_name == "Kent Police"


def test_everyone_arriving_together_is_one_count_each_night() -> None:
    assert rooms_words(dt.date(2026, 9, 14), [2, 2, 2, 2]) == "2 each night"
    assert rooms_words(dt.date(2026, 9, 27), [1, 3, 3]) == "1 on Sun 27 Sep, 3 on Mon 28–Tue 29 Sep"
    assert rooms_words(dt.date(2026, 9, 27), [1, 3, 3, 3, 3]) == "1 on Sun 27 Sep, 3 on Mon 28 Sep–Thu 1 Oct"


def test_shared_names_are_told_apart_by_id() -> None:
    labels = people_labels([("rk-92", "R. K."), ("rk-17", "R. K."), ("tp-01", "Tom P."), ("xx-1", "")])
    assert labels == {"rk-92": "R. K. (rk-92)", "rk-17": "R. K. (rk-17)", "tp-01": "Tom P.", "xx-1": "xx-1"}


def test_the_table_reads_back_as_the_same_blocks(tmp_path: Path) -> None:
    stays = pd.DataFrame(
        [stay("a", "2026-09-14", 4), stay("b", "2026-09-13", 5), stay("c", "2026-09-21", 4, "e")],
        columns=STAY_COLUMNS,
    )
    blocks = make_blocks(stays, {"a": "Amara B."}, {})
    path = tmp_path / "bookings.csv"
    path.write_text(booking_table(blocks).csv())
    assert list(read_csv(path).columns) == BOOKING_COLUMNS + BOOKING_EXTRA
    again = read_blocks(read_csv(path))
    assert [b.key for b in again] == [b.key for b in blocks]
    assert [(b.rooms_by_night, b.room_nights, b.cost, b.guests) for b in again] == [
        (b.rooms_by_night, b.room_nights, b.cost, b.guests) for b in blocks
    ]
    weeks = by_week(again)
    assert [t.week for t, _ in weeks] == ["2026-09-14"]  # both blocks are of inspections that week
    assert totals(again).room_nights == 4 + 5 + 4


def test_bookings_csv_adds_up_to_the_stays_and_the_summary(out: Path) -> None:
    # Two teams: one of a commuter and a night-before member, one of two morning travellers.
    sc = make(
        inspections=[
            inspection("k", week=monday(1), secondees=2),
            inspection("e", "essex-police", week=monday(2), secondees=2),
        ],
        secondees=[
            person("near", home=MAIDSTONE),
            person("far", home=PRESTON),
            person("mid1", home={"lat": 51.5, "lon": -0.5}),
            person("mid2", home={"lat": 51.45, "lon": -0.4}),
        ],
        travel=[{"secondee": "far", "body": "kent-police", "minutes": 290}],
    )
    solved = solve_checked(sc, out)
    bookings = read_csv(out / "bookings.csv")
    stays = read_csv(out / "accommodation.csv")
    summary = json.loads((out / "summary.json").read_text())
    assert set(bookings["inspection"]) == set(stays["inspection"])
    assert len(bookings) == stays["inspection"].nunique()  # one block per inspection team
    assert bookings["rooms"].astype(int).sum() == len(stays)
    assert (
        bookings["room_nights"].astype(int).sum()
        == stays["nights"].astype(int).sum()
        == summary["hotel_nights"]
    )
    assert bookings["cost"].astype(int).sum() == stays["cost"].astype(int).sum() == summary["hotel_cost"]
    for row in bookings.itertuples():
        nights = [int(n) for n in str(row.rooms_by_night).split(";")]
        assert sum(nights) == int(str(row.room_nights)) and max(nights) == int(str(row.rooms))
        mine = stays[stays["inspection"] == row.inspection]
        assert row.check_in == min(mine["check_in"]) and row.check_out == max(mine["check_out"])
        arrivals = sorted(zip(mine["check_in"], mine["secondee"], strict=True))
        assert str(row.guests).split("; ") == [s for _, s in arrivals]
        assert row.booking == f"{row.inspection!s}@{row.check_in!s}"
    assert solved.bookings["booking"].is_unique
    assert (bookings["check_in"] < bookings["week"]).any()  # "far" travels the night before


@pytest.mark.parametrize("name", ["cohort.yaml", "carers.yaml"])
def test_the_samples_booking_lists_add_up(name: str, tmp_path: Path) -> None:
    solve_checked(load_scenario(SCENARIOS / name), tmp_path)
    bookings, stays = read_csv(tmp_path / "bookings.csv"), read_csv(tmp_path / "accommodation.csv")
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert bookings["rooms"].astype(int).sum() == len(stays)
    assert bookings["room_nights"].astype(int).sum() == summary["hotel_nights"]
    assert bookings["cost"].astype(int).sum() == summary["hotel_cost"]
    assert (bookings["check_in"] < bookings["week"]).any() == (stays["check_in"] < stays["week"]).any()
