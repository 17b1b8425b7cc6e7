"""`boligtildeling serve` as an operator starts it: granian, several workers, the demo seeded once.

Each test starts the installed console script in a subprocess on a free port,
with an instance folder of its own (the demo on SQLite, as when DATABASE_URL is not
set), waits until `/healthz` answers, talks to it over a real socket and stops it
with a signal. The wait polls: it ends as soon as the service answers, and gives up
after START_TIMEOUT_S however slow the machine; so do the waits for a log line.
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
ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60  # a cap, not a wait: the polling ends when the service is up
READY = "Started worker-"  # granian's line once a worker handles signals and serves
STOP_TIMEOUT_S = 25  # under server.GRACE_S: a SIGINT that waited out the grace period fails the test
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
        it forks) would stop without its grace, or with a traceback (SIGINT).
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

    def wait_for_output(self, text: str, count: int = 1) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while self.output().count(text) < count:
            if time.monotonic() > deadline:
                pytest.fail(f"{text!r} kom ikke {count} ganger innen {START_TIMEOUT_S} s:\n{self.output()}")
            time.sleep(0.05)

    def workers(self) -> list[int]:
        return _children(self.process.pid)

    def log_in(self, username: str) -> str:
        status, headers, body = self.request("POST", "/api/v1/login",
                                             {"username": username, "password": DEMO_PASSWORD})
        assert status == 200, body
        return headers["Set-Cookie"].split(";", 1)[0]

    def stop(self, sig: int) -> int:
        """Send `sig`: SIGINT to the command's process group (Ctrl+C in a terminal reaches every process in it)."""
        if self.process.poll() is None:
            if sig == signal.SIGINT:
                os.killpg(self.process.pid, sig)
            else:
                self.process.send_signal(sig)
        return self.wait_stopped(sig)

    def wait_stopped(self, sig: int) -> int:
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


def test_serve_runs_granian_with_two_workers_and_seeds_the_demo_once(served):
    server = served("--workers", "2", "--threads", "2", workers=2)
    status, headers, _ = server.request("GET", "/healthz")
    assert status == 200
    assert headers.get("Server") == "granian"  # and no version

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
    assert output.count("Spawning worker-") == output.count(READY) == 2
    assert "[INFO] _granian: Starting granian" in output  # granian's lines in the service's format, on stderr
    assert "granian.access" not in output  # no access log unless asked for: the paths name cases and applicants
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


def test_the_access_log_is_there_when_asked_for(served):
    server = served("--workers", "1", "--access-log", workers=1)
    assert server.request("GET", "/healthz")[0] == 200
    assert server.stop(signal.SIGTERM) == 0
    assert '] [INFO] granian.access: 127.0.0.1 "GET /healthz HTTP/1.1" 200 ' in server.output()


def test_each_worker_listens_on_a_socket_of_its_own(served):
    """SO_REUSEPORT: the kernel spreads new connections over the workers' sockets. With one shared
    socket whichever worker woke first took what came, and a keep-alive client stays where it landed."""
    if not Path("/proc/net/tcp").exists():
        pytest.skip("reads the sockets of each process from /proc (Linux)")
    server = served("--workers", "2", workers=2)
    workers = server.workers()
    assert len(workers) == 2
    listening = {pid: _sockets(pid, server.port, LISTEN) for pid in [server.process.pid, *workers]}
    assert listening[server.process.pid] == set()  # the master accepts nothing
    assert all(len(listening[pid]) == 1 for pid in workers)
    assert len(set().union(*listening.values())) == 2  # two sockets, not one inherited by both
    assert server.stop(signal.SIGTERM) == 0


def test_a_worker_that_dies_is_replaced(served):
    server = served("--workers", "2", workers=2)
    victim = server.workers()[0]
    os.kill(victim, signal.SIGKILL)
    server.wait_for_output(READY, count=3)
    assert victim not in server.workers() and len(server.workers()) == 2
    cookie = server.log_in("konsulent.anne")
    for _ in range(4):  # each on a new connection, to either worker
        assert server.request("GET", "/ledige-boliger/2", cookie=cookie)[0] == 200
    assert server.stop(signal.SIGTERM) == 0


def test_sigterm_lets_a_running_request_finish(served):
    """The request is under way (its body half sent) when the workers are told to stop."""
    server = served("--workers", "2", workers=2)
    body = (ROOT / "examples" / "sak-1-lade.yaml").read_bytes()
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as conn:
        conn.sendall(b"POST /api/v1/rank?as_of=2026-11-28 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/yaml\r\nContent-Length: %d\r\n\r\n" % len(body)
                     + body[:len(body) // 2])
        server.process.send_signal(signal.SIGTERM)
        server.wait_for_output("Stopping worker-", count=2)
        conn.sendall(body[len(body) // 2:])
        answer = _read_answer(conn)
    assert answer.startswith(b"HTTP/1.1 200 ")
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["vacancy_id"]
    assert server.wait_stopped(signal.SIGTERM) == 0


def test_ctrl_c_does_not_wait_for_a_running_request(served):
    server = served("--workers", "2", workers=2)
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as conn:
        conn.sendall(b"POST /api/v1/rank HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")  # the rest never comes
        assert server.stop(signal.SIGINT) == 0  # within STOP_TIMEOUT_S, less than the grace SIGTERM gives


LISTEN = "0A"  # /proc/net/tcp state


def _read_answer(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        data += conn.recv(65536)
    head = data.split(b"\r\n\r\n", 1)[0].lower()
    length = int(head.split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
    while len(data) - len(head) - 4 < length:
        chunk = conn.recv(65536)
        assert chunk, "the connection closed before the answer was whole"
        data += chunk
    return data


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as stat:
                    if int(stat.read().rsplit(b")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except OSError:
                pass  # ended while we looked
    return found


def _sockets(pid: int, port: int, state: str) -> set[str]:
    """The inodes of the TCP sockets on local `port` in `state` that process `pid` holds open."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = set()
    with open("/proc/net/tcp", encoding="ascii") as table:
        for line in table.readlines()[1:]:
            fields = line.split()
            if fields[9] in inodes and fields[3] == state and int(fields[1].split(":")[1], 16) == port:
                found.add(fields[9])
    return found
