"""The checker names exactly the rule a roster breaks; it accepts hand-made three-column rosters."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from cli import app
from roster.analysis.check import check, check_report
from roster.outputs.folder import read_tables
from tests.conftest import MAIDSTONE, SCENARIOS, inspection, make, monday, person, solve_checked

WEEKS = 6
BODIES = {"k": "kent-police", "e": "essex-police", "s": "surrey-police", "h": "hertfordshire-police"}


def scenario_data(hard_rhythm: bool = False) -> dict[str, Any]:
    inspections = [
        inspection(f"{k}{w}", body, week=monday(w), secondees={"min": 0, "max": 3})
        for w in range(WEEKS)
        for k, body in BODIES.items()
        if f"{k}{w}" not in ("h5", "s5")  # leaves room in week 5 only
    ]
    inspections.append(
        inspection("x", "sussex-police", window=[monday(0), monday(5)], secondees={"min": 0, "max": 3})
    )
    secondees = [
        person("a"),
        person("b", away=[monday(4)]),
        person("c", trained=monday(2)),
        person("d", available=["2026-09-07", "2026-09-25"]),
        person("kent", service="kent-police", home=MAIDSTONE),
        person("fire", service="essex-fire", background="fire", rank="watch-manager"),
        person("carer", carer={"home_every_night": True}),
        person("nights", carer={"max_nights_away": 6}),
        person("e"),
    ]
    rules = {"rhythm": {"hard": True}} if hard_rhythm else {}
    return {"inspections": inspections, "secondees": secondees, "rules": rules}


def scenario(hard_rhythm: bool = False):  # type: ignore[no-untyped-def]
    return make(weeks=WEEKS, **scenario_data(hard_rhythm))


BASE_ROWS = [
    ("a", "k0", 0),
    ("a", "k1", 1),
    ("a", "e3", 3),
    ("b", "s0", 0),
    ("c", "k3", 3),
    ("d", "h1", 1),
    ("nights", "x", 5),
]


def base_roster() -> pd.DataFrame:
    rows = [(i, monday(w), s) for s, i, w in BASE_ROWS]
    return pd.DataFrame(rows, columns=["inspection", "week", "secondee"])


def add(df: pd.DataFrame, inspection_id: str, week: int, secondee: str) -> pd.DataFrame:
    return pd.concat(
        [df, pd.DataFrame([{"inspection": inspection_id, "week": monday(week), "secondee": secondee}])],
        ignore_index=True,
    )


def test_base_roster_is_valid() -> None:
    assert check(scenario(), {"roster": base_roster()}) == []


MUTATIONS: dict[str, tuple[str, Callable[[pd.DataFrame], pd.DataFrame]]] = {
    "fourth back-to-back week": ("back_to_back", lambda df: add(add(df, "k2", 2, "a"), "h4", 4, "a")),
    "fifth inspection in a week": ("programme_cap", lambda df: df.replace({"week": {monday(5): monday(0)}})),
    "two inspections in a week": ("one_place", lambda df: add(df, "e0", 0, "a")),
    "own service": ("own_service", lambda df: add(df, "k2", 2, "kent")),
    "away week": ("away", lambda df: add(df, "k4", 4, "b")),
    "before training": ("training", lambda df: add(df, "k2", 2, "c")),
    "after the secondment": ("availability", lambda df: add(df, "k4", 4, "d")),
    "wrong background": ("background", lambda df: add(df, "k2", 2, "fire")),
    "team too big": (
        "team_size",
        lambda df: add(add(add(add(df, "s2", 2, "e"), "s2", 2, "b"), "s2", 2, "kent"), "s2", 2, "d"),
    ),
    "carer away from home": ("carer", lambda df: add(df, "k2", 2, "carer")),
    "carer over their nights": ("carer", lambda df: add(df, "k2", 2, "nights")),
    "inspection in two weeks": ("one_week", lambda df: add(df, "k1", 2, "b")),
    "inspection outside its window": (
        "one_week",
        lambda df: df.assign(week=df["week"].where(df["inspection"] != "k1", monday(5))),
    ),
}


@pytest.mark.parametrize("name", MUTATIONS)
def test_mutation_is_named(name: str) -> None:
    rule, mutate = MUTATIONS[name]
    violations = check(scenario(), {"roster": mutate(base_roster())})
    assert {v.rule for v in violations} == {rule}, violations


def test_back_to_back_message_names_secondee_and_weeks() -> None:
    df = add(add(base_roster(), "k2", 2, "a"), "h4", 4, "a")
    (violation,) = check(scenario(), {"roster": df})
    assert violation.secondee == "a"
    assert violation.weeks == (monday(0), monday(4))
    assert (
        violation.message
        == "`a` is on 5 consecutive inspection weeks (2026-09-07 … 2026-10-05): the limit is 3"
    )


def test_hard_rhythm_break_is_named() -> None:
    df = add(base_roster(), "k2", 2, "a")  # a on weeks 0, 1, 2 and 3: but limit 3, so drop week 3
    df = df[~((df["secondee"] == "a") & (df["inspection"] == "e3"))]
    assert {v.rule for v in check(scenario(hard_rhythm=True), {"roster": df})} == {"rhythm"}
    assert check(scenario(), {"roster": df}) == []


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("solved")
    solve_checked(make(weeks=WEEKS, **_with_minimums(scenario_data())), out)
    return out


def _with_minimums(data: dict[str, Any]) -> dict[str, Any]:
    for insp in data["inspections"][:6]:
        insp["secondees"] = {"min": 1, "max": 2}
    return data


FILE_MUTATIONS: dict[str, tuple[str, str, Callable[[Any], Any]]] = {
    "wrong arrangement": ("arrangement", "roster", lambda df: df.assign(arrangement=["commute"] * len(df))),
    "wrong travel minutes": (
        "travel_minutes",
        "roster",
        lambda df: df.assign(travel_minutes=["1"] * len(df)),
    ),
    "wrong hotel nights": ("hotel_nights", "accommodation", lambda df: df.assign(nights=["9"] * len(df))),
    "missing booking": ("accommodation", "accommodation", lambda df: df.iloc[1:]),
    "wrong weeks activity": ("weeks", "weeks", lambda df: df.assign(activity=["off"] * len(df))),
    "wrong team size": ("inspections", "inspections", lambda df: df.assign(team_size=["7"] * len(df))),
    "wrong objective": ("objective", "summary", lambda s: {**s, "objective": s["objective"] + 1}),
    "wrong cost term": (
        "cost_terms",
        "summary",
        lambda s: {**s, "cost_terms": {**s["cost_terms"], "hotel": 1}},
    ),
}


@pytest.mark.parametrize("name", FILE_MUTATIONS)
def test_file_mutation_is_named(solved: Path, name: str) -> None:
    rule, table, mutate = FILE_MUTATIONS[name]
    sc = make(weeks=WEEKS, **_with_minimums(scenario_data()))
    tables = read_tables(solved)
    assert check(sc, tables) == []
    tables[table] = mutate(tables[table])
    rules = {v.rule for v in check(sc, tables)}
    assert rule in rules, rules
    assert rules <= {rule, "cost_terms", "objective"}, rules


def test_unreported_shortfalls_are_named(tmp_path: Path) -> None:
    sc = make(
        inspections=[inspection("k", week=monday(1), secondees=2, needs={"experienced": 1})],
        secondees=[person("a")],
    )
    solve_checked(sc, tmp_path)
    tables = read_tables(tmp_path)
    tables["summary"] = {**tables["summary"], "shortfalls": []}
    rules = {v.rule for v in check(sc, tables)}
    assert rules == {"team_size", "experience"}


def write_scenario(path: Path, data: dict[str, Any]) -> Path:
    yaml = YAML()
    with path.open("w") as handle:
        yaml.dump({"name": "checked", "start": "2026-09-07", "weeks": WEEKS, **data}, handle)
    return path


def test_cli_checks_a_hand_made_three_column_roster(tmp_path: Path) -> None:
    sc = write_scenario(tmp_path / "scenario.yaml", scenario_data())
    good = tmp_path / "good.csv"
    base_roster().to_csv(good, index=False)
    result = CliRunner().invoke(app, ["check", str(sc), str(good)])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output and "objective" in result.output
    assert "unfilled: shortfalls" not in " ".join(result.output.split())
    empty = tmp_path / "empty.csv"  # valid (no rule broken), but every place unfilled: said so
    empty.write_text("inspection,week,secondee\n")
    result = CliRunner().invoke(
        app,
        ["check", str(write_scenario(tmp_path / "min.yaml", _with_minimums(scenario_data()))), str(empty)],
    )
    assert result.exit_code == 0 and "valid" in result.output, result.output
    assert "team place(s)" in result.output and "unfilled: shortfalls" in " ".join(result.output.split())
    bad = tmp_path / "bad.csv"
    add(base_roster(), "e0", 0, "a").to_csv(bad, index=False)
    result = CliRunner().invoke(app, ["check", str(sc), str(bad), "--json"])
    assert result.exit_code == 1
    findings = json.loads(result.output)
    assert [v["rule"] for v in findings["violations"]] == ["one_place"]
    assert findings["violations"][0]["secondee"] == "a"


def test_cells_padded_with_spaces_read_as_a_replan_reads_them(tmp_path: Path) -> None:
    """A spreadsheet that pads a cell (` 2026-09-07`, `a `) reads the same to the checker as to a
    replan of it (`baseline.roster`), which ignores the spaces around a cell."""
    sc = write_scenario(tmp_path / "scenario.yaml", scenario_data())
    padded = base_roster().astype(str).map(lambda cell: f" {cell} ")
    path = tmp_path / "padded.csv"
    padded.to_csv(path, index=False)
    result = CliRunner().invoke(app, ["check", str(sc), str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert (
        json.loads(result.output)["objective"]
        == check_report(scenario(), {"roster": base_roster()}).objective
    )


def test_cli_bad_roster_input_exits_2(tmp_path: Path) -> None:
    sc = write_scenario(tmp_path / "scenario.yaml", scenario_data())
    broken = tmp_path / "broken.csv"
    broken.write_text("who,when\nx,y\n")
    result = CliRunner().invoke(app, ["check", str(sc), str(broken)])
    assert result.exit_code == 2
    assert "missing column" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(app, ["check", str(sc), str(tmp_path / "absent")])
    assert result.exit_code == 2
    workbook = tmp_path / "roster.xlsx"  # was "not UTF-8 text (save the CSV as UTF-8)"
    workbook.write_bytes(b"PK\x03\x04\xff\xfe")
    result = CliRunner().invoke(app, ["check", str(sc), str(workbook)])
    assert result.exit_code == 2 and "is a spreadsheet, not a CSV file" in result.output
    assert "roster rebuild" in result.output


def test_a_cost_term_missing_from_the_summary_is_said_to_be(solved: Path) -> None:
    sc = make(weeks=WEEKS, **_with_minimums(scenario_data()))
    tables = read_tables(solved)
    del tables["summary"]["cost_terms"]["hotel"]
    (problem,) = [v for v in check(sc, tables) if v.rule == "cost_terms"]
    assert "summary.json gives no `hotel` cost term" in problem.message and "None" not in problem.message


def test_unknown_ids_in_a_roster_are_bad_input(tmp_path: Path) -> None:
    df = add(base_roster(), "nope", 1, "ghost")
    rules = {v.rule for v in check(scenario(), {"roster": df})}
    assert rules == {"input"}
    sc = write_scenario(tmp_path / "scenario.yaml", scenario_data())
    path = tmp_path / "roster.csv"
    df.to_csv(path, index=False)
    result = CliRunner().invoke(app, ["check", str(sc), str(path)])
    assert result.exit_code == 2 and "unknown inspection `nope`" in result.output


@pytest.mark.parametrize("name", ["small", "cohort", "carers"])
def test_sample_rosters_pass_the_checker(tmp_path: Path, name: str) -> None:
    from roster.loading import load_scenario

    sc = load_scenario(SCENARIOS / f"{name}.yaml")
    roster = solve_checked(sc, tmp_path)
    report = check_report(sc, read_tables(tmp_path))
    assert report.objective == roster.objective


def test_every_rule_the_checker_names_has_words_for_the_terminal() -> None:
    """`check` and `rebuild` print a broken rule in the words of docs/rules.md, never its id."""
    import re

    from roster.analysis import check as checker
    from roster.labels import RULE_LABELS

    source = Path(checker.__file__).read_text(encoding="utf-8")
    named = set(re.findall(r'flag(?:_row)?\(\s*"(\w+)"', source))
    named |= {"body", "travel_minutes", "arrangement", "team_size", "experience"}  # named in loops
    assert len(named) > 15 and named <= set(RULE_LABELS)
