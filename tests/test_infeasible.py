"""Over-constrained scenarios: a minimal conflicting set, named in the scenario's terms."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from cli import app
from models import Scenario
from roster.facts import Facts
from roster.loading import load_scenario
from roster.solving import solve
from roster.solving.infeasible import Requirement, diagnose
from tests.conftest import DETERMINISTIC, ROOT, inspection, monday, person, solve_checked


def data(inspections: list[dict[str, Any]], weeks: int = 4, **rules: Any) -> dict[str, Any]:
    return {
        "name": "over",
        "start": "2026-09-07",
        "weeks": weeks,
        "rules": rules,
        "inspections": inspections,
        "secondees": [person("a"), person("b")],
    }


BODIES = [
    "kent-police",
    "essex-police",
    "surrey-police",
    "sussex-police",
    "hampshire-and-isle-of-wight-police",
    "thames-valley-police",
]

CASES: dict[str, tuple[dict[str, Any], set[str], str]] = {
    "fixed inspections over the cap": (
        data([inspection(f"p{n}", BODIES[n], week=monday(1)) for n in range(5)]),
        {"p0", "p1", "p2", "p3", "p4", monday(1)},
        "at most 4 inspection(s) run in the week of 2026-09-14",
    ),
    "a window with no week left under the cap": (
        data(
            [inspection("w", window=[monday(1), monday(2)])],
            max_inspections_in_week={monday(1): 0, monday(2): 0},
        ),
        {"w", monday(1), monday(2)},
        "at most 0 inspection(s) run in the week of 2026-09-14 (`max_inspections_in_week: 0`)",
    ),
    "windows that cannot all fit": (
        data(
            [inspection(f"w{n}", BODIES[n], window=[monday(1), monday(2)]) for n in range(3)],
            max_inspections_per_week=1,
        ),
        {"w0", "w1", "w2", monday(1), monday(2)},
        "w0 runs in a week of its window 2026-09-14 to 2026-09-21",
    ),
    "fixed and windowed together": (
        data(
            [
                inspection("f0", BODIES[0], week=monday(1)),
                inspection("f1", BODIES[1], week=monday(2)),
                inspection("w", BODIES[2], window=[monday(1), monday(2)]),
                inspection("free", BODIES[3], week=monday(3)),
            ],
            max_inspections_per_week=1,
        ),
        {"f0", "f1", "w", monday(1), monday(2)},
        "f0 runs in its fixed week 2026-09-14",
    ),
    "a peak week set too low": (
        data(
            [inspection("f0", BODIES[0], week=monday(2)), inspection("f1", BODIES[1], week=monday(2))],
            max_inspections_in_week={monday(2): 1},
        ),
        {"f0", "f1", monday(2)},
        "raise the cap by 1 in the week of 2026-09-21",
    ),
    "a whole horizon under a zero cap": (
        data([inspection("any", BODIES[0])], weeks=3, max_inspections_per_week=0),
        {"any", monday(0), monday(1), monday(2)},
        "any runs in some week of the horizon",
    ),
}


def relaxed(base: dict[str, Any], requirement: Requirement) -> Scenario:
    """The scenario without one requirement: the inspection dropped, or the week's cap lifted."""
    changed = {**base, "rules": {**base["rules"]}, "inspections": list(base["inspections"])}
    if requirement.kind == "inspection":
        changed["inspections"] = [i for i in changed["inspections"] if i["id"] != requirement.name]
    else:
        changed["rules"]["max_inspections_in_week"] = {
            **changed["rules"].get("max_inspections_in_week", {}),
            requirement.name: 99,
        }
    return Scenario.model_validate(changed)


def write(path: Path, content: dict[str, Any]) -> Path:
    with path.open("w") as handle:
        YAML().dump(content, handle)
    return path


