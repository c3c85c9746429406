"""Replanning a published roster: rule 11 (history), changes and moves priced, changes.csv, bad input."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from ruamel.yaml import YAML
from typer.testing import CliRunner

from cli import app
from models import Scenario
from roster.analysis.check import check_report
from roster.facts import Facts
from roster.loading import Overrides, ScenarioError, load_scenario
from roster.outputs.folder import read_tables, write_folder
from roster.outputs.tables import Tables
from roster.solving import solve
from roster.workflows.replace import repairs
from tests.conftest import DETERMINISTIC, SCENARIOS, monday, solve_checked
from tests.test_bruteforce import brute_force, random_scenario


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def publish(tmp_path: Path, report: bool = False) -> Path:
    """The bundled cohort solved into `tmp_path/published` (with its reports, when asked): the
    roster a replan or a repair starts from."""
    published = tmp_path / "published"
    args = ["solve", str(SCENARIOS / "cohort.yaml"), "--out", str(published), "--deterministic", "--quiet"]
    code, output = run(*args, *(["--report"] if report else []))
    assert code == 0, output
    return published


def leaver(tmp_path: Path, published: Path) -> Path:
    """A replan of `published`: Paul M. (pm-88) leaves after the first four weeks, which are history."""
    variant = tmp_path / "leaver.yaml"
    variant.write_text(
        f"extends: {SCENARIOS / 'cohort.yaml'}\nname: leaver\n"
        f"baseline: {{roster: {published}, frozen_before: 2026-10-05}}\n"
        "change: {secondees: {pm-88: {available: [2026-09-07, 2026-10-02]}}}\n"
    )
    return variant


def rows_of(folder: Path) -> set[tuple[str, str, str]]:
    with open(folder / "roster.csv", encoding="utf-8") as handle:
        return {(r["secondee"], r["inspection"], r["week"]) for r in csv.DictReader(handle)}


def changes_of(folder: Path) -> list[dict[str, str]]:
    with open(folder / "changes.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# ----------------------------------------------------------------- rule 11


def test_a_leaver_after_week_4_keeps_history_and_changes_far_fewer_people(tmp_path: Path) -> None:
    published = rows_of_csv(SCENARIOS / "published" / "cohort-roster.csv")
    replan = load_scenario(SCENARIOS / "replan" / "leaver.yaml")
    solved = solve_checked(replan, tmp_path / "replan")
    first = "2026-10-05"
    now = rows_of(tmp_path / "replan")
    assert {r for r in published if r[2] < first} == {r for r in now if r[2] < first}  # rule 11
    assert solved.status == "optimal"
    changed = {c["secondee"] for c in changes_of(tmp_path / "replan")} - {"pm-88"}
    cold = load_scenario(SCENARIOS / "replan" / "leaver.yaml")
    cold_data = cold.model_dump(mode="json", exclude={"baseline"})
    cold_roster = solve_checked(Scenario.model_validate(cold_data), tmp_path / "cold")
    cold_rows = {(s, i, cold.monday(w).isoformat()) for s, i, w in cold_roster.assignments}
    cold_changed = {s for s, _, _ in published ^ cold_rows} - {"pm-88"}
    assert len(changed) <= 2 < 10 <= len(cold_changed)  # 1 and 17 when written
    summary = json.loads((tmp_path / "replan" / "summary.json").read_text())
    assert summary["baseline"]["frozen_before"] == first
    assert summary["baseline"]["frozen_assignments"] == len({r for r in published if r[2] < first})
    assert (
        summary["cost_terms"]["change"]
        == 300 * summary["baseline"]["changes"] + 1000 * summary["baseline"]["moves"]
    )


def rows_of_csv(path: Path) -> set[tuple[str, str, str]]:
    with open(path, encoding="utf-8") as handle:
        return {(r["secondee"], r["inspection"], r["week"]) for r in csv.DictReader(handle)}


@pytest.mark.parametrize("name", ["leaver", "moved", "added"])
def test_every_sample_replan_passes_the_checker_and_changes_csv_agrees_with_compare(
    tmp_path: Path, name: str
) -> None:
    out = tmp_path / name
    code, output = run(
        "solve", str(SCENARIOS / "replan" / f"{name}.yaml"), "--out", str(out), "--deterministic", "--quiet"
    )
    assert code == 0, output
    assert run("check", str(SCENARIOS / "replan" / f"{name}.yaml"), str(out))[0] == 0
    published = tmp_path / "published"
    published.mkdir()
    (published / "roster.csv").write_bytes((SCENARIOS / "published" / "cohort-roster.csv").read_bytes())
    (published / "summary.json").write_text(json.dumps({"status": "optimal", "objective": 0}))
    code, output = run("compare", str(published), str(out), "--json")
    assert code == 0, output
    compared = json.loads(output)["changes"][0]
    assert compared["replans_another"] is None  # the roster it replans: its changes.csv exactly
    listed = compared["changes"]
    key = ("secondee", "inspection", "week_before", "week_after", "change", "booking")
    assert sorted(tuple(c[k] for k in key) for c in listed) == sorted(
        tuple(c[k] for k in key) for c in changes_of(out)
    )
    # another roster (one row gone) is not the one the replan replans: compare says so
    other = tmp_path / "other"
    other.mkdir()
    lines = (published / "roster.csv").read_text().splitlines(keepends=True)
    (other / "roster.csv").write_text("".join(lines[:-1]))
    (other / "summary.json").write_text((published / "summary.json").read_text())
    code, output = run("compare", str(other), str(out))
    assert code == 0, output
    assert f"{name} replans another roster (../published/cohort-roster.csv), not other" in " ".join(
        output.split()
    )


def test_the_checker_names_every_break_of_history(tmp_path: Path) -> None:
    scenario = load_scenario(SCENARIOS / "replan" / "leaver.yaml")
    out = tmp_path / "out"
    solve_checked(scenario, out)
    tables = read_tables(out)
    roster = tables["roster"]
    early = roster[roster["week"] < "2026-10-05"].index[0]
    dropped = roster.drop(index=early)
    report = check_report(scenario, {"roster": dropped})
    assert [v.rule for v in report.violations if v.rule == "history"], report.violations
    moved = roster.copy()
    late = moved[moved["week"] >= "2026-10-05"].index[0]
    moved.loc[late, "week"] = "2026-09-28"  # a new row before frozen_before
    assert any(v.rule == "history" for v in check_report(scenario, {"roster": moved}).violations)


# ------------------------------------------------------ changes.csv by hand

PUBLISHED = """\
inspection,week,secondee,arrangement
k,2026-09-14,a,hotel
k,2026-09-14,b,commute
e,2026-09-28,a,hotel
e,2026-09-28,c,hotel
"""


def small_replan(tmp_path: Path, variant: str) -> Path:
    (tmp_path / "published.csv").write_text(PUBLISHED)
    (tmp_path / "base.yaml").write_text(
        """\
