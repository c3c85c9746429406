"""The `roster` command: parse arguments, call `roster`, print with rich. No logic here."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import os
import signal
import sys
import threading


def _interrupted_while_starting(_signum: int, _frame: object) -> None:
    """Ctrl-C before the command has started: nothing was written, so end quietly (130)."""
    os._exit(130)


signal.signal(signal.SIGINT, _interrupted_while_starting)  # restored once the imports are done

# What every command needs is imported here; what one command needs, in that command, so that
# the others start without it (`roster serve` loads it all: WARM below). A solve needs no pandas;
# with --report, it loads while the search runs (roster.deferred).
from roster.deferred import cp_model_without_pandas, import_in_background

cp_model_without_pandas()

from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from models import Scenario, bundled_bodies
from models.base import did_you_mean
from roster.analysis.journeys import MARGIN, journeys_to_measure
from roster.facts import Arrangement, Facts
from roster.labels import COST_TERM_LABELS, RULE_LABELS, STATUS_LABELS, first_few, visible
from roster.loading import Overrides, ScenarioError, load_scenario
from roster.outputs.folder import (
    SOLVED_FILES,
    FolderError,
    WrittenThenInterrupted,
    check_target,
    edited_files,
    holds_roster,
    no_roster_folder,
    read_result,
    read_summary,
    read_tables,
    remove_stale,
    safe_name,
    solved_from,
    workbook_saved_after,
    write_folder,
)
from roster.outputs.tables import Tables
from roster.outputs.terminal import (
    progress_printer,
    readable_streams,
    show_changes,
    show_repairs,
    show_roster,
    show_side_by_side,
    show_status,
)
from roster.solving import ConfigError, Result, SolveConfig, Status
from roster.solving import solve as engine_solve

if TYPE_CHECKING:
    from roster.analysis.check import Violation

signal.signal(signal.SIGINT, signal.default_int_handler)  # from here on a Ctrl-C stops the work in hand

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    help="Roster secondees onto HMICFRS inspections.",
)


def _consoles() -> tuple[Console, Console]:
    """The output and error consoles for this process's streams: wide tables (140 columns, or
    `COLUMNS` when set) when piped to a file or CI log; an error line is never broken, so that
    paths stay whole."""
    columns = os.environ.get("COLUMNS", "")
    width = None if sys.stdout.isatty() else int(columns) if columns.isdigit() and int(columns) >= 40 else 140
    return Console(width=width), Console(stderr=True, width=width, soft_wrap=True)


console, errors = _consoles()

EXIT_OK, EXIT_UNMET, EXIT_BAD_INPUT = 0, 1, 2


@app.callback()
def _start() -> None:
    """Roster secondees onto HMICFRS inspections."""
    readable_streams()  # an ASCII terminal gets `GBP` for `£`, never an encoding error
    if sys.stdout is sys.__stdout__ and hasattr(signal, "SIGPIPE"):
        # `roster check ... | head`: end quietly as any Unix tool does when its reader has gone,
        # rather than with exit code 1, which means "rules broken"
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)


def bundled_scenario(name: str = "cohort.yaml") -> Path:
    return Path(str(resources.files("scenarios").joinpath(name)))


def _load(path: Path, overrides: Overrides | None = None) -> Scenario:
    try:
        return load_scenario(path, overrides)
    except ScenarioError as exc:
        raise _unusable(path, exc) from None


def _unusable(path: Path, exc: ScenarioError) -> typer.Exit:
    """Print every problem of a scenario file, and give the exit for bad input."""
    _print_problems(path, exc)
    return typer.Exit(EXIT_BAD_INPUT)


def _print_problems(path: Path, exc: ScenarioError) -> None:
    errors.print("[bold red]error:[/] ", end="", highlight=False)
    errors.print(f"{visible(str(path))} cannot be used:", highlight=False, markup=False)
    for problem in exc.problems:
        errors.print(f"  {problem}", highlight=False, markup=False)


@app.command()
def validate(
    scenarios: Annotated[
        list[Path], typer.Argument(help="Scenario files: YAML, workbooks (.xlsx) or folders of CSV files.")
    ],
) -> None:
    """Check scenario files and show who can go where."""
    from roster.analysis.overview import overview

    bad = 0
    for path in scenarios:
        try:
            facts = Facts(load_scenario(path))
        except ScenarioError as exc:
            _print_problems(path, exc)
            bad += 1
            continue
        view = overview(facts)
        console.rule(f"[bold]{escape(view.name)}[/]  ({escape(str(path))})")
        console.print(f"Horizon: {view.horizon}")
        people = ", ".join(f"{n} {kind}" for kind, n in sorted(view.backgrounds.items()))
        console.print(
            f"Secondees: {sum(view.backgrounds.values())} ({people}; {view.carers} with caring responsibilities)"
            if people
            else "Secondees: none yet"
        )
        weeks = Table("week", "fixed", "windowed", "cap", title="Inspections per week")
        for monday, fixed, windowed, cap in view.weeks:
            style = "red" if fixed > cap else ""
            weeks.add_row(monday, str(fixed), str(windowed), str(cap), style=style)
        console.print(weeks)
        table = Table(title="Eligibility")
        table.add_column("inspection", overflow="fold")  # an id wraps rather than loses its end
        for heading in ("body", "weeks", "team", "eligible", "commute / hotel / night before"):
            table.add_column(heading)
        for item in view.inspections:
            team = (
                str(item.team_min) if item.team_min == item.team_max else f"{item.team_min}-{item.team_max}"
            )
            table.add_row(
                escape(item.inspection),
                escape(item.body),
                item.weeks,
                team,
                f"[red]{item.eligible}[/]" if item.short else str(item.eligible),
                " / ".join(str(item.arrangements.get(a, 0)) for a in Arrangement),
            )
        console.print(table)
        for note in view.notes:
            console.print("[cyan]note:[/] ", end="", highlight=False)
            console.print(note, highlight=False, markup=False)
        for warning in view.warnings:
            console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)
        console.print(f"[green]valid[/]: {escape(str(path))}", highlight=False)
    if bad:
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command()
def bodies(
    kind: Annotated[str | None, typer.Option(help="police or fire")] = None,
    region: Annotated[str | None, typer.Option(help="e.g. 'South East' or Wales")] = None,
) -> None:
    """List the inspected bodies bundled with roster."""
    if kind is not None and kind not in ("police", "fire"):
        raise fail(f"--kind is `police` or `fire`, not `{kind}`")
    regions = sorted({b.region for b in bundled_bodies()})
    if region is not None and region.lower() not in {r.lower() for r in regions}:
        raise fail(
            f"--region: no region `{region}`{did_you_mean(region, regions)}; regions are: {', '.join(regions)}"
        )
    rows = [
        b
        for b in bundled_bodies()
        if (kind is None or b.kind == kind) and (region is None or b.region.lower() == region.lower())
    ]
    table = Table("id", "name", "kind", "HQ", "region", "lat", "lon", title=f"{len(rows)} inspected bodies")
    table.columns[0].no_wrap = True
    for b in rows:
        table.add_row(b.id, b.name, b.kind, b.hq_town, b.region, f"{b.lat:.4f}", f"{b.lon:.4f}")
    console.print(table)


EXIT_INTERRUPTED = 130  # as a shell reports a Ctrl-C: nothing was solved, so neither 0 nor 1


def fail(message: str, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    """Print an error (plain text: file names and ids are never read as markup) and give the exit."""
    errors.print("[bold red]error:[/] ", end="", highlight=False)
    errors.print(visible(message, keep_newlines=True), highlight=False, markup=False)
    return typer.Exit(code)


@app.command()
def solve(
    scenario: Annotated[
        Path | None,
        typer.Argument(
            help="A scenario: YAML (a what-if too), workbook or CSV folder (default: the bundled cohort)."
        ),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Output folder (default: out/<scenario-name>/).")] = None,
    time_limit: Annotated[
        float | None,
        typer.Option(
            help="Seconds from the start of the solve (default 60): the model's build, the search and a large model's LP rounding; with --deterministic, the solver's deterministic time units (default 30)."
        ),
    ] = None,
    gap: Annotated[
        float,
        typer.Option(
            help="Stop within this fraction of the best bound (0.001 = 0.1%); 0 proves the optimum."
        ),
    ] = 0.0,
    workers: Annotated[int, typer.Option(help="Parallel search workers.")] = 2,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    deterministic: Annotated[
        bool, typer.Option(help="One worker, fixed seed, deterministic time limit.")
    ] = False,
    log: Annotated[bool, typer.Option(help="Print CP-SAT's own search log.")] = False,
    quiet: Annotated[bool, typer.Option(help="Print only the summary line.")] = False,
    grid: Annotated[
        bool,
        typer.Option(help="Print the week-by-week grid, month by month when it is wider than the terminal."),
    ] = False,
    report_: Annotated[
        bool, typer.Option("--report", help="Also write roster.xlsx, report.html and calendars/.")
    ] = False,
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="Override a key, e.g. rules.max_inspections_per_week=5.")
    ] = None,
    drop_secondee: Annotated[
        list[str] | None, typer.Option(help="Leave a secondee out (repeatable).")
    ] = None,
    drop_inspection: Annotated[
        list[str] | None, typer.Option(help="Leave an inspection out (repeatable).")
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            help="Replan this published roster (a roster.csv or its output folder); wins over baseline.roster."
        ),
    ] = None,
    frozen_before: Annotated[
        str | None,
        typer.Option(
            help="A Monday: weeks before it are history and stay as published; wins over baseline.frozen_before."
        ),
    ] = None,
) -> None:
    """Solve a scenario and write the roster and accommodation plan."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # a scheduler's stop, handled as Ctrl-C
    try:
        config = SolveConfig(
            time_limit=60.0 if time_limit is None else time_limit,
            deterministic_limit=time_limit if deterministic and time_limit is not None else 30.0,
            gap=gap,
            workers=workers,
            seed=seed,
            deterministic=deterministic,
            log=log,
            on_progress=None if quiet or log else progress_printer(console),
        )
    except ConfigError as exc:
        raise fail(str(exc)) from None
    path = scenario or bundled_scenario()
    overrides = Overrides(
        tuple(set_ or ()),
        tuple(drop_secondee or ()),
        tuple(drop_inspection or ()),
        str(baseline) if baseline is not None else None,
        frozen_before,
    )
    folder = out or Path("out") / safe_name(path.stem, "scenario")
    try:
        loaded = _load(path, overrides)
        inputs = _inputs(loaded)
        try:
            check_target(folder, inputs)
        except FolderError as exc:
            raise fail(str(exc)) from None
        console.print(f"Solving [bold]{escape(loaded.name)}[/] ({escape(str(path))})", highlight=False)
        if report_:
            # the reports read tables with pandas: it loads meanwhile
            config = dataclasses.replace(config, on_search=import_in_background)
        facts = Facts(loaded)
        result = engine_solve(facts, config)
    except KeyboardInterrupt:
        raise fail("interrupted before the search began: nothing written", EXIT_INTERRUPTED) from None
    tables = Tables(facts, result, overrides.words())
    if not result.has_roster:
        _no_roster(path, folder, tables, inputs)
    published = loaded.published
    previous = _previous_calendars(Path(published.path).parent if published is not None else None, folder)
    try:
        # the calendars people have imported are the ones replaced: changed events are
        # re-sequenced, removed ones cancelled
        written = write_folder(
            folder,
            tables.files(),
            inputs,
            extend=_report_writer(previous) if report_ else None,
        )
    except FolderError as exc:
        raise fail(str(exc)) from None
    except WrittenThenInterrupted:
        # the roster is written: an earlier run's record that found none goes all the same
        remove_stale(folder)
        raise
    if quiet:
        show_status(console, tables)
    else:
        show_roster(console, tables, grid)
    if loaded.published is not None:
        show_changes(console, tables, table=not quiet)
    names = list(dict.fromkeys(p.name if p.parent == folder else f"{p.parent.name}/" for p in written))
    console.print(f"Wrote {', '.join(names)} to {escape(str(folder))}/", highlight=False)
    stale = remove_stale(folder)
    if stale is not None:
        console.print(
            f"Removed {escape(str(stale))}/: an earlier run's, which found no roster.", highlight=False
        )
    raise typer.Exit(EXIT_UNMET if tables.shortfalls else EXIT_OK)


