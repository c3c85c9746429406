"""`roster rebuild`: every output file from a roster edited by hand, agreeing with the checker."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli import app
from models import Scenario
from roster.analysis.check import REQUIRED, check_report
from roster.loading import load_scenario
from roster.outputs.folder import SOLVED_FILES, read_tables, write_folder
from roster.workflows.rebuild import RosterInputError, rebuild
from tests.conftest import SCENARIOS, solve_checked

SMALL = SCENARIOS / "small.yaml"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, table: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    columns = columns or list(table[0])
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(table)
    return path


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("solved") / "small"
    solve_checked(load_scenario(SMALL), out)
    return out


def test_an_edited_folder_is_refused_by_report_and_rebuild_is_the_remedy(
    solved: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "published"
    write_folder(
        folder, {name: (solved / name).read_bytes() for name in SOLVED_FILES if (solved / name).exists()}
    )
    table = rows(folder / "roster.csv")
    team = {r["secondee"] for r in table if r["inspection"] == "peel-surrey"}
    moved = next(r for r in table if r["inspection"] == "peel-surrey")
    moved["secondee"] = next(s for s in ("rs", "cd", "gh", "ab") if s not in team)  # stale columns left
    edited = write_rows(tmp_path / "edited.csv", table)
    (folder / "roster.csv").write_bytes(edited.read_bytes())  # edited in place, as a lead would
    code, output = run("report", str(folder))
    assert code == 2 and "roster rebuild" in output

    out = tmp_path / "rebuilt"
    code, output = run("rebuild", str(SMALL), str(folder / "roster.csv"), "--out", str(out))
    expected = check_report(load_scenario(SMALL), {"roster": pd.DataFrame(table)[list(REQUIRED)]})
    assert code == (0 if expected.valid and "shortfall" not in output else 1), output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["source"] == f"rebuilt from {folder / 'roster.csv'}"
    assert summary["violations"] == [v.as_dict() for v in expected.violations]
    assert summary["status"] == "feasible" and summary["objective"] == expected.objective
    assert "Recomputed from the rules" in output  # the stale travel columns of the moved row
    folder_check = check_report(load_scenario(SMALL), read_tables(out))
    assert folder_check.valid == expected.valid and folder_check.objective == expected.objective
    code, output = run("report", str(out), "--format", "xlsx,html")  # its manifest is fresh
    assert code == 0, output
    html = (out / "report.html").read_text()
    assert "Rebuilt from" in html and f"£{expected.objective:,}" in html


def test_a_roster_that_breaks_rules_is_rebuilt_exits_1_and_lists_them(solved: Path, tmp_path: Path) -> None:
    table = rows(solved / "roster.csv")
    teams: dict[tuple[str, str], set[str]] = {}
    for r in table:
        teams.setdefault((r["week"], r["inspection"]), set()).add(r["secondee"])
    (week, a), (_, b) = next(
        (x, y) for x in teams for y in teams if x[0] == y[0] and x[1] != y[1] and teams[x] - teams[y]
    )
    table.append({"inspection": b, "week": week, "secondee": sorted(teams[(week, a)] - teams[(week, b)])[0]})
    edited = write_rows(tmp_path / "twice.csv", table, list(REQUIRED))
    out = tmp_path / "out"
    code, output = run("rebuild", str(SMALL), str(edited), "--out", str(out))
    assert code == 1 and "rule 3, one place at a time" in output and "rule(s) broken" in output
    summary = json.loads((out / "summary.json").read_text())
    assert [v["rule"] for v in summary["violations"]].count("one_place") == 1
    code, output = run("check", str(SMALL), str(out))
    assert code == 1 and "one place at a time" in output


def test_an_inspection_left_without_rows_or_a_fixed_week_has_no_week(solved: Path, tmp_path: Path) -> None:
    scenario = load_scenario(SMALL)
    table = [r for r in rows(solved / "roster.csv") if r["inspection"] != "peel-essex"]  # a window
    edited = pd.DataFrame(table)
    built = rebuild(scenario, edited, "edited.csv")
    out = tmp_path / "out"
    write_folder(out, built.tables.files())
    inspections = {r["inspection"]: r for r in rows(out / "inspections.csv")}
    assert inspections["peel-essex"]["week"] == "" and inspections["peel-essex"]["shortfall"] == "2"
    short = {s["inspection"]: s for s in json.loads((out / "summary.json").read_text())["shortfalls"]}
    assert short["peel-essex"]["week"] == "" and "has no week" in short["peel-essex"]["reason"]
    assert short["peel-essex"]["places"] == 2 and short["peel-essex"]["experienced_missing"] == 1
    assert check_report(scenario, read_tables(out)).valid == check_report(scenario, {"roster": edited}).valid


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"secondee": "nobody"}, "unknown secondee `nobody`"),
        ({"inspection": "peel-nowhere"}, "unknown inspection `peel-nowhere`"),
        ({"week": "2026-09-15"}, "is not a Monday"),
        ({"week": "15/09/2026"}, "expected a date like 2026-09-14"),
    ],
)
def test_rows_that_name_unknown_ids_or_bad_weeks_are_bad_input(
    change: dict[str, str], words: str, solved: Path, tmp_path: Path
) -> None:
    table = rows(solved / "roster.csv")
    table[1] = {**table[1], **change}
    edited = write_rows(tmp_path / "bad.csv", table)
    code, output = run("rebuild", str(SMALL), str(edited), "--out", str(tmp_path / "out"))
    assert code == 2 and words in output and "nothing written" in output
    assert not (tmp_path / "out").exists()


def test_bad_files_are_bad_input(solved: Path, tmp_path: Path) -> None:
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("inspection,week,secondee\npeel-kent,2026-09-14,ab,extra\n")
    a_file = tmp_path / "file"
    a_file.write_text("x")
    for args in (
        [str(SMALL), str(tmp_path / "missing.csv"), "--out", str(tmp_path / "o")],
        [str(SMALL), str(ragged), "--out", str(tmp_path / "o")],
        [str(SMALL), str(solved / "roster.csv"), "--out", str(a_file)],
        [str(SMALL), str(solved / "roster.csv"), "--out", str(solved)],  # the roster is inside it
        [str(tmp_path / "missing.yaml"), str(solved / "roster.csv"), "--out", str(tmp_path / "o")],
    ):
        code, output = run("rebuild", *args)
        assert code == 2 and "Traceback" not in output, (args, output)
    assert "4 cells, but the header has 3" in run("check", str(SMALL), str(ragged))[1]


@st.composite
def edits(draw: st.DrawFn, scenario: Scenario, table: list[dict[str, str]]) -> pd.DataFrame:
    """A roster edited by hand: rows dropped, moved to other weeks, given to other secondees, added."""
    out = [dict(r) for r in table if draw(st.booleans()) or draw(st.booleans())]
    mondays = [m.isoformat() for m in scenario.mondays]
    people = [p.id for p in scenario.secondees]
    for row in out:
        if draw(st.integers(0, 4)) == 0:
            row["week"] = draw(st.sampled_from(mondays))
        if draw(st.integers(0, 4)) == 0:
            row["secondee"] = draw(st.sampled_from(people))
    for _ in range(draw(st.integers(0, 2))):
        out.append(
            {
                "inspection": draw(st.sampled_from([i.id for i in scenario.inspections])),
                "week": draw(st.sampled_from(mondays)),
                "secondee": draw(st.sampled_from(people)),
            }
        )
    frame = pd.DataFrame(out, columns=list(REQUIRED))
    return frame.drop_duplicates(["inspection", "secondee"])


def test_a_rebuilt_folder_passes_check_exactly_when_its_roster_does(solved: Path, tmp_path: Path) -> None:
    scenario = load_scenario(SMALL)
    table = rows(solved / "roster.csv")
    seen = {True: 0, False: 0}

    @settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
    @given(edited=edits(scenario, table))
    def agree(edited: pd.DataFrame) -> None:
        try:
            built = rebuild(scenario, edited, "edited.csv")
        except RosterInputError:
            return
        out = tmp_path / "out"
        write_folder(out, built.tables.files())
        alone = check_report(scenario, {"roster": edited})
        folder = check_report(scenario, read_tables(out))
        assert folder.valid == alone.valid, (alone.violations, folder.violations)
        assert folder.objective == alone.objective == built.tables.summary["objective"]
        assert built.tables.summary["violations"] == [v.as_dict() for v in alone.violations]
        seen[alone.valid] += 1

    agree()
    assert seen[True] and seen[False]  # both kinds were tried


def test_rebuilding_a_replan_keeps_its_changes_and_its_cost(tmp_path: Path) -> None:
    scenario = load_scenario(SCENARIOS / "replan" / "leaver.yaml")
    solved = solve_checked(scenario, tmp_path / "solved")
    built = rebuild(scenario, read_tables(tmp_path / "solved")["roster"], "roster.csv")
    assert built.violations == [] and built.tables.summary["objective"] == solved.objective
    files = built.tables.files()
    assert files["changes.csv"] == (tmp_path / "solved" / "changes.csv").read_text()
    write_folder(tmp_path / "rebuilt", files)
    assert check_report(scenario, read_tables(tmp_path / "rebuilt")).valid


def test_rebuild_against_the_published_roster_lists_the_changes_and_keeps_history(tmp_path: Path) -> None:
    """`rebuild --baseline` writes changes.csv and booking-changes.csv against the roster the edit
    was made to; an edit inside the frozen weeks breaks rule 11, and the check says so."""
    cohort = SCENARIOS / "cohort.yaml"
    published = tmp_path / "published"
    code, output = run("solve", str(cohort), "--out", str(published), "--deterministic", "--quiet")
    assert code == 0, output
    table = rows(published / "roster.csv")
    busy: dict[str, set[str]] = {}
    for r in table:
        busy.setdefault(r["week"], set()).add(r["secondee"])
    everyone = sorted({r["secondee"] for r in table})

    def swapped(in_frozen: bool) -> tuple[Path, tuple[str, str, str]]:
        edited = [dict(r) for r in table]
        n = next(k for k, r in enumerate(edited) if (r["week"] < "2026-10-05") == in_frozen)
        row = edited[n]
        other = next(s for s in everyone if s not in busy[row["week"]])
        swap = (row["secondee"], other, row["inspection"])
        row["secondee"] = other
        return write_rows(tmp_path / f"edited-{in_frozen}.csv", edited), swap

    edited, (was, now, inspection) = swapped(in_frozen=False)
    out = tmp_path / "rebuilt"
    args = ["--baseline", str(published), "--frozen-before", "2026-10-05", "--out", str(out)]
    code, output = run("rebuild", str(cohort), str(edited), *args)
    assert code in (0, 1), output
    changes = {(r["secondee"], r["inspection"], r["change"]) for r in rows(out / "changes.csv")}
    assert changes == {(was, inspection, "left"), (now, inspection, "joined")}
    assert (out / "booking-changes.csv").exists()
    assert run("check", str(cohort), str(out), "--baseline", str(published), "--frozen-before", "2026-10-05")[
        0
    ] in (0, 1)
    frozen, _ = swapped(in_frozen=True)
    code, output = run("rebuild", str(cohort), str(frozen), *args[:-1], str(tmp_path / "history"))
    assert code == 1 and "rule 11, history: " in output and "Traceback" not in output, output


# ------------------------------------------------------------- the workbook


@pytest.fixture(scope="module")
def workbook(solved: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The solved folder with its reports: roster.xlsx, whose Roster sheet a planner edits."""
    folder = tmp_path_factory.mktemp("reported") / "small"
    write_folder(
        folder, {name: (solved / name).read_bytes() for name in SOLVED_FILES if (solved / name).exists()}
    )
    code, output = run("report", str(folder))
    assert code == 0, output
    return folder


