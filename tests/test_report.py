"""Reports: the HTML page in headless Chromium, the workbook and calendars read back, escaping."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli import app
from roster.loading import load_scenario
from roster.outputs.report import report
from tests.conftest import ROOT, SCENARIOS, inspection, make, monday, person, solve_checked

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cohort")
    solve_checked(load_scenario(SCENARIOS / "cohort.yaml"), out)
    report(out)
    return out


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
        f"--user-data-dir={tempfile.mkdtemp()}",
    ]
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian's chromium package is not installed (make test installs it where apt-get works)",
)
def test_html_report_renders_in_headless_chromium(cohort: Path, tmp_path: Path) -> None:
    page = (cohort / "report.html").as_uri()
    dom = chromium("--dump-dom", page)
    assert 'id="grid"' in dom.stdout and 'id="map"' in dom.stdout
    assert "data-errors" not in dom.stdout.split(">", 2)[1]  # no script error reached the page
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line]
    assert not [line for line in console if "rror" in line or "Uncaught" in line], console
    shot = tmp_path / "report.png"
    chromium("--window-size=1500,1900", "--hide-scrollbars", f"--screenshot={shot}", page)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
    if os.environ.get("ROSTER_UPDATE_DOCS"):
        shutil.copy(shot, ROOT / "docs" / "report.png")


def test_html_is_self_contained(cohort: Path) -> None:
    html = (cohort / "report.html").read_text()
    assert "http://" not in html and "https://" not in html
    assert "<svg" in html and 'id="grid"' in html and 'id="shortfalls"' in html


def test_workbook_matches_the_csv_files(cohort: Path) -> None:
    book = load_workbook(cohort / "roster.xlsx")
    assert book.sheetnames == ["Roster", "Inspections", "Accommodation", "Costs", "Summary"]
    weeks = pd.read_csv(cohort / "weeks.csv", dtype=str)
    grid = book["Roster"]
    header = [c.value for c in grid[1]]
    mondays = header[2:]
    for row in grid.iter_rows(min_row=2, max_row=1 + weeks["secondee"].nunique(), values_only=True):
        secondee = row[0]
        expected = weeks[weeks["secondee"] == secondee].set_index("week")["activity"]
        assert list(row[2:]) == [expected[m] for m in mondays]
    assert grid.freeze_panes == "C2" and grid.auto_filter.ref
    stays = pd.read_csv(cohort / "accommodation.csv", dtype=str)
    sheet = list(book["Accommodation"].iter_rows(min_row=2, values_only=True))
    assert len(sheet) == len(stays)
    assert {(r[0], r[2], r[4], r[5], int(str(r[6]))) for r in sheet} == {
        (r.secondee, r.inspection, r.check_in, r.check_out, int(str(r.nights))) for r in stays.itertuples()
    }
    roster = pd.read_csv(cohort / "roster.csv", dtype=str)
    team = {r[1]: r[3] for r in book["Inspections"].iter_rows(min_row=2, values_only=True)}
    assert team == roster.groupby("inspection").size().reindex(list(team), fill_value=0).to_dict()


def test_calendars_match_the_roster(cohort: Path) -> None:
    roster = pd.read_csv(cohort / "roster.csv", dtype=str)
    stays = pd.read_csv(cohort / "accommodation.csv", dtype=str)
    files = sorted((cohort / "calendars").glob("*.ics"))
    assert len(files) == pd.read_csv(cohort / "weeks.csv")["secondee"].nunique()
    for file in files:
        secondee = file.stem
        events = Calendar.from_ical(file.read_bytes()).walk("VEVENT")
        inspections = {
            str(e["UID"]).split("-", 1)[1].rsplit(f"-{secondee}@", 1)[0]: e
            for e in events
            if str(e["UID"]).startswith("inspection-")
        }
        hotels = [e for e in events if str(e["UID"]).startswith("hotel-")]
        mine = roster[roster["secondee"] == secondee]
        assert set(inspections) == set(mine["inspection"])
        for r in mine.itertuples():
            assert inspections[str(r.inspection)].decoded("DTSTART").isoformat() == r.week
        booked = stays[stays["secondee"] == secondee]
        assert sorted(e.decoded("DTSTART").isoformat() for e in hotels) == sorted(booked["check_in"])
        assert sorted(e.decoded("DTEND").isoformat() for e in hotels) == sorted(booked["check_out"])


def test_names_from_planners_files_cannot_run(tmp_path: Path) -> None:
    script, formula = "<script>alert(1)</script>", '=HYPERLINK("x")'
    sc = make(
        inspections=[inspection("k", "evil-police", week=monday(1), secondees=2)],
        secondees=[person("a", name=script), person("b", name=formula)],
        bodies=[
            {
                "id": "evil-police",
                "name": script,
                "kind": "police",
                "hq_town": formula,
                "lat": 51.5,
                "lon": -0.1,
            }
        ],
    )
    out = tmp_path / "out"
    solve_checked(sc, out)
    result = CliRunner().invoke(app, ["report", str(out)])
    assert result.exit_code == 0, result.output
    html = (out / "report.html").read_text()
    assert script not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    book = load_workbook(out / "roster.xlsx")
    cells = [c for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [c for c in cells if c.data_type == "f" or c.value.startswith(("=", "+", "@"))]
    assert any(c.value == "'" + formula for c in cells)
    if CHROMIUM:
        dom = chromium("--dump-dom", (out / "report.html").as_uri())
        assert "<script>alert(1)</script>" not in dom.stdout


def test_report_command_errors(tmp_path: Path) -> None:
    assert CliRunner().invoke(app, ["report", str(tmp_path)]).exit_code == 2
    assert CliRunner().invoke(app, ["report", str(tmp_path), "--format", "pdf"]).exit_code == 2
