"""Connecting to the store: SQLite by default (a file in the instance folder), PostgreSQL by URL.

Nothing is created at import time: the app factory (or a test) calls
`make_engine(url)` and `make_session_factory(engine)`.

SQLite is set up for a small multi-user service: foreign keys on, write-ahead
log (readers never wait for the writer), a 30 s busy timeout, and a writing
unit of work begun with `BEGIN IMMEDIATE` (`begin_write`), so two writers
queue for the lock instead of failing halfway: SQLite's deferred BEGIN turns a
read-then-write race into "database is locked". On PostgreSQL the option is
ignored; its row locks and unique indexes do that job.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from service.config import instance_dir

DEFAULT_DATABASE_FILE = "boligtildeling.sqlite3"
SQLITE_BUSY_TIMEOUT_S = 30
BEGIN_OPTION = "sqlite_begin"


def database_url(instance_path: str | Path | None = None) -> str:
    """`DATABASE_URL` if set, else a SQLite file `instance/boligtildeling.sqlite3`.

    A `postgres://` or `postgresql://` URL is given the psycopg (3) driver.
    """
    url = os.environ.get("DATABASE_URL")
    if url:
        return normalise_url(url)
    folder = Path(instance_path) if instance_path else instance_dir()
    return f"sqlite:///{folder / DEFAULT_DATABASE_FILE}"


def normalise_url(url: str) -> str:
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def make_engine(url: str, **kwargs) -> Engine:
    """An engine for `url`; for a SQLite file, its folder is created on first use."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        kwargs.setdefault("pool_pre_ping", True)
        return create_engine(url, **kwargs)
    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    connect_args = dict(kwargs.pop("connect_args", {}))
    connect_args.setdefault("check_same_thread", False)
    connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_S)
    engine = create_engine(url, connect_args=connect_args, **kwargs)
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_S * 1000}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        mode = connection.get_execution_options().get(BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def begin_write(session: Session) -> None:
    """Start the session's next transaction as a writer (BEGIN IMMEDIATE on SQLite).

    A read-only transaction already open (say, loading the actor) is ended first;
    pending changes there would be a programming error.
    """
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("ulagrede endringer før en ny skrivetransaksjon")
        session.commit()
    session.connection(execution_options={BEGIN_OPTION: "IMMEDIATE"})


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for units of work; objects are expired on commit, so nothing stale is reused."""
    return sessionmaker(bind=engine)
