"""A record of a list compared with a field of the home or the candidate (issue 9): «lets in this home's
own sub-area» (Buckinghamshire's local quota per sub-area), «offers in the applicant's own district».
The outer value is copied into each record before matching, so durable_rules still compares two keys
of one fact; only fields of the case itself may be named, and a home list only with the home."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import CompiledRules, RulesError, load_rules
from support.bundles import write_bundle
from support.reference_evaluator import ReferenceRules

AS_OF = dt.date(2026, 6, 1)
AREAS = ["kingsbrook", "berryfields", "hampden"]

SECTIONS = """
ledig_bolig:
  id: {type: tekst, etikett: Bolig-ID, obligatorisk: true}
  delomrade: {type: valg, etikett: delområdet boligen ligger i, verdier: delomrader}
  tildelinger:
    type: liste
    etikett: tidligere tildelinger
    felter:
      dato: {type: dato, etikett: vedtaksdato, fra_vedtak: vedtak.dato}
      delomrade: {type: valg, etikett: delområdet, verdier: delomrader, fra_vedtak: ledig_bolig.delomrade}
      tilknytning: {type: boolsk, etikett: søkeren hadde tilknytning, fra_vedtak: sjekkliste.tilknytning}
kandidat:
  id: {type: tekst, etikett: Søker-ID, obligatorisk: true}
  delomrade: {type: valg, etikett: delområdet søkeren bor i, verdier: delomrader}
  tilbud:
    type: liste
    etikett: tidligere tilbud
    felter:
      delomrade: {type: valg, etikett: delområdet tilbudet gjaldt, verdier: delomrader}
sjekkliste:
  tilknytning: {type: boolsk, etikett: tilknytning til delområdet}
"""

VALUES = """
verdilister:
  delomrader: {kingsbrook: Kingsbrook, berryfields: Berryfields, hampden: Hampden Fields}
"""

DERIVED = """
utleier_i_delomradet:
  etikett: tidligere tildelinger i boligens delområde
  antall:
    blant: ledig_bolig.tildelinger
    hvor: {felt: tildelinger.delomrade, er: {felt: ledig_bolig.delomrade}}
tilknyttede_i_delomradet:
  etikett: tidligere tildelinger i boligens delområde til søkere med tilknytning
  antall:
    blant: ledig_bolig.tildelinger
    hvor:
      alle:
        - {felt: tildelinger.delomrade, er: {felt: ledig_bolig.delomrade}}
        - {felt: tildelinger.tilknytning, er: true}
tilbud_i_eget_delomrade:
  etikett: tidligere tilbud i søkerens eget delområde
  antall:
    blant: kandidat.tilbud
    hvor: {felt: tilbud.delomrade, er: {felt: kandidat.delomrade}}
tilbud_andre_steder:
  etikett: tidligere tilbud utenfor søkerens delområde
  antall:
    blant: kandidat.tilbud
    hvor: {felt: tilbud.delomrade, er_ikke: {felt: kandidat.delomrade}}
"""

CRITERIA = """
- id: tilknytning_under_kvoten
  navn: Tilknytning, og kvoten i delområdet er ikke brukt opp
  poeng: 10
  betingelse:
    alle:
      - {felt: sjekkliste.tilknytning, er: true}
      - {felt: beregnet.tilknyttede_i_delomradet, under: 2}
  forklaring: "{beregnet.tilknyttede_i_delomradet} av {beregnet.utleier_i_delomradet} tildelinger i delområdet"
  hjemmel: Aylesbury Vale LLP
- id: avslatt_i_eget_delomrade
  navn: Har fått tilbud i eget delområde
  poeng: -5
  betingelse: {felt: beregnet.tilbud_i_eget_delomrade, minst: 1}
  forklaring: "{beregnet.tilbud_i_eget_delomrade} tilbud i eget delområde"
  hjemmel: Scheme 2
