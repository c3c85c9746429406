"""Limits on every input: each bad value is refused at its file, line and key, with exit 2 and no
traceback, before anything is solved."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from models.limits import MAX_ALIAS_VALUES, MAX_DEPTH, MAX_OBJECTIVE, MAX_SCENARIO_BYTES
from roster.loading import Overrides, ScenarioError, load_scenario
from tests.conftest import SCENARIOS

SMALL = (SCENARIOS / "small.yaml").read_text(encoding="utf-8")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def variant(tmp_path: Path, old: str, new: str, text: str = SMALL) -> Path:
    assert old in text, old
    path = tmp_path / "scenario.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def problems_of(path: Path, overrides: Overrides | None = None) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, overrides)
    return [str(p) for p in info.value.problems]


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


# ------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    ("old", "new", "key", "words"),
    [
        ("start: 2026-09-07", "start: 2026-02-30", "start", "February 2026 has 28 days"),
        ("start: 2026-09-07", "start: 2026-13-07", "start", "there is no month 13"),
        ("start: 2026-09-07", "start: 0000-01-03", "start", "there is no year 0"),
        ("start: 2026-09-07", "start: 9999-12-27", "start", "2000 to 2099"),
        (
            "week: 2026-09-14, secondees: 2}",
            "week: 2026-02-30, secondees: 2}",
            "inspections[0].week",
            "28 days",
        ),
        (
            "trained: 2026-09-08, inspections_done: 2",
            "trained: 2026-04-31, inspections_done: 2",
            "secondees[0].trained",
            "April 2026 has 30 days",
        ),
        (
            "available: [2026-09-07, 2026-10-02], trained: 2026-09-08, inspections_done: 2",
            "available: [1999-09-07, 2026-10-02], trained: 2026-09-08, inspections_done: 2",
            "secondees[0].available[0]",
            "2000 to 2099",
        ),
        ("weeks: 4", "weeks: 600000", "weeks", "at most 520"),
        ("weeks: 4", "weeks: 99999999999999999999", "weeks", "at most 520"),
    ],
    ids=[
        "feb-30",
        "month-13",
        "year-0",
        "year-9999",
        "week-feb-30",
        "trained-apr-31",
        "available-1999",
        "weeks-600000",
        "weeks-huge",
    ],
)
def test_impossible_dates_and_horizons_are_located(
    tmp_path: Path, old: str, new: str, key: str, words: str
) -> None:
    path = variant(tmp_path, old, new)
    found = problems_of(path)
    line = line_of(path.read_text(), new.split(",")[0])
    assert any(f"{path}:{line}: `{key}`" in p and words in p for p in found), found
    code, output = run("validate", str(path))
    assert code == 2 and "Traceback" not in output and words in output


def test_an_impossible_date_as_a_mapping_key_is_located(tmp_path: Path) -> None:
    path = variant(tmp_path, "weeks: 4\n", "weeks: 4\nrules: {max_inspections_in_week: {2026-02-30: 5}}\n")
    (problem,) = problems_of(path)
    assert f"{path}:5: `rules.max_inspections_in_week.2026-02-30`" in problem and "28 days" in problem


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        ("start=2026-02-30", "February 2026 has 28 days"),
        ("weeks=100000", "at most 520"),
        ("rules.costs.shortfall=99999999999999999999", "at most 10,000,000"),
        ("name=" + "[" * 2000, "nested more than"),
        ("name=&a [x, *a]", "inside its own anchor"),
        ("rules.travel_estimate.overhead=.inf", "finite"),
    ],
    ids=["feb-30", "weeks", "cost", "nesting", "recursive-alias", "inf"],
)
def test_set_values_have_the_same_limits(tmp_path: Path, setting: str, words: str) -> None:
    out = tmp_path / "out"
    code, output = run("solve", str(SCENARIOS / "small.yaml"), "--set", setting, "--out", str(out), "--quiet")
    assert code == 2 and words in output and "Traceback" not in output, output
    assert not out.exists()


# ------------------------------------------------------------------ the YAML itself


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ("extra: " + "[" * 300 + "]" * 300, f"nested more than {MAX_DEPTH} deep"),
        ("extra: " + "[" * 20000 + "]" * 20000, f"nested more than {MAX_DEPTH} deep"),
        ("extra: " + "{a: " * 300 + "1" + "}" * 300, f"nested more than {MAX_DEPTH} deep"),
        (
            "extra:\n" + "".join("  " * n + "- \n" for n in range(1, 200)),
            f"nested more than {MAX_DEPTH} deep",
        ),
        (
            "a: &a [x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n"
                for p, c in zip("abcdefgh", "bcdefghi", strict=True)
            ),
            f"repeat more than {MAX_ALIAS_VALUES:,} values",
        ),
        ("a: &a [1, *a]", "inside its own anchor"),
    ],
    ids=["flow-300", "flow-20000", "maps-300", "block-200", "billion-laughs", "recursive-alias"],
)
def test_nesting_and_aliases_are_limited(tmp_path: Path, extra: str, words: str) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(SMALL + extra + "\n", encoding="utf-8")
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:") and words in problem, problem


def test_a_few_aliases_are_fine(tmp_path: Path) -> None:
    text = SMALL.replace(
        "available: [2026-09-07, 2026-10-02]", "available: &cohort [2026-09-07, 2026-10-02]", 1
    )
    text = text.replace("available: [2026-09-07, 2026-10-02]", "available: *cohort")
    path = tmp_path / "aliases.yaml"
    path.write_text(text, encoding="utf-8")
    assert (
        load_scenario(path).secondees[-1].available
        == load_scenario(SCENARIOS / "small.yaml").secondees[-1].available
    )


def test_files_too_large_or_not_regular_are_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with open(big, "w", encoding="utf-8") as handle:
        handle.write(SMALL)
        handle.truncate(MAX_SCENARIO_BYTES + 1)
    (problem,) = problems_of(big)
    assert "MB" in problem and "at most 5 MB" in problem
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    (problem,) = problems_of(fifo)  # read without blocking on the pipe
    assert "not a regular file" in problem
    (problem,) = problems_of(tmp_path)
    assert "is a folder" in problem
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(SMALL.replace("name: Amara B.", "name: Jos\xe9").encode("latin-1"))
    (problem,) = problems_of(latin)
    assert f"{latin}:14:" in problem and "not UTF-8" in problem


# ------------------------------------------------------------------ numbers


@pytest.mark.parametrize(
    ("old", "new", "key", "words"),
    [
        (
            "weeks: 4\n",
            "weeks: 4\nrules: {costs: {hotel_night_cost: 99999999999999999999}}\n",
            "rules.costs.hotel_night_cost",
            "at most 10,000,000",
        ),
        (
            "weeks: 4\n",
            "weeks: 4\nrules: {costs: {shortfall: 4611686018427387904}}\n",
            "rules.costs.shortfall",
            "at most 10,000,000",
        ),
        (
            "week: 2026-09-21, secondees: 2}",
            "week: 2026-09-21, secondees: 99999999999999999999}",
            "inspections[2].secondees",
            "at most 50",
        ),
        (
            "secondees: {min: 2, max: 4}",
            "secondees: {min: 2, max: 400}",
            "inspections[1].secondees.max",
            "at most 50",
        ),
        ("minutes: 290", "minutes: 99999999999999999999", "travel[0].minutes", "at most 4,320"),
        (
            "inspections_done: 2",
            "inspections_done: 99999999999999999999",
            "secondees[0].inspections_done",
            "at most 1,000",
        ),
        (
            "inspections_done: 2",
            "inspections_done: 2, target: [0, 99999999999999999999]",
            "secondees[0].target[1]",
            "at most 520",
        ),
        (
            "weeks: 4\n",
            "weeks: 4\nrules: {max_inspections_per_week: 99999999999999999999}\n",
            "rules.max_inspections_per_week",
            "at most 1,000",
        ),
        (
            "weeks: 4\n",
            "weeks: 4\nrules: {max_back_to_back: 99999999999999999999}\n",
            "rules.max_back_to_back",
            "at most 520",
        ),
        (
            "weeks: 4\n",
            "weeks: 4\nrules: {commute_minutes: 99999999999999999999}\n",
            "rules.commute_minutes",
            "at most 4,320",
        ),
        (
            "weeks: 4\n",
            "weeks: 4\nrules: {travel_estimate: {overhead: .inf}}\n",
            "rules.travel_estimate.overhead",
            "finite",
        ),
        (
            "weeks: 4\n",
            "weeks: 4\nrules: {travel_estimate: {overhead: .nan}}\n",
            "rules.travel_estimate.overhead",
            "finite",
        ),
        (
            "weeks: 4\n",
            "weeks: 4\nrules: {travel_estimate: {circuity: 1e300}}\n",
            "rules.travel_estimate.circuity",
            "less than or equal to 5",
        ),
        (
            "weeks: 4\n",
            "weeks: 4\nrules: {travel_estimate: {km_per_hour: 1e-300}}\n",
            "rules.travel_estimate.km_per_hour",
            "expected 5 or more",
        ),
        ("home: {lat: 51.27, lon: 0.52}", "home: {lat: .nan, lon: 0.52}", "secondees[2].home.lat", "finite"),
        (
            "carer: {home_every_night: true, max_commute_minutes: 75}",
            "carer: {max_nights_away: 99999999999999999999}",
            "secondees[2].carer.max_nights_away",
            "at most 3,640",
        ),
    ],
    ids=[
        "hotel-cost",
        "shortfall-2^62",
        "team",
        "team-max",
        "minutes",
        "done",
        "target",
        "cap",
        "back-to-back",
        "commute",
        "overhead-inf",
        "overhead-nan",
        "circuity",
        "km-per-hour",
        "lat-nan",
        "nights",
    ],
)
def test_numbers_are_bounded(tmp_path: Path, old: str, new: str, key: str, words: str) -> None:
    path = variant(tmp_path, old, new)
    found = problems_of(path)
    assert any(f"`{key}`" in p and words in p for p in found), found
    code, output = run("solve", str(path), "--out", str(tmp_path / "out"), "--quiet")
    assert code == 2 and "Traceback" not in output


def test_weights_that_could_overflow_the_objective_are_refused(tmp_path: Path) -> None:
    rules = (
        "rules: {costs: {travel_hour_cost: 10000000, hotel_night_cost: 10000000},"
        " inspection_days: [mon, tue, wed, thu, fri, sat, sun],"
        " travel_estimate: {overhead: 4320, circuity: 5, km_per_hour: 5}}"
    )
    path = variant(tmp_path, "weeks: 4\n", f"weeks: 520\n{rules}\n")
    found = problems_of(path)
    assert any("`rules.costs`" in p and f"£{MAX_OBJECTIVE:,}" in p for p in found), found


# ------------------------------------------------------------------ text


@pytest.mark.parametrize(
    ("char", "words"),
    [
        ("\\r", "a carriage return (U+000D)"),
        ("\\n", "a line break (U+000A)"),
        ("\\e[31m", "an escape character (U+001B)"),
        ("\\x01", "(U+0001)"),
        ("\\v", "(U+000B)"),
        ("\\0", "a null character (U+0000)"),
        ("\\t", "a tab (U+0009)"),
        ("\\u2028", "a line separator"),
    ],
    ids=["cr", "lf", "esc", "ctl-01", "vt", "nul", "tab", "line-separator"],
)
def test_control_characters_in_names_are_refused_at_their_line(tmp_path: Path, char: str, words: str) -> None:
    path = variant(tmp_path, "name: Amara B.", f'name: "A{char}B"')
    (problem,) = problems_of(path)
    assert f"{path}:14: `secondees[0].name`" in problem and words in problem, problem
    code, output = run("solve", str(path), "--out", str(tmp_path / "out"), "--report", "--quiet")
    assert code == 2 and "Traceback" not in output and "\x1b[31m" not in output


def test_messages_show_control_characters_instead_of_sending_them(tmp_path: Path) -> None:
    code, output = run(
        "solve",
        str(SCENARIOS / "small.yaml"),
        "--drop-secondee",
        "x\x1b[2J\x1b[31mEVIL",
        "--out",
        str(tmp_path),
    )
    assert code == 2 and "\x1b" not in output and "x\\x1b[2J" in output


# ------------------------------------------------------------------ every error in one pass


def test_field_errors_and_unknown_ids_are_reported_together(tmp_path: Path) -> None:
    text = SMALL.replace("start: 2026-09-07", "start: 2026-09-08")
    text = text.replace("body: kent-police, week", "body: kent-polce, week")
    text = text.replace("rank: sergeant, home: Brighton", "rank: admiral, home: Brighton")
    text = text.replace("service: hertfordshire-police", "service: hertfordshire-polic")
    path = tmp_path / "many.yaml"
    path.write_text(text, encoding="utf-8")
    found = problems_of(path)
    keys = sorted(p.split("`")[1] for p in found)
    assert keys == ["inspections[0].body", "secondees[0].rank", "secondees[1].service", "start"], found


def test_no_unknown_id_is_reported_for_an_item_that_is_itself_wrong(tmp_path: Path) -> None:
    text = SMALL + "bodies: [{id: zz-police, kind: police, lat: 95, lon: 0}]\n"
    text = text.replace("body: kent-police, week", "body: zz-police, week")
    path = tmp_path / "own-body.yaml"
    path.write_text(text, encoding="utf-8")
    found = problems_of(path)
    assert [p.split("`")[1] for p in found] == ["bodies[0].lat"], found


def test_variant_errors_are_reported_together(tmp_path: Path) -> None:
    path = tmp_path / "whatif.yaml"
    path.write_text(
        f"extends: {SCENARIOS / 'small.yaml'}\n"
        "change: {secondees: {zz: {rank: x}}, inspections: {yy: {week: 2026-09-14}}}\n"
        "remove: {secondees: [qq]}\n",
        encoding="utf-8",
    )
    found = problems_of(path)
    assert len(found) == 3 and all(str(path) in p for p in found)


def test_validate_shows_what_a_change_of_a_list_became(tmp_path: Path) -> None:
    path = tmp_path / "away.yaml"
    path.write_text(
        f"extends: {SCENARIOS / 'small.yaml'}\nchange: {{secondees: {{gh: {{away: [2026-09-14]}}}}}}\n",
        encoding="utf-8",
    )
    assert load_scenario(path).secondee("gh").away == [load_scenario(path).mondays[1]]
    code, output = run("validate", str(path))
    assert code == 0
    assert (
        f"note: {path}:2: `change.secondees.gh.away` is replaced whole: [2026-09-28] becomes [2026-09-14]"
        in " ".join(output.split())
    )


def test_validate_reports_every_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [\n", encoding="utf-8")
    code, output = run("validate", str(bad), str(SCENARIOS / "small.yaml"))
    assert code == 2 and "bad.yaml" in output and "valid" in output and "small.yaml" in output
