"""Rules in force for a period (gjelder_fra, gjelder_til on a rule): one bundle holds the rules
before and after a change, and the assessment date decides which apply.

A copy of the shipped rules gets a vilkår that ended, a criterion that starts, and a check with
both ends, as policy staff would write them; the Lade example is ranked on days around them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from engine import CompiledRules, RulesError, load_rules

ROOT = Path(__file__).resolve().parents[2]
CASE = yaml.safe_load((ROOT / "examples" / "sak-1-lade.yaml").read_text(encoding="utf-8"))

CONDITION = """
vilkar:
  - id: yngre_voksne
    navn: Botilbudet var for yngre voksne
    krav: {felt: kandidat.alder, hoyst: 44}
    begrunnelse: Søkeren er {kandidat.alder} år.
    hjemmel: Retningslinjer 2025 pkt. 1
    gjelder_til: 2026-06-30
"""
CHECK = """
  - id: byggearbeid
    navn: Botiltaket bygges om
    betingelse: {felt: botiltak.id, er: lade-botiltak}
    begrunnelse: Boligene i botiltaket tildeles ikke mens det bygges om.
    hjemmel: Vedtak om ombygging
    gjelder_fra: 2027-01-01
    gjelder_til: 2027-03-31
"""
CRITERION = """
  - id: ung_voksen
    navn: Ung voksen
    poeng: 50
    betingelse: {felt: kandidat.alder, under: 25}
    forklaring: Søkeren er {kandidat.alder} år.
    hjemmel: Retningslinjer 2027 pkt. 2
    gjelder_fra: 2026-12-01
"""


@pytest.fixture
def compiled(rules_copy):
    egnethet = rules_copy / "egnethet.yaml"
    text = egnethet.read_text(encoding="utf-8").replace("kontroller:\n", "kontroller:\n" + CHECK.lstrip("\n"), 1)
    egnethet.write_text(text + CONDITION, encoding="utf-8")
    prioritering = rules_copy / "prioritering.yaml"
    text = prioritering.read_text(encoding="utf-8").replace("kriterier:\n", "kriterier:\n" + CRITERION.lstrip("\n"), 1)
    prioritering.write_text(text, encoding="utf-8")
    return CompiledRules(load_rules(rules_copy))


def _by_id(compiled, day: str) -> dict:
    return {c.id: c for c in compiled.rank(CASE, dt.date.fromisoformat(day)).candidates}


def test_a_condition_that_ended_asks_nothing_after_its_last_day(compiled):
    assert not _by_id(compiled, "2026-06-30")["K-0954"].qualifies  # 45 years: the last day it applied
    after = _by_id(compiled, "2026-07-01")["K-0954"]
    assert after.qualifies and after.unmet_conditions == []
    summary = {c.id: c for c in compiled.rank_summary(CASE, dt.date(2026, 7, 1)).candidates}
    assert summary["K-0954"].qualifies and summary["K-0954"].not_qualified_by == []


def test_a_criterion_counts_from_its_first_day_and_is_not_listed_as_unmet_before(compiled):
    before, on = _by_id(compiled, "2026-11-30")["K-2210"], _by_id(compiled, "2026-12-01")["K-2210"]
    assert "ung_voksen" not in {i.rule_id for i in before.score_items}
    assert "ung_voksen" not in {u.rule_id for u in before.unmet_criteria}  # it asked nothing yet
    assert "ung_voksen" in {i.rule_id for i in on.score_items} and on.score == before.score + 50


def test_a_check_blocks_only_within_its_period(compiled):
    for day, blocked in (("2026-12-31", False), ("2027-01-01", True), ("2027-03-31", True), ("2027-04-01", False)):
        found = _by_id(compiled, day)["K-2210"]
        assert ("byggearbeid" in {b.rule_id for b in found.blocks}) == blocked, day
        brief = {c.id: c for c in compiled.rank_summary(CASE, dt.date.fromisoformat(day)).candidates}["K-2210"]
        assert ("byggearbeid" in brief.blocked_by) == blocked, day


def test_a_period_that_ends_before_it_starts_is_refused_with_its_line(rules_copy):
    egnethet = rules_copy / "egnethet.yaml"
    egnethet.write_text(egnethet.read_text(encoding="utf-8")
                        + CONDITION.replace("gjelder_til: 2026-06-30", "gjelder_fra: 2026-07-01\n    gjelder_til: 2026-06-30"),
                        encoding="utf-8")
    with pytest.raises(RulesError) as refused:
        load_rules(rules_copy)
    [problem] = refused.value.problems
    assert problem.file.endswith("egnethet.yaml") and problem.line is not None
    assert "'gjelder_til' (2026-06-30) er før 'gjelder_fra' (2026-07-01)" in problem.message


def test_the_readme_example_applies_from_its_first_day(rules_copy):
    from support.readme import yaml_blocks

    [block] = yaml_blocks("## Regler som gjelder for en periode")
    felter = rules_copy / "felter.yaml"
    text = felter.read_text(encoding="utf-8").replace(
        "  kandidat:\n", "  kandidat:\n    bosatt_siden: {type: dato, etikett: Bosatt i kommunen siden}\n", 1)
    text = text.replace("\nberegnet:\n", "\nberegnet:\n  botid_ar: {etikett: botid, ar_siden: kandidat.bosatt_siden}\n", 1)
    felter.write_text(text, encoding="utf-8")
    egnethet = rules_copy / "egnethet.yaml"
    egnethet.write_text(egnethet.read_text(encoding="utf-8") + "\n" + block, encoding="utf-8")
    compiled = CompiledRules(load_rules(rules_copy))
    case = {**CASE, "kandidater": [{**c, "bosatt_siden": "2023-06-01"} for c in CASE["kandidater"]]}
    before = compiled.rank(case, dt.date(2023, 12, 31)).candidates
    after = compiled.rank(case, dt.date(2024, 1, 1)).candidates
    assert all(c.qualifies for c in before)  # the regulation of 2024 did not apply yet
    assert not any(c.qualifies for c in after)  # from 1 January: half a year's residence is too little
    assert {u.text for c in after for u in c.unmet_conditions} == {"Søkeren har bodd i kommunen i 0 år."}


def test_the_reference_evaluator_ranks_the_periods_alike(rules_copy, compiled):
    """Periods are applied to the matches of either evaluator: durable_rules and the reference agree."""
    from support.reference_evaluator import ReferenceRules

    reference = CompiledRules(compiled.book, evaluator_factory=ReferenceRules)
    for day in ("2026-06-30", "2026-07-01", "2026-12-01", "2027-01-01", "2027-04-01"):
        as_of = dt.date.fromisoformat(day)
        assert compiled.rank(CASE, as_of).model_dump() == reference.rank(CASE, as_of).model_dump(), day
        assert compiled.rank_summary(CASE, as_of).model_dump() == reference.rank_summary(CASE, as_of).model_dump()
