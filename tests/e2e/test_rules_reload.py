"""Safe reload: the running service picks up changed rules; a broken folder is refused and the old one serves on.

No test here waits on the wall clock. The holder numbers its checks, and a
request with RULES_CHECK_SECONDS=0 checks before it is answered, so once a
request that began after a change has been answered, the change has been seen.
Where a reload must be caught in the middle, the holder's build is gated by an
event the test opens, so which version each request is served with follows
from the order of the steps, not from how fast the machine is.
`HANG_GUARD` only turns a hang into a failure; nothing passes or fails on speed.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from support.http import http, serve
from engine import load_rules
from service.casework.accounts import bootstrap_admin
from service.rules_holder import Outcome, RulesHolder
from service.web.app import create_app
from service.web.rules import rules_holder

ROOT = Path(__file__).resolve().parents[2]
LADE = ROOT / "examples" / "sak-1-lade.yaml"
HANG_GUARD = 120  # seconds; far beyond any run, so reaching it means something is stuck
DURING = 4  # requests answered while a reload is under way
AFTER = 4  # requests answered once it has ended


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


class GatedBuild:
    """Holds the holder's next build open until the test lets it finish.

    While it is held, the check that started it keeps the reload lock, so the
    requests sent meanwhile are answered from the library already served:
    exactly the situation of a reload under load, made to last as long as the
    test needs instead of the few milliseconds a compile takes.
    """

    def __init__(self, holder: RulesHolder):
        self.real = holder._build
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self, folder):
        self.started.set()
        assert self.release.wait(HANG_GUARD), "the test never released the build"
        return self.real(folder)

    def arm(self) -> None:
        self.started.clear()
        self.release.clear()


def test_swapping_rules_20_times_under_load_fails_no_request_and_stamps_every_answer(tmp_path, monkeypatch):
    rules = ROOT / "rules"
    for label in ("v1", "v2"):
        make_version(rules, tmp_path / label, label)
    make_version(rules, tmp_path / "broken", "v3", broken=True)
    link = tmp_path / "gjeldende"
    point_at(link, tmp_path / "v1")
    app = create_app({"TESTING": True, "RULES_DIR": str(link), "RULES_CHECK_SECONDS": 0,
                      "INSTANCE_PATH": str(tmp_path / "instance")})
    with app.app_context():
        holder = rules_holder()
    gate = GatedBuild(holder)
    monkeypatch.setattr(holder, "_build", gate)
    valid = {load_rules(tmp_path / label).content_hash: label for label in ("v1", "v2")}
    url, stop = serve(app)
    body = LADE.read_bytes()
    answers, expected, refusals = [], [], []

    def answered(batch: list[tuple[int, dict]], stamp: str) -> None:
        answers.extend(batch)
        expected.extend([(200, stamp)] * len(batch))

    def swap_to(name: str, served: str, pool: ThreadPoolExecutor) -> str:
        """One swap, seen by the service: the label served afterwards."""
        gate.arm()
        point_at(link, tmp_path / name)
        began = holder.checks_begun
        # The one request in flight takes the free reload lock, sees the change and
        # builds; the build is held open, the lock with it.
        first = pool.submit(post_rank, url, body)
        assert gate.started.wait(HANG_GUARD), f"no request began a check after the swap to {name}"
        # Meanwhile every request is answered at once, from the library already served:
        # none waits for the reload, none fails, none sees a library half built.
        answered(list(pool.map(lambda _: post_rank(url, body), range(DURING))), served)
        gate.release.set()
        now_served = served if name == "broken" else name
        answered([first.result(HANG_GUARD)], now_served)

        seen = holder.wait_for_check(after=began, timeout=0)  # already ended: the first request saw to it
        assert seen is not None and seen.number == began + 1, "exactly one check ran during the reload"
        if name == "broken":
            assert seen.outcome is Outcome.REFUSED
            assert holder.refused is not None and all(holder.refused is not r for r in refusals)
            refusals.append(holder.refused)
        else:
            assert seen.outcome is Outcome.RELOADED and holder.refused is None
        answered(list(pool.map(lambda _: post_rank(url, body), range(AFTER))), now_served)
        assert holder.check().outcome is Outcome.UNCHANGED, "nothing left unseen after the swap"
        return now_served

    sequence = ["broken", "v2", "broken", "v1"] * 5  # 20 swaps, alternating valid and broken
    served = "v1"
    try:
        with ThreadPoolExecutor(max_workers=DURING + 1) as pool:
            try:
                for name in sequence:
                    served = swap_to(name, served, pool)
            finally:
                gate.release.set()  # before the pool waits for a request held at the gate
    finally:
        stop()

    failures = [(status, answer) for status, answer in answers if status != 200]
    assert failures == []
    assert len(answers) == len(sequence) * (DURING + 1 + AFTER), "every request was answered"
    stamps = [(status, valid.get(answer.get("rules_version", {}).get("content_hash"))) for status, answer in answers]
    assert stamps == expected, "every answer names the version in force when it was served"
    assert {label for _, label in stamps} == {"v1", "v2"}
    assert len(refusals) == 10
    assert holder.reloads == 10


def _logged_in(app):
    """A client logged in as the first administrator of the app's empty database."""
    with app.extensions["boligtildeling.store"].sessions() as session:
        bootstrap_admin(session, "admin", "et-langt-passord")
    client = app.test_client()
    assert client.post("/api/v1/login", json={"username": "admin", "password": "et-langt-passord"}).status_code == 200
    return client


