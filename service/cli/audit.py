"""`boligtildeling audit applicant KODE`: who read and changed an applicant's data, when (GDPR art. 15)."""

from __future__ import annotations

import click

from service.casework.audit import entries_for, find_applicant
from service.cli.accounts import DATABASE_OPTION, store_session
from service.cli.common import fail
from service.domain.errors import CaseworkError


@click.group(help="Revisjonsloggen: hvem har lest og endret hva.")
def audit():
    pass


@audit.command("applicant", help="Hvem som har lest og endret opplysninger om søkeren KODE (f.eks. K-1187), og når.")
@click.argument("code", metavar="KODE")
@DATABASE_OPTION
def audit_applicant(code, url):
    with store_session(url) as session:
        try:
            applicant = find_applicant(session, code)
        except CaseworkError as exc:
            fail(exc.message)
        entries = entries_for(session, applicant.id)
    click.echo(f"Revisjonslogg for {code}: {len(entries)} oppføringer")
    for e in entries:
        where = f" (sak {e['vacancy_id']})" if e["vacancy_id"] else ""
        denied = " AVVIST" if e["outcome"] == "denied" else ""
        click.echo(f"{e['at']}  {e['actor']:<22} {e['kind']:<7} {e['label']} [{e['action']}]{where}{denied}")
