"""`calendars/<secondee>.ics`: each secondee's weeks as calendar events that update in place.

Every event has a UID that stays the same from one roster to the next: one per (secondee,
inspection), one per hotel stay (secondee, inspection), one per training or away week. Made with
access to the calendars they replace (`previous`), an event keeps its `SEQUENCE` while its content
is unchanged and takes the previous one plus 1 when it changes; an event of the previous calendars
that is no longer in the roster is written once more with `STATUS:CANCELLED` and its `SEQUENCE`
plus 1, so that a calendar program that imported it removes it. `DTSTAMP` is the time the
calendars are written (in deterministic mode the report's fixed stamp).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from roster.labels import ACTIVITY_LABELS, ARRANGEMENT_LABELS, day_label, hours_minutes, week_label
from roster.outputs.folder import safe_name
from roster.outputs.source import ReportData

PRODID = "-//roster//HMICFRS secondee roster//EN"
DOMAIN = "roster"
WORK_DAYS = 5
"""An inspection, training or away week as an all-day event: Monday to Friday."""
UNCOMPARED = frozenset(("DTSTAMP", "SEQUENCE", "LAST-MODIFIED"))
"""Properties that do not count as the event's content."""


@dataclass
class Previous:
    """An event of the calendar being replaced: its sequence, its content, the event itself."""

    sequence: int
    content: tuple[tuple[str, bytes], ...]
    event: Any


def content(event: Any) -> tuple[tuple[str, bytes], ...]:
    """What an event says, as comparable bytes: every property but its stamp and sequence."""
    return tuple(
        sorted(
            (str(name).upper(), value.to_ical() if hasattr(value, "to_ical") else str(value).encode())
            for name, value in event.property_items(recursive=False)
            if str(name).upper() not in UNCOMPARED | {"BEGIN", "END"}
        )
    )


def read_previous(folder: Path | None) -> dict[str, tuple[str, dict[str, Previous]]]:
    """The calendars in `folder` (a calendars folder, or an output folder holding one), by file
    name: the calendar's name and its events by UID. Unreadable files are ignored."""
    from icalendar import Calendar

    if folder is None:
        return {}
    if (folder / "calendars").is_dir():
        folder = folder / "calendars"
    if not folder.is_dir():
        return {}
    out: dict[str, tuple[str, dict[str, Previous]]] = {}
    for path in sorted(folder.glob("*.ics")):
        try:
            calendar = Calendar.from_ical(path.read_bytes())
            events = {
                str(event["UID"]): Previous(int(event.get("SEQUENCE", 0)), content(event), event)
                for event in calendar.walk("VEVENT")
                if "UID" in event
            }
            out[path.name] = (str(calendar.get("X-WR-CALNAME", "")), events)
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            continue  # a calendar edited out of shape: its events are written afresh
    return out


def _event(uid: str, summary: str, start: dt.date, end: dt.date, where: str, description: str) -> Any:
    from icalendar import Event

    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", end)
    if where:
        event.add("location", where)
    event.add("description", description)
    event.add("transp", "OPAQUE")
    return event


