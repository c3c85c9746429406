"""Load a scenario file; every error names the file, the line, the key and a hint."""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from models import Scenario
from models.base import did_you_mean
from roster.loading.baseline import Removed, read_published
from roster.loading.errors import Problem, ScenarioError
from roster.loading.variants import Merger, Origins, VariantError

Loc = tuple[str | int, ...]


def read_text(path: Path) -> str:
    """The text of a scenario file; a file that cannot be read is bad input."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([Problem(str(path), None, "", "no such file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(str(path), None, "", f"cannot be read: {exc}")]) from None


def read_yaml(path: Path, text: str | None = None) -> Any:
    """Parse a YAML file (or its `text`, already read), keeping line marks (ruamel round-trip nodes)."""
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    if text is None:
        text = read_text(path)
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


def describe(errors: list[dict[str, Any]], tree: Any, origins: Origins) -> list[Problem]:
    """Turn pydantic errors into problems a planner can act on."""
    by_loc: dict[Loc, list[dict[str, Any]]] = {}
    for error in errors:
        by_loc.setdefault(_clean_loc(error["loc"]), []).append(error)
    problems = []
    for loc, group in by_loc.items():
        # A union (e.g. `secondees: 4` or `{min, max}`) reports a type mismatch for each branch it
        # did not take; keep the error of the branch the planner meant.
        meant = [e for e in group if not _is_type_mismatch(e)] or group[:1]
        file, line = origins.locate(tree, loc)
        for error in meant:
            problems.append(Problem(file, line, _key_path(loc), _message(error, loc)))
    return sorted(problems, key=lambda p: p.line or 0)


def _is_type_mismatch(error: dict[str, Any]) -> bool:
    kind = str(error["type"])
    return kind.endswith("_type") or kind in {"model_attributes_type", "dict_type", "is_instance_of"}


def _clean_loc(loc: tuple[Any, ...]) -> Loc:
    # Pydantic names union branches inside the loc (`int`, `TeamSize`, `function-after[...]`); drop them.
    branch_names = {"int", "TeamSize", "Location", "str", "constrained-int"}
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
        hint = did_you_mean(name, allowed)
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


def validate_data(data: Any, tree: Any, origins: Origins) -> Scenario:
    """Validate plain data as a Scenario, raising ScenarioError with files and lines."""
    if not isinstance(data, dict):
        found = "an empty file" if data is None else f"a {type(data).__name__}"
        expected = "expected a mapping of scenario keys (name, start, weeks, ...)"
        raise ScenarioError([Problem(origins.default, 1, "", f"{expected}, found {found}")])
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(describe([dict(e) for e in exc.errors()], tree, origins)) from None


def resolve(path: Path, origins: Origins, seen: tuple[Path, ...] = (), text: str | None = None) -> Any:
    """The YAML tree of a scenario file (its `text` when already read), with `extends:` bases merged in."""
    tree = read_yaml(path, text)
    origins.mark(tree, str(path))
    if not isinstance(tree, CommentedMap):
        return tree
    if "extends" not in tree:
        for directive in ("remove", "change"):
            if directive in tree:
                line = tree.lc.key(directive)[0] + 1
                raise ScenarioError(
                    [
                        Problem(
                            str(path),
                            line,
                            directive,
                            f"`{directive}:` only makes sense with `extends: base.yaml`",
                        )
                    ]
                )
        return tree
    line = tree.lc.key("extends")[0] + 1
    base_path = (path.parent / str(tree["extends"])).resolve()
    if base_path in seen or base_path == path.resolve():
        raise ScenarioError(
            [Problem(str(path), line, "extends", f"`{tree['extends']}` extends itself (a cycle of variants)")]
        )
    if not base_path.is_file():
        raise ScenarioError(
            [
                Problem(
                    str(path),
                    line,
                    "extends",
                    f"no base scenario at `{tree['extends']}` (looked for {base_path})",
                )
            ]
        )
    base = resolve(base_path, origins, (*seen, path.resolve()))
    if not isinstance(base, CommentedMap):
        raise ScenarioError(
            [Problem(str(base_path), 1, "", "a base scenario must be a mapping of scenario keys")]
        )
    try:
        return Merger(origins).merge(base, tree, str(path))
    except VariantError as exc:
        raise ScenarioError([Problem(exc.file, exc.line, exc.key, exc.message)]) from None


@dataclass(frozen=True)
class Overrides:
    """Changes given on the command line, applied as a variant of the scenario file.

    Parameters
    ----------
    settings
        `KEY=VALUE` pairs: `rules.max_inspections_per_week=5` (the value is read as YAML).
    drop_secondees, drop_inspections
        Ids to leave out, as `remove:` does.
    baseline
        The published roster to replan (`--baseline`): wins over `baseline.roster` in the file.
    frozen_before
        `--frozen-before`: wins over `baseline.frozen_before` in the file.
    """

    settings: tuple[str, ...] = ()
    drop_secondees: tuple[str, ...] = ()
    drop_inspections: tuple[str, ...] = ()
    baseline: str | None = None
    frozen_before: str | None = None

    def __bool__(self) -> bool:
        return any(
            (self.settings, self.drop_secondees, self.drop_inspections, self.baseline, self.frozen_before)
        )

    def words(self) -> list[str]:
        """The overrides as typed, for `summary.json`."""
        out = [f"--set {x}" for x in self.settings] + [f"--drop-secondee {x}" for x in self.drop_secondees]
        out += [f"--drop-inspection {x}" for x in self.drop_inspections]
        out += [f"--baseline {self.baseline}"] if self.baseline else []
        return out + ([f"--frozen-before {self.frozen_before}"] if self.frozen_before else [])


def _setting(yaml: YAML, variant: CommentedMap, setting: str) -> None:
    key, sep, text = setting.partition("=")
    if not sep or not key.strip():
        raise ScenarioError(
            [Problem("<--set>", None, setting, "expected KEY=VALUE, e.g. rules.max_inspections_per_week=5")]
        )
    try:
        value = yaml.load(text) if text.strip() else None
    except YAMLError as exc:
        raise ScenarioError(
            [Problem("<--set>", None, key, f"value `{text}` is not valid YAML: {exc}")]
        ) from None
    node = variant
    parts = key.strip().split(".")
    for n, part in enumerate(parts[:-1]):
        node = node.setdefault(part, CommentedMap())
        if not isinstance(node, CommentedMap):
            inside = ".".join(parts[: n + 1])
            raise ScenarioError(
                [
                    Problem(
                        "<--set>", None, key, f"`{inside}` is set to a value, so it has no `{parts[n + 1]}`"
                    )
                ]
            )
    node[parts[-1]] = value


def overrides_tree(overrides: Overrides) -> CommentedMap:
    """Command-line changes as a variant: `--set rules.max_inspections_per_week=5`, `--drop-secondee x`."""
    yaml = YAML(typ="rt")
    variant = CommentedMap()
    for setting in overrides.settings:
        _setting(yaml, variant, setting)
    remove = CommentedMap()
    if overrides.drop_secondees:
        remove["secondees"] = CommentedSeq(overrides.drop_secondees)
    if overrides.drop_inspections:
        remove["inspections"] = CommentedSeq(overrides.drop_inspections)
    if remove:
        variant["remove"] = remove
    if overrides.baseline is not None or overrides.frozen_before is not None:
        baseline = variant.setdefault("baseline", CommentedMap())
        if overrides.baseline is not None:
            baseline["roster"] = str(Path(overrides.baseline).absolute())  # relative to where it is typed
        if overrides.frozen_before is not None:
            baseline["frozen_before"] = _date_or_text(overrides.frozen_before)
    return variant


def _date_or_text(text: str) -> Any:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return text  # validation says what is wrong with it


def load_scenario(path: str | Path, overrides: Overrides | None = None) -> Scenario:
    """Read and validate a scenario file (merging the bases it extends, then any overrides), and
    the published roster it replans, if any (`baseline:`).

    A plain file (no `extends:`, no overrides) that validates is parsed with ruamel's C safe
    loader, and the lines of its keys are found only when a message needs one (`Scenario.where`);
    anything else, and every file with a problem, takes the round-trip parse that keeps the line
    of every key, so that each problem is reported at its file and line.

    Raises
    ------
    ScenarioError
        With one problem per error found, each naming the file, line and key.
    """
    path = Path(path)
    text = read_text(path)
    scenario = None if overrides else _quick(path, text)
    removed: Removed = {}
    if scenario is None:
        scenario, removed = _located(path, text, overrides)
    scenario.set_file(str(path.absolute()))
    if scenario.baseline is not None:
        scenario.set_published(read_published(scenario, removed))
    return scenario


def _quick(path: Path, text: str) -> Scenario | None:
    """The scenario of a plain file that validates, parsed by the C loader; None otherwise."""
    yaml = YAML(typ="safe", pure=False)
    yaml.allow_duplicate_keys = False
    try:
        data = yaml.load(text)
    except YAMLError:
        return None
    if not isinstance(data, dict) or any(key in data for key in ("extends", "remove", "change")):
        return None
    try:
        scenario = Scenario.model_validate(plain(data))
    except ValidationError:
        return None
    scenario.set_source(KeyLines(path, text), files=[str(path)])
    return scenario


class KeyLines(Mapping[str, str]):
    """`file:line` of every key path of a file (as `key_lines`), found on first use.

    Worked out from the text of a plain file (parsed quickly at first) by the round-trip parse,
    the first time a line is asked for: the same lines as a round-trip load gives.
    """

    def __init__(self, path: Path, text: str) -> None:
        self.path, self.text = path, text
        self._lines: dict[str, str] | None = None

    @property
    def lines(self) -> dict[str, str]:
        if self._lines is None:
            origins = Origins(str(self.path))
            tree = read_yaml(self.path, self.text)
            origins.mark(tree, str(self.path))
            self._lines = key_lines(tree, origins)
            self.text = ""
        return self._lines

    def __getitem__(self, key: str) -> str:
        return self.lines[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.lines)

    def __len__(self) -> int:
        return len(self.lines)

    def __contains__(self, key: object) -> bool:
        return key in self.lines


def _located(path: Path, text: str, overrides: Overrides | None) -> tuple[Scenario, Removed]:
    """Load with the round-trip parse: every key keeps its file and line, for every message.
    Also returns what the variants `remove:`, with where they say it."""
    origins = Origins(str(path))
    tree = resolve(path, origins, text=text)
    if overrides:
        variant = overrides_tree(overrides)
        origins.mark(variant, "<command line>")
        if not isinstance(tree, CommentedMap):
            raise ScenarioError([Problem(str(path), 1, "", "a scenario must be a mapping of scenario keys")])
        try:
            tree = Merger(origins).merge(tree, variant, "<command line>")
        except VariantError as exc:
            raise ScenarioError([Problem(exc.file, exc.line, exc.key, exc.message)]) from None
    scenario = validate_data(plain(tree), tree, origins)
    scenario.set_source(key_lines(tree, origins))
    return scenario, origins.removed


def key_lines(tree: Any, origins: Origins) -> dict[str, str]:
    """`file:line` of every key path in the tree, e.g. `inspections[3].week`."""
    lines: dict[str, str] = {}

    def walk(node: Any, prefix: Loc) -> None:
        children = (
            list(node)
            if isinstance(node, CommentedMap)
            else range(len(node))
            if isinstance(node, CommentedSeq)
            else []
        )
        for key in children:
            loc = (*prefix, key if isinstance(key, int) else str(key))
            file, line = origins.locate(tree, loc)
            lines[_key_path(loc)] = file if file.startswith("<") or line is None else f"{file}:{line}"
            walk(node[key], loc)

    walk(tree, ())
    return lines
