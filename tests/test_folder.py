"""The output folder is one unit: written whole, swapped in atomically, never mixed, never lost."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from cli import app
from roster.analysis.check import check_report
from roster.facts import Facts
from roster.loading import load_scenario
from roster.outputs.folder import (
    FolderBusy,
    FolderError,
    WrittenThenInterrupted,
    read_tables,
    remove_stale,
    write_folder,
)
from roster.outputs.tables import Tables
from roster.solving import solve
from tests.conftest import DETERMINISTIC, ROOT, SCENARIOS


def solved_files(name: str) -> dict[str, str]:
    facts = Facts(load_scenario(SCENARIOS / name))
    return Tables(facts, solve(facts, DETERMINISTIC)).files()


@pytest.fixture(scope="module")
def two_sets() -> tuple[dict[str, str], dict[str, str]]:
    """The files of the cohort and of its drop-out variant: an old set and a new one."""
    return solved_files("cohort.yaml"), solved_files("whatif/dropout.yaml")


def contents(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def as_bytes(files: dict[str, str]) -> dict[str, bytes]:
    return {name: text.encode() for name, text in sorted(files.items())}


def test_a_rewrite_leaves_nothing_of_the_old_set(
    tmp_path: Path, two_sets: tuple[dict[str, str], dict[str, str]]
) -> None:
    old, new = two_sets
    target = tmp_path / "out"
    write_folder(target, {**old, "report.html": "<p>old</p>", "calendars/rr-47.ics": "BEGIN:VCALENDAR"})
    write_folder(target, new)
    assert contents(target) == as_bytes(new)  # no stale report or calendar of a secondee who left
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "out"]  # nothing else left beside it


def test_files_are_readable_by_colleagues(
    tmp_path: Path, two_sets: tuple[dict[str, str], dict[str, str]]
) -> None:
    old = os.umask(0o022)
    try:
        write_folder(tmp_path / "out", two_sets[0])
    finally:
        os.umask(old)
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o755
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in (tmp_path / "out").iterdir())


KILLER = """
import os, sys
sys.path.insert(0, {root!r})
import roster.outputs.folder as folder
files = {{"old": {old!r}, "new": {new!r}}}
step = int(sys.argv[1])
calls = [0]
real_write, real_swap = folder._write_file, folder._swap

def write(path, content):
    if calls[0] == step:
        os._exit(9)  # killed at this file boundary
    calls[0] += 1
    real_write(path, content)

def swap(staging, target):
    if step == calls[0]:
        os._exit(9)  # killed with every new file written, before the swap
    real_swap(staging, target)
    os._exit(9)  # killed after the swap, before the old set is removed

