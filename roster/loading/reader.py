"""Load a scenario file; every error names the file, the line, the key and a hint."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import stat
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from models import Scenario
from models.base import annotation_args, did_you_mean, model_in
from models.limits import MAX_DEPTH, MAX_SCENARIO_BYTES
from roster.labels import shortened
from roster.loading.baseline import Removed, read_published
from roster.loading.crossref import partial_errors
from roster.loading.errors import Problem, ScenarioError
from roster.loading.safe_yaml import FLOW_SCAN_DEPTH, LimitError, Resolver, flow_nesting, is_plain, load
from roster.loading.sheets import is_workbook
from roster.loading.variants import Merger, Origins, VariantError

Loc = tuple[str | int, ...]


def read_yaml(path: Path, text: str | None = None) -> Any:
    """Parse a YAML file (or its `text`, already read), keeping line marks (ruamel round-trip
    nodes), within the limits."""
    if text is None:
        text = read_text(path)
    _check_flow_nesting(path, text)
    return parse(text, str(path))


def _check_flow_nesting(path: Path, text: str) -> None:
    depth, line = flow_nesting(text)
    if depth > FLOW_SCAN_DEPTH:
        raise _at(
            path, line, f"lists and mappings are nested more than {MAX_DEPTH} deep (a scenario needs about 5)"
        )


def _at(path: Path | str, line: int | None, message: str) -> ScenarioError:
    return ScenarioError([Problem(str(path), line, "", message)])


def read_text(path: Path) -> str:
    """The text of a scenario file: a regular file, UTF-8, at most `MAX_SCENARIO_BYTES`."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise _at(path, None, "no such file") from None
    except OSError as exc:
        raise _at(path, None, f"cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise _at(path, None, "is a folder, not a scenario file")
    if not stat.S_ISREG(info.st_mode):
        raise _at(path, None, "is not a regular file (a pipe or a device?): give a scenario file")
    if info.st_size > MAX_SCENARIO_BYTES:
        raise _at(
            path,
            None,
            f"is {info.st_size / 2**20:,.1f} MB; a scenario file is at most {MAX_SCENARIO_BYTES // 2**20} MB"
            " (a 104-week programme is about 0.1 MB)",
        )
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise _at(
            path, line, f"is not UTF-8 text (byte {exc.object[exc.start]:#04x}): save it as UTF-8"
        ) from None
    except OSError as exc:
        raise _at(path, None, f"cannot be read ({exc.strerror or exc})") from None


def parse(text: str, file: str) -> Any:
    """Parse YAML text (a file's, or a `--set` value) with the limits of `safe_yaml`."""
    try:
        return load(text)
    except LimitError as exc:
        mark = exc.problem_mark
        raise _at(file, mark.line + 1 if mark is not None else None, str(exc.problem)) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise _at(file, line, f"is not valid YAML: {what}") from None
    except ReaderError as exc:  # a control character YAML does not allow: where it is, which one
        line = text[: exc.position].count("\n") + 1 if isinstance(exc.position, int) else None
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
        raise _at(
            file, line, f"holds a control character (U+{code:04X}) that YAML does not allow: delete it"
        ) from None
    except YAMLError as exc:
        raise _at(file, None, f"is not valid YAML: {' '.join(str(exc).split())}") from None


def plain(node: Any) -> Any:
    """Round-trip YAML nodes as plain dicts, lists and scalars."""
    if isinstance(node, dict):
        return {k if isinstance(k, dt.date) else str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node


def error_messages(errors: list[dict[str, Any]]) -> list[tuple[Loc, str, dict[str, Any]]]:
    """Pydantic errors as (key path, plain message, error), one per error the planner meant."""
    by_loc: dict[Loc, list[dict[str, Any]]] = {}
    for error in errors:
        by_loc.setdefault(_clean_loc(error["loc"]), []).append(error)
    out = []
    for loc, group in by_loc.items():
        # A union (e.g. `secondees: 4` or `{min, max}`) reports a type mismatch for each branch it
        # did not take; keep the error of the branch the planner meant (a mapping with a wrong
        # value inside is the mapping branch, not a mistyped string).
        meant = [e for e in group if not _is_type_mismatch(e)] or group[:1]
        if all(_is_type_mismatch(e) for e in group) and any(
            len(other) > len(loc) and other[: len(loc)] == loc for other in by_loc
        ):
            continue  # the mismatch of a branch not taken, beside the errors inside the one taken
        out += [(loc, _message(error, loc), error) for error in meant]
    return out


def describe(errors: list[dict[str, Any]], tree: Any, origins: Origins) -> list[Problem]:
    """Turn pydantic errors into problems a planner can act on."""
    problems = []
    for loc, message, _ in error_messages(errors):
        file, line = origins.locate(tree, loc)
        problems.append(Problem(file, line, origins.key_of(tree, loc, key_path(loc)), message))
    return sorted(problems, key=lambda p: p.line or 0)


def _is_type_mismatch(error: dict[str, Any]) -> bool:
    kind = str(error["type"])
    return kind.endswith("_type") or kind in {"model_attributes_type", "dict_type", "is_instance_of"}


def _clean_loc(loc: tuple[Any, ...]) -> Loc:
    # Pydantic names union branches inside the loc (`int`, `TeamSize`, `function-after[...]`); drop them.
    branch_names = {"int", "TeamSize", "Location", "str", "constrained-int"}
    return tuple(p for p in loc if not (isinstance(p, str) and (p in branch_names or "[" in p)))


def key_path(loc: Loc) -> str:
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
        if tuple(loc) == ("baseline", "roster"):
            return (
                "is required but missing: a replan names the published roster it starts from"
                " (`baseline: {roster: PATH}`, or --baseline PATH beside --frozen-before)"
            )
        return "is required but missing"
    message = str(error["msg"])
    if kind == "int_parsing":
        message = "expected a whole number"
    elif kind == "bool_parsing":
        message = "expected true or false"
    elif kind == "string_type":
        message = "expected text"
    message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    limit = (error.get("ctx") or {}).get("le")
    if kind in {"date_from_datetime_parsing", "date_parsing", "date_type"}:
        message = f"expected a date like 2026-09-07, found `{shortened(found)}`{_date_reason(found)}"
    elif kind == "less_than_equal" and isinstance(limit, int) and loc and loc[-1] not in ("lat", "lon"):
        message = f"expected at most {limit:,} (a limit of roster's, far above any programme); found `{shortened(found)}`"
    elif kind in ("greater_than_equal", "greater_than") and isinstance(
        (least := (error.get("ctx") or {}).get("ge", (error.get("ctx") or {}).get("gt"))), int | float
    ):
        shown = f"{int(least):,}" if float(least).is_integer() else f"{least:,}"
        message = (
            f"expected {shown} or more" if kind == "greater_than_equal" else f"expected more than {shown}"
        )
        message = f"{message}; found `{shortened(found)}`"
    elif kind == "finite_number":
        message = f"expected a finite number; found `{shortened(found)}`"
    elif kind.startswith(
        ("int_", "float_", "bool_", "string_", "literal_", "greater", "less", "tuple", "list", "too_")
    ):
        message = f"{message}; found " + (
            "no value (an empty `key:` or `--set KEY=`)" if found is None else f"`{shortened(found)}`"
        )
    return message


def _date_reason(found: Any) -> str:
    """Why text shaped like a date is none: `; February 2026 has 28 days`."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", str(found).strip())
    if match is None:
        return ""
    year, month, day = (int(g) for g in match.groups())
    if not 1 <= year <= dt.MAXYEAR:
        return f"; there is no year {year}"
    if not 1 <= month <= 12:
        return f"; there is no month {month} (months are 1 to 12)"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"; {dt.date(year, month, 1):%B %Y} has {days} days"
    return ""


def _allowed_keys(loc: Loc) -> list[str]:
    """Keys the model at `loc` accepts (for "did you mean" hints)."""
    annotation: Any = Scenario
    for part in loc:
        annotation = _step(annotation, part)
        if annotation is None:
            return []
    model = model_in(annotation)
    return list(model.model_fields) if model else []


def _step(annotation: Any, part: str | int) -> Any:
    model = model_in(annotation)
    if isinstance(part, str):
        if model is None or part not in model.model_fields:
            return None
        return model.model_fields[part].annotation
    for arg in annotation_args(annotation):
        origin = typing.get_origin(arg)
        if origin in (list, tuple):
            inner = typing.get_args(arg)
            return inner[0] if inner else None
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
        errors = [dict(e) for e in exc.errors()]
        errors += partial_errors(data, errors)  # unknown ids too, not only after the fields are fixed
        raise ScenarioError(describe(errors, tree, origins)) from None


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
    if not isinstance(tree["extends"], str) or not tree["extends"].strip():
        raise ScenarioError(
            [
                Problem(
                    str(path),
                    line,
                    "extends",
                    "expected the base scenario's file, e.g. `extends: ../cohort.yaml`",
                )
            ]
        )
    base_path = (path.parent / str(tree["extends"])).resolve()
    if base_path in seen or base_path == path.resolve():
        raise ScenarioError(
            [Problem(str(path), line, "extends", f"`{tree['extends']}` extends itself (a cycle of variants)")]
        )
    if is_workbook(base_path) and base_path.exists():
        raise ScenarioError(
            [
                Problem(
                    str(path),
                    line,
                    "extends",
                    f"`{tree['extends']}` is a workbook or a folder of CSV files: a what-if extends a YAML"
                    f" scenario; write it as one first (`roster import {tree['extends']}`) and extend that",
                )
            ]
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
        return Merger(origins).merge(base, tree, str(path), defer=True)
    except VariantError as exc:
        raise ScenarioError(
            [Problem(e.file, e.line, e.key, e.message) for e in sorted(exc.every, key=_line_of)]
        ) from None


def _line_of(error: VariantError) -> int:
    return error.line or 0


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


def _setting(variant: CommentedMap, setting: str) -> None:
    key, sep, text = setting.partition("=")
    if not sep or not key.strip():
        raise ScenarioError(
            [Problem("<--set>", None, setting, "expected KEY=VALUE, e.g. rules.max_inspections_per_week=5")]
        )
    try:
        value = parse(text, "<--set>") if text.strip() else None
    except ScenarioError as exc:
        raise ScenarioError(
            [Problem("<--set>", None, key, f"value `{text}`: {p.message}") for p in exc.problems]
        ) from None
    node = variant
    parts = key.strip().split(".")
    if parts[0] in ("extends", "remove", "change"):
        raise ScenarioError(
            [
                Problem(
                    "<--set>",
                    None,
                    key,
                    f"`{parts[0]}:` belongs in a what-if file, not in --set: write a variant with"
                    " `extends:` (or use --drop-secondee and --drop-inspection)",
                )
            ]
        )
    if parts[0] in ("inspections", "secondees", "travel", "bodies"):
        raise ScenarioError(
            [
                Problem(
                    "<--set>",
                    None,
                    key,
                    f"--set changes the keys of the programme and its rules; `{parts[0]}` is a list, changed"
                    f" by id in a what-if file: `change: {{{parts[0]}: {{ID: {{week: ...}}}}}}`",
                )
            ]
        )
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
    variant = CommentedMap()
    for setting in overrides.settings:
        _setting(variant, setting)
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

    A workbook (`.xlsx`) or a folder of CSV files is read by `roster.loading.workbook`.

    A plain file (no `extends:`, no overrides, no anchors) that validates is parsed with ruamel's
    C safe loader, and the lines of its keys are found only when a message needs one
    (`Scenario.where`); anything else, and every file with a problem, takes the tree that keeps
    the line of every key (`safe_yaml.load`: built on the C parser for plain text, by the
    round-trip parser with its limits otherwise), so that each problem is reported at its file
    and line.

    Raises
    ------
    ScenarioError
        With one problem per error found, each naming the file, line and key.
    """
    path = Path(path)
    if is_workbook(path):
        from roster.loading.workbook import load_workbook  # it builds on this module

        return load_workbook(path, overrides)
    text = read_text(path)
    scenario = _quick(path, text, overrides)
    removed: Removed = {}
    if scenario is None:
        scenario, removed = _located(path, text, overrides)
    scenario.set_file(str(path.absolute()))
    if scenario.baseline is not None:
        scenario.set_published(read_published(scenario, removed))
    return scenario


def _quick(path: Path, text: str, overrides: Overrides | None = None) -> Scenario | None:
    """The scenario of a plain file that validates, parsed by the C loader; None otherwise.

    Only a file the round-trip parse would read the same way takes this path: no anchors or
    aliases (whose expansion the limited parser counts), brackets nested within the limit, and
    anything the C loader cannot construct (an impossible date, nesting past Python's stack)
    falls back to the round-trip parse, which reports it at its line. Of the overrides, only
    `--baseline` and `--frozen-before` (what `roster replace` gives) are applied here; their keys
    are said to come from the command line, as the round-trip load says.
    """
    if overrides and (overrides.settings or overrides.drop_secondees or overrides.drop_inspections):
        return None
    if not is_plain(text):
        return None
    yaml = YAML(typ="safe", pure=False)
    yaml.Resolver = Resolver
    yaml.allow_duplicate_keys = False
    try:
        data = yaml.load(text)
        if not isinstance(data, dict) or any(key in data for key in ("extends", "remove", "change")):
            return None
        data = plain(data)
        given = _baseline_overrides(data, overrides)
        if given is None:
            return None
        scenario = Scenario.model_validate(data)
    except (YAMLError, ValidationError, ValueError, OverflowError, RecursionError, TypeError):
        return None
    scenario.set_source(KeyLines(path, text, given), files=[str(path)])
    return scenario


def _baseline_overrides(data: dict[str, Any], overrides: Overrides | None) -> dict[str, str] | None:
    """Apply `--baseline` and `--frozen-before` to the plain data of a file, as the variant of
    `overrides_tree` would: the key paths they set (each from `<command line>`), or None when the
    file's `baseline` is not a mapping to merge them into."""
    if not overrides:
        return {}
    if overrides.baseline is None and overrides.frozen_before is None:
        return {}
    given = {} if "baseline" in data else {"baseline": "<command line>"}
    baseline = data.setdefault("baseline", {})
    if not isinstance(baseline, dict):
        return None
    if overrides.baseline is not None:
        baseline["roster"] = str(Path(overrides.baseline).absolute())
        given["baseline.roster"] = "<command line>"
    if overrides.frozen_before is not None:
        baseline["frozen_before"] = _date_or_text(overrides.frozen_before)
        given["baseline.frozen_before"] = "<command line>"
    return given


class KeyLines(Mapping[str, str]):
    """`file:line` of every key path of a file (as `key_lines`), found on first use.

    Worked out from the text of a plain file (parsed quickly at first) by the round-trip parse,
    the first time a line is asked for: the same lines as a round-trip load gives.
    """

    def __init__(self, path: Path, text: str, given: Mapping[str, str] | None = None) -> None:
        self.path, self.text = path, text
        self.given = dict(given or {})  # key paths the command line set, and where they came from
        self._lines: dict[str, str] | None = None

    @property
    def lines(self) -> dict[str, str]:
        if self._lines is None:
            origins = Origins(str(self.path))
            try:
                tree = read_yaml(self.path, self.text)
            except ScenarioError:  # read differently by the two parsers: messages name the file
                self._lines = dict(self.given)
            else:
                origins.mark(tree, str(self.path))
                self._lines = key_lines(tree, origins) | self.given
            self.text = ""
        return self._lines

    def file_of(self, key: str) -> str:
        """The file `key` is written in, without working out the lines: the command line for the
        keys it set, else this file (a plain file extends nothing, so it writes every other key)."""
        return self.given.get(key, str(self.path))

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
            tree = Merger(origins).merge(tree, variant, "<command line>", defer=True)
        except VariantError as exc:
            raise ScenarioError(
                [Problem(e.file, e.line, e.key, e.message) for e in sorted(exc.every, key=_line_of)]
            ) from None
    # The variants' entries that name nothing, with the merged scenario's own problems: one pass.
    named = [Problem(e.file, e.line, e.key, e.message) for e in sorted(origins.deferred, key=_line_of)]
    try:
        scenario = validate_data(plain(tree), tree, origins)
    except ScenarioError as exc:
        raise ScenarioError([*named, *exc.problems]) from None
    if named:
        raise ScenarioError(named)
    scenario.set_source(key_lines(tree, origins))
    scenario.set_notes(origins.notes)
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
            lines[key_path(loc)] = file if file.startswith("<") or line is None else f"{file}:{line}"
            walk(node[key], loc)

    walk(tree, ())
    return lines
