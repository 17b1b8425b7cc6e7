"""rules/README.md's income ceiling (parameter, table, formula, comparison of two values), copied as a
policy officer would into the shipped rules, ranks as the README says (issue 9, items 1-3)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import yaml

from engine import CompiledRules, load_rules
from support.readme import yaml_blocks

ROOT = Path(__file__).resolve().parents[2]


def _readme_bundle(tmp_path: Path) -> Path:
    [parameters] = yaml_blocks("### Parametre")
    fields, derived, check = yaml_blocks("### Tabeller og formler")[:3]  # the fourth: «hvor mange av flere behov»
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    vocabulary = (folder / "felter.yaml").read_text(encoding="utf-8")
    vocabulary = vocabulary.replace("  kandidat:\n", "  kandidat:\n" + fields, 1)
    vocabulary = vocabulary.replace("beregnet:\n", derived, 1)  # the README's block opens with `beregnet:`
    (folder / "felter.yaml").write_text(vocabulary + "\n" + parameters, encoding="utf-8")
    checks = (folder / "egnethet.yaml").read_text(encoding="utf-8")
    (folder / "egnethet.yaml").write_text(checks.rstrip() + "\n" + check, encoding="utf-8")
    return folder


def test_the_readme_income_ceiling_blocks_above_the_ceiling_and_explains_with_the_values_used(tmp_path):
    compiled = CompiledRules(load_rules(_readme_bundle(tmp_path)))
    case = yaml.safe_load((ROOT / "examples" / "sak-1-lade.yaml").read_text(encoding="utf-8"))
    first, second, third, *_ = case["kandidater"]
    first.update(husstand_antall=2, inntekt=520_641)   # 1 kr over 4 G = 520 640
    second.update(husstand_antall=2, inntekt=520_640)  # at the ceiling: not over
    third.update(husstand_antall=6, inntekt=700_000)   # 5 G (5 or more) = 650 800

    result = {c.id: c for c in compiled.rank(case, dt.date(2026, 1, 5)).candidates}

    blocked = [b for b in result[first["id"]].blocks if b.rule_id == "inntekt_over_grensen"]
    assert [b.text for b in blocked] == [
        "Husstandens inntekt er 520 641 kr; grensen er 4 G = 520 640 kr."]
    assert not [b for b in result[second["id"]].blocks if b.rule_id == "inntekt_over_grensen"]
    assert [b.text for b in result[third["id"]].blocks if b.rule_id == "inntekt_over_grensen"] == [
        "Husstandens inntekt er 700 000 kr; grensen er 5 G = 650 800 kr."]
    # before the first dated value the parameter has none: no ceiling, nobody is blocked by it
    early = compiled.rank(case, dt.date(2024, 4, 30)).candidates
    assert not [b for c in early for b in c.blocks if b.rule_id == "inntekt_over_grensen"]
