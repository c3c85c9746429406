"""roster.deferred, and the CLI's imports: a command starts without pandas and without the other
commands' libraries, and gets the same results."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas
import pytest

import cli
from roster import deferred
from roster.analysis.check import check_report
from roster.loading import load_scenario
from roster.outputs.folder import read_tables
from tests.conftest import SCENARIOS

ROOT = Path(__file__).resolve().parent.parent


def fresh(code: str, *, path: Path | None = None) -> dict[str, object]:
    """What `code` (which sets `found`, a dict) finds in a new interpreter."""
    program = textwrap.dedent(code) + "\nimport json, sys\nprint(json.dumps(found))\n"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in (path, ROOT) if p)}
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


def test_the_cli_starts_without_pandas_and_solves_with_it() -> None:
    found = fresh(
        """
        import sys
        import cli
        from ortools.sat.python import cp_model

        found = {"pandas at start": "pandas" in sys.modules,
                 "protobuf at start": "google.protobuf" in sys.modules,
                 "report at start": "roster.outputs.report" in sys.modules}
        m = cp_model.CpModel()
        x = m.new_int_var(0, 3, "x")
        m.maximize(x)
        solver = cp_model.CpSolver()
        found["solved"] = solver.solve(m) == cp_model.OPTIMAL and solver.value(x) == 3
        import pandas
        found["pandas helpers"] = cp_model.pd.Series is pandas.Series
        series = m.new_bool_var_series("b", pandas.Index(range(2)))
        found["series"] = len(series)
        """
    )
    assert found == {
        "pandas at start": False,
        "protobuf at start": False,
        "report at start": False,
        "solved": True,
        "pandas helpers": True,
        "series": 2,
    }


def test_an_or_tools_needing_more_of_pandas_is_imported_as_usual(tmp_path: Path) -> None:
    """Should cp_model use more of pandas while it loads than the stand-in gives, it is imported
    again with the real pandas: slower, never different."""
    (tmp_path / "needs_pandas.py").write_text("import pandas as pd\nFRAME = pd.DataFrame\n")
    found = fresh(
        """
        import sys
        from roster import deferred
        deferred.CP_MODEL = "needs_pandas"
        deferred.cp_model_without_pandas()
        import needs_pandas, pandas
        found = {"real": needs_pandas.FRAME is pandas.DataFrame, "pd": needs_pandas.pd is pandas}
        """,
        path=tmp_path,
    )
    assert found == {"real": True, "pd": True}


def test_the_deferred_pandas_is_the_library() -> None:
    assert deferred.pandas.DataFrame is pandas.DataFrame
    assert deferred.pandas.errors.EmptyDataError is pandas.errors.EmptyDataError
    with pytest.raises(AttributeError):
        deferred.pandas.__wrapped__  # noqa: B018 - a probe, as copy and inspect make, is no use
    with pytest.raises(AttributeError):
        deferred.pandas.no_such_name  # noqa: B018


def test_a_replan_is_loaded_and_built_without_pandas() -> None:
    """The published roster is read without pandas, so that a replan's (and `roster replace`'s)
    pandas loads while it searches too."""
    found = fresh(
        f"""
        import sys
        import cli
        from roster.facts import Facts
        from roster.loading import load_scenario
        from roster.solving import SolveConfig, solve
        scenario = load_scenario({str(SCENARIOS / "replan" / "leaver.yaml")!r})
        found = {{"rows": len(scenario.published.rows), "pandas": "pandas" in sys.modules}}
        result = solve(Facts(scenario), SolveConfig(deterministic=True, on_search=cli.import_in_background))
        found["status"] = result.status.value
        """
    )
    assert found == {"rows": found["rows"], "pandas": False, "status": "optimal"}
    assert isinstance(found["rows"], int) and found["rows"] > 0


def test_a_fresh_solve_writes_a_valid_folder(tmp_path: Path) -> None:
    """The whole command in a new process (pandas imported while it searches)."""
    scenario = SCENARIOS / "cohort.yaml"
    out = tmp_path / "out"
    env = {**os.environ, "ROSTER_NO_SERVER": "1"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "roster",
            "solve",
            str(scenario),
            "--deterministic",
            "--quiet",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert check_report(load_scenario(scenario), read_tables(out)).valid
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "optimal"


def _local_imports() -> set[str]:
    """The modules a command of cli.py imports for itself."""
    tree = ast.parse((ROOT / "cli.py").read_text())
    return {
        node.module
        for function in tree.body
        if isinstance(function, ast.FunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("roster.")
    }


def test_the_server_loads_what_each_command_imports_for_itself() -> None:
    """`roster serve` forks warm copies: a module a command imports late must be in WARM."""
    local = _local_imports() - {"roster.server"}
    assert "roster.outputs.report" in local  # the test reads cli.py as it is
    assert local <= set(cli.WARM)


@pytest.mark.parametrize("name", ["small.yaml", "replan/leaver.yaml"])
def test_a_solve_writes_and_prints_its_folder_without_pandas(tmp_path: Path, name: str) -> None:
    """pandas is a quarter of a second of a short solve: the tables a solve (a replan too)
    writes and prints need none (roster.frames.Table)."""
    found = fresh(
        f"""
        import contextlib, io, sys
        import cli
        with contextlib.redirect_stdout(io.StringIO()):
            cli.console.file = sys.stdout
            try:
                cli.app(["solve", {str(SCENARIOS / name)!r}, "--deterministic", "--out",
                         {str(tmp_path / "out")!r}], standalone_mode=False)
            except BaseException:
                pass
        found = {{"pandas": "pandas" in sys.modules}}
        """
    )
    assert found == {"pandas": False}
    assert (tmp_path / "out" / "roster.csv").is_file()


@pytest.mark.parametrize("name", ["cohort.yaml", "carers.yaml", "replan/leaver.yaml"])
def test_the_tables_are_written_as_pandas_writes_them(name: str) -> None:
    """Each file a solve writes (`Table.csv`) is the text pandas' `to_csv` gives for the same
    table, cell for cell: numbers, floats, True/False, empty cells, quoting."""
    from roster.facts import Facts
    from roster.outputs.tables import Tables
    from roster.solving import SolveConfig, solve

    facts = Facts(load_scenario(SCENARIOS / name))
    tables = Tables(facts, solve(facts, SolveConfig(deterministic=True)))
    written = [tables.roster_table, tables.inspections_table, tables.accommodation_table]
    written += [tables.bookings_table, tables.weeks_table, tables.people_table, tables.bodies_table]
    if facts.scenario.published is not None:
        written.append(tables.changes_table)
    for table in written:
        assert len(table) > 0
        assert table.csv() == table.frame().to_csv(index=False, lineterminator="\n")
