"""`boligtildeling outbox send`: deliver the queued notices by e-mail when SMTP is set up."""

from __future__ import annotations

import click
from sqlalchemy import func, select

from service.cli.accounts import DATABASE_OPTION, store_session


@click.group(help="Utboksen: varsler til helse- og velferdskontor og botiltak.")
def outbox():
    pass


@outbox.command("send", help="Send ventende varsler på e-post (SMTP_HOST m.fl., se service/store/outbox.py). "
                             "Uten SMTP-oppsett sendes ingenting.")
@DATABASE_OPTION
def outbox_send(url):
    from service.store.outbox import SmtpConfig, deliver_outbox
    from service.store.models import OutboxMessage

    config = SmtpConfig.from_env()
    with store_session(url) as session:
        if config is None:
            pending = session.scalar(select(func.count()).select_from(OutboxMessage)
                                     .where(OutboxMessage.status == "pending"))
            click.echo(f"SMTP er ikke satt opp (SMTP_HOST); {pending} varsler venter i utboksen.")
            return
        sent = deliver_outbox(session, config)
    click.echo(f"Sendte {sent} varsler.")
