"""Backing up and restoring the store, for SQLite and PostgreSQL, with the schema version checked.

    backup(url, path)                  a copy of the database at `url` in one file at `path`, 0600
    restore(url, path, overwrite=...)  that copy back into the database at `url`, migrated to the newest schema

The database holds health data (GDPR art. 9), so a backup is as sensitive as
the database: every file this module writes is created 0600 (a temporary file
next to the target, renamed into place when it is complete, so a failed backup
leaves neither a partial file nor a wider one).

SQLite: the online backup API (`sqlite3.Connection.backup`) copies the pages in
one read transaction, so the copy is consistent and writers of a running
service (WAL mode) do not wait. The backup is a plain SQLite file in rollback
mode (no -wal/-shm beside it), checked with `PRAGMA quick_check`.

PostgreSQL: `pg_dump --format=custom` of the schema the connection uses
(`current_schema()`, normally `public`), without owners and grants, so it
restores under another role. Restoring streams the archive's SQL (`pg_restore
--clean --file=-`) into `psql` between a BEGIN and a COMMIT of our own: the
tables are dropped and recreated and the rows loaded in one transaction, and
COMMIT is sent only if all of it arrived, so a failure anywhere (a damaged
archive, an SQL error) leaves the database as it was. The
schema itself is neither dropped nor recreated (pg_dump would do that to
`public`, taking its grants with it).

The schema version is the Alembic revision in the `alembic_version` table,
which travels inside the backup (no second file to lose). `restore` refuses a
revision this code does not know (a backup from a newer version: upgrade the
program first) and migrates an older one up. On SQLite it is migrated in the
temporary copy before anything is replaced; on PostgreSQL after the restore
transaction (Alembic runs on its own connection), so a failed migration leaves
the backup restored as it was, complete, at its old revision.

`restore` refuses a database with rows in it unless `overwrite` is given
(`NeedsOverwrite`); an empty, migrated database is replaced without asking.
On PostgreSQL what the archive holds is replaced (`--clean`) and the store's
own tables are dropped first (a newer target may have tables the older backup
lacks); any other table in the schema is left alone.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import URL, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from service.store.database import (PRIVATE_FILE_MODE, SQLITE_BUSY_TIMEOUT_S, SQLITE_SIDE_FILES, make_engine,
                                    make_private_folder, normalise_url, prepare_sqlite_file)
from service.store.migrate import alembic_config, upgrade
from service.store.models import Base

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
VERSION_TABLE = "alembic_version"
SQLITE, POSTGRESQL = "SQLite", "PostgreSQL"
INSTALL_HINT = ("Installer PostgreSQL-klientverktøyene (på Debian og Ubuntu: apt-get install postgresql-client) "
                "i samme hovedversjon som serveren, og prøv igjen.")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message (one or a few sentences, bokmål) says why."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class NeedsOverwrite(BackupError):
    """The target (a database with rows, an existing backup file) would be replaced; the caller must say so."""


@dataclass(frozen=True)
class BackupMade:
    path: Path
    kind: str
    revision: str


@dataclass(frozen=True)
class Restored:
    path: Path
    kind: str
    revision: str                 # the schema version in the backup
    upgraded_to: str | None       # the newest schema, when the backup was older and was migrated up


# -- the schema version ----------------------------------------------------------------------


def known_revisions() -> list[str]:
    """The Alembic revisions this code has, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def needs_upgrade(revision: str | None) -> bool:
    """Whether a backup at `revision` must be migrated up; a revision we do not know is refused."""
    if revision is None:
        raise BackupError("Sikkerhetskopien har ingen skjemaversjon (tabellen alembic_version mangler); "
                          "den er ikke en sikkerhetskopi av boligtildeling.")
    known = known_revisions()
    if revision not in known:
        raise BackupError(f"Sikkerhetskopien har skjemaversjon {revision}, som denne versjonen av boligtildeling "
                          f"ikke kjenner (nyeste kjente er {known[-1]}). Den er trolig laget av en nyere versjon: "
                          f"oppgrader boligtildeling først, og gjenopprett så. Ingenting er endret.")
    return revision != known[-1]


# -- entry points ----------------------------------------------------------------------------


