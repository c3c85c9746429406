"""`roster.xlsx`: the roster as a workbook that behaves like Excel.

Dates are date cells, pounds are numbers with a £ format, every sheet prints landscape, one page
wide, with its header row (and on the Roster sheet its name columns) repeated on every page. The
file depends only on the folder it is made from: its document properties and the timestamps in
its zip are the report's stamp (`ReportData.stamp`), so two deterministic runs write the same bytes.
Text from planners' files that a spreadsheet would run as a formula is neutralised (`safe_cell`).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from roster.frames import rows
from roster.labels import (
    ACTIVITY_LABELS,
    ARRANGEMENT_LABELS,
    COST_TERM_LABELS,
    STATUS_LABELS,
    week_label,
)
from roster.outputs.bookings import Totals, by_week, totals
from roster.outputs.source import ReportData

ARRANGEMENT_COLOURS = {"commute": "C6EFCE", "hotel": "BDD7EE", "hotel_night_before": "F8CBAD"}
ACTIVITY_COLOURS = {"off": "F2F2F2", "away": "E4DFEC", "training": "FFF2CC", "not_seconded": "D9D9D9"}
DATE = "ddd d mmm yyyy"
WEEK = "d mmm yyyy"
POUNDS = '"£"#,##0'
HEADER_FILL = "E7E6E6"
TOTAL_FILL = "F2F2F2"


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its header, the kind of its values and its width in characters."""

    header: str
    kind: str = "text"  # text, any (a number stays a number), int, date, week, pounds, hours
    width: int | None = None


FORMATS = {"date": DATE, "week": WEEK, "pounds": POUNDS, "hours": "0.0"}


def cell_value(kind: str, value: Any) -> Any:
    """A value of a CSV cell (text) as the cell of its kind: a date, a whole number, text."""
    if value is None or value == "":
        return None
    if kind in ("date", "week"):
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    if kind in ("int", "pounds"):
        return int(value)
    if kind == "hours":
        return float(value)
    return safe_cell(value if kind == "any" else str(value))


class Book:
    """A workbook being made: sheets with typed columns, a header row and print setup."""

    def __init__(self) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Font, PatternFill

        self.book = Workbook()
        self.bold = Font(bold=True)
        self.header_fill = PatternFill("solid", start_color=HEADER_FILL, end_color=HEADER_FILL)
        self.total_fill = PatternFill("solid", start_color=TOTAL_FILL, end_color=TOTAL_FILL)
        self.first = True

    def sheet(
        self, title: str, columns: Sequence[Column], body: Iterable[Sequence[Any]], filters: bool = True
    ) -> Any:
        """A sheet with a bold header row, typed cells, frozen header, widths and print setup."""
        ws = self.book.active if self.first else self.book.create_sheet()
        self.first = False
        ws.title = title
        self.header(ws, 1, [c.header for c in columns])
        for values in body:
            self.row(ws, columns, values)
        ws.freeze_panes = "B2"
        if filters and ws.max_row > 1:
            ws.auto_filter.ref = f"A1:{self.letter(len(columns))}{ws.max_row}"
        self.widths(ws, columns)
        self.print_setup(ws)
        return ws

    def header(self, ws: Any, row: int, headers: Sequence[Any]) -> None:
        for c, text in enumerate(headers, start=1):
            cell = ws.cell(row=row, column=c, value=safe_cell(text))
            cell.font = self.bold
            cell.fill = self.header_fill

    def row(self, ws: Any, columns: Sequence[Column], values: Sequence[Any], total: bool = False) -> int:
        """Append a row of typed cells; a total row is bold and shaded. Returns its number."""
        r = int(ws.max_row) + 1
        for c, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = ws.cell(row=r, column=c, value=cell_value(column.kind, value))
            if column.kind in FORMATS:
                cell.number_format = FORMATS[column.kind]
            if total:
                cell.font = self.bold
                cell.fill = self.total_fill
        return r

    @staticmethod
    def letter(column: int) -> str:
        from openpyxl.utils import get_column_letter

        return str(get_column_letter(column))

    def widths(self, ws: Any, columns: Sequence[Column]) -> None:
        for index, column in enumerate(columns, start=1):
            if column.width is not None:
                width = column.width
            else:
                cells = next(ws.iter_cols(min_col=index, max_col=index, values_only=True))
                width = max(len(_shown(v)) for v in cells)
            ws.column_dimensions[self.letter(index)].width = min(48, max(8, width + 2))

    @staticmethod
    def print_setup(ws: Any, title_columns: str | None = None) -> None:
        """Landscape, one page wide, the header row (and `title_columns`) on every page."""
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "1:1"
        if title_columns:
            ws.print_title_cols = title_columns
        ws.print_options.gridLines = True

    def save(self, path: Path, stamp: dt.datetime) -> Path:
        """Write the workbook with `stamp` as its created and modified times and its zip timestamps."""
        from openpyxl.writer.excel import ExcelWriter

        naive = stamp.astimezone(dt.UTC).replace(tzinfo=None)
        props = self.book.properties
        props.creator = "roster"
        props.lastModifiedBy = "roster"
        props.created = props.modified = naive
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            ExcelWriter(self.book, archive).save()
        path.write_bytes(restamp(buffer.getvalue(), naive))
        return path


