"""How much `boligtildeling serve` answers over real sockets: requests per second and latency at 1 and 50 clients.

    .venv/bin/python benchmarks/load_benchmark.py                       # granian, as `serve` starts it
    .venv/bin/python benchmarks/load_benchmark.py --dev                 # Flask's development server, to compare
    .venv/bin/python benchmarks/load_benchmark.py --workers 3 --threads 2
    .venv/bin/python benchmarks/load_benchmark.py --profile             # also cProfile of the rank request
    .venv/bin/python benchmarks/load_benchmark.py --runs 3              # each load three times, for the spread

The server is started as `serve` is, on a free 127.0.0.1 port with the demo data in a
temporary instance folder, and stopped with SIGTERM at the end. Two requests:

    rank   POST /api/v1/rank?as_of=2026-11-28 with examples/sak-1-lade.yaml (four nominees) as JSON
    page   GET /ledige-boliger/2 (four nominations) as konsulent.anne, logged in through the API

Each is sent by 1 client and by 50 clients at once, each client a thread with its own
keep-alive connection (a plain socket; `Connection` says why not http.client),
sending its next request when the last one is answered. A run stops after a fixed
number of requests or a few seconds, whichever comes first, so the whole benchmark
takes well under a minute. Printed: requests, errors (anything but 200; counted by
status or exception on a line below, when there are any), requests per second,
p50/p95/p99 latency in ms, and the CPU time per request spent by the server's
processes (Linux: /proc) and by the clients (this process).

The clients run on the same machine and share its cores with the server: the
figures are what this machine does end to end, not the server alone. Requests per
second and latency also move with whatever else the machine is doing: the column
`andre` is the CPU the machine's other processes used meanwhile (Linux: /proc/stat,
in cores), so a run they disturbed can be told from one they did not. The CPU times
per request move less; divide the cores by their sum for what the machine could do
at most. On a virtual machine they move too, with what the host's other guests do
(the same server took from 1.2 to 1.7 ms of CPU per rank request here with nothing
else running in the guest), so compare configurations in runs close together, and
several of them (--runs, at most MAX_RUNS).
Target (issue 11): at least 1,500 rank requests/s with p99 at most 50 ms at 50 clients.
Measured here (2-core VM, about 20 runs each, interleaved): granian as `serve` starts it
1,040-1,610 per s (median 1,280), p99 52-88 ms; gunicorn before it 810-1,290 per s (median
1,020), p99 68-208 ms; the target was not met in any run, the closest 1,580 per s at 52 ms.
The server's CPU per rank request, 1.2-1.8 ms, is nearly all the app's (--profile):
at its median (1.45 ms, and 0.08 ms in the clients) 2 cores allow about 1,300 per s.

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
from collections import Counter
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
MAX_RUNS = 5  # --runs: each load repeated, for the spread a noisy machine gives


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
        self.software = "?"  # the server's Server header, once it answers
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # BOLIGTILDELING_* pass
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
                status, headers, _ = request(http.client.HTTPConnection("127.0.0.1", self.port, timeout=2),
                                             "GET", "/healthz")
                if status == 200:
                    self.software = headers.get("server", "?")
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


def busy_cpu_seconds() -> float | None:
    """CPU time (all but idle and iowait) the whole machine has used since boot; None off Linux."""
    try:
        with open("/proc/stat", encoding="ascii") as file:
            ticks = [int(x) for x in file.readline().split()[1:]]
    except OSError:
        return None
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


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
    errors = [Counter() for _ in range(clients)]  # by status, or by exception for no answer
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
            except (OSError, http.client.HTTPException) as exc:
                errors[i][type(exc).__name__] += 1
                conn.close()
                continue
            mine.append(time.perf_counter() - start)
            if status != 200:
                errors[i][status] += 1
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
    kinds = sum(errors, Counter())
    return {"clients": clients, "requests": len(every), "errors": sum(kinds.values()), "error_kinds": kinds,
            "seconds": wall,
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
    runs = 1
    if "--runs" in argv:
        at = argv.index("--runs")
        runs = max(1, min(MAX_RUNS, int(argv[at + 1])))
        argv = argv[:at] + argv[at + 2:]
    server_args = [a for a in argv if a != "--profile"]
    body = rank_body()
    server = Server(server_args)
    try:
        up = server.wait_until_up()
        cookie = log_in(server.port)
        print(f"Tjeneste: {server.software} {' '.join(server_args)}; oppe etter {up:.1f} s; {os.cpu_count()} kjerner; "
              f"belastning (1 min) {os.getloadavg()[0]:.1f}")
        header = (f"{'forespørsel':34} {'klienter':>8} {'antall':>7} {'feil':>5} {'per s':>8} "
                  f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'CPU-ms tjener':>13} {'klient':>7} {'andre':>6}")
        print(header)
        print("-" * len(header))
        results: dict = {}
        jobs = [("rank", "POST", RANK_PATH, body, {"Content-Type": "application/json"}),
                ("page", "GET", PAGE_PATH, None, {"Cookie": cookie})]
        for name, method, path, payload, headers in jobs:
            for clients, max_requests, max_seconds in LOADS:
                for _ in range(runs):
                    busy_before = busy_cpu_seconds()
                    server_before, client_before = server.cpu_seconds(), time.process_time()
                    r = load(server.port, clients, max_requests, max_seconds, method, path, payload, headers)
                    server_after, client_after = server.cpu_seconds(), time.process_time()
                    busy_after = busy_cpu_seconds()
                    results.setdefault((name, clients), []).append(r)
                    count = r["requests"] or 1
                    server_ms = (f"{(server_after - server_before) / count * 1000:>13.2f}"
                                 if server_before is not None else f"{'-':>13}")
                    others = "-"
                    if busy_before is not None and server_before is not None:
                        ours = (server_after - server_before) + (client_after - client_before)
                        others = f"{max(0.0, busy_after - busy_before - ours) / r['seconds']:.2f}"
                    print(f"{method + ' ' + path.split('?')[0]:34} {clients:>8} {r['requests']:>7} {r['errors']:>5} "
                          f"{r['rps']:>8.0f} {r['p50']:>7.1f} {r['p95']:>7.1f} {r['p99']:>7.1f} {server_ms} "
                          f"{(client_after - client_before) / count * 1000:>7.2f} {others:>6}", flush=True)
                    if r["errors"]:
                        print(f"{'':34} feil: {dict(r['error_kinds'])}", flush=True)
        one = max(r["rps"] for r in results["rank", 1])
        many = results["rank", 50]
        best = max(r["rps"] for r in many)
        print(f"\nrank: 50 klienter gir {best / one:.1f} x forespørslene per sekund med 1 klient (beste kjøringer)")
        met = sum(r["rps"] >= TARGET_RPS and r["p99"] <= TARGET_P99_MS for r in many)
        print(f"Mål (rank, 50 klienter): >= {TARGET_RPS} per s og p99 <= {TARGET_P99_MS} ms: nådd i {met} av "
              f"{len(many)} kjøringer ({_span(many, 'rps', '.0f')} per s, p99 {_span(many, 'p99', '.1f')} ms)")
        first_error = _first_error(server.output())
        if first_error:  # a 500: what the service logged, so that a run says why
            print("\nFørste feil i tjenestens logg:\n" + first_error)
    finally:
        code = server.stop()
    print(f"Tjenesten stoppet med kode {code} (SIGTERM)")
    if profile:
        print("\n" + profile_rank())
    return 0


def _first_error(log: str) -> str:
    """The log line before the first traceback, and the exceptions it ends in (chained ones too)."""
    lines = log.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("Traceback")), None)
    if start is None:
        return ""
    found = [lines[start - 1]] if start else []
    for line in lines[start + 1:]:
        if line.startswith("["):  # the next log line: the traceback is over
            break
        if line and not line[0].isspace() and not line.startswith(("Traceback", "The above", "During handling")):
            found.append(line)
    return "\n".join(found)


def _span(results: list[dict], key: str, spec: str) -> str:
    low, high = min(r[key] for r in results), max(r[key] for r in results)
    return f"{low:{spec}}" if len(results) == 1 else f"{low:{spec}}-{high:{spec}}"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