def backup(database_url: str, path: str | Path, overwrite: bool = False) -> BackupMade:
    """Write a backup of the database at `database_url` to `path` (0600); refuse to replace a file unless told."""
    path = Path(path)
    if path.is_dir():
        raise BackupError(f"{path} er en mappe; oppgi et filnavn for sikkerhetskopien.")
    if path.exists() and not overwrite:
        raise NeedsOverwrite(f"Filen {path} finnes allerede; den erstattes ikke.")
    if not path.parent.is_dir():
        raise BackupError(f"Mappen {path.parent} finnes ikke; opprett den først (bare lesbar for deg).")
    url = make_url(normalise_url(database_url))
    if url.get_backend_name() == "sqlite":
        return BackupMade(path, SQLITE, _sqlite_backup(_sqlite_file(url), path))
    if url.get_backend_name() == "postgresql":
        with _reaching_the_server():
            return BackupMade(path, POSTGRESQL, _postgres_backup(url, path))
    raise BackupError(f"Sikkerhetskopi støttes bare for SQLite og PostgreSQL, ikke {url.get_backend_name()}.")


def restore(database_url: str, path: str | Path, overwrite: bool = False) -> Restored:
    """Put the backup at `path` into the database at `database_url`, whole or not at all."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"Sikkerhetskopien {path} finnes ikke.")
    url = make_url(normalise_url(database_url))
    kind = _kind_of_file(path)
    backend = url.get_backend_name()
    wanted = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(backend)
    if wanted is None:
        raise BackupError(f"Gjenoppretting støttes bare for SQLite og PostgreSQL, ikke {backend}.")
    if kind != wanted:
        raise BackupError(f"{path} er en sikkerhetskopi fra {kind}, men databasen er {wanted}; gjenoppretting "
                          f"på tvers av databasetyper støttes ikke.")
    if backend == "sqlite":
        revision, upgraded = _sqlite_restore(_sqlite_file(url), path, overwrite)
    else:
        with _reaching_the_server():
            revision, upgraded = _postgres_restore(url, path, overwrite)
    return Restored(path, kind, revision, upgraded)


@contextmanager
def _reaching_the_server() -> Iterator[None]:
    """A server that cannot be reached (or refuses the login) is a message, not a traceback."""
    try:
        yield
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
        raise BackupError(f"Kunne ikke koble til databasen: {reason}") from exc


def _kind_of_file(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return SQLITE
    if head.startswith(PG_DUMP_MAGIC):
        return POSTGRESQL
    raise BackupError(f"{path} er ikke en sikkerhetskopi fra `boligtildeling backup` (verken en SQLite-fil "
                      f"eller et arkiv fra pg_dump).")


# -- files -----------------------------------------------------------------------------------


@contextmanager
def _private_temp(beside: Path) -> Iterator[Path]:
    """An empty 0600 file in the folder of `beside` (so the final rename stays on one file system); removed after."""
    fd, name = tempfile.mkstemp(dir=beside.parent, prefix=f".{beside.name}.", suffix=".tmp")
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
    finally:
        for leftover in (temp, *(temp.with_name(temp.name + side) for side in SQLITE_SIDE_FILES)):
            leftover.unlink(missing_ok=True)


def _publish(temp: Path, path: Path) -> None:
    """Move a finished file into place: flushed to disk first, 0600, replacing atomically."""
    with temp.open("rb") as handle:
        os.fsync(handle.fileno())
    os.chmod(temp, PRIVATE_FILE_MODE)
    os.replace(temp, path)
    if os.name != "nt":
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


# -- SQLite ----------------------------------------------------------------------------------


def _sqlite_file(url: URL) -> Path:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("Sikkerhetskopi og gjenoppretting trenger en SQLite-databasefil, ikke en database i minnet.")
    return Path(database)


def _connect_existing(path: Path, read_only: bool = False) -> sqlite3.Connection:
    """A connection to a file that must exist already (SQLite would otherwise create an empty one)."""
    mode = "ro" if read_only else "rw"
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True, timeout=SQLITE_BUSY_TIMEOUT_S)


def _sqlite_revision(connection: sqlite3.Connection) -> str | None:
    if not connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                              (VERSION_TABLE,)).fetchone():
        return None
    row = connection.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
    return row[0] if row else None


def _quick_check(connection: sqlite3.Connection, what: str) -> None:
    result = [row[0] for row in connection.execute("PRAGMA quick_check")]
    if result != ["ok"]:
        raise BackupError(f"{what} er skadet (PRAGMA quick_check: {'; '.join(result[:3])}).")


def _sqlite_backup(database: Path, path: Path) -> str:
    if not database.is_file():
        raise BackupError(f"Databasefilen {database} finnes ikke.")
    with _private_temp(path) as temp:
        try:
            source = _connect_existing(database)
            try:
                copy = sqlite3.connect(temp)
                try:
                    source.backup(copy)  # all pages in one step: one consistent read transaction
                    copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
                    _quick_check(copy, "Kopien av databasen")
                    revision = _sqlite_revision(copy)
                finally:
                    copy.close()
            finally:
                source.close()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"Kunne ikke ta sikkerhetskopi av {database}: {exc}.") from exc
        if revision is None:
            raise BackupError(f"{database} har ingen skjemaversjon (tabellen alembic_version mangler); "
                              f"er den en database for boligtildeling?")
        _publish(temp, path)
    return revision


def _sqlite_has_rows(database: Path) -> bool:
    """Whether any table but alembic_version has a row; a missing or empty file has none."""
    if not database.exists() or database.stat().st_size == 0:
        return False
    try:
        connection = _connect_existing(database)
        try:
            tables = [row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
            return any(connection.execute(f'SELECT 1 FROM "{name}" LIMIT 1').fetchone()
                       for name in tables if name != VERSION_TABLE)
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{database} er ikke en SQLite-database som kan leses ({exc}); den erstattes ikke.") from exc


def _sqlite_restore(database: Path, path: Path, overwrite: bool) -> tuple[str, str | None]:
    """Copy the backup to a temporary file, check and migrate it there, then copy it into the target in one step.

    The last step is the backup API again, into the live file, rather than a
    rename: it is one write transaction under SQLite's own locking, so a running
    service sees the old database or the new one, and the target's -wal/-shm stay
    its own (renaming a file over a WAL database leaves the old -wal beside the
    new file, and SQLite would replay it into the wrong database).
    """
    if _sqlite_has_rows(database) and not overwrite:
        raise NeedsOverwrite(f"Databasen {database} har data; den erstattes ikke.")
    try:
        source = _connect_existing(path, read_only=True)
        try:
            revision = _sqlite_revision(source)
        finally:
            source.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"Kunne ikke lese sikkerhetskopien {path}: {exc}.") from exc
    migrate = needs_upgrade(revision)  # refused before anything is touched
    if not database.parent.exists():
        make_private_folder(database.parent)
    with _private_temp(database) as temp:
        try:
            source = _connect_existing(path, read_only=True)
            try:
                copy = sqlite3.connect(temp)
                try:
                    source.backup(copy)
                    _quick_check(copy, f"Sikkerhetskopien {path}")
                finally:
                    copy.close()
            finally:
                source.close()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"Kunne ikke lese sikkerhetskopien {path}: {exc}.") from exc
        upgraded = None
        if migrate:
            try:
                upgrade(f"sqlite:///{temp}")
            except Exception as exc:
                raise BackupError(f"Migreringen av sikkerhetskopien fra skjemaversjon {revision} til nyeste "
                                  f"skjema feilet: {exc}. Databasen er ikke endret.") from exc
            upgraded = known_revisions()[-1]
        prepare_sqlite_file(database)  # 0600 before a byte is written to it
        try:
            copy = _connect_existing(temp)
            try:
                copy.execute("PRAGMA journal_mode = WAL")  # as the service runs it
                target = _connect_existing(database)
                try:
                    copy.backup(target)  # all pages in one write transaction
                    target.execute("PRAGMA journal_mode = WAL")
                finally:
                    target.close()
            finally:
                copy.close()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"Kunne ikke gjenopprette til {database}: {exc}. Databasen er ikke endret.") from exc
    return revision, upgraded


# -- PostgreSQL ------------------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"Fant ikke programmet {name}, som trengs for sikkerhetskopi av PostgreSQL. {INSTALL_HINT}")
    return found


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The URL as the PostgreSQL tools take it, and their environment: the password in PGPASSWORD, not in `ps`."""
    plain = URL.create("postgresql", username=url.username, host=url.host, port=url.port, database=url.database,
                       query=url.query)
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return plain.render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str], **kwargs) -> None:
    with tempfile.TemporaryFile() as errors:
        result = subprocess.run(args, env=env, stderr=errors, **kwargs)
        if result.returncode != 0:
            errors.seek(0)
            raise BackupError(f"{Path(args[0]).name} feilet: {_last_lines(errors.read())}")


