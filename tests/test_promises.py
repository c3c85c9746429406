"""The smaller promises: any terminal, every time limit, odd output paths, edited calendars."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from cli import app
from tests.conftest import ROOT, SCENARIOS

SMALL = SCENARIOS / "small.yaml"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_an_ascii_terminal_gets_gbp_instead_of_an_encoding_error(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONIO"))}
    env.update(LC_ALL="C", LANG="C", PYTHONUTF8="0", PYTHONIOENCODING="ascii")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from cli import app; app()",
            "solve",
            str(SMALL),
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    output = (done.stdout + done.stderr).decode("ascii")
    assert done.returncode == 0, output
    assert "GBP 4," in output and "Traceback" not in output


def test_a_zero_time_limit_prints_the_fallback_roster(tmp_path: Path) -> None:
    code, output = run("solve", str(SMALL), "--time-limit", "0", "--out", str(tmp_path / "out"))
    assert code in (0, 1) and "Wrote" in output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["status"] == "feasible" and summary["objective"] is not None


def test_deterministic_mode_takes_its_limit_from_time_limit(tmp_path: Path) -> None:
    code, _ = run(
        "solve", str(SMALL), "--deterministic", "--time-limit", "5", "--out", str(tmp_path / "a"), "--quiet"
    )
    assert code == 0
    assert json.loads((tmp_path / "a" / "summary.json").read_text())["solver"]["time_limit"] == 5.0
    code, output = run(
        "solve", str(SMALL), "--deterministic", "--time-limit", "-1", "--out", str(tmp_path / "b")
    )
    assert code == 2 and "--time-limit" in output


def test_an_output_path_that_is_a_symbolic_link_loop_is_refused(tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    code, output = run("solve", str(SMALL), "--out", str(loop), "--quiet")
    assert code == 2 and "symbolic link" in output


def test_calendars_edited_out_of_shape_are_written_afresh(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("solve", str(SMALL), "--out", str(out), "--deterministic", "--quiet", "--report")[0] == 0
    (out / "calendars" / "ab.ics").write_text("garbage")
    (out / "calendars" / "cd.ics").write_text(
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nSEQUENCE:lots\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    code, output = run("report", str(out))
    assert code == 0, output
    assert "BEGIN:VEVENT" in (out / "calendars" / "cd.ics").read_text()


def test_extends_without_a_file_name_says_what_to_write(tmp_path: Path) -> None:
    path = tmp_path / "variant.yaml"
    path.write_text("extends:\nname: x\n")
    code, output = run("validate", str(path))
    assert code == 2 and f"{path}:1: `extends` expected the base scenario's file" in output
