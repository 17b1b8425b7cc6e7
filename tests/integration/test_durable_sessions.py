"""The durable_rules adapter survives every session, including ones in which no rule fires.

These run in a child process: the failure they guard against is the C core aborting
the whole interpreter (`free(): invalid pointer`), which would take pytest down with it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]

NO_RULE_FIRES_BUG = (
    "durable_rules' createStateNode leaves the session's action context (context.messages, "
    "context.stateFact) uninitialised; deleteStateNode frees those pointers. When no rule fired in a "
    "session, DurableRules.match's delete_state frees garbage and the process aborts."
)


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_a_session_in_which_rules_fire_completes_in_a_child_process():
    """Control for the tests below: the child-process harness itself works."""
    done = run_python("""
        import datetime as dt
        from engine import CompiledRules, load_rules, read_case_file
        compiled = CompiledRules(load_rules("rules"))
        data, doc = read_case_file("examples/sak-1-lade.yaml")
        for _ in range(50):
            result = compiled.rank(data, dt.date(2026, 11, 28), doc)
        print("rangert", result.candidates[0].id)
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "rangert K-2210"


def test_a_session_in_which_no_rule_fires_does_not_crash():
    done = run_python("""
        from pydantic import TypeAdapter
        from engine.language.conditions import Condition
        from engine.evaluation.durable_adapter import DurableRules
        rule = TypeAdapter(Condition).validate_python({"felt": "kandidat.alder", "under": 18})
        evaluator = DurableRules({"ung": ("kandidat", rule)}, lambda path: None)
        for _ in range(50):
            assert evaluator.match("kandidat", [{"kandidat.alder": 35}]) == [set()]
        print("ferdig")
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ferdig"


def test_ranking_a_unit_without_vulnerable_residents_does_not_crash():
    """sak-1 with no resident marked sarbar: the resident-count session fires no rule."""
    done = run_python("""
        import datetime as dt
        from engine import CompiledRules, load_rules, read_case_file
        compiled = CompiledRules(load_rules("rules"))
        data, doc = read_case_file("examples/sak-1-lade.yaml")
        for resident in data["beboere"]:
            resident["sarbar"] = False
        for _ in range(50):
            result = compiled.rank(data, dt.date(2026, 11, 28))
        print("rangert", result.candidates[0].id)
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "rangert K-2210"
