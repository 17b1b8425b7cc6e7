"""How much `boligtildeling serve` answers over real sockets: requests per second and latency at 1 and 50 clients.

    .venv/bin/python benchmarks/load_benchmark.py                       # gunicorn, as `serve` starts it
    .venv/bin/python benchmarks/load_benchmark.py --dev                 # Flask's development server, to compare
    .venv/bin/python benchmarks/load_benchmark.py --workers 3 --threads 2
    .venv/bin/python benchmarks/load_benchmark.py --profile             # also cProfile of the rank request

The server is started as `serve` is, on a free 127.0.0.1 port with the demo data in a
temporary instance folder, and stopped with SIGTERM at the end. Two requests:

    rank   POST /api/v1/rank?as_of=2026-11-28 with examples/sak-1-lade.yaml (four nominees) as JSON
    page   GET /ledige-boliger/2 (four nominations) as konsulent.anne, logged in through the API

Each is sent by 1 client and by 50 clients at once, each client a thread with its own
keep-alive connection (a plain socket; `Connection` says why not http.client),
sending its next request when the last one is answered. A run stops after a fixed
number of requests or a few seconds, whichever comes first, so the whole benchmark
takes well under a minute. Printed: requests, errors (anything but 200), requests
per second, p50/p95/p99 latency in ms, and the CPU time per request spent by the
server's processes (Linux: /proc) and by the clients (this process).

The clients run on the same machine and share its cores with the server: the
figures are what this machine does end to end, not the server alone. Requests per
second and latency also move with whatever else the machine is doing (the load
average is printed); the CPU times per request hardly do, so compare those
between runs, and divide the cores by their sum for what the machine could do at most.
Target (issue 11): at least 1,500 rank requests/s with p99 at most 50 ms at 50 clients.

--profile calls the WSGI app with the same request in this process (no socket, no
server, no test client), first timed alone, then 200 times under cProfile to even
out the clock, and prints the top functions by own time and by cumulative time.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import http.client
import io
import json
import os
import pstats
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.demo import DEMO_PASSWORD  # noqa: E402

CASE_FILE = ROOT / "examples" / "sak-1-lade.yaml"
RANK_PATH = "/api/v1/rank?as_of=2026-11-28"
PAGE_PATH = "/ledige-boliger/2"
CONSULTANT = "konsulent.anne"
# (clients, at most this many requests, at most this many seconds)
LOADS = [(1, 400, 5.0), (50, 4000, 10.0)]
START_TIMEOUT_S = 60
TARGET_RPS, TARGET_P99_MS = 1500, 50
PROFILE_ROUNDS = 200


def iso_dates(value):
    """YAML dates as ISO strings, the way a client sends them in JSON."""
    if isinstance(value, dict):
        return {k: iso_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [iso_dates(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def rank_body() -> bytes:
    return json.dumps(iso_dates(yaml.safe_load(CASE_FILE.read_text(encoding="utf-8")))).encode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`boligtildeling serve` in a subprocess on its own instance folder."""

    def __init__(self, extra_args: list[str]):
        self.tmp = tempfile.TemporaryDirectory(prefix="load-benchmark-")
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # GUNICORN_CMD_ARGS passes
        env["BOLIGTILDELING_INSTANCE"] = str(Path(self.tmp.name) / "instance")
        env["PYTHONPATH"] = str(ROOT)
        self.log = open(Path(self.tmp.name) / "server.log", "w+b")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "service", "serve", "--port", str(self.port), *extra_args],
            cwd=self.tmp.name, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_until_up(self) -> float:
        started = time.perf_counter()
        while time.perf_counter() - started < START_TIMEOUT_S:
            if self.process.poll() is not None:
                raise SystemExit(f"Tjenesten stoppet ved oppstart:\n{self.output()}")
            try:
                status, _, _ = request(http.client.HTTPConnection("127.0.0.1", self.port, timeout=2),
                                       "GET", "/healthz")
                if status == 200:
                    return time.perf_counter() - started
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit(f"Tjenesten svarte ikke på {START_TIMEOUT_S} s:\n{self.output()}")

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def cpu_seconds(self) -> float | None:
        """CPU time (user + system) used so far by the server and its live workers; None off Linux."""
        if not os.path.isdir("/proc"):
            return None
        total = 0.0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                pid, parent, seconds = _proc_stat(int(entry))
            except OSError:
                continue  # a process that ended while we looked
            if self.process.pid in (pid, parent):
                total += seconds
        return total

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self.log.close()
        self.tmp.cleanup()
        return code


