"""Schema changes through Alembic migrations only: `upgrade(database_url)` runs `alembic upgrade head`.

The migrations live in `service/store/migrations/`; there is no alembic.ini to
keep in step: the configuration is built here, so the app, the CLI and the
tests all migrate the same way. A plain install carries the folder as package
data (pyproject.toml: env.py, versions/*.py and script.py.mako), so the path
below holds there too; if a packaging mistake left it out, starting says so
instead of failing inside Alembic.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from engine.errors import BoligtildelingError
from service.store.database import make_engine, normalise_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str | None = None, engine: Engine | None = None) -> Config:
    if not (MIGRATIONS_DIR / "env.py").is_file():
        raise BoligtildelingError(f"Databasemigreringene mangler i installasjonen (fant ikke "
                                  f"{MIGRATIONS_DIR / 'env.py'}). Installer pakken på nytt.")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.attributes["engine"] = engine
    if database_url is not None:
        config.attributes["database_url"] = normalise_url(database_url)
    return config


def upgrade(database_url: str | Engine, revision: str = "head") -> None:
    """Bring the database at `database_url` (or an Engine) up to `revision` (default: the newest)."""
    if isinstance(database_url, Engine):
        command.upgrade(alembic_config(engine=database_url), revision)
        return
    engine = make_engine(database_url)
    try:
        command.upgrade(alembic_config(engine=engine), revision)
    finally:
        engine.dispose()


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
