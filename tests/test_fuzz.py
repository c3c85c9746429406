"""Fuzzing the command line: mutated scenarios and mutated output folders, fed to every command.

Whatever the input, a command ends with exit code 0, 1 or 2, never a traceback or an exception
escaping it, and never changes a file it reads. Hypothesis is derandomized and bounded, so the
test runs the same cases every time, in a few tens of seconds.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import io
import json
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from typer.testing import CliRunner

from cli import app
from roster.outputs.folder import SOLVED_FILES
from tests.conftest import ROOT, SCENARIOS

sys.path.insert(0, str(ROOT / "bench"))

FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
SOLVE = ["--deterministic", "--time-limit", "2", "--quiet"]

# ------------------------------------------------------------------ what a hostile planner types

NAUGHTY_TEXT = st.text(
    st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs", "Cc", "Zl"]), max_size=12
)
VALUES = st.one_of(
    st.integers(0, 6),
    st.sampled_from(["2026-09-14", "2026-09-21", "kent-fire", "essex-police", "inspector", "Leeds"]),
    st.integers(-(2**70), 2**70),
    st.sampled_from([0, -1, 1, 7, 2**31, 2**53 + 1, 2**63, 10**20]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e300, -1e300, 1e-300, 0.5]),
    NAUGHTY_TEXT,
    st.sampled_from(["", "kent-police", "2026-09-14", "sergeant", "police", "Preston", "x" * 2000]),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.none(),
    st.booleans(),
    st.lists(st.integers(-3, 3), max_size=3),
    st.dictionaries(
        st.sampled_from(["min", "max", "lat", "lon", "id", "x"]), st.integers(-5, 60), max_size=2
    ),
)
RAW_LINES = [
    "weeks: 5",
    "start: 2026-02-30",
    "start: 9999-12-27",
    "extra: " + "[" * 400,
    "a: &a [1, *a]",
    "b: &b [x, x, x, x, x, x, x, x]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
    "\tweeks: 4",
    "- a list item",
    "name: !!python/object/apply:os.system [echo]",
    "%YAML 1.1\n---",
    "? [a, b]\n: 1",
    "...",
    "name: 'unclosed",
]


def _positions(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path of every key and list item under `node`."""
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, child in children:
        yield (*path, key)
        yield from _positions(child, (*path, key))


def _parent(tree: Any, path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        tree = tree[key]
    return tree


@st.composite
def mutated_tree(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    """The scenario with up to three changes: a value replaced, a key or item deleted or
    duplicated, a value wrapped in a list or a mapping, a key renamed or an unknown one added."""
    tree = copy.deepcopy(base)
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2, 3]))):
        paths = list(_positions(tree))
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, key = _parent(tree, path), path[-1]
        operation = draw(st.sampled_from(["replace", "replace", "delete", "duplicate", "wrap", "rename"]))
        if operation == "replace":
            parent[key] = draw(VALUES)
        elif operation == "delete":
            del parent[key]
        elif operation == "duplicate" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        elif operation == "wrap":
            parent[key] = draw(st.sampled_from([[parent[key]], {"value": parent[key]}]))
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["wekes", "id", "name", "week", "secondees", str(key) + "s"]))] = (
                parent.pop(key)
            )
    return tree


def dump(tree: Any) -> str:
    yaml = YAML(typ="safe")
    yaml.allow_unicode = True
    yaml.default_flow_style = None
    out = io.StringIO()
    yaml.dump(tree, out)
    return out.getvalue()


@st.composite
def mutated_text(draw: st.DrawFn, text: str) -> bytes:
    """The scenario's text with a line inserted, a cut, or a character replaced."""
    lines = text.splitlines(keepends=True)
    operation = draw(st.sampled_from(["insert", "cut", "character", "none", "none", "none", "none"]))
    if operation == "insert":
        at = draw(st.integers(0, len(lines)))
        lines.insert(at, draw(st.sampled_from(RAW_LINES)) + "\n")
    elif operation == "cut":
        return "".join(lines).encode()[: draw(st.integers(0, len(text)))]
    elif operation == "character" and text:
        at = draw(st.integers(0, len(text) - 1))
        char = draw(
            st.sampled_from(["\t", "\x00", "\x1b", "\r", "{", "]", ":", "&", "*", "#", "\u00e9", "\ufeff"])
        )
        return (text[:at] + char + text[at + 1 :]).encode()
    return "".join(lines).encode()


