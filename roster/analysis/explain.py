"""Why an inspection is short: every secondee seconded that week, counted once by what stopped them.

The counts come from the eligibility facts (`roster.facts.Reason`) and from the roster itself
(busy on another inspection, a 4th consecutive week, a carer's hotel-night limit, a hard rhythm).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from roster.costing import Evaluation, evaluate, rhythm_breaks, run_through
from roster.facts import Facts, Reason
from roster.labels import (
    ACTIVITY_LABELS,
    ARRANGEMENT_LABELS,
    STANDING_WORDS,
    carer_words,
    counted,
    hours_minutes,
    ordinal,
    people_labels,
    rank_label,
)

if TYPE_CHECKING:
    from roster.solving.result import Result

# Outcomes for a secondee who is eligible by the facts, in the order they are tested.
ON_TEAM = "on_team"
BUSY = "busy"
BACK_TO_BACK = "back_to_back"
NIGHTS = "nights"
RHYTHM = "rhythm"
FULL = "full"
FREE = "free"


def phrase(key: str, count: int, nth: str, body: str) -> str:
    """The words after a count of secondees for one standing (a `Reason` value or a roster one)."""
    text = counted(STANDING_WORDS, key, count) if key in STANDING_WORDS else Reason(key).words(count)
    return text.format(nth=nth, body=body)


@dataclass
class ShortfallAccount:
    """The account of one inspection's shortfall."""

    inspection: str
    body_name: str
    week: str
    needs: int
    has: int
    seconded: int
    counts: dict[str, int] = field(default_factory=dict)
    competing: dict[str, int] = field(default_factory=dict)
    experienced_needed: int = 0
    experienced_has: int = 0

    def words(self, max_back_to_back: int) -> str:
        parts = []
        for key, n in self.counts.items():
            if not n:
                continue
            text = phrase(key, n, ordinal(max_back_to_back + 1), self.body_name)
            if key == BUSY and self.competing:
                text += " (" + ", ".join(f"{i}: {c}" for i, c in sorted(self.competing.items())) + ")"
            parts.append(f"{n} {text}")
        head = f"{self.inspection} ({self.body_name}, week of {self.week}) needs {self.needs}, has {self.has}"
        if self.has >= self.needs and self.experienced_needed:
            head = (
                f"{self.inspection} ({self.body_name}, week of {self.week}) needs {self.experienced_needed}"
                f" experienced member(s), has {self.experienced_has}"
            )
        if not self.seconded:
            return f"{head}: nobody is seconded that week"
        people = "secondee" if self.seconded == 1 else "secondees"
        return f"{head}: of the {self.seconded} {people} seconded that week, " + ", ".join(parts)


