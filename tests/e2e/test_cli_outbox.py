"""`boligtildeling outbox send`: off without SMTP; with SMTP, the pending notices go out by e-mail."""

from __future__ import annotations

import datetime as dt
import socket
import threading

from click.testing import CliRunner
from sqlalchemy import select

from service.cli import main
from service.store.database import make_engine, make_session_factory
from service.store.migrate import upgrade
from service.store.models import OutboxMessage


def queue_notice(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with make_session_factory(engine)() as session:
        session.add(OutboxMessage(recipient_kind="office", recipient="Midtbyen", to_address="hvk@example.org",
                                  subject="Tildeling LB-1", body="K-1 er tildelt boligen.",
                                  created_at=dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc)))
        session.commit()
    engine.dispose()


def statuses(url: str) -> list[str]:
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        found = list(session.scalars(select(OutboxMessage.status)))
    engine.dispose()
    return found


def smtp_server() -> tuple[int, list[str], threading.Thread]:
    """A minimal SMTP peer on 127.0.0.1 that accepts one message and records what it was told."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    heard: list[str] = []

    def run():
        conn, _ = listener.accept()
        with conn, conn.makefile("rwb") as f:
            def say(line):
                f.write(line.encode() + b"\r\n")
                f.flush()
            say("220 test")
            in_data = False
            for raw in f:
                line = raw.decode().rstrip("\r\n")
                heard.append(line)
                if in_data:
                    if line == ".":
                        in_data = False
                        say("250 ok")
                    continue
                verb = line.split(" ", 1)[0].upper()
                if verb in ("EHLO", "HELO"):
                    say("250 test")
                elif verb == "DATA":
                    in_data = True
                    say("354 go")
                elif verb == "QUIT":
                    say("221 bye")
                    break
                else:
                    say("250 ok")
        listener.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return listener.getsockname()[1], heard, thread


def test_without_smtp_nothing_is_sent_and_the_queue_is_reported(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    queue_notice(url)
    monkeypatch.delenv("SMTP_HOST", raising=False)
    result = CliRunner().invoke(main, ["outbox", "send", "--database-url", url])
    assert result.exit_code == 0, result.output
    assert "SMTP er ikke satt opp (SMTP_HOST); 1 varsler venter i utboksen." in result.output
    assert statuses(url) == ["pending"]


def test_with_smtp_the_pending_notice_is_delivered_and_marked_sent(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    queue_notice(url)
    port, heard, thread = smtp_server()
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(port))
    monkeypatch.setenv("SMTP_STARTTLS", "0")
    monkeypatch.setenv("SMTP_SENDER", "boligtildeling@example.org")

    result = CliRunner().invoke(main, ["outbox", "send", "--database-url", url])
    thread.join(timeout=10)

    assert result.exit_code == 0, result.output
    assert "Sendte 1 varsler." in result.output
    assert statuses(url) == ["sent"]
    assert "rcpt TO:<hvk@example.org>" in heard
    assert "Subject: Tildeling LB-1" in heard
