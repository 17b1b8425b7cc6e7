"""A local plan that lifts some of the bundle's vilkår for its homes (vilkar_gjelder_ikke): «botid- og
inntektskravet gjelder ikke for omsorgsboliger» (a Trondheim tester repeated the home's kind in three vilkår,
and then read «oppfyller ikke vilkårene» for an applicant who did for the staffed home)."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
from pathlib import Path

import pytest

from engine import CompiledRules, RulesError, load_rules, read_case_file
from support.reference_evaluator import ReferenceRules

ROOT = Path(__file__).resolve().parents[2]
HARSTAD = ROOT / "examples" / "policies" / "harstad"
AS_OF = dt.date(2026, 11, 28)


def _bundle(tmp_path, lines: str, combined: bool = False) -> Path:
    folder = tmp_path / "regler"
    shutil.copytree(HARSTAD / "regler", folder)
    path = folder / "rangering.yaml"
    text = path.read_text(encoding="utf-8")
    anchor = "    gjelder: {felt: bolig.ordning, er: foyer}\n"
    assert anchor in text
    text = text.replace(anchor, anchor + lines + ("    kombineres: true\n" if combined else ""))
    path.write_text(text, encoding="utf-8")
    return folder


def test_a_plans_homes_do_not_ask_the_vilkar_it_lifts_and_the_plan_says_so(tmp_path):
    book = load_rules(_bundle(tmp_path, "    vilkar_gjelder_ikke: [folkeregistrert_3_maneder]\n"))
    data, _ = read_case_file(HARSTAD / "saker" / "sak-2-vilkar.yaml")
    foyer = copy.deepcopy(data)
    foyer["ledig_bolig"]["bolig"]["ordning"] = "foyer"
    for evaluator in (None, ReferenceRules):
        compiled = CompiledRules(book) if evaluator is None else CompiledRules(book, evaluator_factory=evaluator)
        ordinary = {c.id: c for c in compiled.rank(copy.deepcopy(data), AS_OF).candidates}
        assert [u.rule_id for u in ordinary["H-202"].unmet_conditions] == ["folkeregistrert_3_maneder"]
        result = compiled.rank(copy.deepcopy(foyer), AS_OF)
        lifted = {c.id: c for c in result.candidates}
        assert lifted["H-202"].qualifies and lifted["H-202"].unmet_conditions == []
        assert [u.rule_id for u in lifted["H-201"].unmet_conditions] == ["fylt_18_ved_soknad"]  # the others still apply
        [plan] = [p for p in result.plans if p.id == "foyer"]
        assert plan.text == ("«Egne regler for Foyer-prosjektet» gjelder for boligen; vilkåret «Folkeregistrert i "
                             "Harstad de siste 3 månedene» gjelder ikke.")
        brief = {c.id: c for c in compiled.rank_summary(copy.deepcopy(foyer), AS_OF).candidates}
        assert brief["H-202"].qualifies and brief["H-202"].not_qualified_by == []


@pytest.mark.parametrize("lines, combined, message", [
    ("    vilkar_gjelder_ikke: [folkeregistrert_3_mnd]\n", False,
     "'folkeregistrert_3_mnd' er ikke et vilkår i egnethet.yaml (mente du 'folkeregistrert_3_maneder'?)"),
    ("    vilkar_gjelder_ikke: [folkeregistrert_3_maneder]\n", True, "vilkar_gjelder_ikke erstatter regelverkets"),
])
def test_rules_check_refuses_a_lifted_vilkar_that_is_none_or_in_a_combined_plan(tmp_path, lines, combined, message):
    with pytest.raises(RulesError) as caught:
        load_rules(_bundle(tmp_path, lines, combined))
    assert any(message in str(p) and p.file.endswith("rangering.yaml") and p.line for p in caught.value.problems), \
        [str(p) for p in caught.value.problems]


def test_the_readme_plan_lifting_three_vilkar_ranks_as_it_says(tmp_path):
    """rules/README's example, pasted after three vilkår with its ids: an applicant short of all three qualifies
    for a care home and not for an ordinary one."""
    from support.bundles import write_bundle
    from support.readme import yaml_blocks

    [plan] = yaml_blocks("### Vilkår som ikke gjelder for noen boliger")
    sections = """
    ledig_bolig:
      id: {type: tekst, etikett: Bolig-ID, obligatorisk: true}
    bolig:
      kategori: {type: valg, etikett: Boligkategori, verdier: {ordinaer: ordinær, omsorgsbolig: omsorgsbolig,
                 bemanning: bolig med bemanning}}
    kandidat:
      id: {type: tekst, etikett: Søker-ID, obligatorisk: true}
      botid_ar: {type: heltall, etikett: år i kommunen, min: 0}
      inntekt: {type: heltall, etikett: inntekt, min: 0, enhet: kr}
      formue: {type: heltall, etikett: formue, min: 0, enhet: kr}
    sjekkliste:
      behov: {type: boolsk, etikett: behov}
    """
    folder = write_bundle(tmp_path / "regler", sections=sections, ranking="likhetsmargin: 0\nved_likt_poeng: []\n"
                          + plan)
    (folder / "egnethet.yaml").write_text((folder / "egnethet.yaml").read_text(encoding="utf-8") + """vilkar:
  - {id: botid_to_ar, navn: Botid i to år, krav: {felt: kandidat.botid_ar, minst: 2}, begrunnelse: b, hjemmel: h}
  - {id: inntekt_under_grensen, navn: Inntekt under grensen, krav: {felt: kandidat.inntekt, under: 500000},
     begrunnelse: i, hjemmel: h}
  - {id: formue_under_grensen, navn: Formue under grensen, krav: {felt: kandidat.formue, under: 100000},
     begrunnelse: f, hjemmel: h}
