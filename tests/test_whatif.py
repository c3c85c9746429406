"""What-if variants, command-line overrides, side-by-side comparison, and the CI regression."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest
from ortools.sat.python import cp_model
from typer.testing import CliRunner

import constraints.team
from cli import app
from constraints.model import RosterModel, Term
from models import Scenario
from roster.loading import ScenarioError, load_scenario
from roster.solving import SolveConfig
from roster.workflows.regress import Regression, regress, write_junit
from tests.conftest import SCENARIOS


def test_variants_merge_into_their_base() -> None:
    base = load_scenario(SCENARIOS / "cohort.yaml")
    dropout = load_scenario(SCENARIOS / "whatif" / "dropout.yaml")
    assert len(dropout.secondees) == len(base.secondees) - 1
    assert "rr-47" not in {s.id for s in dropout.secondees}
    assert all(t.secondee != "rr-47" for t in dropout.travel)
    peak = load_scenario(SCENARIOS / "whatif" / "peak-week.yaml")
    assert len(peak.inspections) == len(base.inspections) + 1
    assert peak.rules.cap(peak.inspection("peel-avon-and-somerset-1").week) == 5  # type: ignore[arg-type]
    assert peak.rules.max_inspections_per_week == 4 and peak.rules.costs == base.rules.costs
    carers = load_scenario(SCENARIOS / "whatif" / "more-carers.yaml")

    def count(sc: Scenario) -> int:
        return sum(1 for s in sc.secondees if s.carer is not None)

    assert count(carers) == 2 * count(base)
    assert load_scenario(SCENARIOS / "whatif" / "strict-rhythm.yaml").rules.rhythm.hard
    assert load_scenario(SCENARIOS / "whatif" / "commute-3h.yaml").rules.commute_minutes == 180


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


BASE = """\
name: Base
start: 2026-09-07
weeks: 4
inspections:
  - {id: peel-kent, body: kent-police, week: 2026-09-14, secondees: 1}
  - {id: peel-essex, body: essex-police, window: [2026-09-14, 2026-09-28], secondees: 1}
secondees:
  - {id: phil-h, service: lancashire-police, background: police, rank: sergeant, home: Preston}
  - {id: ann-b, service: surrey-police, background: police, rank: inspector, home: Guildford}
