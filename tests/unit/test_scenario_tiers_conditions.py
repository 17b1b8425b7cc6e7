"""Scenarios can expect a tier (trinn) and the unmet eligibility conditions (ikke_kvalifisert)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from engine import ScenarioError
from engine.policy.scenarios import RulesCache, run_file
from support.bundles import write_bundle

sys.path.insert(0, str(Path(__file__).resolve().parent))
import test_eligibility as eligibility  # noqa: E402
import test_tiers as tiers  # noqa: E402


def scenario(folder: Path, case: dict, expected: str, rules: str = "regler") -> Path:
    (folder / "sak.json").write_text(json.dumps(case), encoding="utf-8")
    path = folder / "s.yaml"
    path.write_text(f"navn: Et scenario\nvurderingsdato: 2026-06-01\nsak_fil: sak.json\nregler: {rules}\n"
                    f"forventet:\n{expected}", encoding="utf-8")
    return path


def test_tiers_are_expected_by_id_and_a_wrong_tier_says_both(tmp_path):
    write_bundle(tmp_path / "regler", sections=tiers.SECTIONS, ranking=tiers.TIERS)
    ok = scenario(tmp_path, tiers.CASE, "  trinn: {T-2: band_a, T-4: band_b, T-5: band_c}\n")
    assert run_file(ok, cache=RulesCache()).passed
    wrong = scenario(tmp_path, tiers.CASE, "  trinn: {T-4: band_a}\n")
    assert run_file(wrong, cache=RulesCache()).failures == ["T-4: forventet i trinnet band_a, men er i band_b"]
    unknown = scenario(tmp_path, tiers.CASE, "  trinn: {T-4: band_x}\n")
    with pytest.raises(ScenarioError) as caught:
        run_file(unknown, cache=RulesCache())
    # a Bristol tester had to look the tier ids up: the message lists them
    assert [p.message for p in caught.value.problems] == [
        "ukjent regel 'band_x' (mente du 'band_c'?); trinnene i regelverket: band_a, band_b, band_c"]


def test_unmet_conditions_are_expected_exactly(tmp_path):
    eligibility.conditions_file(write_bundle(tmp_path / "regler", sections=eligibility.SECTIONS,
                                             derived=eligibility.DERIVED, parameters=eligibility.PARAMETERS))
    ok = scenario(tmp_path, eligibility.CASE,
                  "  ikke_kvalifisert: {S-1: [], S-2: [alder, botid, formue], S-3: [formue]}\n"
                  "  forklaringer:\n    S-2: [{regel: formue, tekst_inneholder: grensen er 200 000 kr}]\n")
    outcome = run_file(ok, cache=RulesCache())
    assert outcome.passed, outcome.failures
    wrong = scenario(tmp_path, eligibility.CASE, "  ikke_kvalifisert: {S-1: [alder]}\n")
    assert run_file(wrong, cache=RulesCache()).failures == [
        "S-1: forventet at vilkårene alder ikke er oppfylt, men kandidaten oppfyller alle"]
