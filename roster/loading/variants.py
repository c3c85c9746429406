"""What-if variants: `extends: base.yaml`, then `remove:` and `change:` by id, and additions.

A variant is merged into its base as a YAML tree that remembers, for every key and list item,
the file and line it came from, so that an error in the merged scenario still names the file
the planner has to edit.

    extends: ../cohort.yaml
    name: Cohort A, Phil drops out
    remove: {secondees: [phil-h]}
    change: {inspections: {peel-kent: {week: 2027-03-08}}}
    rules: {max_inspections_per_week: 5}          # merged key by key into the base's rules
    inspections: [{id: extra, body: kent-fire, week: 2027-03-15}]   # added to the base's
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from models.base import did_you_mean, folded

LISTS = ("inspections", "secondees", "travel", "bodies")
DIRECTIVES = ("extends", "remove", "change")
SINGULAR = {"inspections": "inspection", "secondees": "secondee", "bodies": "body", "travel": "journey"}


class VariantError(ValueError):
    """A problem in a variant, located in its own file (`also`: the others found in the same pass)."""

    def __init__(self, file: str, line: int | None, key: str, message: str) -> None:
        super().__init__(message)
        self.file, self.line, self.key, self.message = file, line, key, message
        self.also: list[VariantError] = []

    @property
    def every(self) -> list[VariantError]:
        return [self, *self.also]


def _line(node: Any, key: str | int) -> int | None:
    try:
        if isinstance(node, CommentedMap):
            return int(node.lc.key(key)[0]) + 1
        if isinstance(node, CommentedSeq):
            return int(node.lc.item(key)[0]) + 1
    except (KeyError, IndexError, TypeError):
        return None
    return None


@dataclass
class Origins:
    """Which file each key and list item of a (merged) tree came from."""

    default: str
    nodes: dict[int, str] = field(default_factory=dict)
    keys: dict[tuple[int, Any], str] = field(default_factory=dict)
    keep: list[Any] = field(default_factory=list)  # ids stay valid while the nodes live
    removed: dict[tuple[str, str], tuple[str, int | None]] = field(default_factory=dict)
    """(kind, id) of every item a variant's `remove:` drops, with the file and line that drop it."""
    notes: list[str] = field(default_factory=list)
    """What the merge did that a planner may not expect (a list replaced whole), at its line."""
    changed: dict[int, tuple[str, Any]] = field(default_factory=dict)
    """Each item a variant's `change:` rewrote (by node), with the variant's key for it
    (`change.inspections.peel-kent`) and the mapping of keys the change gives."""
    deferred: list[VariantError] = field(default_factory=list)
    """The `remove:` and `change:` entries that name nothing (each left out of the merge), kept to
    be reported with the merged scenario's own problems, in one pass."""

    def mark(self, node: Any, file: str) -> None:
        """Record that `node` and everything under it come from `file`."""
        if isinstance(node, (CommentedMap, CommentedSeq)):
            self.nodes[id(node)] = file
            self.keep.append(node)
            for child in node.values() if isinstance(node, CommentedMap) else node:
                self.mark(child, file)

    def file_of(self, container: Any, key: Any) -> str:
        return self.keys.get((id(container), key), self.nodes.get(id(container), self.default))

    def key_of(self, tree: Any, loc: tuple[str | int, ...], merged: str) -> str:
        """The key to name for `loc` (`merged` is its key path in the merged tree): the variant's
        own, `change.inspections.peel-kent.week`, for a key a variant's `change:` gives, since
        that is what the planner wrote; else `merged` (`inspections[3].week`)."""
        node: Any = tree
        for n, part in enumerate(loc):
            change = self.changed.get(id(node))
            if change is not None and _holds(change[1], loc[n:]):
                rest = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc[n:])
                return change[0] + rest
            step = _step(node, part)
            if step is None:
                break
            node = step[1]
        return merged

    def locate(self, tree: Any, loc: tuple[str | int, ...]) -> tuple[str, int | None]:
        """File and 1-based line of the deepest node of `loc` found in the tree."""
        file, line, node = self.nodes.get(id(tree), self.default), None, tree
        for part in loc:
            step = _step(node, part)
            if step is None:
                break
            key, child = step
            file, line, node = self.file_of(node, key), _line(node, key), child
        return file, line