def _last_lines(output: bytes, count: int = 5) -> str:
    lines = [line for line in output.decode("utf-8", "replace").splitlines() if line.strip()]
    return "\n".join(lines[-count:]) or "ingen melding"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _postgres_backup(url: URL, path: Path) -> str:
    pg_dump, pg_restore = _tool("pg_dump"), _tool("pg_restore")
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        with engine.connect() as connection:
            schema = connection.scalar(text("SELECT current_schema()"))
            if schema is None or VERSION_TABLE not in inspect(connection).get_table_names(schema=schema):
                raise BackupError("Databasen har ingen skjemaversjon (tabellen alembic_version mangler); er den "
                                  "en database for boligtildeling?")
    finally:
        engine.dispose()
    conninfo, env = _libpq(url)
    with _private_temp(path) as temp:
        with temp.open("wb") as out:  # pg_dump writes into our 0600 file, not one of its own making
            _run([pg_dump, "--format=custom", f"--schema={_quote(schema)}", "--no-owner", "--no-privileges",
                  conninfo], env, stdout=out)
        revision, _ = _dump_revision(pg_restore, temp)  # read back: the archive is whole and says its version
        if revision is None:
            raise BackupError("Arkivet fra pg_dump mangler skjemaversjonen (alembic_version); det er ikke lagret.")
        _publish(temp, path)
    return revision


