"""Inspected bodies: the 43 police forces and 44 fire and rescue services, bundled as data."""

from __future__ import annotations

import csv
import functools
from importlib import resources

from pydantic import Field

from models.base import Identifier, StrictModel, Text
from models.ranks import Background


class Location(StrictModel):
    """A point in decimal degrees (WGS84)."""

    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    lon: float = Field(ge=-180, le=180, allow_inf_nan=False)


class Body(StrictModel):
    """A police force or fire and rescue service, with its headquarters."""

    id: Identifier
    name: Text = ""
    kind: Background
    hq_town: Text = ""
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    lon: float = Field(ge=-180, le=180, allow_inf_nan=False)
    region: Text = ""

    @property
    def location(self) -> Location:
        return Location(lat=self.lat, lon=self.lon)

    @property
    def label(self) -> str:
        return self.name or self.id


@functools.cache
def bundled_bodies() -> tuple[Body, ...]:
    """The bodies shipped with the package (`models/data/inspected_bodies.csv`)."""
    text = resources.files("models").joinpath("data/inspected_bodies.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(Body.model_validate(row) for row in rows)
