"""End-to-end: `roster solve` writes the five files, exit codes, determinism, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from roster.analysis.check import check_report
from roster.loading import load_scenario
from roster.outputs.folder import DATA_FILES as FILES
from roster.outputs.folder import EXTRA_FILES, read_tables
from tests.conftest import ROOT, SCENARIOS, start_year_solve


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_solve_small_writes_every_file_and_passes_the_checker(tmp_path: Path) -> None:
    code, output = run("solve", str(SCENARIOS / "small.yaml"), "--out", str(tmp_path), "--deterministic")
    assert code == 0, output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES + EXTRA_FILES)
    for heading in ("Week by week", "Inspections per secondee", "Hotel bookings", "Cost", "objective"):
        assert heading in output
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["status"] == "optimal"
    assert summary["gap"] == 0
    assert sum(summary["cost_terms"].values()) == summary["objective"]
    report = check_report(load_scenario(SCENARIOS / "small.yaml"), read_tables(tmp_path))
    assert report.valid and report.objective == summary["objective"]


def test_deterministic_mode_gives_identical_files(tmp_path: Path) -> None:
    for name in ("a", "b"):
        code, output = run(
            "solve",
            str(SCENARIOS / "cohort.yaml"),
            "--out",
            str(tmp_path / name),
            "--deterministic",
            "--quiet",
        )
        assert code == 0, output
    for file in FILES:
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes(), file


def test_default_scenario_is_the_bundled_cohort(tmp_path: Path) -> None:
    code, output = run("solve", "--out", str(tmp_path), "--deterministic", "--quiet")
    assert code == 0, output
    assert "Status: optimal (proven)" in output  # --quiet prints the summary line alone
    assert "Week by week" not in output and "Cost" not in output
    assert json.loads((tmp_path / "summary.json").read_text())["scenario"]["name"] == "Autumn 2026 cohort A"


def test_shortfalls_exit_1_and_are_listed(tmp_path: Path) -> None:
    scenario = tmp_path / "short.yaml"
    scenario.write_text(
        "name: Short\nstart: 2026-09-07\nweeks: 2\n"
        "inspections:\n  - {id: peel-kent, body: kent-police, week: 2026-09-14, secondees: 3}\n"
        "secondees:\n  - {id: a, service: essex-police, background: police, rank: sergeant, home: Chelmsford}\n"
    )
    code, output = run("solve", str(scenario), "--out", str(tmp_path / "out"), "--deterministic")
    assert code == 1, output
    assert "peel-kent (Kent Police, week of 2026-09-14) needs 3, has 1" in output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["shortfalls"][0]["places"] == 2


def test_bad_input_exits_2(tmp_path: Path) -> None:
    scenario = tmp_path / "bad.yaml"
    scenario.write_text("name: Bad\nstart: 2026-09-08\nweeks: 2\n")
    code, output = run("solve", str(scenario), "--out", str(tmp_path / "out"))
    assert code == 2
    assert "bad.yaml:2" in output and "Tuesday" in output
    assert not (tmp_path / "out").exists()


def test_a_gap_out_of_range_is_bad_input(tmp_path: Path) -> None:
    code, output = run("solve", "--gap", "1.5", "--out", str(tmp_path / "out"))
    assert code == 2 and "--gap" in output and "Traceback" not in output
    assert not (tmp_path / "out").exists()


def test_bodies_listing() -> None:
    code, output = run("bodies", "--kind", "fire", "--region", "London")
    assert code == 0 and "london-fire" in output and "metropolitan-police" not in output
    assert run("bodies", "--kind", "navy")[0] == 2


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_stopped_solve_still_writes_the_best_roster(tmp_path: Path, stop: signal.Signals) -> None:
    process, scenario, out = start_year_solve(tmp_path)
    process.send_signal(stop)
    stdout, _ = process.communicate(timeout=120)
    assert process.returncode in (0, 1), stdout.decode()[-2000:]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] in ("feasible", "optimal")
    report = check_report(load_scenario(scenario), read_tables(out))
    assert report.valid, report.violations


def test_edge_scenarios_solve_check_and_report(tmp_path: Path) -> None:
    cases = {
        "empty": ("name: Empty\nstart: 2026-09-07\nweeks: 2\n", 0),
        "nobody": (
            "name: Nobody\nstart: 2026-09-07\nweeks: 2\ninspections:\n  - {id: k, body: kent-police, week: 2026-09-14}\n",
            1,
        ),
    }
    for name, (text, code) in cases.items():
        scenario = tmp_path / f"{name}.yaml"
        scenario.write_text(text)
        out = tmp_path / name
        exit_code, output = run(
            "solve", str(scenario), "--out", str(out), "--deterministic", "--quiet", "--report"
        )
        assert exit_code == code, output
        assert (out / "report.html").exists() and (out / "roster.xlsx").exists()
        assert run("check", str(scenario), str(out))[0] == 0


def test_the_command_exits_at_once_with_everything_flushed_and_written(tmp_path: Path) -> None:
    """`main` skips the interpreter's teardown: the exit code, the output and the files stay."""
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(
        "name: Tiny\nstart: 2026-09-07\nweeks: 2\ninspections:\n  - {id: k, body: kent-police, week: 2026-09-14}\n"
    )
    out = tmp_path / "out"
    command = [sys.executable, str(ROOT / "cli.py")]
    done = subprocess.run(
        [*command, "solve", str(scenario), "--out", str(out), "--deterministic"],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},  # piped: block-buffered
    )
    assert done.returncode == 1, done.stderr  # nobody to staff k: a shortfall
    assert "".join(done.stdout.split()).endswith(f"to{out}/"), done.stdout  # the last line, flushed
    assert json.loads((out / "summary.json").read_text())["status"] == "optimal"
    missing = subprocess.run(
        [*command, "validate", str(tmp_path / "nope.yaml")], capture_output=True, text=True
    )
    assert missing.returncode == 2 and "no such file" in missing.stderr


