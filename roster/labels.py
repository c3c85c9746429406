"""Every plain-English label people read, defined once.

Files that machines read (the CSV columns, `summary.json`) keep the identifiers (`hotel_night_before`,
`not_trained`, `under_use`); the terminal, the reports and the messages show these words instead.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

COST_TERMS = ("hotel", "travel", "under_use", "over_use", "rhythm", "preference", "shortfall", "change")
"""The terms of the objective, in the order they are reported (`summary.json` `cost_terms`)."""

COST_TERM_LABELS = {
    "hotel": "hotel nights",
    "travel": "travel time",
    "under_use": "secondees below their target",
    "over_use": "secondees above their target",
    "rhythm": "breaks of the on/off rhythm",
    "preference": "unmet preferences",
    "shortfall": "unfilled team places",
    "change": "changes to the published roster",
}

ARRANGEMENT_LABELS = {
    "commute": "commutes daily",
    "hotel": "hotel, travels on the first morning",
    "hotel_night_before": "hotel from the night before",
}

ARRANGEMENT_SHORT = {"commute": "commute", "hotel": "hotel", "hotel_night_before": "night before"}
"""The arrangements in a word or two, where space is short (`roster travel`)."""

ACTIVITY_LABELS = {
    "off": "off",
    "away": "away",
    "training": "training",
    "not_seconded": "not seconded",
}

STATUS_LABELS = {
    "optimal": "optimal (proven)",
    "feasible": "feasible (not proven optimal)",
    "infeasible": "infeasible: no roster meets every hard rule",
    "unknown": "no roster found in the time allowed",
}

# Where the roster returned by a search stopped before its proof came from (summary.json
# `model.fallback`), when not from the search itself.
FALLBACK_LABELS = {
    "LP rounding": "the LP relaxation rounded, cheaper than any the search had found",
    "greedy construction": "the greedy construction, cheaper than any the search had found",
    "previous roster": "the previous roster, which the search did not beat",
    "published roster": "the published roster, which the search did not beat",
}

CHANGE_LABELS = {"joined": "joins", "left": "leaves", "moved": "moves"}


def first_few(items: Sequence[str], most: int = 5) -> str:
    """Items in a message: at most `most` of them, then how many more (`a, b, c and 4 more`)."""
    return ", ".join(items[:most]) + (f" and {len(items) - most} more" if len(items) > most else "")


RULE_LABELS = {
    "one_week": "rule 1, one week per inspection",
    "programme_cap": "rule 2, inspections a week",
    "one_place": "rule 3, one place at a time",
    "back_to_back": "rule 4, back-to-back",
    "availability": "rule 5, not seconded",
    "training": "rule 5, not yet trained",
    "away": "rule 5, away",
    "own_service": "rule 6, own service",
    "background": "rule 7, background",
    "team_size": "rule 8, team size",
    "experience": "rule 9, experienced members",
    "carer": "rule 10, caring responsibilities",
    "rhythm": "rule 10, the hard rhythm",
    "history": "rule 11, history",
    "input": "bad input",
    "no_roster": "no roster",
    "body": "roster.csv's body",
    "travel_minutes": "roster.csv's travel minutes",
    "arrangement": "roster.csv's arrangement",
    "accommodation": "accommodation.csv",
    "hotel_nights": "hotel nights",
    "inspections": "inspections.csv",
    "weeks": "weeks.csv",
    "changes": "changes.csv",
    "summary": "summary.json",
    "cost_terms": "the cost terms",
    "objective": "the objective",
}
"""A rule the checker names (`Violation.rule`, kept as is in JSON and summary.json), in the words
of docs/rules.md, for the terminal."""

BOOKING_LABELS = {
    "book": "book a hotel stay",
    "cancel": "cancel the hotel stay",
    "amend": "amend the stay's dates",
    "none": "no hotel either way",
}

# Why a secondee cannot be on an inspection in a week (`roster.facts.Reason`), after a count:
# "1 is away", "3 are away".
REASON_WORDS = {
    "not_seconded": ("is not seconded that week", "are not seconded that week"),
    "not_trained": ("is not yet trained", "are not yet trained"),
    "away": ("is away", "are away"),
    "own_service": ("comes from {body}", "come from {body}"),
    "background": ("has the other background", "have the other background"),
    "carer_commute": (
        "is a carer whose journey is over their commute limit",
        "are carers whose journeys are over their commute limit",
    ),
    "carer_night_before": (
        "is a carer who cannot travel the night before",
        "are carers who cannot travel the night before",
    ),
    "carer_nights": (
        "is a carer whose hotel-night limit is below one inspection week",
        "are carers whose hotel-night limits are below one inspection week",
    ),
}

# What the roster puts in the way of a secondee who is eligible by the facts (`roster explain`).
STANDING_WORDS = {
    "on_team": ("is on the team", "are on the team"),
    "busy": ("is on another inspection that week", "are on other inspections that week"),
    "back_to_back": ("would be on a {nth} consecutive week", "would be on a {nth} consecutive week"),
    "nights": (
        "would go over their hotel-night limit as a carer",
        "would go over their hotel-night limits as carers",
    ),
    "rhythm": ("would break the hard rhythm", "would break the hard rhythm"),
    "frozen": ("is fixed by the published roster", "are fixed by the published roster"),
    "full": ("could go, but the team is already full", "could go, but the team is already full"),
    "free": ("could go but was not chosen", "could go but were not chosen"),
}


def counted(words: dict[str, tuple[str, str]], key: str, count: int) -> str:
    """The singular or plural words of `key` after a count."""
    singular, plural = words[key]
    return singular if count == 1 else plural


def hours_minutes(minutes: int) -> str:
    """`290` as `4h50`, `180` as `3h`, `45` as `45 min`."""
    h, m = divmod(minutes, 60)
    if not h:
        return f"{m} min"
    return f"{h}h{m:02d}" if m else f"{h}h"


def stay_reason(arrangement: str, minutes: int, commute_limit: int, night_before_minutes: int) -> str:
    """Why a hotel stay is needed, in plain words (the `reason` column of accommodation.csv)."""
    journey = hours_minutes(minutes)
    if arrangement == "hotel_night_before":
        return (
            f"a {journey} journey is over {hours_minutes(night_before_minutes)}, so arrives the night before"
        )
    return (
        f"a {journey} journey is over the {hours_minutes(commute_limit)} commute limit,"
        " so travels on the first morning"
    )


# ------------------------------------------------------------------ names


def people_labels(people: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The label people read for each secondee, from `(id, name)` pairs.

    The name; the id when there is no name; and where two secondees share a name (generated
    scenarios use initials), the name with the id: `R. K. (rk-92)`.
    """
    pairs = [(ident, (name or "").strip()) for ident, name in people]
    shared = Counter(name.casefold() for _, name in pairs if name)
    return {
        ident: (f"{name} ({ident})" if shared[name.casefold()] > 1 else name) if name else ident
        for ident, name in pairs
    }


