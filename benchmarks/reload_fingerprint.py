"""What it costs the service to look for changed rules: the content hash against the old stat fingerprint.

    .venv/bin/python benchmarks/reload_fingerprint.py          # rules/ and a synthetic folder of 10 versions
    .venv/bin/python benchmarks/reload_fingerprint.py 25       # ... of 25 versions

The holder (service/rules_holder.py) hashes the relative path and bytes of every
YAML file in the rules folder and compares it with what it last read; before,
it compared (name, size, mtime) of each file, which misses an edit of the same
size within one timestamp tick and reloads after a bare `touch`. A request
looks at most every RULES_CHECK_SECONDS (2 s by default), so the figure that
matters is the cost of one look, and what it comes to per second of serving.
For scale: a check that does find a change reads, validates and compiles every
version (the last line).

The synthetic folder is rules/ plus version subfolders (copies with later
`gjelder_fra`), written to a temporary directory. Each figure is the best of
several rounds of many calls, in microseconds per call; the page cache is warm,
as it is for a running service.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.rules_holder import RulesHolder, fingerprint  # noqa: E402

ROUNDS = 7


def stat_fingerprint(folder: Path) -> tuple:
    """The holder's former fingerprint, kept here only as the baseline."""
    entries = []
    for root, _dirs, files in os.walk(folder):
        for name in files:
            if name.endswith((".yaml", ".yml")):
                stat = os.stat(os.path.join(root, name))
                entries.append((os.path.relpath(os.path.join(root, name), folder), stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(entries))


def per_call(fn, *args, calls: int = 200) -> float:
    """Best seconds per call over ROUNDS rounds of `calls` calls."""
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(calls):
            fn(*args)
        best = min(best, (time.perf_counter() - start) / calls)
    return best


def synthetic(target: Path, versions: int) -> Path:
    shutil.copytree(ROOT / "rules", target)
    for year in range(1, versions):
        folder = target / f"{2026 + year}-01-01"
        shutil.copytree(ROOT / "rules", folder)
        for path in folder.glob("*.yaml"):
            path.write_text(path.read_text(encoding="utf-8")
                            .replace("gjelder_fra: 2026-01-01", f"gjelder_fra: {2026 + year}-01-01"), encoding="utf-8")
    return target


def describe(folder: Path) -> tuple[int, int]:
    files = [Path(r) / f for r, _d, fs in os.walk(folder) for f in fs if f.endswith((".yaml", ".yml"))]
    return len(files), sum(p.stat().st_size for p in files)


def report(name: str, folder: Path) -> None:
    count, size = describe(folder)
    old = per_call(stat_fingerprint, folder)
    new = per_call(fingerprint, folder)
    holder = RulesHolder(folder, check_seconds=0)
    check = per_call(holder.check)  # a whole check that finds nothing changed: hash, compare, count
    build = per_call(holder._build, folder, calls=3)
    per_second = check / 2.0  # at the default RULES_CHECK_SECONDS
    print(f"{name}: {count} YAML-filer, {size / 1024:.0f} KiB")
    print(f"  stat-fingeravtrykk (før):   {old * 1e6:8.1f} µs")
    print(f"  innholdshash (nå):          {new * 1e6:8.1f} µs   ({new / old:.1f} x stat)")
    print(f"  hel sjekk uten endring:     {check * 1e6:8.1f} µs   "
          f"= {per_second * 1e6:.1f} µs per sekund drift ({per_second * 100:.4f} % av én kjerne) ved 2 s")
    print(f"  lasting ved endring:        {build * 1e3:8.1f} ms   (lese, validere, kompilere alle versjoner)")


def main(argv: list[str]) -> int:
    versions = int(argv[0]) if argv and argv[0].isdigit() else 10
    report("rules/", ROOT / "rules")
    with tempfile.TemporaryDirectory() as tmp:
        report(f"syntetisk, {versions} versjoner", synthetic(Path(tmp) / "regler", versions))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
