"""How long `boligtildeling rank` takes as a whole process, for a small and a big case file.

    .venv/bin/python benchmarks/cli_rank_benchmark.py          # 4 and 5000 candidates, JSON and YAML
    .venv/bin/python benchmarks/cli_rank_benchmark.py 20000    # another big size

Each file is written once (seeded, valid against rules/felter.yaml), then ranked by
a fresh `boligtildeling rank FILE --as-of ... --sammendrag` process a few times;
the best wall-clock time counts, since everything slower is the machine's noise.
The big file's time is also given as a ratio of the small file's: the target is
at most 3x (issue 12), so reading the file costs no more than the engine's own
work on it. The full answer (`--json`) for the big file is timed too, and its size
printed beside the summary's.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import load_rules  # noqa: E402
from tests.support.cases import random_case  # noqa: E402

AS_OF = dt.date(2026, 11, 28)
EXE = str(Path(sys.executable).with_name("boligtildeling"))
TARGET_RATIO = 3.0


def write_case(folder: Path, n: int, suffix: str, vocabulary) -> Path:
    case = random_case(random.Random(n), vocabulary, n, 8, AS_OF)
    case["beboere"][0]["sarbar"] = True
    path = folder / f"sak-{n}{suffix}"
    if suffix == ".json":
        path.write_text(json.dumps(case, ensure_ascii=False, default=str), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(case, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def best_run(args: list[str], repetitions: int) -> tuple[float, int]:
    best, size = float("inf"), 0
    for _ in range(repetitions):
        start = time.perf_counter()
        done = subprocess.run(args, capture_output=True, check=False)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr.decode()}")
        best, size = min(best, elapsed), len(done.stdout)
    return best, size


def main(argv: list[str]) -> int:
    big = next((int(a) for a in argv if a.isdigit()), 5000)
    vocabulary = load_rules(ROOT / "rules").vocabulary
    base = [EXE, "rank", "--as-of", AS_OF.isoformat()]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"{'fil':<18}{'kandidater':>11}{'sekunder':>10}{'x liten':>9}{'svar':>12}")
        for suffix in (".json", ".yaml"):
            small, large = write_case(folder, 4, suffix, vocabulary), write_case(folder, big, suffix, vocabulary)
            t_small, _ = best_run(base + [str(small), "--sammendrag"], 5)
            t_big, size = best_run(base + [str(large), "--sammendrag"], 3)
            print(f"{small.name:<18}{4:>11}{t_small:>10.2f}{1.0:>9.2f}{'':>12}")
            verdict = "innenfor" if t_big <= TARGET_RATIO * t_small else "OVER"
            print(f"{large.name:<18}{big:>11}{t_big:>10.2f}{t_big / t_small:>9.2f}{size:>10} B"
                  f"  (--sammendrag; mål <= {TARGET_RATIO:g}x: {verdict})")
            if suffix == ".json":
                t_full, full_size = best_run(base + [str(large), "--json"], 2)
                print(f"{large.name:<18}{big:>11}{t_full:>10.2f}{t_full / t_small:>9.2f}{full_size:>10} B  (--json)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
