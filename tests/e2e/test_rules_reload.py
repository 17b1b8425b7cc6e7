"""Safe reload: the running service picks up changed rules; a broken folder is refused and the old one serves on."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path


from casework_support import http, serve
from engine import load_rules
from service.web.app import create_app
from service.web.rules import rules_holder

ROOT = Path(__file__).resolve().parents[2]
LADE = ROOT / "examples" / "sak-1-lade.yaml"


def make_version(base: Path, target: Path, label: str, broken: bool = False) -> None:
    shutil.copytree(base, target)
    for path in target.glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace('"2026.1-eksempel"', f'"{label}"'), encoding="utf-8")
    if broken:
        path = target / "egnethet.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("felt: bolig.heis", "felt: bolig.heiss", 1),
                        encoding="utf-8")


def point_at(link: Path, target: Path) -> None:
    """Publish a rules folder the safe way: a new symlink renamed over the old one (atomic)."""
    tmp = link.with_name(link.name + ".ny")
    os.symlink(target, tmp)
    os.replace(tmp, link)


def post_rank(url: str, body: bytes) -> tuple[int, dict]:
    return http("POST", f"{url}/api/v1/rank?as_of=2026-11-28", raw=body, content_type="application/yaml")


def test_swapping_rules_20_times_under_load_fails_no_request_and_stamps_every_answer(tmp_path):
    rules = ROOT / "rules"
    valid = {}
    for label in ("v1", "v2"):
        make_version(rules, tmp_path / label, label)
    make_version(rules, tmp_path / "broken", "v3", broken=True)
    link = tmp_path / "gjeldende"
    point_at(link, tmp_path / "v1")
    app = create_app({"TESTING": True, "RULES_DIR": str(link), "RULES_CHECK_SECONDS": 0,
                      "INSTANCE_PATH": str(tmp_path / "instance")})
    with app.app_context():
        holder = rules_holder()
    for label in ("v1", "v2"):
        valid[load_rules(tmp_path / label).content_hash] = label
    url, stop = serve(app)
    body = LADE.read_bytes()
    answers, failures = [], []
    done = threading.Event()

    def load():
        while not done.is_set():
            status, answer = post_rank(url, body)
            (answers if status == 200 else failures).append((status, answer))

    workers = [threading.Thread(target=load) for _ in range(4)]
    try:
        for w in workers:
            w.start()
        sequence = ["broken", "v2", "broken", "v1"] * 5  # 20 swaps, alternating valid and broken
        refused = 0
        for name in sequence:
            point_at(link, tmp_path / name)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:  # wait until the service has seen this state
                status, answer = post_rank(url, body)
                (answers if status == 200 else failures).append((status, answer))
                if name == "broken" and holder.refused is not None:
                    refused += 1
                    break
                if name != "broken" and holder.refused is None and \
                        valid.get(answer.get("rules_version", {}).get("content_hash")) == name:
                    break
            else:
                raise AssertionError(f"the service never picked up {name}")
    finally:
        done.set()
        for w in workers:
            w.join()
        stop()

    assert failures == []
    assert refused == 10
    assert len(answers) > 40
    stamps = {a["rules_version"]["content_hash"] for _, a in answers}
    assert stamps <= set(valid), "every answer names one of the valid versions"
    assert {valid[h] for h in stamps} == {"v1", "v2"}
    assert holder.reloads >= 10


def test_the_status_shows_a_refused_reload_with_file_and_line_and_the_version_still_served(tmp_path):
    make_version(ROOT / "rules", tmp_path / "regler", "v1")
    app = create_app({"TESTING": True, "RULES_DIR": str(tmp_path / "regler"), "RULES_CHECK_SECONDS": 0,
                      "INSTANCE_PATH": str(tmp_path / "instance")})
    client = app.test_client()
    first = client.get("/api/v1/rules/status").get_json()
    assert [v["label"] for v in first["versions"]] == ["v1"] and first["refused_reload"] is None

    path = tmp_path / "regler" / "egnethet.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("felt: bolig.heis", "felt: bolig.heiss", 1),
                    encoding="utf-8")
    status = client.get("/api/v1/rules/status").get_json()

    assert status["versions"] == first["versions"]
    assert any("egnethet.yaml:" in p and "bolig.heiss" in p for p in status["refused_reload"]["problems"])
    ranked = client.post("/api/v1/rank?as_of=2026-11-28", data=LADE.read_bytes(), content_type="application/yaml")
    assert ranked.status_code == 200
    assert ranked.get_json()["rules_version"]["label"] == "v1"
