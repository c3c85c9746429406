"""Ranks eligible for a short-term secondment, in one place.

Police: sergeant and above, or police staff of sergeant-equivalent grade or above.
Fire: watch manager and above, or fire staff of watch-manager-equivalent grade or above.
"""

from __future__ import annotations

from typing import Literal

Background = Literal["police", "fire"]

ELIGIBLE_RANKS: dict[Background, tuple[str, ...]] = {
    "police": (
        "sergeant",
        "inspector",
        "chief-inspector",
        "superintendent",
        "chief-superintendent",
        "police-staff",
    ),
    "fire": (
        "watch-manager",
        "station-manager",
        "group-manager",
        "area-manager",
        "fire-staff",
    ),
}

INELIGIBLE_RANKS: dict[str, str] = {
    "constable": "police secondees are sergeant and above",
    "police-constable": "police secondees are sergeant and above",
    "pc": "police secondees are sergeant and above",
    "firefighter": "fire secondees are watch manager and above",
    "crew-manager": "fire secondees are watch manager and above",
}