"""


def _bundle(tmp_path, derived=DERIVED, sections=SECTIONS):
    folder = write_bundle(tmp_path / "regler", sections=sections, derived=derived, criteria=CRITERIA)
    felter = folder / "felter.yaml"
    felter.write_text(felter.read_text(encoding="utf-8") + VALUES, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    book = load_rules(_bundle(tmp_path_factory.mktemp("ytre")))
    return CompiledRules(book), CompiledRules(book, evaluator_factory=ReferenceRules)


def _case(area, lets, nominees):
    home = {"id": "AV-1", "tildelinger": [{"dato": "2025-01-01", "delomrade": a, "tilknytning": t} for a, t in lets]}
    if area is not None:
        home["delomrade"] = area
    candidates = []
    for i, (own, offers, connected) in enumerate(nominees):
        candidate = {"id": f"K-{i}", "tilbud": [{"delomrade": a} for a in offers],
                     "sjekkliste": {"tilknytning": connected}}
        if own is not None:
            candidate["delomrade"] = own
        candidates.append(candidate)
    return {"ledig_bolig": home, "kandidater": candidates}


def _values(compiled, case):
    valid = compiled.case_models.Case.model_validate(case).model_dump(mode="json", exclude_none=True)
    [found] = compiled.candidate_facts([(valid, AS_OF)])
    return found


def test_lets_are_counted_in_the_homes_own_sub_area_and_offers_in_the_candidates_own(both):
    durable, _ = both
    case = _case("kingsbrook", [("kingsbrook", True), ("berryfields", True), ("kingsbrook", False),
                                ("kingsbrook", True)],
                 [("hampden", ["hampden", "kingsbrook", "hampden"], True), ("berryfields", ["kingsbrook"], False)])
    first, second = _values(durable, case)
    assert (first["beregnet.utleier_i_delomradet"], first["beregnet.tilknyttede_i_delomradet"]) == (3, 2)
    assert (second["beregnet.utleier_i_delomradet"], second["beregnet.tilknyttede_i_delomradet"]) == (3, 2)
    assert (first["beregnet.tilbud_i_eget_delomrade"], first["beregnet.tilbud_andre_steder"]) == (2, 1)
    assert (second["beregnet.tilbud_i_eget_delomrade"], second["beregnet.tilbud_andre_steder"]) == (0, 1)
    result = {c.id: c for c in durable.rank(case, AS_OF).candidates}
    assert [i.rule_id for i in result["K-0"].score_items] == ["avslatt_i_eget_delomrade"]  # quota used: 2 of 3
    # in Berryfields one connected let of one: the quota is not used up
    result = {c.id: c for c in durable.rank(dict(case, ledig_bolig=dict(case["ledig_bolig"], delomrade="berryfields")),
                                            AS_OF).candidates}
    assert [(i.rule_id, i.text) for i in result["K-0"].score_items][0] == (
        "tilknytning_under_kvoten", "1 av 1 tildelinger i delområdet")


def test_a_home_without_its_sub_area_counts_nothing_as_in_it(both):
    durable, _ = both
    [values] = _values(durable, _case(None, [("kingsbrook", True)], [(None, ["kingsbrook"], True)]))
    # no value to compare with: a comparison with a missing field is false, as everywhere
    assert values["beregnet.utleier_i_delomradet"] == 0
    assert values["beregnet.tilbud_i_eget_delomrade"] == 0 and values["beregnet.tilbud_andre_steder"] == 1


AREA = st.sampled_from(AREAS)


@given(area=st.one_of(st.none(), AREA), lets=st.lists(st.tuples(AREA, st.booleans()), max_size=6),
       nominees=st.lists(st.tuples(st.one_of(st.none(), AREA), st.lists(AREA, max_size=4), st.booleans()),
                         min_size=1, max_size=4))
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
def test_random_lets_and_offers_rank_as_the_reference_and_count_as_python_would(both, area, lets, nominees):
    durable, reference = both
    case = _case(area, lets, nominees)
    assert durable.rank(case, AS_OF).model_dump() == reference.rank(case, AS_OF).model_dump()
    for values, (own, offers, _) in zip(_values(durable, case), nominees):
        assert values["beregnet.utleier_i_delomradet"] == sum(1 for a, _ in lets if area is not None and a == area)
        assert values["beregnet.tilknyttede_i_delomradet"] == sum(1 for a, t in lets if area is not None and a == area and t)
        assert values["beregnet.tilbud_i_eget_delomrade"] == sum(1 for a in offers if own is not None and a == own)


def _refused(tmp_path, derived) -> list[str]:
    with pytest.raises(RulesError) as caught:
        load_rules(_bundle(tmp_path, derived=derived))
    return [str(p) for p in caught.value.problems]


def test_rules_check_refuses_a_home_list_compared_with_the_candidate_or_a_computed_value(tmp_path):
    candidate = DERIVED.replace("hvor: {felt: tildelinger.delomrade, er: {felt: ledig_bolig.delomrade}}",
                                "hvor: {felt: tildelinger.delomrade, er: {felt: kandidat.delomrade}}")
    [message] = _refused(tmp_path / "a", candidate)
    assert "felter.yaml:" in message and "kan sammenlignes med felt i samme liste eller med boligens felt" in message
    assert "ikke med 'kandidat.delomrade'" in message
    computed = DERIVED + ("antall_tilbud_over_utleier:\n  etikett: x\n  antall:\n    blant: kandidat.tilbud\n"
                          "    hvor: {felt: tilbud.delomrade, er: {felt: beregnet.utleier_i_delomradet}}\n")
    messages = _refused(tmp_path / "b", computed)
    assert any("ikke med 'beregnet.utleier_i_delomradet' (en beregnet verdi regnes først etter listene)" in m
               for m in messages), messages


def test_the_readme_block_counts_as_the_readme_says(tmp_path):
    import textwrap

    from support.readme import yaml_blocks

    [block] = yaml_blocks("### En post sammenlignet med boligen eller søkeren")
    own = DERIVED.split("tilknyttede_i_delomradet:")[0]  # the test bundle's criteria also show this count
    derived = own + textwrap.dedent(block.split("beregnet:\n", 1)[1])
    compiled = CompiledRules(load_rules(_bundle(tmp_path, derived=derived)))
    case = _case("kingsbrook", [("kingsbrook", True), ("berryfields", True), ("kingsbrook", False)],
                 [("hampden", ["hampden", "kingsbrook"], True)])
    [values] = _values(compiled, case)
    assert (values["beregnet.tilknyttede_i_delomradet"], values["beregnet.tilbud_i_eget_delomrade"]) == (1, 1)
    # and without the home's sub-area, no let is «in» it
    [values] = _values(compiled, _case(None, [("kingsbrook", True)], [("hampden", [], True)]))
    assert values["beregnet.tilknyttede_i_delomradet"] == 0


PLAN = """
likhetsmargin: 0
ved_likt_poeng: []
lokale_planer:
  - id: lokal_kvote
    navn: «Lokal kvote»
    gjelder: {felt: ledig_bolig.delomrade, finnes: true}
    kriterier:
      - {id: tilknytning_i_planen, navn: Tilknytning, poeng: 50, betingelse: {felt: sjekkliste.tilknytning, er: true},
         forklaring: tilknytning til delområdet, hjemmel: LLP}
    faller_bort:
      noen_kandidat: {felt: beregnet.tilknyttede_i_delomradet, minst: 2}
      begrunnelse: >-
        kvoten i {ledig_bolig.delomrade} er brukt opp: {beregnet.tilknyttede_i_delomradet} av
        {beregnet.utleier_i_delomradet} tildelinger gikk til søkere med tilknytning
    hjemmel: LLP
