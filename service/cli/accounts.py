"""`boligtildeling users create` and `boligtildeling tokens create`: people and machines that may log in.

The commands work on the database the service uses: --database-url, else $DATABASE_URL,
else the SQLite file in the instance folder (migrated first, so a new one works).
"""

from __future__ import annotations

from contextlib import contextmanager

import click
from sqlalchemy import func, select

from service.casework import CaseworkError, accounts
from service.casework.context import Context, system_clock
from service.cli.common import fail
from service.domain.codes import OFFICES, ROLE_LABELS, Role
from service.store.database import database_url, make_engine, make_session_factory, normalise_url
from service.store.migrate import upgrade
from service.store.models import User
from service.store.unit_of_work import SqlUnitOfWork

DATABASE_OPTION = click.option("--database-url", "url", default=None,
                               help="Databasen (standard: $DATABASE_URL, ellers SQLite-filen i instance/).")


@contextmanager
def store_session(url: str | None):
    url = normalise_url(url) if url else database_url()
    engine = make_engine(url)
    try:
        upgrade(engine)
        with make_session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


@click.group(help="Brukere: opprett.")
def users():
    pass


@users.command("create", help="Opprett brukeren USERNAME med rolle og passord (spørres om når det mangler).")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="Fullt navn.")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]),
              help="; ".join(f"{r.value}: {label}" for r, label in ROLE_LABELS.items()))
@click.option("--office", "welfare_office", type=click.Choice(OFFICES), default=None,
              help="Kontoret (bare for saksbehandlere).")
@click.option("--unit", "unit_ids", multiple=True, help="Botiltak-id (bare for enhetsledere); kan gjentas.")
@click.option("--email", default=None)
@click.password_option("--password", help="Passord (minst 10 tegn); spørres om når det mangler.")
@DATABASE_OPTION
def users_create(username, display_name, role, welfare_office, unit_ids, email, password, url):
    with store_session(url) as session:
        try:
            user = accounts.add_user(session, username=username, display_name=display_name, role=role,
                                     password=password, welfare_office=welfare_office, unit_ids=unit_ids,
                                     email=email, now=system_clock())
        except CaseworkError as exc:
            session.rollback()
            fail(str(exc))
        session.commit()
        click.echo(f"Brukeren {user.username} ({ROLE_LABELS[Role(user.role)]}) er opprettet.")


@click.group(help="API-nøkler for maskiner: lag.")
def tokens():
    pass


@tokens.command("create", help="Lag en API-nøkkel for USERNAME; nøkkelen skrives ut én gang.")
@click.argument("username")
@click.option("--label", default="kommandolinjen", show_default=True, help="Hva nøkkelen brukes til.")
@DATABASE_OPTION
def tokens_create(username, label, url):
    with store_session(url) as session:
        user = session.scalar(select(User).where(func.lower(User.username) == username.lower()))
        if user is None or not user.active:
            fail(f"Brukeren '{username}' finnes ikke eller er deaktivert.")
        session.commit()
        try:
            issued = accounts.issue_token(Context(uow=SqlUnitOfWork(session), actor=user,
                                                  request_info={"via": "kommandolinjen"}), label)
        except CaseworkError as exc:
            fail(str(exc))
        click.echo(issued["token"])