def _shown(value: Any) -> str:
    if isinstance(value, dt.date):
        return "Mon 14 Sep 2026"
    return "" if value is None else f"{value:,}" if isinstance(value, int) else str(value)


def restamp(data: bytes, stamp: dt.datetime) -> bytes:
    """The zip `data` with every member dated `stamp` (at the earliest 1980, zip's epoch)."""
    when = max(stamp, dt.datetime(1980, 1, 1)).timetuple()[:6]
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=when)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, source.read(info.filename))
    return out.getvalue()


# ------------------------------------------------------------------ sheets


def write_xlsx(data: ReportData, path: Path) -> Path:
    """The workbook: Roster, Inspections, Bookings, Accommodation, Costs, Summary."""
    book = Book()
    roster_sheet(book, data)
    inspections_sheet(book, data)
    bookings_sheet(book, data)
    if data.changes is not None:
        changes_sheet(book, data)
    if data.booking_changes is not None:
        booking_changes_sheet(book, data)
    accommodation_sheet(book, data)
    costs_sheet(book, data)
    summary_sheet(book, data)
    return book.save(path, data.stamp)


def roster_sheet(book: Book, data: ReportData) -> None:
    """Secondees by weeks, each cell the body inspected (in short), coloured by arrangement."""
    from openpyxl.styles import Alignment, PatternFill

    mondays = data.mondays
    columns = [Column("secondee", width=max([len(v) for v in data.labels.values()] + [10])), Column("id")]
    columns += [Column(m, "text", 14) for m in mondays]
    fills = {
        k: PatternFill("solid", start_color=c, end_color=c)
        for k, c in {**ARRANGEMENT_COLOURS, **ACTIVITY_COLOURS}.items()
    }
    body = []
    for s in data.secondees:
        cells = []
        for m in mondays:
            doing = data.activity[(s, m)]
            cells.append(
                ACTIVITY_LABELS[doing] if doing in ACTIVITY_LABELS else data.short_name(data.body_of[doing])
            )
        body.append([data.label(s), s, *cells])
    ws = book.sheet("Roster", columns, body)
    for c, m in enumerate(mondays, start=3):  # the week headers are dates
        cell = ws.cell(row=1, column=c, value=dt.date.fromisoformat(m))
        cell.number_format = "d mmm"
    centre = Alignment(horizontal="center")
    for r, s in enumerate(data.secondees, start=2):
        for c, m in enumerate(mondays, start=3):
            doing = data.activity[(s, m)]
            kind = doing if doing in ACTIVITY_COLOURS else data.arrangement.get((s, doing), "hotel")
            cell = ws.cell(row=r, column=c)
            cell.fill = fills[kind]
            cell.alignment = centre
    ws.freeze_panes = "C2"
    book.print_setup(ws, "A:B")
    key = len(data.secondees) + 3
    ws.cell(row=key, column=1, value="Key").font = book.bold
    labels = {**ARRANGEMENT_LABELS, **ACTIVITY_LABELS}
    for n, kind in enumerate(fills):
        cell = ws.cell(row=key + 1 + n, column=1, value=labels[kind])
        cell.fill = fills[kind]