"""


@pytest.mark.parametrize(
    ("variant", "line", "key", "words"),
    [
        (
            "extends: base.yaml\nchange: {inspections: {peel-kentt: {week: 2026-09-21}}}\n",
            2,
            "change.inspections.peel-kentt",
            "did you mean `peel-kent`",
        ),
        (
            "extends: base.yaml\nremove:\n  secondees: [phil-h, nobody]\n",
            3,
            "remove.secondees[1]",
            "no secondee `nobody`",
        ),
        (
            "extends: base.yaml\nsecondees:\n  - {id: phil-h, service: kent-police, background: police, rank: sergeant, home: Maidstone}\n",
            3,
            "secondees[0].id",
            "already in the base",
        ),
        (
            "extends: base.yaml\n\ninspections:\n  - {id: extra, body: kent-polise, week: 2026-09-21}\n",
            4,
            "inspections[2].body",
            "unknown body",
        ),
        (
            "extends: base.yaml\nchange:\n  inspections:\n    peel-kent: {week: 2026-09-22}\n",
            4,
            "change.inspections.peel-kent.week",
            "Tuesday",
        ),
        (  # the renamed item comes first: the duplicate is the base's item, further down
            "extends: base.yaml\nchange:\n  secondees:\n    phil-h:\n      id: ann-b\n",
            5,
            "change.secondees.phil-h.id",
            "`ann-b` is already the id of another secondee",
        ),
        (
            "extends: base.yaml\nchange:\n  inspections:\n    peel-essex: {id: peel-kent}\n",
            4,
            "change.inspections.peel-essex.id",
            "`peel-kent` is already the id of another inspection",
        ),
        (
            "extends: base.yaml\nchange:\n  secondees:\n    ann-b: {carer: {max_nights_away: -2}}\n",
            4,
            "change.secondees.ann-b.carer.max_nights_away",
            "expected 0 or more",
        ),
        (
            "extends: base.yaml\nchange:\n  inspections:\n    : {week: 2026-09-14}\n",
            4,
            "change.inspections",
            "an empty inspection id",
        ),
        ("extends: nowhere.yaml\n", 1, "extends", "no base scenario"),
        ("remove: {secondees: [phil-h]}\nname: x\n", 1, "remove", "only makes sense with `extends"),
        (  # the base has it: it was "no inspection `peel-kent` in the base scenario"
            "extends: base.yaml\nremove: {inspections: [peel-kent]}\nchange: {inspections: {peel-kent: {week: 2026-09-21}}}\n",
            3,
            "change.inspections.peel-kent",
            "is removed (`remove:`): change it or remove it, not both",
        ),
        (  # the base lists no bodies (it was a traceback)
            "extends: base.yaml\nremove: {bodies: [kent-police]}\n",
            2,
            "remove.bodies[0]",
            "not one bundled with roster",
        ),
    ],
    ids=[
        "change-unknown-id",
        "remove-unknown-id",
        "add-duplicate",
        "added-item-invalid",
        "changed-week-invalid",
        "change-id-to-a-later-one",
        "change-id-to-an-earlier-one",
        "changed-nested-key-invalid",
        "change-empty-id",
        "missing-base",
        "remove-without-extends",
        "remove-then-change",
        "remove-a-bundled-body",
    ],
)
def test_variant_errors_name_the_variant_file_and_line(
    tmp_path: Path, variant: str, line: int, key: str, words: str
) -> None:
    write(tmp_path / "base.yaml", BASE)
    path = write(tmp_path / "variant.yaml", variant)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.key) == (str(path), line, key), problem
    assert words in problem.message
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2 and f"variant.yaml:{line}" in result.output


@pytest.mark.parametrize("base", ["plan.xlsx", "plan"])
def test_a_variant_of_a_workbook_or_csv_folder_is_told_to_import_it_first(tmp_path: Path, base: str) -> None:
    """It said `is not UTF-8` of a workbook and `no base scenario` of a folder."""
    (tmp_path / "plan.xlsx").write_bytes(b"PK\x03\x04")
    (tmp_path / "plan").mkdir()
    path = write(tmp_path / "variant.yaml", f"extends: {base}\n")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2 and f"roster import {base}" in " ".join(result.output.split()), result.output


def test_a_variant_s_unknown_ids_and_its_other_mistakes_come_in_one_pass(tmp_path: Path) -> None:
    """The rules' unknown keys were said only once the unknown ids were mended."""
    write(tmp_path / "base.yaml", BASE)
    path = write(
        tmp_path / "variant.yaml",
        "extends: base.yaml\nremove: {secondees: [nobody]}\n"
        "change: {inspections: {peel-kentt: {week: 2026-09-21}}}\n"
        "rules: {max_inspection_per_week: 5}\n",
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    keys = [p.key for p in info.value.problems]
    assert keys == ["remove.secondees[0]", "change.inspections.peel-kentt", "rules.max_inspection_per_week"]


def test_error_in_the_base_names_the_base(tmp_path: Path) -> None:
    write(tmp_path / "base.yaml", BASE.replace("kent-police, week", "kent-polise, week"))
    path = write(tmp_path / "variant.yaml", "extends: base.yaml\nname: v\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.problems[0].file == str(tmp_path / "base.yaml")
    assert info.value.problems[0].line == 5


def test_change_moves_an_inspection_from_window_to_week(tmp_path: Path) -> None:
    write(tmp_path / "base.yaml", BASE)
    path = write(
        tmp_path / "v.yaml", "extends: base.yaml\nchange: {inspections: {peel-essex: {week: 2026-09-21}}}\n"
    )
    moved = load_scenario(path).inspection("peel-essex")
    assert str(moved.week) == "2026-09-21" and moved.window is None


def test_command_line_overrides_are_applied_and_recorded(tmp_path: Path) -> None:
    base = write(tmp_path / "base.yaml", BASE)
    out = tmp_path / "out"
    args = [
        "solve",
        str(base),
        "--out",
        str(out),
        "--deterministic",
        "--quiet",
        "--set",
        "rules.max_inspections_per_week=1",
        "--drop-secondee",
        "ann-b",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["overrides"] == ["--set rules.max_inspections_per_week=1", "--drop-secondee ann-b"]
    assert summary["use"] == [u for u in summary["use"] if u["secondee"] == "phil-h"]
    bad = CliRunner().invoke(
        app, ["solve", str(base), "--out", str(out), "--set", "rules.max_inspection_per_week=5"]
    )
    assert bad.exit_code == 2 and "did you mean `max_inspections_per_week`" in bad.output
    gone = CliRunner().invoke(app, ["solve", str(base), "--out", str(out), "--drop-secondee", "nobody"])
    assert gone.exit_code == 2 and "no secondee `nobody`" in gone.output


def test_compare_prints_one_table_and_the_changes(tmp_path: Path) -> None:
    write(tmp_path / "base.yaml", BASE)
    variant = write(tmp_path / "drop.yaml", "extends: base.yaml\nname: drop\nremove: {secondees: [ann-b]}\n")
    result = CliRunner().invoke(app, ["compare", str(tmp_path / "base.yaml"), str(variant)])
    assert result.exit_code == 0, result.output
    assert "Scenarios side by side" in result.output and "hotel nights" in result.output
    assert "ann-b:\n  left peel-" in result.output  # each change on its own line
    assert "peel-kent (Kent Police)" in result.output  # an inspection with its body's name
    data = json.loads(
        CliRunner().invoke(app, ["compare", str(tmp_path / "base.yaml"), str(variant), "--json"]).output
    )
    assert data["scenarios"] == ["base", "drop"]
    assert set(data["metrics"]) >= {
        "objective",
        "hotel_nights",
        "travel_hours",
        "shortfalls",
        "inspections_per_secondee",
        "cost.under_use",
        "cost.hotel",
    }
    # one key per figure, each with its words: the pounds of hotel nights are not the nights
    assert data["labels"]["hotel_nights"] == "hotel nights" and "(£)" in data["labels"]["cost.hotel"]
    assert len(set(data["labels"].values())) == len(data["labels"]) == len(data["metrics"])
    assert "under_use" not in result.output and "over_use" not in result.output  # words, not keys
    assert {c["secondee"] for c in data["changes"][0]["changes"]} >= {"ann-b"}
    alone = CliRunner().invoke(app, ["compare", str(tmp_path / "base.yaml")])
    assert alone.exit_code == 2 and "two or more" in alone.output


def test_regress_passes_on_the_samples() -> None:
    results = regress(SCENARIOS)
    assert len(results) >= 8
    assert all(r.passed for r in results), [(r.scenario, r.problems) for r in results]


def copy_samples(tmp_path: Path, names: list[str]) -> Path:
    root = tmp_path / "scenarios"
    (root / "baselines").mkdir(parents=True)
    for name in names:
        shutil.copy(SCENARIOS / f"{name}.yaml", root / f"{name}.yaml")
        shutil.copy(SCENARIOS / "baselines" / f"{name}.json", root / "baselines" / f"{name}.json")
    return root


def test_regress_fails_when_a_baseline_is_stricter_than_reachable(tmp_path: Path) -> None:
    root = copy_samples(tmp_path, ["small"])
    file = root / "baselines" / "small.json"
    base = json.loads(file.read_text())
    file.write_text(json.dumps({**base, "objective": base["objective"] - 1}))
    (result,) = regress(root)
    assert not result.passed and "worse than the baseline" in result.problems[0]
    report = tmp_path / "junit.xml"
    cli = CliRunner().invoke(app, ["regress", "--scenarios", str(root), "--junit", str(report)])
    assert cli.exit_code == 1, cli.output
    # the JUnit report parses, and its one failing case names the sample and by how much it got worse
    suite = ElementTree.parse(report).getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "1" and suite.get("failures") == "1"
    (case,) = suite.iter("testcase")
    failure = case.find("failure")
    assert case.get("name") == "small.yaml" and failure is not None
    assert failure.get("message", "").startswith("small.yaml: objective")
    assert "worse than the baseline" in failure.get("message", "") and "by £1 " in failure.get("message", "")


def test_regress_in_parallel_gives_the_serial_results_and_a_passing_junit_report(tmp_path: Path) -> None:
    root = copy_samples(tmp_path, ["small", "cohort", "carers"])
    serial, parallel = regress(root, jobs=1), regress(root, jobs=2)

    def outcome(r: Regression) -> tuple[object, ...]:
        return (r.scenario, r.objective, r.best_bound, r.status, r.shortfalls, r.problems, r.notes)

    assert [outcome(r) for r in serial] == [outcome(r) for r in parallel]
    assert all(r.passed for r in parallel) and len(parallel) == 3
    report = tmp_path / "junit.xml"
    write_junit(parallel, report)
    root_element = ElementTree.parse(report).getroot()
    assert root_element.get("failures") == "0"
    assert [c.get("name") for c in root_element.iter("testcase")] == [
        "carers.yaml",
        "cohort.yaml",
        "small.yaml",
    ]
    assert CliRunner().invoke(app, ["regress", "--scenarios", str(root), "--jobs", "0"]).exit_code == 2


def test_compare_in_parallel_gives_the_serial_comparison(tmp_path: Path) -> None:
    write(tmp_path / "base.yaml", BASE)
    drop = write(tmp_path / "drop.yaml", "extends: base.yaml\nname: drop\nremove: {secondees: [ann-b]}\n")
    items = [str(tmp_path / "base.yaml"), str(drop), str(SCENARIOS / "small.yaml")]
    outputs = [CliRunner().invoke(app, ["compare", *items, "--json", "--jobs", jobs]) for jobs in ("1", "3")]
    assert all(o.exit_code == 0 for o in outputs), [o.output for o in outputs]
    assert json.loads(outputs[0].output) == json.loads(outputs[1].output)


def test_regress_fails_when_a_constraint_is_weakened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_team_maximum(m: RosterModel) -> list[Term]:
        terms: list[Term] = []
        for insp in m.facts.scenario.inspections:
            team = [m.x[t] for t in m.by_inspection[insp.id]]
            short = m.model.new_int_var(0, insp.team_min, f"short[{insp.id}]")
            m.model.add(cp_model.LinearExpr.sum(team) + short >= insp.team_min)
            terms.append((m.facts.scenario.rules.costs.shortfall, short))
        return terms

    monkeypatch.setattr(constraints.team, "add", no_team_maximum)
    root = copy_samples(tmp_path, ["cohort"])
    (result,) = regress(root, config=SolveConfig(deterministic=True, deterministic_limit=3))
    assert not result.passed
    assert any("rule broken: team_size" in p for p in result.problems)


def test_regress_on_a_folder_with_no_samples_is_bad_input(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["regress", "--scenarios", str(tmp_path)])
    assert result.exit_code == 2 and "holds no sample scenarios" in result.output


def test_a_key_merged_from_the_base_beside_a_change_keeps_the_base_s_name_and_line(tmp_path: Path) -> None:
    """`change:` gives `secondees: {max: 3}`, deep-merged with the base's `{min: -1, max: 2}`:
    the bad `min` is the base's, named and placed as the base writes it."""
    write(
        tmp_path / "base.yaml",
        BASE.replace("week: 2026-09-14, secondees: 1", "week: 2026-09-14, secondees: {min: -1, max: 2}"),
    )
    path = write(
        tmp_path / "variant.yaml",
        "extends: base.yaml\nchange:\n  inspections:\n    peel-kent: {secondees: {max: 3}}\n",
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.key) == (
        str(tmp_path / "base.yaml"),
        5,
        "inspections[0].secondees.min",
    )
