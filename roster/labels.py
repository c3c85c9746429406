"""Every plain-English label people read, defined once.

Files that machines read (the CSV columns, `summary.json`) keep the identifiers (`hotel_night_before`,
`not_trained`, `under_use`); the terminal, the reports and the messages show these words instead.
"""

from __future__ import annotations

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

CHANGE_LABELS = {"joined": "joins", "left": "leaves", "moved": "moves"}

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
        return f"journey {journey}, over {hours_minutes(night_before_minutes)}: arrives the night before"
    return f"journey {journey}, over the {hours_minutes(commute_limit)} commute limit: travels on the first morning"


def ordinal(n: int) -> str:
    """`4` as `4th`."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