def _report_writer(previous: Path) -> Callable[[Path], object]:
    """What adds the reports (--report) to a folder being written; their libraries load only then."""
    from roster.outputs.report import report

    return lambda staging: report(staging, previous=previous)


def _previous_calendars(source: Path | None, folder: Path) -> Path:
    """The folder whose calendars the new ones update: the folder of the roster a replan or a
    rebuild starts from (`source`) when it holds calendars (they are what secondees imported),
    else the folder being replaced."""
    if source is not None and (source / "calendars").is_dir():
        return source
    return folder


def _inputs(scenario: Scenario) -> list[Path]:
    """Every file a solve of `scenario` reads: its YAML or workbook (and the bases it extends),
    and the published roster it replans, which no output folder may hold."""
    published = scenario.published
    return [Path(f) for f in scenario.source_files] + (
        [Path(published.path)] if published is not None else []
    )


def _baseline_of(summary: dict[str, Any]) -> Path | None:
    """The folder of the published roster a replan (or a repair) started from, as its summary
    records it (a path as given: to the roster's folder or its roster.csv, from the working folder
    or the scenario's), when it is still there."""
    baseline = summary.get("baseline")
    given = baseline.get("roster") if isinstance(baseline, dict) else None
    if not isinstance(given, str):
        return None
    file = solved_from(summary)
    for path in [Path(given)] + ([Path(file).parent / given] if file is not None else []):
        folder = path if path.is_dir() else path.parent
        if (folder / "roster.csv").is_file():
            return folder
    return None