@pytest.mark.parametrize("name", CASES)
def test_conflict_is_minimal_and_named(tmp_path: Path, name: str) -> None:
    content, expected, words = CASES[name]
    path = write(tmp_path / "over.yaml", content)
    scenario = load_scenario(path)
    conflict = diagnose(Facts(scenario))
    assert conflict is not None
    assert {r.name for r in conflict.requirements} == expected
    assert words in conflict.message
    for requirement in conflict.requirements:
        assert requirement.where.startswith(f"{path}:"), requirement
        assert solve(relaxed(content, requirement), DETERMINISTIC).status != "infeasible", requirement
    result = CliRunner().invoke(app, ["solve", str(path), "--out", str(tmp_path / "out"), "--deterministic"])
    assert result.exit_code == 1
    assert "These requirements cannot all hold" in result.output
    assert "Traceback" not in result.output


def test_feasible_scenario_has_no_conflict() -> None:
    assert diagnose(Facts(Scenario.model_validate(data([inspection("a", week=monday(1))])))) is None


def shortfall_reason(tmp_path: Path, content: dict[str, Any]) -> str:
    roster = solve_checked(Scenario.model_validate(content), tmp_path)
    (entry,) = roster.summary["shortfalls"]
    return str(entry["reason"])


def test_shortfall_reason_hard_rhythm_against_availability(tmp_path: Path) -> None:
    content = data(
        [inspection(f"i{w}", BODIES[w], week=monday(w)) for w in range(3)], weeks=3, rhythm={"hard": True}
    )
    content["secondees"] = [person("a", target=[3, 3])]
    reason = shortfall_reason(tmp_path, content)
    assert "would break the hard rhythm" in reason or "would be on a" in reason


def test_shortfall_reason_back_to_back(tmp_path: Path) -> None:
    content = data([inspection(f"i{w}", BODIES[w], week=monday(w)) for w in range(4)], weeks=4)
    content["secondees"] = [person("a", target=[4, 4])]
    assert "1 would be on a 4th consecutive week" in shortfall_reason(tmp_path, content)


def test_shortfall_reason_names_competing_inspections(tmp_path: Path) -> None:
    content = data(
        [
            inspection("k", week=monday(1), secondees=2),
            inspection("e", "essex-police", week=monday(1), secondees=1),
        ]
    )
    content["secondees"] = [person("a"), person("b", service="kent-police")]
    reason = shortfall_reason(tmp_path, content)
    assert "k (Kent Police, week of 2026-09-14) needs 2" in reason or "e (Essex Police" in reason
    assert "1 comes from Kent Police" in reason or "1 is on another inspection that week (" in reason


def test_shortfall_reason_carer_commute_limit(tmp_path: Path) -> None:
    content = data([inspection("k", week=monday(1))])
    content["secondees"] = [person("a", carer={"home_every_night": True, "max_commute_minutes": 30})]
    reason = shortfall_reason(tmp_path, content)
    assert (
        "of the 1 secondee seconded that week, 1 is a carer whose journey is over their commute limit"
        in reason
    )


def test_explain_command(tmp_path: Path) -> None:
    path = write(
        tmp_path / "s.yaml",
        {
            **data([inspection("k", week=monday(1))]),
            "secondees": [person("a"), person("b", service="kent-police")],
        },
    )
    result = CliRunner().invoke(app, ["explain", str(path), "--inspection", "k", "--secondee", "b"])
    assert result.exit_code == 0, result.output
    assert "comes from Kent Police" in result.output
    assert "Secondee b" in result.output and "Inspection k" in result.output
    assert CliRunner().invoke(app, ["explain", str(path), "--inspection", "nope"]).exit_code == 2


def test_year_scale_infeasible_is_explained(tmp_path: Path) -> None:
    generated = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), "year", "--seed", "2"],
        check=True,
        capture_output=True,
        text=True,
    )
    yaml = YAML()
    content = yaml.load(generated.stdout)
    peak = monday(30)
    content["inspections"] += [inspection(f"extra{n}", BODIES[n], week=peak) for n in range(5)]
    path = write(tmp_path / "year.yaml", content)
    conflict = diagnose(Facts(load_scenario(path)))
    assert conflict is not None
    names = {r.name for r in conflict.requirements}
    assert peak in names and {f"extra{n}" for n in range(5)} & names