""", encoding="utf-8")
    compiled = CompiledRules(load_rules(folder))
    nominee = {"id": "K-1", "botid_ar": 0, "inntekt": 600000, "formue": 200000, "sjekkliste": {}}
    for kind, qualifies in (("ordinaer", False), ("omsorgsbolig", True), ("bemanning", True)):
        case = {"ledig_bolig": {"id": "B-1", "bolig": {"kategori": kind}}, "kandidater": [dict(nominee)]}
        result = compiled.rank(case, AS_OF)
        assert result.candidates[0].qualifies is qualifies, kind
    assert result.plans[0].text == (
        "«Omsorgsboliger og boliger med bemanning» gjelder for boligen; vilkårene «Botid i to år», «Inntekt under "
        "grensen» og «Formue under grensen» gjelder ikke.")


def test_the_readme_plan_with_its_own_vilkar_and_appeal_applies_them_to_its_homes_only(tmp_path):
    """A Drammen tester: a home with round-the-clock services has a vilkår of its own and its appeals go to the
    county governor; `vilkar` and `klage` in a plan were refused. The README's plan, pasted."""
    from support.bundles import write_bundle
    from support.readme import yaml_blocks

    [plan] = yaml_blocks("### Egne vilkår og egen klage for noen boliger")
    sections = """
    ledig_bolig:
      id: {type: tekst, etikett: Bolig-ID, obligatorisk: true}
    bolig:
      kategori: {type: valg, etikett: Boligkategori, verdier: {ordinaer: ordinær, bemanning: bolig med bemanning}}
    kandidat:
      id: {type: tekst, etikett: Søker-ID, obligatorisk: true}
      botid_ar: {type: heltall, etikett: år i kommunen, min: 0}
    sjekkliste:
      behov_vurdert: {type: boolsk, etikett: behovet er vurdert}
    """
    ranking = ("likhetsmargin: 0\nved_likt_poeng: []\nklage:\n  frist_dager: 21\n  tekst: Klagen går til "
               "kommunens klagenemnd.\n  hjemmel: Forvaltningsloven § 28\n" + plan)
    folder = write_bundle(tmp_path / "regler", sections=sections, ranking=ranking)
    (folder / "egnethet.yaml").write_text((folder / "egnethet.yaml").read_text(encoding="utf-8") + """vilkar:
  - {id: botid_to_ar, navn: Botid i to år, krav: {felt: kandidat.botid_ar, minst: 2}, begrunnelse: b, hjemmel: h}
""", encoding="utf-8")
    nominees = [{"id": "K-1", "botid_ar": 0, "sjekkliste": {"behov_vurdert": True}},
                {"id": "K-2", "botid_ar": 5, "sjekkliste": {"behov_vurdert": False}}]
    for evaluator in (None, ReferenceRules):
        compiled = CompiledRules(load_rules(folder)) if evaluator is None else CompiledRules(
            load_rules(folder), evaluator_factory=evaluator)
        ordinary = compiled.rank({"ledig_bolig": {"id": "B-1", "bolig": {"kategori": "ordinaer"}},
                                  "kandidater": copy.deepcopy(nominees)}, AS_OF)
        by_id = {c.id: c for c in ordinary.candidates}
        assert (by_id["K-1"].qualifies, by_id["K-2"].qualifies) == (False, True)
        assert ordinary.appeal.text == "Klagen går til kommunens klagenemnd."
        staffed = compiled.rank({"ledig_bolig": {"id": "B-2", "bolig": {"kategori": "bemanning"}},
                                 "kandidater": copy.deepcopy(nominees)}, AS_OF)
        by_id = {c.id: c for c in staffed.candidates}
        assert (by_id["K-1"].qualifies, by_id["K-2"].qualifies) == (True, False)
        assert [u.rule_id for u in by_id["K-2"].unmet_conditions] == ["behov_vurdert"]
        assert staffed.appeal.text.startswith("Klagen sendes til kommunen.") and staffed.appeal.basis == (
            "Pasient- og brukerrettighetsloven § 7-2")
        brief = {c.id: c for c in compiled.rank_summary({"ledig_bolig": {"id": "B-2", "bolig": {"kategori": "bemanning"}},
                                                         "kandidater": copy.deepcopy(nominees)}, AS_OF).candidates}
        assert brief["K-2"].not_qualified_by == ["behov_vurdert"]


def test_a_plans_vilkar_reading_the_points_and_a_combined_plans_appeal_are_refused(tmp_path):
    with pytest.raises(RulesError) as caught:
        load_rules(_bundle(tmp_path / "a", "    vilkar:\n      - {id: p, navn: p, krav: {felt: resultat.poeng, minst: 1}, "
                                          "begrunnelse: p, hjemmel: h}\n"))
    assert any("et vilkår i en plan kan ikke lese resultat.poeng" in str(p) and p.line
               for p in caught.value.problems), [str(p) for p in caught.value.problems]
    with pytest.raises(RulesError) as caught:
        load_rules(_bundle(tmp_path / "b", "    klage: {frist_dager: 28, hjemmel: h}\n", combined=True))
    assert any("klage erstatter regelverkets" in str(p) for p in caught.value.problems), \
        [str(p) for p in caught.value.problems]
