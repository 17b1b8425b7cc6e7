"""What the command groups share: the rules option, dates, loading rules, failing with a message.

The engine raises named errors whose text is for the user; here they become a
message on stderr and exit code 1 (2 for wrong usage, as click does).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from engine import BoligtildelingError, load_rules
from engine.evaluation.library import RulesLibrary
from engine.language.validation_messages import not_a_date

RULES_OPTION = click.option("--rules", "rules_dir", type=click.Path(path_type=Path), default=None,
                            help="Regelmappen (standard: rules/ eller $BOLIGTILDELING_RULES).")


def date_option(ctx, param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(not_a_date(value))


def load_library(folder: Path) -> RulesLibrary:
    try:
        return RulesLibrary.load(folder)
    except BoligtildelingError as exc:
        fail(exc)


def load_bundle(folder: Path):
    try:
        return load_rules(folder)
    except BoligtildelingError as exc:
        fail(exc)


def fail(problem: BoligtildelingError | str):
    """The message on stderr and exit code 1."""
    click.echo(str(problem), err=True)
    sys.exit(1)