def test_the_status_shows_a_refused_reload_with_file_and_line_and_the_version_still_served(tmp_path):
    make_version(ROOT / "rules", tmp_path / "regler", "v1")
    app = create_app({"TESTING": True, "RULES_DIR": str(tmp_path / "regler"), "RULES_CHECK_SECONDS": 0,
                      "INSTANCE_PATH": str(tmp_path / "instance")})
    assert app.test_client().get("/api/v1/rules/status").status_code == 401  # it names files: logged in only
    client = _logged_in(app)
    first = client.get("/api/v1/rules/status").get_json()
    assert [v["label"] for v in first["versions"]] == ["v1"] and first["refused_reload"] is None

    path = tmp_path / "regler" / "egnethet.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("felt: bolig.heis", "felt: bolig.heiss", 1),
                    encoding="utf-8")
    status = client.get("/api/v1/rules/status").get_json()

    assert status["versions"] == first["versions"]
    assert any("egnethet.yaml:" in p and "bolig.heiss" in p for p in status["refused_reload"]["problems"])
    assert str(tmp_path) not in json.dumps(status), "no absolute path: where the service runs is not shown"
    ranked = app.test_client().post("/api/v1/rank?as_of=2026-11-28", data=LADE.read_bytes(),
                                    content_type="application/yaml")
    assert ranked.status_code == 200
    assert ranked.get_json()["rules_version"]["label"] == "v1"


# -- detection by content ---------------------------------------------------------------------

def test_an_edit_that_keeps_the_size_and_the_modification_time_is_reloaded(rules_copy):
    holder = RulesHolder(rules_copy, check_seconds=0)
    before = holder.current()
    path = rules_copy / "prioritering.yaml"
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("poeng: 30", "poeng: 35", 1), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # as if written within one timestamp tick
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns

    assert holder.check().outcome is Outcome.RELOADED
    after = holder.current()
    assert after.book.content_hash != before.book.content_hash
    assert next(c.poeng for c in after.book.criteria if c.id == "bostedslos") == 35


def test_touching_or_rewriting_identical_files_reloads_nothing(rules_copy):
    holder = RulesHolder(rules_copy, check_seconds=0)
    before = holder.current()
    for path in rules_copy.glob("*.yaml"):
        path.write_bytes(path.read_bytes())
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))

    assert holder.check().outcome is Outcome.UNCHANGED
    assert holder.current() is before and holder.reloads == 0


def test_a_new_version_folder_is_seen_and_an_undone_refusal_serves_the_same_rules(rules_copy):
    holder = RulesHolder(rules_copy, check_seconds=0)
    before = holder.current()
    later = rules_copy / "2027-01-01"
    make_version(ROOT / "rules", later, "2027.1")
    for path in later.glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("gjelder_fra: 2026-01-01", "gjelder_fra: 2027-01-01"),
                        encoding="utf-8")

    assert holder.check().outcome is Outcome.RELOADED
    assert [b.version for b in holder.library().versions] == ["2026.1-eksempel", "2027.1"]

    (rules_copy / "egnethet.yaml").write_text("kontroller: [", encoding="utf-8")
    assert holder.check().outcome is Outcome.REFUSED and holder.refused is not None
    shutil.copy(ROOT / "rules" / "egnethet.yaml", rules_copy / "egnethet.yaml")  # the edit undone
    assert holder.check().outcome is Outcome.SAME_RULES
    assert holder.refused is None and holder.reloads == 1
    assert holder.library().compiled_for(before.book.effective_from).book.content_hash == before.book.content_hash


def test_within_check_seconds_a_request_does_not_check_but_check_does(rules_copy):
    holder = RulesHolder(rules_copy, check_seconds=3600)
    before = holder.current()
    begun = holder.checks_begun
    path = rules_copy / "prioritering.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("poeng: 30", "poeng: 35", 1), encoding="utf-8")

    assert holder.current() is before and holder.checks_begun == begun
    result = holder.check()
    assert (result.number, result.outcome) == (begun + 1, Outcome.RELOADED)
    assert holder.current() is not before


def test_a_waiter_is_woken_by_the_first_check_that_began_after_it_asked(tmp_path):
    make_version(ROOT / "rules", tmp_path / "regler", "v1")
    app = create_app({"TESTING": True, "RULES_DIR": str(tmp_path / "regler"), "RULES_CHECK_SECONDS": 0,
                      "INSTANCE_PATH": str(tmp_path / "instance")})
    with app.app_context():
        holder = rules_holder()
    path = tmp_path / "regler" / "prioritering.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("poeng: 30", "poeng: 35", 1), encoding="utf-8")
    began = holder.checks_begun
    woken = []
    waiter = threading.Thread(target=lambda: woken.append(holder.wait_for_check(after=began, timeout=HANG_GUARD)))
    waiter.start()

    ranked = app.test_client().post("/api/v1/rank?as_of=2026-11-28", data=LADE.read_bytes(),
                                    content_type="application/yaml")
    waiter.join()

    assert ranked.status_code == 200
    assert woken[0] is not None and woken[0].number == began + 1 and woken[0].outcome is Outcome.RELOADED
    assert holder.wait_for_check(after=woken[0].number, timeout=0) is None  # the request checked once
    assert ranked.get_json()["rules_version"]["content_hash"] == holder.current().book.content_hash