COPY_VERSION = re.compile(r'^COPY (?P<schema>"(?:[^"]|"")+"|[^ .]+)\.alembic_version \(version_num\) FROM stdin;$')


def _dump_revision(pg_restore: str, path: Path) -> tuple[str | None, str | None]:
    """(revision, schema) from the archive's alembic_version rows, read with pg_restore (no database needed)."""
    result = subprocess.run([pg_restore, "--data-only", f"--table={VERSION_TABLE}", "--file=-", str(path)],
                            capture_output=True)
    if result.returncode != 0:
        raise BackupError(f"{path} kan ikke leses av pg_restore: {_last_lines(result.stderr)}")
    lines = result.stdout.decode("utf-8").splitlines()
    for i, line in enumerate(lines):
        match = COPY_VERSION.match(line)
        if match:
            schema = match["schema"]
            if schema.startswith('"'):
                schema = schema[1:-1].replace('""', '"')
            end = next((j for j in range(i + 1, len(lines)) if lines[j] == "\\."), len(lines))
            rows = lines[i + 1:end]
            return (rows[0] if rows else None), schema
    return None, None


def _postgres_restore(url: URL, path: Path, overwrite: bool) -> tuple[str, str | None]:
    pg_restore, psql = _tool("pg_restore"), _tool("psql")
    revision, schema = _dump_revision(pg_restore, path)
    migrate = needs_upgrade(revision)
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        _check_postgres_target(engine, schema, overwrite)
        ours = sorted(set(Base.metadata.tables) | {VERSION_TABLE})
        drop_ours = (f"SET client_min_messages = warning; DROP TABLE IF EXISTS "
                     f"{', '.join(f'{_quote(schema)}.{_quote(t)}' for t in ours)} CASCADE;")
        with tempfile.TemporaryDirectory() as work:
            listing = Path(work) / "innhold.list"
            listing.write_text(_toc_without_schema(pg_restore, path), encoding="utf-8")
            _load_in_one_transaction(pg_restore, psql, url, path, listing, drop_ours)
        upgraded = None
        if migrate:
            try:
                upgrade(engine)
            except Exception as exc:
                raise BackupError(f"Sikkerhetskopien (skjemaversjon {revision}) er gjenopprettet, men migreringen "
                                  f"til nyeste skjema feilet: {exc}. Rett feilen og start tjenesten (den migrerer "
                                  f"ved oppstart).") from exc
            upgraded = known_revisions()[-1]
    finally:
        engine.dispose()
    return revision, upgraded


