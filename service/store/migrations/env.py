"""Alembic environment: run migrations on the engine handed over by `service.store.migrate`."""

from __future__ import annotations

from alembic import context

from service.store.database import make_engine
from service.store.models import Base

config = context.config
target_metadata = Base.metadata


def _sqlite_foreign_keys(connection, on: bool) -> None:
    """SQLite reads this pragma only outside a transaction: set it on the driver's connection."""
    connection.commit()
    connection.connection.driver_connection.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    owned = engine is None
    if owned:
        engine = make_engine(config.attributes["database_url"])
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                _sqlite_foreign_keys(connection, False)  # a table rebuild must not touch the rows that point at it
            try:
                context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=sqlite,
                                  transaction_per_migration=True)
                with context.begin_transaction():
                    context.run_migrations()
                connection.commit()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    connection.commit()
                    if broken:
                        raise RuntimeError(f"migreringen etterlot ugyldige fremmednøkler: {broken[:5]}")
            finally:
                if sqlite:
                    _sqlite_foreign_keys(connection, True)
    finally:
        if owned:
            engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Migreringer kjøres mot en database (upgrade), ikke som SQL-skript.")
run_migrations_online()
