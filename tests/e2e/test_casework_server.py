"""The casework over a real socket: a threaded server, 50 clients racing to nominate.

Against a SQLite file always, and against PostgreSQL when TEST_DATABASE_URL is set
(required in CI: without it the test fails instead of skipping, see store_support).
"""

from __future__ import annotations

import threading
import time


from support.http import casework_config, give_logins, http, serve, token_for
from service.web.app import create_app
from service.cli.serve import serving_app
from service.demo import DEMO_PASSWORD, HISTORY
from support.store import LADE_HOME
from support.threads import run_together

THREADS = 50


def race(base: str) -> dict:
    """Report a vacancy, put 50 applicants on Midtbyen's list, then 50 threads nominate at once."""
    consultant, caseworker = token_for("konsulent.anne"), token_for("hvk.midtbyen")
    status, units = http("GET", base + "/api/v1/units", token=consultant)
    home = next(h["id"] for u in units for h in u["homes"] if h["address"] == LADE_HOME)
    status, vacancy = http("POST", base + "/api/v1/vacancies", {"home_id": home, "vacated_on": "2026-11-14",
                                                                 "monthly_rent": 9400}, token=consultant)
    assert status == 201, vacancy
    ids = []
    for i in range(THREADS):
        status, applicant = http("POST", base + "/api/v1/applicants", {
            "code": f"K-RACE-{i:02d}", "name": f"Søker {i}", "birth_date": "1990-01-01",
            "application_received": "2026-01-01", "target_groups": ["utviklingshemming"]}, token=caseworker)
        assert status == 201, applicant
        ids.append(applicant["id"])
    barrier = threading.Barrier(THREADS)
    answers: list = [None] * THREADS
    url = f"{base}/api/v1/vacancies/{vacancy['id']}/nominate"

    def attempt(i: int) -> None:
        barrier.wait()
        answers[i] = http("POST", url, {"applicant_id": ids[i]}, token=caseworker)

    started = time.perf_counter()
    run_together(attempt, THREADS)
    elapsed = time.perf_counter() - started
    status, detail = http("GET", f"{base}/api/v1/vacancies/{vacancy['id']}", token=consultant)
    return {"answers": answers, "detail": detail, "elapsed": elapsed}


def assert_exactly_one(result: dict) -> None:
    statuses = sorted(status for status, _ in result["answers"])
    assert statuses == [201] + [409] * (THREADS - 1), statuses
    refused = [body for status, body in result["answers"] if status == 409]
    assert all("allerede en aktiv nominasjon" in body["feil"] for body in refused)
    active = [n for n in result["detail"]["nominations"] if n["status"] == "active"]
    assert len(active) == 1 and active[0]["welfare_office"] == "Midtbyen"
    print(f"\n{THREADS} samtidige nominasjoner: 1 x 201, {THREADS - 1} x 409 på {result['elapsed']:.2f} s")


def test_fifty_concurrent_nominations_over_http_leave_one_active_on_a_sqlite_file(casework_app):
    base, stop = serve(casework_app)
    try:
        assert_exactly_one(race(base))
    finally:
        stop()


def test_fifty_concurrent_nominations_over_http_leave_one_active_on_postgresql(postgres_world, tmp_path, clock):
    give_logins(postgres_world.url)
    app = create_app({**casework_config(tmp_path, postgres_world.url, clock),
                      "DATABASE_ENGINE_OPTIONS": {"pool_size": THREADS + 5, "max_overflow": 0}})
    base, stop = serve(app)
    try:
        assert_exactly_one(race(base))
    finally:
        stop()
        app.extensions["boligtildeling.store"].engine.dispose()


def test_serve_starts_an_empty_database_with_the_demo_and_the_overview_lists_its_vacancies(tmp_path):
    app = serving_app(demo=None, config={
        "TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'instance' / 'boligtildeling.sqlite3'}"})
    try:
        assert app.config["DEMO_DATA"] is False  # a DATABASE_URL given: no demo unless asked for
    finally:
        app.extensions["boligtildeling.store"].engine.dispose()
    app = serving_app(demo=True, config={
        "TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"})
    try:
        assert app.extensions["boligtildeling.store"].seeded_demo is True
        secret = tmp_path / "instance" / "secret_key"
        assert secret.exists() and secret.stat().st_mode & 0o077 == 0  # generated, owner only
        client = app.test_client()
        login = client.post("/api/v1/login", json={"username": "hvk.midtbyen", "password": DEMO_PASSWORD})
        assert login.status_code == 200
        overview = client.get("/api/v1/vacancies").get_json()
        assert [v["reference"] for v in overview] == ["LB-2026-041", "LB-2026-063"]
        assert client.post("/api/v1/logout", headers={"X-CSRF-Token": login.get_json()["csrf_token"]}
                           ).status_code == 200
        client.post("/api/v1/login", json={"username": "konsulent.anne", "password": DEMO_PASSWORD})
        every = client.get("/api/v1/vacancies?stage=all").get_json()
        assert sorted(v["reference"] for v in every if v["stage"] != "moved_in") == ["LB-2026-041", "LB-2026-057",
                                                                                    "LB-2026-063"]
        assert sorted(v["reference"] for v in every if v["stage"] == "moved_in") == sorted(
            ["LB-2026-030", *(past.reference for past in HISTORY)])  # and the history behind the key figures
    finally:
        app.extensions["boligtildeling.store"].engine.dispose()
    again = serving_app(demo=True, config={"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"),
                                           "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"})
    try:
        assert again.extensions["boligtildeling.store"].seeded_demo is False  # only an empty database
        assert again.config["SECRET_KEY"] == app.config["SECRET_KEY"]  # the stored key is reused
    finally:
        again.extensions["boligtildeling.store"].engine.dispose()
