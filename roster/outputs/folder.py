"""The output folder: the files it holds, writing them as one set, and reading them back.

A folder is written whole: every file goes into a hidden folder beside the target
(`.NAME.new-PID`), which is then swapped with the target in one atomic rename. A reader sees the
old set or the new one, never a mix; a write killed at any moment leaves the old set in place and
a hidden leftover that the next write into that folder removes. A lock beside the target
(`.NAME.lock`) refuses a second writer while one is at work. Files are created with the usual
permissions (the umask), so that colleagues can read them.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import shutil
import signal
import stat
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models import Scenario
from models.base import did_you_mean
from roster import frames
from roster.labels import first_few
from roster.outputs.schema import summary_problems, table_problems
from roster.solving.result import Result, Status

if TYPE_CHECKING:
    import pandas as pd
else:
    from roster.deferred import pandas as pd

ROSTER_FILE = "roster.csv"
SUMMARY_FILE = "summary.json"
DATA_FILES = (
    "roster.csv",
    "inspections.csv",
    "accommodation.csv",
    "bookings.csv",
    "weeks.csv",
    "summary.json",
)
"""The files every solve writes (their names and columns are a contract: docs/outputs.md)."""
EXTRA_FILES = ("people.csv", "bodies.csv")
"""Homes, targets and HQs, so that reports need only the folder."""
BASELINE_FILES = ("changes.csv", "booking-changes.csv")
"""Written when the scenario replans a published roster."""
SOLVED_FILES = (*DATA_FILES, *EXTRA_FILES, *BASELINE_FILES)
"""What a solve writes; the reports are made from these alone."""
REPORT_FILES = ("roster.xlsx", "report.html")
CALENDAR_DIR = "calendars"
TABLES = (
    "roster",
    "inspections",
    "accommodation",
    "bookings",
    "weeks",
    "people",
    "bodies",
    "changes",
    "booking-changes",
)
"""The CSV tables `read_tables` reads, by name without `.csv`."""

KNOWN = frozenset((*DATA_FILES, *EXTRA_FILES, *BASELINE_FILES, *REPORT_FILES, CALENDAR_DIR))

Content = str | bytes


class FolderError(ValueError):
    """An output folder (or roster file) that cannot be written or read: bad input."""


class FolderBusy(FolderError):
    """Another solve is writing into the same folder."""


class WrittenThenInterrupted(Exception):
    """Ctrl-C or SIGTERM came while a folder was being written (or removed): that was finished
    first, and the command stops now (exit 130) instead of going on."""

    def __init__(self, folder: Path, done: str) -> None:
        super().__init__(f"interrupted: {folder}/ was {done} first, then the command stopped")
        self.folder = folder


# ----------------------------------------------------------------- writing


def write_folder(
    target: Path,
    files: Mapping[str, Content],
    inputs: Sequence[Path] = (),
    extend: Callable[[Path], object] | None = None,
) -> list[Path]:
    """Make `files` (name to content; a name may be `calendars/x.ics`) the whole content of `target`.

    `extend`, when given, is called with the staging folder once `files` are in it, to add files
    made from them (the reports). `inputs` are the files the run read: none may lie inside the
    folder, which the swap would replace. Returns the paths written, inside `target`.

    Raises
    ------
    FolderError
        When `target` is a file, cannot be created or written, holds files roster did not
        write, or holds one of `inputs`.
    FolderBusy
        When another process is writing into `target`.
    """
    given = Path(target)
    check_target(given, inputs)
    target = given.resolve() if given.is_symlink() else given  # where a link points: it stays a link
    with _locked(target), _signals_deferred(given, "written whole"):
        _clean_leftovers(target)
        staging = target.parent / f".{target.name}.new-{os.getpid()}"
        try:
            os.mkdir(staging)
            for name, content in files.items():
                _write_file(staging / name, content)
            if extend is not None:
                extend(staging)
            _sync_dir(staging)
            written = sorted(p.relative_to(staging) for p in staging.rglob("*") if p.is_file())
            _swap(staging, target)
        except OSError as exc:
            raise FolderError(f"{target}: cannot be written ({exc.strerror or exc})") from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # the new set if the swap failed, else the old one
    return [given / p for p in written]


NO_ROSTER_SUFFIX = "-no-roster"
"""Where a solve that found no roster writes, beside a folder that holds one (`DIR-no-roster/`)."""


def no_roster_folder(folder: Path) -> Path:
    """Where a run that found no roster is written when `folder` holds a roster to keep."""
    return folder.with_name(f"{folder.name}{NO_ROSTER_SUFFIX}")


def remove_stale(folder: Path) -> Path | None:
    """Once `folder` holds a new roster: remove `DIR-no-roster/` beside it, the record of an
    earlier run that found none, which would otherwise be read as this run's. Only a folder of
    roster's own files (its calendars only `.ics` files) whose summary says it holds no roster is
    removed, checked again once its lock is held (none being written by another command);
    returns it when removed."""
    stale = no_roster_folder(folder)
    if not _only_a_no_roster_run(stale):
        return None
    try:
        with _locked(stale), _signals_deferred(stale, "removed"):
            if not _only_a_no_roster_run(stale):
                return None
            shutil.rmtree(stale)
    except (FolderError, OSError):
        return None
    return stale


def _only_a_no_roster_run(stale: Path) -> bool:
    """Whether `stale` is a real folder holding only what a solve that found no roster writes."""
    if not stale.is_dir() or stale.is_symlink():
        return False
    status = _status(stale)
    if status is None or status.has_roster:
        return False
    try:
        return not strangers(stale) and not any(p.is_symlink() for p in stale.iterdir())
    except OSError:
        return False


def strangers(folder: Path) -> list[str]:
    """What `folder` holds that roster does not write there: any name but its own files at the
    top, and anything in calendars/ but the `.ics` files it writes (a link counts as a stranger)."""
    found = sorted(p.name for p in folder.iterdir() if p.name not in KNOWN)
    calendars = folder / CALENDAR_DIR
    if calendars.is_dir() and not calendars.is_symlink():
        found += sorted(
            p.relative_to(folder).as_posix()
            for p in calendars.rglob("*")
            if p.is_symlink() or not (p.is_file() and p.suffix == ".ics" and p.parent == calendars)
        )
    return found


def check_target(target: Path, inputs: Sequence[Path] = ()) -> None:
    """Refuse, before any work, an output folder that `write_folder` would refuse."""
    if target.exists() and not target.is_dir():
        raise FolderError(f"{target} is a file, not a folder: give --out a folder (new or one roster wrote)")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FolderError(f"{target}: its parent folder cannot be created ({exc.strerror or exc})") from None
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise FolderError(f"{target}: {target.parent} cannot be written (permission denied)")
    if target.is_symlink() and not target.exists():
        raise FolderError(f"{target} is a symbolic link to nothing (or to itself): give --out a real folder")
    try:
        here = target.resolve()
    except (OSError, RuntimeError) as exc:  # a loop of symbolic links
        raise FolderError(f"{target}: cannot be used as a folder ({exc})") from None
    if target.is_symlink() and not os.access(here.parent, os.W_OK | os.X_OK):  # written where it points
        raise FolderError(f"{target}: {here.parent}, where it points, cannot be written (permission denied)")
    for path in inputs:
        if path.exists() and (here == path.resolve() or here in path.resolve().parents):
            raise FolderError(
                f"{path} is inside the output folder {target}, which is written as a whole:"
                " move the file, or give --out another folder"
            )
    if target.is_dir():
        _replaceable(target)


def _replaceable(target: Path) -> None:
    """Refuse a folder that a write would replace but should not: one made read-only (its mode
    bit, which says what its owner meant: access checks pass for root whatever it says), or one
    holding files roster did not write."""
    if not target.stat().st_mode & stat.S_IWUSR:
        raise FolderError(
            f"{target} is read-only (kept as it is?): make it writable (chmod u+w) or write elsewhere"
        )
    found = strangers(target)
    if found:
        raise FolderError(
            f"{target} holds files roster did not write ({first_few(found)}); a solve replaces the whole"
            " folder, so give --out a new folder or one that only holds roster's files"
        )


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[None]:
    lock = target.parent / f".{target.name}.lock"
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise FolderError(f"{target}: cannot take its lock {lock} ({exc.strerror or exc})") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FolderBusy(
                f"{target} is being written by another roster command; wait for it to finish,"
                " or give --out another folder"
            ) from None
        yield
    finally:
        os.close(fd)  # releases the lock


@contextlib.contextmanager
def _signals_deferred(folder: Path, done: str) -> Iterator[None]:
    """Hold off Ctrl-C and SIGTERM until `folder` is swapped in (or removed: `done` says which);
    then, when one came, stop the command (`WrittenThenInterrupted`) rather than let it go on."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def hold(signum: int, _frame: Any) -> None:
        caught.append(signum)

    previous = {s: signal.signal(s, hold) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if caught:
        raise WrittenThenInterrupted(folder, done)


def _clean_leftovers(target: Path) -> None:
    """Remove the hidden staging folders of writes that were killed."""
    for leftover in target.parent.glob(f".{target.name}.new-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _write_file(path: Path, content: Content) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _sync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _swap(staging: Path, target: Path) -> None:
    """Put `staging` in place of `target` in one step; the old set ends up at `staging`."""
    if not target.exists():
        os.rename(staging, target)
        return
    if _exchange(staging, target):
        return
    # No atomic exchange here: two renames, with a moment in which the folder is absent.
    old = target.parent / f".{target.name}.new-{os.getpid()}-old"
    os.rename(target, old)
    os.rename(staging, target)
    os.rename(old, staging)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux `renameat2` with RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def safe_name(text: str, fallback: str = "roster") -> str:
    """A file or folder name made from an id or a scenario's file name.

    Letters, digits, `-`, `_` and `.` are kept, anything else becomes `-`; a name longer than
    100 characters is cut and made unique with a hash of the whole.
    """
    name = "".join(c if c.isalnum() or c in "-_." else "-" for c in text).strip("-.") or fallback
    if len(name) > 100:
        name = f"{name[:80]}-{hashlib.sha256(text.encode()).hexdigest()[:12]}"
    return name


# ----------------------------------------------------------------- reading


def _status(folder: Path) -> Status | None:
    """The status its `summary.json` gives a folder, when it can be read."""
    try:
        summary = json.loads((folder / SUMMARY_FILE).read_text(encoding="utf-8"))
        return Status(summary["status"]) if isinstance(summary, dict) else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def solved_from(summary: Mapping[str, Any]) -> str | None:
    """The scenario file a folder's summary says it was solved from, when it names one."""
    recorded = summary.get("scenario")
    file = recorded.get("file") if isinstance(recorded, dict) else None
    return file if isinstance(file, str) and file else None


def holds_roster(folder: Path) -> bool:
    """Whether `folder` holds a solved roster (a summary with status optimal or feasible)."""
    status = _status(folder)
    return status is not None and status.has_roster


def read_summary(path: Path) -> dict[str, Any]:
    """`summary.json`: a JSON object whose keys, where present, have the types written."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a pipe would be waited on for ever
            raise FolderError(
                f"{path}: {frames.not_a_file(info.st_mode)}: roster writes summary.json as a file"
            )
        if info.st_size > frames.MAX_CSV_BYTES:
            raise FolderError(f"{path}: too large for a summary ({info.st_size / 2**20:,.0f} MB)")
        summary = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise FolderError(f"{path}: not UTF-8 text (roster writes summary.json as UTF-8 JSON)") from None
    except OSError as exc:
        raise FolderError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except json.JSONDecodeError as exc:
        raise FolderError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise FolderError(f"{path}: nested too deep to be a summary") from None
    if not isinstance(summary, dict):
        raise FolderError(f"{path}: expected a JSON object of summary keys, found a {type(summary).__name__}")
    problems = summary_problems(summary)
    if problems:
        raise FolderError(_listed(path, "is not a summary roster wrote", problems))
    return summary


def _listed(path: Path, what: str, problems: Sequence[str]) -> str:
    return f"{path} {what}:\n" + "\n".join(f"  {p}" for p in problems)


def read_csv(path: Path, name: str | None = None) -> pd.DataFrame:
    """A CSV file of the folder, every cell as text without the spaces around it (as a replan
    reads a published roster, so that a cell padded in a spreadsheet reads the same everywhere),
    checked against the table `name` (its columns and the kind of each cell) when given."""
    try:
        table = frames.read_csv(path)
    except frames.CsvError as exc:
        raise FolderError(str(exc)) from None
    for column in table.columns:
        table[column] = table[column].str.strip()
    problems = table_problems(name, table) if name is not None else []
    if problems:
        raise FolderError(_listed(path, f"cannot be read as {name}.csv", problems))
    return table


def read_tables(path: Path) -> dict[str, Any]:
    """Read an output folder (or a single roster.csv) into tables, and its summary if any."""
    path = Path(path)
    if not path.exists():
        raise FolderError(f"{path}: no such file or folder (give an output folder or a roster.csv)")
    roster = path if path.is_file() else path / ROSTER_FILE
    if not roster.exists():
        raise FolderError(f"{path}: holds no {ROSTER_FILE} (give an output folder or a roster.csv)")
    tables: dict[str, Any] = {"roster": read_csv(roster, "roster")}
    if path.is_dir():
        for name in TABLES[1:]:
            if (path / f"{name}.csv").exists():
                tables[name] = read_csv(path / f"{name}.csv", name)
        if (path / SUMMARY_FILE).exists():
            tables["summary"] = read_summary(path / SUMMARY_FILE)
    return tables


def tables_from_files(files: Mapping[str, Content]) -> dict[str, Any]:
    """The tables `read_tables` would read from a folder holding `files` (as `Tables.files()`
    gives them), without writing them: what a regression run checks."""
    tables: dict[str, Any] = {}
    for name in TABLES:
        content = files.get(f"{name}.csv")
        if content is not None:
            tables[name] = frames.parse_csv(content if isinstance(content, str) else content.decode("utf-8"))
    summary = files.get(SUMMARY_FILE)
    if summary is not None:
        tables["summary"] = json.loads(summary)
    return tables


def read_result(scenario: Scenario, folder: Path) -> Result:
    """The roster of a solved output folder (roster.csv, inspections.csv and summary.json) as a `Result`.

    The folder must have been written for `scenario` (the caller compares `summary.json`'s hash).
    """
    tables = read_tables(folder)
    summary = tables.get("summary", {})
    try:
        status = Status(summary.get("status", "feasible"))
        runs = [
            (n, str(row["inspection"]), scenario.week_index(dt.date.fromisoformat(row["week"])))
            for n, (_, row) in enumerate(
                tables.get("inspections", pd.DataFrame(columns=["inspection", "week"])).iterrows(), start=2
            )
            if row["week"]
        ]
        assignments = tuple(
            (str(s), str(i), scenario.week_index(dt.date.fromisoformat(w)))
            for s, i, w in zip(
                tables["roster"]["secondee"],
                tables["roster"]["inspection"],
                tables["roster"]["week"],
                strict=True,
            )
        )
        not_mondays = [
            n for n, w in enumerate(tables["roster"]["week"], start=2) if dt.date.fromisoformat(w).weekday()
        ]
    except (ValueError, KeyError, TypeError) as exc:
        raise FolderError(f"{folder}: cannot be read back as a roster ({exc})") from None
    if not_mondays:
        raise FolderError(
            f"{folder / ROSTER_FILE}:{not_mondays[0]}: a week that is not a Monday; `roster check` lists every problem"
        )
    _known(scenario, folder, assignments, runs)
    weeks = {i: w for _, i, w in runs}
    for _, i, w in assignments:
        weeks.setdefault(i, w)
    objective = summary.get("objective")
    return Result(status, weeks, assignments, objective if isinstance(objective, int) else None)


def _known(
    scenario: Scenario,
    folder: Path,
    assignments: Sequence[tuple[str, str, int]],
    runs: Sequence[tuple[int, str, int]],
) -> None:
    """Every row names a secondee and an inspection of the scenario, in a week of its horizon
    (`runs`: inspections.csv's line, inspection and week of each inspection that runs)."""
    people, inspections = {s.id for s in scenario.secondees}, {i.id for i in scenario.inspections}
    every = " (`roster check` lists every problem of the roster)"
    for n, (s, i, w) in enumerate(assignments, start=2):
        wrong = (
            f"unknown secondee `{s}`{scenario.unknown_secondee_hint(s)}"
            if s not in people
            else f"unknown inspection `{i}`{did_you_mean(i, inspections, n=3)}"
            if i not in inspections
            else "a week outside the horizon"
            if not 0 <= w < scenario.weeks
            else None
        )
        if wrong is not None:
            raise FolderError(f"{folder / ROSTER_FILE}:{n}: {wrong}{every}")
    for n, i, w in runs:
        if i not in inspections:
            raise FolderError(
                f"{folder / 'inspections.csv'}:{n}: unknown inspection `{i}`{did_you_mean(i, inspections, n=3)}{every}"
            )
        if not 0 <= w < scenario.weeks:
            raise FolderError(
                f"{folder / 'inspections.csv'}:{n}: {i} runs in a week outside the horizon{every}"
            )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


WORKBOOK_EDIT_SECONDS = 60  # a roster.xlsx saved this long after the roster.csv beside it was edited


def workbook_saved_after(roster_csv: Path) -> Path | None:
    """The roster.xlsx beside `roster_csv` when it was saved after it (edited in Excel: roster
    writes both at once), else None."""
    workbook = roster_csv.parent / "roster.xlsx"
    try:
        later = workbook.stat().st_mtime > roster_csv.stat().st_mtime + WORKBOOK_EDIT_SECONDS
    except OSError:
        return None
    return workbook if later else None


def edited_files(folder: Path, summary: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """The files `summary.json` recorded when they were written that are now missing, and those
    whose content differs; a file that cannot be read is bad input (`FolderError`)."""
    recorded = summary.get("files")
    if not isinstance(recorded, dict):
        return [], []
    missing, changed = [], []
    for name, digest in recorded.items():
        path = folder / str(name)
        if not path.exists():
            missing.append(str(name))
            continue
        try:
            mode = path.stat().st_mode
            if not stat.S_ISREG(mode):
                raise FolderError(f"{path}: {frames.not_a_file(mode)}: roster wrote a file there")
            if file_sha256(path) != digest:
                changed.append(str(name))
        except OSError as exc:
            raise FolderError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return sorted(missing), sorted(changed)
