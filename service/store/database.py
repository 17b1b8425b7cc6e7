"""Connecting to the store: SQLite by default (a file in the instance folder), PostgreSQL by URL.

Nothing is created at import time: the app factory (or a test) calls
`make_engine(url)` and `make_session_factory(engine)`.

SQLite is set up for a small multi-user service: foreign keys on, write-ahead
log (readers never wait for the writer), a 30 s busy timeout, and a writing
unit of work begun with `BEGIN IMMEDIATE` (`begin_write`), so two writers
queue for the lock instead of failing halfway: SQLite's deferred BEGIN turns a
read-then-write race into "database is locked". On PostgreSQL the option is
ignored; its row locks and unique indexes do that job.

The SQLite file holds health data (GDPR art. 9), so it is private to the
account that runs the service: the file is created 0600 before SQLite opens it
(SQLite gives its -wal and -shm files the main file's mode), a folder we create
for it 0700, and at start an existing file, its -wal/-shm, and the instance
folder (the folder of the default `boligtildeling.sqlite3`) are tightened if
they are wider, with a log line that names the file, never a path or a person.
A folder named by a DATABASE_URL of one's own is left as it is: it may be shared
(/tmp), and narrowing it is the operator's call.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from service.config import instance_dir

DEFAULT_DATABASE_FILE = "boligtildeling.sqlite3"
SQLITE_BUSY_TIMEOUT_S = 30
BEGIN_OPTION = "sqlite_begin"
PRIVATE_FILE_MODE = 0o600
PRIVATE_FOLDER_MODE = 0o700
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")

log = logging.getLogger(__name__)


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
    """An engine for `url`; for a SQLite file, its folder and the file are created private on first use.

    `hide_parameters`: an error logged with its SQL never carries the values (names, health data).
    """
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        kwargs.setdefault("pool_pre_ping", True)
        return create_engine(url, hide_parameters=True, **kwargs)
    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        prepare_sqlite_file(Path(database))
    connect_args = dict(kwargs.pop("connect_args", {}))
    connect_args.setdefault("check_same_thread", False)
    connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_S)
    engine = create_engine(url, connect_args=connect_args, hide_parameters=True, **kwargs)
    _configure_sqlite(engine)
    return engine


def prepare_sqlite_file(database: Path) -> None:
    """Create the database file (and its folder) readable by the owner only; tighten what is already there.

    SQLite would create the file with the process umask (usually 0644); created
    empty here first, it starts 0600 and SQLite keeps that mode for -wal/-shm.
    """
    folder = database.parent
    if not folder.exists():
        make_private_folder(folder)
    elif database.name == DEFAULT_DATABASE_FILE:
        tighten(folder, PRIVATE_FOLDER_MODE, "instansmappen")
    try:
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
    except FileExistsError:
        pass
    for path in (database, *(database.with_name(database.name + side) for side in SQLITE_SIDE_FILES)):
        if path.exists():
            tighten(path, PRIVATE_FILE_MODE, f"databasefilen {path.name}")


def make_private_folder(folder: Path) -> None:
    """Create `folder` (and missing parents) with the last level 0700, whatever the umask."""
    folder.mkdir(mode=PRIVATE_FOLDER_MODE, parents=True, exist_ok=True)
    tighten(folder, PRIVATE_FOLDER_MODE, "instansmappen")


def tighten(path: Path, allowed: int, what: str) -> None:
    """Take away the permission bits beyond `allowed` (never adds any); log when something was taken.

    `what` names the thing in the log line ("databasefilen boligtildeling.sqlite3"),
    not its path: a home folder's path names a person. Not on Windows, where
    chmod only sets the read-only flag.
    """
    if os.name == "nt":
        return
    try:
        current = stat.S_IMODE(path.stat().st_mode)
        if current & ~allowed:
            os.chmod(path, current & allowed)
            log.warning("Tilgangen til %s var %04o; strammet inn til %04o (bare eieren).",
                        what, current, current & allowed)
    except OSError as exc:
        log.warning("Kunne ikke stramme inn tilgangen til %s: %s", what, exc.strerror)


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
