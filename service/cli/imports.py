"""`boligtildeling import venteliste|botiltak|boliger FIL --som BRUKERNAVN`: tables from other systems.

Every row is imported, or none: a file with any problem is refused with every
problem listed (line and column) and exit code 1, and the database is as it was.
`--proveimport` (or `--dry-run`) does the whole import and rolls it back: it says
what would be created, and writes nothing. The import is done as the user named by
`--som`, with that user's rights (service/casework/imports.py), and is in the
audit log under that name. The database is the one the service uses (--database-url,
else $DATABASE_URL, else the SQLite file in the instance folder), as for `users`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from engine import BoligtildelingError
from service.casework import imports
from service.casework.context import Context
from service.cli.accounts import DATABASE_OPTION, active_user, store_session
from service.cli.common import RULES_OPTION, fail, load_library
from service.config import default_rules_dir
from service.domain.codes import OSLO
from service.domain.errors import CaseworkError
from service.imports.mapping import default_mapping_file, load_mapping
from service.imports.report import ImportReport
from service.imports.tables import read_table_file
from service.store.unit_of_work import SqlUnitOfWork


@click.group("import", help="Importer fra andre systemer: ventelisten, botiltak og boliger (alle radene eller "
                            "ingen).")
def import_group():
    pass


def _options(fn):
    for option in reversed([
        click.argument("file", metavar="FIL", type=click.Path(path_type=Path)),
        click.option("--som", "username", required=True, help="Brukeren som importerer (med brukerens rettigheter; "
                                                               "står i revisjonsloggen)."),
        click.option("--kolonner", "mapping_path", type=click.Path(path_type=Path), default=None,
                     help="Kolonneoppsettet (standard: rutine/import-<tabell>.yaml)."),
        click.option("--ark", "sheet", default=None, help="Arket i en Excel-arbeidsbok (standard: det første)."),
        click.option("--proveimport", "--dry-run", "dry_run", is_flag=True,
                     help="Kontroller hele filen og vis hva som ville blitt lagt inn, uten å lagre noe."),
        DATABASE_OPTION,
        RULES_OPTION,
    ]):
        fn = option(fn)
    return fn


@import_group.command("venteliste", help="Ventelisten fra fagsystemets eksport (CSV eller .xlsx): søkere med "
                                         "sjekkliste. En saksbehandler importerer sitt eget kontors liste.")
@_options
def import_waiting_list(file, username, mapping_path, sheet, dry_run, url, rules_dir):
    _import("venteliste", imports.import_waiting_list, file, username, mapping_path, sheet, dry_run, url, rules_dir)


@import_group.command("botiltak", help="Botiltak med tjenestetilbud fra en tabell (CSV eller .xlsx).")
@_options
def import_units(file, username, mapping_path, sheet, dry_run, url, rules_dir):
    _import("botiltak", imports.import_units, file, username, mapping_path, sheet, dry_run, url, rules_dir)


@import_group.command("boliger", help="Boliger i botiltak som er registrert fra før, fra en tabell (CSV eller "
                                      ".xlsx).")
@_options
def import_homes(file, username, mapping_path, sheet, dry_run, url, rules_dir):
    _import("boliger", imports.import_homes, file, username, mapping_path, sheet, dry_run, url, rules_dir)


def _import(kind, work, file, username, mapping_path, sheet, dry_run, url, rules_dir) -> None:
    today = dt.datetime.now(OSLO).date()
    library = load_library(rules_dir or default_rules_dir())
    try:
        compiled = library.compiled_for(today)  # the version in force today, as the service would use
        mapping = load_mapping(mapping_path or default_mapping_file(kind), kind)
        table = read_table_file(file, sheet)
    except BoligtildelingError as exc:
        fail(exc)
    with store_session(url) as session:
        user = active_user(session, username)
        ctx = Context(uow=SqlUnitOfWork(session), actor=user, rules=compiled,
                      request_info={"via": "kommandolinjen", "file": table.source})
        try:
            report = work(ctx, table, mapping, dry_run=dry_run)
        except BoligtildelingError as exc:
            fail(exc)
        except CaseworkError as exc:
            fail(exc.message)
    if dry_run:
        for item in report.items:
            click.echo(f"  linje {item['line']}: {_item(report, item)}")
    click.echo(report.summary())


def _item(report: ImportReport, item: dict) -> str:
    if report.kind == "venteliste":
        checklist = ", med sjekkliste" if item["checklist"] else ", uten sjekkliste"
        return f"{item['code']} ({item['welfare_office']}){checklist}"
    if report.kind == "botiltak":
        return f"{item['unit_id']} ({item['name']})"
    return f"{item['address']} i {item['unit_id']}"
