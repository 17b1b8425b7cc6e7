"""`boligtildeling serve` as an operator starts it: gunicorn, several workers, the demo seeded once.

Each test starts the installed console script in a subprocess on a free port,
with an instance folder of its own (the demo on SQLite, as when DATABASE_URL is not
set), waits until `/healthz` answers, talks to it over a real socket and stops it
with a signal. The wait polls: it ends as soon as the service answers, and gives up
after START_TIMEOUT_S however slow the machine.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from service.demo import DEMO_PASSWORD, DEMO_USERS, HISTORY

SCRIPT = Path(sys.executable).parent / "boligtildeling"
START_TIMEOUT_S = 60  # a cap, not a wait: the polling ends when the service is up
READY = "er klar"  # each gunicorn worker logs "Arbeidsprosess <pid> er klar" once it handles signals
STOP_TIMEOUT_S = 30
DEV_WARNING = "This is a development server"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Served:
    """The command running, with its output in a file (a pipe nobody reads could fill and block it)."""

    def __init__(self, tmp_path: Path, *args: str):
        self.port = free_port()
        self.instance = tmp_path / "instance"
        self.out_path = tmp_path / "serve.out"
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "GUNICORN_CMD_ARGS")}
        env["BOLIGTILDELING_INSTANCE"] = str(self.instance)
        with open(self.out_path, "wb") as out:
            self.process = subprocess.Popen([str(SCRIPT), "serve", "--port", str(self.port), *args],
                                            cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)  # a group of its own, as in a terminal

    def output(self) -> str:
        return self.out_path.read_text(encoding="utf-8", errors="replace")

    def request(self, method: str, path: str, body: dict | None = None, cookie: str | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            headers = {"Content-Type": "application/json"} if body is not None else {}
            if cookie:
                headers["Cookie"] = cookie
            conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            response = conn.getresponse()
            return response.status, response.headers, response.read().decode("utf-8")
        finally:
            conn.close()

    def wait_until_up(self, workers: int) -> None:
        """Until /healthz answers and `workers` workers are ready.

        A worker signalled before it has set up its signal handlers (a few ms after
        it forks) misses the signal, and the master then waits out its 30 s grace.
        """
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"serve stoppet med kode {self.process.returncode}:\n{self.output()}")
            try:
                if self.request("GET", "/healthz")[0] == 200 and self.output().count(READY) >= workers:
                    return
            except OSError:
                pass  # not listening yet
            time.sleep(0.1)
        pytest.fail(f"tjenesten var ikke klar innen {START_TIMEOUT_S} s:\n{self.output()}")

    def log_in(self, username: str) -> str:
        status, headers, body = self.request("POST", "/api/v1/login",
                                             {"username": username, "password": DEMO_PASSWORD})
        assert status == 200, body
        return headers["Set-Cookie"].split(";", 1)[0]

    def stop(self, sig: int) -> int:
        """Send `sig` to the command's process group (Ctrl+C in a terminal reaches every process in it)."""
        if self.process.poll() is None:
            if sig == signal.SIGINT:
                os.killpg(self.process.pid, sig)
            else:
                self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            pytest.fail(f"serve stoppet ikke innen {STOP_TIMEOUT_S} s etter {sig!r}:\n{self.output()}")


@pytest.fixture
def served(tmp_path):
    started = []

    def start(*args: str, workers: int = 0) -> Served:
        server = Served(tmp_path, *args)
        started.append(server)
        server.wait_until_up(workers)
        return server

    yield start
    for server in started:  # a test that failed midway: leave no process behind
        if server.process.poll() is None:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait()


def test_serve_runs_gunicorn_with_two_workers_and_seeds_the_demo_once(served):
    server = served("--workers", "2", "--threads", "2", workers=2)
    status, headers, _ = server.request("GET", "/healthz")
    assert status == 200
    assert "werkzeug" not in headers.get("Server", "").lower()
    assert headers.get("Server", "").startswith("gunicorn")

    cookie = server.log_in("konsulent.anne")
    for _ in range(4):  # keep-alive off here: each request may reach either worker, all share the session key
        status, _, page = server.request("GET", "/ledige-boliger/2", cookie=cookie)
        assert status == 200
        assert "LB-2026-041" in page

    assert server.stop(signal.SIGTERM) == 0
    output = server.output()
    assert DEV_WARNING not in output
    assert f"Boligtildeling kjører på http://127.0.0.1:{server.port}/" in output
    assert "konsulent.anne" in output  # the demo log-ins are printed
    assert output.count("Booting worker with pid") == output.count(READY) == 2
    with sqlite3.connect(server.instance / "boligtildeling.sqlite3") as db:
        users = [name for (name,) in db.execute("SELECT username FROM users ORDER BY username")]
        vacancies = db.execute("SELECT COUNT(*) FROM vacancies").fetchone()[0]
    assert users == sorted(username for username, *_ in DEMO_USERS)  # seeded once, not once per worker
    assert vacancies == 4 + len(HISTORY)  # the four at different steps, and the history of moved-in ones


def test_ctrl_c_stops_the_master_and_its_workers(served):
    server = served("--workers", "2", workers=2)
    assert server.stop(signal.SIGINT) == 0
    with pytest.raises(OSError):  # nothing listens any more: no worker was left behind
        server.request("GET", "/healthz")


def test_serve_dev_still_runs_flasks_development_server(served):
    server = served("--dev")
    status, headers, _ = server.request("GET", "/healthz")
    assert status == 200
    assert headers.get("Server", "").startswith("Werkzeug")
    cookie = server.log_in("konsulent.anne")
    status, _, page = server.request("GET", "/", cookie=cookie)
    assert status == 200 and "Anne Berg" in page
    assert server.stop(signal.SIGTERM) == 0
    assert DEV_WARNING in server.output()