def test_explain_speaks_in_words(tmp_path: Path) -> None:
    carer = {"no_night_before": True, "max_nights_away": 8}
    path = write(
        tmp_path / "s.yaml",
        {
            **data([inspection("k", week=monday(1))]),
            "secondees": [
                person("a", name="R. K.", trained=monday(0), carer=carer),
                person("b", name="R. K.", service="kent-police"),
            ],
        },
    )
    result = CliRunner().invoke(app, ["explain", str(path), "--inspection", "k", "--secondee", "a"])
    assert result.exit_code == 0, result.output
    assert "no night before in a hotel, at most 8 hotel nights in all" in result.output
    assert "R. K. (a)" in result.output and "R. K. (b)" in result.output  # a shared name, told apart
    for raw in ("no_night_before", "max_nights_away", "not_trained", "True"):
        assert raw not in result.output


def test_report_of_a_folder_without_a_roster_says_so_and_writes_nothing(tmp_path: Path) -> None:
    content, _, words = CASES["fixed inspections over the cap"]
    path = write(tmp_path / "over.yaml", content)
    out = tmp_path / "out"
    solved = CliRunner().invoke(app, ["solve", str(path), "--out", str(out), "--deterministic", "--quiet"])
    assert solved.exit_code == 1, solved.output
    # it says where it wrote why
    assert "Wrote " in solved.output and "summary.json" in solved.output and f"{out}/" in solved.output
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    result = CliRunner().invoke(app, ["report", str(out)])
    assert result.exit_code == 1, result.output  # solved, not met: as the solve
    assert "Traceback" not in result.output
    output = " ".join(result.output.split())
    assert f"{out} holds no roster (infeasible" in output and "no file was written" in output
    assert words in output and "over.yaml:" in output  # why, as summary.json says
    assert f"roster solve {path} --out {out} --report" in output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no empty workbook, no calendars


def test_explain_of_a_folder_without_a_roster_says_so_not_that_every_team_is_staffed(tmp_path: Path) -> None:
    """A folder whose solve found no roster has no teams to explain: explain says so and why, and
    exits 1 as the solve did (it said 'Every inspection is fully staffed', exit 0)."""
    content, _, words = CASES["fixed inspections over the cap"]
    path = write(tmp_path / "over.yaml", content)
    out = tmp_path / "out"
    assert (
        CliRunner()
        .invoke(app, ["solve", str(path), "--out", str(out), "--deterministic", "--quiet"])
        .exit_code
        == 1
    )
    for ask in ([], ["--secondee", "a"]):
        result = CliRunner().invoke(app, ["explain", str(path), "--roster", str(out), *ask])
        assert result.exit_code == 1, result.output
        output = " ".join(result.output.split())
        assert f"{out} holds no roster (infeasible" in output and words in output
        assert "fully staffed" not in output and "Traceback" not in output


