"""Fixtures for the HTTP tests: the app on the real rules/, a test client, a real server."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from service.app import create_app

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
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
