"""Ranking 5,000 candidates under each written policy (examples/policies/<name>/regler).

Issue 9's target: the richest bundle (parameters, formulas, tiers, the household counts) ranks
5,000 candidates within 0.6 s, the shipped rules within 0.5 s (benchmarks/rank_benchmark.py).
Each bundle's own case files give the candidates: they are repeated with fresh ids up to N, so
every computed value, tier and condition of the bundle is exercised as in its scenarios.
Prints the best of several runs of `rank_valid` (the case validated beforehand) and of the
brief ranking (`rank_brief`, what screening a waiting list uses), with the cyclic garbage
collector paused as the service pauses it for big cases (engine/evaluation/gc_pause.py).

    .venv/bin/python benchmarks/policy_rank_benchmark.py [N]
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import CompiledRules, load_rules  # noqa: E402
from engine.evaluation.gc_pause import paused_gc  # noqa: E402
from engine.language.case import validate_case  # noqa: E402

TARGET_S = 0.6
RUNS = 3


def big_case(folder: Path, n: int) -> tuple[dict, dt.date]:
    cases = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((folder / "saker").glob("*.yaml"))]
    pool = [c for case in cases for c in case["kandidater"]]
    candidates = [dict(pool[i % len(pool)], id=f"X-{i:05d}") for i in range(n)]
    for c in candidates:
        c.pop("hvk", None)  # one office may nominate many here: the engine does not mind
    base = cases[0]
    scenario_dates = [yaml.safe_load(p.read_text(encoding="utf-8"))["vurderingsdato"]
                      for p in sorted((folder / "scenarier").glob("*.yaml"))]
    return {**base, "kandidater": candidates}, scenario_dates[0]


def best(fn) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        with paused_gc():
            fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv else 5000
    print(f"{n} kandidater per regelverk; beste av {RUNS} kjøringer, søppelinnsamleren satt på pause\n")
    print(f"{'regelverk':<24} {'rank_valid s':>12} {'rank_brief s':>12}  µs/kand.")
    worst = 0.0
    for folder in sorted(p for p in (ROOT / "examples" / "policies").iterdir() if p.is_dir()):
        compiled = CompiledRules(load_rules(folder / "regler"))
        data, as_of = big_case(folder, n)
        try:
            case = validate_case(data, compiled.case_models)
        except Exception as exc:  # a bundle whose cases carry per-office fields the repetition breaks
            print(f"{folder.name:<24} (saken ble ikke gyldig: {exc})")
            continue
        full = best(lambda: compiled.rank_valid(case, as_of))
        brief = best(lambda: compiled.rank_brief([(case, as_of)]))
        worst = max(worst, full)
        print(f"{folder.name:<24} {full:>12.3f} {brief:>12.3f}  {1e6 * full / n:>8.0f}")
    verdict = "nådd" if worst <= TARGET_S else "IKKE nådd"
    print(f"\nMål: det tyngste regelverket under {TARGET_S:g} s for {n} kandidater: {verdict} ({worst:.3f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