name: Small programme
start: 2026-09-07
weeks: 5
inspections:
  - {id: k, body: kent-police, week: 2026-09-14, secondees: 2}
  - {id: e, body: essex-police, window: [2026-09-28, 2026-10-05], secondees: 2}
secondees:
  - {id: a, name: Ann A., service: lancashire-police, background: police, rank: sergeant, home: Preston}
  - {id: b, name: Bob B., service: essex-police, background: police, rank: inspector, home: {lat: 51.27, lon: 0.53}}
  - {id: c, name: Cat C., service: surrey-police, background: police, rank: inspector, home: Preston}
  - {id: d, name: Dan D., service: surrey-police, background: police, rank: inspector, home: Preston}
"""
    )
    path = tmp_path / "replan.yaml"
    path.write_text(
        "extends: base.yaml\nbaseline: {roster: published.csv, frozen_before: 2026-09-21}\n" + variant
    )
    return path


def test_changes_csv_against_a_hand_computed_case(tmp_path: Path) -> None:
    # Cat leaves after week 2, and Essex moves a week later. Bob comes from Essex Police, so the
    # only team e can have is Ann and Dan: Ann moves with e (a hotel either side: amend), Cat
    # leaves (cancel), Dan joins (book), and e is one move. k ran before frozen_before.
    path = small_replan(
        tmp_path,
        "change:\n  secondees: {c: {available: [2026-09-07, 2026-09-25]}}\n"
        "  inspections: {e: {week: 2026-10-05}}\n",
    )
    out = tmp_path / "out"
    scenario = load_scenario(path)
    solved = solve_checked(scenario, out)
    rows = {(r["secondee"], r["change"]): r for r in changes_of(out)}
    assert (
        rows[("a", "moved")]["week_before"] == "2026-09-28"
        and rows[("a", "moved")]["week_after"] == "2026-10-05"
    )
    assert rows[("a", "moved")]["booking"] == "amend"  # a hotel before and after: other dates
    # The published stay is what was booked (its arrangement column says hotel, from Monday); the
    # new one follows the rules: Preston to Essex is over 3 hours, so from the night before.
    assert rows[("a", "moved")]["check_in_before"] == "2026-09-28"
    assert rows[("a", "moved")]["check_in_after"] == "2026-10-04"
    assert rows[("c", "left")]["booking"] == "cancel" and rows[("c", "left")]["week_after"] == ""
    assert rows[("d", "joined")]["booking"] == "book" and rows[("d", "joined")]["week_before"] == ""
    assert (
        rows[("d", "joined")]["check_in_after"] == "2026-10-04"
        and rows[("d", "joined")]["check_out_after"] == "2026-10-09"
    )
    assert len(rows) == 3
    summary = json.loads((out / "summary.json").read_text())
    assert summary["baseline"] | {"sha256": ""} == {
        "roster": "published.csv",
        "sha256": "",
        "frozen_before": "2026-09-21",
        "frozen_assignments": 2,
        "changes": 3,
        "moves": 1,
        "moved_inspections": ["e"],
    }
    assert solved.cost_terms["change"] == 3 * 300 + 1000


def test_a_published_roster_with_no_rows_makes_every_pair_a_change(tmp_path: Path) -> None:
    """Nothing was published: every pair of the replan joins, and each is priced and listed (the
    engine and the costing said 0 changes while booking-changes.csv listed every stay to book)."""
    path = small_replan(tmp_path, "")
    (tmp_path / "published.csv").write_text("inspection,week,secondee\n")
    path.write_text("extends: base.yaml\nbaseline: {roster: published.csv}\n")
    out = tmp_path / "out"
    solved = solve_checked(load_scenario(path), out)
    rows = changes_of(out)
    assert len(rows) == len(solved.assignments) > 0 and {r["change"] for r in rows} == {"joined"}
    assert solved.cost_terms["change"] == 300 * len(rows)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["baseline"]["changes"] == len(rows) and summary["cost_terms"]["change"] == 300 * len(rows)


def test_a_removed_secondee_with_no_history_simply_leaves(tmp_path: Path) -> None:
    # c was only published after frozen_before: removing c is allowed, and both of c's rows... c had one.
    path = small_replan(tmp_path, "remove: {secondees: [c]}\n")
    out = tmp_path / "out"
    solve_checked(load_scenario(path), out)
    assert ("c", "e", "2026-09-28", "", "left", "cancel") in {
        (r["secondee"], r["inspection"], r["week_before"], r["week_after"], r["change"], r["booking"])
        for r in changes_of(out)
    }


# -------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("variant", "file", "line", "key", "words"),
    [
        ("remove: {secondees: [a]}\n", "replan.yaml", 3, "remove.secondees", "keeps their past"),
        (
            "change: {inspections: {k: {week: 2026-09-21}}}\n",
            "replan.yaml",
            3,
            "inspections[0].week",
            "cannot be moved",
        ),
        ("remove: {inspections: [k]}\n", "replan.yaml", 3, "remove.inspections", "cannot be removed"),
        (
            "change: {secondees: {b: {away: [2026-09-14]}}}\n",
            "replan.yaml",
            3,
            "secondees[1].away",
            "cannot be marked away",
        ),
        (
            "change: {secondees: {b: {available: [2026-09-07, 2026-09-16]}}}\n",
            "replan.yaml",
            3,
            "secondees[1].available",
            "keeps their past",
        ),
    ],
    ids=["leaver-removed", "ran-moved", "ran-removed", "away-in-a-worked-week", "secondment-ended-before"],
)
def test_a_baseline_the_scenario_contradicts_is_bad_input(
    tmp_path: Path, variant: str, file: str, line: int, key: str, words: str
) -> None:
    path = small_replan(tmp_path, variant)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert any(
        p.file.endswith(file) and p.line == line and p.key == key and words in p.message
        for p in info.value.problems
    ), info.value.problems
    code, output = run("solve", str(path), "--out", str(tmp_path / "out"))
    assert code == 2 and f"{file}:{line}" in output and "Traceback" not in output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("published", "line", "words"),
    [
        ("inspection,week,secondee\nk,2026-09-14,zed\n", 2, "secondee `zed`"),
        ("inspection,week,secondee\nq,2026-09-14,a\n", 2, "inspection `q`"),
        ("inspection,week,secondee\nk,2026-09-15,a\n", 2, "Tuesday"),
        ("inspection,week,secondee\nk,2026-09-14,a\nk,2026-09-21,b\n", 3, "one week"),
        ("inspection,secondee\nk,a\n", 2, "no column(s) week"),
        # a row given twice, in a frozen week: said once (not also as two places at once, unlocated)
        ("inspection,week,secondee\nk,2026-09-14,a\nk,2026-09-14,a\n", 3, "`a` is listed on k twice"),
    ],
    ids=[
        "unknown-secondee",
        "unknown-inspection",
        "not-a-monday",
        "two-weeks",
        "no-week-column",
        "a-row-twice",
    ],
)
def test_a_published_roster_that_cannot_be_read_is_bad_input(
    tmp_path: Path, published: str, line: int, words: str
) -> None:
    path = small_replan(tmp_path, "")
    (tmp_path / "published.csv").write_text(published)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    (problem,) = info.value.problems
    assert words in problem.message, problem
    assert problem.line == line or problem.file.endswith("replan.yaml")


def test_a_missing_baseline_is_bad_input_at_its_key(tmp_path: Path) -> None:
    path = small_replan(tmp_path, "")
    (tmp_path / "published.csv").unlink()
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    (problem,) = info.value.problems
    assert (Path(problem.file).name, problem.line, problem.key) == ("replan.yaml", 2, "baseline.roster")


def test_command_line_baseline_and_frozen_before(tmp_path: Path) -> None:
    path = small_replan(tmp_path, "")
    base = tmp_path / "base.yaml"
    out = tmp_path / "out"
    code, output = run(
        "solve",
        str(base),
        "--baseline",
        str(tmp_path / "published.csv"),
        "--frozen-before",
        "2026-09-21",
        "--out",
        str(out),
        "--deterministic",
        "--quiet",
    )
    assert code == 0, output
    summary = json.loads((out / "summary.json").read_text())
    assert (
        summary["baseline"]["frozen_before"] == "2026-09-21"
        and summary["baseline"]["frozen_assignments"] == 2
    )
    assert (
        run(
            "check",
            str(base),
            str(out),
            "--baseline",
            str(tmp_path / "published.csv"),
            "--frozen-before",
            "2026-09-21",
        )[0]
        == 0
    )
    assert run("solve", str(path), "--frozen-before", "2026-09-22", "--out", str(out))[0] == 2  # not a Monday
    code, output = run("solve", str(path), "--frozen-before", "2027-09-20", "--out", str(out))
    assert code == 2 and "after the horizon's last week" in output and "Traceback" not in output, output


# ------------------------------------------------------ brute force replans


@pytest.mark.parametrize("seed", range(60))
def test_engine_matches_brute_force_on_small_replans(tmp_path: Path, seed: int) -> None:
    rng = random.Random(1000 + seed)
    original = random_scenario(rng)
    first = solve(original, DETERMINISTIC)
    if not first.has_roster:
        pytest.skip("the random programme cannot be placed at all")
    frozen = rng.randrange(1, original.weeks)
    data: dict[str, Any] = original.model_dump(mode="json")
    data["rules"]["costs"] |= {"change": rng.choice([0, 50, 300]), "move": rng.choice([0, 200, 1000])}
    # a change that leaves history alone: someone's secondment ends, or an unpublished week opens
    if rng.random() < 0.5:
        who = rng.choice(data["secondees"])
        who["available"] = [
            "2026-09-07",
            (dt.date(2026, 9, 7) + dt.timedelta(weeks=frozen, days=-3)).isoformat(),
        ]
    else:
        late = [
            i for i in data["inspections"] if i["id"] not in first.weeks or first.weeks[i["id"]] >= frozen
        ]
        if late:
            insp = rng.choice(late)
            insp.pop("week", None)
            insp["window"] = [monday(frozen), monday(original.weeks - 1)]
    (tmp_path / "published.csv").write_text(
        "inspection,week,secondee\n" + "".join(f"{i},{monday(w)},{s}\n" for s, i, w in first.assignments)
    )
    data["baseline"] = {"roster": "published.csv", "frozen_before": monday(frozen)}
    path = tmp_path / "replan.yaml"
    with open(path, "w", encoding="utf-8") as handle:
        YAML(typ="safe").dump(data, handle)
    try:
        scenario = load_scenario(path)
    except ScenarioError as exc:  # the change happened to contradict history: bad input, as it should
        pytest.skip(f"the random change contradicts history: {exc.problems[0].message[:80]}")
    facts = Facts(scenario)
    result = solve(facts, DETERMINISTIC)
    best = brute_force(scenario, history_cost(scenario, first.assignments, first.weeks, frozen))
    if best is None:
        assert result.status == "infeasible"
        return
    assert result.status == "optimal" and result.objective == best
    write_folder(tmp_path / "out", Tables(facts, result).files())
    report = check_report(scenario, read_tables(tmp_path / "out"))
    assert report.valid, report.violations


def history_cost(sc: Scenario, published: Any, published_weeks: Any, frozen: int) -> Any:
    """Rule 11 and the change and move costs, read plainly: for the brute force's `extra`."""
    costs = sc.rules.costs
    before = {(s, i): w for s, i, w in published}
    was_run = dict(published_weeks)
    staffed = {i for _, i, _ in published}
    fixed = {i.id: weeks[0] for i in sc.inspections if len(weeks := sc.allowed_weeks(i)) == 1}

    def extra(weeks: tuple[int, ...], teams: tuple[Any, ...]) -> int | None:
        after = {
            (p.id, insp.id): w
            for insp, w, team in zip(sc.inspections, weeks, teams, strict=True)
            for p in team
        }
        runs = {insp.id: w for insp, w in zip(sc.inspections, weeks, strict=True)}
        for pair, w in before.items():
            if w < frozen and after.get(pair) != w:
                return None
        for pair, w in after.items():
            if w < frozen and before.get(pair) != w:
                return None
        for i, w in runs.items():
            ran_unstaffed = i not in staffed and fixed.get(i) == w  # nobody published on it, its week fixed
            if w < frozen and not (i in staffed and was_run.get(i) == w) and not ran_unstaffed:
                return None
        for i in staffed:
            if was_run[i] < frozen and runs.get(i) != was_run[i]:
                return None
        changes = sum(1 for pair, w in before.items() if w >= frozen and after.get(pair) != w)
        changes += sum(1 for pair in after if pair not in before)
        moves = sum(1 for i in staffed if was_run[i] >= frozen and runs.get(i) != was_run[i])
        return costs.change * changes + costs.move * moves

    return extra


