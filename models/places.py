"""Offline resolution of UK town and city names to coordinates (GeoNames: `data/uk_places.json`,
made by `scripts/make_place_data.py`)."""

from __future__ import annotations

import functools
import json
import unicodedata
from dataclasses import dataclass
from importlib import resources

from models.base import did_you_mean
from models.bodies import Location


@dataclass(frozen=True)
class Place:
    name: str
    nation: str
    lat: float
    lon: float
    population: int

    def describe(self) -> str:
        return f"{self.name}, {self.nation} ({self.lat:.2f}, {self.lon:.2f})"


class PlaceError(ValueError):
    """A place name that cannot be resolved to one location."""


def _key(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(folded.lower().replace("-", " ").replace(".", "").split())


@functools.cache
def _gazetteer() -> dict[str, tuple[Place, ...]]:
    """Every UK town or city of 5,000 people or more, by folded name (primary or alternate)."""
    text = resources.files("models").joinpath("data", "uk_places.json").read_text(encoding="utf-8")
    index: dict[str, list[Place]] = {}
    for name, nation, lat, lon, population, alternates in json.loads(text)["places"]:
        place = Place(name=name, nation=nation, lat=lat, lon=lon, population=population)
        for spelling in {name, *alternates}:
            bucket = index.setdefault(_key(spelling), [])
            if place not in bucket:
                bucket.append(place)
    # A primary name wins over an alternate spelling of another place.
    return {
        key: tuple(sorted(places, key=lambda p: (_key(p.name) != key, -p.population)))
        for key, places in index.items()
    }


@functools.cache
def _titles() -> dict[str, str]:
    """Gazetteer keys, for suggestions (matched on the folded key, shown as the place's name)."""
    return {key: places[0].name for key, places in _gazetteer().items()}


def resolve_place(text: str) -> Location:
    """Coordinates of a UK town or city: `"Preston"`, or `"Newport, Wales"` where ambiguous."""
    name, _, nation = (part.strip() for part in text.partition(","))
    if not _key(name):
        raise PlaceError("is empty: give a UK town (e.g. `Preston`), a body id or `{lat: .., lon: ..}`")
    candidates = _gazetteer().get(_key(name), ())
    exact = [p for p in candidates if _key(p.name) == _key(name)] or list(candidates)
    if nation:
        exact = [p for p in exact if _key(p.nation) == _key(nation)]
    if len(exact) == 1:
        return Location(lat=exact[0].lat, lon=exact[0].lon)
    if len(exact) > 1:
        options = "; ".join(p.describe() for p in exact[:5])
        raise PlaceError(
            f"`{text}` is ambiguous: {options}. Add the nation (e.g. `{exact[0].name},"
            f" {exact[0].nation}`) or give `{{lat: .., lon: ..}}`"
        )
    hint = did_you_mean(_key(name), _titles(), n=3, cutoff=0.75, shown=_titles())
    raise PlaceError(
        f"`{text}` is not a UK town or city the offline gazetteer knows (places of 5,000 people"
        f" or more){hint or '.'} Give a body id or `{{lat: .., lon: ..}}` instead"
    )
