"""How the time of `rules check` grows with the number of criteria (target: 80 criteria in at most 1 s).

    .venv/bin/python benchmarks/rules_check_benchmark.py              # 10, 20, 40, 80 criteria
    .venv/bin/python benchmarks/rules_check_benchmark.py 80 160       # other sizes
    .venv/bin/python benchmarks/rules_check_benchmark.py --profile    # cProfile of the largest size
    .venv/bin/python benchmarks/rules_check_benchmark.py --cli        # also time the command itself
                                                                      # (and its start-up alone)

Each size is a bundle written under a temporary folder with `tests/support/bundles.write_bundle`:
a vocabulary of yes/no questions, choices, numbers with a declared range, dates with months
since them and a count over residents, and criteria that each read a different mix of them,
so none is a duplicate or a contradiction and lint has real work for every one. What is timed
is what `rules check` does per bundle: load and validate (`load_rules`) and lint (`lint`), the
best of a few runs. The ratio column is milliseconds per criterion: flat means the time grows
linearly with the rules, rising means it grows faster (a per-pair check, say).

Before lint compiled all rules into one ruleset and compared only rules that can be duplicates
(engine/policy/lint.py), it compiled one ruleset per rule and per pair: this benchmark gave
10/20/40/80 criteria 0.06/0.39/1.5/6.5 s (6, 20, 38, 82 ms per criterion: quadratic); issue 9
had measured 2.4 s for 80 criteria of another bundle. `--cli` shows that the command's own
start-up (importing the whole service) is most of its wall time, whatever the number of rules.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from engine import load_rules  # noqa: E402
from engine.policy.lint import lint  # noqa: E402
from support.bundles import write_bundle  # noqa: E402

SIZES = (10, 20, 40, 80)
TARGET_N, TARGET_S = 80, 1.0
ROUNDS = 3
QUESTIONS = 16  # yes/no questions in the checklist
CHOICES = {"bosituasjon": ["bostedslos", "midlertidig", "institusjon", "hos_foreldre", "egen_bolig"],
           "tjenestebehov": ["ingen", "ambulant", "dag", "dag_kveld", "dognbemanning"],
           "utagering": ["ingen", "lav", "hoy"]}

SECTIONS = "\n".join([
    "ledig_bolig:",
    "  id: {type: tekst, etikett: Bolig-ID, obligatorisk: true}",
    "bolig:",
    "  etasje: {type: heltall, etikett: Etasje, min: -2, maks: 30, obligatorisk: true}",
    "  heis: {type: boolsk, etikett: Heis, obligatorisk: true}",
    "beboer:",
    "  id: {type: tekst, etikett: Beboer-ID, obligatorisk: true}",
    "  aktiv_rus: {type: boolsk, etikett: aktiv rus}",
    "kandidat:",
    "  id: {type: tekst, etikett: Kandidat-ID, obligatorisk: true}",
    "  soknad_mottatt: {type: dato, etikett: Søknad mottatt, obligatorisk: true}",
    "  alder: {type: heltall, etikett: Alder, min: 16, maks: 120, obligatorisk: true}",
    "sjekkliste:",
    *[f"  sporsmal_{q}: {{type: boolsk, etikett: Spørsmål {q}, obligatorisk: true}}" for q in range(QUESTIONS)],
    *[f"  {name}:\n    type: valg\n    etikett: {name}\n    obligatorisk: true\n    verdier: "
      f"{{{', '.join(f'{v}: {v}' for v in values)}}}" for name, values in CHOICES.items()],
    "  utskrivningsklar_siden: {type: dato, etikett: Utskrivningsklar siden}",
    "  inntekt: {type: heltall, etikett: Inntekt (kr), min: 0}",
])

DERIVED = """
ventetid_maneder:
  etikett: måneder siden søknaden ble mottatt
  maneder_siden: kandidat.soknad_mottatt
maneder_utskrivningsklar:
  etikett: måneder som utskrivningsklar
  maneder_siden: sjekkliste.utskrivningsklar_siden
beboere_aktiv_rus:
  etikett: beboere med aktiv rus
  antall:
    blant: beboere
    hvor: {felt: beboer.aktiv_rus, er: true}
