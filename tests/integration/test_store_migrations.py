"""The schema comes from the migrations only, matches the models, and guards what must not change."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError

from service.store.database import database_url, make_engine
from service.store.migrate import current_revision, head_revision, upgrade
from service.store.models import APPEND_ONLY_TABLES, Base
from service.casework import decisions
from support.store import lade_to_decision, report_lade
from service.casework import commands


def test_upgrade_creates_the_schema_in_a_new_sqlite_file_and_can_run_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'instance' / 'ny.sqlite3'}"
    upgrade(url)
    upgrade(url)  # nothing to do the second time
    engine = make_engine(url)
    try:
        assert current_revision(engine) == head_revision()
        assert set(inspect(engine).get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}
    finally:
        engine.dispose()


def test_the_models_and_the_migrations_agree(world):
    with world.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_the_default_database_is_a_file_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url(tmp_path).endswith(f"{tmp_path}/boligtildeling.sqlite3")
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db/boliger")
    assert database_url(tmp_path) == "postgresql+psycopg://u:p@db/boliger"


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_append_only_tables_refuse_update_and_delete(world, table):
    vacancy_id = lade_to_decision(world)  # a row in every append-only table
    decisions.decline_offer(world.ctx('konsulent.anne'), vacancy_id,
        commands.parse(commands.DeclineOffer, reason_code='boligen'))
    with world.engine.connect() as connection:
        assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar() > 0
    for statement in (f"UPDATE {table} SET {_a_column(world, table)} = {_a_column(world, table)}",
                      f"DELETE FROM {table}"):
        with world.engine.connect() as connection:
            with pytest.raises(DatabaseError, match="kan bare utvides"):
                connection.execute(text(statement))
            connection.rollback()


def _a_column(world, table):
    return inspect(world.engine).get_columns(table)[-1]["name"]


def test_a_home_has_at_most_one_vacancy_in_progress(world):
    vacancy_id = report_lade(world)
    with world.engine.connect() as connection:
        with pytest.raises(DatabaseError, match="UNIQUE"):
            connection.execute(text(
                "INSERT INTO vacancies (home_id, stage, readiness, reported_on, reported_by, created_at, version) "
                "SELECT home_id, 'open', 'vacated', reported_on, reported_by, created_at, 1 FROM vacancies "
                f"WHERE id = {vacancy_id}"))


def _downgrade_and_upgrade(engine) -> None:
    from alembic import command

    from service.store.migrate import alembic_config
    command.downgrade(alembic_config(engine=engine), "0001")
    assert current_revision(engine) == "0001"
    upgrade(engine)


def _nominations(engine) -> list:
    with engine.connect() as connection:
        return connection.execute(text("SELECT id, vacancy_id, status FROM nominations ORDER BY id")).all()


def _assert_migrates_down_and_up_keeping_every_row(w) -> None:
    """0002 rebuilds the nominations table on SQLite: the rows, and the decisions pointing at them, stay."""
    vacancy_id = lade_to_decision(w)
    before = w.snapshot()
    assert any(n[2] == "active" for n in _nominations(w.engine))

    _downgrade_and_upgrade(w.engine)

    assert current_revision(w.engine) == head_revision()
    assert w.snapshot() == before
    if w.engine.dialect.name == "sqlite":
        with w.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    with w.engine.begin() as connection:  # the new status is allowed now
        connection.execute(text("UPDATE nominations SET status = 'not_allocated' WHERE vacancy_id = :v "
                                "AND status = 'active'"), {"v": vacancy_id})
    with pytest.raises(DatabaseError):
        with w.engine.begin() as connection:
            connection.execute(text("UPDATE nominations SET status = 'ukjent' WHERE vacancy_id = :v"),
                               {"v": vacancy_id})


def test_the_not_allocated_migration_keeps_every_row_on_sqlite(world):
    _assert_migrates_down_and_up_keeping_every_row(world)


def test_the_not_allocated_migration_keeps_every_row_on_postgresql(postgres_world):
    _assert_migrates_down_and_up_keeping_every_row(postgres_world)
