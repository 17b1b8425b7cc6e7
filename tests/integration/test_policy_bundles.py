"""The real published policies written as bundles (examples/policies/<name>/, issue 9 item 13).

Each bundle: `regler/` passes the rules check (no errors), its `scenarier/` pass, its `saker/`
rank, and its `dekning.yaml` is a valid coverage table whose rule ids exist in the bundle.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import load_rules
from engine.policy.coverage import load_coverage
from engine.policy.lint import lint
from engine.policy.scenarios import RulesCache, run_folder

POLICIES = Path(__file__).resolve().parents[2] / "examples" / "policies"
BUNDLES = sorted(p for p in POLICIES.iterdir() if p.is_dir()) if POLICIES.is_dir() else []


@pytest.mark.parametrize("bundle", BUNDLES, ids=[b.name for b in BUNDLES])
def test_the_bundle_passes_the_rules_check(bundle):
    book = load_rules(bundle / "regler")
    errors = [f for f in lint(book) if f.severity == "feil"]
    assert errors == [], [str(f.problem) for f in errors]


@pytest.mark.parametrize("bundle", BUNDLES, ids=[b.name for b in BUNDLES])
def test_the_scenarios_pass(bundle):
    outcomes = run_folder(bundle / "scenarier", bundle / "regler", RulesCache())
    assert len(outcomes) >= 3
    failed = {o.name: o.failures for o in outcomes if not o.passed}
    assert failed == {}


@pytest.mark.parametrize("bundle", BUNDLES, ids=[b.name for b in BUNDLES])
def test_the_coverage_table_is_valid_and_names_real_rules(bundle):
    coverage = load_coverage(bundle / "dekning.yaml")
    book = load_rules(bundle / "regler")
    known = ({r.id for r in [*book.conditions, *book.criteria, *book.checks, *book.composition]}
             | {t.id for t in book.ranking.trinn} | {g.id for g in book.groups} | {p.id for p in book.ranking.vedtak}
             | {n.id for n in book.notes} | {s.id for s in book.ranking.gjelder_ikke}
             | {r.id for plan in book.plans for r in [plan, *plan.kriterier, *plan.kontroller, *(plan.trinn or [])]})
    unknown = [rid for e in coverage.regler for rid in e.regler if rid not in known]
    assert unknown == []
    assert len(list((bundle / "saker").glob("*.yaml"))) >= 3
    assert (bundle / "README.md").is_file()
