"""The `roster` command: parse arguments, call `roster`, print with rich. No logic here."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from models import Scenario, bundled_bodies
from roster.check import RosterInputError, check_report, read_tables
from roster.compare import comparison, outcome
from roster.compare import regress as run_regression
from roster.engine import Progress, SolveConfig
from roster.engine import solve as engine_solve
from roster.explain import explain_inspection, explain_secondee
from roster.facts import Arrangement, Facts
from roster.loading import ScenarioError, load_scenario
from roster.overview import overview
from roster.report import FORMATS as REPORT_FORMATS
from roster.report import ReportError
from roster.report import report as make_report
from roster.result import Roster, slug

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="Roster secondees onto HMICFRS inspections."
)
WIDTH = None if sys.stdout.isatty() else 140  # wide tables when piped to a file or CI log
console = Console(width=WIDTH)
errors = Console(stderr=True, width=WIDTH)

EXIT_OK, EXIT_UNMET, EXIT_BAD_INPUT = 0, 1, 2


def bundled_scenario(name: str = "cohort.yaml") -> Path:
    return Path(str(resources.files("scenarios").joinpath(name)))


def _load(
    path: Path,
    settings: list[str] | None = None,
    drop_secondees: list[str] | None = None,
    drop_inspections: list[str] | None = None,
) -> Scenario:
    try:
        return load_scenario(path, settings, drop_secondees, drop_inspections)
    except ScenarioError as exc:
        errors.print(f"[bold red]error:[/] {path} cannot be used:", highlight=False)
        for problem in exc.problems:
            errors.print(f"  {problem}", highlight=False, markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None


@app.command()
def validate(
    scenarios: Annotated[list[Path], typer.Argument(help="Scenario YAML files.")],
) -> None:
    """Check scenario files and show who can go where."""
    for path in scenarios:
        facts = Facts(_load(path))
        view = overview(facts)
        console.rule(f"[bold]{view.name}[/]  ({path})")
        console.print(f"Horizon: {view.horizon}")
        people = ", ".join(f"{n} {kind}" for kind, n in sorted(view.backgrounds.items()))
        console.print(
            f"Secondees: {sum(view.backgrounds.values())} ({people}; {view.carers} with caring responsibilities)"
        )
        weeks = Table("week", "fixed", "windowed", "cap", title="Inspections per week")
        for monday, fixed, windowed, cap in view.weeks:
            style = "red" if fixed > cap else ""
            weeks.add_row(monday, str(fixed), str(windowed), str(cap), style=style)
        console.print(weeks)
        table = Table(
            "inspection",
            "body",
            "weeks",
            "team",
            "eligible",
            "commute",
            "hotel",
            "night before",
            title="Eligibility",
        )
        for item in view.inspections:
            team = (
                str(item.team_min) if item.team_min == item.team_max else f"{item.team_min}-{item.team_max}"
            )
            table.add_row(
                item.inspection,
                item.body,
                item.weeks,
                team,
                f"[red]{item.eligible}[/]" if item.short else str(item.eligible),
                *[str(item.arrangements.get(a, 0)) for a in Arrangement],
            )
        console.print(table)
        for warning in view.warnings:
            console.print(f"[yellow]warning:[/] {warning}", highlight=False)
        console.print(f"[green]valid[/]: {path}")


@app.command()
def bodies(
    kind: Annotated[str | None, typer.Option(help="police or fire")] = None,
    region: Annotated[str | None, typer.Option(help="e.g. 'South East' or Wales")] = None,
) -> None:
    """List the inspected bodies bundled with roster."""
    if kind is not None and kind not in ("police", "fire"):
        errors.print(f"[red]error:[/] --kind is `police` or `fire`, not `{kind}`")
        raise typer.Exit(EXIT_BAD_INPUT)
    regions = sorted({b.region for b in bundled_bodies()})
    if region is not None and region.lower() not in {r.lower() for r in regions}:
        errors.print(f"[red]error:[/] no region `{region}`; regions are: {', '.join(regions)}")
        raise typer.Exit(EXIT_BAD_INPUT)
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


def _progress_printer() -> Callable[[Progress], None]:
    last: list[float] = []

    def report(step: Progress) -> None:
        if last and (step.objective, step.bound) == (last[0], last[1]):
            return
        last[:] = [step.objective, step.bound]
        console.print(
            f"  {step.seconds:7.2f}s  objective £{step.objective:,.0f}  bound £{step.bound:,.0f}  gap {step.gap:.2%}",
            highlight=False,
        )

    return report


def show_roster(result: Roster) -> None:
    """Print the grid, the accommodation plan, the use of each secondee, costs and shortfalls."""
    scenario = result.scenario
    weeks = result.weeks_table
    grid = Table(
        "secondee", *[m.strftime("%d %b") for m in scenario.mondays], title="Roster (inspection by week)"
    )
    short = {"off": "[dim]·[/]", "away": "[magenta]away[/]", "training": "[cyan]train[/]", "not_seconded": ""}
    for secondee, rows in weeks.groupby("secondee", sort=False):
        grid.add_row(str(secondee), *[short.get(a, f"[bold]{a}[/]") for a in rows["activity"]])
    wide = Console(width=max(140, 14 + 24 * scenario.weeks)) if WIDTH else console
    wide.print(grid)
    stays = result.accommodation_table
    plan = Table(
        "secondee",
        "inspection",
        "hotel near",
        "check in",
        "check out",
        "nights",
        "why",
        title="Accommodation plan",
    )
    for row in stays.itertuples():
        plan.add_row(
            str(row.secondee),
            str(row.inspection),
            str(row.hotel_near),
            str(row.check_in),
            str(row.check_out),
            str(row.nights),
            str(row.reason),
        )
    console.print(plan)
    use = Table("secondee", "inspections", "target", "", title="Use of each secondee")
    for item in result.summary["use"]:
        lo, hi = item["target"]
        n = item["inspections"]
        flag = "[yellow]under-used[/]" if n < lo else "[red]over-used[/]" if n > hi else ""
        use.add_row(item["secondee"], str(n), f"{lo}-{hi}", flag)
    console.print(use)
    summary = result.summary
    costs = Table("term", "pounds", title="Cost")
    for term, pounds in summary["cost_terms"].items():
        costs.add_row(term, f"£{pounds:,}")
    costs.add_row("[bold]objective[/]", f"[bold]£{summary['objective']:,}[/]")
    console.print(costs)
    console.print(
        f"Status {summary['status']}; best bound £{summary['best_bound']:,.0f}; gap {summary['gap']:.2%};"
        f" {summary['hotel_nights']} hotel nights (£{summary['hotel_cost']:,}); {summary['travel_hours']} travel hours;"
        f" {summary['inspections_fully_staffed']}/{summary['inspections']} inspections fully staffed.",
        highlight=False,
    )
    for item in result.shortfalls:
        console.print(f"[red]shortfall:[/] {item.reason}", highlight=False)


@app.command()
def solve(
    scenario: Annotated[
        Path | None, typer.Argument(help="Scenario YAML (default: the bundled cohort).")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Output folder (default: out/<scenario-name>/).")] = None,
    time_limit: Annotated[float, typer.Option(help="Seconds of search.")] = 60.0,
    gap: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=0.99,
            help="Stop within this fraction of the best bound (0.001 = 0.1%); 0 proves the optimum.",
        ),
    ] = 0.0,
    workers: Annotated[int, typer.Option(help="Parallel search workers.")] = 2,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    deterministic: Annotated[
        bool, typer.Option(help="One worker, fixed seed, deterministic time limit.")
    ] = False,
    log: Annotated[bool, typer.Option(help="Print CP-SAT's own search log.")] = False,
    quiet: Annotated[bool, typer.Option(help="Print only the summary line.")] = False,
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
) -> None:
    """Solve a scenario and write the roster and accommodation plan."""
    path = scenario or bundled_scenario()
    loaded = _load(path, set_, drop_secondee, drop_inspection)
    overrides = [f"--set {x}" for x in set_ or []] + [f"--drop-secondee {x}" for x in drop_secondee or []]
    overrides += [f"--drop-inspection {x}" for x in drop_inspection or []]
    folder = out or Path("out") / slug(path.stem)
    config = SolveConfig(
        time_limit=time_limit,
        gap=gap,
        workers=workers,
        seed=seed,
        deterministic=deterministic,
        log=log,
        on_progress=None if quiet or log else _progress_printer(),
    )
    console.print(f"Solving [bold]{loaded.name}[/] ({path})", highlight=False)
    try:
        result = engine_solve(loaded, config)
    except KeyboardInterrupt:
        errors.print("interrupted before the first roster was built: nothing written")
        raise typer.Exit(EXIT_UNMET) from None
    result.extra["overrides"] = overrides
    if result.status in ("infeasible", "unknown", "invalid"):
        result.write(folder)
        if result.status == "infeasible":
            console.print(f"[red]infeasible[/]: no roster meets every hard rule of {path}.", highlight=False)
        else:
            console.print(
                f"[red]{result.status}[/]: no roster found in the time allowed; try a longer --time-limit."
            )
        conflict = result.extra.get("infeasibility")
        if conflict:
            console.print(conflict["message"], highlight=False, markup=False)
        raise typer.Exit(EXIT_UNMET)
    written = result.write(folder)
    if report_:
        written += make_report(folder)
    if not quiet:
        show_roster(result)
    names = list(dict.fromkeys(p.name if p.parent == folder else f"{p.parent.name}/" for p in written))
    console.print(f"Wrote {', '.join(names)} to {folder}/", highlight=False)
    raise typer.Exit(EXIT_UNMET if result.shortfalls else EXIT_OK)


@app.command()
def check(
    scenario: Annotated[Path, typer.Argument(help="The scenario the roster was made for.")],
    roster: Annotated[
        Path, typer.Argument(help="An output folder, or a roster.csv (inspection, week, secondee).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
) -> None:
    """Check any roster against every rule, and recompute its cost."""
    loaded = _load(scenario)
    try:
        tables = read_tables(roster)
    except RosterInputError as exc:
        errors.print(f"[bold red]error:[/] {exc}", highlight=False, markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    report = check_report(loaded, tables)
    if as_json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        costs = Table("term", "pounds", title="Cost recomputed from the roster")
        for term, pounds in report.cost_terms.items():
            costs.add_row(term, f"£{pounds:,}")
        costs.add_row("[bold]objective[/]", f"[bold]£{report.objective:,}[/]")
        console.print(costs)
        for v in report.violations:
            console.print(f"[red]{v.rule}[/]: {v.message}", highlight=False)
        if report.valid:
            console.print(f"[green]valid[/]: {roster} breaks no rule of {scenario}", highlight=False)
        else:
            console.print(f"[red]{len(report.violations)} problem(s)[/] in {roster}", highlight=False)
    if any(v.rule == "input" for v in report.violations):
        raise typer.Exit(EXIT_BAD_INPUT)  # rows naming unknown ids or non-Monday weeks: bad input
    raise typer.Exit(EXIT_OK if report.valid else EXIT_UNMET)


@app.command()
def explain(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML.")],
    inspection: Annotated[str | None, typer.Option(help="Explain this inspection's team.")] = None,
    secondee: Annotated[str | None, typer.Option(help="Explain this secondee's weeks.")] = None,
    roster: Annotated[
        Path | None,
        typer.Option(help="A solved output folder (default: out/<scenario>/ when it matches, else solve)."),
    ] = None,
) -> None:
    """Why is this secondee not on more inspections? Why is nobody local on this team?"""
    loaded = _load(scenario)
    folder = roster or Path("out") / slug(scenario.stem)
    facts = Facts(loaded)
    result = None
    summary = folder / "summary.json"
    if (
        summary.exists()
        and json.loads(summary.read_text()).get("scenario", {}).get("sha256") == loaded.sha256()
    ):
        result = Roster.from_folder(facts, folder)
        console.print(f"Roster read from {folder}/", highlight=False)
    elif roster is not None:
        errors.print(
            f"[red]error:[/] {folder} holds no roster of this scenario (solve it first)", highlight=False
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    else:
        result = engine_solve(loaded, SolveConfig(deterministic=True))
        if not result.has_roster:
            console.print(
                result.extra.get("infeasibility", {}).get("message", "no roster"),
                highlight=False,
                markup=False,
            )
            raise typer.Exit(EXIT_UNMET)
    known_i = {i.id for i in loaded.inspections}
    known_s = {s.id for s in loaded.secondees}
    if inspection is not None and inspection not in known_i:
        errors.print(f"[red]error:[/] unknown inspection `{inspection}`", highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT)
    if secondee is not None and secondee not in known_s:
        errors.print(f"[red]error:[/] unknown secondee `{secondee}`", highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT)
    accounts = []
    if inspection is not None:
        accounts.append(explain_inspection(result, inspection))
    if secondee is not None:
        accounts.append(explain_secondee(result, secondee))
    if not accounts:
        for item in result.shortfalls:
            console.print(f"[red]shortfall:[/] {item.reason}", highlight=False)
        if not result.shortfalls:
            console.print(
                "Every inspection is fully staffed. Ask about one with --inspection ID or --secondee ID."
            )
    for account in accounts:
        console.rule(account.title)
        for line in account.lines:
            console.print(line, highlight=False, markup=False)
        if account.rows:
            table = Table(*account.columns)
            for row in account.rows:
                table.add_row(*row)
            console.print(table)


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{int(value):,}" if value.is_integer() else f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


@app.command()
def report(
    folder: Annotated[Path, typer.Argument(help="A solved output folder.")],
    format_: Annotated[
        str, typer.Option("--format", help="Comma-separated: xlsx, html, ics.")
    ] = "xlsx,html,ics",
) -> None:
    """Write an Excel workbook, a one-page HTML report and calendars from an output folder."""
    formats = [f.strip() for f in format_.split(",") if f.strip()]
    unknown = [f for f in formats if f not in REPORT_FORMATS]
    if unknown:
        errors.print(
            f"[red]error:[/] unknown format(s) {', '.join(unknown)}: expected {', '.join(REPORT_FORMATS)}",
            highlight=False,
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    try:
        written = make_report(folder, formats)
    except ReportError as exc:
        errors.print(f"[red]error:[/] {exc}", highlight=False, markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    console.print(
        f"Wrote {len(written)} file(s) to {folder}/: "
        + ", ".join(sorted({p.name if p.parent == folder else p.parent.name + "/" for p in written})),
        highlight=False,
    )


@app.command()
def compare(
    items: Annotated[
        list[Path], typer.Argument(help="Scenario files (solved deterministically) or solved output folders.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
) -> None:
    """Compare scenarios side by side: cost terms, hotel nights, travel, shortfalls, and who moved."""
    outcomes = []
    for item in items:
        if not item.exists():
            errors.print(f"[red]error:[/] {item}: no such file or folder", highlight=False)
            raise typer.Exit(EXIT_BAD_INPUT)
        if item.is_dir() and not (item / "summary.json").exists():
            errors.print(
                f"[red]error:[/] {item} is not a solved output folder (no summary.json)", highlight=False
            )
            raise typer.Exit(EXIT_BAD_INPUT)
        if item.is_file():
            _load(item)  # report bad input before solving anything
        outcomes.append(outcome(item))
    result = comparison(outcomes)
    if as_json:
        print(json.dumps(result, indent=2, default=str))
        return
    table = Table("", *result["scenarios"], title="Scenarios side by side")
    for label, values in result["metrics"].items():
        table.add_row(label, *[_cell(v) for v in values])
    Console(width=max(140, 30 + 26 * len(outcomes))).print(table)
    for change in result["changes"]:
        console.rule(f"{change['from']} → {change['to']}")
        for who, moves in change["moved"].items():
            parts = [
                f"left {', '.join(moves['left'])}" if moves["left"] else "",
                f"joined {', '.join(moves['joined'])}" if moves["joined"] else "",
            ]
            console.print(f"{who}: " + "; ".join(p for p in parts if p), highlight=False)
        if change["hotel_stays_added"]:
            console.print("hotel stays added: " + ", ".join(change["hotel_stays_added"]), highlight=False)
        if change["hotel_stays_removed"]:
            console.print("hotel stays removed: " + ", ".join(change["hotel_stays_removed"]), highlight=False)
        if not change["moved"]:
            console.print("the same teams", highlight=False)


@app.command()
def regress(
    update: Annotated[bool, typer.Option(help="Rewrite the baselines with today's results.")] = False,
    scenarios: Annotated[
        Path | None, typer.Option(help="Folder of sample scenarios (default: the bundled ones).")
    ] = None,
) -> None:
    """Re-solve every sample deterministically, check it, and compare it with its baseline (CI)."""
    root = scenarios or Path(str(resources.files("scenarios")))
    results = run_regression(root, update=update)
    table = Table("scenario", "objective", "baseline", "result", title="Regression on the sample scenarios")
    for item in results:
        base = item.baseline["objective"] if item.baseline else None
        verdict = "[green]pass[/]" if item.passed else "[red]FAIL[/]"
        table.add_row(
            item.scenario,
            f"{item.objective:,}" if item.objective is not None else "-",
            f"{base:,}" if base is not None else "-",
            verdict,
        )
    console.print(table)
    for item in results:
        for note in item.notes:
            console.print(f"{item.scenario}: {note}", highlight=False)
        for problem in item.problems:
            console.print(f"[red]{item.scenario}[/]: {problem}", highlight=False)
    raise typer.Exit(EXIT_OK if all(i.passed for i in results) else EXIT_UNMET)


if __name__ == "__main__":
    app()