"""


def _condition(i: int) -> str:
    """A different condition for every criterion: six shapes, and within a shape the questions,
    choices and thresholds move with the criterion's number, so no two criteria are alike."""
    shape, k = i % 6, i // 6
    q = [f"sjekkliste.sporsmal_{(k + d) % QUESTIONS}" for d in range(3)]
    name, values = list(CHOICES.items())[k % len(CHOICES)]
    value = values[k % len(values)]
    if shape == 0:
        return f"{{alle: [{{felt: {q[0]}, er: true}}, {{felt: kandidat.alder, minst: {20 + k}}}]}}"
    if shape == 1:
        return f"{{alle: [{{felt: {q[0]}, er: true}}, {{felt: sjekkliste.{name}, er: {value}}}]}}"
    if shape == 2:
        return f"{{felt: beregnet.ventetid_maneder, minst: {3 + k}}}"
    if shape == 3:
        return (f"{{noen: [{{felt: sjekkliste.{name}, en_av: [{', '.join(values[:1 + k % 2])}]}}, "
                f"{{felt: {q[1]}, er: false}}]}}")
    if shape == 4:
        return (f"{{alle: [{{felt: sjekkliste.inntekt, under: {100000 + 1000 * k}}}, "
                f"{{ikke: {{felt: {q[2]}, er: true}}}}, {{felt: bolig.etasje, over: {k % 5}}}]}}")
    return (f"{{alle: [{{felt: beregnet.beboere_aktiv_rus, hoyst: {k % 4}}}, "
            f"{{noen: [{{felt: {q[0]}, er: true}}, {{felt: beregnet.maneder_utskrivningsklar, over: {k}}}]}}]}}")


def criteria(n: int) -> str:
    return "\n".join(
        f"- id: kriterium_{i}\n  navn: Kriterium {i}\n  poeng: {1 + i % 30}\n  betingelse: {_condition(i)}\n"
        f"  forklaring: Kriterium {i} gjelder.\n  hjemmel: Benchmark" for i in range(n))


def bundle(folder: Path, n: int) -> Path:
    return write_bundle(folder / f"regelverk_{n}", sections=SECTIONS, criteria=criteria(n), derived=DERIVED)


def check(folder: Path):
    return lint(load_rules(folder))


def best_of(folder: Path) -> tuple[float, list]:
    best, findings = float("inf"), []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        findings = check(folder)
        best = min(best, time.perf_counter() - start)
    return best, findings


def cli_seconds(*args: str) -> float:
    """Wall time of the command in a fresh process, start-up included (service/cli imports a command's
    module only when it runs, so `rules check` loads neither the store nor Flask)."""
    start = time.perf_counter()
    subprocess.run([str(ROOT / ".venv" / "bin" / "boligtildeling"), *args], capture_output=True, check=False)
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    profile = "--profile" in argv
    cli = "--cli" in argv
    sizes = [int(a) for a in argv if a.isdigit()] or list(SIZES)
    with tempfile.TemporaryDirectory(prefix="rules-check-bench-") as tmp:
        folders = {n: bundle(Path(tmp), n) for n in sizes}
        check(folders[sizes[0]])  # warm up: imports, the schema models
        print(f"{'kriterier':>9}  {'sekunder':>9}  {'ms/kriterium':>12}  {'feil':>4}  {'merknader':>9}"
              + ("  kommando (s)" if cli else ""))
        previous = None
        for n in sizes:
            seconds, findings = best_of(folders[n])
            errors = sum(1 for f in findings if f.severity == "feil")
            per = 1000 * seconds / n
            growth = f"  (x{per / previous:.2f} per kriterium)" if previous else ""
            extra = f"  {cli_seconds('rules', 'check', str(folders[n])):12.2f}" if cli else ""
            print(f"{n:>9}  {seconds:>9.3f}  {per:>12.2f}  {errors:>4}  {len(findings) - errors:>9}{extra}{growth}")
            for finding in findings:
                if finding.severity == "feil":
                    print(f"    {finding}")
            previous = per
            if n == TARGET_N:
                verdict = "innenfor" if seconds <= TARGET_S else "OVER"
                print(f"    mål: {TARGET_N} kriterier på høyst {TARGET_S:g} s: {verdict}")
        if cli:
            whole = cli_seconds('rules', 'check', str(folders[max(sizes)]))
            verdict = "innenfor" if whole <= TARGET_S else "OVER"
            print(f"    hele kommandoen, {max(sizes)} kriterier, oppstart medregnet: {whole:.2f} s "
                  f"(mål høyst {TARGET_S:g} s: {verdict}); oppstart alene (boligtildeling rules --help): "
                  f"{cli_seconds('rules', '--help'):.2f} s")
        if profile:
            largest = folders[max(sizes)]
            profiler = cProfile.Profile()
            profiler.enable()
            check(largest)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
            print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