class Standing:
    """Where every secondee stands in a roster: weeks on, hotel nights, what they do each week."""

    def __init__(self, facts: Facts, result: Result) -> None:
        self.facts = facts
        self.doing: dict[tuple[str, int], str] = {(s, u): i for s, i, u in result.assignments}
        self.weeks_on: dict[str, set[int]] = defaultdict(set)
        self.nights: Counter[str] = Counter()
        self.body_of = {i.id: i.body for i in self.facts.scenario.inspections}
        self.people = {p.id: p for p in self.facts.scenario.secondees}
        self.team: Counter[str] = Counter()
        for s, i, u in result.assignments:
            self.weeks_on[s].add(u)
            self.nights[s] += self.facts.trip(s, self.body_of[i]).nights
            self.team[i] += 1
        self.team_max = {i.id: i.team_max for i in self.facts.scenario.inspections}

    def why(self, secondee: str, inspection_id: str, week: int) -> str:
        """One category: a `Reason` value from the facts, or what the roster puts in the way."""
        reason = self.facts.reason(secondee, inspection_id, week)
        if reason is not None:
            return reason.value
        rules = self.facts.scenario.rules
        other = self.doing.get((secondee, week))
        if other == inspection_id:
            return ON_TEAM
        if other is not None:
            return BUSY
        if run_through(self.weeks_on[secondee], week) > rules.max_back_to_back:
            return BACK_TO_BACK
        carer = self.people[secondee].carer
        trip = self.facts.trip(secondee, self.body_of[inspection_id])
        if (
            carer is not None
            and carer.max_nights_away is not None
            and self.nights[secondee] + trip.nights > carer.max_nights_away
        ):
            return NIGHTS
        rhythm = rules.rhythm
        weeks = self.weeks_on[secondee] | {week}
        if rhythm.hard and rhythm_breaks(weeks, self.facts.scenario.weeks, rhythm.weeks_on, rhythm.weeks_off):
            return RHYTHM
        if self.team[inspection_id] >= self.team_max[inspection_id]:
            return FULL
        return FREE

    def words(self, secondee: str, inspection_id: str, week: int) -> str:
        """`why` in plain words for one secondee."""
        key = self.why(secondee, inspection_id, week)
        if key == BUSY:
            return f"on {self.body_name(self.doing[(secondee, week)])} that week"
        body = self.body_name(inspection_id)
        text = phrase(key, 1, ordinal(self.facts.scenario.rules.max_back_to_back + 1), body)
        text = text.removeprefix("is ").removeprefix("has ")
        if key in (FULL, FREE):  # what going would mean, and for a full team how full
            trip = self.facts.trip(secondee, self.body_of[inspection_id])
            going = f"{ARRANGEMENT_LABELS[trip.arrangement]}, {hours_minutes(trip.minutes)} each way"
            if key == FULL:
                return f"{text} ({self.team[inspection_id]} of {self.team_max[inspection_id]}); {going}"
            return f"could go ({going}) but was not chosen"
        return text

    def body_name(self, inspection_id: str) -> str:
        """The inspected body's name, as people know an inspection."""
        return self.facts.scenario.body(self.body_of[inspection_id]).label


def account(
    facts: Facts, result: Result, inspection_id: str, evaluation: Evaluation | None = None
) -> ShortfallAccount:
    """Count, for the week the inspection runs, what stopped each seconded secondee.

    `evaluation` (of the same roster) saves pricing the roster again for each inspection explained.
    """
    standing = Standing(facts, result)
    scenario = facts.scenario
    insp = scenario.inspection(inspection_id)
    w = result.weeks[inspection_id]
    counts: Counter[str] = Counter()
    competing: Counter[str] = Counter()
    seconded = 0
    for person in scenario.secondees:
        key = standing.why(person.id, inspection_id, w)
        if key == Reason.NOT_SECONDED.value:
            continue
        seconded += 1
        counts[key] += 1
        if key == BUSY:
            competing[standing.doing[(person.id, w)]] += 1
    order = [r.value for r in Reason if r is not Reason.NOT_SECONDED] + [
        ON_TEAM,
        BUSY,
        BACK_TO_BACK,
        NIGHTS,
        RHYTHM,
        FREE,
    ]
    ev = evaluation or evaluate(facts, result.assignments, result.weeks)
    has = sum(1 for _, i, _ in result.assignments if i == inspection_id)
    return ShortfallAccount(
        inspection=inspection_id,
        body_name=scenario.body(insp.body).label,
        week=scenario.monday(w).isoformat(),
        needs=insp.team_min,
        has=has,
        seconded=seconded,
        counts={k: counts[k] for k in order if counts[k]},
        competing=dict(competing),
        experienced_needed=insp.needs.experienced,
        experienced_has=insp.needs.experienced - ev.experienced_missing[inspection_id],
    )


def shortfall_reason(
    facts: Facts, result: Result, inspection_id: str, evaluation: Evaluation | None = None
) -> str:
    """The plain-words reason of a shortfall, for `summary.json` and the console."""
    if inspection_id not in result.weeks:
        insp = facts.scenario.inspection(inspection_id)
        return (
            f"{inspection_id} ({facts.scenario.body(insp.body).label}) has no week: the roster puts"
            f" nobody on it and it has no fixed week, so all {insp.team_min} place(s) are unfilled"
        )
    return account(facts, result, inspection_id, evaluation).words(facts.scenario.rules.max_back_to_back)


