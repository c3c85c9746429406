"""What `roster solve` prints: a summary that fits 100 columns at any size, names not ids, the grid when asked."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from rich.console import Console

from models import Scenario
from roster.loading import load_scenario
from roster.outputs.terminal import Grid, show_roster
from roster.solving import SolveConfig
from tests.conftest import ROOT, SCENARIOS, Solved, solve_checked

sys.path.insert(0, str(ROOT / "bench"))

RAW_WORDS = ("hotel_night_before", "not_seconded", "not_trained", "under_use", "over_use", "own_service")


def printed(solved: Solved, width: int, grid: bool = False) -> list[str]:
    console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    show_roster(console, solved, grid)
    console.file.close()
    return console.export_text().splitlines()


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Solved:
    """A 52-week, 168-secondee scenario; the roster in hand at once (the greedy construction, checked)."""
    from generate import generate  # type: ignore[import-not-found]

    folder = tmp_path_factory.mktemp("year")
    scenario = Scenario.model_validate(generate("year", seed=1))  # as `bench/generate.py year --seed 1`
    assert scenario.weeks == 52 and len(scenario.secondees) == 168
    return solve_checked(scenario, folder / "out", SolveConfig(deterministic=True, deterministic_limit=0.0))


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Solved:
    return solve_checked(load_scenario(SCENARIOS / "cohort.yaml"), tmp_path_factory.mktemp("cohort"))


def test_the_year_summary_fits_100_columns(year: Solved) -> None:
    lines = printed(year, 100)
    assert max(len(line) for line in lines) <= 100
    text = "\n".join(lines)
    for heading in (
        "Week by week",
        "Inspections per secondee against their target",
        "Hotel bookings",
        "Cost",
    ):
        assert heading in text
    # every week of the horizon has its row, and every secondee their entry
    assert sum(1 for line in lines if re.match(r"│ \d{1,2} \w{3} \d{4} ", line)) == 52
    for label in year.labels.values():
        assert label in text
    assert "shortfall: " in text and len(year.shortfalls) > 0
    assert "--grid" in text  # the grid is left out, and the way to print it is said
    assert not [w for w in RAW_WORDS if w in text]


def test_the_year_grid_is_printed_month_by_month_within_100_columns(year: Solved) -> None:
    lines = printed(year, 100, grid=True)
    assert max(len(line) for line in lines) <= 100
    text = "\n".join(lines)
    assert "September 2026" in text and "August 2027" in text
    headers = {m.strftime("%d %b").lstrip("0") for m in year.scenario.mondays}
    shown = set(re.findall(r"┃ (\d{1,2} \w{3}) +", text))
    assert headers <= shown


def test_names_not_ids_and_words_not_identifiers(cohort: Solved) -> None:
    text = "\n".join(printed(cohort, 100))
    people = {p.id: p.name for p in cohort.scenario.secondees}
    assert all(name in text for name in people.values())
    assert not [s for s in people if re.search(rf"\b{re.escape(s)}\b", text)]
    assert not [w for w in RAW_WORDS if w in text]
    assert "Durham" in text  # bodies by name


def test_the_grid_is_printed_whole_when_it_fits(cohort: Solved) -> None:
    width = Grid.of(cohort).width()
    assert width > 100
    wide = printed(cohort, width)
    assert "Roster: who is where, week by week" in "\n".join(wide)
    assert max(len(line) for line in wide) <= width
    narrow = "\n".join(printed(cohort, width - 1))
    assert "Roster: who is where" not in narrow and "--grid" in narrow


def test_solve_prints_the_summary_and_the_grid_when_asked(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cli import app

    args = ["solve", str(SCENARIOS / "small.yaml"), "--out", str(tmp_path / "out"), "--deterministic"]
    result = CliRunner().invoke(app, [*args, "--grid"])
    assert result.exit_code == 0, result.output
    assert "Week by week" in result.output and "Hotel bookings" in result.output
    assert "Roster" in result.output and "Amara B." in result.output


def test_the_grid_marks_each_arrangement_so_it_reads_without_colour(cohort: Solved) -> None:
    """`Kent` commutes, `+Kent` a hotel, `++Kent` a hotel from the night before: in text alone."""
    grid = Grid.of(cohort)
    how = {(str(r.secondee), str(r.week)): str(r.arrangement) for r in cohort.roster.itertuples()}
    marks = {"commute": "", "hotel": "+", "hotel_night_before": "++"}
    seen = set()
    for s, row in zip([p.id for p in cohort.scenario.secondees], grid.cells, strict=True):
        for monday, (text, kind) in zip(grid.mondays, row, strict=True):
            if (s, monday.isoformat()) in how:
                arrangement = how[(s, monday.isoformat())]
                assert kind == arrangement and text.startswith(marks[arrangement])
                assert not text.removeprefix(marks[arrangement]).startswith("+")
                seen.add(arrangement)
    assert seen >= {"hotel", "hotel_night_before"}