def plain_tree(path: Path) -> dict[str, Any]:
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def cohort_tree() -> dict[str, Any]:
    from generate import generate  # type: ignore[import-not-found]

    data = generate("cohort", seed=4)
    assert isinstance(data, dict)
    return data


# ------------------------------------------------------------------ the invariant


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def invoke(*args: str) -> int:
    """Run a command in-process: it must end with 0, 1 or 2, and no exception may escape it."""
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
    assert "Traceback" not in result.output, (args, result.output)
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
    return result.exit_code


def unchanged(paths: list[Path], action: Callable[[], Any]) -> Any:
    before = {p: p.read_bytes() for p in paths if p.is_file()}
    value = action()
    assert {p: p.read_bytes() for p in before} == before, "an input file was changed"
    return value


SMALL = plain_tree(SCENARIOS / "small.yaml")
COHORT = cohort_tree()


@settings(FUZZ, max_examples=40)
@given(tree=mutated_tree(SMALL), text_change=st.data())
def test_mutated_small_scenarios_never_crash(
    tree: dict[str, Any], text_change: st.DataObject, tmp_path: Path
) -> None:
    scenario = Path(tempfile.mkdtemp(dir=tmp_path)) / "scenario.yaml"
    scenario.write_bytes(text_change.draw(mutated_text(dump(tree))))
    code = unchanged([scenario], lambda: invoke("validate", str(scenario)))
    if code == 0:
        out = scenario.parent / "out"
        solved = unchanged([scenario], lambda: invoke("solve", str(scenario), "--out", str(out), *SOLVE))
        if solved in (0, 1) and (out / "roster.csv").exists():
            unchanged([scenario], lambda: invoke("check", str(scenario), str(out)))
            unchanged(
                [scenario], lambda: invoke("explain", str(scenario), "--roster", str(out), "--secondee", "ab")
            )


@settings(FUZZ, max_examples=12)
@given(tree=mutated_tree(COHORT), text_change=st.data())
def test_mutated_cohorts_never_crash(
    tree: dict[str, Any], text_change: st.DataObject, tmp_path: Path
) -> None:
    scenario = Path(tempfile.mkdtemp(dir=tmp_path)) / "cohort.yaml"
    scenario.write_bytes(text_change.draw(mutated_text(dump(tree))))
    unchanged([scenario], lambda: invoke("validate", str(scenario)))
    unchanged([scenario], lambda: invoke("compare", str(scenario), str(SCENARIOS / "small.yaml")))


@settings(FUZZ, max_examples=12)
@given(
    setting=st.tuples(
        st.sampled_from(
            [
                "start",
                "weeks",
                "name",
                "rules.costs.shortfall",
                "rules.travel_estimate.circuity",
                "rules.inspection_days",
                "inspections",
                "secondees.x",
            ]
        ),
        st.one_of(VALUES.map(lambda v: json.dumps(v, default=str)), st.sampled_from(RAW_LINES)),
    )
)
def test_mutated_set_values_never_crash(setting: tuple[str, str], tmp_path: Path) -> None:
    small = SCENARIOS / "small.yaml"
    key, value = setting
    unchanged(
        [small],
        lambda: invoke(
            "solve", str(small), "--set", f"{key}={value}", "--out", str(tmp_path / "out"), *SOLVE
        ),
    )


# ------------------------------------------------------------------ output folders


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fuzz") / "small"
    assert invoke("solve", str(SCENARIOS / "small.yaml"), "--out", str(out), "--report", *SOLVE) == 0
    return out


CELLS = st.one_of(
    st.sampled_from(
        ["", "lots", "-1", "1e999", "nan", "2026-02-30", "9999-12-27", "commute", "True", "x" * 300]
    ),
    NAUGHTY_TEXT,
    st.integers(-(2**70), 2**70).map(str),
)
JSON_VALUES = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False), NAUGHTY_TEXT
    ),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(NAUGHTY_TEXT, inner, max_size=3),
    max_leaves=6,
)
FILES = [
    "roster.csv",
    "inspections.csv",
    "accommodation.csv",
    "bookings.csv",
    "weeks.csv",
    "people.csv",
    "bodies.csv",
    "summary.json",
    "calendars/ab.ics",
]