@dataclass
class Merger:
    """Builds merged trees whose keys keep their original line and file."""

    origins: Origins
    found: list[VariantError] = field(default_factory=list)  # problems of the merge in hand

    def put(self, target: CommentedMap, key: Any, value: Any, source: CommentedMap, source_key: Any) -> None:
        target[key] = value
        position = (source.lc.data or {}).get(source_key)
        if position is not None:
            target.lc.add_kv_line_col(key, position)
        self.origins.keys[(id(target), key)] = self.origins.file_of(source, source_key)

    def push(self, target: CommentedSeq, value: Any, source: CommentedSeq, index: int) -> None:
        target.append(value)
        position = (source.lc.data or {}).get(index)
        if position is not None:
            target.lc.add_kv_line_col(len(target) - 1, position)
        self.origins.keys[(id(target), len(target) - 1)] = self.origins.file_of(source, index)

    def new_map(self, like: CommentedMap | None = None) -> CommentedMap:
        out = CommentedMap()
        self.origins.keep.append(out)
        if like is not None:
            for key in like:
                self.put(out, key, like[key], like, key)
        return out

    def new_seq(
        self, like: CommentedSeq | None = None, drop_by: str = "", drop: frozenset[Any] = frozenset()
    ) -> CommentedSeq:
        """A copy of a list, less the items whose `drop_by` key is in `drop`."""
        out = CommentedSeq()
        self.origins.keep.append(out)
        for index, item in enumerate(like or []):
            if not (drop_by and isinstance(item, CommentedMap) and item.get(drop_by) in drop):
                self.push(out, item, like, index)  # type: ignore[arg-type]
        return out

    def update(self, target: CommentedMap, changes: CommentedMap, path: str = "") -> None:
        """Deep-merge `changes` into `target`, key by key. A list is replaced whole, not merged
        (and the replacement is noted, for `roster validate` to show)."""
        for key in changes:
            value = changes[key]
            where = f"{path}.{key}" if path else str(key)
            if isinstance(value, CommentedMap) and isinstance(target.get(key), CommentedMap):
                inner = self.new_map(target[key])
                self.update(inner, value, where)
                self.put(target, key, inner, changes, key)
            else:
                before = target.get(key)
                if isinstance(value, CommentedSeq) and isinstance(before, CommentedSeq) and before != value:
                    file, line = self.origins.file_of(changes, key), _line(changes, key)
                    self.origins.notes.append(
                        f"{file if line is None or file.startswith('<') else f'{file}:{line}'}: `{where}` is replaced"
                        f" whole: {_flow(before)} becomes {_flow(value)} (a list in a variant replaces"
                        " the base's; write every item to keep)"
                    )
                self.put(target, key, value, changes, key)

    # ------------------------------------------------------------ the merge

    def merge(
        self, base: CommentedMap, variant: CommentedMap, file: str, defer: bool = False
    ) -> CommentedMap:
        """Apply a variant to its (already resolved) base tree. An entry of `remove:` or `change:`
        that names nothing is left out and raised (`VariantError`, with every other one found);
        with `defer`, added to `origins.deferred` instead, for the caller to report beside the
        merged scenario's own problems."""
        merged = self.new_map()
        for key in base:
            value = base[key]
            if key in LISTS and isinstance(value, CommentedSeq):
                value = self.new_seq(value)
            elif isinstance(value, CommentedMap):
                value = self.new_map(value)
            self.put(merged, key, value, base, key)
        for key in variant:
            if key in DIRECTIVES:
                continue
            value = variant[key]
            if key in LISTS and isinstance(value, CommentedSeq) and isinstance(merged.get(key), CommentedSeq):
                self._add(merged[key], value, key, file)
            elif isinstance(value, CommentedMap) and isinstance(merged.get(key), CommentedMap):
                self.update(merged[key], value, str(key))
            else:
                self.put(merged, key, value, variant, key)
        self.found = []
        self._remove(merged, variant, file)
        self._change(merged, variant, file)
        if self.found and defer:
            self.origins.deferred += self.found
        elif self.found:
            first, *others = self.found
            first.also = others
            raise first
        return merged

    def _add(self, target: CommentedSeq, items: CommentedSeq, kind: str, file: str) -> None:
        existing = {item.get("id") for item in target if isinstance(item, CommentedMap)}
        for index, item in enumerate(items):
            if kind != "travel" and isinstance(item, CommentedMap) and item.get("id") in existing:
                ident = item.get("id")
                raise VariantError(
                    file,
                    _line(items, index),
                    f"{kind}[{index}].id",
                    f"`{ident}` is already in the base scenario; use `change: {{{kind}: {{{ident}: ...}}}}` to modify it",
                )
            self.push(target, item, items, index)

    @staticmethod
    def _sections(
        variant: CommentedMap, directive: str, file: str, example: str, shape: type
    ) -> list[tuple[str, Any]]:
        """The `(kind, value)` entries of `remove:` or `change:`, checked for shape."""
        section = variant.get(directive)
        if section is None:
            return []
        if not isinstance(section, CommentedMap):
            raise VariantError(
                file, _line(variant, directive), directive, f"expected a mapping like {example}"
            )
        out = []
        for kind in section:
            value = section[kind]
            key = f"{directive}.{kind}"
            if kind not in ("inspections", "secondees", "bodies"):
                raise VariantError(
                    file,
                    _line(section, kind),
                    key,
                    f"cannot {directive} `{kind}`: expected inspections, secondees or bodies",
                )
            if not isinstance(value, shape):
                wanted = (
                    "a list of ids, e.g. [phil-h]"
                    if shape is CommentedSeq
                    else "a mapping of ids to the keys that change"
                )
                raise VariantError(file, _line(section, kind), key, f"expected {wanted}")
            out.append((str(kind), value))
        return out

    def _remove(self, merged: CommentedMap, variant: CommentedMap, file: str) -> None:
        example = "{secondees: [phil-h], inspections: [peel-kent]}"
        for kind, ids in self._sections(variant, "remove", file, example, CommentedSeq):
            known = _ids(merged, kind)
            named = _named(merged, kind)
            idents = []
            for n, ident in enumerate(ids):
                by_name = named.get(folded(ident), []) if ident not in known else []
                if len(by_name) == 1:  # a secondee named as shown (`Paul M.`), when no one else is
                    ident = by_name[0]
                elif ident not in known:
                    problem = (
                        f"{len(by_name)} secondees are called `{ident}`: give the id of one ({', '.join(by_name)})"
                        if by_name
                        else _no_such(kind, ident, known)
                    )
                    self.found.append(VariantError(file, _line(ids, n), f"remove.{kind}[{n}]", problem))
                idents.append(ident)
            gone = frozenset(idents)
            for n, ident in enumerate(idents):
                self.origins.removed[(kind, str(ident))] = (file, _line(ids, n))
            if not isinstance(merged.get(kind), CommentedSeq):
                continue  # the base lists none of these (each id is told apart above)
            self.put(merged, kind, self.new_seq(merged[kind], "id", gone), merged, kind)
            if kind == "secondees" and isinstance(merged.get("travel"), CommentedSeq):
                kept = self.new_seq(merged["travel"], "secondee", gone)
                self.put(merged, "travel", kept, merged, "travel")

    def _change(self, merged: CommentedMap, variant: CommentedMap, file: str) -> None:
        example = "{inspections: {peel-kent: {week: 2027-03-08}}}"
        for kind, edits in self._sections(variant, "change", file, example, CommentedMap):
            known = _ids(merged, kind)
            for ident in edits:
                fields = edits[ident]
                where = (
                    file,
                    _line(edits, ident),
                    f"change.{kind}" + (f".{ident}" if ident is not None else ""),
                )
                if ident not in known and (kind, str(ident)) in self.origins.removed:
                    self.found.append(
                        VariantError(
                            *where, f"`{ident}` is removed (`remove:`): change it or remove it, not both"
                        )
                    )
                    continue
                if ident not in known:
                    self.found.append(VariantError(*where, _no_such(kind, ident, known)))
                    continue
                if not isinstance(fields, CommentedMap):
                    self.found.append(VariantError(*where, "expected a mapping of keys to change"))
                    continue
                updated = self.new_map(merged[kind][known[ident]])
                if "week" in fields:
                    updated.pop("window", None)  # a fixed week replaces the window
                if "window" in fields:
                    updated.pop("week", None)
                self.update(updated, fields, f"change.{kind}.{ident}")
                self.origins.changed[id(updated)] = (f"change.{kind}.{ident}", fields)
                seq = merged[kind]
                seq[known[ident]] = updated
                self._renamed(seq, known[ident], fields, kind, ident, file)

    def _renamed(
        self, seq: CommentedSeq, index: int, fields: CommentedMap, kind: str, ident: Any, file: str
    ) -> None:
        """A change of an item's id to one another item has: found here, at the variant's line
        (the scenario's duplicate-id check would name whichever of the two comes second, which
        may be the base's line)."""
        new = fields.get("id")
        if "id" not in fields or new == ident:
            return
        if any(
            isinstance(item, CommentedMap) and item.get("id") == new
            for n, item in enumerate(seq)
            if n != index
        ):
            singular = SINGULAR.get(kind, kind)
            self.found.append(
                VariantError(
                    file,
                    _line(fields, "id"),
                    f"change.{kind}.{ident}.id",
                    f"`{new}` is already the id of another {singular}: give `{ident}` an id that no other"
                    f" {singular} has (or `remove:` the other one)",
                )
            )
            seq[index]["id"] = ident  # kept, so that the merged scenario's own checks do not say it again


