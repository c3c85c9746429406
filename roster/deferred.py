"""pandas, imported when it is first used, so that a command starts without waiting for it.

pandas takes 0.2-0.25 s to import, a third of a command's start. A solve writes and prints its
tables without it (`roster.frames.Table`); the commands that compute with tables (check, report,
compare, rebuild) use it. Two things would import it early:

- OR-Tools' `cp_model` imports it, for the type hints of its pandas helpers (which roster never
  calls). `cp_model_without_pandas` imports `cp_model` with a stand-in that gives those hints
  names, then points `cp_model`'s `pd` at `pandas` below, so that its helpers still work.
- roster's own table modules: they use `pandas` below, which imports the library at the first
  use of one of its names.

`import_in_background` starts that import in a thread: the CLI calls it when the search begins
of a solve that will need pandas after it (`--report`), so that pandas loads while
CP-SAT (which leaves Python free) searches. Nothing here changes a
result: every name is the library's own, looked up on the library once it is loaded.
"""

from __future__ import annotations

import importlib
import sys
import threading
import types
from typing import Any

CP_MODEL = "ortools.sat.python.cp_model"


class _Deferred(types.ModuleType):
    """A module whose names are those of the library `name`, imported at the first one asked for."""

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):  # copy, pickle and inspect probe these: not a use
            raise AttributeError(attribute)
        return getattr(importlib.import_module(self.__name__), attribute)


pandas: Any = _Deferred("pandas")


def cp_model_without_pandas() -> None:
    """Import OR-Tools' `cp_model` without importing pandas (a no-op once either is imported).

    Should a version of OR-Tools need more of pandas than its two type names while it loads,
    the stand-in is taken back and `cp_model` imported as usual: slower, never different."""
    if CP_MODEL in sys.modules or "pandas" in sys.modules:
        return
    stand_in = types.ModuleType("pandas")
    stand_in.Index = type("Index", (), {})  # type: ignore[attr-defined]
    stand_in.Series = type("Series", (), {})  # type: ignore[attr-defined]
    sys.modules["pandas"] = stand_in
    try:
        cp_model = importlib.import_module(CP_MODEL)
    except Exception:
        sys.modules.pop(CP_MODEL, None)
        cp_model = None
    finally:
        if sys.modules.get("pandas") is stand_in:
            del sys.modules["pandas"]
    if cp_model is None or getattr(cp_model, "pd", None) is not stand_in:
        sys.modules.pop(CP_MODEL, None)
        importlib.import_module(CP_MODEL)
        return
    cp_model.__dict__["pd"] = pandas


def import_in_background() -> None:
    """Import pandas in a thread of its own, unless it is imported or being imported already."""
    global _importing
    if _importing is None and "pandas" not in sys.modules:
        _importing = threading.Thread(target=importlib.import_module, args=("pandas",), daemon=True)
        _importing.start()


_importing: threading.Thread | None = None
