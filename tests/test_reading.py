"""Every file check, compare, report and explain read is checked where it is read: a broken or
edited file is bad input (exit 2) that names the file, the line and the column, never a crash."""

from __future__ import annotations

import csv
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from roster.analysis.check import LISTED
from tests.conftest import SCENARIOS

SMALL = SCENARIOS / "small.yaml"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, " ".join(result.output.split())


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reading") / "small"
    code, output = run("solve", str(SMALL), "--out", str(out), "--deterministic", "--quiet")
    assert code == 0, output
    return out


def summary_edit(change: Callable[[dict[str, object]], object]) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / "summary.json"
        data = json.loads(path.read_text())
        path.write_text(json.dumps(change(data)))

    return edit


def csv_edit(name: str, old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / name
        text = path.read_text()
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, count))

    return edit


def drop_column(name: str, column: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / name
        lines = [line.split(",") for line in path.read_text().splitlines()]
        n = lines[0].index(column)
        path.write_text("\n".join(",".join(c for k, c in enumerate(line) if k != n) for line in lines) + "\n")

    return edit


def replace_file(name: str, content: bytes | None) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / name
        path.unlink()
        if content is None:
            path.mkdir()
        else:
            path.write_bytes(content)

    return edit


def pipe(name: str) -> Callable[[Path], None]:
    """Put a named pipe in place of `name`: reading it would wait for a writer that never comes."""

    def edit(folder: Path) -> None:
        (folder / name).unlink()
        os.mkfifo(folder / name)

    return edit


def cell(name: str, column: str, value: str) -> Callable[[Path], None]:
    """Set `column` of the first data row of `name` to `value`."""

    def edit(folder: Path) -> None:
        path = folder / name
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        rows[1][rows[0].index(column)] = value
        with open(path, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)

    return edit


# (case, edit, the file named, words)
BROKEN = [
    ("summary-a-list", summary_edit(lambda _: [1, 2]), "summary.json", "expected a JSON object"),
    ("summary-a-string", summary_edit(lambda _: "hello"), "summary.json", "found a str"),
    ("summary-a-folder", replace_file("summary.json", None), "summary.json", "is a folder, not a file"),
    ("summary-not-utf8", replace_file("summary.json", b'{"status": "\xff"}'), "summary.json", "not UTF-8"),
    ("summary-bad-json", replace_file("summary.json", b"{"), "summary.json", "not valid JSON"),
    (
        "summary-objective-text",
        summary_edit(lambda d: {**d, "objective": "lots"}),
        "summary.json",
        "`objective` is `lots`",
    ),
    (
        "summary-shortfalls-text",
        summary_edit(lambda d: {**d, "shortfalls": "none"}),
        "summary.json",
        "`shortfalls`",
    ),
    (
        "summary-huge-objective",
        summary_edit(lambda d: {**d, "objective": 10**400}),
        "summary.json",
        "`objective` is `1000000000000",
    ),
    (
        "summary-nan-bound",
        summary_edit(lambda d: {**d, "best_bound": float("nan")}),
        "summary.json",
        "`best_bound` is `nan`, expected a number",
    ),
    ("summary-empty", summary_edit(lambda _: {}), "summary.json", "`status` is missing"),
    ("weeks-without-week", drop_column("weeks.csv", "week"), "weeks.csv", "missing column(s) week"),
    (
        "inspections-without-week",
        drop_column("inspections.csv", "week"),
        "inspections.csv",
        "missing column(s) week",
    ),
    (
        "roster-without-secondee",
        drop_column("roster.csv", "secondee"),
        "roster.csv",
        "missing column(s) secondee",
    ),
    (
        "roster-cost-text",
        cell("roster.csv", "cost", "lots"),
        "roster.csv",
        "line 2: column `cost` is `lots`, expected a whole number",
    ),
    ("roster-week-text", cell("roster.csv", "week", "someday"), "roster.csv", "column `week` is `someday`"),
    (
        "roster-minutes-text",
        cell("roster.csv", "travel_minutes", "soon"),
        "roster.csv",
        "`travel_minutes` is `soon`",
    ),
    (
        "roster-arrangement",
        cell("roster.csv", "arrangement", "bus"),
        "roster.csv",
        "expected commute, hotel or hotel_night_before",
    ),
    (
        "accommodation-nights-empty",
        cell("accommodation.csv", "nights", ""),
        "accommodation.csv",
        "column `nights` is ``",
    ),
    (
        "people-lat-text",
        cell("people.csv", "home_lat", "north"),
        "people.csv",
        "`home_lat` is `north`, expected a number",
    ),
    ("bodies-lat-text", cell("bodies.csv", "lat", "north"), "bodies.csv", "`lat` is `north`"),
    (
        "people-name-escape",
        cell("people.csv", "name", "A\x1b[31mB"),
        "people.csv",
        "without control characters",
    ),
    ("roster-empty", replace_file("roster.csv", b""), "roster.csv", "empty"),
    ("roster-a-folder", replace_file("roster.csv", None), "roster.csv", "is a folder, not a file"),
    ("roster-a-pipe", pipe("roster.csv"), "roster.csv", "is not a regular file"),  # it was waited on for ever
    ("summary-a-pipe", pipe("summary.json"), "summary.json", "is not a regular file"),
    (
        "roster-not-utf8",
        replace_file("roster.csv", b"inspection,week,secondee\npeel-kent,2026-09-14,\xff\n"),
        "roster.csv",
        "not UTF-8",
    ),
    (
        "roster-ragged",
        csv_edit("roster.csv", "\n", "\nx,y,z,w,v,u,t,s,r,q,p\n"),
        "roster.csv",
        "roster.csv:2: 11 cells, but the header has 10",
    ),
    (  # it was named by the last line of the file, where the quote's cell ended
        "roster-open-quote",
        csv_edit("roster.csv", "\n", '\n"'),
        "roster.csv",
        'roster.csv:2: a quote (") opened on this row is closed only on line',
    ),
    (  # the first of the two was read, silently
        "roster-column-twice",
        csv_edit("roster.csv", "week,", "week,week,"),
        "roster.csv",
        "roster.csv:1: the column `week` is given twice",
    ),
    (
        "roster-short-row",
        csv_edit("roster.csv", "\n", "\npeel-kent\n"),
        "roster.csv",
        "roster.csv:2: 1 cells, but the header has 10",
    ),
]


@pytest.mark.parametrize("command", ["check", "compare", "report", "explain", "replace"])
@pytest.mark.parametrize(("case", "edit", "name", "words"), BROKEN, ids=[c[0] for c in BROKEN])
def test_a_broken_file_is_bad_input_naming_it(
    solved: Path, tmp_path: Path, command: str, case: str, edit: Callable[[Path], None], name: str, words: str
) -> None:
    folder = tmp_path / "out"
    shutil.copytree(solved, folder)
    with open(solved / "roster.csv", encoding="utf-8") as handle:
        first = next(csv.DictReader(handle))
    who, on = first["secondee"], first["inspection"]
    edit(folder)
    args = {
        "check": ["check", str(SMALL), str(folder)],
        "compare": ["compare", str(folder), str(solved)],
        "report": ["report", str(folder)],
        "explain": ["explain", str(SMALL), "--roster", str(folder), "--secondee", "ab"],
        "replace": [
            "replace",
            str(folder),
            who,
            "--inspection",
            on,
            "--scenario",
            str(SMALL),
            "--deterministic",
            "--out",
            str(tmp_path / "repaired"),
        ],
    }[command]
    code, output = run(*args)
    assert code == 2, output
    assert not (tmp_path / "repaired").exists()
    assert name in output, output
    # report names edited files first; replace reads the roster as a published one first, in its own words
    if command not in ("report", "replace") or case.startswith("summary"):
        assert words in output, output


@pytest.mark.parametrize(
    ("name", "column", "value", "words"),
    [
        ("roster.csv", "secondee", "abx", "roster.csv:2: unknown secondee `abx`; did you mean `ab`?"),
        (
            "roster.csv",
            "inspection",
            "peel-knet",
            "roster.csv:2: unknown inspection `peel-knet`; did you mean `peel-kent`",
        ),
        (
            "inspections.csv",
            "inspection",
            "peel-knet",
            "inspections.csv:2: unknown inspection `peel-knet`; did you mean `peel-kent`",
        ),
    ],
)
def test_explain_of_a_roster_edited_to_name_an_unknown_id_says_where_and_suggests(
    solved: Path, tmp_path: Path, name: str, column: str, value: str, words: str
) -> None:
    folder = tmp_path / "out"
    shutil.copytree(solved, folder)
    cell(name, column, value)(folder)
    for ask in ([], ["--secondee", "ab"], ["--inspection", "peel-kent"]):
        code, output = run("explain", str(SMALL), "--roster", str(folder), *ask)
        assert code == 2, output
        assert f"{folder / words}" in output, output


def test_reports_need_every_column_and_summary_key(solved: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    shutil.copytree(solved, folder)
    summary = json.loads((folder / "summary.json").read_text())
    del summary["cost_terms"], summary["files"]
    (folder / "summary.json").write_text(json.dumps(summary))
    drop_column("roster.csv", "trip_minutes")(folder)
    code, output = run("report", str(folder))
    assert code == 2
    assert (
        "roster.csv: missing column(s) trip_minutes" in output and "summary.json lacks cost_terms" in output
    )


def test_a_calendars_file_where_the_folder_belongs_is_replaced_by_the_calendars(
    solved: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    shutil.copytree(solved, folder)
    (folder / "calendars").write_text("not a folder")
    code, output = run("report", str(folder))
    assert code == 0, output
    assert (folder / "calendars" / "ab.ics").is_file()


def test_check_of_a_folder_without_a_roster_says_so(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _ = run(
        "solve", str(SMALL), "--set", "rules.max_inspections_per_week=0", "--out", str(out), "--quiet"
    )
    assert code == 1
    code, output = run("check", str(SMALL), str(out))
    assert code == 1 and "holds no roster (status infeasible)" in output and "1 problem(s)" in output
    code, output = run("check", str(SMALL), str(out), "--json")
    assert code == 1 and [v["rule"] for v in json.loads(output)["violations"]] == ["no_roster"]


def test_check_flags_a_body_column_that_contradicts_the_scenario(solved: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    shutil.copytree(solved, folder)
    csv_edit("roster.csv", "peel-kent,kent-police,", "peel-kent,cumbria-police,", count=5)(folder)
    code, output = run("check", str(SMALL), str(folder))
    assert code == 1
    assert (
        "roster.csv's body: " in output and "body is cumbria-police, the scenario has kent-police" in output
    )


def test_check_lists_a_bounded_number_of_problems(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    rows = 20_000
    roster.write_text("inspection,week,secondee\n" + "nope,2026-09-14,ab\n" * rows)
    code, output = run("check", str(SMALL), str(roster))
    assert code == 2
    assert output.count("unknown inspection `nope`") == LISTED
    assert f"and {rows - LISTED:,} more problem(s)" in output and f"{rows:,} problem(s)" in output
    code, output = run("check", str(SMALL), str(roster), "--json")
    report = json.loads(output)
    assert len(report["violations"]) == LISTED and report["more"] == rows - LISTED


def test_regress_tolerates_broken_baselines(tmp_path: Path) -> None:
    root = tmp_path / "samples"
    (root / "baselines").mkdir(parents=True)
    for name, baseline in (("a", "["), ("b", "[1]"), ("c", '{"objective": "lots"}')):
        shutil.copy(SMALL, root / f"{name}.yaml")
        (root / "baselines" / f"{name}.json").write_text(baseline)
    code, output = run("regress", "--scenarios", str(root))
    assert code == 1
    assert output.count("fix or delete it") == 3
    code, output = run("regress", "--scenarios", str(root), "--update")
    assert code == 1 and output.count("fix or delete it") == 3  # never overwritten
    assert (root / "baselines" / "a.json").read_text() == "["
    (root / "bad.yaml").write_text("name: [\n")
    code, output = run("regress", "--scenarios", str(root))
    assert code == 2 and "bad.yaml" in output
