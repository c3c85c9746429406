"""A scenario: the horizon, the rules, the inspections, the secondees and measured journeys."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any, Literal

from pydantic import Field, PrivateAttr, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from models.base import (
    Identifier,
    Minutes,
    Monday,
    PositiveWeekCount,
    StrictModel,
    Text,
    did_you_mean,
    folded,
)
from models.baseline import Baseline, PublishedRoster
from models.bodies import Body, Location, bundled_bodies
from models.inspections import Inspection
from models.limits import (
    FARTHEST_KM,
    LAST_DATE,
    MAX_BODIES,
    MAX_INSPECTIONS,
    MAX_JOURNEYS,
    MAX_OBJECTIVE,
    MAX_SECONDEES,
)
from models.people import Secondee
from models.places import PlaceError, resolve_place
from models.rules import Rules

Loc = tuple[str | int, ...]
UK_LAT = (49.0, 61.0)  # the United Kingdom, from the Scillies to Shetland, with a margin
UK_LON = (-8.8, 2.0)


class TravelTime(StrictModel):
    """A measured one-way journey time that overrides the estimate."""

    secondee: Identifier
    body: Identifier
    minutes: Minutes
    mode: Literal["car", "train", "flight"] = "car"


class Scenario(StrictModel):
    """Everything the engine needs to build a roster."""

    name: Text
    start: Monday
    weeks: PositiveWeekCount
    rules: Rules = Field(default_factory=Rules)
    inspections: list[Inspection] = Field(default_factory=list, max_length=MAX_INSPECTIONS)
    secondees: list[Secondee] = Field(default_factory=list, max_length=MAX_SECONDEES)
    travel: list[TravelTime] = Field(default_factory=list, max_length=MAX_JOURNEYS)
    bodies: list[Body] = Field(default_factory=list, max_length=MAX_BODIES)
    baseline: Baseline | None = None

    _published: PublishedRoster | None = PrivateAttr(default=None)
    _bodies: dict[str, Body] = PrivateAttr(default_factory=dict)
    _homes: dict[str, Location] = PrivateAttr(default_factory=dict)
    _measured: dict[tuple[str, str], int] = PrivateAttr(default_factory=dict)
    _source: Mapping[str, str] = PrivateAttr(default_factory=dict)
    _files: list[str] | None = PrivateAttr(default=None)
    _file: str | None = PrivateAttr(default=None)
    _notes: list[str] = PrivateAttr(default_factory=list)

    # ------------------------------------------------------------------ weeks

    @cached_property
    def mondays(self) -> tuple[dt.date, ...]:
        """The Monday of every planning week, in order."""
        return tuple(self.start + dt.timedelta(weeks=w) for w in range(self.weeks))

    @property
    def end(self) -> dt.date:
        """The Sunday closing the horizon."""
        return self.start + dt.timedelta(weeks=self.weeks, days=-1)

    def week_index(self, monday: dt.date) -> int:
        """Index of the week named by `monday` (may lie outside `0..weeks-1`)."""
        return (monday - self.start).days // 7

    def monday(self, week: int) -> dt.date:
        return self.start + dt.timedelta(weeks=week)

    def allowed_weeks(self, inspection: Inspection) -> list[int]:
        """Week indices in which `inspection` may run (rule 1)."""
        if inspection.week is not None:
            return [self.week_index(inspection.week)]
        if inspection.window is not None:
            first, last = (self.week_index(d) for d in inspection.window)
            return list(range(max(first, 0), min(last, self.weeks - 1) + 1))
        return list(range(self.weeks))

    # ----------------------------------------------------------- references

    def body(self, body_id: str) -> Body:
        return self._bodies[body_id]

    @property
    def all_bodies(self) -> dict[str, Body]:
        """Bundled bodies with this scenario's `bodies:` added or overriding."""
        return dict(self._bodies)

    def home(self, secondee_id: str) -> Location:
        """Resolved home location of a secondee."""
        return self._homes[secondee_id]

    def measured_minutes(self, secondee_id: str, body_id: str) -> int | None:
        """The measured one-way journey from `travel:`, if any."""
        return self._measured.get((secondee_id, body_id))

    def secondee(self, secondee_id: str) -> Secondee:
        return next(s for s in self.secondees if s.id == secondee_id)

    def secondees_named(self, text: str) -> list[str]:
        """The ids of the secondees `text` names: its own id when it is one, else everyone whose
        name it is (case and spacing aside), so that a person can be named as they are shown."""
        if any(s.id == text for s in self.secondees):
            return [text]
        return self._called(text)

    def _called(self, text: str) -> list[str]:
        """The ids of the secondees whose name `text` is (`folded`)."""
        return [s.id for s in self.secondees if s.name and folded(s.name) == folded(text)]

    def unknown_secondee_hint(self, text: str) -> str:
        """What follows "unknown secondee `text`": the id to use when `text` is someone's name
        (where only an id will do), else the ids it is close to."""
        named = self._called(text)
        if named:
            ids = ", ".join(f"`{i}`" for i in named)
            return f"; `{text}` is the name of {ids}: give the id here"
        return did_you_mean(text, [s.id for s in self.secondees], n=3)

    def inspection(self, inspection_id: str) -> Inspection:
        return next(i for i in self.inspections if i.id == inspection_id)

    def set_source(self, lines: Mapping[str, str], files: list[str] | None = None) -> None:
        """Remember where each key path (e.g. `inspections[3].week`) is written: `file:line`
        (`lines` may work them out on first use), and the files read, when known without them."""
        self._source = lines
        self._files = files

    def file_of(self, key: str) -> str:
        """The file a key path is written in, `where` without its line: found without working
        out every key's line where the source can tell (a plain file writes all its own keys)."""
        files_of = getattr(self._source, "file_of", None)
        if callable(files_of):
            return str(files_of(key))
        where = self.where(key)
        file, sep, line = where.rpartition(":")
        return file if sep and line.isdigit() else where

    def where(self, key: str) -> str:
        """`file:line` of a key path when the scenario came from a file, else the key path."""
        for path in (key, key.rsplit(".", 1)[0], key.split("[")[0]):
            if path in self._source:
                return self._source[path]
        return next(iter(self._source.values()), f"`{key}`").split(":")[0] if self._source else f"`{key}`"

    @property
    def file(self) -> str | None:
        """The scenario file this was loaded from (absolute), when it was."""
        return self._file

    @property
    def notes(self) -> list[str]:
        """What reading the file did that a planner may not expect (a variant replacing a list)."""
        return list(self._notes)

    def set_notes(self, notes: list[str]) -> None:
        self._notes = list(notes)

    def set_file(self, file: str) -> None:
        self._file = file

    @property
    def published(self) -> PublishedRoster | None:
        """The published roster this scenario replans, once read (`roster.loading`)."""
        return self._published

    def set_published(self, published: PublishedRoster | None) -> None:
        self._published = published

    @property
    def source_files(self) -> list[str]:
        """The files the scenario was read from (a variant and the bases it extends)."""
        if self._files is not None:
            return sorted(self._files)
        files = {where.rsplit(":", 1)[0] for where in self._source.values()}
        return sorted(f for f in files if not f.startswith("<"))

    def sha256(self) -> str:
        """Hash of the resolved scenario content."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()

    # ------------------------------------------------------------ validation

    @model_validator(mode="after")
    def _cross_references(self) -> Scenario:
        """Every reference between the parts resolves, and every week lies in the horizon.

        All problems are collected in one pass, each at its own key.
        """
        errors = self.cross_reference_errors()
        if errors:
            raise ValidationError.from_exception_data("Scenario", errors)
        return self

    def cross_reference_errors(self, horizon: bool = True) -> list[InitErrorDetails]:
        """The problems between the parts, as pydantic errors at their keys.

        `horizon=False` leaves out the checks against the horizon (used when `start` or `weeks`
        is itself wrong, so that the other problems can still be reported in the same pass).
        """
        found = _Problems(horizon)
        bundled = {b.id: b for b in bundled_bodies()}
        self._bodies = {**bundled, **{b.id: b for b in self.bodies}}
        for field, items in (
            ("inspections", self.inspections),
            ("secondees", self.secondees),
            ("bodies", self.bodies),
        ):
            _duplicates(field, [item.id for item in items], found.fail)
        for n, body in enumerate(self.bodies):
            if body.id in bundled:
                known = bundled[body.id]
                found.fail(
                    ("bodies", n, "id"),
                    "bundled_body",
                    f"`{body.id}` is a bundled body ({known.label}, HQ {known.hq_town or known.location});"
                    " give yours another id, or leave it out to use the bundled one",
                    body.id,
                )
        for monday in self.rules.max_inspections_in_week:
            self._in_horizon(found, ("rules", "max_inspections_in_week", str(monday)), monday)
        self._check_horizon_end(found)
        self._check_frozen_before(found)
        self._check_inspections(found)
        self._check_secondees(found)
        self._check_travel(found)
        self._check_cost_range(found)
        return found.errors

    def _known_body(self, found: _Problems, loc: Loc, body_id: str, what: str = "body") -> None:
        if body_id not in self._bodies:
            found.fail(loc, "unknown_body", unknown_message(what, body_id, self._bodies), body_id)

    def _in_horizon(self, found: _Problems, loc: Loc, monday: dt.date) -> None:
        if found.horizon and not self.start <= monday <= self.mondays[-1]:
            found.fail(
                loc,
                "outside_horizon",
                f"{monday} lies outside the horizon ({self.start} to {self.mondays[-1]},"
                f" {self.weeks} weeks); move it or lengthen `weeks`",
                monday.isoformat(),
            )

    def _check_horizon_end(self, found: _Problems) -> None:
        """The horizon's weeks end within the years a roster can cover, as every date does."""
        last = self.mondays[-1] + dt.timedelta(days=6)
        if found.horizon and last > LAST_DATE:
            found.fail(
                ("weeks",),
                "outside_years",
                f"{self.weeks} weeks from {self.start} end on {last}, after the last day a roster can"
                f" cover ({LAST_DATE}); check the year of `start`, or shorten `weeks`",
                self.weeks,
            )

    def _check_frozen_before(self, found: _Problems) -> None:
        """`frozen_before` past the horizon's last week would make every week history."""
        first = self.baseline.frozen_before if self.baseline else None
        if found.horizon and first is not None and first > self.mondays[-1]:
            found.fail(
                ("baseline", "frozen_before"),
                "outside_horizon",
                f"{first} is after the horizon's last week ({self.mondays[-1]}): every week would be"
                " history and nothing could be replanned; give the first Monday not yet worked",
                first.isoformat(),
            )

    def _check_inspections(self, found: _Problems) -> None:
        for n, insp in enumerate(self.inspections):
            loc: Loc = ("inspections", n)
            self._known_body(found, (*loc, "body"), insp.body)
            if insp.week is not None:
                self._in_horizon(found, (*loc, "week"), insp.week)
            for k, monday in enumerate(insp.window or ()):
                self._in_horizon(found, (*loc, "window", k), monday)
            if insp.needs.experienced > insp.team_max:
                found.fail(
                    (*loc, "needs", "experienced"),
                    "too_many",
                    f"needs {insp.needs.experienced} experienced members but the team has at"
                    f" most {insp.team_max}",
                    insp.needs.experienced,
                )

    def _check_secondees(self, found: _Problems) -> None:
        bodies = self._bodies
        for n, person in enumerate(self.secondees):
            loc: Loc = ("secondees", n)
            self._known_body(found, (*loc, "service"), person.service, "force or service")
            if person.service in bodies and bodies[person.service].kind != person.background:
                found.fail(
                    (*loc, "background"),
                    "background",
                    f"`{person.service}` is a {bodies[person.service].kind} body but the"
                    f" secondee's background is {person.background}",
                    person.background,
                )
            for k, monday in enumerate(person.away):
                self._in_horizon(found, (*loc, "away", k), monday)
            for k, monday in enumerate(person.prefers.off_weeks):
                self._in_horizon(found, (*loc, "prefers", "off_weeks", k), monday)
            for key, listed in (("prefers", person.prefers.bodies), ("avoids", person.avoids.bodies)):
                for k, body_id in enumerate(listed):
                    self._known_body(found, (*loc, key, "bodies", k), body_id)
            try:
                home = self._resolve_home(person.home)
            except PlaceError as exc:
                found.fail((*loc, "home"), "unknown_place", str(exc), person.home)
                continue
            if not (UK_LAT[0] <= home.lat <= UK_LAT[1] and UK_LON[0] <= home.lon <= UK_LON[1]):
                found.fail(
                    (*loc, "home"),
                    "home_abroad",
                    f"({home.lat}, {home.lon}) is outside the United Kingdom (latitude {UK_LAT[0]} to"
                    f" {UK_LAT[1]}, longitude {UK_LON[0]} to {UK_LON[1]}); check that `lat` and `lon`"
                    " are not swapped, or give a UK town",
                    person.home if isinstance(person.home, str) else person.home.model_dump(),
                )
            self._homes[person.id] = home

    def _check_travel(self, found: _Problems) -> None:
        ids = {s.id for s in self.secondees}
        for n, journey in enumerate(self.travel):
            loc: Loc = ("travel", n)
            if (journey.secondee, journey.body) in self._measured:
                found.fail(
                    (*loc, "body"),
                    "duplicate_travel",
                    f"a second measured time for {journey.secondee} to {journey.body}; keep one",
                    journey.body,
                )
            self._measured[(journey.secondee, journey.body)] = journey.minutes
            if journey.secondee not in ids:
                found.fail(
                    (*loc, "secondee"),
                    "unknown_secondee",
                    unknown_message("secondee", journey.secondee, ids),
                    journey.secondee,
                )
            self._known_body(found, (*loc, "body"), journey.body)

    def worst_case_pounds(self) -> int:
        """More than any roster of this scenario can cost: every secondee on an inspection every
        week at the longest journey the travel rules allow, every team place short, every
        preference unmet, every published pair changed and every inspection moved."""
        c, days = self.rules.costs, len(self.rules.inspection_days)
        estimate = self.rules.travel_estimate
        longest = max(
            [estimate.overhead + 60 * estimate.circuity * FARTHEST_KM / estimate.km_per_hour]
            + [float(t.minutes) for t in self.travel]
        )
        trip_hours = 2 * days * longest / 60 + 1
        per_week = days * c.hotel_night_cost + trip_hours * c.travel_hour_cost + 2 * (c.preference + c.change)
        per_person = self.weeks * (per_week + c.over_use + c.rhythm + c.under_use) + c.preference
        places = sum(i.team_max + i.needs.experienced for i in self.inspections)
        total = (
            len(self.secondees) * per_person
            + places * c.shortfall
            + len(self.inspections) * c.move
            + 2 * len(self.secondees) * self.weeks * c.change  # published pairs that leave
        )
        return math.ceil(total)

    def _check_cost_range(self, found: _Problems) -> None:
        worst = self.worst_case_pounds()
        if worst >= MAX_OBJECTIVE:
            found.fail(
                ("rules", "costs"),
                "cost_range",
                f"with these weights a roster could cost up to £{worst:,.0f}, more than the solver"
                f" counts exactly (£{MAX_OBJECTIVE:,}): lower the largest cost weights, or the"
                " travel estimate's overhead and circuity",
                None,
            )

    def _resolve_home(self, home: Location | str) -> Location:
        if isinstance(home, Location):
            return home
        if home in self._bodies:
            return self._bodies[home].location
        return resolve_place(home)


class _Problems:
    """Cross-reference problems collected in one pass, as pydantic errors at their keys."""

    def __init__(self, horizon: bool = True) -> None:
        self.errors: list[InitErrorDetails] = []
        self.horizon = horizon

    def fail(self, loc: Loc, kind: str, message: str, value: Any) -> None:
        self.errors.append(InitErrorDetails(type=PydanticCustomError(kind, message), loc=loc, input=value))


def unknown_message(what: str, value: str, known: Iterable[str]) -> str:
    hint = did_you_mean(value, known, n=3)
    extra = " (list them with `roster bodies`)" if "body" in what or "service" in what else ""
    return f"unknown {what} `{value}`{hint}{extra}"


def _duplicates(field: str, ids: list[str], fail: Any) -> None:
    counts = Counter(ids)
    seen: set[str] = set()
    for n, item_id in enumerate(ids):
        if counts[item_id] > 1 and item_id in seen:
            fail((field, n, "id"), "duplicate_id", f"duplicate id `{item_id}` in `{field}`", item_id)
        seen.add(item_id)
