"""Fixtures for the HTTP tests: the app on the real rules/, a test client, a real server."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from service.demo import DemoClock
from service.domain.codes import OSLO
from service.web.app import create_app
from support.http import Api, casework_config, give_logins, serve
from support.store import build_world

ROOT = Path(__file__).resolve().parents[2]
RULES_DIR = ROOT / "rules"


@pytest.fixture
def app(tmp_path):
    """The app on a fresh SQLite file of its own (never the instance folder)."""
    return create_app({"TESTING": True, "RULES_DIR": str(RULES_DIR), "INSTANCE_PATH": str(tmp_path / "instance"),
                       "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite3'}", "SECRET_KEY": "test"})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def live_server(app):
    """The app behind a real threaded HTTP server on a free 127.0.0.1 port; yields its base URL."""
    url, stop = serve(app)
    try:
        yield url
    finally:
        stop()


# -- the casework over HTTP: a store with people, units and waiting lists ---------------------


@pytest.fixture(scope="session")
def casework_template(tmp_path_factory, compiled) -> Path:
    """Migrated, with the demo users (password and token), the Lade and Sverresgate units and applicants."""
    path = tmp_path_factory.mktemp("casework") / "template.sqlite3"
    url = f"sqlite:///{path}"
    build_world(url, compiled)
    give_logins(url)
    return path


@pytest.fixture
def clock():
    """The clock the casework app uses: set it with `clock.at(day, hour)`."""
    return DemoClock(dt.datetime(2026, 11, 16, 8, 0, tzinfo=OSLO))


@pytest.fixture
def casework_app(tmp_path, casework_template, clock):
    path = tmp_path / "casework.sqlite3"
    shutil.copy(casework_template, path)
    app = create_app(casework_config(tmp_path, f"sqlite:///{path}", clock))
    yield app
    app.extensions["boligtildeling.store"].engine.dispose()


@pytest.fixture
def api(casework_app, clock):
    return Api(casework_app.test_client(), clock)