def events_of(data: ReportData, secondee: str) -> list[Any]:
    """The events of one secondee's calendar, without stamp or sequence."""
    out = []
    for r in data.assignments_of.get(secondee, []):
        body = data.bodies.get(r.body, {})
        monday = dt.date.fromisoformat(r.week)
        others = [data.label(s) for s in data.team[str(r.inspection)] if s != secondee]
        arrangement = ARRANGEMENT_LABELS.get(str(r.arrangement), str(r.arrangement))
        out.append(
            _event(
                f"inspection-{r.inspection}-{secondee}@{DOMAIN}",
                f"Inspection of {data.body_name(r.body)}",
                monday,
                monday + dt.timedelta(days=WORK_DAYS),
                f"{data.body_name(r.body)} HQ, {body.get('hq_town', '')}".strip(", "),
                f"Inspection {r.inspection}, week of {week_label(monday)}.\n"
                f"Travel: {arrangement}; journey {hours_minutes(int(r.travel_minutes))} each way.\n"
                f"Team: {', '.join([data.label(secondee), *others])}",
            )
        )
    for r in data.stays_of.get(secondee, []):
        check_in, check_out = dt.date.fromisoformat(r.check_in), dt.date.fromisoformat(r.check_out)
        nights = int(r.nights)
        out.append(
            _event(
                f"hotel-{r.inspection}-{secondee}@{DOMAIN}",
                f"Hotel near {r.hotel_near} ({nights} night{'s' if nights != 1 else ''})",
                check_in,
                check_out,
                f"near {r.hotel_near}",
                f"For the inspection of {data.body_name(r.body)} ({r.inspection}): {r.reason}.\n"
                f"Check in {day_label(check_in)}, check out {day_label(check_out)}.",
            )
        )
    for monday_text in data.mondays:
        doing = data.activity[(secondee, monday_text)]
        if doing in ("training", "away"):
            monday = dt.date.fromisoformat(monday_text)
            out.append(
                _event(
                    f"{doing}-{secondee}-{monday_text}@{DOMAIN}",
                    ACTIVITY_LABELS[doing].capitalize(),
                    monday,
                    monday + dt.timedelta(days=WORK_DAYS),
                    "",
                    f"Week of {week_label(monday)}: {ACTIVITY_LABELS[doing]}, no inspection.",
                )
            )
    return out


def _calendar(name: str) -> Any:
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _stamped(event: Any, sequence: int, stamp: dt.datetime) -> Any:
    for name in ("DTSTAMP", "SEQUENCE"):
        if name in event:
            del event[name]
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    return event


def _cancelled(before: Previous, stamp: dt.datetime) -> Any:
    """A previous event that is no longer in the roster, cancelled (once: then carried as it is)."""
    event = before.event
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return _stamped(event, before.sequence, stamp)
    event.add("status", "CANCELLED")
    return _stamped(event, before.sequence + 1, stamp)


def calendar_of(name: str, events: list[Any], previous: dict[str, Previous], stamp: dt.datetime) -> Any:
    """One calendar: `events` with their sequences against `previous`, then the cancelled ones."""
    calendar = _calendar(name)
    now = set()
    for event in events:
        uid = str(event["UID"])
        now.add(uid)
        before = previous.get(uid)
        if before is None:
            sequence = 0
        else:
            sequence = before.sequence if before.content == content(event) else before.sequence + 1
        calendar.add_component(_stamped(event, sequence, stamp))
    for uid, before in previous.items():
        if uid not in now:
            calendar.add_component(_cancelled(before, stamp))
    return calendar


def write_calendars(data: ReportData, folder: Path, previous: Path | None = None) -> list[Path]:
    """One .ics per secondee: their inspection weeks, hotel stays, training and away weeks.

    Parameters
    ----------
    data
        The output folder the calendars are made from.
    folder
        Where to write them (the `calendars` folder of the set being written).
    previous
        The calendars being replaced: a calendars folder, or an output folder holding one (the
        target folder before the swap, or a published roster's). Their events set the sequences
        and the cancellations; a secondee who had a calendar there and is no longer in the
        scenario gets one more calendar, with every event cancelled.
    """
    folder.mkdir(parents=True, exist_ok=True)
    before = read_previous(previous)
    written = []
    for secondee in data.secondees:
        path = folder / f"{safe_name(secondee)}.ics"
        _, old = before.pop(path.name, ("", {}))
        calendar = calendar_of(
            f"Inspections: {data.label(secondee)}", events_of(data, secondee), old, data.stamp
        )
        path.write_bytes(calendar.to_ical())
        written.append(path)
    for file_name, (name, old) in sorted(before.items()):
        path = folder / file_name
        path.write_bytes(calendar_of(name or "Inspections", [], old, data.stamp).to_ical())
        written.append(path)
    return written
