"""`boligtildeling users create` and `boligtildeling tokens create`, and the app `serve` starts.

The commands work on the database the service uses: --database-url, else $DATABASE_URL,
else the SQLite file in the instance folder (migrated first, so a new one works).
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

import click
from sqlalchemy import func, select

from .casework import CaseworkError, accounts
from .casework.context import Context
from .casework.domain import OFFICES, ROLE_LABELS, Role
from .store.database import database_url, make_engine, make_session_factory, normalise_url
from .store.demo import DEMO_PASSWORD, DEMO_USERS
from .store.migrate import upgrade
from .store.models import User

DATABASE_OPTION = click.option("--database-url", "url", default=None,
                               help="Databasen (standard: $DATABASE_URL, ellers SQLite-filen i instance/).")


@contextmanager
def _session(url: str | None):
    url = normalise_url(url) if url else database_url()
    engine = make_engine(url)
    try:
        upgrade(engine)
        with make_session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def _fail(message: str):
    click.echo(message, err=True)
    sys.exit(1)


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
    with _session(url) as session:
        from .casework.context import system_clock
        try:
            user = accounts.add_user(session, username=username, display_name=display_name, role=role,
                                     password=password, welfare_office=welfare_office, unit_ids=unit_ids,
                                     email=email, now=system_clock())
        except CaseworkError as exc:
            session.rollback()
            _fail(str(exc))
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
    with _session(url) as session:
        user = session.scalar(select(User).where(func.lower(User.username) == username.lower()))
        if user is None or not user.active:
            _fail(f"Brukeren '{username}' finnes ikke eller er deaktivert.")
        session.commit()
        try:
            issued = accounts.issue_token(Context(session=session, actor=user,
                                                  request_info={"via": "kommandolinjen"}), label)
        except CaseworkError as exc:
            _fail(str(exc))
        click.echo(issued["token"])


# -- serve -------------------------------------------------------------------------------------

def serving_app(rules_dir: Path | None = None, demo: bool | None = None, config: dict | None = None):
    """The app `boligtildeling serve` runs: demo data on by default when no DATABASE_URL is given."""
    import os

    from .app import create_app
    settings = dict(config or {})
    if rules_dir:
        settings["RULES_DIR"] = str(rules_dir)
    if demo is None:
        demo = not (settings.get("DATABASE_URL") or os.environ.get("DATABASE_URL"))
    settings["DEMO_DATA"] = demo
    return create_app(settings)


def demo_logins() -> str:
    lines = [f"Demo-brukere (passord for alle: {DEMO_PASSWORD}):"]
    for username, name, role, office, unit_ids in DEMO_USERS:
        where = office or ", ".join(unit_ids)
        lines.append(f"  {username:<22} {ROLE_LABELS[role]}{f' ({where})' if where else ''}, {name}")
    return "\n".join(lines)


@click.group(help="Utboksen: varsler til helse- og velferdskontor og botiltak.")
def outbox():
    pass


@outbox.command("send", help="Send ventende varsler på e-post (SMTP_HOST m.fl., se service/store/outbox.py). "
                             "Uten SMTP-oppsett sendes ingenting.")
@DATABASE_OPTION
def outbox_send(url):
    from .store.outbox import SmtpConfig, deliver_outbox
    from .store.models import OutboxMessage

    config = SmtpConfig.from_env()
    with _session(url) as session:
        if config is None:
            pending = session.scalar(select(func.count()).select_from(OutboxMessage)
                                     .where(OutboxMessage.status == "pending"))
            click.echo(f"SMTP er ikke satt opp (SMTP_HOST); {pending} varsler venter i utboksen.")
            return
        sent = deliver_outbox(session, config)
    click.echo(f"Sendte {sent} varsler.")