# ------------------------------------------------------------------ replace


def test_replace_offers_checked_rosters_without_the_pair_best_first(tmp_path: Path) -> None:
    published = publish(tmp_path)
    with open(published / "inspections.csv", encoding="utf-8") as handle:
        tight = {r["inspection"] for r in csv.DictReader(handle) if r["team_size"] == r["min"]}
    who, inspection, week = sorted(r for r in rows_of(published) if r[2] >= "2026-10-12" and r[1] in tight)[0]
    scenario = load_scenario(SCENARIOS / "cohort.yaml", Overrides(baseline=str(published)))
    found = repairs(scenario, who, inspection, count=3, config=DETERMINISTIC)
    assert found and [r.rank for r in found] == list(range(1, len(found) + 1))
    costs = [r.result.objective or 0 for r in found]
    assert costs == sorted(costs)  # best first
    offered = [tuple(r.instead) for r in found]
    assert len(set(offered)) == len(offered)  # each offers someone else
    for r in found:
        out = tmp_path / f"repair-{r.rank}"
        write_folder(out, r.tables.files())
        report = check_report(scenario, read_tables(out))
        assert report.valid, report.violations
        assert (who, inspection, week) not in rows_of(out)
        assert r.extra - found[0].extra == (r.result.objective or 0) - costs[0]
        # each next repair searches a copy of the first one's model, its new exclusions fixed at 0:
        # proven at the optimum of a model built for its own facts
        assert r.result.status == "optimal"
        assert solve(r.facts, DETERMINISTIC).objective == r.result.objective
    code, output = run(
        "replace",
        str(published),
        who,
        "--inspection",
        inspection,
        "--deterministic",
        "--out",
        str(tmp_path / "chosen"),
        "--choose",
        "2",
    )
    assert code in (0, 1), output
    assert "Repairs, best first" in output and (tmp_path / "chosen" / "changes.csv").exists()
    assert (
        run("check", str(SCENARIOS / "cohort.yaml"), str(tmp_path / "chosen"), "--baseline", str(published))[
            0
        ]
        == 0
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["nobody", "--inspection", "peel-kent-1"], "unknown secondee `nobody`"),
        (["me-33"], "say what Mark E. cannot do: --inspection ID"),
        (["nobody"], "unknown secondee `nobody`"),  # the unknown secondee before the missing option
        (["me-33", "--inspection", "peel-kent-1"], "nothing to replace"),
        (["me-33", "--week", "2026-09-15"], "Tuesday"),
        (["me-33", "--week", "2026-09-14", "--frozen-before", "2026-10-05"], "history cannot be repaired"),
    ],
)
def test_replace_bad_requests_are_bad_input(tmp_path: Path, args: list[str], words: str) -> None:
    published = publish(tmp_path)
    code, output = run("replace", str(published), *args, "--out", str(tmp_path / "out"))
    assert code == 2 and words in output and "Traceback" not in output, output
    assert not (tmp_path / "out").exists()