def edited_grid(workbook: Path, tmp_path: Path, edit: dict[tuple[str, str], object]) -> Path:
    """A copy of roster.xlsx (beside a copy of its folder's inspections.csv) with the cells of
    (secondee id, ISO Monday) set as given."""
    from openpyxl import load_workbook

    book = load_workbook(workbook / "roster.xlsx")
    sheet = book["Roster"]
    header = [c.value for c in sheet[1]]
    columns = {v.date().isoformat(): n for n, v in enumerate(header, start=1) if hasattr(v, "date")}
    lines = {sheet.cell(row=r, column=2).value: r for r in range(2, sheet.max_row + 1)}
    for (secondee, monday), value in edit.items():
        sheet.cell(row=lines[secondee], column=columns[monday], value=value)
    path = tmp_path / "edited" / "roster.xlsx"
    path.parent.mkdir(exist_ok=True)
    book.save(path)
    (path.parent / "inspections.csv").write_bytes((workbook / "inspections.csv").read_bytes())
    return path


def test_the_workbook_s_roster_sheet_rebuilds_the_roster_it_shows(workbook: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = run("rebuild", str(SMALL), str(workbook / "roster.xlsx"), "--out", str(out))
    assert code == 0, output
    assert "add --baseline" in output  # the folder's roster.csv, against which to list the changes
    key = ["inspection", "week", "secondee"]
    assert sorted(tuple(r[k] for k in key) for r in rows(out / "roster.csv")) == sorted(
        tuple(r[k] for k in key) for r in rows(workbook / "roster.csv")
    )
    summary = json.loads((out / "summary.json").read_text())
    assert summary["objective"] == json.loads((workbook / "summary.json").read_text())["objective"]
    assert run("check", str(SMALL), str(out))[0] == 0


def test_a_cell_moved_in_the_workbook_is_rebuilt_and_checked(workbook: Path, tmp_path: Path) -> None:
    """A secondee taken off one team (`off`) and put on another in a week they were off."""
    scenario = load_scenario(SMALL)
    body = {i.id: i.body for i in scenario.inspections}
    week_of = {r["inspection"]: r["week"] for r in rows(workbook / "inspections.csv")}
    doing = {(r["secondee"], r["week"]): r["activity"] for r in rows(workbook / "weeks.csv")}
    s, i, w = next((r["secondee"], r["inspection"], r["week"]) for r in rows(workbook / "roster.csv"))
    j = next(j for j in week_of if j != i and doing.get((s, week_of[j])) == "off")
    path = edited_grid(workbook, tmp_path, {(s, w): "off", (s, week_of[j]): body[j]})
    out = tmp_path / "out"
    code, output = run("rebuild", str(SMALL), str(path), "--out", str(out))
    assert code in (0, 1) and "Traceback" not in output, output
    mine = {(r["inspection"], r["week"]) for r in rows(out / "roster.csv") if r["secondee"] == s}
    assert (j, week_of[j]) in mine and (i, w) not in mine
    report = check_report(scenario, read_tables(out))
    summary = json.loads((out / "summary.json").read_text())
    assert [v["rule"] for v in summary["violations"]] == [v.rule for v in report.violations]


@pytest.mark.parametrize(
    ("cell", "value", "words"),
    [
        (("ab", "2026-09-14"), "Kentt", "did you mean `Kent`"),
        (("ab", "2026-09-14"), "Narnia Police", "is no body this programme inspects"),
        (("ab", "2026-09-14"), "peel-kent", ""),  # an inspection's id is read too
        (("ab", "2026-09-14"), "away", ""),
    ],
)
def test_a_cell_names_a_body_or_an_inspection_or_is_refused_by_its_cell(
    workbook: Path, tmp_path: Path, cell: tuple[str, str], value: str, words: str
) -> None:
    path = edited_grid(workbook, tmp_path, {cell: value})
    code, output = run("rebuild", str(SMALL), str(path), "--out", str(tmp_path / "out"))
    if words:
        assert code == 2 and words in output and "Roster!" in output and "nothing written" in output
        assert not (tmp_path / "out").exists()
    else:
        assert code in (0, 1) and "Traceback" not in output, output


def test_one_secondee_on_one_inspection_in_two_weeks_is_refused_by_both_cells(
    workbook: Path, tmp_path: Path
) -> None:
    """It was refused without a cell: `ab is listed twice on peel-kent`."""
    body = {i.id: i.body for i in load_scenario(SMALL).inspections}
    s, i = next((r["secondee"], r["inspection"]) for r in rows(workbook / "roster.csv"))
    doing = {(r["secondee"], r["week"]): r["activity"] for r in rows(workbook / "weeks.csv")}
    other = next(u for (who, u), what in sorted(doing.items()) if who == s and what == "off")
    path = edited_grid(workbook, tmp_path, {(s, other): body[i]})  # the same body in another week
    code, output = run("rebuild", str(SMALL), str(path), "--out", str(tmp_path / "out"))
    text = " ".join(output.split())
    assert code == 2 and " and " in text and "but an inspection runs in one week: clear one" in text, output
    assert text.count("Roster!") == 1 and not (tmp_path / "out").exists()


def test_a_bad_header_or_secondee_is_refused_by_its_cell(workbook: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = edited_grid(workbook, tmp_path, {})
    book = load_workbook(path)
    book["Roster"]["C1"] = "2026-09-08"  # a Tuesday
    book["Roster"]["B2"] = "nobody"
    book.save(path)
    code, output = run("rebuild", str(SMALL), str(path), "--out", str(tmp_path / "out"))
    assert code == 2 and "Roster!C1" in output and "Roster!B2" in output and "unknown secondee" in output
    not_a_book = tmp_path / "fake.xlsx"
    not_a_book.write_text("a,b\n")
    code, output = run("rebuild", str(SMALL), str(not_a_book), "--out", str(tmp_path / "out"))
    assert code == 2 and "not a readable Excel workbook" in output and "Traceback" not in output


def test_the_inspections_of_one_body_are_told_apart_by_week_team_and_placement_or_refused() -> None:
    from roster.workflows.rebuild import _Cells
    from tests.conftest import inspection, make, monday, person

    scenario = make(
        8,
        [
            inspection("kent-a", "kent-police", window=[monday(0), monday(3)]),
            inspection("kent-b", "kent-police", window=[monday(3), monday(5)]),
            inspection("essex-a", "essex-police", window=[monday(0), monday(7)]),
            inspection("essex-b", "essex-police", window=[monday(0), monday(7)]),
        ],
        [person(p) for p in "abcd"],
    )

    def read(cells: _Cells, *named: tuple[str, str, str]) -> dict[str, tuple[str, str]]:
        found = cells.read([(f"C{n}", who, week, text) for n, (who, week, text) in enumerate(named)])
        return {f"{who}@{week}": (inspection, problem) for _, who, week, inspection, problem in found}

    plain = _Cells(scenario, {})
    assert read(plain, ("a", monday(1), "Kent"), ("b", monday(5), "kent police")) == {
        f"a@{monday(1)}": ("kent-a", ""),
        f"b@{monday(5)}": ("kent-b", ""),
    }
    # week 1 can only be kent-a, so week 3 (either) is kent-b
    assert read(plain, ("a", monday(1), "Kent"), ("b", monday(3), "Kent"))[f"b@{monday(3)}"] == ("kent-b", "")
    assert read(plain, ("a", monday(3), "off"), ("b", monday(3), "kent-a"))[f"b@{monday(3)}"] == (
        "kent-a",
        "",
    )
    (_, why) = read(plain, ("a", monday(3), "Kent"))[f"a@{monday(3)}"]
    assert "could be any of its inspections" in why and "inspection's id" in why
    (_, why) = read(plain, ("a", monday(1), "Kent"), ("b", monday(2), "Kent"))[f"b@{monday(2)}"]
    assert "each running in one week" in why
    # two inspections that may both run in any week: a team moved keeps its people
    teams = {"essex-a": {"a", "b"}, "essex-b": {"c", "d"}}
    moved = _Cells(scenario, {"essex-a": monday(2), "essex-b": monday(4)}, teams)
    found = read(moved, ("a", monday(4), "Essex"), ("b", monday(4), "Essex"), ("c", monday(6), "Essex"))
    assert found[f"a@{monday(4)}"] == ("essex-a", "") and found[f"c@{monday(6)}"] == ("essex-b", "")
    # with the teams no help, the week each was in decides
    placed = _Cells(scenario, {"essex-a": monday(2), "essex-b": monday(4)})
    assert read(placed, ("a", monday(4), "Essex"), ("c", monday(6), "Essex"))[f"a@{monday(4)}"] == (
        "essex-b",
        "",
    )
    assert read(plain, ("a", monday(1), "Kentt"))[f"a@{monday(1)}"][1].startswith("`Kentt` is no body")


def test_a_blank_row_a_deleted_week_and_plain_number_headings(workbook: Path, tmp_path: Path) -> None:
    """A row inserted blank in the middle does not end the grid; a week's column deleted is
    refused (its teams would be lost unsaid); week headings whose date format was cleared (Excel
    serial numbers) still read as their Mondays."""
    from openpyxl import load_workbook

    path = edited_grid(workbook, tmp_path, {})
    book = load_workbook(path)
    sheet = book["Roster"]
    sheet.insert_rows(3)  # a blank row after the first secondee
    for cell in sheet[1][2:]:
        if cell.value is not None:
            cell.value = (cell.value - dt.datetime(1899, 12, 30)).days  # the serial number
            cell.number_format = "General"
    book.save(path)
    out = tmp_path / "out"
    code, output = run("rebuild", str(SMALL), str(path), "--out", str(out))
    assert code == 0, output
    assert len(rows(out / "roster.csv")) == len(rows(workbook / "roster.csv"))
    sheet.delete_cols(4)
    book.save(path)
    code, output = run("rebuild", str(SMALL), str(path), "--out", str(tmp_path / "again"))
    assert code == 2 and "no column for the week of" in output and "nothing written" in output


def test_a_damaged_workbook_is_bad_input(workbook: Path, tmp_path: Path) -> None:
    import zipfile

    good = edited_grid(workbook, tmp_path, {})
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(
                item, b"<worksheet><sheetData><row" if item.filename.startswith("xl/worksheets/") else data
            )
    code, output = run("rebuild", str(SMALL), str(broken), "--out", str(tmp_path / "out"))
    assert code == 2 and "Traceback" not in output and "not a readable Excel workbook" in output


def test_what_a_planner_does_to_the_sheet_reads_as_meant_or_is_refused_by_cell(
    workbook: Path, tmp_path: Path
) -> None:
    """From a new-user pass: an id in capitals, a `Notes` column, headings typed as text in the
    sheet's own format are read; a deleted secondee row, a `TBC`, a formula never calculated and
    a workbook without a Roster sheet are refused, each saying what to do."""
    from openpyxl import Workbook, load_workbook

    path = edited_grid(workbook, tmp_path, {})
    book = load_workbook(path)
    sheet = book["Roster"]
    sheet["B2"] = f" {str(sheet['B2'].value).upper()} "
    sheet["A2"] = "Somebody Else"  # the id beside it is what is read, with a note
    sheet.cell(row=1, column=sheet.max_column + 1, value="Notes")
    for cell in sheet[1][2:]:
        if isinstance(cell.value, dt.datetime):
            cell.value = f"{cell.value:%a %d %b %Y}"  # Mon 07 Sep 2026
    book.save(path)
    code, output = run("rebuild", str(SMALL), str(path), "--out", str(tmp_path / "read"))
    assert code == 0, output
    assert "`Somebody Else` is not the name of" in output and "the id is read" in output
    assert len(rows(tmp_path / "read" / "roster.csv")) == len(rows(workbook / "roster.csv"))
    for damage, words in (
        ("delete", "no row for"),
        ("TBC", "leave the cell empty or write `off`"),
        ("=C2", "a formula with no saved value"),
    ):
        book = load_workbook(edited_grid(workbook, tmp_path, {}))
        if damage == "delete":
            book["Roster"].delete_rows(3)
        else:
            book["Roster"].cell(row=2, column=4, value=damage)
        book.save(path)
        code, output = run("rebuild", str(SMALL), str(path), "--out", str(tmp_path / "out"))
        assert code == 2 and words in output and "Roster!" in output, output
    other = Workbook()
    other.active.title = "Programme"
    other.save(tmp_path / "other.xlsx")
    code, output = run("rebuild", str(SMALL), str(tmp_path / "other.xlsx"), "--out", str(tmp_path / "out"))
    assert code == 2 and "no Roster sheet (found Programme)" in output and "Error" not in output


def test_one_inspection_s_people_in_two_weeks_are_booked_as_two_blocks(solved: Path, tmp_path: Path) -> None:
    """A broken edit (one member moved to another week) is reported, and the booking list holds a
    block for each week, not one spanning both."""
    table = rows(solved / "roster.csv")
    team = [r for r in table if r["inspection"] == "peel-kent"]
    moved = dict(team[0], week="2026-09-28")
    edited = write_rows(
        tmp_path / "split.csv", [r for r in table if r is not team[0]] + [moved], list(REQUIRED)
    )
    out = tmp_path / "out"
    code, output = run("rebuild", str(SMALL), str(edited), "--out", str(out))
    assert code == 1 and "one week per inspection" in output
    blocks = [b for b in rows(out / "bookings.csv") if b["inspection"] == "peel-kent"]
    stays = [s for s in rows(out / "accommodation.csv") if s["inspection"] == "peel-kent"]
    assert len(blocks) == len({s["week"] for s in stays}) and all(int(b["nights"]) <= 5 for b in blocks)
