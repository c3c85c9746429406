"""Calendars that update: stable UIDs, SEQUENCE rising on a change, cancellations for removed events."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from icalendar import Calendar
from ruamel.yaml import YAML
from typer.testing import CliRunner

from cli import app
from roster.analysis.check import check_report
from roster.loading import Overrides, load_scenario
from roster.outputs.folder import read_tables

# A police secondee (only police inspections are open to them) and a fire one: who goes where
# is forced by the rules, so the test does not depend on one roster among ties.
SECONDEES = [
    {"id": "pa", "name": "Priya A.", "service": "lancashire-police", "background": "police",
     "rank": "sergeant", "home": "Preston", "trained": "2026-09-08", "away": ["2026-10-05"]},
    {"id": "fb", "name": "Fraser B.", "service": "essex-fire", "background": "fire",
     "rank": "watch-manager", "home": "Chelmsford"},
]  # fmt: skip


def scenario(path: Path, police: dict[str, str]) -> Path:
    data = {
        "name": "Calendars",
        "start": "2026-09-07",
        "weeks": 6,
        "inspections": [
            {**police, "secondees": 1},
            {"id": "fire-kent", "body": "kent-fire", "week": "2026-09-21", "secondees": 1},
        ],
        "secondees": SECONDEES,
    }
    with open(path, "w") as handle:
        YAML().dump(data, handle)
    return path


def solve_into(out: Path, path: Path) -> None:
    result = CliRunner().invoke(
        app, ["solve", str(path), "--out", str(out), "--deterministic", "--quiet", "--report"]
    )
    assert result.exit_code == 0, result.output
    report = check_report(load_scenario(path), read_tables(out))
    assert report.valid, report.violations


def events(out: Path, secondee: str) -> dict[str, Any]:
    calendar = Calendar.from_ical((out / "calendars" / f"{secondee}.ics").read_bytes())
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def sequence(event: Any) -> int:
    return int(event.get("SEQUENCE", 0))


def cancelled(event: Any) -> bool:
    return str(event.get("STATUS", "")).upper() == "CANCELLED"


def test_a_moved_secondee_s_calendar_cancels_the_old_event_and_adds_the_new(tmp_path: Path) -> None:
    out = tmp_path / "out"
    kent = {"id": "peel-kent", "body": "kent-police", "week": "2026-09-14"}
    surrey = {"id": "peel-surrey", "body": "surrey-police", "week": "2026-09-28"}
    solve_into(out, scenario(tmp_path / "v1.yaml", kent))
    first = events(out, "pa")
    old_uid = "inspection-peel-kent-pa@roster"
    assert sequence(first[old_uid]) == 0 and not cancelled(first[old_uid])
    unchanged = events(out, "fb")

    solve_into(out, scenario(tmp_path / "v2.yaml", surrey))  # Kent is replaced by Surrey
    second = events(out, "pa")
    assert cancelled(second[old_uid]) and sequence(second[old_uid]) == 1
    assert second[old_uid].decoded("DTSTART") == first[old_uid].decoded("DTSTART")
    new_uid = "inspection-peel-surrey-pa@roster"
    assert not cancelled(second[new_uid]) and sequence(second[new_uid]) == 0
    assert second[new_uid].decoded("DTSTART").isoformat() == "2026-09-28"
    hotels = [uid for uid in first if uid.startswith("hotel-peel-kent-")]
    assert hotels and all(cancelled(second[uid]) and sequence(second[uid]) == 1 for uid in hotels)
    # what did not change keeps its sequence: the training and away weeks, the other secondee
    for uid in ("training-pa-2026-09-07@roster", "away-pa-2026-10-05@roster"):
        assert sequence(second[uid]) == 0 and not cancelled(second[uid])
        assert second[uid].decoded("DTSTART") == first[uid].decoded("DTSTART")
    again = events(out, "fb")
    assert {uid: sequence(e) for uid, e in again.items()} == {
        uid: sequence(e) for uid, e in unchanged.items()
    }
    assert not any(cancelled(e) for e in again.values())

    solve_into(out, scenario(tmp_path / "v2.yaml", surrey))  # the same roster again: nothing rises
    third = events(out, "pa")
    assert {u: (sequence(e), cancelled(e)) for u, e in third.items()} == {
        u: (sequence(e), cancelled(e)) for u, e in second.items()
    }

    later = {**surrey, "week": "2026-10-12"}
    solve_into(out, scenario(tmp_path / "v3.yaml", later))  # the same inspection, another week
    fourth = events(out, "pa")
    assert sequence(fourth[new_uid]) == 1 and not cancelled(fourth[new_uid])
    assert fourth[new_uid].decoded("DTSTART").isoformat() == "2026-10-12"
    assert sequence(fourth[old_uid]) == 1  # cancelled once, then carried as it was


def test_a_secondee_who_left_gets_every_event_cancelled(tmp_path: Path) -> None:
    out = tmp_path / "out"
    path = scenario(tmp_path / "v1.yaml", {"id": "peel-kent", "body": "kent-police", "week": "2026-09-14"})
    solve_into(out, path)
    before = events(out, "pa")
    args = ["solve", str(path), "--out", str(out), "--deterministic", "--quiet", "--report"]
    result = CliRunner().invoke(app, [*args, "--drop-secondee", "pa"])
    assert result.exit_code == 1, result.output  # Kent now has nobody: a shortfall
    after = events(out, "pa")
    assert set(after) == set(before)
    assert all(cancelled(e) and sequence(e) == sequence(before[uid]) + 1 for uid, e in after.items())


def test_a_rebuilt_roster_s_calendars_update_those_of_the_folder_it_was_edited_in(tmp_path: Path) -> None:
    out = tmp_path / "out"
    path = scenario(tmp_path / "v1.yaml", {"id": "peel-kent", "body": "kent-police", "week": "2026-09-14"})
    solve_into(out, path)
    before = events(out, "pa")
    roster = out / "roster.csv"
    lines = roster.read_text().splitlines(keepends=True)
    roster.write_text("".join(line for line in lines if ",pa," not in line))  # pa taken off Kent by hand
    edited = tmp_path / "edited"
    result = CliRunner().invoke(app, ["rebuild", str(path), str(roster), "--out", str(edited), "--report"])
    assert result.exit_code == 1, result.output  # Kent is now short
    assert check_report(load_scenario(path), read_tables(edited)).violations == []
    after = events(edited, "pa")
    assert set(after) == set(before)  # nothing pa imported is left behind, uncancelled
    kent = [uid for uid in before if "-peel-kent-" in uid]
    assert kent and all(cancelled(after[uid]) and sequence(after[uid]) == 1 for uid in kent)
    for uid in set(before) - set(kent):  # training and away weeks: as they were
        assert sequence(after[uid]) == 0 and not cancelled(after[uid])


def test_a_report_made_again_writes_the_same_calendars_and_none_left_over(tmp_path: Path) -> None:
    path = scenario(tmp_path / "v1.yaml", {"id": "peel-kent", "body": "kent-police", "week": "2026-09-14"})
    published, out = tmp_path / "published", tmp_path / "out"
    solve_into(published, path)
    args = ["solve", str(path), "--out", str(out), "--deterministic", "--quiet", "--report"]
    result = CliRunner().invoke(app, [*args, "--baseline", str(published), "--drop-secondee", "pa"])
    assert result.exit_code == 1, result.output  # Kent now has nobody: a shortfall
    replan = Overrides(drop_secondees=("pa",), baseline=str(published))
    assert check_report(load_scenario(path, replan), read_tables(out)).violations == []
    made = {p.name: p.read_bytes() for p in (out / "calendars").iterdir()}
    assert set(made) == {"fb.ics", "pa.ics"}  # pa left: their calendar cancels what they imported
    assert all(cancelled(e) for e in events(out, "pa").values())
    result = CliRunner().invoke(app, ["report", str(out)])
    assert result.exit_code == 0, result.output
    assert {p.name: p.read_bytes() for p in (out / "calendars").iterdir()} == made  # nothing lost
    result = CliRunner().invoke(app, [*args, "--drop-secondee", "pa"])  # later, without the baseline
    assert result.exit_code == 1, result.output
    without = Overrides(drop_secondees=("pa",))
    assert check_report(load_scenario(path, without), read_tables(out)).violations == []
    assert {p.name for p in (out / "calendars").iterdir()} == {"fb.ics", "pa.ics"}
    assert all(cancelled(e) for e in events(out, "pa").values())  # no event of pa's survives live
    assert events(out, "fb").keys() == events(published, "fb").keys()


def test_a_report_of_one_format_keeps_the_reports_of_the_others(tmp_path: Path) -> None:
    """`roster report F --format xlsx` remakes the workbook and keeps the page and the calendars
    (with their SEQUENCE and cancellations) exactly as they were."""
    path = scenario(tmp_path / "v1.yaml", {"id": "peel-kent", "body": "kent-police", "week": "2026-09-14"})
    out = tmp_path / "out"
    solve_into(out, path)
    assert check_report(load_scenario(path), read_tables(out)).violations == []
    before = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert "report.html" in before and any(name.startswith("calendars/") for name in before)
    result = CliRunner().invoke(app, ["report", str(out), "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    assert "kept calendars/, report.html" in " ".join(result.output.split())
    after = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after.keys() == before.keys()
    assert {k: v for k, v in after.items() if k != "roster.xlsx"} == {
        k: v for k, v in before.items() if k != "roster.xlsx"
    }