folder._write_file = write
folder._swap = swap
folder.write_folder(folder.Path(sys.argv[2]), files["new"])
"""


def test_a_write_killed_at_any_step_leaves_the_old_set_or_the_new(
    tmp_path: Path, two_sets: tuple[dict[str, str], dict[str, str]]
) -> None:
    old, new = two_sets
    script = tmp_path / "killer.py"
    script.write_text(KILLER.format(root=str(ROOT), old=old, new=new))
    scenarios = {
        "old": load_scenario(SCENARIOS / "cohort.yaml"),
        "new": load_scenario(SCENARIOS / "whatif/dropout.yaml"),
    }
    seen = set()
    for step in range(len(new) + 2):
        target = tmp_path / f"out-{step}"
        write_folder(target, old)
        done = subprocess.run(
            [sys.executable, str(script), str(step), str(target)], capture_output=True, text=True
        )
        assert done.returncode == 9, done.stderr
        now = contents(target)
        which = "old" if now == as_bytes(old) else "new" if now == as_bytes(new) else None
        assert which is not None, f"killed at step {step}: a mix of old and new files"
        seen.add(which)
        report = check_report(scenarios[which], read_tables(target))
        assert report.valid, report.violations
        write_folder(target, new)  # the next write clears what the killed one left behind
        assert contents(target) == as_bytes(new)
        assert not list(tmp_path.glob(f".out-{step}.new-*"))
    assert seen == {"old", "new"}  # killed before the swap: old; after it: new


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_while_the_folder_is_written_finishes_it_whole_then_stops_the_command(
    tmp_path: Path, two_sets: tuple[dict[str, str], dict[str, str]], signum: int
) -> None:
    """Ctrl-C or SIGTERM during the write is held off until the new set is in place, and then
    stops the command (it was held off and forgotten: the command went on as if never asked)."""
    old, new = two_sets
    target = tmp_path / "out"
    write_folder(target, old)
    with pytest.raises(WrittenThenInterrupted, match="was written whole first, then the command stopped"):
        write_folder(target, new, extend=lambda _staging: os.kill(os.getpid(), signum))
    assert contents(target) == as_bytes(new)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "out"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


def test_a_second_writer_is_refused(tmp_path: Path, two_sets: tuple[dict[str, str], dict[str, str]]) -> None:
    target = tmp_path / "out"
    with open(tmp_path / ".out.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(FolderBusy, match="being written by another roster command"):
            write_folder(target, two_sets[0])
    write_folder(target, two_sets[0])


@pytest.mark.parametrize(
    "case",
    ["a file", "strangers", "strangers among the calendars", "input inside", "read-only", "read-only parent"],
)
def test_a_place_that_cannot_hold_the_set_is_refused(
    tmp_path: Path, case: str, two_sets: tuple[dict[str, str], dict[str, str]]
) -> None:
    target = tmp_path / "out"
    inputs: list[Path] = []
    if case == "a file":
        target.write_text("not a folder")
    elif case == "strangers":
        target.mkdir()
        (target / "notes.docx").write_text("mine")
    elif case == "strangers among the calendars":  # they were removed with the old calendars
        (target / "calendars" / "mine").mkdir(parents=True)
        (target / "calendars" / "ab.ics").write_text("BEGIN:VCALENDAR")
        (target / "calendars" / "my-notes.txt").write_text("mine")
    elif case == "read-only":  # it was replaced by a writable one, the old one left hidden beside it
        write_folder(target, two_sets[1])
        target.chmod(0o555)
    elif case == "input inside":
        target.mkdir()
        (target / "roster.csv").write_text("name: a scenario saved under an output's name\n")
        inputs = [target / "roster.csv"]
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only folders")
        (tmp_path / "ro").mkdir(mode=0o555)
        target = tmp_path / "ro" / "out"
    before = contents(target) if target.is_dir() else None
    try:
        with pytest.raises(FolderError):
            write_folder(target, two_sets[0], inputs)
        if before is not None:
            assert contents(target) == before
    finally:
        if case == "read-only":
            target.chmod(0o755)  # for tmp_path's own clean-up


def test_a_folder_given_by_a_link_is_written_where_the_link_points(
    tmp_path: Path, two_sets: tuple[dict[str, str], dict[str, str]]
) -> None:
    """The link stays a link (it was replaced by a real folder, the old set left at the link's
    target and a hidden link beside it)."""
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to("real")
    for files in two_sets:
        written = write_folder(tmp_path / "link", files)
        assert (tmp_path / "link").is_symlink() and contents(tmp_path / "real") == as_bytes(files)
        assert {p.parent for p in written if p.suffix == ".csv"} == {tmp_path / "link"}  # as given
    assert sorted(p.name for p in tmp_path.iterdir()) == [".real.lock", "link", "real"]
    code, output = run("report", str(tmp_path / "link"), "--format", "html")  # was a ValueError traceback
    assert code == 0 and "Traceback" not in output and (tmp_path / "real" / "report.html").is_file(), output


def test_a_command_stopped_while_its_folder_is_written_exits_130_with_the_folder_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the command itself: the folder whole, the stale no-roster record removed, 130."""
    import cli

    small = str(SCENARIOS / "small.yaml")
    out = tmp_path / "out"
    (tmp_path / "out-no-roster").mkdir()  # an earlier run's record that found no roster
    (tmp_path / "out-no-roster" / "summary.json").write_text(json.dumps({"status": "infeasible"}))
    real = write_folder

    def stopped(target: Path, files: dict[str, str], inputs: Any = (), **_: Any) -> list[Path]:
        return real(target, files, inputs, extend=lambda _staging: os.kill(os.getpid(), signal.SIGINT))

    monkeypatch.setattr(cli, "write_folder", stopped)
    code = cli.run(["solve", small, "--out", str(out), "--deterministic", "--quiet"])
    assert code == 130
    assert (out / "roster.csv").is_file() and (out / "summary.json").is_file()
    assert not (tmp_path / "out-no-roster").exists()


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_an_infeasible_solve_keeps_the_good_roster(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert (
        run("solve", str(SCENARIOS / "cohort.yaml"), "--out", str(out), "--deterministic", "--quiet")[0] == 0
    )
    before = contents(out)
    impossible = tmp_path / "impossible.yaml"
    impossible.write_text(
        f"extends: {SCENARIOS / 'cohort.yaml'}\nname: impossible\nrules: {{max_inspections_per_week: 1}}\n"
    )
    code, output = run("solve", str(impossible), "--out", str(out), "--deterministic", "--quiet")
    assert code == 1 and "still holds the roster" in output
    assert contents(out) == before
    summary = json.loads((tmp_path / "out-no-roster" / "summary.json").read_text())
    assert summary["status"] == "infeasible" and summary["infeasibility"]["requirements"]
    # solved again: the earlier run's no-roster folder goes, so it is not read as this run's
    code, output = run(
        "solve", str(SCENARIOS / "cohort.yaml"), "--out", str(out), "--deterministic", "--quiet"
    )
    assert code == 0 and "Removed" in output and "found no roster" in output
    assert not (tmp_path / "out-no-roster").exists()


@pytest.mark.parametrize("kept", ["a roster", "a stranger", "a stranger in calendars", "no summary", "none"])
def test_only_a_no_roster_folder_of_roster_s_own_files_is_removed(tmp_path: Path, kept: str) -> None:
    stale = tmp_path / "out-no-roster"
    stale.mkdir()
    status = "optimal" if kept == "a roster" else "infeasible"
    if kept != "no summary":
        (stale / "summary.json").write_text(json.dumps({"status": status}))
    (stale / "weeks.csv").write_text("week\n")
    if kept == "a stranger":
        (stale / "notes.docx").write_text("mine")
    (stale / "calendars").mkdir()
    (stale / "calendars" / "ab.ics").write_text("BEGIN:VCALENDAR\n")
    if kept == "a stranger in calendars":
        (stale / "calendars" / "notes.docx").write_text("mine")
    removed = remove_stale(tmp_path / "out")
    if kept == "none":
        assert removed == stale and not stale.exists()
    else:
        assert removed is None and (stale / "weeks.csv").exists()


def test_report_refuses_a_folder_edited_since_it_was_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert (
        run("solve", str(SCENARIOS / "small.yaml"), "--out", str(out), "--deterministic", "--quiet")[0] == 0
    )
    assert run("report", str(out))[0] == 0
    roster = out / "roster.csv"
    lines = roster.read_text().splitlines()
    roster.write_text("\n".join(lines[:-1]) + "\n")  # a row deleted by hand
    code, output = run("report", str(out))
    assert code == 2 and "roster.csv changed after the solve" in output and "rebuild" in output
    (out / "bookings.csv").unlink()  # a file gone is said to be missing, not changed
    code, output = run("report", str(out))
    assert code == 2 and "bookings.csv is missing and roster.csv changed" in " ".join(output.split())
    (out / "bookings.csv").mkdir()  # not a file at all: bad input, not a traceback
    code, output = run("report", str(out))
    assert code == 2 and "is a folder, not a file" in output and "Traceback" not in output


def test_report_never_writes_over_a_roster_xlsx_edited_in_excel(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("solve", str(SCENARIOS / "small.yaml"), "--out", str(out), "--report", "--quiet")[0] == 0
    workbook = out / "roster.xlsx"
    edited = workbook.read_bytes() + b"edited"  # (its bytes are not read: only its date and content kept)
    workbook.write_bytes(edited)
    later = (out / "roster.csv").stat().st_mtime + 600
    os.utime(workbook, (later, later))  # saved in Excel ten minutes after the solve
    for formats in ("xlsx,html,ics", "html"):
        code, output = run("report", str(out), "--format", formats)
        assert code == 2 and "was saved after the solve" in output and "roster rebuild" in output, output
    assert workbook.read_bytes() == edited


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--time-limit", "-1"),
        ("--time-limit", "nan"),
        ("--time-limit", "inf"),
        ("--workers", "-3"),
        ("--workers", "0"),
        ("--seed", str(2**40)),
        ("--gap", "nan"),
        ("--gap", "1.5"),
    ],
)
def test_solver_settings_out_of_range_are_bad_input(tmp_path: Path, flag: str, value: str) -> None:
    out = tmp_path / "out"
    code, output = run("solve", "--out", str(out), flag, value)
    assert code == 2 and flag in output and "Traceback" not in output
    assert not out.exists()