def test_replace_says_when_the_scenario_changed_after_the_folder_was_solved(tmp_path: Path) -> None:
    """The repairs keep to the scenario as it is now: said, not silent; a scenario gone is named."""
    scenario = tmp_path / "small.yaml"
    scenario.write_bytes((SCENARIOS / "small.yaml").read_bytes())
    out = tmp_path / "out"
    assert run("solve", str(scenario), "--out", str(out), "--deterministic", "--quiet")[0] == 0
    first = sorted(rows_of(out))[0]
    ask = ["replace", str(out), first[0], "--inspection", first[1], "--deterministic"]
    later = (out / "summary.json").stat().st_mtime + 60
    os.utime(scenario, (later, later))  # edited after the solve
    code, output = run(*ask, "--out", str(tmp_path / "a"))
    assert code in (0, 1) and f"{scenario} changed after {out} was solved from it" in " ".join(output.split())
    scenario.unlink()
    code, output = run(*ask, "--out", str(tmp_path / "b"))
    assert code == 2 and "which is no longer there: give --scenario FILE" in " ".join(output.split())


def test_repairs_of_a_replanned_folder_say_what_now_costs_beside_its_summarys_cost(tmp_path: Path) -> None:
    """A folder that is itself a replan states a cost with its own changes in it; the repairs'
    "more than now" is against the roster as it stands, and the table says both."""
    published = publish(tmp_path)
    variant = leaver(tmp_path, published)
    replanned = tmp_path / "replan"
    assert run("solve", str(variant), "--out", str(replanned), "--deterministic", "--quiet")[0] == 0
    summary = json.loads((replanned / "summary.json").read_text())
    paid = summary["cost_terms"]["change"]
    assert paid > 0
    who, inspection, _ = sorted(r for r in rows_of(replanned) if r[2] >= "2026-10-12")[0]
    code, output = run(
        "replace",
        str(replanned),
        who,
        "--inspection",
        inspection,
        "--deterministic",
        "--out",
        str(tmp_path / "r"),
    )
    assert code in (0, 1), output
    text = " ".join(output.split())
    now = summary["objective"] - paid
    assert f"against the roster in hand, £{now:,} as it stands" in text
    assert f"its summary's £{summary['objective']:,} also counts the £{paid:,} of changes" in text