@dataclass(frozen=True)
class Edit:
    """An edit to one file of a solved folder, drawn in full before it is applied."""

    name: str
    kind: str  # edit, remove, folder, bytes
    operation: str
    picks: tuple[int, ...]  # which row, column, how many: taken modulo the sizes
    value: Any

    def pick(self, n: int, size: int) -> int:
        return self.picks[n] % max(1, size)

    def apply(self, folder: Path) -> None:
        path = folder / self.name
        if not path.is_file():  # an earlier edit removed it
            return
        if self.kind == "remove":
            path.unlink()
        elif self.kind == "folder":
            path.unlink()
            path.mkdir()
        elif self.kind == "bytes":
            path.write_bytes(b"\xff\xfe" + path.read_bytes()[:40])
        elif self.name.endswith(".csv"):
            self._csv(path)
        elif self.name.endswith(".ics"):
            lines = path.read_text(encoding="utf-8").splitlines()
            lines[self.pick(0, len(lines))] = f"SEQUENCE:{self.value}" if self.pick(1, 2) else str(self.value)
            path.write_text("\r\n".join(lines), encoding="utf-8")
        else:
            self._summary(path)

    def _csv(self, path: Path) -> None:
        lines = path.read_text(encoding="utf-8").splitlines()
        header = lines[0].split(",")
        if self.operation == "cell" and len(lines) > 1:
            row = 1 + self.pick(0, len(lines) - 1)
            cells = lines[row].split(",")
            cells[self.pick(1, len(cells))] = json.dumps(str(self.value))  # quoted: commas stay in the cell
            lines[row] = ",".join(cells)
        elif self.operation == "column":
            drop = self.pick(0, len(header))
            lines = [",".join(c for n, c in enumerate(line.split(",")) if n != drop) for line in lines]
        elif self.operation == "rows":
            lines = lines[: 1 + self.pick(0, len(lines))] + lines[1:][: self.pick(1, 4)]
        elif self.operation == "ragged":
            lines.append(",".join(["x"] * (1 + self.pick(0, len(header) + 3))))
        elif self.operation == "header-only":
            lines = lines[:1]
        else:
            lines = []
        path.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")

    def _summary(self, path: Path) -> None:
        summary: Any = json.loads(path.read_text(encoding="utf-8"))
        key = sorted(summary)[self.pick(0, len(summary))]
        if self.operation == "delete":
            del summary[key]
        elif self.operation == "whole":
            summary = self.value
        else:
            summary[key] = self.value
        text = json.dumps(summary)
        path.write_text(
            text[: self.pick(1, len(text))] if self.operation == "cut" else text, encoding="utf-8"
        )


@st.composite
def folder_edit(draw: st.DrawFn) -> Edit:
    """An edit to a solved folder: a cell, a column, rows, a whole file, or a file's kind."""
    name = draw(st.sampled_from(FILES))
    kind = draw(st.sampled_from(["edit", "edit", "edit", "remove", "folder", "bytes"]))
    if name.endswith(".csv"):
        operation = draw(
            st.sampled_from(["cell", "cell", "column", "rows", "ragged", "header-only", "empty"])
        )
        value: Any = draw(CELLS)
    else:
        operation = draw(st.sampled_from(["value", "value", "delete", "whole", "cut"]))
        value = draw(JSON_VALUES)
    picks = tuple(draw(st.lists(st.integers(0, 10**6), min_size=2, max_size=2)))
    return Edit(name, kind, operation, picks, value)


@settings(FUZZ, max_examples=25)
@given(edits=st.lists(folder_edit(), min_size=1, max_size=2), report=st.booleans())
def test_mutated_folders_never_crash(edits: list[Edit], report: bool, solved: Path, tmp_path: Path) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path)) / "out"  # tmp_path is shared by the examples
    shutil.copytree(solved, folder)
    for edit in edits:
        edit.apply(folder)
    small = SCENARIOS / "small.yaml"
    files = [p for p in folder.rglob("*") if p.is_file()]
    before = digest(folder)
    unchanged([small, *files], lambda: invoke("check", str(small), str(folder)))
    unchanged([small, *files], lambda: invoke("check", str(small), str(folder), "--json"))
    unchanged([small, *files], lambda: invoke("compare", str(folder), str(folder)))
    unchanged(
        [small, *files], lambda: invoke("explain", str(small), "--roster", str(folder), "--secondee", "ab")
    )
    if report:
        invoke("report", str(folder), "--format", "xlsx,html,ics")
        after = digest(folder)
        data = {k: v for k, v in before.items() if k in SOLVED_FILES}
        assert {k: after.get(k) for k in data} == data  # the reports are made again, the data kept
