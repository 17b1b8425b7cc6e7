"""Plain helpers for the HTTP tests: log-ins, app config, one request, a real server.

A module of its own (not conftest) so test files can import them unambiguously:
`conftest` is also the name of scenarios/conftest.py.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.error
import urllib.request
from pathlib import Path

from sqlalchemy import select
from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

from service.casework.accounts import hash_token
from service.casework.context import OSLO
from service.store.database import make_engine, make_session_factory
from service.demo import DEMO_PASSWORD
from service.store.models import ApiToken, User
from support.store import LADE_CASEWORKERS, LADE_HOME, LADE_NOMINEES, LADE_REPORT

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"

def token_for(username: str) -> str:
    """The test API token of a user (the test databases hold its hash only)."""
    return f"bt_test_{username}"


def give_logins(url: str) -> None:
    """Every user gets the demo password and a test API token."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            hashed = generate_password_hash(DEMO_PASSWORD)
            now = dt.datetime(2026, 11, 2, 9, 0, tzinfo=OSLO)
            for user in session.scalars(select(User)):
                user.password_hash = hashed
                session.add(ApiToken(user_id=user.id, token_hash=hash_token(token_for(user.username)),
                                     label="test", created_at=now))
            session.commit()
    finally:
        engine.dispose()


def casework_config(tmp_path: Path, database_url: str, clock) -> dict:
    return {"TESTING": True, "RULES_DIR": str(RULES_DIR), "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": database_url, "SECRET_KEY": "test", "CLOCK": clock}


def http(method: str, url: str, body: dict | None = None, token: str | None = None, *,
         raw: bytes | None = None, content_type: str = "application/json") -> tuple[int, dict]:
    """One request over a real socket (urllib, standard library): `body` as JSON, or `raw` bytes."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", content_type)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def serve(app):
    """Start `app` behind a threaded server on a free port: (base URL, stop function)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="casework-server", daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return f"http://127.0.0.1:{server.server_port}", stop


class Api:
    """The casework API as one user or another: `api.post(path, json, as_="hvk.midtbyen")`."""

    def __init__(self, client, clock):
        self.client = client
        self.clock = clock

    @staticmethod
    def headers(username: str | None) -> dict:
        return {"Authorization": f"Bearer {token_for(username)}"} if username else {}

    def at(self, day: str, hour: int = 10, minute: int = 0) -> "Api":
        self.clock.at(dt.date.fromisoformat(day), hour, minute)
        return self

    def get(self, path: str, as_: str | None = None):
        return self.client.get("/api/v1" + path, headers=self.headers(as_))

    def post(self, path: str, body: dict | None = None, as_: str | None = None):
        return self.client.post("/api/v1" + path, json=body if body is not None else {},
                                headers=self.headers(as_))

    def ok(self, method: str, path: str, body: dict | None = None, as_: str | None = None, status=None):
        """The JSON answer; fails the test on an unexpected status."""
        response = self.post(path, body, as_) if method == "POST" else self.get(path, as_)
        expected = status or ((200, 201) if method == "POST" else (200,))
        expected = expected if isinstance(expected, tuple) else (expected,)
        assert response.status_code in expected, (method, path, response.status_code, response.get_json())
        return response.get_json()

    def applicant_id(self, code: str) -> int:
        """Look an applicant up on the waiting list, as the allocation team."""
        rows = self.ok("GET", "/applicants", as_="konsulent.anne")
        return next(a["id"] for a in rows if a["code"] == code)


# -- the Lade case over HTTP (its data: support/store.py) -------------------------------------

def home_id(api: Api, address: str) -> int:
    units = api.ok("GET", "/units", as_="konsulent.anne")
    return next(h["id"] for u in units for h in u["homes"] if h["address"] == address)


def report_lade(api: Api) -> int:
    api.at("2026-11-16", 8, 15)
    vacancy = api.ok("POST", "/vacancies", {**LADE_REPORT, "home_id": home_id(api, LADE_HOME)},
                     as_="leder.lade", status=201)
    return vacancy["id"]


def nominate_all(api: Api, vacancy_id: int) -> dict:
    """Each office's caseworker nominates its Lade nominee, a day apart; the nominations by candidate."""
    ids = {code: api.applicant_id(code) for code in LADE_NOMINEES}
    out = {}
    for i, (caseworker, code) in enumerate(zip(LADE_CASEWORKERS, LADE_NOMINEES)):
        api.at(f"2026-11-{18 + i}", 11)
        out[code] = api.ok("POST", f"/vacancies/{vacancy_id}/nominate", {"applicant_id": ids[code]},
                           as_=caseworker, status=201)
    return out


def recommend_and_approve(api: Api, vacancy_id: int) -> dict:
    api.at("2026-11-28", 9)
    rec = api.ok("POST", f"/vacancies/{vacancy_id}/make-recommendation", as_="konsulent.anne", status=201)
    api.at("2026-11-28", 14)
    api.ok("POST", f"/vacancies/{vacancy_id}/approve-recommendation",
           {"recommendation_id": rec["id"], "note": "Gjennomgått."}, as_="konsulent.jonas")
    return rec


def world_with_logins(tmp_path: Path, rules_dir: Path, name: str = "world.sqlite3"):
    """A test world (support.store.World) on a SQLite file of its own, built under the rules in
    `rules_dir` (a copy policy staff edited), every user with the demo password and a test token."""
    from engine import CompiledRules, load_rules
    from support.store import World, build_world

    url = f"sqlite:///{tmp_path / name}"
    compiled = CompiledRules(load_rules(rules_dir))
    build_world(url, compiled)
    give_logins(url)
    return World(url, compiled)