def _events(folder: Path, person: str) -> dict[str, Any]:
    calendar = Calendar.from_ical((folder / "calendars" / f"{person}.ics").read_bytes())
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


@pytest.mark.parametrize("later", [False, True], ids=["replace --report", "report after replace"])
def test_a_repair_updates_the_calendars_of_the_folder_it_repairs(tmp_path: Path, later: bool) -> None:
    """The calendars a repair writes (with --report, or by `roster report` on its folder later)
    update those of the published folder: the one taken off is sent a cancellation."""
    published = publish(tmp_path, report=True)
    who, inspection, _ = sorted(r for r in rows_of(published) if r[2] >= "2026-10-12")[0]
    out = tmp_path / "repaired"
    args = ["replace", str(published), who, "--inspection", inspection, "--deterministic", "--out", str(out)]
    code, output = run(*args, *([] if later else ["--report"]))
    assert code in (0, 1), output
    if later:
        assert not (out / "calendars").exists()
        code, output = run("report", str(out))
        assert code == 0, output
    team = {r[0] for r in rows_of(out) if r[1] == inspection}
    before = {r[0] for r in rows_of(published) if r[1] == inspection}
    assert who not in team and team & before  # (a flexible team may just lose a place)
    gone = _events(out, who)[f"inspection-{inspection}-{who}@roster"]
    assert str(gone["STATUS"]) == "CANCELLED" and int(str(gone["SEQUENCE"])) >= 1
    for stayed in team & before:  # their event names the team, which changed: sent again
        event = _events(out, stayed)[f"inspection-{inspection}-{stayed}@roster"]
        assert str(event.get("STATUS", "")) != "CANCELLED" and int(str(event["SEQUENCE"])) >= 1
    assert run("check", str(SCENARIOS / "cohort.yaml"), str(out), "--baseline", str(published))[0] == 0