def inspections_sheet(book: Book, data: ReportData) -> None:
    reasons = {s["inspection"]: s["reason"] for s in data.summary.get("shortfalls", [])}
    columns = [
        Column("week", "week"),
        Column("inspected body"),
        Column("inspection"),
        Column("team", width=40),
        Column("team size", "int"),
        Column("min", "int"),
        Column("max", "int"),
        Column("places short", "int"),
        Column("experienced missing", "int"),
        Column("why short", width=60),
    ]
    book.sheet(
        "Inspections",
        columns,
        [
            [
                r.week,
                data.body_name(str(r.body)),
                r.inspection,
                ", ".join(data.label(s) for s in data.team.get(str(r.inspection), [])),
                r.team_size,
                r.min,
                r.max,
                r.shortfall,
                r.experienced_missing,
                reasons.get(r.inspection, ""),
            ]
            for r in rows(data.inspections)
        ],
    )


BOOKING_SHEET = [
    Column("week", "week"),
    Column("inspected body", width=34),
    Column("stay near"),
    Column("check in", "date"),
    Column("check out", "date"),
    Column("nights", "int"),
    Column("rooms", "int"),
    Column("rooms each night", width=36),
    Column("room-nights", "int"),
    Column("guests", width=48),
    Column("cost", "pounds"),
    Column("inspection"),
    Column("booking reference"),
]


def bookings_sheet(book: Book, data: ReportData) -> None:
    """One row per hotel block, a total row after each week and one for the whole list."""
    ws = book.sheet("Bookings", BOOKING_SHEET, [], filters=False)
    for week, blocks in by_week(data.blocks):
        for b in blocks:
            book.row(
                ws,
                BOOKING_SHEET,
                [
                    b.week,
                    b.body_name,
                    b.hotel_near,
                    b.check_in,
                    b.check_out,
                    b.nights,
                    b.rooms,
                    b.rooms_words,
                    b.room_nights,
                    ", ".join(b.guest_names),
                    b.cost,
                    b.inspection,
                    b.key,
                ],
            )
        monday = dt.date.fromisoformat(week.week)
        book.row(ws, BOOKING_SHEET, _total(week, week.week, f"week of {week_label(monday)}"), total=True)
    book.row(ws, BOOKING_SHEET, _total(totals(data.blocks), None, "all weeks"), total=True)
    book.widths(ws, BOOKING_SHEET)


CHANGE_SHEET = [
    Column("action"),
    Column("inspected body", width=34),
    Column("stay near"),
    Column("check in before", "date"),
    Column("check out before", "date"),
    Column("check in now", "date"),
    Column("check out now", "date"),
    Column("cost before", "pounds"),
    Column("cost now", "pounds"),
    Column("what to tell the hotel", width=70),
    Column("inspection"),
]


CHANGES_SHEET = [
    Column("who", width=22),
    Column("change"),
    Column("inspected body", width=34),
    Column("week before", "date"),
    Column("week now", "date"),
    Column("hotel", width=26),
    Column("inspection"),
    Column("secondee"),
]


def changes_sheet(book: Book, data: ReportData) -> None:
    """Who to tell: each change to the published roster (changes.csv), in words."""
    ws = book.sheet("Changes", CHANGES_SHEET, [], filters=False)
    for c in data.told:
        row = [c["name"], c["change"], c["body_name"], c["before"] or None, c["now"] or None, c["booking"]]
        book.row(ws, CHANGES_SHEET, [*row, c["inspection"], c["secondee"]])
    book.widths(ws, CHANGES_SHEET)


def booking_changes_sheet(book: Book, data: ReportData) -> None:
    """The booking change notice: each block to book, cancel or amend since the published roster."""
    assert data.booking_changes is not None
    ws = book.sheet("Booking changes", CHANGE_SHEET, [], filters=False)
    for r in rows(data.booking_changes):
        book.row(
            ws,
            CHANGE_SHEET,
            [
                r.action,
                r.body_name,
                r.hotel_near,
                r.check_in_before or None,
                r.check_out_before or None,
                r.check_in_after or None,
                r.check_out_after or None,
                r.cost_before,
                r.cost_after,
                r.what,
                r.inspection,
            ],
        )
    book.widths(ws, CHANGE_SHEET)


