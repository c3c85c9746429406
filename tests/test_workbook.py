"""Workbooks in and out: export then import gives the same scenario; a hand-typed workbook's
mistakes come back in one pass, each at its cell; bad files are bad input, never a traceback."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from cli import app
from models import Scenario
from roster.loading import ScenarioError, load_scenario
from roster.loading.cells import CellError, parse_date
from roster.loading.sheets import LISTS, MEANINGS, PROGRAMME_SHEET
from roster.loading.sheets import settings as programme_settings
from roster.outputs.scenario_files import workbook_bytes, write_file
from tests.conftest import SCENARIOS
from tests.test_properties import scenarios

SAMPLES = sorted(SCENARIOS.glob("*.yaml")) + sorted((SCENARIOS / "whatif").glob("*.yaml"))
SAMPLES += sorted((SCENARIOS / "replan").glob("*.yaml"))  # a published roster, named relative to the file


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def exported(scenario: Scenario, path: Path) -> Path:
    write_file(path, workbook_bytes(scenario, path))
    return path


def as_csv_folder(workbook: Path, folder: Path, prefix: str = "") -> Path:
    """The sheets of a workbook saved one CSV file each, as Excel's `CSV UTF-8` would (dates as text);
    with a prefix, named as LibreOffice names the sheets it saves (`plan-Secondees.csv`)."""
    folder.mkdir()
    book = load_workbook(workbook, read_only=True)
    for ws in book.worksheets:
        name = f"{prefix}{ws.title}" if prefix else ws.title.lower().replace(" ", "-")
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8-sig") as f:
            writer = csv.writer(f)
            for row in ws.iter_rows(values_only=True):
                writer.writerow(["" if v is None else _csv_text(v) for v in row])
    book.close()
    next(folder.glob("*ody*ist.csv")).unlink()  # a sheet of formulas, ignored anyway
    return folder


def _csv_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")  # as a UK Excel writes a date into CSV
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


# ------------------------------------------------------------- round trip


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_every_sample_exports_to_a_workbook_that_imports_back_the_same(sample: Path, tmp_path: Path) -> None:
    scenario = load_scenario(sample)  # a variant is exported resolved
    book = exported(scenario, tmp_path / "s.xlsx")
    again = load_scenario(book)
    if scenario.baseline is not None:  # the same published roster, named from where the workbook is
        assert again.baseline is not None and again.baseline.roster != scenario.baseline.roster
        read, published = again.published, scenario.published
        assert read is not None and published is not None
        assert Path(read.path).resolve() == Path(published.path).resolve() and read.sha256 == published.sha256
        assert (read.rows, read.removed, read.inspection_weeks) == (
            published.rows,
            published.removed,
            published.inspection_weeks,
        )
        assert Path(again.baseline.roster).name == Path(scenario.baseline.roster).name
        unmoved = {"baseline": {"roster"}}
        assert again.model_dump(exclude=unmoved) == scenario.model_dump(exclude=unmoved)
        return
    assert again.model_dump() == scenario.model_dump()
    assert again.sha256() == scenario.sha256()
    folder = as_csv_folder(book, tmp_path / "csv", prefix="plan-")
    assert load_scenario(folder).sha256() == scenario.sha256()


def test_import_writes_yaml_that_loads_to_the_same_scenario(tmp_path: Path) -> None:
    scenario = load_scenario(SCENARIOS / "whatif" / "peak-week.yaml")
    book = exported(scenario, tmp_path / "peak.xlsx")
    code, output = run("import", str(book))
    assert code == 0, output
    assert load_scenario(tmp_path / "peak.yaml").model_dump() == scenario.model_dump()
    assert run("import", str(book))[0] == 2  # never over an existing file without --force
    assert run("import", str(book), "--force")[0] == 0


def test_export_and_import_keep_naming_the_published_roster_of_a_replan(tmp_path: Path) -> None:
    scenario = load_scenario(SCENARIOS / "replan" / "leaver.yaml")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    code, output = run(
        "export", str(SCENARIOS / "replan" / "leaver.yaml"), str(tmp_path / "a" / "leaver.xlsx")
    )
    assert code == 0, output
    code, output = run(
        "import", str(tmp_path / "a" / "leaver.xlsx"), "--out", str(tmp_path / "b" / "leaver.yaml")
    )
    assert code == 0, output
    again = load_scenario(tmp_path / "b" / "leaver.yaml")
    assert again.published is not None and scenario.published is not None
    assert again.published.sha256 == scenario.published.sha256
    assert again.published.rows == scenario.published.rows


NAMES = st.sampled_from(
    ["", "A. B.", "=SUM(A1)", "+44 1234", "O'Neil, Jo", "Zoë Ł.", "007", "TRUE", "2026-09-07"]
)


@st.composite
def varied(draw: st.DrawFn) -> Scenario:
    """A scenario of `tests.test_properties`, with every kind of cell the workbook has."""
    data = draw(scenarios()).model_dump()
    data["name"] = draw(NAMES.filter(bool))
    rules = data["rules"]
    rules["inspection_days"] = draw(
        st.sampled_from([["mon", "tue", "wed", "thu", "fri"], ["tue", "wed", "thu"]])
    )
    rules["travel_estimate"]["circuity"] = draw(st.sampled_from([1.25, 1.4, 1.0 + 1 / 3]))
    rules["costs"]["rhythm"] = draw(st.integers(0, 500))
    if draw(st.booleans()):
        rules["max_inspections_in_week"] = {data["start"]: draw(st.integers(0, 5))}
    data["bodies"] = [
        {"id": "btp", "name": "British Transport Police", "kind": "police", "lat": 51.52, "lon": -0.12}
    ]
    for item in data["inspections"]:
        item["name"] = draw(NAMES)
        team = item["secondees"]
        if isinstance(team, dict) and team["min"] == team["max"] and draw(st.booleans()):
            item["secondees"] = team["min"]  # `secondees: N`, not `{min: N, max: N}`
    for person in data["secondees"]:
        person["name"] = draw(NAMES)
        if draw(st.booleans()):
            person["target"] = (draw(st.integers(0, 2)), draw(st.integers(2, 5)))
        if draw(st.booleans()) and person["carer"] is None:
            person["carer"] = {}  # a carer block with every option at its default
        if draw(st.booleans()):
            person["home"] = "btp"
    return Scenario.model_validate(data)


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(scenario=varied())
def test_any_scenario_round_trips_through_a_workbook(scenario: Scenario, tmp_path: Path) -> None:
    book = exported(scenario, tmp_path / f"{abs(hash(scenario.model_dump_json()))}.xlsx")
    assert load_scenario(book).model_dump() == scenario.model_dump()


def test_every_programme_key_has_a_meaning() -> None:
    keys = [s.key for s in programme_settings()]
    assert [k for k in keys if k not in MEANINGS] == []
    assert {"name", "start", "weeks", "costs.hotel_night_cost", "rhythm.hard"} <= set(keys)


# ---------------------------------------------------- a hand-typed workbook


def hand_typed(path: Path, mistakes: bool) -> Path:
    """A workbook as a resourcing lead would type it: no notes row, text dates, a UK date."""
    book = Workbook()
    ws = book.active
    ws.title = "Programme"
    for row in (
        ["key", "value"],
        ["name", "Spring cohort"],
        ["start", "07/09/2026"],  # a UK date typed as text
        ["weeks", 12],
        ["costs.rhythm", 300],
        ["max_inspection_per_week" if mistakes else "max_inspections_per_week", 5],
    ):
        ws.append(row)
    ws = book.create_sheet("Inspections")
    ws.append(
        ["id", "body", "week", "window.first", "window.last", "secondees.min", "secondees.max", "open_to"]
    )
    ws.append(["peel-kent", "kent-police", dt.datetime(2026, 9, 14), None, None, 2])
    ws.append(
        ["peel-essex", "essex-polce" if mistakes else "essex-police", None, "2026-09-21", "12/10/2026", 2, 4]
    )
    ws.append(
        [
            "frs-kent",
            "kent-fire",
            "09/21/2026" if mistakes else "21/9/26",
            None,
            None,
            2,
            None,
            "Fire, police",
        ]
    )
    ws = book.create_sheet("Secondees")
    ws.append(["id", "name", "service", "background", "rank", "home", "available.first", "available.last",
               "trained", "away", "carer.no_night_before"])  # fmt: skip
    ws.append(["phil-h", "Phil H.", "lancashire-police", "Police", "Sergeant", "Preston", "2026-09-07", "27/11/26",
               None, "2026-10-19", True])  # fmt: skip
    ws.append(["kulbir-p", None, "kent-police", "police", "sargent" if mistakes else "inspector", "51.27, 0.52",
               "2026-02-30" if mistakes else "2026-09-07", "2026-11-27"])  # fmt: skip
    ws.append(["jo-w", "Jo W.", "kent-polce" if mistakes else "surrey-police", "police", "inspector",
               "Prestonn" if mistakes else "Guildford", None, None, None, "2026-10-20" if mistakes else None])  # fmt: skip
    ws = book.create_sheet("Travel")
    ws.append(["secondee", "body", "minutes", "mode"])
    ws.append(["phil-h", "kent-police", 290, "Train"])
    ws.append(["kulbir-p", "essex-police", None, None])  # not measured yet: ignored
    book.save(path)
    return path


def test_a_hand_typed_workbook_reports_every_mistake_at_its_cell_in_one_pass(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(hand_typed(tmp_path / "hand.xlsx", mistakes=True))
    found = [(p.cell, p.key) for p in caught.value.problems]
    assert found == [
        ("Programme!A6", "max_inspection_per_week"),
        ("Inspections!B3", "body"),
        ("Inspections!C4", "week"),
        ("Secondees!E3", "rank"),
        ("Secondees!G3", "available.first"),
        ("Secondees!C4", "service"),
        ("Secondees!F4", "home"),
        ("Secondees!J4", "away"),
    ]
    text = str(caught.value)
    for words in (
        "did you mean `max_inspections_per_week`",
        "did you mean `essex-police`",
        "`09/21/2026` is not a UK date (day/month/year): there is no month 21",
        "did you mean `sergeant`",
        "`2026-02-30` is not a date: February 2026 has 28 days",
        "did you mean `kent-police`",
        "did you mean `Preston`",
        "2026-10-20 is a Tuesday",
        "hand.xlsx, Secondees!J4: `away`",
    ):
        assert words in text
    assert "{lat" not in text  # the workbook's words (lat, lon), not YAML's


def test_a_hand_typed_workbook_without_mistakes_reads_its_dates_and_defaults(tmp_path: Path) -> None:
    scenario = load_scenario(hand_typed(tmp_path / "hand.xlsx", mistakes=False))
    assert scenario.start == dt.date(2026, 9, 7)
    assert scenario.rules.max_inspections_per_week == 5 and scenario.rules.costs.rhythm == 300
    kent, essex, fire = scenario.inspections
    assert kent.week == dt.date(2026, 9, 14) and kent.secondees == 2
    assert essex.window == (dt.date(2026, 9, 21), dt.date(2026, 10, 12)) and (
        essex.team_min,
        essex.team_max,
    ) == (2, 4)
    assert fire.week == dt.date(2026, 9, 21) and fire.open_to == ["fire", "police"]
    phil, kulbir, jo = scenario.secondees
    assert phil.available == (dt.date(2026, 9, 7), dt.date(2026, 11, 27)) and phil.rank == "sergeant"
    assert phil.background == "police" and phil.carer is not None and phil.carer.no_night_before
    assert kulbir.name == "" and kulbir.trained is None and kulbir.carer is None  # empty optional cells
    assert jo.available is None and jo.away == []
    assert [(t.secondee, t.minutes, t.mode) for t in scenario.travel] == [("phil-h", 290, "train")]
    assert scenario.where("inspections[1].window").endswith("hand.xlsx:Inspections!D3")


def test_unknown_and_missing_columns_and_sheets(tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "Programme"
    book.active.append(["key", "value"])
    book.active.append(["name", "x"])
    book.active.append(["start", dt.datetime(2026, 9, 7)])
    book.active.append(["weeks", 4])
    ws = book.create_sheet("Secondes")
    ws.append(["id"])
    ws = book.create_sheet("Inspections")
    ws.append(["id", "bdy", "week", None])
    ws.append(["a", "kent-police", dt.datetime(2026, 9, 14), "stray"])
    book.save(tmp_path / "cols.xlsx")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(tmp_path / "cols.xlsx")
    text = str(caught.value)
    assert "unknown sheet `Secondes`; did you mean `Secondees`?" in text
    assert "Inspections!B1: `bdy` unknown column `bdy`; did you mean `body`?" in text
    assert "Inspections row 1: `body` has no column `body` (required)" in text
    assert "Inspections!D2" in text and "no header" in text


def test_the_notes_row_of_the_template_is_not_read_but_a_data_row_2_is(tmp_path: Path) -> None:
    scenario = load_scenario(SCENARIOS / "small.yaml")
    book = exported(scenario, tmp_path / "small.xlsx")
    assert load_workbook(book)["Inspections"]["A2"].value == LISTS[0].columns[0].note
    assert len(load_scenario(book).inspections) == 5
    wb = load_workbook(book)
    wb["Inspections"].delete_rows(2)  # the notes row removed: the first inspection is on row 2 now
    wb.save(book)
    assert [i.id for i in load_scenario(book).inspections] == [i.id for i in scenario.inspections]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-09-21", dt.date(2026, 9, 21)),
        ("21/09/2026", dt.date(2026, 9, 21)),
        ("21/9/26", dt.date(2026, 9, 21)),
        ("1/2/2027", dt.date(2027, 2, 1)),
        ("2026-09-21 00:00:00", dt.date(2026, 9, 21)),
    ],
)
def test_text_dates_that_can_only_mean_one_day_are_read(text: str, day: dt.date) -> None:
    assert parse_date(text) == day


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("09/21/2026", "not a UK date"),
        ("2026-02-30", "February 2026 has 28 days"),
        ("31/04/2026", "April 2026 has 30 days"),
        ("2026-13-01", "no month 13"),
        ("21.09.2026", "write 2026-09-21"),
        ("Sept 21", "write 2026-09-21"),
        ("2026-09-21 14:00", "write 2026-09-21"),
    ],
)
def test_text_dates_that_are_not_unambiguous_are_refused_with_a_hint(text: str, words: str) -> None:
    with pytest.raises(CellError, match=words):
        parse_date(text)


# ------------------------------------------------------------- bad files


def _bad_files(tmp_path: Path) -> dict[str, Path]:
    renamed = tmp_path / "text.xlsx"
    renamed.write_text("name: not a workbook\n")
    encrypted = tmp_path / "locked.xlsx"
    encrypted.write_bytes(
        bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 512
    )  # how a password-protected xlsx starts
    truncated = tmp_path / "cut.xlsx"
    truncated.write_bytes(workbook_bytes(None)[:3000])
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    old = tmp_path / "old.xls"
    old.write_bytes(b"\0")
    misnamed = tmp_path / "misnamed.xlsx"
    wb = load_workbook(exported(load_scenario(SCENARIOS / "small.yaml"), misnamed))
    wb["Secondees"].title = "People"
    wb.save(misnamed)
    bomb = tmp_path / "bomb.xlsx"  # a small file whose zip says one sheet unpacks to 4 GB
    data = bytearray(exported(load_scenario(SCENARIOS / "small.yaml"), bomb).read_bytes())
    entry = data.index(b"PK\x01\x02", data.index(b"xl/worksheets/") - 200)  # its central directory entry
    data[entry + 24 : entry + 28] = (0xFFFFFFF0).to_bytes(4, "little")
    bomb.write_bytes(data)
    return {
        "unpacks to gigabytes": bomb,
        "wrong sheet name": misnamed,
        "missing": tmp_path / "missing.xlsx",
        "renamed": renamed,
        "encrypted": encrypted,
        "truncated": truncated,
        "empty folder": empty_dir,
        "xls": old,
    }


@pytest.mark.parametrize("command", ["validate", "import", "solve", "export", "travel", "rebuild", "check"])
def test_bad_workbooks_are_bad_input_for_every_command(command: str, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("inspection,week,secondee\n")
    for what, path in _bad_files(tmp_path).items():
        args = {
            "export": [str(path), str(tmp_path / "x.xlsx")],
            "rebuild": [str(path), str(roster), "--out", str(tmp_path / "o")],
            "check": [str(path), str(roster)],
        }.get(command, [str(path)])
        code, output = run(command, *args)
        assert code == 2, (what, output)
        assert str(path.name) in output and "Traceback" not in output, (what, output)
        if what == "unpacks to gigabytes" and command not in ("check",):
            assert "unpacks to more than 200 MB" in output, output


def test_template_writes_a_workbook_whose_only_problems_are_the_required_keys(tmp_path: Path) -> None:
    target = tmp_path / "new.xlsx"
    assert run("template", str(target))[0] == 0
    book = load_workbook(target)
    assert [PROGRAMME_SHEET, *(s.name for s in LISTS)] == [
        n for n in book.sheetnames if n in {PROGRAMME_SHEET, *(s.name for s in LISTS)}
    ]
    secondees = book["Secondees"]
    assert secondees.freeze_panes == "B3"
    checked = {str(v.sqref).split(":")[0][:1]: v.type for v in secondees.data_validations.dataValidation}
    assert checked["C"] == checked["D"] == checked["E"] == "list"  # service, background, rank
    with pytest.raises(ScenarioError) as caught:
        load_scenario(target)
    assert [(p.cell, p.key) for p in caught.value.problems] == [
        ("Programme!B3", "name"),
        ("Programme!B4", "start"),
        ("Programme!B5", "weeks"),
    ]
    for args in (
        ["template", str(target)],
        ["template", str(tmp_path)],
        ["template", str(tmp_path / "a.csv")],
        ["template", str(target / "x.xlsx")],  # under a file: it said "permission denied"
    ):
        code, output = run(*args)
        assert code == 2 and "Traceback" not in output, output
    assert "new.xlsx is a file, not a folder" in output


def test_export_never_writes_over_its_own_input(tmp_path: Path) -> None:
    book = exported(load_scenario(SCENARIOS / "small.yaml"), tmp_path / "small.xlsx")
    code, output = run("export", str(book), str(book), "--force")
    assert code == 2 and "read from" in output


def test_commands_that_take_a_scenario_take_a_workbook_and_a_csv_folder(tmp_path: Path) -> None:
    book = exported(load_scenario(SCENARIOS / "small.yaml"), tmp_path / "small.xlsx")
    folder = as_csv_folder(book, tmp_path / "small-csv")
    out = tmp_path / "out"
    assert run("solve", str(book), "--out", str(out), "--deterministic", "--quiet")[0] == 0
    code, output = run("check", str(folder), str(out))
    assert code == 0 and "valid" in output
    code, output = run("explain", str(folder), "--roster", str(out), "--inspection", "peel-essex")
    assert code == 0 and "Roster read from" in output
    code, output = run("compare", str(SCENARIOS / "small.yaml"), str(book), str(folder), "--json")
    assert code == 0
    objectives = json.loads(output)["metrics"]["objective"]
    assert len(set(objectives)) == 1
    # a CSV written into the folder would be read as one of its sheets next time: refused
    code, output = run("travel", str(folder), "--out", str(folder / "todo.csv"))
    assert code == 2 and "where it would be read as one of its sheets" in " ".join(output.split())
    assert not (folder / "todo.csv").exists()


@pytest.mark.parametrize(
    "kind", ["a link to nothing", "a link to itself", "a pipe", "an unclosed quote", "an open quote"]
)
def test_a_csv_folder_file_that_cannot_be_read_is_bad_input_never_skipped(kind: str, tmp_path: Path) -> None:
    """travel.csv as a link to nothing, a loop or a named pipe was skipped (its journeys lost, the
    scenario 'valid'); a CSV that cannot be parsed is named with its line."""
    book = exported(load_scenario(SCENARIOS / "small.yaml"), tmp_path / "small.xlsx")
    folder = as_csv_folder(book, tmp_path / "small-csv")
    travel = folder / "travel.csv"
    travel.unlink(missing_ok=True)
    if kind == "a link to nothing":
        travel.symlink_to("nowhere.csv")
    elif kind == "a link to itself":
        travel.symlink_to("travel.csv")
    elif kind == "a pipe":
        os.mkfifo(travel)
    elif kind == "an unclosed quote":  # ... past the csv module's limit on a cell
        travel.write_text('secondee,body,minutes\nab,"kent-police,90\n' + "x" * 200_000 + "\n")
    else:  # read to the end of the file as one cell: it was six mistakes of that cell's, unlocated
        travel.write_text('secondee,body,minutes\nab,"kent-police,90\nab,essex-police,60\n')
    code, output = run("validate", str(folder))
    assert code == 2 and "travel.csv" in output and "Traceback" not in output, output
    if kind.endswith("quote"):  # named by the line its row starts on, not where it ended
        assert "travel.csv:2:" in output, output


def test_an_output_folder_given_as_a_scenario_is_told_apart(tmp_path: Path) -> None:
    """It was read as a CSV scenario: every file of it an `unknown file` to rename or remove."""
    out = tmp_path / "out"
    assert run("solve", str(SCENARIOS / "small.yaml"), "--out", str(out), "--quiet")[0] == 0
    for args in (["solve", str(out)], ["check", str(out), str(out)]):
        code, output = run(*args)
        text = " ".join(output.split())
        assert code == 2 and "is the output folder of a solve" in text and "unknown file" not in text
        assert "solved from " + str(SCENARIOS / "small.yaml") in text


# (sheet, cell, value typed, cell reported, words in the message)
MISTAKES = [
    ("Programme", "B5", "twelve", "Programme!B5", "found `twelve`; expected a whole number"),
    ("Programme", "B11", "maybe", "Programme!B11", "expected TRUE or FALSE"),
    ("Inspections", "G4", 5, "Inspections!G4", "`min: 5` is above `max: 4`"),
    ("Inspections", "I4", 5, "Inspections!I4", "needs 5 experienced members"),
    ("Inspections", "F6", None, "Inspections!F6", "give both `window.first` and `window.last`"),
    ("Inspections", "A4", "peel-kent", "Inspections!A4", "duplicate id `peel-kent`"),
    ("Inspections", "J3", "fire, polce", "Inspections!J3", "polce"),
    ("Secondees", "D3", "fire", "Secondees!E3", "rank `sergeant` is not a fire rank"),
    ("Secondees", "O4", True, "Secondees!L4", "is FALSE but `carer.no_night_before` is given"),
    ("Secondees", "Q3", dt.datetime(2026, 4, 3), "Secondees!Q3", "Excel turned this cell into the date"),
    ("Secondees", "H3", "2026-09-01", "Secondees!H3", "ends (2026-09-01) before it starts"),
    ("Secondees", "F3", 53.7, "Secondees!F3", "expected a UK town, a body id, or lat, lon"),
    ("Travel", "A3", "gh-", "Travel!A3", "unknown secondee `gh-`"),
]


@pytest.mark.parametrize(("sheet", "cell", "typed", "ref", "words"), MISTAKES, ids=[m[3] for m in MISTAKES])
def test_one_mistake_in_an_exported_workbook_is_reported_at_its_cell(
    sheet: str, cell: str, typed: Any, ref: str, words: str, tmp_path: Path
) -> None:
    book = exported(load_scenario(SCENARIOS / "small.yaml"), tmp_path / "small.xlsx")
    wb = load_workbook(book)
    wb[sheet][cell] = typed
    if ref == "Secondees!L4":
        wb["Secondees"]["L4"] = False
    wb.save(book)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(book)
    assert [p.cell for p in caught.value.problems] == [ref], str(caught.value)
    assert words in str(caught.value)


def test_validate_prints_a_workbook_name_as_typed(tmp_path: Path) -> None:
    scenario = load_scenario(SCENARIOS / "small.yaml").model_copy(update={"name": "[red]Draft[/red] cohort"})
    book = exported(Scenario.model_validate(scenario.model_dump()), tmp_path / "draft.xlsx")
    code, output = run("validate", str(book))
    assert code == 0 and "[red]Draft[/red] cohort" in output


def test_a_formula_with_no_saved_value_is_named_at_its_cell_and_one_with_a_value_is_read(
    tmp_path: Path,
) -> None:
    """A workbook written by a script holds formulas without the values a spreadsheet program
    saves: each is bad input at its cell (not a silent default, nor "missing"); once a value is
    saved beside the formula, the value is what is read."""
    import re
    import zipfile

    exported = tmp_path / "small.xlsx"
    write_file(exported, workbook_bytes(load_scenario(SCENARIOS / "small.yaml")))
    book = load_workbook(exported)
    weeks = next(row[1] for row in book["Programme"].iter_rows() if row[0].value == "weeks")
    weeks.value = "=2*4"
    book["Inspections"]["G3"] = "=1/0"
    scripted = tmp_path / "scripted.xlsx"
    book.save(scripted)
    with pytest.raises(ScenarioError) as raised:
        load_scenario(scripted)
    unsaved = {p.cell for p in raised.value.problems if "formula with no saved value" in p.message}
    assert unsaved == {f"Programme!{weeks.coordinate}", "Inspections!G3"}
    saved = tmp_path / "saved.xlsx"  # as a spreadsheet program saves it: the value beside the formula
    with zipfile.ZipFile(scripted) as source, zipfile.ZipFile(saved, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            data = re.sub(rb"<f>2\*4</f><v\s*/>", b"<f>2*4</f><v>8</v>", data)
            data = re.sub(rb'(<c r="G3"[^>]*>)<f>1/0</f><v\s*/>', rb"\1<f>1/0</f><v>2</v>", data)
            target.writestr(item, data)
    assert load_scenario(saved).weeks == 8


@pytest.mark.parametrize("sheet", ["Programme", "Inspections", "Secondees"])
def test_a_workbook_without_one_of_its_three_sheets_says_so(tmp_path: Path, sheet: str) -> None:
    """A missing Inspections or Secondees sheet is not a programme with none (an empty sheet is)."""
    exported = tmp_path / "small.xlsx"
    write_file(exported, workbook_bytes(load_scenario(SCENARIOS / "small.yaml")))
    book = load_workbook(exported)
    del book[sheet]
    short = tmp_path / "short.xlsx"
    book.save(short)
    with pytest.raises(ScenarioError) as raised:
        load_scenario(short)
    assert any(f"has no sheet `{sheet}`" in p.message for p in raised.value.problems), raised.value.problems