def _load_in_one_transaction(pg_restore: str, psql: str, url: URL, path: Path, listing: Path, prelude: str) -> None:
    """Stream the archive's SQL from pg_restore into psql between our own BEGIN and COMMIT.

    COMMIT is sent only when pg_restore has given all of it: if pg_restore
    stops halfway (a damaged archive), psql reaches the end of its input inside
    the transaction and the server rolls it back when psql disconnects; an error
    in the SQL stops psql (ON_ERROR_STOP) with the same result.
    """
    conninfo, env = _libpq(url)
    with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as load_errors:
        producer = subprocess.Popen([pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges",
                                     f"--use-list={listing}", "--file=-", str(path)],
                                    stdout=subprocess.PIPE, stderr=restore_errors)
        loader = subprocess.Popen([psql, "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--file=-", conninfo],
                                  env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=load_errors)
        try:
            loader.stdin.write(f"BEGIN;\n{prelude}\n".encode())
            for chunk in iter(lambda: producer.stdout.read(1 << 16), b""):
                loader.stdin.write(chunk)
            producer.wait()
            if producer.returncode == 0:
                loader.stdin.write(b"COMMIT;\n")
        except BrokenPipeError:
            pass  # psql stopped at an error; it is reported below
        finally:
            producer.stdout.close()
            if producer.poll() is None:
                producer.kill()
            producer.wait()
            try:
                loader.stdin.close()
            except BrokenPipeError:
                pass
            loader.wait()
        if loader.returncode != 0:
            load_errors.seek(0)
            raise BackupError(f"Gjenopprettingen ble avbrutt og rullet tilbake; databasen er ikke endret. "
                              f"psql: {_last_lines(load_errors.read())}")
        if producer.returncode != 0:
            restore_errors.seek(0)
            raise BackupError(f"Gjenopprettingen ble avbrutt og rullet tilbake; databasen er ikke endret. "
                              f"pg_restore: {_last_lines(restore_errors.read())}")


def _check_postgres_target(engine, schema: str | None, overwrite: bool) -> None:
    """Same schema as the backup's; no rows unless `overwrite`; not a schema newer than this code."""
    with engine.connect() as connection:
        current = connection.scalar(text("SELECT current_schema()"))
        if current is None:
            raise BackupError("Databasen har ikke noe skjema å gjenopprette til (search_path peker ikke på et "
                              "skjema som finnes).")
        if current != schema:
            raise BackupError(f"Sikkerhetskopien er av skjemaet «{schema}», men databasen bruker «{current}». "
                              f"Gjenopprett til en database der skjemaet «{schema}» er i bruk.")
        tables = inspect(connection).get_table_names(schema=current)
        has_rows = any(connection.execute(text(f"SELECT 1 FROM {_quote(current)}.{_quote(t)} LIMIT 1")).first()
                       for t in tables if t != VERSION_TABLE)
        if has_rows and not overwrite:
            raise NeedsOverwrite("Databasen har data; den erstattes ikke.")
        if VERSION_TABLE in tables:
            target = connection.scalar(text(f"SELECT version_num FROM {_quote(current)}.{VERSION_TABLE}"))
            if target is not None and target not in known_revisions():
                raise BackupError(f"Databasen har skjemaversjon {target}, som denne versjonen av boligtildeling "
                                  f"ikke kjenner; den erstattes ikke. Bruk en nyere versjon av boligtildeling.")


SCHEMA_ENTRY = re.compile(r"^\d+; \d+ \d+ (SCHEMA - |COMMENT - SCHEMA )")


def _toc_without_schema(pg_restore: str, path: Path) -> str:
    """The archive's table of contents without the schema itself: it exists already and keeps its grants."""
    result = subprocess.run([pg_restore, "--list", str(path)], capture_output=True)
    if result.returncode != 0:
        raise BackupError(f"{path} kan ikke leses av pg_restore: {_last_lines(result.stderr)}")
    lines = result.stdout.decode("utf-8").splitlines()
    return "\n".join(line for line in lines if not SCHEMA_ENTRY.match(line)) + "\n"
