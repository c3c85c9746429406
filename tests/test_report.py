"""Reports: the HTML page in headless Chromium, the workbook and calendars read back, escaping."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli import app
from roster.labels import ACTIVITY_LABELS, short_body_name
from roster.loading import load_scenario
from roster.outputs import html
from roster.outputs.report import report
from tests.conftest import ROOT, SCENARIOS, inspection, make, monday, person, solve_checked

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian's chromium package is not installed (make test installs it where apt-get works)",
)


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cohort")
    solve_checked(load_scenario(SCENARIOS / "cohort.yaml"), out)
    report(out)
    return out


def csv(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


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


# Run in a copy of the page: where the grid's last week is once the pane is scrolled to the end.
PROBE = """<script>
(function () {
  var pane = document.getElementById("grid-pane");
  var heads = pane.querySelectorAll("thead th[data-week]");
  var last = heads[heads.length - 1];
  pane.scrollLeft = pane.scrollWidth;
  var p = pane.getBoundingClientRect(), l = last.getBoundingClientRect();
  document.documentElement.setAttribute("data-probe", JSON.stringify({
    weeks: Array.prototype.map.call(heads, function (h) { return h.dataset.week; }),
    overflowX: getComputedStyle(pane).overflowX,
    scrolls: pane.scrollWidth > pane.clientWidth,
    lastInView: l.left >= p.left - 1 && l.right <= p.right + 1,
    pageWidth: document.documentElement.scrollWidth,
    window: window.innerWidth,
    stickyName: getComputedStyle(pane.querySelector("tbody th.name")).position,
    stickyHead: getComputedStyle(heads[0]).position,
    blocks: document.querySelectorAll("#bookings-list tr.block").length
  }));
})();
</script>"""


def probe(page: Path, width: int, folder: Path) -> tuple[dict[str, Any], subprocess.CompletedProcess[str]]:
    """What the probe saw in a copy of `page` at `width`, and the run (its DOM and console)."""
    copy = folder / f"probe-{width}.html"
    copy.write_text(page.read_text().replace("</body>", PROBE + "</body>"))
    run = chromium(f"--window-size={width},1000", "--dump-dom", copy.as_uri())
    dom = run.stdout
    start = dom.index('data-probe="') + len('data-probe="')
    text = dom[start : dom.index('"', start)].replace("&quot;", '"').replace("&amp;", "&")
    seen: dict[str, Any] = json.loads(text)
    return seen, run


def screenshot(page: Path, width: int, shot: Path, height: int = 1000) -> Path:
    chromium(f"--window-size={width},{height}", "--hide-scrollbars", f"--screenshot={shot}", page.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 30_000
    return shot


@needs_chromium
def test_html_report_renders_in_headless_chromium(cohort: Path, tmp_path: Path) -> None:
    page = cohort / "report.html"
    mondays = sorted(set(csv(cohort, "weeks.csv")["week"]))
    blocks = len(csv(cohort, "bookings.csv"))
    for width in (1400, 1000):
        seen, dom = probe(page, width, tmp_path)
        assert 'id="grid"' in dom.stdout and 'id="map"' in dom.stdout and 'id="bookings-list"' in dom.stdout
        assert "data-errors" not in dom.stdout.split(">", 2)[1]  # no script error reached the page
        console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line]
        assert not [line for line in console if "rror" in line or "Uncaught" in line], console
        assert seen["window"] == width
        assert seen["weeks"] == mondays  # every week of the horizon has its header
        # ... and is reachable: in a pane that scrolls sideways to the last one
        assert seen["overflowX"] in ("auto", "scroll") and seen["lastInView"]
        assert seen["scrolls"] or width == 1400  # twelve weeks are wider than 1000 px
        assert seen["pageWidth"] <= width  # the page itself never scrolls sideways
        assert seen["stickyName"] == "sticky" and seen["stickyHead"] == "sticky"
        assert seen["blocks"] == blocks > 0
        screenshot(page, width, tmp_path / f"report-{width}.png")
    if os.environ.get("ROSTER_UPDATE_DOCS"):
        shutil.copy(tmp_path / "report-1400.png", ROOT / "docs" / "report.png")
        # the booking list alone, as a booking team would print or paste it
        only = tmp_path / "bookings.html"
        hide = "<style>.cards, nav, #roster, .layout, #stays-section { display: none; }</style></head>"
        only.write_text(page.read_text().replace("</head>", hide))
        shutil.copy(screenshot(only, 1000, tmp_path / "bookings.png", 900), ROOT / "docs" / "bookings.png")


def test_html_is_self_contained_and_has_a_print_view(cohort: Path) -> None:
    page = (cohort / "report.html").read_text()
    assert "http://" not in page and "https://" not in page
    assert "<svg" in page and 'id="grid"' in page and 'id="shortfalls"' in page
    assert "@media print" in page and "break-inside: avoid" in page
    months = {f"{dt.date.fromisoformat(m):%B %Y}" for m in csv(cohort, "weeks.csv")["week"]}
    assert all(f"Roster, {month}" in page for month in months)  # the grid on paper, a month a page


class Rows(HTMLParser):
    """The data attributes of the booking list's rows: blocks, week totals, the grand total."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[dict[str, str]]] = {"block": [], "subtotal": [], "total": []}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "tr" and found.get("class") in self.rows:
            self.rows[found["class"]].append(found)