def test_errors_never_print_markup(tmp_path: Path) -> None:
    code, output = run("check", str(SCENARIOS / "small.yaml"), str(tmp_path / "missing"))
    assert code == 2 and "error:" in output and "[bold red]" not in output and "[red]" not in output


def test_the_calendar_file_of_a_very_long_id_fits_a_file_name(tmp_path: Path) -> None:
    ident = "x" * 300
    scenario = tmp_path / "long.yaml"
    scenario.write_text(
        textwrap.dedent(
            f"""\
            name: long id
            start: 2026-09-07
            weeks: 2
            inspections: [{{id: k, body: kent-police, week: 2026-09-14}}]
            secondees:
              - {{id: {ident}, service: essex-police, background: police, rank: sergeant, home: Chelmsford}}
            """
        )
    )
    code, output = run(
        "solve", str(scenario), "--out", str(tmp_path / "out"), "--deterministic", "--quiet", "--report"
    )
    assert code in (0, 1), output
    (calendar,) = (tmp_path / "out" / "calendars").iterdir()
    assert len(calendar.name) <= 104


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("inspection,week,secondee\npeel-kent,2026-09-14,ab,extra\n", ":2: 4 cells, but the header has 3"),
        ("inspection,week,secondee\npeel-kent,2026-09-14,ab\npeel-kent,2026-09-14\n", ":3: 2 cells"),
    ],
)
def test_a_ragged_roster_is_bad_input_with_its_line(text: str, words: str, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(text)
    with pytest.raises(FolderError, match=words):
        read_tables(roster)
    result = CliRunner().invoke(app, ["check", str(SCENARIOS / "small.yaml"), str(roster)])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_a_roster_saved_by_excel_as_csv_utf8_is_read(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_bytes("\ufeffinspection,week,secondee\r\npeel-kent,2026-09-14,ab\r\n".encode())
    assert list(read_tables(roster)["roster"].columns) == ["inspection", "week", "secondee"]


def test_tables_in_memory_are_the_tables_read_back(tmp_path: Path) -> None:
    """What regress checks in memory is exactly what `roster check` reads from the folder."""
    from roster.outputs.folder import tables_from_files

    for name in ("small.yaml", "replan/leaver.yaml"):
        facts = Facts(load_scenario(SCENARIOS / name))
        files = Tables(facts, solve(facts, DETERMINISTIC)).files()
        write_folder(tmp_path / "out", files)
        read, memory = read_tables(tmp_path / "out"), tables_from_files(files)
        assert read.keys() == memory.keys()
        for key, table in read.items():
            if key == "summary":
                assert memory[key] == table
            else:
                pd.testing.assert_frame_equal(memory[key], table)
