"""The `roster` command: parse arguments, call `roster`, print with rich. No logic here."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from models import Scenario, bundled_bodies
from roster.facts import Arrangement, Facts
from roster.loading import ScenarioError, load_scenario
from roster.overview import overview

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="Roster secondees onto HMICFRS inspections."
)
WIDTH = None if sys.stdout.isatty() else 140  # wide tables when piped to a file or CI log
console = Console(width=WIDTH)
errors = Console(stderr=True, width=WIDTH)

EXIT_OK, EXIT_UNMET, EXIT_BAD_INPUT = 0, 1, 2


def bundled_scenario(name: str = "cohort.yaml") -> Path:
    return Path(str(resources.files("scenarios").joinpath(name)))


def _load(path: Path) -> Scenario:
    try:
        return load_scenario(path)
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


if __name__ == "__main__":
    app()
