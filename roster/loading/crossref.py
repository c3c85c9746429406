"""Cross-reference problems of a scenario whose fields did not all validate, in the same pass.

Pydantic checks the references between the parts (an unknown body, a week outside the horizon,
a duplicate id) only once every field is valid, so a planner would fix a bad rank, run again,
and only then hear of the unknown body. Here the items that did validate are checked on their
own, and the problems found are reported with the field errors. A reference to an item that is
itself invalid is left out, so that nothing is reported that is not wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import InitErrorDetails

from models import Body, Inspection, Rules, Scenario, Secondee, TravelTime
from models.base import Monday, PositiveWeekCount
from models.scenario import unknown_message

LISTS: dict[str, type[BaseModel]] = {
    "inspections": Inspection,
    "secondees": Secondee,
    "travel": TravelTime,
    "bodies": Body,
}
CROSS_KINDS = frozenset(
    {
        "unknown_body",
        "outside_horizon",
        "outside_years",
        "duplicate_id",
        "bundled_body",
        "too_many",
        "background",
        "unknown_place",
        "home_abroad",
        "duplicate_travel",
        "unknown_secondee",
        "cost_range",
    }
)
"""The kinds of error `Scenario.cross_reference_errors` reports."""


@dataclass
class _Valid:
    """The items of one list that validate on their own, and the ids of those that do not."""

    items: list[Any] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)
    invalid_ids: set[str] = field(default_factory=set)
    unsure: bool = False  # an invalid item without a readable id, or not a list at all


def _valid_items(raw: Any, model: type[BaseModel]) -> _Valid:
    out = _Valid()
    if raw is None:
        return out
    if not isinstance(raw, list):
        out.unsure = True
        return out
    for n, item in enumerate(raw):
        try:
            out.items.append(model.model_validate(item))
            out.positions.append(n)
        except ValidationError:
            ident = item.get("id") if isinstance(item, dict) else None
            if isinstance(ident, str):
                out.invalid_ids.add(ident)
            else:
                out.unsure = True
    return out


def _valid(adapter: TypeAdapter[Any], value: Any) -> Any:
    try:
        return adapter.validate_python(value)
    except ValidationError:
        return None


def partial_errors(data: dict[str, Any], errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The cross-reference errors of the valid parts of `data`, given its field `errors`.

    Empty when the cross-references were already checked (every field was valid).
    """
    if any(str(e["type"]) in CROSS_KINDS for e in errors):
        return []
    valid = {key: _valid_items(data.get(key), model) for key, model in LISTS.items()}
    start = _valid(TypeAdapter(Monday), data.get("start"))
    weeks = _valid(TypeAdapter(PositiveWeekCount), data.get("weeks"))
    rules = _valid(TypeAdapter(Rules), data.get("rules", {}))
    partial = Scenario.model_construct(
        name="",
        start=start or dt.date(2026, 1, 5),
        weeks=weeks or 1,
        rules=rules or Rules(),
        inspections=valid["inspections"].items,
        secondees=valid["secondees"].items,
        travel=valid["travel"].items,
        bodies=valid["bodies"].items,
    )
    try:
        found = partial.cross_reference_errors(horizon=start is not None and weeks is not None)
    except (ValueError, TypeError, KeyError, AttributeError):  # a half-built scenario: say nothing
        return []
    keep = _trustworthy(valid)
    out = [_placed(dict(e), valid) for e in found if keep(e)]
    return out + _raw_references(data, valid, partial, {tuple(e["loc"]) for e in errors})


RAW_REFERENCES = (("inspections", "body", "body"), ("secondees", "service", "force or service"))
"""References checked in items that are themselves invalid: (list, key, what it names)."""


def _raw_references(
    data: dict[str, Any], valid: dict[str, _Valid], partial: Scenario, taken: set[tuple[Any, ...]]
) -> list[dict[str, Any]]:
    """Unknown bodies named by the items that did not validate (a bad rank beside a misspelt
    service): the raw text of the reference, when it is text and has no error of its own."""
    if valid["bodies"].unsure:
        return []
    known = set(partial.all_bodies) | valid["bodies"].invalid_ids
    out = []
    for kind, key, what in RAW_REFERENCES:
        items = data.get(kind)
        good = set(valid[kind].positions)
        for n, item in enumerate(items if isinstance(items, list) else []):
            value = item.get(key) if isinstance(item, dict) else None
            loc = (kind, n, key)
            if n in good or not isinstance(value, str) or value in known or loc in taken:
                continue
            message = unknown_message(what, value, known)
            out.append({"type": "unknown_body", "loc": loc, "msg": message, "input": value})
    return out


def _trustworthy(valid: dict[str, _Valid]) -> Callable[[InitErrorDetails], bool]:
    """Whether an error can be reported: not a reference to an item that is itself invalid."""
    bodies, people = valid["bodies"], valid["secondees"]

    def keep(error: InitErrorDetails) -> bool:
        kind = error["type"].type if hasattr(error["type"], "type") else str(error["type"])
        value = error.get("input")
        if kind in ("unknown_body", "unknown_place"):
            return not bodies.unsure and value not in bodies.invalid_ids
        if kind == "unknown_secondee":
            return not people.unsure and value not in people.invalid_ids
        return kind != "cost_range" or not any(v.invalid_ids or v.unsure for v in valid.values())

    return keep


def _placed(error: dict[str, Any], valid: dict[str, _Valid]) -> dict[str, Any]:
    """The error with its list index turned back into the item's place in the file."""
    loc = tuple(error["loc"])
    if len(loc) > 1 and loc[0] in valid and isinstance(loc[1], int):
        loc = (loc[0], valid[str(loc[0])].positions[loc[1]], *loc[2:])
    type_ = error["type"]
    kind = getattr(type_, "type", str(type_))
    message = type_.message() if hasattr(type_, "message") else str(type_)
    return {"type": kind, "loc": loc, "msg": message, "input": error.get("input")}