def test_the_booking_list_reads_back_from_html_and_adds_up(cohort: Path) -> None:
    parser = Rows()
    parser.feed((cohort / "report.html").read_text())
    blocks, weeks, [total] = parser.rows["block"], parser.rows["subtotal"], parser.rows["total"]
    bookings, stays = csv(cohort, "bookings.csv"), csv(cohort, "accommodation.csv")
    summary = json.loads((cohort / "summary.json").read_text())
    assert [b["data-booking"] for b in blocks] == list(bookings["booking"])
    assert sum(int(b["data-rooms"]) for b in blocks) == len(stays) == int(total["data-rooms"])
    assert (
        sum(int(b["data-room-nights"]) for b in blocks)
        == summary["hotel_nights"]
        == int(total["data-room-nights"])
    )
    assert sum(int(b["data-cost"]) for b in blocks) == summary["hotel_cost"] == int(total["data-cost"])
    for week in weeks:
        mine = bookings[bookings["week"] == week["data-week"]]
        assert int(week["data-room-nights"]) == mine["room_nights"].astype(int).sum()
        assert int(week["data-cost"]) == mine["cost"].astype(int).sum()
    assert len(weeks) == bookings["week"].nunique()


def test_the_map_legend_is_complete_and_covers_no_land() -> None:
    texts = [e["text"] for e in html.legend_entries()]
    assert texts[:3] == ["police HQ", "fire and rescue HQ", "a secondee's home"]
    assert [e["shape"] for e in html.legend_entries()].count("line") == 3  # commute, hotel, night before
    x0, y0 = html.LEGEND_X, html.LEGEND_Y
    x1, y1 = x0 + html.LEGEND_WIDTH, y0 + html.LEGEND_HEIGHT
    cornwall = html.project(50.07, -5.71)  # Land's End
    inside = [
        (x, y) for x, y in [*html.land_dots(), cornwall] if x0 - 3 <= x <= x1 + 3 and y0 - 3 <= y <= y1 + 3
    ]
    assert not inside
    assert x1 <= html.MAP_WIDTH and y1 <= html.project(html.SOUTH, html.WEST)[1]


def test_workbook_matches_the_csv_files(cohort: Path) -> None:
    book = load_workbook(cohort / "roster.xlsx")
    assert book.sheetnames == ["Roster", "Inspections", "Bookings", "Accommodation", "Costs", "Summary"]
    weeks, inspections = csv(cohort, "weeks.csv"), csv(cohort, "inspections.csv")
    people = csv(cohort, "people.csv").set_index("secondee")["name"]
    cell_of = {r.inspection: short_body_name(str(r.body_name)) for r in inspections.itertuples()}
    grid = book["Roster"]
    header = [c.value for c in grid[1]]
    mondays = [d.date().isoformat() for d in header[2:]]  # the week headers are dates
    assert all(c.is_date for c in grid[1][2:])
    for row in grid.iter_rows(min_row=2, max_row=1 + weeks["secondee"].nunique(), values_only=True):
        name, secondee = row[0], str(row[1])
        assert name == people[secondee]  # names first (the cohort's names are all different)
        expected = weeks[weeks["secondee"] == secondee].set_index("week")["activity"]
        assert list(row[2:]) == [ACTIVITY_LABELS.get(expected[m]) or cell_of[expected[m]] for m in mondays]
    assert grid.freeze_panes == "C2" and grid.auto_filter.ref
    assert grid.print_title_rows == "$1:$1" and grid.print_title_cols == "$A:$B"
    for ws in book:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
    stays = csv(cohort, "accommodation.csv")
    sheet = book["Accommodation"]
    assert len(list(sheet.iter_rows(min_row=2))) == len(stays)
    cells = {c.value: i for i, c in enumerate(sheet[1])}
    for row, stay in zip(sheet.iter_rows(min_row=2), stays.itertuples(), strict=True):
        check_in, check_out, cost = row[cells["check in"]], row[cells["check out"]], row[cells["cost"]]
        assert check_in.is_date and check_in.value.date().isoformat() == stay.check_in
        assert check_out.is_date and check_out.value.date().isoformat() == stay.check_out
        assert cost.value == int(str(stay.cost)) and "£" in cost.number_format
        assert row[cells["secondee id"]].value == stay.secondee
    roster = csv(cohort, "roster.csv")
    team = {r[2]: r[4] for r in book["Inspections"].iter_rows(min_row=2, values_only=True)}
    assert team == roster.groupby("inspection").size().reindex(list(team), fill_value=0).to_dict()
    costs = {r[0]: r[1] for r in book["Costs"].iter_rows(min_row=2, max_row=10, values_only=True)}
    assert costs["total (the objective)"] == json.loads((cohort / "summary.json").read_text())["objective"]


