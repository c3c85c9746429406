"""Seeded generator of realistic scenarios: `cohort`, `year` and `stress` sizes.

    python bench/generate.py cohort --seed 1 > scenario.yaml

Secondees live near their own force or service, join in staggered 12-week cohorts (training in
their first week), and some have caring responsibilities, away weeks, experience and preferences.
Inspections run 3-4 a week, about half of them within a window of allowed weeks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import math
import random
import sys
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML

from models import bundled_bodies


@dataclass(frozen=True)
class Size:
    weeks: int
    cohorts: int  # staggered 12-week cohorts
    per_cohort: int  # secondees per cohort
    per_week: tuple[int, int]  # inspections per week (low, high)


SIZES = {
    "small": Size(weeks=6, cohorts=1, per_cohort=8, per_week=(2, 2)),
    "cohort": Size(weeks=12, cohorts=1, per_cohort=30, per_week=(3, 4)),
    "year": Size(weeks=52, cohorts=14, per_cohort=12, per_week=(3, 4)),
    "stress": Size(weeks=104, cohorts=28, per_cohort=11, per_week=(3, 4)),
}

START = dt.date(2026, 9, 7)
FIRST_NAMES = "ABCDEFGHJKLMNPRSTW"
GIVEN_NAMES = {
    "a": ("Amara", "Alan", "Aisha", "Andrew"),
    "b": ("Bethan", "Ben", "Bushra", "Barry"),
    "c": ("Claire", "Craig", "Chloe", "Connor"),
    "d": ("Dawn", "Daniel", "Deepa", "Declan"),
    "e": ("Emma", "Euan", "Esther", "Ewan"),
    "f": ("Fiona", "Farid", "Freya", "Fraser"),
    "g": ("Gemma", "Gareth", "Grace", "Gavin"),
    "h": ("Helen", "Harry", "Hannah", "Hamza"),
    "j": ("Julie", "James", "Jasmine", "Jack"),
    "k": ("Karen", "Kieran", "Kulbir", "Kevin"),
    "l": ("Lucy", "Liam", "Leah", "Lewis"),
    "m": ("Megan", "Mark", "Maryam", "Martin"),
    "n": ("Nicola", "Neil", "Nadia", "Nathan"),
    "p": ("Priya", "Paul", "Paula", "Patrick"),
    "r": ("Rachel", "Rhys", "Rebecca", "Robert"),
    "s": ("Sarah", "Simon", "Sian", "Stuart"),
    "t": ("Tessa", "Tom", "Tamsin", "Tariq"),
    "w": ("Wendy", "Will", "Winston", "Wanda"),
}
"""Fictional given names by initial (the first letter of an id), so that generated people read like people."""


def generate(size: str, seed: int = 1, carers: float = 0.12, name: str | None = None) -> dict[str, Any]:
    """A scenario as plain data, ready to dump as YAML."""
    spec = SIZES[size]
    rng = random.Random(seed)
    bodies = list(bundled_bodies())
    police = [b for b in bodies if b.kind == "police"]
    fire = [b for b in bodies if b.kind == "fire"]

    # Cohorts start every few weeks so that the last one ends with the horizon.
    stride = 0 if spec.cohorts == 1 else max(1, (spec.weeks - 12) // (spec.cohorts - 1))
    secondees: list[dict[str, Any]] = []
    used_ids: set[str] = set()
    for c in range(spec.cohorts):
        first = START + dt.timedelta(weeks=c * stride)
        last = first + dt.timedelta(weeks=11, days=4)
        for _ in range(spec.per_cohort):
            background = "police" if rng.random() < 0.57 else "fire"
            service = rng.choice(police if background == "police" else fire)
            ident = _initials(rng, used_ids)
            person: dict[str, Any] = {
                "id": ident,
                "name": _name(ident, seed),
                "service": service.id,
                "background": background,
                "rank": rng.choice(
                    ["sergeant", "inspector", "inspector", "chief-inspector", "police-staff"]
                    if background == "police"
                    else ["watch-manager", "watch-manager", "station-manager", "group-manager", "fire-staff"]
                ),
                "home": _near(rng, service.lat, service.lon, 25),
                "available": [first, last],
                "trained": first + dt.timedelta(days=1),
            }
            if rng.random() < 0.25:
                person["inspections_done"] = rng.randint(1, 6)
            if rng.random() < 0.2:
                # inside both the secondment and the horizon
                person["away"] = [
                    first + dt.timedelta(weeks=rng.randint(2, min(11, spec.weeks - 1 - c * stride)))
                ]
            if rng.random() < carers:
                person["carer"] = rng.choice(
                    [
                        {"home_every_night": True, "max_commute_minutes": rng.choice([75, 90, 120])},
                        {"no_night_before": True},
                        {"max_nights_away": rng.choice([8, 12, 16])},
                    ]
                )
            if rng.random() < 0.15:
                same = police if background == "police" else fire
                person["prefers"] = {"bodies": [rng.choice(same).id]}
            secondees.append(person)

    inspections: list[dict[str, Any]] = []
    counts = {b.id: 0 for b in bodies}
    for w in range(1, spec.weeks):
        monday = START + dt.timedelta(weeks=w)
        for _ in range(rng.randint(*spec.per_week)):
            pool = police if rng.random() < 0.55 else fire
            body = min(rng.sample(pool, 6), key=lambda b: counts[b.id])
            counts[body.id] += 1
            insp: dict[str, Any] = {"id": f"{body.id.rsplit('-', 1)[0]}-{counts[body.id]}", "body": body.id}
            insp["id"] = ("peel-" if body.kind == "police" else "frs-") + insp["id"]
            if rng.random() < 0.5 and 1 < w < spec.weeks - 1:
                lo = max(1, w - 1)
                hi = min(spec.weeks - 1, w + rng.randint(1, 2))
                insp["window"] = [START + dt.timedelta(weeks=lo), START + dt.timedelta(weeks=hi)]
            else:
                insp["week"] = monday
            insp["secondees"] = rng.choice([2, 2, {"min": 2, "max": 4}, {"min": 2, "max": 4}, 4])
            if rng.random() < 0.2:
                insp["needs"] = {"experienced": 1}
            if body.kind == "fire" and rng.random() < 0.15:
                insp["open_to"] = ["fire", "police"]
            inspections.append(insp)

    travel = []
    for person in rng.sample(secondees, k=max(1, len(secondees) // 6)):
        same = police if person["background"] == "police" else fire
        body = rng.choice(same)
        travel.append(
            {"secondee": person["id"], "body": body.id, "minutes": rng.randint(60, 300), "mode": "train"}
        )

    return {
        "name": name or f"Generated {size} (seed {seed})",
        "start": START,
        "weeks": spec.weeks,
        "rules": {"max_inspections_per_week": 4},
        "inspections": inspections,
        "secondees": secondees,
        "travel": travel,
    }


def _initials(rng: random.Random, used: set[str]) -> str:
    while True:
        letters = "".join(rng.choice(FIRST_NAMES).lower() for _ in range(2))
        ident = f"{letters}-{rng.randint(1, 99):02d}"
        if ident not in used:
            used.add(ident)
            return ident


def _name(ident: str, seed: int) -> str:
    """A fictional name for the id `rk-92`: "Rachel K.", from its own random stream.

    A separate stream keeps every other draw of the generator, so a scenario generated before names
    were given differs only in its `name:` lines.
    """
    given = random.Random(f"{seed}:{ident}").choice(GIVEN_NAMES[ident[0]])
    return f"{given} {ident[1].upper()}."


def _near(rng: random.Random, lat: float, lon: float, km: float) -> dict[str, float]:
    distance = km * math.sqrt(rng.random())
    angle = rng.random() * 2 * math.pi
    dlat = distance * math.cos(angle) / 111.0
    dlon = distance * math.sin(angle) / (111.0 * math.cos(math.radians(lat)))
    return {"lat": round(lat + dlat, 3), "lon": round(lon + dlon, 3)}


def dump(data: dict[str, Any]) -> str:
    yaml = YAML()
    yaml.default_flow_style = None
    yaml.width = 120
    yaml.representer.ignore_aliases = lambda *_: True
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--carers", type=float, default=0.12, help="share of secondees with caring responsibilities"
    )
    parser.add_argument("--name")
    args = parser.parse_args()
    sys.stdout.write(dump(generate(args.size, args.seed, args.carers, args.name)))


if __name__ == "__main__":
    main()
