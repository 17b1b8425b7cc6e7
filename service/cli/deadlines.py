"""`boligtildeling frister sjekk|vis|varsle`: the routine's deadlines (rutine/frister.yaml) from the command line.

    frister sjekk [FIL]               validate the deadlines file: every mistake with file and line
    frister vis --som BRUKERNAVN      the deadlines running now as that user owns them (the head: all)
    frister varsle --som BRUKERNAVN   queue reminders for the late steps (cron: every working morning)

`vis` and `varsle` act as a named user of the service, with that user's rights,
and what they do is in the audit log and the vacancies' timelines as from the pages.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from engine import BoligtildelingError
from service.casework import deadlines
from service.casework.context import Context
from service.cli.accounts import DATABASE_OPTION, active_user, store_session
from service.cli.common import RULES_OPTION, fail, load_library
from service.config import default_rules_dir, routine_file
from service.domain.codes import OSLO
from service.domain.dates import shown
from service.domain.errors import CaseworkError
from service.routine import load_routine
from service.store.unit_of_work import SqlUnitOfWork

USER_OPTION = click.option("--som", "username", required=True,
                           help="Brukeren kommandoen handler som (med brukerens rettigheter).")
ROUTINE_OPTION = click.option("--frister", "routine_path", type=click.Path(path_type=Path), default=None,
                              help="Filen med frister (standard: $BOLIGTILDELING_RUTINE, ellers rutine/frister.yaml).")


@click.group("frister", help="Fristene og målene i rutinen (rutine/frister.yaml).")
def deadlines_group():
    pass


@deadlines_group.command("sjekk", help="Kontroller filen med frister; hver feil med fil og linje.")
@click.argument("path", metavar="[FIL]", required=False, type=click.Path(path_type=Path))
def check(path):
    try:
        routine = load_routine(path or routine_file())
    except BoligtildelingError as exc:
        fail(exc)
    click.echo(f"{routine.source}: {len(routine.deadlines)} frister, {len(routine.holidays)} helligdager. OK.")


def _run(username: str, url, rules_dir, routine_path, work):
    today = dt.datetime.now(dt.timezone.utc).astimezone(OSLO).date()
    try:
        compiled = load_library(rules_dir or default_rules_dir()).compiled_for(today)
        routine = load_routine(routine_path or routine_file())
    except BoligtildelingError as exc:
        fail(exc)
    with store_session(url) as session:
        user = active_user(session, username)
        ctx = Context(uow=SqlUnitOfWork(session), actor=user, rules=compiled, routine=routine,
                      request_info={"via": "kommandolinjen"})
        try:
            return work(ctx)
        except CaseworkError as exc:
            fail(exc.message)


@deadlines_group.command("vis", help="Fristene som løper nå for det brukeren skal gjøre (avdelingslederen: alle).")
@USER_OPTION
@click.option("--over-fristen", "overdue", is_flag=True, help="Bare frister som er passert.")
@DATABASE_OPTION
@RULES_OPTION
@ROUTINE_OPTION
def show(username, overdue, url, rules_dir, routine_path):
    rows = _run(username, url, rules_dir, routine_path,
                lambda ctx: deadlines.running_deadlines(ctx, overdue_only=overdue))
    if not rows:
        click.echo("Ingen frister løper nå." if not overdue else "Ingen steg er over fristen.")
    for r in rows:
        unit = "arbeidsdager" if r["working_days"] else "dager"
        status = f"{r['overdue_days']} {unit} over fristen" if r["overdue"] else "i rute"
        waiting = f" (venter på {', '.join(r['offices'])})" if r["offices"] else ""
        click.echo(f"{r['reference']}  {r['name']}: innen {shown(dt.date.fromisoformat(r['due']))}, {status}{waiting}")


@deadlines_group.command("varsle", help="Legg påminnelser om steg over fristen i utboksen (én gang per frist og "
                                        "mottaker); `outbox send` sender dem.")
@USER_OPTION
@DATABASE_OPTION
@RULES_OPTION
@ROUTINE_OPTION
def remind(username, url, rules_dir, routine_path):
    queued = _run(username, url, rules_dir, routine_path, deadlines.queue_reminders)
    for q in queued:
        click.echo(f"{q['reference']}: påminnelse til {', '.join(q['recipients'])} (fristen var "
                   f"{shown(dt.date.fromisoformat(q['due']))})")
    count = sum(len(q["recipients"]) for q in queued)
    click.echo(f"{count} {'påminnelse' if count == 1 else 'påminnelser'} lagt i utboksen." if queued
               else "Ingen nye påminnelser.")
