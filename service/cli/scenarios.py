"""`boligtildeling scenarios run`: the disputed cases under scenarios/, as policy staff run them."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from engine import BoligtildelingError
from service.cli.common import RULES_OPTION, fail
from service.config import scenarios_dir


@click.group(help="Scenarioer for omstridte saker.")
def scenarios():
    pass


@scenarios.command("run", help="Kjør scenarioene i MAPPE (standard: scenarios/).")
@click.argument("directory", metavar="[MAPPE]", required=False, type=click.Path(path_type=Path))
@RULES_OPTION
def scenarios_run(directory, rules_dir):
    from engine.policy.scenarios import run_folder

    folder = directory or scenarios_dir()
    try:
        outcomes = run_folder(folder, rules_dir)
    except BoligtildelingError as exc:
        fail(exc)
    failed = 0
    for outcome in outcomes:
        mark = "OK  " if outcome.passed else "FEIL"
        click.echo(f"{mark} {outcome.file}: {outcome.name}")
        for message in outcome.failures:
            click.echo(f"       - {message}")
        failed += 0 if outcome.passed else 1
    click.echo(f"{len(outcomes) - failed} passed, {failed} failed")
    sys.exit(1 if failed or not outcomes else 0)