def _proc_stat(pid: int) -> tuple[int, int, float]:
    """(pid, parent pid, CPU seconds) from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat", "rb") as file:
        fields = file.read().rsplit(b")", 1)[1].split()  # after the command name, which may hold spaces
    return pid, int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def request(conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None = None,
            headers: dict | None = None) -> tuple[int, dict, bytes]:
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def log_in(port: int) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    status, headers, data = request(conn, "POST", "/api/v1/login",
                                    json.dumps({"username": CONSULTANT, "password": DEMO_PASSWORD}).encode(),
                                    {"Content-Type": "application/json"})
    conn.close()
    if status != 200:
        raise SystemExit(f"Innlogging feilet: {status} {data[:200]!r}")
    return headers["set-cookie"].split(";", 1)[0]


class Connection:
    """One keep-alive connection that sends a prepared request and reads the answer, and little else.

    http.client parses every header with the email package; at hundreds of answers a
    second that is a good part of a core taken from the server on the same machine.
    This reads the status and Content-Length only (every answer here has one).
    """

    def __init__(self, port: int):
        self.port = port
        self.sock: socket.socket | None = None
        self.pending = b""

    def open(self) -> None:
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.pending = b""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def exchange(self, raw: bytes) -> int:
        if self.sock is None:
            self.open()
        self.sock.sendall(raw)
        data = self.pending
        while (end := data.find(b"\r\n\r\n")) < 0:
            data += self._recv()
        head, data = data[:end].lower(), data[end + 4:]
        status = int(head[9:12])
        marker = head.find(b"\r\ncontent-length:")
        if marker < 0:
            raise http.client.HTTPException("svar uten Content-Length")
        value_end = head.find(b"\r\n", marker + 2)
        length = int(head[marker + len(b"\r\ncontent-length:"):value_end if value_end >= 0 else None])
        while len(data) < length:
            data += self._recv()
        self.pending = data[length:]
        if b"\r\nconnection: close" in head:
            self.close()
        return status

    def _recv(self) -> bytes:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionResetError("tjenesten lukket forbindelsen")
        return chunk


def prepared(method: str, path: str, body: bytes | None, headers: dict) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


def load(port: int, clients: int, max_requests: int, max_seconds: float, method: str, path: str,
         body: bytes | None, headers: dict) -> dict:
    """`clients` threads in a closed loop; latencies of the answered requests, errors, wall time."""
    raw = prepared(method, path, body, headers)
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    tickets = iter(range(max_requests))
    ticket_lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(i: int) -> None:
        conn = Connection(port)
        conn.open()
        barrier.wait()
        mine = latencies[i]
        while time.perf_counter() < deadline[0]:
            with ticket_lock:
                if next(tickets, None) is None:
                    break
            start = time.perf_counter()
            try:
                status = conn.exchange(raw)
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                conn.close()
                continue
            mine.append(time.perf_counter() - start)
            if status != 200:
                errors[i] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    deadline[0] = started + max_seconds
    barrier.wait()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    every = sorted(x for mine in latencies for x in mine)
    return {"clients": clients, "requests": len(every), "errors": sum(errors), "seconds": wall,
            "rps": len(every) / wall if wall else 0.0, "p50": percentile(every, 50),
            "p95": percentile(every, 95), "p99": percentile(every, 99)}


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile in ms (0 for no values)."""
    if not sorted_values:
        return 0.0
    rank = max(1, -(-len(sorted_values) * p // 100))
    return sorted_values[int(rank) - 1] * 1000


def profile_rank() -> str:
    """cProfile of the rank request through the WSGI app itself, in this process (no socket, no server)."""
    from werkzeug.test import EnvironBuilder

    from service.cli.serve import serving_app

    with tempfile.TemporaryDirectory(prefix="load-benchmark-profile-") as tmp:
        app = serving_app(demo=False, config={"INSTANCE_PATH": tmp, "DATABASE_URL": f"sqlite:///{tmp}/p.sqlite3"})
        body = rank_body()

        def environs(n: int) -> list[dict]:  # built before the clock starts: only the app is timed
            return [EnvironBuilder(path=RANK_PATH, method="POST", data=body, content_type="application/json",
                                   base_url="http://127.0.0.1/").get_environ() for _ in range(n)]

        def call(environ: dict) -> None:
            answer = app(environ, lambda status, headers, exc_info=None: None)
            b"".join(answer)
            getattr(answer, "close", lambda: None)()

        for environ in environs(20):  # warm
            call(environ)
        plain, profiled = environs(PROFILE_ROUNDS), environs(PROFILE_ROUNDS)
        started = time.perf_counter()
        for environ in plain:
            call(environ)
        each = (time.perf_counter() - started) / PROFILE_ROUNDS
        profiler = cProfile.Profile()
        profiler.enable()
        for environ in profiled:
            call(environ)
        profiler.disable()
        app.extensions["boligtildeling.store"].engine.dispose()
    out = io.StringIO()
    out.write(f"POST {RANK_PATH} gjennom WSGI-appen i denne prosessen: {each * 1000:.2f} ms per forespørsel "
              f"uten profilering; cProfile over {PROFILE_ROUNDS} forespørsler:\n")
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(15)
    stats.sort_stats("cumulative").print_stats(30)
    return out.getvalue()


def main(argv: list[str]) -> int:
    profile = "--profile" in argv
    server_args = [a for a in argv if a != "--profile"]
    mode = "utviklingsserver (--dev)" if "--dev" in server_args else "gunicorn"
    body = rank_body()
    server = Server(server_args)
    try:
        up = server.wait_until_up()
        cookie = log_in(server.port)
        print(f"Tjeneste: {mode} {' '.join(server_args)}; oppe etter {up:.1f} s; {os.cpu_count()} kjerner; "
              f"belastning (1 min) {os.getloadavg()[0]:.1f}")
        header = (f"{'forespørsel':34} {'klienter':>8} {'antall':>7} {'feil':>5} {'per s':>8} "
                  f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'CPU-ms tjener':>13} {'klient':>7}")
        print(header)
        print("-" * len(header))
        results = {}
        jobs = [("rank", "POST", RANK_PATH, body, {"Content-Type": "application/json"}),
                ("page", "GET", PAGE_PATH, None, {"Cookie": cookie})]
        for name, method, path, payload, headers in jobs:
            for clients, max_requests, max_seconds in LOADS:
                server_before, client_before = server.cpu_seconds(), time.process_time()
                r = load(server.port, clients, max_requests, max_seconds, method, path, payload, headers)
                server_after, client_after = server.cpu_seconds(), time.process_time()
                results[name, clients] = r
                count = r["requests"] or 1
                server_ms = (f"{(server_after - server_before) / count * 1000:>13.2f}"
                             if server_before is not None else f"{'-':>13}")
                print(f"{method + ' ' + path.split('?')[0]:34} {clients:>8} {r['requests']:>7} {r['errors']:>5} "
                      f"{r['rps']:>8.0f} {r['p50']:>7.1f} {r['p95']:>7.1f} {r['p99']:>7.1f} {server_ms} "
                      f"{(client_after - client_before) / count * 1000:>7.2f}", flush=True)
        one, many = results["rank", 1], results["rank", 50]
        print(f"\nrank: 50 klienter gir {many['rps'] / one['rps']:.1f} x forespørslene per sekund med 1 klient")
        met = many["rps"] >= TARGET_RPS and many["p99"] <= TARGET_P99_MS
        print(f"Mål (rank, 50 klienter): >= {TARGET_RPS} per s og p99 <= {TARGET_P99_MS} ms: "
              f"{'nådd' if met else 'IKKE nådd'} ({many['rps']:.0f} per s, p99 {many['p99']:.1f} ms)")
    finally:
        code = server.stop()
    print(f"Tjenesten stoppet med kode {code} (SIGTERM)")
    if profile:
        print("\n" + profile_rank())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
