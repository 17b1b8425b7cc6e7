"""Alembic environment: run migrations on the engine handed over by `service.store.migrate`."""

from __future__ import annotations

from alembic import context

from service.store.database import make_engine
from service.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    owned = engine is None
    if owned:
        engine = make_engine(config.attributes["database_url"])
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, target_metadata=target_metadata,
                              render_as_batch=connection.dialect.name == "sqlite",
                              transaction_per_migration=True)
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
    finally:
        if owned:
            engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Migreringer kjøres mot en database (upgrade), ikke som SQL-skript.")
run_migrations_online()