"""


def test_a_plan_that_falls_away_says_so_with_the_counts_over_the_homes_list(tmp_path):
    folder = _bundle(tmp_path)
    (folder / "rangering.yaml").write_text((folder / "rangering.yaml").read_text(encoding="utf-8").split(
        "likhetsmargin")[0] + PLAN.lstrip(), encoding="utf-8")
    compiled = CompiledRules(load_rules(folder))
    case = _case("kingsbrook", [("kingsbrook", True), ("kingsbrook", True), ("kingsbrook", False),
                                ("berryfields", True)], [("hampden", [], True)])
    [plan] = compiled.rank(case, AS_OF).plans
    assert (plan.status, plan.text) == ("faller_bort", "«Lokal kvote» gjelder ikke: kvoten i Kingsbrook er brukt opp: "
                                                       "2 av 3 tildelinger gikk til søkere med tilknytning.")
    # a value that differs between the candidates cannot stand in that text
    (folder / "rangering.yaml").write_text((folder / "rangering.yaml").read_text(encoding="utf-8").replace(
        "{beregnet.utleier_i_delomradet} tildelinger", "{beregnet.tilbud_i_eget_delomrade} tildelinger"),
        encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        load_rules(folder)
    [message] = [str(p) for p in caught.value.problems]
    assert "rangering.yaml:" in message and "ikke '{beregnet.tilbud_i_eget_delomrade}'" in message