def _total(t: Totals, week: str | None, label: str) -> list[Any]:
    """A total row of the Bookings sheet, in the columns of `BOOKING_SHEET`."""
    words = f"{label}: {t.blocks} block{'s' if t.blocks != 1 else ''}"
    return [week, words, None, None, None, None, t.rooms, None, t.room_nights, None, t.cost, None, None]


def accommodation_sheet(book: Book, data: ReportData) -> None:
    columns = [
        Column("secondee"),
        Column("inspected body", width=34),
        Column("stay near"),
        Column("check in", "date"),
        Column("check out", "date"),
        Column("nights", "int"),
        Column("cost", "pounds"),
        Column("why a hotel", width=60),
        Column("secondee id"),
        Column("inspection"),
    ]
    book.sheet(
        "Accommodation",
        columns,
        [
            [
                data.label(str(r.secondee)),
                data.body_name(str(r.body)),
                r.hotel_near,
                r.check_in,
                r.check_out,
                r.nights,
                r.cost,
                r.reason,
                r.secondee,
                r.inspection,
            ]
            for r in rows(data.accommodation)
        ],
    )


def costs_sheet(book: Book, data: ReportData) -> None:
    summary = data.summary
    terms = [[COST_TERM_LABELS[k], v] for k, v in summary["cost_terms"].items()]
    ws = book.sheet(
        "Costs",
        [Column("cost", width=34), Column("pounds", "pounds")],
        [*terms, ["total (the objective)", summary["objective"]]],
        filters=False,
    )
    for cell in ws[ws.max_row]:
        cell.font = book.bold
    columns = [
        Column("secondee"),
        Column("inspections", "int"),
        Column("target"),
        Column("against target"),
        Column("hotel nights", "int"),
        Column("hotel", "pounds"),
        Column("travel hours", "hours"),
        Column("hotel and travel", "pounds"),
        Column("secondee id"),
    ]
    start = ws.max_row + 2
    for c, column in enumerate(columns, start=1):
        cell = ws.cell(row=start, column=c, value=column.header)
        cell.font = book.bold
        cell.fill = book.header_fill
    for u in data.per_secondee():
        book.row(
            ws,
            columns,
            [
                u.label,
                u.inspections,
                f"{u.target_min}–{u.target_max}",
                u.verdict,
                u.hotel_nights,
                u.hotel_cost,
                u.travel_hours,
                u.cost,
                u.secondee,
            ],
        )
    book.widths(ws, columns)


def summary_sheet(book: Book, data: ReportData) -> None:
    s = data.summary
    book.sheet(
        "Summary",
        [Column("item", width=30), Column("value", "any", 40)],
        [
            ["scenario", s["scenario"]["name"]],
            ["status", STATUS_LABELS.get(str(s["status"]), str(s["status"]))],
            ["cost (the objective), £", s["objective"]],
            ["best bound, £", s["best_bound"]],
            ["hotel nights", s["hotel_nights"]],
            ["hotel cost, £", s["hotel_cost"]],
            ["hotel blocks to book", len(data.blocks)],
            ["travel hours", s["travel_hours"]],
            ["inspections", s["inspections"]],
            ["inspections fully staffed", s["inspections_fully_staffed"]],
            ["secondees on inspections", s["secondees_used"]],
            ["inspections short", len(s["shortfalls"])],
            ["written", data.stamp.strftime("%Y-%m-%d %H:%M UTC")],
            *provenance_rows(s),
        ],
        filters=False,
    )


def provenance_rows(summary: dict[str, Any]) -> list[list[Any]]:
    """Where a roster that was not solved came from, and the rules it breaks (a rebuilt folder)."""
    if "source" not in summary:
        return []
    broken = summary.get("violations", [])
    return [["source", summary["source"]], ["rules broken", len(broken)]] + [
        [f"  {v['rule']}", v["message"]] for v in broken
    ]
