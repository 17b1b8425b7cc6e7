"""Delivering the outbox (utboks) by e-mail: off unless SMTP is configured.

Messages are queued by the casework in the same transaction as the step that
caused them. `deliver_outbox(session, smtp_config)` sends the pending ones and
marks each sent or failed; with no configuration it does nothing (the default:
a demo or test installation sends no e-mail).

Configuration from the environment (`SmtpConfig.from_env()`):
    SMTP_HOST, SMTP_PORT (587), SMTP_USER, SMTP_PASSWORD, SMTP_STARTTLS (1),
    SMTP_SENDER, and HVK_EPOST_<KONTOR> for each welfare office, e.g.
    HVK_EPOST_MIDTBYEN, HVK_EPOST_OSTBYEN, HVK_EPOST_LERKENDAL, HVK_EPOST_HEIMDAL.
"""

from __future__ import annotations

import datetime as dt
import os
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.domain.codes import OFFICES

from service.store.models import OutboxMessage

MAX_ATTEMPTS = 5


def _env_key(office: str) -> str:
    return "HVK_EPOST_" + office.upper().replace("Ø", "O").replace("Æ", "AE").replace("Å", "A")


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    sender: str
    port: int = 587
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = True
    office_addresses: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ=os.environ) -> "SmtpConfig | None":
        host = environ.get("SMTP_HOST")
        if not host:
            return None
        return cls(host=host, port=int(environ.get("SMTP_PORT", "587")), username=environ.get("SMTP_USER"),
                   password=environ.get("SMTP_PASSWORD"), starttls=environ.get("SMTP_STARTTLS", "1") != "0",
                   sender=environ.get("SMTP_SENDER", "boligtildeling@localhost"),
                   office_addresses={o: environ[_env_key(o)] for o in OFFICES if environ.get(_env_key(o))})


def deliver_outbox(session: Session, smtp_config: SmtpConfig | None,
                   smtp_factory: Callable[..., smtplib.SMTP] = smtplib.SMTP, now=None) -> int:
    """Send pending messages; return how many were sent. No configuration: no-op, returns 0."""
    if smtp_config is None or not smtp_config.host:
        return 0
    pending = session.scalars(select(OutboxMessage).where(OutboxMessage.status == "pending")
                              .order_by(OutboxMessage.id)).all()
    if not pending:
        session.commit()
        return 0
    sent = 0
    with smtp_factory(smtp_config.host, smtp_config.port) as smtp:
        if smtp_config.starttls:
            # Python's default context checks the server's certificate and name; plain
            # starttls() would encrypt to anyone who answers (and read the notices).
            smtp.starttls(context=ssl.create_default_context())
        if smtp_config.username:
            smtp.login(smtp_config.username, smtp_config.password or "")
        for message in pending:
            address = message.to_address or (smtp_config.office_addresses.get(message.recipient)
                                             if message.recipient_kind == "office" else None)
            message.attempts += 1
            if not address:
                message.status, message.last_error = "failed", "ingen e-postadresse for mottakeren"
                continue
            email = EmailMessage()
            email["From"], email["To"], email["Subject"] = smtp_config.sender, address, message.subject
            email.set_content(message.body)
            try:
                smtp.send_message(email)
            except smtplib.SMTPException as exc:
                message.last_error = str(exc)[:2000]
                if message.attempts >= MAX_ATTEMPTS:
                    message.status = "failed"
                continue
            message.status, message.sent_at = "sent", now or dt.datetime.now(dt.timezone.utc)
            sent += 1
    session.commit()
    return sent