def test_the_booking_list_reads_back_from_excel_and_adds_up(cohort: Path) -> None:
    sheet = load_workbook(cohort / "roster.xlsx")["Bookings"]
    header = [c.value for c in sheet[1]]
    col = {h: i for i, h in enumerate(header)}
    table = [r for r in sheet.iter_rows(min_row=2, values_only=True)]
    blocks = [r for r in table if r[col["inspection"]]]
    totals = [r for r in table if not r[col["inspection"]]]
    bookings, stays = csv(cohort, "bookings.csv"), csv(cohort, "accommodation.csv")
    summary = json.loads((cohort / "summary.json").read_text())
    assert [r[col["booking reference"]] for r in blocks] == list(bookings["booking"])
    assert [r[col["check in"]].date().isoformat() for r in blocks] == list(bookings["check_in"])
    assert sum(r[col["rooms"]] for r in blocks) == len(stays) == totals[-1][col["rooms"]]
    assert (
        sum(r[col["room-nights"]] for r in blocks)
        == summary["hotel_nights"]
        == totals[-1][col["room-nights"]]
    )
    assert sum(r[col["cost"]] for r in blocks) == summary["hotel_cost"] == totals[-1][col["cost"]]
    assert len(totals) == bookings["week"].nunique() + 1  # a total per week, and one for all
    for total in totals[:-1]:
        mine = bookings[bookings["week"] == total[col["week"]].date().isoformat()]
        assert total[col["cost"]] == mine["cost"].astype(int).sum()
        assert total[col["room-nights"]] == mine["room_nights"].astype(int).sum()


def test_calendars_match_the_roster(cohort: Path) -> None:
    roster, stays, weeks = (
        csv(cohort, "roster.csv"),
        csv(cohort, "accommodation.csv"),
        csv(cohort, "weeks.csv"),
    )
    files = sorted((cohort / "calendars").glob("*.ics"))
    assert len(files) == weeks["secondee"].nunique()
    for file in files:
        secondee = file.stem
        events = Calendar.from_ical(file.read_bytes()).walk("VEVENT")
        uids = [str(e["UID"]) for e in events]
        assert len(set(uids)) == len(uids)
        inspections = {
            uid.split("-", 1)[1].rsplit(f"-{secondee}@", 1)[0]: e
            for uid, e in zip(uids, events, strict=True)
            if uid.startswith("inspection-")
        }
        hotels = [e for e in events if str(e["UID"]).startswith("hotel-")]
        mine = roster[roster["secondee"] == secondee]
        assert set(inspections) == set(mine["inspection"])
        for r in mine.itertuples():
            assert inspections[str(r.inspection)].decoded("DTSTART").isoformat() == r.week
        booked = stays[stays["secondee"] == secondee]
        assert sorted(e.decoded("DTSTART").isoformat() for e in hotels) == sorted(booked["check_in"])
        assert sorted(e.decoded("DTEND").isoformat() for e in hotels) == sorted(booked["check_out"])
        for kind in ("training", "away"):  # all-day events for the weeks without an inspection
            expected = weeks[(weeks["secondee"] == secondee) & (weeks["activity"] == kind)]["week"]
            found = [e.decoded("DTSTART").isoformat() for e in events if str(e["UID"]).startswith(f"{kind}-")]
            assert sorted(found) == sorted(expected)
        summary = json.loads((cohort / "summary.json").read_text())
        assert not summary["solver"]["deterministic"] or all(e.get("SEQUENCE") == 0 for e in events)


def test_two_deterministic_runs_write_identical_reports(tmp_path: Path) -> None:
    for name in ("a", "b"):
        args = ["solve", str(SCENARIOS / "small.yaml"), "--out", str(tmp_path / name), "--deterministic"]
        result = CliRunner().invoke(app, [*args, "--quiet", "--report"])
        assert result.exit_code == 0, result.output
    a, b = tmp_path / "a", tmp_path / "b"
    assert (a / "roster.xlsx").read_bytes() == (b / "roster.xlsx").read_bytes()
    assert (a / "report.html").read_bytes() == (b / "report.html").read_bytes()
    for file in sorted((a / "calendars").iterdir()):
        assert file.read_bytes() == (b / "calendars" / file.name).read_bytes(), file.name
    first = (a / "roster.xlsx").read_bytes()
    assert CliRunner().invoke(app, ["report", str(a)]).exit_code == 0  # made again from the folder alone
    assert (a / "roster.xlsx").read_bytes() == first
    props = load_workbook(a / "roster.xlsx").properties
    assert props.created == props.modified == dt.datetime(2026, 9, 7)  # the horizon's first Monday


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
    page = (out / "report.html").read_text()
    assert script not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
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


def test_a_folder_without_bookings_csv_still_gets_its_booking_list(cohort: Path, tmp_path: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(
        cohort, old, ignore=shutil.ignore_patterns("bookings.csv", "calendars", "*.xlsx", "*.html")
    )
    report(old, ["xlsx"])
    rows = list(load_workbook(old / "roster.xlsx")["Bookings"].iter_rows(min_row=2, values_only=True))
    assert sum(1 for r in rows if r[11]) == len(csv(cohort, "bookings.csv"))
