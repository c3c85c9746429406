"""Reports people read, made from an output folder alone: Excel, one-page HTML, calendars.

`report` is called with the staging folder of a set being written (`write_folder`'s `extend`),
so the reports become part of the set. Each format has its module: `roster.outputs.excel`,
`roster.outputs.html`, `roster.outputs.calendars`; they read the folder through
`roster.outputs.source`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from roster.outputs.calendars import write_calendars
from roster.outputs.excel import safe_cell, write_xlsx
from roster.outputs.html import render_html
from roster.outputs.source import NoRosterError, ReportData, ReportError, load

FORMATS = ("xlsx", "html", "ics")
FILES = {"xlsx": "roster.xlsx", "html": "report.html", "ics": "calendars"}  # what each format writes

__all__ = [
    "FILES",
    "FORMATS",
    "NoRosterError",
    "ReportData",
    "ReportError",
    "kept_reports",
    "load",
    "render_html",
    "report",
    "safe_cell",
    "write_calendars",
    "write_xlsx",
]


def kept_reports(folder: Path, formats: Iterable[str]) -> dict[str, bytes]:
    """The reports already in an output folder of the formats not being made again, by name
    (`calendars/x.ics` for a calendar): a report of one format keeps the others. They describe
    the same roster: any solve or rebuild writes the folder whole, its reports with it."""
    chosen = set(formats)
    kept: dict[str, bytes] = {}
    for kind, name in FILES.items():
        path = folder / name
        if kind in chosen:
            continue
        if path.is_file():
            kept[name] = path.read_bytes()
        elif path.is_dir():
            for item in sorted(path.iterdir()):
                if item.is_file():
                    kept[f"{name}/{item.name}"] = item.read_bytes()
    return kept


def report(
    folder: Path,
    formats: Iterable[str] = FORMATS,
    previous: Path | None = None,
    now: dt.datetime | None = None,
) -> list[Path]:
    """Write the chosen reports into `folder`, beside the roster they describe.

    Parameters
    ----------
    folder
        The staging folder of a set being written (`roster.outputs.folder.write_folder`): the
        reports become part of the set, never a file beside a newer roster.
    formats
        Any of `xlsx`, `html`, `ics`.
    previous
        The calendars being replaced (a calendars folder, or an output folder holding one), so
        that changed events get a higher `SEQUENCE` and removed ones are cancelled.
    now
        The time of writing, when not the clock's (deterministic runs use a fixed stamp anyway).
    """
    data = load(folder, now)
    written: list[Path] = []
    for kind in formats:
        if kind == "xlsx":
            written.append(write_xlsx(data, folder / "roster.xlsx"))
        elif kind == "html":
            (folder / "report.html").write_text(render_html(data), encoding="utf-8")
            written.append(folder / "report.html")
        elif kind == "ics":
            written += write_calendars(data, folder / "calendars", previous)
        else:
            raise ReportError(f"unknown report format `{kind}`: expected {', '.join(FORMATS)}")
    return written
