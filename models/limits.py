"""The limits on every input, in one place (docs/scenario.md, "Limits", lists them for planners).

Each limit is far beyond any real programme and well inside what the solver, the calendar and
the files can hold, so that a typo (`weeks: 600000`, a cost of 99999999999999999999, a date in
the year 9999) is an error at its line instead of a crash or an hour of solving.
"""

from __future__ import annotations

import datetime as dt

# ------------------------------------------------------------------ the scenario file

MAX_SCENARIO_BYTES = 5 * 1024 * 1024
"""A scenario file (or a base it extends) at most 5 MB: a 104-week programme of 310 secondees is
110 kB, and the YAML reader, which keeps every line for the error messages, reads about 1 MB a
minute."""
MAX_DEPTH = 64
"""Lists and mappings nested at most 64 deep (a scenario needs 5)."""
MAX_ALIAS_VALUES = 100_000
"""YAML aliases (`*name`) may repeat at most this many values in all (a "billion laughs" file
repeats an anchor's values until memory runs out)."""

# ------------------------------------------------------------------ the horizon and dates

MAX_WEEKS = 520
"""The horizon: at most ten years of weeks."""
FIRST_DATE = dt.date(2000, 1, 1)
LAST_DATE = dt.date(2099, 12, 31)
"""Every date of a scenario lies from 2000 to 2099."""

# ------------------------------------------------------------------ numbers

MAX_POUNDS = 10_000_000
"""A cost weight (per hotel night, per hour, per shortfall...): at most £10 million."""
MAX_TEAM = 50
"""Secondees on one inspection team, and experienced members needed."""
MAX_MINUTES = 3 * 24 * 60
"""A journey, a commute limit or the night-before limit: at most three days, in minutes."""
MAX_PER_WEEK = 1000
"""Inspections in one week (the programme cap)."""
MAX_INSPECTIONS_DONE = 1000
"""Inspections a secondee has done before."""
MAX_NIGHTS = MAX_WEEKS * 7
"""A carer's hotel nights over the horizon."""
MAX_OVERHEAD_MINUTES = MAX_MINUTES
CIRCUITY = (1.0, 5.0)
"""The travel estimate's circuity factor: from a straight line to five times as long."""
KM_PER_HOUR = (5.0, 1000.0)
"""The travel estimate's average speed: walking to flying."""
MAX_OBJECTIVE = 2**53
"""The worst-case cost of a roster must stay below this: the solver's objective and the
summary's numbers are exact only up to 2**53 pounds."""

# ------------------------------------------------------------------ lists

MAX_INSPECTIONS = 5000
MAX_SECONDEES = 5000
MAX_BODIES = 1000
MAX_JOURNEYS = 200_000
"""Entries of `inspections`, `secondees`, `bodies` and `travel` (a 104-week programme has about
360 inspections and 310 secondees)."""
FARTHEST_KM = 20_016
"""Half the Earth's circumference: no journey estimate measures more (the worst-case cost uses it)."""

# ------------------------------------------------------------------ text

MAX_TEXT = 1000
"""Characters in a name, an id, a town or a path."""