SOLVE = [sys.executable, str(ROOT / "cli.py"), "solve", str(ROOT / "scenarios" / "cohort.yaml"), "--out"]


@pytest.mark.parametrize(("columns", "widest"), [("80", 80), (None, 140)])
def test_output_piped_to_a_file_is_as_wide_as_columns_says_else_140(
    tmp_path: Path, columns: str | None, widest: int
) -> None:
    """Piped (a file, a CI log), the summary is 140 columns wide, or `COLUMNS` when it is set."""
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"} | ({"COLUMNS": columns} if columns else {})
    done = subprocess.run(
        [*SOLVE, str(tmp_path / "out"), "--deterministic"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) == widest  # the week-by-week table fills the width


def test_no_command_writes_over_a_roster_or_sample_it_reads(tmp_path: Path) -> None:
    """The published roster of a replan, the folder a repair starts from, the roster `travel`
    reads and the samples `regress` reads are inputs: writing over any of them is bad input, and
    each is left byte for byte as it was."""
    from typer.testing import CliRunner

    from cli import app

    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(app, list(args))
        return result.exit_code, result.output

    small = str(ROOT / "scenarios" / "small.yaml")
    published = tmp_path / "published"
    assert run("solve", small, "--out", str(published), "--deterministic", "--quiet")[0] == 0
    before = {p.name: p.read_bytes() for p in published.iterdir()}
    first = (published / "roster.csv").read_text(encoding="utf-8").splitlines()[1].split(",")
    attempts = [
        ("solve", small, "--baseline", str(published), "--out", str(published), "--deterministic"),
        (
            "solve",
            small,
            "--baseline",
            str(published / "roster.csv"),
            "--out",
            str(published),
            "--deterministic",
        ),
        (
            "replace",
            str(published),
            first[3],
            "--inspection",
            first[0],
            "--out",
            str(published),
            "--deterministic",
        ),
        ("travel", small, "--roster", str(published), "--out", str(published / "roster.csv"), "--force"),
    ]
    for args in attempts:
        code, output = run(*args)
        assert code == 2 and "Traceback" not in output, (args, output)
        assert {p.name: p.read_bytes() for p in published.iterdir()} == before, args
    samples = tmp_path / "samples"
    (samples / "baselines").mkdir(parents=True)
    (samples / "small.yaml").write_bytes((ROOT / "scenarios" / "small.yaml").read_bytes())
    assert run("regress", "--scenarios", str(samples), "--update", "--jobs", "1")[0] == 0
    kept = (samples / "small.yaml").read_bytes()
    other = tmp_path / "notes.txt"
    other.write_text("not a report\n")
    for target in (samples / "small.yaml", other):
        code, output = run("regress", "--scenarios", str(samples), "--jobs", "1", "--junit", str(target))
        assert code == 2 and "Traceback" not in output, output
    assert (samples / "small.yaml").read_bytes() == kept and other.read_text() == "not a report\n"
    report = tmp_path / "report.xml"
    for _ in range(2):  # an earlier report is replaced, as CI runs it again
        assert run("regress", "--scenarios", str(samples), "--jobs", "1", "--junit", str(report))[0] == 0
    assert b"<testsuite" in report.read_bytes()


def test_validate_names_bodies_and_weeks_so_the_eligibility_table_fits_a_terminal() -> None:
    """Bodies by the names the grid uses and weeks by day and month (ids and ISO dates wrapped every
    cell at 80 columns); a horizon over two years gives the year."""
    from roster.analysis.overview import overview
    from roster.facts import Facts
    from roster.loading import load_scenario

    small = {
        i.inspection: i for i in overview(Facts(load_scenario(ROOT / "scenarios" / "small.yaml"))).inspections
    }
    assert (small["peel-kent"].body, small["peel-kent"].weeks) == ("Kent", "14 Sep")
    assert (small["frs-kent"].body, small["frs-kent"].weeks) == ("Kent Fire", "14 Sep–21 Sep")
    code, output = run("validate", str(ROOT / "scenarios" / "small.yaml"))
    assert code == 0 and "14 Sep–28 Sep" in output and "0 / 2 / 2" in output