_SHORT_ENDINGS = (
    (" Police Service", ""),
    (" Constabulary", ""),
    (" Police", ""),
    (" Fire and Rescue Service", " Fire"),
    (" Fire and Rescue", " Fire"),
    (" Fire Brigade", " Fire"),
    (" Fire Service", " Fire"),
)


def short_body_name(name: str) -> str:
    """A body's name for a grid cell: `Kent Police` as `Kent`, `Kent Fire and Rescue Service` as
    `Kent Fire`; any other name as it is."""
    for ending, short in _SHORT_ENDINGS:
        if name.endswith(ending) and len(name) > len(ending):
            return name[: -len(ending)] + short
    return name


def rank_label(rank: str) -> str:
    """`chief-inspector` as `chief inspector`."""
    return rank.replace("-", " ")


CARER_LABELS = {
    "home_every_night": "home every night",
    "max_commute_minutes": "a commute of at most {}",
    "no_night_before": "no night before in a hotel",
    "max_nights_away": "at most {} hotel nights in all",
}


def carer_words(options: Mapping[str, object]) -> str:
    """A carer's agreed options (those set, as in the scenario) in plain words."""
    words = []
    for key, value in options.items():
        if value is False or value is None:
            continue
        shown = hours_minutes(value) if key == "max_commute_minutes" and isinstance(value, int) else value
        words.append(CARER_LABELS[key].format(shown))
    return ", ".join(words) or "none"


# ------------------------------------------------------------------ dates


def day_label(day: dt.date) -> str:
    """`Sun 13 Sep`."""
    return f"{day:%a} {day.day} {day:%b}"


def week_label(monday: dt.date) -> str:
    """`14 Sep 2026`: a week, named by its Monday."""
    return f"{monday.day} {monday:%b %Y}"


def _span(first: dt.date, last: dt.date) -> str:
    if first == last:
        return day_label(first)
    if first.month == last.month:
        return f"{first:%a} {first.day}–{day_label(last)}"
    return f"{day_label(first)}–{day_label(last)}"


def rooms_words(check_in: dt.date, rooms: Sequence[int]) -> str:
    """Rooms each night from `check_in`: `3 each night`, or `1 on Sun 13 Sep, 3 on Mon 14–Thu 17 Sep`."""
    if not rooms:
        return "no nights"
    if len(set(rooms)) == 1:
        return f"{rooms[0]} each night"
    runs: list[tuple[int, int, int]] = []  # rooms, first night, last night
    for n, count in enumerate(rooms):
        if runs and runs[-1][0] == count:
            runs[-1] = (count, runs[-1][1], n)
        else:
            runs.append((count, n, n))
    night = [check_in + dt.timedelta(days=n) for n in range(len(rooms))]
    return ", ".join(f"{count} on {_span(night[a], night[b])}" for count, a, b in runs)


def arrives_words(check_in: dt.date) -> str:
    """After a guest's name when they arrive before the rest of the block: `from Sun 13 Sep`."""
    return f"from {day_label(check_in)}"


def ordinal(n: int) -> str:
    """`4` as `4th`."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def visible(text: str, keep_newlines: bool = False) -> str:
    """`text` as a terminal can show it safely: control characters (an escape sequence that would
    clear the screen, a carriage return that would hide what precedes it) written as `\\x1b`."""
    out = []
    for char in text:
        if char == "\n" and keep_newlines:
            out.append(char)
        elif unicodedata.category(char) in ("Cc", "Zl", "Zp"):
            out.append(repr(char)[1:-1] if ord(char) < 0x100 else f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return "".join(out)


def shortened(value: object, width: int = 60) -> str:
    """A value quoted in a message: visible, and cut to `width` characters with `…`."""
    try:
        text = visible(str(value))
    except ValueError:  # a whole number past Python's 4,300 digits for writing one out
        digits = round(int(value).bit_length() * math.log10(2)) if isinstance(value, int) else None
        return f"a number of about {digits:,} digits" if digits else "a value too long to show"
    return text if len(text) <= width else f"{text[: width - 1]}…"