# ---------------------------------------- what the booking team and secondees get


def test_a_replan_of_a_published_folder_cancels_stays_and_notices_the_bookings(tmp_path: Path) -> None:
    published = publish(tmp_path, report=True)
    variant = leaver(tmp_path, published)
    out = tmp_path / "replan"
    code, output = run("solve", str(variant), "--out", str(out), "--deterministic", "--quiet", "--report")
    assert code == 0, output
    assert run("check", str(variant), str(out))[0] == 0
    left = [c for c in changes_of(out) if c["secondee"] == "pm-88"]
    assert left and all(c["change"] == "left" for c in left)
    calendar = Calendar.from_ical((out / "calendars" / "pm-88.ics").read_bytes())
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    for c in left:  # every event of a stay the replan removes is sent again, cancelled
        for uid in (f"inspection-{c['inspection']}-pm-88@roster", f"hotel-{c['inspection']}-pm-88@roster"):
            if uid in events:
                assert str(events[uid]["STATUS"]) == "CANCELLED" and int(str(events[uid]["SEQUENCE"])) >= 1
    with open(out / "booking-changes.csv", encoding="utf-8") as handle:
        notices = list(csv.DictReader(handle))
    changed = {c["inspection"] for c in changes_of(out) if c["booking"] != "none"}
    assert {n["inspection"] for n in notices} == changed  # every block whose guests or dates change
    for n in notices:
        assert n["action"] in ("book", "cancel", "amend") and n["what"]
    assert "booking-changes" in (out / "report.html").read_text()
    # who to tell: every change, in words, in the workbook and the page
    from openpyxl import load_workbook

    every = changes_of(out)
    sheet = load_workbook(out / "roster.xlsx")["Changes"]
    listed = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]]
    assert len(listed) == len(every) > 0
    assert {(r[7], r[6]) for r in listed} == {(c["secondee"], c["inspection"]) for c in every}
    assert all(r[0] != r[7] and r[1] in ("joins", "leaves", "moves") for r in listed)  # names and words
    page = (out / "report.html").read_text()
    assert page.count('<tr data-secondee="') == len(every) and "Who to tell" in page


