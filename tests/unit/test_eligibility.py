"""Eligibility conditions (vilkår) apart from suitability (issue 9, item 5, the engine's part): a
candidate who fails one "oppfyller ikke vilkårene", with each failed condition; a bundle of
conditions alone, with no points, is valid."""

from __future__ import annotations

import datetime as dt

import pytest

from engine import CompiledRules, RulesError, load_rules
from support.bundles import write_bundle
from support.reference_evaluator import ReferenceRules

SECTIONS = """
ledig_bolig:
  id: {type: tekst, etikett: Bolig-ID, obligatorisk: true}
kandidat:
  id: {type: tekst, etikett: Søker-ID, obligatorisk: true}
  fodselsdato: {type: dato, etikett: fødselsdato}
  bosatt_siden: {type: dato, etikett: bosatt i kommunen siden}
  formue: {type: heltall, etikett: formue, enhet: kr}
sjekkliste:
  merknad: {type: tekst, etikett: merknad}
"""
DERIVED = """
alder: {etikett: alder, alder: kandidat.fodselsdato}
botid_ar: {etikett: år bosatt i kommunen, ar_siden: kandidat.bosatt_siden}
"""
PARAMETERS = """
formuesgrense: {etikett: formuesgrensen, enhet: kr, referanse: Retningslinjer pkt. 2.3, verdier: {2020-01-01: 200000}}
"""


def conditions_file(folder):
    path = folder / "egnethet.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("kontroller: []\n", "kontroller: []\nvilkar:\n" + """\
  - id: alder
    navn: Fylt 18 år
    krav: {felt: beregnet.alder, minst: 18}
    begrunnelse: Søkeren er {beregnet.alder} år; det kreves 18.
    hjemmel: Forskrift § 2
  - id: botid
    navn: To års botid
    krav: {felt: beregnet.botid_ar, minst: 2}
    begrunnelse: Søkeren har bodd {beregnet.botid_ar} år i kommunen.
    hjemmel: Forskrift § 3
  - id: formue
    navn: Formue under grensen
    krav: {felt: kandidat.formue, hoyst: {felt: parameter.formuesgrense}}
    begrunnelse: Formuen er {kandidat.formue} kr; grensen er {parameter.formuesgrense} kr.
    hjemmel: Forskrift § 4
"""), encoding="utf-8")
    return folder


def compiled(tmp_path, evaluator=None):
    folder = conditions_file(write_bundle(tmp_path / "regler", sections=SECTIONS, derived=DERIVED,
                                          parameters=PARAMETERS))
    book = load_rules(folder)
    return CompiledRules(book) if evaluator is None else CompiledRules(book, evaluator_factory=evaluator)


CASE = {"ledig_bolig": {"id": "B-1"}, "kandidater": [
    {"id": "S-1", "fodselsdato": "1990-01-01", "bosatt_siden": "2020-01-01", "formue": 10_000, "sjekkliste": {}},
    {"id": "S-2", "fodselsdato": "2010-01-01", "bosatt_siden": "2025-09-01", "formue": 250_000, "sjekkliste": {}},
    {"id": "S-3", "fodselsdato": "1980-01-01", "bosatt_siden": "2024-06-01", "sjekkliste": {}},
]}
AS_OF = dt.date(2026, 6, 1)


def test_a_candidate_who_fails_is_refused_with_every_failed_condition(tmp_path):
    result = {c.id: c for c in compiled(tmp_path).rank(CASE, AS_OF).candidates}
    assert result["S-1"].qualifies and result["S-1"].eligible and result["S-1"].unmet_conditions == []
    two = result["S-2"]
    assert not two.qualifies and not two.eligible
    assert [(f.rule_id, f.source, f.text) for f in two.unmet_conditions] == [
        ("alder", "vilkar", "Søkeren er 16 år; det kreves 18."),
        ("botid", "vilkar", "Søkeren har bodd 0 år i kommunen."),
        ("formue", "vilkar", "Formuen er 250 000 kr; grensen er 200 000 kr.")]
    assert two.compared_to_top.text == "Oppfyller ikke vilkårene: Fylt 18 år; To års botid; Formue under grensen."
    three = result["S-3"]  # wealth not given: the condition is not shown to be met
    assert [f.rule_id for f in three.unmet_conditions] == ["formue"]
    assert three.unmet_conditions[0].text == "Formuen er ikke oppgitt kr; grensen er 200 000 kr."


def test_a_bundle_of_conditions_alone_with_no_points_is_valid_and_ranks_the_qualified_first(tmp_path):
    ranked = compiled(tmp_path).rank(CASE, AS_OF)
    assert [c.id for c in ranked.candidates] == ["S-1", "S-2", "S-3"]
    assert ranked.present_to_unit_leader == ["S-1"]
    brief = compiled(tmp_path / "b").rank_summary(CASE, AS_OF)
    assert [(c.id, c.qualifies, c.not_qualified_by) for c in brief.candidates] == [
        ("S-1", True, []), ("S-2", False, ["alder", "botid", "formue"]), ("S-3", False, ["formue"])]


def test_durable_rules_and_reference_agree(tmp_path):
    assert compiled(tmp_path / "d").rank(CASE, AS_OF).model_dump() == \
        compiled(tmp_path / "r", ReferenceRules).rank(CASE, AS_OF).model_dump()


def test_a_condition_on_an_unknown_field_names_file_line_and_condition(tmp_path):
    folder = conditions_file(write_bundle(tmp_path / "regler", sections=SECTIONS, derived=DERIVED,
                                          parameters=PARAMETERS))
    path = folder / "egnethet.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("beregnet.botid_ar, minst", "beregnet.botid, minst"),
                    encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        load_rules(folder)
    [problem] = caught.value.problems
    assert problem.file.endswith("egnethet.yaml") and problem.line == 12 and problem.rule_id == "botid"
    assert "ukjent felt 'beregnet.botid' (mente du 'beregnet.botid_ar'?)" in problem.message
