"""Load a scenario file; every error names the file, the line, the key and a hint."""

from __future__ import annotations

import datetime as dt
import difflib
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from models import Scenario

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario file."""

    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        key = f" `{self.key}`" if self.key else ""
        return f"{where}:{key} {self.message}"


class ScenarioError(Exception):
    """A scenario file that cannot be used, with every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def read_yaml(path: Path) -> Any:
    """Parse a YAML file, keeping line marks (ruamel round-trip nodes)."""
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([Problem(str(path), None, "", "no such file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(str(path), None, "", f"cannot be read: {exc}")]) from None
    try:
        return yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise ScenarioError([Problem(str(path), line, "", f"is not valid YAML: {what}")]) from None
    except YAMLError as exc:
        raise ScenarioError([Problem(str(path), None, "", f"is not valid YAML: {exc}")]) from None


def plain(node: Any) -> Any:
    """Round-trip YAML nodes as plain dicts, lists and scalars."""
    if isinstance(node, dict):
        return {k if isinstance(k, dt.date) else str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node


def line_of(tree: Any, loc: Loc) -> int | None:
    """1-based line of the deepest node of `loc` found in the YAML tree."""
    line: int | None = None
    node = tree
    for part in loc:
        if isinstance(node, CommentedMap):
            key = _map_key(node, part)
            if key is None:
                break
            line = node.lc.key(key)[0] + 1
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
            line = node.lc.item(part)[0] + 1
            node = node[part]
        else:
            break
    return line


def _map_key(node: CommentedMap, part: str | int) -> Any:
    for key in node:
        if key == part or str(key) == str(part):
            return key
    return None


def describe(errors: list[dict[str, Any]], tree: Any, file: str) -> list[Problem]:
    """Turn pydantic errors into problems a planner can act on."""
    by_loc: dict[Loc, list[dict[str, Any]]] = {}
    for error in errors:
        by_loc.setdefault(_clean_loc(error["loc"]), []).append(error)
    problems = []
    for loc, group in by_loc.items():
        # A union (e.g. `secondees: 4` or `{min, max}`) reports a type mismatch for each branch it
        # did not take; keep the error of the branch the planner meant.
        meant = [e for e in group if not _is_type_mismatch(e)] or group[:1]
        for error in meant:
            problems.append(Problem(file, line_of(tree, loc), _key_path(loc), _message(error, loc)))
    return sorted(problems, key=lambda p: p.line or 0)


def _is_type_mismatch(error: dict[str, Any]) -> bool:
    kind = str(error["type"])
    return kind.endswith("_type") or kind in {"model_attributes_type", "dict_type", "is_instance_of"}


def _clean_loc(loc: tuple[Any, ...]) -> Loc:
    # Pydantic names union branches and tagged members inside the loc; drop those.
    branch_names = {
        "int",
        "TeamSize",
        "Location",
        "str",
        "constrained-int",
        "function-after[_must_be_monday(), date]",
    }
    return tuple(p for p in loc if not (isinstance(p, str) and (p in branch_names or "[" in p)))


def _key_path(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _message(error: dict[str, Any], loc: Loc) -> str:
    kind = error["type"]
    found = error.get("input")
    if kind == "extra_forbidden":
        name = str(loc[-1]) if loc else "?"
        allowed = _allowed_keys(loc[:-1])
        close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        listed = f" (expected one of: {', '.join(allowed)})" if allowed else ""
        return f"unknown key `{name}`{hint}{listed}"
    if kind == "missing":
        return "is required but missing"
    message = str(error["msg"])
    message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind in {"date_from_datetime_parsing", "date_parsing", "date_type"}:
        message = f"expected a date like 2026-09-07, found `{found}`"
    elif kind.startswith(
        ("int_", "float_", "bool_", "string_", "literal_", "greater", "less", "tuple", "list")
    ):
        message = f"{message}; found `{found}`"
    return message


def _allowed_keys(loc: Loc) -> list[str]:
    """Keys the model at `loc` accepts (for "did you mean" hints)."""
    annotation: Any = Scenario
    for part in loc:
        annotation = _step(annotation, part)
        if annotation is None:
            return []
    model = _model_in(annotation)
    return list(model.model_fields) if model else []


def _step(annotation: Any, part: str | int) -> Any:
    model = _model_in(annotation)
    if isinstance(part, str):
        if model is None or part not in model.model_fields:
            return None
        return model.model_fields[part].annotation
    for arg in _args(annotation):
        origin = typing.get_origin(arg)
        if origin in (list, tuple):
            inner = typing.get_args(arg)
            return inner[0] if inner else None
    return None


def _args(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return [a for arg in typing.get_args(annotation) for a in _args(arg)]
    if origin is typing.Annotated:
        return _args(typing.get_args(annotation)[0])
    return [annotation]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    for arg in _args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def validate_data(data: Any, tree: Any, file: str) -> Scenario:
    """Validate plain data as a Scenario, raising ScenarioError with lines."""
    if not isinstance(data, dict):
        found = "an empty file" if data is None else f"a {type(data).__name__}"
        raise ScenarioError(
            [
                Problem(
                    file,
                    1,
                    "",
                    f"expected a mapping of scenario keys (name, start, weeks, ...), found {found}",
                )
            ]
        )
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(describe([dict(e) for e in exc.errors()], tree, file)) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file.

    Raises
    ------
    ScenarioError
        With one problem per error found, each naming the file, line and key.
    """
    path = Path(path)
    tree = read_yaml(path)
    scenario = validate_data(plain(tree), tree, str(path))
    scenario.set_source(str(path), key_lines(tree))
    return scenario


def key_lines(tree: Any) -> dict[str, int]:
    """Line of every key path in the YAML tree, e.g. `inspections[3].week` -> 27."""
    lines: dict[str, int] = {}

    def walk(node: Any, prefix: Loc) -> None:
        if isinstance(node, CommentedMap):
            for key in node:
                loc = (*prefix, str(key))
                lines[_key_path(loc)] = node.lc.key(key)[0] + 1
                walk(node[key], loc)
        elif isinstance(node, CommentedSeq):
            for index in range(len(node)):
                loc = (*prefix, index)
                lines[_key_path(loc)] = node.lc.item(index)[0] + 1
                walk(node[index], loc)

    walk(tree, ())
    return lines