def test_explain_says_when_it_solves_afresh_rather_than_reading_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --roster, explain reads out/<scenario>/ when it was solved from the same inputs;
    otherwise it says that it explains a fresh solve, and why (it did so silently)."""
    path = write(
        tmp_path / "s.yaml",
        {**data([inspection("k", week=monday(1))]), "secondees": [person("a"), person("b")]},
    )
    folder = tmp_path / "out" / "s"
    solved = CliRunner().invoke(
        app, ["solve", str(path), "--out", str(folder), "--set", "name=Other", "--quiet"]
    )
    assert solved.exit_code == 0, solved.output
    monkeypatch.chdir(tmp_path)
    other = CliRunner().invoke(app, ["explain", str(path), "--inspection", "k"])
    shutil.rmtree(folder)
    none = CliRunner().invoke(app, ["explain", str(path), "--inspection", "k"])
    CliRunner().invoke(app, ["solve", str(path), "--out", str(folder), "--quiet"])
    same = CliRunner().invoke(app, ["explain", str(path), "--inspection", "k"])
    assert other.exit_code == 0 and "was solved from other inputs" in " ".join(other.output.split())
    assert none.exit_code == 0 and "No solved folder at out/s/" in none.output
    assert same.exit_code == 0 and "Roster read from out/s/" in same.output, same.output


def test_explain_says_why_it_cannot_read_the_roster_it_is_given(tmp_path: Path) -> None:
    """Each of a missing folder, a hand-made roster without its summary and a folder of another
    scenario was "holds no roster of this scenario (solve it first)"."""
    small = ROOT / "scenarios" / "small.yaml"
    cohort = ROOT / "scenarios" / "cohort.yaml"
    out = tmp_path / "out"
    assert CliRunner().invoke(app, ["solve", str(cohort), "--out", str(out), "--quiet"]).exit_code == 0
    hand = tmp_path / "hand"
    hand.mkdir()
    (hand / "roster.csv").write_bytes((out / "roster.csv").read_bytes())
    for folder, scenario, words in [
        (tmp_path / "nowhere", small, "no folder or roster.csv at"),
        (hand, cohort, "has no summary.json"),
        (out, small, f"was solved from {cohort}, not {small}"),
    ]:
        result = CliRunner().invoke(app, ["explain", str(scenario), "--roster", str(folder)])
        assert result.exit_code == 2 and words in " ".join(result.output.split()), result.output


def test_explain_names_a_secondee_by_name_and_says_a_team_was_full_and_what_going_would_mean(
    tmp_path: Path,
) -> None:
    """`--secondee` takes a name as shown; an inspection whose team the roster filled is "full",
    not "could go but was not chosen", and each says the arrangement and journey; bodies by name."""
    path = write(
        tmp_path / "s.yaml",
        {
            **data([inspection("k", week=monday(1))]),  # a team of one
            "secondees": [person("a", name="Ann A."), person("b", name="Bob B.")],
        },
    )
    roster = solve(Facts(load_scenario(path)), DETERMINISTIC)  # as explain solves it
    on_k = next(s for s, i, _ in roster.assignments if i == "k")
    other = {"a": "ann a.", "b": "BOB  B."}[{"a": "b", "b": "a"}[on_k]]  # by name, case and spacing aside
    result = CliRunner().invoke(app, ["explain", str(path), "--secondee", other])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.replace("│", " ").split())
    assert "Kent Police: could go, but the team is already full (1 of 1);" in text
    assert "each way" in text and "could go but was not chosen" not in text
    two = write(
        tmp_path / "two.yaml",
        {
            **data([inspection("k", week=monday(1))]),
            "secondees": [person("a", name="R. K."), person("b", name="R. K.")],
        },
    )
    result = CliRunner().invoke(app, ["explain", str(two), "--secondee", "R. K."])
    assert result.exit_code == 2 and "2 secondees are called `R. K.`" in result.output


def test_explain_roster_must_be_a_folder_or_its_roster_csv_and_check_against_itself_is_clean(
    tmp_path: Path,
) -> None:
    small = str(ROOT / "scenarios" / "small.yaml")
    out = tmp_path / "out"
    assert (
        CliRunner().invoke(app, ["solve", small, "--out", str(out), "--deterministic", "--quiet"]).exit_code
        == 0
    )
    junk = tmp_path / "junk.csv"
    junk.write_text("a,b\n")
    result = CliRunner().invoke(app, ["explain", small, "--roster", str(junk), "--secondee", "ab"])
    assert result.exit_code == 2 and "is a file" in result.output, result.output
    result = CliRunner().invoke(
        app, ["explain", small, "--roster", str(out / "roster.csv"), "--secondee", "ab"]
    )
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(app, ["check", small, str(out), "--baseline", str(out)])
    assert result.exit_code == 0 and "None" not in result.output, result.output
