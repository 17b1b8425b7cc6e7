"""The store in the app: one engine per app, migrated at start-up, one session per request.

    DATABASE_URL   default: $DATABASE_URL, else a SQLite file in the app's instance folder
                   (created on first run)
    DEMO_DATA      seed the demo (users for every role, units, waiting lists, vacancies)
                   when the database has no users yet; off by default
    CLOCK          a callable giving an aware datetime (tests set it); default: the system clock

Request handlers call `db_session()`; the session is closed when the request ends.
"""

from __future__ import annotations

import os

from flask import Flask, current_app, g
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.store.database import database_url, make_engine, make_session_factory, normalise_url
from service.demo import seed_demo
from service.store.migrate import upgrade

EXTENSION_KEY = "boligtildeling.store"


class Store:
    def __init__(self, engine: Engine, sessions: sessionmaker[Session]):
        self.engine = engine
        self.sessions = sessions
        self.seeded_demo = False


def configured_url(app: Flask) -> str:
    url = app.config.get("DATABASE_URL") or os.environ.get("DATABASE_URL")
    return normalise_url(url) if url else database_url(app.instance_path)


def init_app(app: Flask, rules) -> Store:
    url = configured_url(app)
    app.config["DATABASE_URL"] = url
    engine = make_engine(url, **app.config.get("DATABASE_ENGINE_OPTIONS", {}))
    upgrade(engine)
    store = Store(engine, make_session_factory(engine))
    app.extensions[EXTENSION_KEY] = store
    if app.config.get("DEMO_DATA"):
        with store.sessions() as session:
            store.seeded_demo = seed_demo(session, rules)
    app.teardown_appcontext(_close_session)
    return store


def store() -> Store:
    return current_app.extensions[EXTENSION_KEY]


def db_session() -> Session:
    """The session of this request (opened on first use)."""
    if "db_session" not in g:
        g.db_session = store().sessions()
    return g.db_session


def _close_session(_exc=None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
