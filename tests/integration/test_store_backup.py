"""Backup and restore of the store: every row comes back, refusals change nothing, every file is private.

The PostgreSQL cases run when TEST_DATABASE_URL is set and are required in CI
(support.store.postgres_url fails instead of skipping when CI=true).
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import stat
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import MetaData, create_engine, text

from service.demo import seed_demo
from service.store import backup as store_backup
from service.store.backup import BackupError, NeedsOverwrite, backup, restore
from service.store.database import make_engine, make_session_factory
from service.store.migrate import alembic_config, current_revision, head_revision, upgrade
from service.store.models import Base
from support.store import lade_to_decision, postgres_url


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@contextmanager
def umask(value: int):
    """A permissive umask, so a 0600 file shows that the code asked for it."""
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


def every_row(url: str) -> dict:
    """Every row of every table in the database (reflected, so alembic_version and any stray table count too)."""
    engine = make_engine(url)
    try:
        meta = MetaData()
        meta.reflect(engine)
        with engine.connect() as connection:
            return {name: [tuple(r) for r in connection.execute(
                        table.select().order_by(*(table.primary_key.columns or table.columns)))]
                    for name, table in sorted(meta.tables.items())}
    finally:
        engine.dispose()


def execute(url: str, statement: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


ADD_NOTICE = ("INSERT INTO outbox (recipient_kind, recipient, to_address, subject, body, status, created_at, "
              "attempts) VALUES ('office', 'Midtbyen', 'hvk@example.org', 'Etter kopien', 'Lagt til etter kopien.', "
              "'pending', CURRENT_TIMESTAMP, 0)")


# -- stores: the demo on SQLite (built once) and on PostgreSQL (a fresh schema per test) ---------


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory, compiled) -> Path:
    path = tmp_path_factory.mktemp("backup") / "demo.sqlite3"
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            assert seed_demo(session, compiled)
    finally:
        engine.dispose()
    return path


@contextmanager
def postgres_schema():
    """A URL for a fresh, empty schema of its own in the test database; dropped afterwards."""
    base = postgres_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def demo_url(request, demo_template, tmp_path, compiled):
    """The demo database (every role, three units, vacancies at every step) on each kind of store."""
    if request.param == "sqlite":
        path = tmp_path / "demo.sqlite3"
        shutil.copy(demo_template, path)
        yield f"sqlite:///{path}"
        return
    with postgres_schema() as url:
        upgrade(url)
        engine = make_engine(url)
        try:
            with make_session_factory(engine)() as session:
                assert seed_demo(session, compiled)
        finally:
            engine.dispose()
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request):
    """The course-of-a-case world on each kind of store."""
    return request.getfixturevalue("world" if request.param == "sqlite" else "postgres_world")


def restore_target(store, tmp_path) -> tuple[str, bool]:
    """Where a test restores to: a new SQLite file, or (one schema per test on PostgreSQL) the store itself."""
    if store.url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'gjenopprettet.sqlite3'}", False
    return store.url, True


# -- the round trip ---------------------------------------------------------------------------


def test_the_demo_database_comes_back_row_for_row_from_a_backup(demo_url, tmp_path):
    before = every_row(demo_url)
    assert set(before) == set(Base.metadata.tables) | {"alembic_version"}
    assert sum(map(len, before.values())) > 150
    file = tmp_path / "kopi.backup"

    made = backup(demo_url, file)
    assert (made.revision, mode(file)) == (head_revision(), 0o600)

    if demo_url.startswith("sqlite"):
        target = f"sqlite:///{tmp_path / 'ny' / 'boligtildeling.sqlite3'}"
    else:
        execute(demo_url, ADD_NOTICE)  # something to replace
        target = demo_url
    restored = restore(target, file, overwrite=True)

    assert (restored.revision, restored.upgraded_to) == (head_revision(), None)
    assert every_row(target) == before


def test_after_a_restore_new_rows_get_new_ids(store, tmp_path):
    """The id sequences (PostgreSQL) and autoincrement counters (SQLite) come back with the rows."""
    lade_to_decision(store)
    file = tmp_path / "kopi.backup"
    backup(store.url, file)
    target, overwrite = restore_target(store, tmp_path)
    restore(target, file, overwrite=overwrite)
    highest = max(r[0] for r in every_row(target)["audit_log"])

    execute(target, "INSERT INTO audit_log (at, actor_username, action, outcome, detail) "
                    "VALUES (CURRENT_TIMESTAMP, 'admin', 'test', 'ok', '{}')")

    assert max(r[0] for r in every_row(target)["audit_log"]) > highest


def test_a_sqlite_backup_taken_while_a_writer_holds_a_transaction_has_the_committed_rows(world, tmp_path):
    before = every_row(world.url)
    with world.engine.connect() as writer:
        writer.exec_driver_sql(ADD_NOTICE)  # inside the writer's open transaction, not committed
        backup(world.url, tmp_path / "kopi.backup")  # does not wait for the writer (WAL)
        writer.rollback()
    restore(f"sqlite:///{tmp_path / 'ny.sqlite3'}", tmp_path / "kopi.backup")
    assert every_row(f"sqlite:///{tmp_path / 'ny.sqlite3'}") == before


def test_a_sqlite_backup_is_one_file_without_a_write_ahead_log(world, tmp_path):
    backup(world.url, tmp_path / "kopi.backup")
    connection = sqlite3.connect(tmp_path / "kopi.backup")
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        connection.close()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("kopi")] == ["kopi.backup"]


# -- the schema version -----------------------------------------------------------------------


def test_restore_refuses_a_backup_from_a_newer_schema_and_changes_nothing(store, tmp_path):
    file = tmp_path / "kopi.backup"
    if store.url.startswith("sqlite"):
        backup(store.url, file)
        connection = sqlite3.connect(file)
        connection.execute("UPDATE alembic_version SET version_num = '0099_fremtid'")
        connection.commit()
        connection.close()
    else:  # the revision travels inside the archive: fake it in the database, then take the archive
        execute(store.url, "UPDATE alembic_version SET version_num = '0099_fremtid'")
        backup(store.url, file)
        execute(store.url, f"UPDATE alembic_version SET version_num = '{head_revision()}'")
    target, _ = restore_target(store, tmp_path)
    if not store.url.startswith("sqlite"):
        execute(target, ADD_NOTICE)
    before = every_row(target)

    with pytest.raises(BackupError, match="skjemaversjon 0099_fremtid, som denne versjonen av boligtildeling "
                                          "ikke kjenner") as refused:
        restore(target, file, overwrite=True)

    assert "oppgrader boligtildeling først" in str(refused.value)
    assert every_row(target) == before


def test_restore_of_an_older_backup_migrates_it_to_the_newest_schema(store, tmp_path):
    lade_to_decision(store)
    before = every_row(store.url)
    command.downgrade(alembic_config(engine=store.engine), "0001")
    file = tmp_path / "kopi.backup"
    assert backup(store.url, file).revision == "0001"
    upgrade(store.engine)
    target, overwrite = restore_target(store, tmp_path)

    restored = restore(target, file, overwrite=overwrite)

    assert (restored.revision, restored.upgraded_to) == ("0001", head_revision())
    engine = make_engine(target)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
    assert every_row(target) == before


def test_a_file_without_a_schema_version_is_not_taken_for_a_backup(tmp_path):
    stray = tmp_path / "annen.sqlite3"
    connection = sqlite3.connect(stray)
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    with pytest.raises(BackupError, match="ingen skjemaversjon"):
        restore(f"sqlite:///{tmp_path / 'ny.sqlite3'}", stray)
    (tmp_path / "tekst.txt").write_text("ikke en kopi", encoding="utf-8")
    with pytest.raises(BackupError, match="er ikke en sikkerhetskopi fra `boligtildeling backup`"):
        restore(f"sqlite:///{tmp_path / 'ny.sqlite3'}", tmp_path / "tekst.txt")


# -- a database with data ---------------------------------------------------------------------


def test_restore_refuses_a_database_with_data_unless_told_to_overwrite(store, tmp_path):
    file = tmp_path / "kopi.backup"
    backup(store.url, file)
    wanted = every_row(store.url)
    execute(store.url, ADD_NOTICE)
    changed = every_row(store.url)

    with pytest.raises(NeedsOverwrite, match="har data; den erstattes ikke"):
        restore(store.url, file)
    assert every_row(store.url) == changed

    restore(store.url, file, overwrite=True)
    assert every_row(store.url) == wanted


def test_an_empty_migrated_database_is_replaced_without_asking(store, tmp_path):
    file = tmp_path / "kopi.backup"
    backup(store.url, file)
    wanted = every_row(store.url)
    if store.url.startswith("sqlite"):
        target = f"sqlite:///{tmp_path / 'tom.sqlite3'}"
    else:  # the archive goes back to the schema it came from: empty that one
        target = store.url
        store.engine.dispose()
        engine = make_engine(target)
        with engine.begin() as connection:
            schema = connection.scalar(text("SELECT current_schema()"))
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE; CREATE SCHEMA "{schema}"'))
        engine.dispose()
    upgrade(target)

    restore(target, file)

    assert every_row(target) == wanted


def test_a_postgresql_backup_goes_back_only_to_the_schema_it_came_from(postgres_world, tmp_path):
    file = tmp_path / "kopi.backup"
    backup(postgres_world.url, file)
    with postgres_schema() as other:
        upgrade(other)
        with pytest.raises(BackupError, match="Sikkerhetskopien er av skjemaet «t_[0-9a-f]+», men databasen "
                                              "bruker «t_[0-9a-f]+»"):
            restore(other, file)


def test_the_running_service_sees_a_sqlite_restore_through_its_open_engine(world, tmp_path):
    file = tmp_path / "kopi.backup"
    backup(world.url, file)
    with world.engine.connect() as connection:  # a pooled connection, as the service keeps them
        notices = world.count("outbox")
        connection.exec_driver_sql(ADD_NOTICE)
        connection.commit()
        assert world.count("outbox") == notices + 1

        restore(world.url, file, overwrite=True)

        assert connection.exec_driver_sql("SELECT count(*) FROM outbox").scalar() == notices
        connection.commit()
    with world.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA quick_check").scalar() == "ok"
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_a_damaged_postgresql_archive_leaves_the_database_as_it_was(postgres_world, tmp_path):
    file = tmp_path / "kopi.backup"
    lade_to_decision(postgres_world)
    backup(postgres_world.url, file)
    data = file.read_bytes()
    file.write_bytes(data[:-1000])  # the table of contents and the version are whole, the last rows are cut off
    execute(postgres_world.url, ADD_NOTICE)
    before = every_row(postgres_world.url)

    with pytest.raises(BackupError, match="avbrutt og rullet tilbake; databasen er ikke endret") as stopped:
        restore(postgres_world.url, file, overwrite=True)

    assert "pg_restore: " in str(stopped.value)
    assert every_row(postgres_world.url) == before


# -- tools and kinds --------------------------------------------------------------------------


def test_postgresql_without_pg_dump_says_which_program_is_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump there; nothing is contacted before the check
    with pytest.raises(BackupError, match="Fant ikke programmet pg_dump") as missing:
        backup("postgresql://bruker@127.0.0.1:1/boliger", tmp_path / "kopi.backup")
    assert "postgresql-client" in str(missing.value)
    assert not (tmp_path / "kopi.backup").exists()


def test_a_postgresql_server_that_does_not_answer_is_a_message(tmp_path):
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump er ikke installert")
    with pytest.raises(BackupError, match="^Kunne ikke koble til databasen: "):
        backup("postgresql://bruker@127.0.0.1:1/boliger", tmp_path / "kopi.backup")
    assert list(tmp_path.iterdir()) == []


def test_a_sqlite_backup_is_not_restored_into_postgresql(world, tmp_path):
    backup(world.url, tmp_path / "kopi.backup")
    with pytest.raises(BackupError, match="er en sikkerhetskopi fra SQLite, men databasen er PostgreSQL"):
        restore("postgresql://bruker@127.0.0.1:1/boliger", tmp_path / "kopi.backup")


def test_a_backup_does_not_replace_an_existing_file_unless_told(world, tmp_path):
    file = tmp_path / "kopi.backup"
    file.write_text("en eldre kopi", encoding="utf-8")
    with pytest.raises(NeedsOverwrite, match="finnes allerede"):
        backup(world.url, file)
    assert file.read_text(encoding="utf-8") == "en eldre kopi"
    backup(world.url, file, overwrite=True)
    assert file.read_bytes().startswith(store_backup.SQLITE_MAGIC)


# -- file permissions -------------------------------------------------------------------------


def test_backups_are_written_readable_by_the_owner_only(store, tmp_path):
    with umask(0o022):
        backup(store.url, tmp_path / "kopi.backup")
        backup(store.url, tmp_path / "kopi.backup", overwrite=True)
    assert mode(tmp_path / "kopi.backup") == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_the_database_files_and_the_instance_folder_are_created_private(tmp_path):
    instance = tmp_path / "instance"
    url = f"sqlite:///{instance / 'boligtildeling.sqlite3'}"
    with umask(0o022):
        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql("CREATE TABLE t (x)")
                connection.exec_driver_sql("INSERT INTO t VALUES (1)")
                connection.commit()
                files = {p.name: mode(p) for p in instance.iterdir()}
        finally:
            engine.dispose()
    assert mode(instance) == 0o700
    assert files == {"boligtildeling.sqlite3": 0o600, "boligtildeling.sqlite3-wal": 0o600,
                     "boligtildeling.sqlite3-shm": 0o600}


def test_a_restored_sqlite_database_is_private(world, tmp_path):
    backup(world.url, tmp_path / "kopi.backup")
    with umask(0o022):
        restore(f"sqlite:///{tmp_path / 'ny' / 'boligtildeling.sqlite3'}", tmp_path / "kopi.backup")
    assert mode(tmp_path / "ny") == 0o700
    assert {p.name: mode(p) for p in (tmp_path / "ny").iterdir()} == {"boligtildeling.sqlite3": 0o600}


def test_wider_permissions_are_tightened_at_start_with_a_log_line_naming_no_path(tmp_path, caplog):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    os.chmod(instance, 0o755)
    for name in ("boligtildeling.sqlite3", "boligtildeling.sqlite3-wal"):
        (instance / name).touch()
        os.chmod(instance / name, 0o644)

    with caplog.at_level(logging.WARNING, logger="service.store.database"):
        make_engine(f"sqlite:///{instance / 'boligtildeling.sqlite3'}").dispose()

    assert mode(instance) == 0o700
    assert mode(instance / "boligtildeling.sqlite3") == mode(instance / "boligtildeling.sqlite3-wal") == 0o600
    assert caplog.messages == [
        "Tilgangen til instansmappen var 0755; strammet inn til 0700 (bare eieren).",
        "Tilgangen til databasefilen boligtildeling.sqlite3 var 0644; strammet inn til 0600 (bare eieren).",
        "Tilgangen til databasefilen boligtildeling.sqlite3-wal var 0644; strammet inn til 0600 (bare eieren)."]
    assert not any(str(tmp_path) in m for m in caplog.messages)


def test_the_folder_of_a_database_url_of_ones_own_is_left_as_it_is(tmp_path):
    os.chmod(tmp_path, 0o755)
    make_engine(f"sqlite:///{tmp_path / 'egen.sqlite3'}").dispose()
    assert (mode(tmp_path), mode(tmp_path / "egen.sqlite3")) == (0o755, 0o600)
