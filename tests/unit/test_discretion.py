"""«Kan avslås»: an eligibility condition or a suitability check with `utfall: drofting` calls for a
consultation instead of refusing or blocking, as Bærum's «gjeld til kommunen kan føre til avslag» says.
The README's own examples are pasted into the shipped rules, as policy staff would."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from engine import CompiledRules, RulesError, load_rules
from engine.policy.scenarios import run_file
from support.readme import RULES, yaml_blocks
from support.reference_evaluator import ReferenceRules

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 11, 28)
CASE = yaml.safe_load((ROOT / "examples" / "sak-1-lade.yaml").read_text(encoding="utf-8"))
SECTION = "### «Kan avslås»"


def _bundle(target: Path, condition: str | None = None, check: str | None = None) -> Path:
    fields, readme_condition, readme_check = yaml_blocks(SECTION)
    shutil.copytree(RULES, target)
    vocabulary = (target / "felter.yaml").read_text(encoding="utf-8")
    (target / "felter.yaml").write_text(vocabulary.replace("  kandidat:\n", "  kandidat:\n" + fields, 1),
                                        encoding="utf-8")
    suitability = (target / "egnethet.yaml").read_text(encoding="utf-8")
    suitability = suitability.replace("\nkontroller:\n", "\nvilkar:\n" + (condition or readme_condition)
                                      + "\nkontroller:\n" + (check or readme_check), 1)
    (target / "egnethet.yaml").write_text(suitability, encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return _bundle(tmp_path_factory.mktemp("skjonn") / "rules")


@pytest.fixture(scope="module")
def both(folder):
    book = load_rules(folder)
    return CompiledRules(book), CompiledRules(book, evaluator_factory=ReferenceRules)


def _with(candidate_id: str, **values) -> dict:
    case = copy.deepcopy(CASE)
    next(c for c in case["kandidater"] if c["id"] == candidate_id).update(values)
    return case


def test_a_check_that_says_kan_calls_for_consultation_and_leaves_the_candidate_allocatable(both):
    plain = CompiledRules(load_rules(ROOT / "rules")).rank(CASE, AS_OF)
    for rules in both:
        result = rules.rank(CASE, AS_OF)
        assert [c.id for c in result.candidates] == [c.id for c in plain.candidates]
        by_id = {c.id: c for c in result.candidates}
        before = {c.id: c for c in plain.candidates}
        # K-2210 has a low risk of acting out and Lade has no night staff: discussed, not blocked
        k2210 = by_id["K-2210"]
        assert k2210.eligible and not before["K-2210"].needs_consultation
        assert k2210.needs_consultation and [f.rule_id for f in k2210.consultations] == ["utagering_uten_nattbemanning"]
        assert k2210.consultations[0].source == "egnethet"
        assert k2210.consultations[0].text == ("Søkeren har lav utageringsrisiko, og Lade botiltak har ikke "
                                               "nattbemanning; om boligen likevel er forsvarlig, avgjøres i "
                                               "drøftingsmøtet.")
        assert result.present_to_unit_leader == plain.present_to_unit_leader
        # K-2031 has no risk of acting out: nothing changes
        assert by_id["K-2031"].consultations == before["K-2031"].consultations


def test_an_unmet_condition_that_says_kan_avslas_is_discussed_and_the_candidate_stays_on_the_list(both):
    owing = _with("K-2031", gjeld_til_kommunen=12000)
    for rules in both:
        result = rules.rank(owing, AS_OF)
        k2031 = next(c for c in result.candidates if c.id == "K-2031")
        assert k2031.qualifies and k2031.eligible and k2031.unmet_conditions == []
        assert [f.rule_id for f in k2031.consultations] == ["gjeld_til_kommunen"]
        assert k2031.consultations[0].source == "vilkar"
        assert k2031.consultations[0].text.replace("\u00a0", " ").startswith("Søkeren skylder kommunen 12 000 kr")
        assert k2031.outcome != "oppfyller_ikke_vilkarene"
        summary = rules.rank_summary(owing, AS_OF)
        brief = next(c for c in summary.candidates if c.id == "K-2031")
        assert brief.qualifies and brief.not_qualified_by == [] and brief.consultation_by == ["gjeld_til_kommunen"]
        # a repayment agreement kept, or no debt at all: nothing to discuss
        for kept in (_with("K-2031", gjeld_til_kommunen=12000, nedbetaling_overholdt=True), CASE):
            again = next(c for c in rules.rank(kept, AS_OF).candidates if c.id == "K-2031")
            assert "gjeld_til_kommunen" not in [f.rule_id for f in again.consultations]


def test_the_same_condition_without_utfall_refuses_the_application(tmp_path):
    _, condition, _ = yaml_blocks(SECTION)
    strict = _bundle(tmp_path / "rules", condition=condition.replace("    utfall: drofting", ""))
    result = CompiledRules(load_rules(strict)).rank(_with("K-2031", gjeld_til_kommunen=12000), AS_OF)
    k2031 = next(c for c in result.candidates if c.id == "K-2031")
    assert not k2031.qualifies and [f.rule_id for f in k2031.unmet_conditions] == ["gjeld_til_kommunen"]
    assert "gjeld_til_kommunen" not in [f.rule_id for f in k2031.consultations]


def test_a_scenario_expects_the_consultation_and_refuses_to_read_it_as_a_refusal(folder, tmp_path):
    path = tmp_path / "skjonn.yaml"
    scenario = {"navn": "Gjeld kan gi avslag", "vurderingsdato": AS_OF.isoformat(), "regler": str(folder),
                "sak_fil": str(ROOT / "examples" / "sak-1-lade.yaml"),
                "endringer": {"kandidater[K-2031].gjeld_til_kommunen": 12000},
                "forventet": {"drofting": {"K-2031": ["gjeld_til_kommunen"],
                                           "K-2210": ["utagering_uten_nattbemanning"]}}}
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    outcome = run_file(path)
    assert outcome.failures == []
    scenario["forventet"] = {"ikke_kvalifisert": {"K-2031": ["gjeld_til_kommunen"]}}
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    with pytest.raises(Exception) as caught:
        run_file(path)
    assert "'gjeld_til_kommunen' er en regel som krever drøftingsmøte, ikke et vilkår" in str(caught.value)


def test_an_unknown_outcome_is_refused_where_it_stands(tmp_path):
    _, _, check = yaml_blocks(SECTION)
    folder = _bundle(tmp_path / "rules", check=check.replace("utfall: drofting ", "utfall: kanskje "))
    with pytest.raises(RulesError) as caught:
        load_rules(folder)
    found = [(p.file, p.line, p.message) for p in caught.value.problems]
    assert any(file.endswith("egnethet.yaml") and line and message == "'kanskje' er ikke en av de tillatte "
               "verdiene: 'blokker' eller 'drofting'" for file, line, message in found), found


def test_the_rules_listing_says_which_rules_are_discussed(both):
    from service.reports.policy_text import format_policy
    from service.reports.rules_listing import list_rules

    text = format_policy(list_rules(both[0]))
    assert ("  Ingen gjeld til kommunen fra et tidligere leieforhold [gjeld_til_kommunen]: kan avslås etter skjønn: "
            "drøftingsmøte kreves") in text
    assert ("  Utageringsrisiko der botiltaket ikke har nattbemanning [utagering_uten_nattbemanning]: "
            "drøftingsmøte kreves før tildeling") in text
    assert "  Boligen er ikke tilpasset rullestol [rullestol_ikke_tilpasset]\n" in text  # a block says nothing more
