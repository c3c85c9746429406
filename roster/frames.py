"""Small helpers for reading pandas tables."""

from __future__ import annotations

from typing import Any

import pandas as pd


def rows(df: pd.DataFrame) -> list[Any]:
    """Rows as named tuples, typed loosely: the cells of a hand-made CSV can be anything."""
    return list(df.itertuples())


def totals(df: pd.DataFrame, by: str, column: str) -> dict[str, int]:
    """Sum of an integer column per value of `by` (an empty dict when the column is absent)."""
    if column not in df.columns or df.empty:
        return {}
    return {str(k): int(v) for k, v in df.assign(_v=df[column].astype(int)).groupby(by)["_v"].sum().items()}
