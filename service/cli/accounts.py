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
from service.store.models import ApiToken, AuditEntry, User
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


def active_user(session, username: str) -> User:
    """The active user a command acts as (`--som`, `tokens create`); fails naming them otherwise."""
    user = session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if user is None or not user.active:
        fail(f"Brukeren '{username}' finnes ikke eller er deaktivert.")
    return user


@click.group(help="Brukere: opprett, deaktiver, sett passord.")
def users():
    pass


@users.command("create", help="Opprett brukeren BRUKERNAVN med rolle og passord (spørres om når det mangler).")
@click.argument("username", metavar="BRUKERNAVN")
@click.option("--name", "display_name", required=True, help="Fullt navn.")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]),
              help="; ".join(f"{r.value}: {label}" for r, label in ROLE_LABELS.items()))
@click.option("--office", "welfare_office", type=click.Choice(OFFICES), default=None,
              help="Kontoret (bare for saksbehandlere).")
@click.option("--unit", "unit_ids", multiple=True, help="Botiltak-id (bare for enhetsledere); kan gjentas.")
@click.option("--email", default=None)
@click.password_option("--password", help="Passord (minst 12 tegn, ikke brukernavnet, ikke et vanlig "
                                         "passord); spørres om når det mangler.")
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


@click.group(help="API-nøkler for maskiner: lag, list, trekk tilbake.")
def tokens():
    pass


@tokens.command("create", help="Lag en API-nøkkel for BRUKERNAVN; nøkkelen skrives ut én gang.")
@click.argument("username", metavar="BRUKERNAVN")
@click.option("--label", default="kommandolinjen", show_default=True, help="Hva nøkkelen brukes til.")
@DATABASE_OPTION
def tokens_create(username, label, url):
    with store_session(url) as session:
        user = active_user(session, username)
        session.commit()
        try:
            issued = accounts.issue_token(Context(uow=SqlUnitOfWork(session), actor=user,
                                                  request_info={"via": "kommandolinjen"}), label)
        except CaseworkError as exc:
            fail(str(exc))
        click.echo(issued["token"])


def _user(session, username: str) -> User:
    user = session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if user is None:
        fail(f"Brukeren '{username}' finnes ikke.")
    return user


def _operator_audit(session, action: str, user: User, **detail) -> None:
    """What the operator did at the command line, in the audit log like everything else."""
    session.add(AuditEntry(at=system_clock(), actor_id=None, actor_username="kommandolinjen", action=action,
                           outcome="ok", detail={"user_id": user.id, "username": user.username, **detail}))


@users.command("deactivate", help="Deaktiver BRUKERNAVN: innloggingene avsluttes og API-nøklene trekkes tilbake.")
@click.argument("username", metavar="BRUKERNAVN")
@DATABASE_OPTION
def users_deactivate(username, url):
    with store_session(url) as session:
        user = _user(session, username)
        ended = accounts.deactivate(session, user, system_clock())
        _operator_audit(session, "user_deactivated", user, logins_ended=ended)
        session.commit()
        click.echo(f"Brukeren {user.username} er deaktivert; {ended} innlogging(er) er avsluttet.")


@users.command("password", help="Sett nytt passord for BRUKERNAVN (spørres om); innloggingene avsluttes.")
@click.argument("username", metavar="BRUKERNAVN")
@click.password_option("--password", help="Det nye passordet; spørres om når det mangler.")
@DATABASE_OPTION
def users_password(username, password, url):
    with store_session(url) as session:
        user = _user(session, username)
        try:
            ended = accounts.replace_password(session, user, password, system_clock(), "password_set")
        except CaseworkError as exc:
            session.rollback()
            fail(str(exc) if not hasattr(exc, "problems") else "; ".join(p.message for p in exc.problems))
        _operator_audit(session, "password_set", user, logins_ended=ended)
        session.commit()
        click.echo(f"Passordet til {user.username} er endret; {ended} innlogging(er) er avsluttet.")


@tokens.command("list", help="API-nøklene (uten selve nøklene): id, bruker, navn, utløper, trukket tilbake.")
@click.option("--user", "username", default=None, help="Bare nøklene til denne brukeren.")
@DATABASE_OPTION
def tokens_list(username, url):
    with store_session(url) as session:
        query = select(ApiToken).order_by(ApiToken.id)
        if username:
            query = query.where(ApiToken.user_id == _user(session, username).id)
        rows = session.scalars(query).all()
        if not rows:
            click.echo("Ingen API-nøkler.")
        for row in rows:
            view = accounts.token_view(row)
            state = f"trukket tilbake {view['revoked_at'][:10]}" if view["revoked_at"] else (
                f"utløper {view['expires_at'][:10]}" if view["expires_at"] else "utløper ikke")
            click.echo(f"{row.id:>5}  {row.user.username:<22} {row.label:<30} {state}")


@tokens.command("revoke", help="Trekk tilbake API-nøkkelen med id ID (se `tokens list`).")
@click.argument("token_id", metavar="ID", type=int)
@DATABASE_OPTION
def tokens_revoke(token_id, url):
    with store_session(url) as session:
        row = session.get(ApiToken, token_id)
        if row is None:
            fail(f"Det finnes ingen API-nøkkel med id {token_id}.")
        if row.revoked_at is None:
            row.revoked_at = system_clock()
            _operator_audit(session, "token_revoked", row.user, token_id=row.id)
        session.commit()
        click.echo(f"API-nøkkel {token_id} ({row.label}) er trukket tilbake.")
