"""Notifications wait in the outbox; delivery is off unless SMTP is configured."""

from __future__ import annotations

import ssl

from sqlalchemy import select

from service.store.models import OutboxMessage
from service.store.outbox import SmtpConfig, deliver_outbox
from support.store import lade_to_decision


class FakeSMTP:
    sent: list = []

    def __init__(self, host, port):
        self.host, self.port = host, port

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self, context=None):
        FakeSMTP.tls_context = context

    def login(self, user, password):
        pass

    def send_message(self, message):
        FakeSMTP.sent.append(message)


def test_without_smtp_configuration_delivery_is_a_no_op(world):
    lade_to_decision(world)
    with world.sessions() as s:
        assert deliver_outbox(s, None) == 0
        assert deliver_outbox(s, SmtpConfig.from_env({})) == 0
        assert {m.status for m in s.scalars(select(OutboxMessage))} == {"pending"}


def test_configured_delivery_sends_to_the_unit_leader_and_the_office_address(world):
    lade_to_decision(world)
    FakeSMTP.sent = []
    config = SmtpConfig.from_env({"SMTP_HOST": "smtp.example.org", "SMTP_SENDER": "bolig@example.org",
                                  "HVK_EPOST_OSTBYEN": "ostbyen@example.org"})
    with world.sessions() as s:
        sent = deliver_outbox(s, config, smtp_factory=FakeSMTP)
        statuses = {(m.recipient, m.status) for m in s.scalars(select(OutboxMessage))}
    assert sent == len(FakeSMTP.sent) == 3  # approval and decision to the unit, decision to Østbyen
    assert {m["To"] for m in FakeSMTP.sent} == {"kari.nordmann@example.org", "ostbyen@example.org"}
    assert ("Østbyen", "sent") in statuses
    assert any("er tildelt" in m.get_content() for m in FakeSMTP.sent)
    # STARTTLS checks the server's certificate and host name
    assert FakeSMTP.tls_context.verify_mode == ssl.CERT_REQUIRED and FakeSMTP.tls_context.check_hostname