def test_a_secondee_may_be_named_as_shown_on_the_command_line_and_a_name_in_a_roster_gets_the_id(
    tmp_path: Path,
) -> None:
    """`--drop-secondee "Paul M."` and `roster replace FOLDER "Paul M."` name a secondee as the
    outputs show them; a roster.csv naming someone by name is told the id to use."""
    published = publish(tmp_path)
    scenario = load_scenario(SCENARIOS / "cohort.yaml")
    who, inspection, _ = sorted(r for r in rows_of(published) if r[2] >= "2026-10-12")[0]
    name = scenario.secondee(who).label
    dropped = tmp_path / "dropped"
    code, output = run(
        "solve",
        str(SCENARIOS / "cohort.yaml"),
        "--drop-secondee",
        name,
        "--out",
        str(dropped),
        "--deterministic",
    )
    assert code in (0, 1), output
    assert who not in {r[0] for r in rows_of(dropped)}
    assert json.loads((dropped / "summary.json").read_text())["overrides"] == [f"--drop-secondee {name}"]
    code, output = run(
        "replace",
        str(published),
        name.upper(),
        "--inspection",
        inspection,
        "--deterministic",
        "--out",
        str(tmp_path / "r"),
    )
    assert code in (0, 1), output
    assert (who, inspection) not in {(r[0], r[1]) for r in rows_of(tmp_path / "r")}
    edited = tmp_path / "edited.csv"
    text = (published / "roster.csv").read_text(encoding="utf-8")
    edited.write_text(text.replace(f",{who},", f",{name},"), encoding="utf-8")
    code, output = run(
        "rebuild", str(SCENARIOS / "cohort.yaml"), str(edited), "--out", str(tmp_path / "rebuilt")
    )
    assert code == 2 and f"`{name}` is the name of `{who}`: give the id here" in output, output
