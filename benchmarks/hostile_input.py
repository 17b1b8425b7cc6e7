"""What a hostile request costs the service before it is refused: CPU milliseconds per request.

    .venv/bin/python benchmarks/hostile_input.py

Each body goes to the app in-process (Flask's test client, no network), without a
login where the route needs none (/rank, /login): what anyone who can reach the
service can make it spend. The figure is the best of up to five requests of CPU
time (time.process_time), so another process on the machine does not inflate it;
a body that costs more than a second is sent once. The ordinary Lade case (3 kB of
YAML) is the yardstick. tests/e2e/test_hostile_input.py asserts the refusals
themselves, and that the expensive ones come before any parser runs.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.web.app import create_app  # noqa: E402

DEEP = 10_000
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
BIG_YAML = "kandidater:\n" + "  - id: K-1\n    alder: 30\n" * 5_000  # 125 kB, wide and shallow
CHUNKED = b'{"username": "' + b"a" * (3 * 1024 * 1024) + b'", "password": "x"}'

CASES = [
    ("Lade-saken, YAML (vanlig sak)", "/api/v1/rank", "application/yaml",
     (ROOT / "examples" / "sak-1-lade.yaml").read_bytes()),
    ("YAML, 10 000 nestede [", "/api/v1/rank", "application/yaml", ("[" * DEEP + "]" * DEEP).encode()),
    ("YAML, 10 000 åpne [", "/api/v1/rank", "application/yaml", ("[" * DEEP).encode()),
    ("YAML, '- ' x 10 000 på én linje", "/api/v1/rank", "application/yaml", ("- " * DEEP + "x\n").encode()),
    ("YAML, ankere og aliaser (9^9 noder)", "/api/v1/rank", "application/yaml", LAUGHS.encode()),
    ("YAML, 125 kB bred sak", "/api/v1/rank", "application/yaml", BIG_YAML.encode()),
    ("JSON, 10 000 nestede [", "/api/v1/rank", "application/json", ("[" * DEEP + "]" * DEEP).encode()),
    ("JSON, 10 000 nestede [ til /login", "/api/v1/login", "application/json", ("[" * DEEP + "]" * DEEP).encode()),
    ("JSON, 10 000 nestede { til /login", "/api/v1/login", "application/json",
     ('{"a":' * DEEP + "1" + "}" * DEEP).encode()),
    ("JSON, 2 MB: [16 dypt] x 60 000 til /login", "/api/v1/login", "application/json",
     ("[" + ",".join(["[" * 15 + "]" * 15] * 62_000) + "]").encode()),  # the depth scan's worst case
    ("JSON, 2 MB: 300 000 korte tekster til /login", "/api/v1/login", "application/json",
     ("[" + ",".join(['"ab"'] * 390_000) + "]").encode()),
]


def cpu_ms(client, path: str, content_type: str, body: bytes, chunked: bool = False) -> tuple[float, int]:
    """(best CPU milliseconds, status) over up to five requests."""
    best, status = float("inf"), None
    for _ in range(5):
        start = time.process_time()
        if chunked:
            response = client.post(path, input_stream=io.BytesIO(body), content_type=content_type,
                                   headers={"Transfer-Encoding": "chunked"},
                                   environ_overrides={"wsgi.input_terminated": True})
        else:
            response = client.post(path, data=body, content_type=content_type)
        spent = (time.process_time() - start) * 1000
        best, status = min(best, spent), response.status_code
        if spent > 1000:
            break
    return best, status


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                          "SECRET_KEY": "bench", "RULES_DIR": str(ROOT / "rules")})
        client = app.test_client()
        print(f"{'forespørsel':44} {'status':>6} {'CPU ms':>10}")
        for label, path, content_type, body in CASES:
            ms, status = cpu_ms(client, path, content_type, body)
            print(f"{label:44} {status:>6} {ms:10.1f}")
        ms, status = cpu_ms(client, "/api/v1/login", "application/json", CHUNKED, chunked=True)
        print(f"{'JSON, 3 MB chunked til /login':44} {status:>6} {ms:10.1f}")
        app.extensions["boligtildeling.store"].engine.dispose()


if __name__ == "__main__":
    main()
