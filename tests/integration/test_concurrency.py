"""Ranking from many threads at once: one shared CompiledRules, and two bundles side by side."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from engine import CompiledRules, load_rules, read_case_file

ROOT = Path(__file__).resolve().parents[2]
CASES = [read_case_file(p) for p in sorted((ROOT / "examples").glob("sak-*.yaml"))]
AS_OF = dt.date(2026, 11, 28)
THREADS = 16
RANKINGS_PER_THREAD = 25


def single_threaded(compiled) -> list[str]:
    return [compiled.rank(data, AS_OF, doc).model_dump_json() for data, doc in CASES]


def hammer(pick) -> tuple[int, list[str]]:
    """THREADS threads, started together, each ranking RANKINGS_PER_THREAD times.

    `pick(thread_index)` gives the thread its (CompiledRules, expected JSON per case).
    Returns how many rankings completed and the JSON of every one that differed.
    An exception in any thread is re-raised here by `pool.map`.
    """
    start = threading.Barrier(THREADS)

    def work(index: int) -> tuple[int, list[str]]:
        compiled, expected = pick(index)
        start.wait()
        done, wrong = 0, []
        for n in range(RANKINGS_PER_THREAD):
            case_index = (index + n) % len(CASES)
            data, doc = CASES[case_index]
            got = compiled.rank(data, AS_OF, doc).model_dump_json()
            done += 1
            if got != expected[case_index]:
                wrong.append(got)
        return done, wrong

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(work, range(THREADS)))
    return sum(d for d, _ in results), [w for _, batch in results for w in batch]


def test_sixteen_threads_sharing_one_compiled_rules_get_the_single_threaded_result(compiled):
    expected = single_threaded(compiled)
    done, wrong = hammer(lambda index: (compiled, expected))
    assert done == THREADS * RANKINGS_PER_THREAD
    assert wrong == []


def test_two_rules_bundles_rank_concurrently_without_interfering(rulebook, rules_copy):
    path = rules_copy / "prioritering.yaml"
    text = path.read_text(encoding="utf-8")
    old = "    poeng: 30\n    betingelse: {felt: sjekkliste.bosituasjon, er: bostedslos}"
    path.write_text(text.replace(old, old.replace("30", "35")), encoding="utf-8")
    bundles = [CompiledRules(rulebook), CompiledRules(load_rules(rules_copy))]
    expected = [single_threaded(b) for b in bundles]
    assert expected[0] != expected[1]  # the bundles really differ (sak-2 has a homeless candidate)

    done, wrong = hammer(lambda index: (bundles[index % 2], expected[index % 2]))
    assert done == THREADS * RANKINGS_PER_THREAD
    assert wrong == []
