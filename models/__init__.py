"""Pydantic models of the inspection programme: pure data and validation, no solver."""

from models.baseline import Baseline, PublishedRoster, PublishedRow
from models.bodies import Body, Location, bundled_bodies
from models.inspections import Inspection, Needs, TeamSize
from models.people import Avoids, Carer, Prefers, Secondee
from models.ranks import ELIGIBLE_RANKS, Background
from models.rules import Costs, Rhythm, Rules, TravelEstimate
from models.scenario import Scenario, TravelTime

__all__ = [
    "ELIGIBLE_RANKS",
    "Avoids",
    "Background",
    "Baseline",
    "Body",
    "Carer",
    "Costs",
    "Inspection",
    "Location",
    "Needs",
    "Prefers",
    "PublishedRoster",
    "PublishedRow",
    "Rhythm",
    "Rules",
    "Scenario",
    "Secondee",
    "TeamSize",
    "TravelEstimate",
    "TravelTime",
    "bundled_bodies",
]