def _flow(items: CommentedSeq) -> str:
    """A list as it would be written in flow style: `[2026-10-05, 2026-10-12]`."""
    return "[" + ", ".join(str(v) for v in items) + "]"


def _ids(merged: CommentedMap, kind: str) -> dict[Any, int]:
    items = merged.get(kind)
    if not isinstance(items, CommentedSeq):
        return {}
    return {item.get("id"): n for n, item in enumerate(items) if isinstance(item, CommentedMap)}


def _named(tree: CommentedMap, kind: str) -> dict[str, list[str]]:
    """The ids of the secondees of `tree` by their names, folded (none for other kinds)."""
    out: dict[str, list[str]] = {}
    items = tree.get(kind) if kind == "secondees" else None
    for item in items if isinstance(items, CommentedSeq) else []:
        if isinstance(item, CommentedMap) and isinstance(item.get("name"), str) and "id" in item:
            out.setdefault(folded(item["name"]), []).append(str(item["id"]))
    return out


def _holds(given: Any, loc: tuple[str | int, ...]) -> bool:
    """Whether the keys a `change:` gives (`given`) hold the whole path `loc`: a key deep-merged
    from the base (`min` beside a changed `max`) is the base's, not the change's."""
    node = given
    for part in loc:
        step = _step(node, part)
        if step is None:
            return False
        node = step[1]
    return True


def _step(node: Any, part: str | int) -> tuple[Any, Any] | None:
    """One step of a key path into a tree: the key of a mapping (as written, `part` matched by its
    text) or the index of a list, and the node there; None when the path goes no further."""
    if isinstance(node, CommentedMap):
        key = next((k for k in node if k == part or str(k) == str(part)), None)
        return None if key is None else (key, node[key])
    if isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
        return part, node[part]
    return None


def _no_such(kind: str, ident: Any, known: dict[Any, int]) -> str:
    if ident is None or str(ident).strip() == "":
        return (
            f"an empty {SINGULAR.get(kind, kind)} id: give the id of the {SINGULAR.get(kind, kind)} to change"
        )
    hint = did_you_mean(str(ident), [str(k) for k in known], n=3)
    if kind == "bodies" and not hint:
        hint = (
            ": only a body the scenario lists under `bodies:` can be removed or changed here, not one"
            " bundled with roster (remove its inspections instead)"
        )
    return f"no {SINGULAR.get(kind, kind)} `{ident}` in the base scenario{hint}"