def _no_roster(path: Path, folder: Path, tables: Tables, inputs: list[Path]) -> None:
    """Say why there is no roster and write the explanation; a folder holding a roster is kept."""
    result = tables.result
    if result.status is Status.INFEASIBLE:
        console.print(
            f"[red]infeasible[/]: no roster meets every hard rule of {escape(str(path))}.", highlight=False
        )
    else:
        console.print("[red]no roster[/] found in the time allowed; try a longer --time-limit.")
    if result.infeasibility:
        console.print(result.infeasibility["message"], highlight=False, markup=False)
    target = folder
    if holds_roster(folder):
        target = no_roster_folder(folder)
        console.print(
            f"{folder}/ still holds the roster solved before; this run is written to {target}/.",
            highlight=False,
            markup=False,
        )
    try:
        written = write_folder(target, tables.files(), inputs)
    except FolderError as exc:
        raise fail(str(exc)) from None
    names = ", ".join(sorted(p.name for p in written if p.parent == target))
    console.print(f"Wrote {names} to {escape(str(target))}/ (why, in summary.json)", highlight=False)
    raise typer.Exit(EXIT_UNMET)


@app.command()
def check(
    scenario: Annotated[Path, typer.Argument(help="The scenario the roster was made for.")],
    roster: Annotated[
        Path, typer.Argument(help="An output folder, or a roster.csv (inspection, week, secondee).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
    baseline: Annotated[
        Path | None, typer.Option(help="The published roster it replans (as given to solve --baseline).")
    ] = None,
    frozen_before: Annotated[str | None, typer.Option(help="As given to solve --frozen-before.")] = None,
) -> None:
    """Check any roster against every rule, and recompute its cost."""
    from roster.analysis.check import check_report

    loaded = _load(
        scenario, Overrides(baseline=str(baseline) if baseline else None, frozen_before=frozen_before)
    )
    try:
        tables = read_tables(roster)
    except FolderError as exc:
        raise fail(str(exc)) from None
    report = check_report(loaded, tables)
    if as_json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        if report.cost_terms:  # none when the rows could not be read, or there is no roster
            costs = Table("term", "pounds", title="Cost recomputed from the roster")
            for term, pounds in report.cost_terms.items():
                costs.add_row(COST_TERM_LABELS[term], f"£{pounds:,}")
            costs.add_row("[bold]objective[/]", f"[bold]£{report.objective:,}[/]")
            console.print(costs)
        _print_violations(report.violations, loaded)
        if report.more:
            console.print(f"... and {report.more:,} more problem(s), not listed", highlight=False)
        if report.valid:
            console.print(
                f"[green]valid[/]: {escape(str(roster))} breaks no rule of {escape(str(scenario))}",
                highlight=False,
            )
            unfilled = [
                f"{n:,} {what}"
                for n, what in (
                    (report.shortfall_places, "team place(s)"),
                    (report.experienced_missing, "experienced member(s)"),
                )
                if n
            ]
            if unfilled:
                console.print(
                    f"[yellow]note:[/] it leaves {' and '.join(unfilled)} unfilled: shortfalls, which break"
                    " no rule but are priced (above); `roster rebuild` lists each with its reason",
                    highlight=False,
                )
        else:
            console.print(f"[red]{report.count:,} problem(s)[/] in {escape(str(roster))}", highlight=False)
    if report.rules["input"]:
        raise typer.Exit(EXIT_BAD_INPUT)  # rows naming unknown ids or non-Monday weeks: bad input
    raise typer.Exit(EXIT_OK if report.valid else EXIT_UNMET)


@app.command()
def explain(
    scenario: Annotated[
        Path, typer.Argument(help="A scenario: YAML (a what-if too), workbook or CSV folder.")
    ],
    inspection: Annotated[str | None, typer.Option(help="Explain this inspection's team.")] = None,
    secondee: Annotated[str | None, typer.Option(help="Explain this secondee's weeks.")] = None,
    roster: Annotated[
        Path | None,
        typer.Option(help="A solved output folder (default: out/<scenario>/ when it matches, else solve)."),
    ] = None,
) -> None:
    """Why is this secondee not on more inspections? Why is nobody local on this team?"""
    from roster.analysis.explain import explain_inspection, explain_secondee

    loaded = _load(scenario)
    known_i = {i.id for i in loaded.inspections}
    if inspection is not None and inspection not in known_i:
        raise fail(f"unknown inspection `{inspection}`{did_you_mean(inspection, known_i, n=3)}")
    if secondee is not None:
        secondee = _secondee(loaded, secondee)
    facts = Facts(loaded)
    result = _roster_to_explain(scenario, facts, roster)
    accounts = []
    if inspection is not None:
        accounts.append(explain_inspection(facts, result, inspection))
    if secondee is not None:
        accounts.append(explain_secondee(facts, result, secondee))
    if not accounts:
        shortfalls = Tables(facts, result).shortfalls
        for item in shortfalls:
            console.print(f"[red]shortfall:[/] {escape(item.reason)}", highlight=False)
        if not shortfalls:
            console.print(
                "Every inspection is fully staffed. Ask about one with --inspection ID or --secondee ID."
            )
    for account in accounts:
        console.rule(escape(account.title))
        for line in account.lines:
            console.print(line, highlight=False, markup=False)
        if account.rows:
            table = Table(*account.columns)
            for row in account.rows:
                table.add_row(*[escape(cell) for cell in row])
            console.print(table)


def _roster_to_explain(scenario: Path, facts: Facts, roster: Path | None) -> Result:
    """The roster in `roster` (or out/<scenario>/ when it was solved for this scenario), else a solve."""
    if roster is not None and roster.is_file():
        if roster.name != "roster.csv":
            raise fail(f"--roster: {roster} is a file; give the output folder of a solve (or its roster.csv)")
        roster = roster.parent
    folder = roster or Path("out") / safe_name(scenario.stem, "scenario")
    loaded = facts.scenario
    try:
        summary = read_summary(folder / "summary.json") if (folder / "summary.json").exists() else {}
        scenario_of = summary.get("scenario")
        if isinstance(scenario_of, dict) and scenario_of.get("sha256") == loaded.sha256():
            result = read_result(loaded, folder)
            if not result.has_roster:
                why = summary.get("infeasibility")
                _no_roster_to_explain(str(folder), result.status, why if isinstance(why, dict) else None)
            console.print(f"Roster read from {escape(str(folder))}/", highlight=False)
            return result
    except FolderError as exc:
        raise fail(str(exc)) from None
    if roster is not None:
        if not folder.exists():
            raise fail(f"--roster: no folder or roster.csv at {folder}")
        if not summary:
            raise fail(
                f"--roster: {folder} has no summary.json: explain reads a folder a solve or a rebuild wrote;"
                f" for a roster made by hand, `roster rebuild {scenario} {folder}/roster.csv --out DIR` first"
            )
        solved = solved_from(summary)
        if solved is not None and Path(solved).resolve() != scenario.resolve():
            raise fail(f"--roster: {folder} was solved from {solved}, not {scenario}: explain that scenario")
        raise fail(
            f"--roster: {folder} was solved from other inputs (another version of {scenario}, --set or"
            f" --baseline): solve it again (--out {folder}) to explain it"
        )
    if summary:
        why = (
            f"{folder}/ was solved from other inputs (another version of the file, --set or --baseline),"
            f" so this explains a fresh solve of {scenario} as it is."
        )
    else:
        why = f"No solved folder at {folder}/ (--roster DIR names one): this explains a fresh solve of {scenario}."
    console.print(escape(why), highlight=False)
    result = engine_solve(facts, SolveConfig(deterministic=True))
    if not result.has_roster:
        _no_roster_to_explain("the scenario", result.status, result.infeasibility)
    return result


def _no_roster_to_explain(where: str, status: Status, infeasibility: Mapping[str, Any] | None) -> NoReturn:
    """A solve without a roster has no teams or weeks to explain: say why, and exit 1 as it did."""
    label = STATUS_LABELS.get(status.value, status.value)
    console.print(
        f"{escape(where)} holds no roster ({label}): there is no team or week to explain.", highlight=False
    )
    message = (infeasibility or {}).get("message")
    if isinstance(message, str):
        console.print(message, highlight=False, markup=False)
    raise typer.Exit(EXIT_UNMET)


@app.command()
def report(
    folder: Annotated[Path, typer.Argument(help="A solved output folder.")],
    format_: Annotated[
        str, typer.Option("--format", help="Comma-separated: xlsx, html, ics.")
    ] = "xlsx,html,ics",
) -> None:
    """Write an Excel workbook, a one-page HTML report and calendars from an output folder."""
    from roster.outputs.report import FORMATS as REPORT_FORMATS
    from roster.outputs.report import NoRosterError, ReportError, kept_reports
    from roster.outputs.report import load as load_report
    from roster.outputs.report import report as make_report

    formats = [f.strip() for f in format_.split(",") if f.strip()]
    unknown = [f for f in formats if f not in REPORT_FORMATS]
    if unknown or not formats:
        raise fail(
            f"--format: unknown format(s) {', '.join(unknown) or '(none)'}: expected {', '.join(REPORT_FORMATS)}"
        )
    try:
        summary = read_summary(folder / "summary.json")
        missing, edited = edited_files(folder, summary)
        if missing or edited:
            said = [f"{first_few(missing)} {'is' if len(missing) == 1 else 'are'} missing"] if missing else []
            said += [f"{first_few(edited)} changed after the solve that wrote summary.json"] if edited else []
            raise fail(
                f"{folder}: {' and '.join(said)}, so the files no longer agree: run `roster rebuild` on the"
                " roster, or solve again"
            )
        workbook = workbook_saved_after(folder / "roster.csv")
        if workbook is not None:  # (even for other formats: rewriting the folder would hide the edit's date)
            raise fail(
                f"{workbook} was saved after the solve (edited in Excel?): a report would write over it."
                f" Rebuild from it first (`roster rebuild SCENARIO {workbook} --out NEW-FOLDER`), or move it"
                " out of the folder"
            )
        load_report(folder)  # refused here, by the folder's own name, not the staging folder's
        data = {name: (folder / name).read_bytes() for name in SOLVED_FILES if (folder / name).is_file()}
        kept = kept_reports(folder, formats)  # a report of one format keeps those of the others
        data.update(kept)
        previous = (
            folder if (folder / "calendars").is_dir() else _previous_calendars(_baseline_of(summary), folder)
        )
        written = write_folder(
            folder, data, extend=lambda staging: make_report(staging, formats, previous=previous)
        )
    except NoRosterError as exc:  # the scenario could not be met: as the solve that wrote it, exit 1
        raise fail(str(exc), EXIT_UNMET) from None
    except (FolderError, ReportError) as exc:
        raise fail(str(exc)) from None
    made = [p for p in written if p.relative_to(folder).as_posix() not in data]
    also = sorted({name.split("/")[0] + ("/" if "/" in name else "") for name in kept})
    console.print(
        f"Wrote {len(made)} file(s) to {escape(str(folder))}/: "
        + ", ".join(sorted({p.name if p.parent == folder else p.parent.name + "/" for p in made}))
        + (f"; kept {', '.join(also)}" if also else ""),
        highlight=False,
    )


def _comparable(item: Path) -> Scenario | None:
    """A scenario file that loads (its scenario), or a solved output folder (None); else bad input
    (before any solve)."""
    from roster.loading.sheets import is_scenario_folder

    if not item.exists():
        raise fail(f"{item}: no such file or folder")
    if is_scenario_folder(item) or item.is_file():
        return _load(item)
    if not (item / "summary.json").exists():
        raise fail(f"{item} is not a solved output folder (no summary.json) nor a scenario")
    return None


JOBS_HELP = "Scenarios solved at once, each in its own process (default: the number of cores)."


def _jobs(jobs: int | None) -> int:
    from roster.workflows.parallel import cores

    if jobs is not None and jobs < 1:
        raise fail(f"--jobs: expected 1 or more; found {jobs}")
    return jobs or cores()


@app.command()
def compare(
    items: Annotated[
        list[Path], typer.Argument(help="Scenario files (solved deterministically) or solved output folders.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
    jobs: Annotated[int | None, typer.Option(help=JOBS_HELP, show_default=False)] = None,
) -> None:
    """Compare scenarios side by side: cost terms, hotel nights, travel, shortfalls, and who moved."""
    if len(items) < 2:
        raise fail("compare needs two or more scenarios or solved folders (roster compare A B [C...])")
    from roster.workflows.compare import comparison
    from roster.workflows.compare import outcomes as compare_outcomes

    count = _jobs(jobs)
    loaded = {item: scenario for item in items if (scenario := _comparable(item)) is not None}
    try:
        outcomes = compare_outcomes(items, loaded, jobs=count)
    except FolderError as exc:
        raise fail(str(exc)) from None
    result = comparison(outcomes)
    if as_json:
        print(json.dumps(result, indent=2, default=str))
        return
    show_side_by_side(console, result)
    for index, change in enumerate(result["changes"], start=1):
        first, other = outcomes[0], outcomes[index]
        _print_changes(change, first.names | other.names, first.bodies | other.bodies)


def _print_changes(change: dict[str, Any], names: dict[str, str], bodies: dict[str, str]) -> None:
    """Who joined, left or moved from one outcome to another, and the hotel stays that follows
    (`bodies`: the name of each inspection's body)."""
    frozen = f" (from {change['frozen_before']} on)" if change["frozen_before"] else ""
    console.rule(escape(f"{change['from']} → {change['to']}{frozen}"))
    if change["replans_another"]:
        console.print(
            escape(
                f"{change['to']} replans another roster ({change['replans_another']}), not {change['from']}:"
                " these are the differences between the two, not its changes.csv."
            ),
            highlight=False,
        )

    def called(inspection: str) -> str:
        return f"{inspection} ({bodies[inspection]})" if inspection in bodies else inspection

    by_person: dict[str, list[str]] = {}
    for c in change["changes"]:
        what = called(c["inspection"])
        when = {
            "joined": f"joined {what} ({c['week_after']})",
            "left": f"left {what} ({c['week_before']})",
            "moved": f"moved on {what} from {c['week_before']} to {c['week_after']}",
        }[c["change"]]
        by_person.setdefault(c["secondee"], []).append(
            when + ("" if c["booking"] == "none" else f": {c['booking']} hotel")
        )
    for who, lines in by_person.items():
        label = f"{names[who]} ({who})" if who in names else who
        console.print(f"{label}:", highlight=False, markup=False)
        for line in lines:
            console.print(f"  {line}", highlight=False, markup=False)
    for m in change["moved_inspections"]:
        after = f"to {m['week_after']}" if m["week_after"] else "out of the programme"
        console.print(
            f"{called(m['inspection'])} moved from {m['week_before']} {after}", highlight=False, markup=False
        )
    bookings = {
        k: sum(1 for c in change["changes"] if c["booking"] == k) for k in ("book", "cancel", "amend")
    }
    if any(bookings.values()):
        console.print(
            "hotel stays: " + ", ".join(f"{n} to {k}" for k, n in bookings.items() if n), highlight=False
        )
    if not change["changes"] and not change["moved_inspections"]:
        console.print(
            "no changes: the same people on the same inspections in the same weeks", highlight=False
        )


@app.command()
def replace(
    folder: Annotated[Path, typer.Argument(help="The solved output folder of the roster in hand.")],
    secondee: Annotated[str, typer.Argument(help="Who cannot go.")],
    inspection: Annotated[str | None, typer.Option(help="The inspection they cannot go on.")] = None,
    week: Annotated[
        str | None, typer.Option(help="A Monday: the week they cannot go (any inspection).")
    ] = None,
    scenario: Annotated[
        Path | None, typer.Option(help="The scenario (default: the one the folder was solved from).")
    ] = None,
    frozen_before: Annotated[
        str | None, typer.Option(help="A Monday: weeks before it stay as they are (default: the folder's).")
    ] = None,
    alternatives: Annotated[int, typer.Option(min=1, max=10, help="How many repairs to offer.")] = 3,
    choose: Annotated[int, typer.Option(min=1, help="Which repair to write (1 is the best).")] = 1,
    out: Annotated[Path | None, typer.Option(help="Where to write it (default: FOLDER-replace/).")] = None,
    time_limit: Annotated[
        float, typer.Option(help="Seconds per repair, from its start (the copy of its model included).")
    ] = 10.0,
    deterministic: Annotated[
        bool, typer.Option(help="One worker, fixed seed, deterministic time limit.")
    ] = False,
    report_: Annotated[
        bool,
        typer.Option(
            "--report",
            help="Also write roster.xlsx, report.html and calendars/ (updating FOLDER's calendars).",
        ),
    ] = False,
) -> None:
    """X cannot go on inspection Y (or in week W): who instead? The few best repairs, each a whole roster."""
    from roster.workflows.replace import ReplaceError, repairs

    signal.signal(signal.SIGTERM, signal.default_int_handler)
    checked = _Checking(folder)  # every file of the folder (its columns, each cell's kind), beside the search
    try:
        summary = read_summary(folder / "summary.json")
        config = SolveConfig(time_limit=time_limit, deterministic=deterministic, on_search=checked.start)
    except (FolderError, ConfigError) as exc:
        raise fail(str(exc)) from None
    path = _scenario_of(folder, summary, scenario)
    first = frozen_before or (
        (summary.get("baseline") or {}).get("frozen_before")
        if isinstance(summary.get("baseline"), dict)
        else None
    )
    loaded = _load(path, Overrides(baseline=str(folder), frozen_before=first))
    secondee = _secondee(loaded, secondee)
    if inspection is None and week is None:
        who = loaded.secondee(secondee).label
        raise fail(
            f"say what {who} cannot do: --inspection ID (an inspection they cannot go on),"
            " --week MONDAY (a week they cannot work), or both"
        )
    monday = _monday(loaded, week) if week is not None else None
    target = out or folder.with_name(f"{folder.name}-replace")
    try:
        check_target(target, _inputs(loaded))
        found = repairs(loaded, secondee, inspection, monday, alternatives, config)
        checked.result()
    except (ReplaceError, FolderError) as exc:
        raise fail(str(exc)) from None
    except KeyboardInterrupt:
        raise fail("interrupted: nothing written", EXIT_INTERRUPTED) from None
    if not found:
        raise fail(f"no roster keeps every rule without `{secondee}` there", EXIT_UNMET)
    show_repairs(console, found, loaded, summary)
    if choose > len(found):
        raise fail(f"--choose {choose}: there are {len(found)} repair(s)")
    chosen = found[choose - 1]
    words = [
        f"replace {secondee}"
        + (f" --inspection {inspection}" if inspection else "")
        + (f" --week {week}" if week else "")
    ]
    tables = Tables(chosen.facts, chosen.result, words)
    previous = _previous_calendars(folder, target)  # the calendars people imported: FOLDER's
    try:
        write_folder(
            target,
            tables.files(),
            _inputs(loaded),
            extend=_report_writer(previous) if report_ else None,
        )
    except FolderError as exc:
        raise fail(str(exc)) from None
    console.print(
        f"Wrote repair {choose} to {escape(str(target))}/ (its changes.csv lists what to do).",
        highlight=False,
    )
    raise typer.Exit(EXIT_UNMET if tables.shortfalls else EXIT_OK)


class _Checking:
    """The files of an output folder read and checked (`read_tables`) in a thread of their own,
    started as the search begins (pandas, which the check needs, imports there too), so that a
    repair does not wait for it; `result` raises the check's complaint as bad input."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problem: FolderError | None = None
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, name="folder check", daemon=True)
            self.thread.start()

    def _run(self) -> None:
        try:
            read_tables(self.folder)
        except FolderError as exc:
            self.problem = exc

    def result(self) -> None:
        if self.thread is None:
            self._run()  # no search began (every repair was refused first): checked here
        else:
            self.thread.join()
        if self.problem is not None:
            raise fail(str(self.problem))


def _scenario_of(folder: Path, summary: dict[str, Any], given: Path | None) -> Path:
    """The scenario to repair with: the one given, else the one the folder records."""
    if given is not None:
        return given
    file = solved_from(summary)
    if file is None:
        raise fail(
            f"{folder}/summary.json does not say which scenario it was solved from: give --scenario FILE"
        )
    if not Path(file).is_file():
        raise fail(f"{folder} was solved from {file}, which is no longer there: give --scenario FILE")
    try:  # by the files' dates: a copy or checkout can date it later too, but a note is all it gives
        changed = Path(file).stat().st_mtime > (folder / "summary.json").stat().st_mtime
    except OSError:
        changed = False
    if changed:
        console.print(
            f"[yellow]note:[/] {escape(file)} changed after {escape(str(folder))} was solved from it:"
            " the repairs keep to it as it is now.",
            highlight=False,
        )
    return Path(file)


def _secondee(scenario: Scenario, text: str) -> str:
    """The id of the secondee a command-line argument names, by id or by name (`Paul M.`)."""
    found = scenario.secondees_named(text)
    if len(found) > 1:
        raise fail(f"{len(found)} secondees are called `{text}`: give the id of one ({', '.join(found)})")
    if not found:
        hint = did_you_mean(
            text, [s.id for s in scenario.secondees] + [s.label for s in scenario.secondees], n=3
        )
        raise fail(f"unknown secondee `{text}`{hint}")
    return found[0]


def _monday(scenario: Scenario, text: str) -> int:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise fail(f"--week: `{text}` is not a date like {scenario.start}") from None
    if day.weekday() != 0:
        raise fail(f"--week: {day} is a {day:%A}; a week is named by its Monday")
    w = scenario.week_index(day)
    if not 0 <= w < scenario.weeks:
        raise fail(f"--week: {day} is outside the horizon ({scenario.start} to {scenario.end})")
    return w


@app.command()
def regress(
    update: Annotated[bool, typer.Option(help="Rewrite the baselines with today's results.")] = False,
    scenarios: Annotated[
        Path | None, typer.Option(help="Folder of sample scenarios (default: the bundled ones).")
    ] = None,
    jobs: Annotated[int | None, typer.Option(help=JOBS_HELP, show_default=False)] = None,
    junit: Annotated[
        Path | None,
        typer.Option(help="Also write a JUnit XML report here: one test case per sample, for CI."),
    ] = None,
) -> None:
    """Re-solve every sample deterministically, check it, and compare it with its baseline (CI)."""
    from roster.workflows.regress import regress as run_regression
    from roster.workflows.regress import samples, write_junit

    root = scenarios or Path(str(resources.files("scenarios")))
    count = _jobs(jobs)
    if not root.is_dir():
        raise fail(f"--scenarios: {root} is not a folder of sample scenarios")
    if not samples(root):
        raise fail(
            f"--scenarios: {root} holds no sample scenarios (*.yaml, whatif/*.yaml, replan/*.yaml): nothing to check"
        )
    if junit is not None:
        _check_junit(junit, root)
    try:
        results = run_regression(root, update=update, jobs=count)
    except ScenarioError as exc:
        raise fail("a sample cannot be used:\n" + "\n".join(f"  {p}" for p in exc.problems)) from None
    if junit is not None:
        try:
            write_junit(results, junit)
        except OSError as exc:
            raise fail(f"--junit: {junit} cannot be written ({exc.strerror or exc})") from None
    table = Table("scenario", "objective", "baseline", "result", title="Regression on the sample scenarios")
    for item in results:
        base = item.baseline["objective"] if item.baseline else None
        verdict = "[green]pass[/]" if item.passed else "[red]FAIL[/]"
        table.add_row(
            escape(item.scenario),
            f"{item.objective:,}" if item.objective is not None else "-",
            f"{base:,}" if base is not None else "-",
            verdict,
        )
    console.print(table)
    for item in results:
        for note in item.notes:
            console.print(f"{item.scenario}: {note}", highlight=False, markup=False)
        for problem in item.problems:
            console.print(f"[red]{escape(item.scenario)}[/]: {escape(problem)}", highlight=False)
    if junit is not None:
        console.print(f"JUnit report: {escape(str(junit))}", highlight=False)
    raise typer.Exit(EXIT_OK if all(i.passed for i in results) else EXIT_UNMET)


# ------------------------------------------------------------ spreadsheets

WORKBOOK = (".xlsx",)


MAX_IDLE_MINUTES = 7 * 24 * 60  # the most `roster serve --idle` waits: a week


@app.command()
def serve(
    idle: Annotated[
        float, typer.Option(help="Minutes without a command before the server stops by itself.")
    ] = 30.0,
    stop: Annotated[bool, typer.Option("--stop", help="Stop the running server instead.")] = False,
) -> None:
    """Keep roster loaded, so that each later command of this account starts at once.

    A command otherwise spends most of a second loading its libraries before any work. Run this
    in a terminal of its own (or in the background); `roster` commands then start from it, each
    in a fresh copy with its own terminal, folder and environment, and give the same output and
    exit code as alone. It stops after --idle minutes, with Ctrl-C, or `roster serve --stop`."""
    from roster import server

    if stop:
        console.print("Stopped the roster server." if server.stop() else "No roster server is running.")
        return
    if not (math.isfinite(idle) and 0 < idle <= MAX_IDLE_MINUTES):
        raise fail(
            f"--idle: expected minutes, more than 0 and at most {MAX_IDLE_MINUTES:,} (a week); found {idle:g}"
        )
    _warm_up()
    code = server.serve(run_warm, idle * 60, lambda line: console.print(line, highlight=False, markup=False))
    raise typer.Exit(code)


WARM = (
    "highspy",  # the LP rounding of a large model
    "ortools.sat.cp_model_pb2",  # its copy of the model (roster.solving.dive)
    "pandas",  # the tables (roster.deferred)
    # what each command imports for itself (the others start without it)
    "roster.analysis.check",
    "roster.analysis.explain",
    "roster.analysis.overview",
    "roster.loading.sheets",
    "roster.loading.workbook",
    "roster.outputs.calendars",
    "roster.outputs.excel",
    "roster.outputs.report",
    "roster.outputs.scenario_files",
    "roster.solving.engine",
    "roster.workflows.compare",
    "roster.workflows.parallel",
    "roster.workflows.rebuild",
    "roster.workflows.regress",
    "roster.workflows.replace",
)


def _warm_up() -> None:
    """Load what the commands use, once, before the server forks its first copy."""
    import importlib

    for name in WARM:
        importlib.import_module(name)


@app.command()
def template(
    file: Annotated[Path, typer.Argument(help="The workbook to write (.xlsx).")],
    force: Annotated[bool, typer.Option(help="Replace FILE if it exists.")] = False,
) -> None:
    """Write a blank scenario workbook to fill in: programme, inspections, secondees, travel, bodies."""
    from roster.outputs.scenario_files import check_writable, workbook_bytes, write_file

    try:
        check_writable(file, force, suffixes=WORKBOOK)
        write_file(file, workbook_bytes(None))
    except FolderError as exc:
        raise fail(str(exc)) from None
    console.print(
        f"Wrote {file}: fill it in, then check it with `roster validate {file}` and solve it with"
        f" `roster solve {file}`",
        highlight=False,
        markup=False,
    )


@app.command()
def export(
    scenario: Annotated[
        Path, typer.Argument(help="A scenario: YAML (a variant too), workbook or CSV folder.")
    ],
    file: Annotated[Path, typer.Argument(help="The workbook to write (.xlsx).")],
    force: Annotated[bool, typer.Option(help="Replace FILE if it exists.")] = False,
) -> None:
    """Write a scenario as a workbook (a variant with everything it extends), to edit and import back."""
    from roster.outputs.scenario_files import check_writable, workbook_bytes, write_file

    loaded = _load(scenario)
    try:
        check_writable(file, force, loaded.source_files, WORKBOOK)
        write_file(file, workbook_bytes(loaded, file))
    except FolderError as exc:
        raise fail(str(exc)) from None
    console.print(
        f"Wrote {file}: {len(loaded.inspections)} inspections, {len(loaded.secondees)} secondees,"
        f" {len(loaded.travel)} measured journeys, {len(loaded.bodies)} extra bodies",
        highlight=False,
        markup=False,
    )


@app.command("import")
def import_(
    workbook: Annotated[Path, typer.Argument(help="A scenario workbook (.xlsx), or a folder of CSV files.")],
    out: Annotated[
        Path | None, typer.Option(help="The YAML file to write (default: the workbook's name, .yaml).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace the YAML file if it exists.")] = False,
) -> None:
    """Write a workbook (or a folder of CSV files) as a scenario YAML file, after checking all of it."""
    from roster.loading.workbook import import_workbook
    from roster.outputs.scenario_files import check_writable, scenario_yaml, write_file

    target = out or workbook.with_name(f"{workbook.stem if workbook.suffix else workbook.name}.yaml")
    try:
        check_writable(target, force, [workbook], (".yaml", ".yml"))
        data, loaded = import_workbook(workbook)
        write_file(target, scenario_yaml(data, loaded, workbook, target))
    except ScenarioError as exc:
        raise _unusable(workbook, exc) from None
    except FolderError as exc:
        raise fail(str(exc)) from None
    console.print(
        f"Wrote {target}: {len(loaded.inspections)} inspections, {len(loaded.secondees)} secondees"
        f" ({escape(loaded.name)})",
        highlight=False,
    )


def _check_junit(path: Path, root: Path) -> None:
    """Refuse a --junit file that is not one to write: a folder, in no folder, inside the samples'
    folder (whose files regress reads), or an existing file that is not a JUnit report (a report
    of an earlier run is replaced, as CI runs it again and again)."""
    if path.is_dir() or not path.parent.is_dir():
        raise fail(f"--junit: {path} is not a file in an existing folder")
    if not os.access(path.parent, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise fail(f"--junit: {path} cannot be written (permission denied): give a file you can write")
    if path.resolve().is_relative_to(root.resolve()):
        raise fail(
            f"--junit: {path} is inside {root}, the folder of sample scenarios it reads: give a file outside it"
        )
    if path.is_file():
        with open(path, "rb") as handle:
            head = handle.read(4096)
        if b"<testsuite" not in head:
            raise fail(
                f"--junit: {path} exists and is not a JUnit report: roster replaces only an earlier report;"
                " give another file name, or remove it first"
            )


def _roster_file(roster: Path) -> Path:
    return roster / "roster.csv" if roster.is_dir() else roster


@app.command()
def rebuild(
    scenario: Annotated[Path, typer.Argument(help="The scenario the roster was made for.")],
    roster: Annotated[
        Path,
        typer.Argument(
            help="A roster.csv edited by hand (inspection, week, secondee), or its folder; or a"
            " roster.xlsx whose Roster sheet was edited in Excel."
        ),
    ],
    out: Annotated[Path, typer.Option(help="The folder to write every output file into.")],
    report_: Annotated[
        bool, typer.Option("--report", help="Also write roster.xlsx, report.html and calendars/.")
    ] = False,
    grid: Annotated[
        bool,
        typer.Option(help="Print the week-by-week grid, month by month when it is wider than the terminal."),
    ] = False,
    baseline: Annotated[
        Path | None,
        typer.Option(
            help="The published roster the edit was made to (a roster.csv or its folder): also write"
            " changes.csv and booking-changes.csv against it."
        ),
    ] = None,
    frozen_before: Annotated[
        str | None, typer.Option(help="A Monday: weeks before it are history, as in a replan.")
    ] = None,
) -> None:
    """Rebuild the hotel plan, weeks, summary (and reports) of a roster edited by hand, and check it."""
    from roster.outputs.report import ReportError
    from roster.workflows.rebuild import RosterInputError, roster_from_workbook
    from roster.workflows.rebuild import rebuild as rebuild_roster

    loaded = _load(
        scenario,
        Overrides(baseline=str(baseline) if baseline is not None else None, frozen_before=frozen_before),
    )
    given_file = _roster_file(roster)
    inputs = [*_inputs(loaded), given_file]
    try:
        read_notes: list[str] = []
        if given_file.suffix.lower() in (".xlsx", ".xlsm"):
            given = roster_from_workbook(loaded, given_file, *_placed_beside(given_file), notes=read_notes)
        else:
            given = read_tables(roster)["roster"]
        check_target(out, inputs)
        rebuilt = rebuild_roster(loaded, given, str(given_file))
    except FolderError as exc:
        raise fail(f"{exc}\nnothing written") from None
    except RosterInputError as exc:
        _print_violations(exc.violations, loaded)
        raise fail(f"{roster} cannot be read as a roster of {scenario}: nothing written") from None
    # the edited roster's calendars are what secondees imported (else the published roster's):
    # the rebuilt ones update them
    published = loaded.published
    source = given_file.parent
    if not (source / "calendars").is_dir() and published is not None:
        source = Path(published.path).parent
    previous = _previous_calendars(source, out)
    try:
        written = write_folder(
            out,
            rebuilt.tables.files(),
            inputs,
            extend=_report_writer(previous) if report_ else None,
        )
    except (FolderError, ReportError) as exc:
        raise fail(str(exc)) from None
    show_roster(console, rebuilt.tables, grid)
    if loaded.published is not None:
        show_changes(console, rebuilt.tables)
    _print_violations(rebuilt.violations, loaded)
    if rebuilt.stale:
        cells = ", ".join(f"{column} on {n} row(s)" for column, n in rebuilt.stale.items())
        console.print(f"Recomputed from the rules, where the roster given differed: {cells}", highlight=False)
    names = list(dict.fromkeys(p.name if p.parent == out else f"{p.parent.name}/" for p in written))
    console.print(f"Wrote {', '.join(names)} to {escape(str(out))}/", highlight=False)
    for note in read_notes:
        console.print(f"[yellow]note:[/] {escape(note)}", highlight=False)
    _warn_if_workbook_edited(given_file)
    beside = given_file.parent / "roster.csv"
    if baseline is None and loaded.published is None and beside.is_file() and beside != given_file:
        console.print(
            f"To list who to tell and what to book against the roster the edit was made to, add"
            f" --baseline {escape(str(beside.parent))}",
            highlight=False,
        )
    if rebuilt.violations:
        console.print(
            f"[red]{len(rebuilt.violations)} rule(s) broken[/] by {escape(str(roster))}: the files are"
            " written, and summary.json lists what is broken",
            highlight=False,
        )
    raise typer.Exit(EXIT_UNMET if rebuilt.violations or rebuilt.tables.shortfalls else EXIT_OK)


def _placed_beside(workbook: Path) -> tuple[dict[str, str], dict[str, set[str]]]:
    """The week and the team of each inspection in the folder of a roster.xlsx (its
    inspections.csv and roster.csv), which tell apart the inspections of one body that may run
    in the same weeks; none when they cannot be read."""
    if not (workbook.parent / "roster.csv").is_file():
        return {}, {}
    try:
        tables = read_tables(workbook.parent)
        weeks, roster = tables["inspections"], tables["roster"]
    except (FolderError, KeyError):
        return {}, {}
    teams: dict[str, set[str]] = {}
    for i, s in zip(roster["inspection"], roster["secondee"], strict=True):
        teams.setdefault(str(i), set()).add(str(s))
    placed = {str(i): str(w) for i, w in zip(weeks["inspection"], weeks["week"], strict=True) if str(w)}
    return placed, teams


def _warn_if_workbook_edited(roster_csv: Path) -> None:
    """A roster.xlsx saved after the roster.csv beside it was edited in Excel: say (last, where it
    is seen) that the csv is what was read, and how to read the workbook instead."""
    if roster_csv.suffix.lower() != ".csv":
        return
    workbook = workbook_saved_after(roster_csv)
    if workbook is not None:
        console.print(
            f"[yellow]note:[/] {escape(str(workbook))} was saved after {escape(str(roster_csv))}: this"
            f" rebuilt from roster.csv; to rebuild from the workbook's Roster sheet, give {escape(str(workbook))}",
            highlight=False,
        )


def _print_violations(violations: list[Violation], scenario: Scenario) -> None:
    """Each broken rule in words: the rule as docs/rules.md names it, the secondee by name."""
    names = {p.id: p.name for p in scenario.secondees if p.name}
    for v in violations:
        message = v.message
        if v.secondee in names:
            message = message.replace(f"`{v.secondee}`", f"{names[v.secondee]} (`{v.secondee}`)")
        console.print(
            f"[red]{escape(RULE_LABELS.get(v.rule, v.rule))}[/]: {escape(visible(message))}", highlight=False
        )


SHOWN_JOURNEYS = 30
"""Journeys printed on screen; the --out file has them all."""


@app.command()
def travel(
    scenario: Annotated[Path, typer.Argument(help="A scenario: YAML, workbook or CSV folder.")],
    roster: Annotated[
        Path | None, typer.Option(help="A roster (output folder or roster.csv): its journeys come first.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Write the journeys to fill in: travel.xlsx (a Travel sheet) or travel.csv."),
    ] = None,
    margin: Annotated[
        float, typer.Option(min=1, max=90, help="How far off the estimate may be, in per cent.")
    ] = round(100 * MARGIN),
    force: Annotated[bool, typer.Option(help="Replace the --out file if it exists.")] = False,
) -> None:
    """Which journeys to measure: the estimated ones that a 20% error would change."""
    from roster.outputs.scenario_files import check_writable, travel_bytes, travel_csv, write_file

    loaded = _load(scenario)
    facts = Facts(loaded)
    try:
        if out is not None:
            check_writable(out, force, loaded.source_files, (".xlsx", ".csv"))
            read = _roster_file(roster).parent.resolve() if roster is not None else None
            if read is not None and out.resolve().parent == read:
                raise FolderError(
                    f"{out} is inside {roster}, the output folder read with --roster: roster never writes"
                    " over its input, nor into a folder written as a whole; give a file outside it"
                )
        used = _journeys_used(loaded, roster) if roster is not None else set()
    except FolderError as exc:
        raise fail(str(exc)) from None
    journeys = journeys_to_measure(facts, margin / 100, used)
    table = Table(
        "secondee", "body", "estimate", "near the", "would change", "in roster", title="Journeys to measure"
    )
    for j in journeys[:SHOWN_JOURNEYS]:
        who = f"{j.secondee_name} ({j.secondee})" if j.secondee_name else j.secondee
        table.add_row(
            escape(who),
            escape(j.body_name),
            f"{j.estimate} min",
            j.near,
            j.would_change,
            "yes" if j.in_roster else "",
        )
    console.print(table)
    if len(journeys) > SHOWN_JOURNEYS:
        more = "--out writes them all" if out is None else f"{out} has them all"
        console.print(
            f"... and {len(journeys) - SHOWN_JOURNEYS} more ({more})", highlight=False, markup=False
        )
    console.print(
        f"{len(journeys)} estimated journey(s) that a {margin:g}% error would change"
        + (f", {sum(j.in_roster for j in journeys)} of them in the roster" if roster is not None else ""),
        highlight=False,
    )
    if out is None:
        return
    rows = [j.row() for j in journeys]
    try:
        write_file(out, travel_csv(rows) if out.suffix.lower() == ".csv" else travel_bytes(rows))
    except FolderError as exc:
        raise fail(str(exc)) from None
    console.print(
        f"Wrote {out}: fill in `minutes`, then copy the rows into the Travel sheet of the workbook"
        " (or the file into its CSV folder as travel.csv); rows left without minutes are ignored",
        highlight=False,
        markup=False,
    )


def _journeys_used(scenario: Scenario, roster: Path) -> set[tuple[str, str]]:
    """The (secondee, body) pairs of a roster; unknown ids are bad input."""
    from roster.analysis.check import REQUIRED

    body_of = {i.id: i.body for i in scenario.inspections}
    people = {p.id for p in scenario.secondees}
    table = read_tables(roster)["roster"]
    used = set()
    for n, (inspection, _, secondee) in enumerate(table[list(REQUIRED)].itertuples(index=False), start=2):
        if inspection not in body_of or secondee not in people:
            unknown = inspection if inspection not in body_of else secondee
            raise FolderError(
                f"{_roster_file(roster)}: row {n} names `{unknown}`, which the scenario does not know"
            )
        used.add((str(secondee), body_of[inspection]))
    return used


def run(argv: list[str] | None = None) -> int:
    """Run one `roster` command (default: this process's arguments) and return its exit code. A
    failure that is not an exit (a bug) propagates as usual, with its traceback."""
    try:
        app(argv)
        return 0
    except WrittenThenInterrupted as exc:
        # Ctrl-C or SIGTERM while a folder was written: it was finished first
        errors.print(escape(str(exc)), highlight=False)
        return EXIT_INTERRUPTED
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)
        return 1


def run_warm(argv: list[str]) -> int:
    """One command in a child of `roster serve`, whose streams are now the caller's."""
    global console, errors
    console, errors = _consoles()
    return run(argv)


def main() -> None:
    """The `roster` command: run it, flush what it printed, and exit at once.

    Tearing the interpreter down (pandas, OR-Tools) takes 0.1-0.5 s after the work is done, so
    the exit skips it. Nothing is lost: every output file is written and closed (and its folder
    swapped in) before a command returns, and both streams are flushed here.
    """
    code = run()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`roster ... | head`): nothing more to say
            code = code or 1
    os._exit(code)


if __name__ == "__main__":
    main()
