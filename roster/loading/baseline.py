"""Reading the published roster a scenario replans (`baseline:`), and checking it against the scenario.

A published row before `frozen_before` is history (rule 11): the changed scenario must still allow
it. Where it does not, the scenario is bad input, and the message says what to write instead,
at the key to change: a secondee who leaves keeps their past (end their `available` rather than
`remove:` them); an inspection that has run cannot be moved or removed; a secondee who was on an
inspection cannot be marked away that week.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Mapping
from itertools import groupby, pairwise
from pathlib import Path

from models import Scenario
from models.base import did_you_mean
from models.baseline import PublishedRoster, PublishedRow
from roster import facts as f
from roster.frames import CsvError, Records, read_records
from roster.loading.errors import Problem, ScenarioError

Removed = Mapping[tuple[str, str], tuple[str, int | None]]
COLUMNS = ("inspection", "week", "secondee")


def _at(where: str) -> tuple[str, int | None]:
    """`file:line` (as `Scenario.where` gives it) as a file and a line."""
    file, sep, line = where.rpartition(":")
    return (file, int(line)) if sep and line.isdigit() else (where, None)


def roster_path(scenario: Scenario) -> Path:
    """The published roster.csv: `baseline.roster`, relative to the file that names it."""
    assert scenario.baseline is not None
    given = Path(scenario.baseline.roster)
    if not given.is_absolute():  # the file that names it, not its line (found only when needed)
        file = scenario.file_of("baseline.roster")
        if not file.startswith("<") and not file.startswith("`"):
            given = Path(file).parent / given
    return given / "roster.csv" if given.is_dir() else given


def read_published(scenario: Scenario, removed: Removed) -> PublishedRoster:
    """The published roster of `scenario.baseline`, checked against the scenario.

    Raises
    ------
    ScenarioError
        With every problem found: the file cannot be read, rows name unknown ids or non-Mondays,
        or a frozen row is one the changed scenario no longer allows.
    """
    assert scenario.baseline is not None
    path = roster_path(scenario)

    def at_key(message: str) -> ScenarioError:
        key_file, key_line = _at(scenario.where("baseline.roster"))
        return ScenarioError([Problem(key_file, key_line, "baseline.roster", message)])

    if not path.is_file():
        raise at_key(
            f"no published roster at {path}: give the roster.csv of the published solve, or its output folder"
        )
    try:
        table = read_records(path)  # not pandas: it loads while the search runs (roster.deferred)
    except CsvError as exc:
        raise at_key(str(exc)) from None
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise at_key(
            f"{path} has no column(s) {', '.join(missing)}: a roster has at least {', '.join(COLUMNS)}"
        )
    problems: list[Problem] = []
    rows = _rows(scenario, path, table, removed, problems)
    weeks = _inspection_weeks(scenario, path.parent / "inspections.csv", rows, problems)
    if not problems:
        _History(scenario, path, rows, removed, problems, weeks).check()
    if problems:
        raise ScenarioError(problems)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    gone = frozenset(ident for _, ident in removed)
    return PublishedRoster(scenario.baseline.roster, str(path), digest, tuple(rows), gone, weeks)


def _inspection_weeks(
    scenario: Scenario, path: Path, rows: list[PublishedRow], problems: list[Problem]
) -> tuple[tuple[str, dt.date], ...]:
    """The week of each published inspection, from the inspections.csv of a published output folder.

    Only the inspections the scenario still has; a week that contradicts the roster's rows is bad
    input. Without the file, the rows alone place the inspections.
    """
    if not path.is_file():
        return ()
    try:
        table = read_records(path)
    except CsvError as exc:
        problems.append(Problem(str(path), None, "", str(exc)))
        return ()
    if not {"inspection", "week"} <= set(table.columns):
        return ()
    by_rows = {r.inspection: r.week for r in rows}
    known = {i.id for i in scenario.inspections}
    out = []
    for n, row in zip(table.lines, table.rows, strict=True):
        ident, text = row["inspection"], row["week"]
        if not text or ident not in known:
            continue
        try:
            week = dt.date.fromisoformat(str(text))
        except ValueError:
            problems.append(Problem(str(path), n, "week", f"`{text}` is not a date like 2026-09-14"))
            continue
        if ident in by_rows and by_rows[ident] != week:
            problems.append(
                Problem(
                    str(path),
                    n,
                    "week",
                    f"{ident} is in the week of {week} here but of {by_rows[ident]} in the roster",
                )
            )
            continue
        out.append((str(ident), week))
    return tuple(out)


def _rows(
    scenario: Scenario, path: Path, records: Records, removed: Removed, problems: list[Problem]
) -> list[PublishedRow]:
    """The rows, each with a known id (or one `remove:` names) and a Monday."""
    people = {p.id for p in scenario.secondees}
    inspections = {i.id for i in scenario.inspections}
    out = []
    for n, record in zip(records.lines, records.rows, strict=True):
        ok = True
        for column, known, kind in (
            ("secondee", people, "secondees"),
            ("inspection", inspections, "inspections"),
        ):
            ident = str(record[column]).strip()
            if ident not in known and (kind, ident) not in removed:
                hint = (
                    scenario.unknown_secondee_hint(ident)
                    if kind == "secondees"
                    else did_you_mean(ident, known, n=3)
                )
                problems.append(
                    Problem(
                        str(path),
                        n,
                        column,
                        f"the published roster names {column} `{ident}`, which the scenario does not have{hint};"
                        f" keep every published {column} in the scenario (a leaver keeps their past:"
                        " end their `available` instead of removing them)",
                    )
                )
                ok = False
        try:
            monday = dt.date.fromisoformat(str(record["week"]).strip())
        except ValueError:
            problems.append(
                Problem(str(path), n, "week", f"`{record['week']}` is not a date like 2026-09-14")
            )
            continue
        if monday.weekday() != 0:
            problems.append(
                Problem(str(path), n, "week", f"{monday} is a {monday:%A}: a week is named by its Monday")
            )
            continue
        booked = str(record.get("arrangement") or "").strip() or None
        if booked is not None and booked not in ARRANGEMENTS:
            problems.append(
                Problem(
                    str(path),
                    n,
                    "arrangement",
                    f"`{booked}` is not an arrangement: expected {', '.join(ARRANGEMENTS[:-1])} or {ARRANGEMENTS[-1]}"
                    " (or leave the column out: the stays are worked out again)",
                )
            )
            continue
        if ok:
            body = str(record.get("body") or "").strip() or None
            out.append(
                PublishedRow(
                    str(record["secondee"]).strip(),
                    str(record["inspection"]).strip(),
                    monday,
                    body,
                    booked,
                    n,
                )
            )
    return out


ARRANGEMENTS = tuple(a.value for a in f.Arrangement)


class _History:
    """The published rows checked against the changed scenario: frozen rows must still hold."""

    def __init__(
        self,
        scenario: Scenario,
        path: Path,
        rows: list[PublishedRow],
        removed: Removed,
        problems: list[Problem],
        inspection_weeks: tuple[tuple[str, dt.date], ...] = (),
    ) -> None:
        self.inspection_weeks = inspection_weeks
        self.scenario = scenario
        self.path = str(path)
        self.rows = rows
        self.removed = removed
        self.problems = problems
        baseline = scenario.baseline
        assert baseline is not None
        self.first = baseline.frozen_before
        self.person_index = {p.id: n for n, p in enumerate(scenario.secondees)}
        self.inspection_index = {i.id: n for n, i in enumerate(scenario.inspections)}

    def problem(self, where: str, key: str, message: str) -> None:
        file, line = _at(where)
        self.problems.append(Problem(file, line, key, message))

    def row_problem(self, row: PublishedRow, key: str, message: str) -> None:
        self.problems.append(Problem(self.path, row.row, key, message))

    def check(self) -> None:
        before = len(self.problems)
        self._one_week_per_pair_and_inspection()
        if len(self.problems) > before:
            return  # a row twice, or an inspection in two weeks: the checks below would only echo it
        frozen = [r for r in self.rows if self.first is not None and r.week < self.first]
        self.leavers: dict[str, list[PublishedRow]] = {}
        for row in frozen:
            self._frozen_row(row)
        for secondee, rows in self.leavers.items():
            self._leaver(secondee, rows)
        self._frozen_unstaffed()
        kept = [
            r
            for r in frozen
            if ("secondees", r.secondee) not in self.removed
            and ("inspections", r.inspection) not in self.removed
        ]
        self._frozen_together(kept)

    def _frozen_unstaffed(self) -> None:
        """An inspection published before frozen_before with nobody on it keeps its week too."""
        staffed = {r.inspection for r in self.rows}
        for ident, week in self.inspection_weeks:
            if ident in staffed or self.first is None or week >= self.first:
                continue
            n = self.inspection_index[ident]
            insp = self.scenario.inspections[n]
            if self.scenario.week_index(week) not in self.scenario.allowed_weeks(insp):
                self.problem(
                    self.scenario.where(f"inspections[{n}]"),
                    f"inspections[{n}]",
                    f"{ident} ran in the week of {week} (published, before frozen_before {self.first}): an"
                    f" inspection that has run cannot be moved; give it `week: {week}` again",
                )

    def _leaver(self, secondee: str, rows: list[PublishedRow]) -> None:
        """A secondee `remove:` drops who has worked weeks before frozen_before."""
        assert self.first is not None
        file, line = self.removed[("secondees", secondee)]
        worked = ", ".join(f"{r.inspection} (week of {r.week})" for r in sorted(rows, key=lambda r: r.week))
        last = self.first - dt.timedelta(days=3)
        start = self.scenario.start
        self.problems.append(
            Problem(
                file,
                line,
                "remove.secondees",
                f"`{secondee}` has worked {worked}, before frozen_before {self.first}: a secondee who leaves"
                f" keeps their past. Keep them and end their secondment instead, e.g. `change: {{secondees:"
                f" {{{secondee}: {{available: [{start}, {last}]}}}}}}` (their last day, {last} or later)",
            )
        )

    def _one_week_per_pair_and_inspection(self) -> None:
        seen: dict[tuple[str, str], PublishedRow] = {}
        weeks: dict[str, PublishedRow] = {}
        for row in self.rows:
            pair = (row.secondee, row.inspection)
            if pair in seen:
                self.row_problem(
                    row,
                    "secondee",
                    f"`{row.secondee}` is listed on {row.inspection} twice (also row {seen[pair].row})",
                )
            seen[pair] = row
            first = weeks.setdefault(row.inspection, row)
            if first.week != row.week:
                self.row_problem(
                    row,
                    "week",
                    f"{row.inspection} is published in the week of {row.week} here and of {first.week} in row"
                    f" {first.row}: an inspection runs in one week",
                )

    def _frozen_row(self, row: PublishedRow) -> None:
        """A row before `frozen_before`: the changed scenario must still allow it (rules 1, 5-7, 10)."""
        scenario = self.scenario
        words = f"`{row.secondee}` was on {row.inspection} in the week of {row.week} (published, before frozen_before {self.first})"
        if ("secondees", row.secondee) in self.removed:
            self.leavers.setdefault(row.secondee, []).append(row)
            return
        if ("inspections", row.inspection) in self.removed:
            file, line = self.removed[("inspections", row.inspection)]
            self.problems.append(
                Problem(
                    file,
                    line,
                    "remove.inspections",
                    f"{row.inspection} ran in the week of {row.week}, before frozen_before {self.first}: an"
                    " inspection that has run cannot be removed; keep it",
                )
            )
            return
        w = scenario.week_index(row.week)
        n = self.inspection_index[row.inspection]
        insp = scenario.inspections[n]
        if not 0 <= w < scenario.weeks:
            self.problem(
                scenario.where("weeks"),
                "weeks",
                f"{words}, outside the horizon now: keep that week in the horizon",
            )
            return
        if w not in scenario.allowed_weeks(insp):
            key = "week" if insp.week is not None else "window" if insp.window is not None else ""
            self.problem(
                scenario.where(f"inspections[{n}].{key}" if key else f"inspections[{n}]"),
                f"inspections[{n}].{key}".rstrip("."),
                f"{row.inspection} ran in the week of {row.week} (published, before frozen_before {self.first}):"
                f" an inspection that has run cannot be moved; give it `week: {row.week}` again",
            )
        self._frozen_person(row, w, words)

    def _frozen_person(self, row: PublishedRow, w: int, words: str) -> None:
        scenario = self.scenario
        k = self.person_index[row.secondee]
        person = scenario.secondees[k]
        monday = scenario.monday(w)
        reason = f.week_reason(scenario, person, monday)
        if reason is f.Reason.AWAY:
            self.problem(
                scenario.where(f"secondees[{k}].away"),
                f"secondees[{k}].away",
                f"{words}: a secondee who was on an inspection cannot be marked away that week; take {monday} out of `away`",
            )
        elif reason is f.Reason.NOT_SECONDED:
            self.problem(
                scenario.where(f"secondees[{k}].available"),
                f"secondees[{k}].available",
                f"{words}, but `available` no longer covers that week: a leaver keeps their past, so end"
                f" `available` after {monday + scenario.rules.day_span[1]} at the earliest",
            )
        elif reason is f.Reason.NOT_TRAINED:
            self.problem(
                scenario.where(f"secondees[{k}].trained"),
                f"secondees[{k}].trained",
                f"{words}, before the week after `trained` ({person.trained}): they were trained by then; correct `trained`",
            )
        else:
            insp = scenario.inspection(row.inspection)
            why = f.pair_reason(scenario, person, insp)
            if why is not None:
                self.problem(
                    scenario.where(f"secondees[{k}]"),
                    f"secondees[{k}]",
                    f"{words}, which the scenario no longer allows: the secondee {why.words(1).format(body=scenario.body(insp.body).label)}",
                )

    def _frozen_carers_and_rhythm(self, frozen: list[PublishedRow], weeks_of: dict[str, set[int]]) -> None:
        """A carer's hotel-night limit and a hard rhythm, among the frozen rows (rule 10)."""
        scenario = self.scenario
        rhythm = scenario.rules.rhythm
        nights: Counter[str] = Counter()
        for r in frozen:
            person = scenario.secondees[self.person_index[r.secondee]]
            if person.carer is not None and person.carer.max_nights_away is not None:
                insp = scenario.inspection(r.inspection)
                minutes = f.journey_minutes(scenario, person, scenario.body(insp.body))
                kind = f.arrangement(
                    minutes, f.commute_limit(scenario.rules, person), scenario.rules.night_before_minutes
                )
                nights[r.secondee] += f.hotel_nights(kind, len(scenario.rules.inspection_days))
        for s, n in sorted(nights.items()):
            k = self.person_index[s]
            limit = scenario.secondees[k].carer.max_nights_away  # type: ignore[union-attr]
            if limit is not None and n > limit:
                self.problem(
                    scenario.where(f"secondees[{k}].carer.max_nights_away"),
                    f"secondees[{k}].carer.max_nights_away",
                    f"`{s}` has already had {n} hotel nights (published, before frozen_before), over"
                    f" `max_nights_away: {limit}`: raise it to {n} at least",
                )
        if not rhythm.hard:
            return
        for s, weeks in sorted(weeks_of.items()):
            ordered = sorted(weeks)
            runs = [len(list(g)) for _, g in groupby(enumerate(ordered), key=lambda t: t[1] - t[0])]
            short = any(0 < b - a - 1 < rhythm.weeks_off for a, b in pairwise(ordered))
            if any(run > rhythm.weeks_on for run in runs) or short:
                self.problem(
                    scenario.where("rules.rhythm.hard"),
                    "rules.rhythm.hard",
                    f"the published roster breaks the rhythm for `{s}` before frozen_before, so it cannot be"
                    " hard now: set `rhythm: {hard: false}`, or move frozen_before earlier",
                )

    def _frozen_together(self, frozen: list[PublishedRow]) -> None:
        """Rules 3, 4 and 8 among the frozen rows themselves."""
        scenario = self.scenario
        rules = scenario.rules
        by_week = Counter((r.secondee, r.week) for r in frozen)
        for (s, week), count in sorted(by_week.items()):
            if count > 1:
                self.problem(
                    scenario.where("baseline.roster"),
                    "baseline.roster",
                    f"the published roster puts `{s}` on {count} inspections in the week of {week}: one at a time",
                )
        weeks_of: dict[str, set[int]] = defaultdict(set)
        team: Counter[str] = Counter()
        for r in frozen:
            weeks_of[r.secondee].add(scenario.week_index(r.week))
            team[r.inspection] += 1
        for s, weeks in sorted(weeks_of.items()):
            run = 0
            for w in range(min(weeks), max(weeks) + 1):
                run = run + 1 if w in weeks else 0
                if run > rules.max_back_to_back:
                    self.problem(
                        scenario.where("rules.max_back_to_back"),
                        "rules.max_back_to_back",
                        f"the published roster has `{s}` on {run} inspections back to back before frozen_before,"
                        f" over `max_back_to_back: {rules.max_back_to_back}`: raise it, or move frozen_before earlier",
                    )
                    break
        self._frozen_carers_and_rhythm(frozen, weeks_of)
        for i, n in sorted(team.items()):
            k = self.inspection_index[i]
            if n > scenario.inspections[k].team_max:
                self.problem(
                    scenario.where(f"inspections[{k}].secondees"),
                    f"inspections[{k}].secondees",
                    f"{i} ran with {n} secondees (published, before frozen_before) but its team is now at most"
                    f" {scenario.inspections[k].team_max}: raise its maximum to {n}",
                )
