"""How long each page takes to render on the demo data (target: under 200 ms each).

    .venv/bin/python benchmarks/page_timing.py          # 20 rounds per page
    .venv/bin/python benchmarks/page_timing.py 50       # more rounds

The app runs on a fresh SQLite file filled with the demo (`DEMO_DATA`), its clock fixed
on 28 November 2026. Each page is fetched through Flask's test client as the person
who would use it, logged in through the log-in page; the time is the whole request
(session, casework calls with their audit entries, template). Printed: median and
slowest of the rounds, in milliseconds.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.web.app import create_app  # noqa: E402
from service.casework.context import OSLO  # noqa: E402
from service.demo import DEMO_PASSWORD, DemoClock  # noqa: E402

TARGET_MS = 200

# (who, page, path): the demo's vacancies are 1 (moved in), 2 (four nominations), 3 (objected), 4 (just reported)
PAGES = [
    ("konsulent.anne", "start (konsulent)", "/"),
    ("konsulent.anne", "oversikt over ledige boliger", "/ledige-boliger"),
    ("konsulent.anne", "ledig bolig, innflyttet (LB-2026-030)", "/ledige-boliger/1"),
    ("konsulent.anne", "ledig bolig, fire nominasjoner (LB-2026-041)", "/ledige-boliger/2"),
    ("konsulent.anne", "ledig bolig, rangert og innsigelse (LB-2026-057)", "/ledige-boliger/3"),
    ("konsulent.anne", "tidslinje (LB-2026-030)", "/ledige-boliger/1/tidslinje"),
    ("konsulent.anne", "vedtaksbrev, tildelt", "/ledige-boliger/1/vedtaksbrev/K-1500"),
    ("konsulent.anne", "vedtaksbrev, ikke tildelt", "/ledige-boliger/1/vedtaksbrev/K-1501"),
    ("konsulent.anne", "venteliste (alle kontor)", "/sokere"),
    ("hvk.midtbyen", "start (saksbehandler)", "/"),
    ("hvk.midtbyen", "ledig bolig (saksbehandler, LB-2026-063)", "/ledige-boliger/4"),
    ("hvk.midtbyen", "kandidat med sjekklisteskjema og journal", "/sokere/{K-1504}"),
    ("leder.sverresgate", "ledig bolig (enhetsleder, LB-2026-057)", "/ledige-boliger/3"),
    ("avdelingsleder.siri", "start (avdelingsleder)", "/"),
]


def main(rounds: int) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="page-timing-"))
    app = create_app({"RULES_DIR": str(ROOT / "rules"), "INSTANCE_PATH": str(tmp / "instance"),
                      "DATABASE_URL": f"sqlite:///{tmp / 'demo.sqlite3'}", "SECRET_KEY": "benchmark",
                      "DEMO_DATA": True, "CLOCK": DemoClock(dt.datetime(2026, 11, 28, 10, 0, tzinfo=OSLO))})
    clients = {}
    slow = 0
    print(f"{'side':52} {'median':>8} {'tregeste':>9}")
    for who, name, path in PAGES:
        client = clients.get(who) or clients.setdefault(who, _logged_in(app, who))
        if "{" in path:
            code = re.search(r"\{(.+)\}", path).group(1)
            listing = client.get("/sokere").get_data(as_text=True)
            path = re.sub(r"\{.+\}", re.search(rf'href="/sokere/(\d+)">{code}<', listing).group(1), path)
        client.get(path)  # warm: templates compiled, caches filled
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        median, worst = statistics.median(times), max(times)
        slow += median >= TARGET_MS
        print(f"{name:52} {median:7.1f}  {worst:8.1f}")
    print(f"\nMål: under {TARGET_MS} ms per side (median). {'Alle sidene når målet.' if not slow else f'{slow} sider er for trege.'}")
    app.extensions["boligtildeling.store"].engine.dispose()
    return 1 if slow else 0


def _logged_in(app, username: str):
    client = app.test_client()
    page = client.get("/logg-inn").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/logg-inn", data={"csrf_token": token, "username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20))