@dataclass
class Explanation:
    """A per-inspection or per-secondee account for `roster explain`."""

    title: str
    lines: list[str]
    columns: list[str]
    rows: list[list[str]]


def explain_inspection(facts: Facts, result: Result, inspection_id: str) -> Explanation:
    """Who is on the team, and for every other secondee what is in the way, nearest first."""
    standing = Standing(facts, result)
    scenario = facts.scenario
    insp = scenario.inspection(inspection_id)
    body = scenario.body(insp.body)
    w = result.weeks.get(inspection_id)
    allowed = facts.allowed_weeks(insp.id)
    span = (
        ", ".join(str(scenario.monday(u)) for u in allowed)
        if len(allowed) <= 3
        else f"{scenario.monday(allowed[0])} … {scenario.monday(allowed[-1])}"
    )
    lines = [f"{insp.id}: {body.label} (HQ {body.hq_town or body.id}); may run in: {span}"]
    if w is None:
        return Explanation(
            f"Inspection {insp.id} ({body.label})", [*lines, "The roster places it in no week."], [], []
        )
    team = [s for s, i, _ in result.assignments if i == inspection_id]
    lines.append(
        f"Runs in the week of {scenario.monday(w)}; team {len(team)} (wanted {insp.team_min}-{insp.team_max})."
    )
    rows = []
    labels = people_labels((p.id, p.name) for p in scenario.secondees)
    for person in sorted(scenario.secondees, key=lambda p: facts.trip(p.id, insp.body).minutes):
        trip = facts.trip(person.id, insp.body)
        rows.append(
            [
                labels[person.id],
                hours_minutes(trip.minutes) + (" (measured)" if trip.measured else ""),
                ARRANGEMENT_LABELS[trip.arrangement.value],
                standing.words(person.id, inspection_id, w),
            ]
        )
    local = [r for r in rows if r[2] == ARRANGEMENT_LABELS["commute"]]
    if local and not any(r[3] == "on the team" for r in local):
        lines.append(
            f"Nobody local is on the team: {len(local)} secondee(s) could commute; the table says why each is not on it."
        )
    return Explanation(
        f"Inspection {insp.id} ({body.label})",
        lines,
        ["secondee", "journey", "arrangement", "standing"],
        rows,
    )


def week_words(reason: str) -> str:
    """A week without an inspection, in the words of weeks.csv's activities: `not_trained` is training."""
    return ACTIVITY_LABELS["training" if reason == Reason.NOT_TRAINED.value else reason]


def explain_secondee(facts: Facts, result: Result, secondee_id: str) -> Explanation:
    """A secondee's weeks: what they do, and for each inspection running that week what is in the way."""
    standing = Standing(facts, result)
    scenario = facts.scenario
    person = scenario.secondee(secondee_id)
    lo, hi = facts.targets[secondee_id]
    n = sum(1 for s, _, _ in result.assignments if s == secondee_id)
    who = f"{person.name} ({person.id})" if person.name else person.id
    lines = [
        f"{who}: {rank_label(person.rank)}, {person.background}, from {scenario.body(person.service).label}.",
        f"{n} inspection(s); target {lo}-{hi} over {len(facts.seconded[secondee_id])} seconded week(s).",
    ]
    if person.carer is not None:
        lines.append(
            "Caring responsibilities: " + carer_words(person.carer.model_dump(exclude_defaults=True)) + "."
        )
    running: dict[int, list[str]] = defaultdict(list)
    for insp_id, u in result.weeks.items():
        running[u].append(insp_id)
    rows = []
    for w, monday in enumerate(scenario.mondays):
        doing = standing.doing.get((secondee_id, w))
        others = sorted(i for i in running[w] if i != doing)
        in_the_way = "; ".join(
            f"{standing.body_name(i)}: {standing.words(secondee_id, i, w)}" for i in others
        )
        reason = facts.week_reasons[(secondee_id, w)]
        on = standing.body_name(doing) if doing else week_words(reason.value if reason else "off")
        rows.append([str(monday), on, in_the_way])
    return Explanation(
        f"Secondee {who}",
        lines,
        ["week", "on", "other inspections that week, and what is in the way"],
        rows,
    )
