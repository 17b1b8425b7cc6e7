"""Lists of records (issue 9, items 8 and 10): a household and earlier offers, aggregated by rules.

A small bundle in the shape of the UK bedroom standard (Buckinghamshire: a couple shares,
two children of the same sex aged 10-20 share, two children under 10 share, anyone else
sleeps alone) and a refusal policy in the shape of Stockholm's ("two refusals within 12
months -> suspended for 6 months"), ranked through the public engine API with durable_rules
and with the reference evaluator, and the mistakes `rules check` must refuse.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

import pytest

from engine import CaseError, CompiledRules, RulesError, load_rules
from engine.evaluation.records import fewest_rooms
from support.bundles import write_bundle
from support.reference_evaluator import ReferenceRules, reference_bedrooms

AS_OF = dt.date(2026, 3, 1)

SECTIONS = """
ledig_bolig:
  id: {type: tekst, etikett: Bolig-ID, obligatorisk: true}
bolig:
  soverom: {type: heltall, etikett: soverom, enhet: rom, min: 0}
kandidat:
  id: {type: tekst, etikett: Søker-ID, obligatorisk: true}
  husstand:
    type: liste
    etikett: husstandsmedlemmer
    felter:
      fodt: {type: dato, etikett: fødselsdato, obligatorisk: true}
      kjonn: {type: valg, etikett: kjønn, verdier: {kvinne: kvinne, mann: mann}}
      relasjon: {type: valg, etikett: relasjon, verdier: {soker: søkeren, partner: partner, barn: barn, annen: annen voksen}}
      inntekt: {type: heltall, etikett: inntekt per år, enhet: kr, min: 0}
    beregnet:
      alder: {etikett: alder, alder: husstand.fodt}
  tidligere_tilbud:
    type: liste
    etikett: tidligere tilbud
    felter:
      dato: {type: dato, etikett: dato for svaret, obligatorisk: true}
      utfall: {type: valg, etikett: utfall, verdier: {akseptert: akseptert, takket_nei: takket nei, ikke_svart: ikke svart}, obligatorisk: true}
    beregnet:
      maneder_siden: {etikett: måneder siden svaret, maneder_siden: tidligere_tilbud.dato}
sjekkliste:
  merknad: {type: tekst, etikett: merknad}
"""

DERIVED = """
barn:
  etikett: barn under 18 i husstanden
  antall:
    blant: kandidat.husstand
    hvor: {felt: husstand.alder, under: 18}
soverombehov:
  etikett: soverom husstanden trenger etter soveromsstandarden
  soverom:
    blant: kandidat.husstand
    deler:
      - navn: par
        begge: {felt: husstand.relasjon, en_av: [soker, partner]}
      - navn: to barn av samme kjønn, 10-20 år
        begge: {alle: [{felt: husstand.alder, minst: 10}, {felt: husstand.alder, under: 21}]}
        samme: [husstand.kjonn]
      - navn: to barn under 10 år
        begge: {felt: husstand.alder, under: 10}
soverom_moray:
  etikett: soverom etter en norm med aldersforskjell
  soverom:
    blant: kandidat.husstand
    deler:
      - navn: par
        begge: {felt: husstand.relasjon, en_av: [soker, partner]}
      - navn: to barn under 5 år uansett kjønn
        begge: {felt: husstand.alder, under: 5}
      - navn: to barn av samme kjønn under 16 med under 5 års aldersforskjell
        begge: {felt: husstand.alder, under: 16}
        samme: [husstand.kjonn]
        forskjell: {felt: husstand.fodt, under: 5}
inntekt_under_20:
  etikett: inntekten til husstandsmedlemmer under 20 år
  enhet: kr
  sum: {blant: kandidat.husstand, felt: husstand.inntekt, hvor: {felt: husstand.alder, under: 20}}
fjerde_avslag:
  etikett: dato for det fjerde avslaget
  eldste: {blant: kandidat.tidligere_tilbud, felt: tidligere_tilbud.dato, hvor: {felt: tidligere_tilbud.utfall, er: takket_nei}, nummer: 4}
avslag_siste_12_maneder:
  etikett: tilbud takket nei til de siste 12 månedene
  antall:
    blant: kandidat.tidligere_tilbud
    hvor:
      alle:
        - {felt: tidligere_tilbud.utfall, er: takket_nei}
        - {felt: tidligere_tilbud.maneder_siden, under: 12}
siste_avslag:
  etikett: dato søkeren sist takket nei
  nyeste: {blant: kandidat.tidligere_tilbud, felt: tidligere_tilbud.dato, hvor: {felt: tidligere_tilbud.utfall, er: takket_nei}}
nest_siste_avslag:
  etikett: dato for avslaget før det siste
  nyeste: {blant: kandidat.tidligere_tilbud, felt: tidligere_tilbud.dato, hvor: {felt: tidligere_tilbud.utfall, er: takket_nei}, nummer: 2}
andre_avslag_innen_12_maneder:
  etikett: dagen søkeren sist takket nei for andre gang innen 12 måneder
  nyeste: {blant: kandidat.tidligere_tilbud, felt: tidligere_tilbud.dato, hvor: {felt: tidligere_tilbud.utfall, er: takket_nei}, nummer: 2, innen_maneder: 12}
tredje_svar_innen_40_dager:
  etikett: første dag søkeren hadde svart tre ganger innen 40 dager
  eldste: {blant: kandidat.tidligere_tilbud, felt: tidligere_tilbud.dato, nummer: 3, innen_dager: 40}
maneder_siden_siste_avslag:
  etikett: måneder siden søkeren sist takket nei
  maneder_siden: beregnet.siste_avslag
maneder_mellom_avslagene:
  etikett: måneder mellom de to siste avslagene
  maneder_mellom: {fra: beregnet.nest_siste_avslag, til: beregnet.siste_avslag}
"""

CHECKS = """
- id: for_fa_soverom
  navn: Boligen har for få soverom
  betingelse: {felt: beregnet.soverombehov, over: {felt: bolig.soverom}}
  begrunnelse: Husstanden trenger {beregnet.soverombehov|soverom|soverom}; boligen har {bolig.soverom}.
  hjemmel: soveromsstandarden
- id: karantene_etter_avslag
  navn: To avslag innen 12 måneder gir karantene i 6 måneder
  betingelse:
    alle:
      - {felt: beregnet.maneder_mellom_avslagene, under: 12}
      - {felt: beregnet.maneder_siden_siste_avslag, under: 6}
  begrunnelse: Søkeren takket nei {beregnet.nest_siste_avslag} og {beregnet.siste_avslag}.
  hjemmel: avslagsregelen
"""


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    folder = write_bundle(tmp_path_factory.mktemp("lister"), sections=SECTIONS, derived=DERIVED, checks=CHECKS)
    return load_rules(folder)


@pytest.fixture(scope="module")
def both(bundle):
    return CompiledRules(bundle), CompiledRules(bundle, evaluator_factory=ReferenceRules)


def member(born: str, sex: str | None = None, relation: str = "barn") -> dict:
    out = {"fodt": born, "relasjon": relation}
    if sex:
        out["kjonn"] = sex
    return out


FAMILY = [member("1985-05-01", "kvinne", "soker"), member("1984-02-01", "mann", "partner"),
          member("2013-06-01", "mann"),   # 12
          member("2017-09-01", "mann"),   # 8
          member("2019-11-01", "kvinne")]  # 6


def case(**candidate) -> dict:
    return {"ledig_bolig": {"id": "L-1", "bolig": {"soverom": 3}}, "beboere": [],
            "kandidater": [{"id": "K-1", "sjekkliste": {}, **candidate}]}


def facts(compiled, data, as_of=AS_OF) -> dict:
    [values] = compiled.candidate_facts([(compiled.case_models.Case.model_validate(data).model_dump(
        mode="json", exclude_none=True), as_of)])
    return values[0]


def test_two_adults_a_boy_of_12_a_boy_of_8_and_a_girl_of_6_need_three_bedrooms(both):
    for compiled in both:
        values = facts(compiled, case(husstand=FAMILY))
        assert values["beregnet.soverombehov"] == 3
        assert values["beregnet.barn"] == 3
    result = both[0].rank(case(husstand=FAMILY), AS_OF)
    assert result.candidates[0].eligible


def test_the_bedroom_need_is_compared_with_the_home_and_shown_in_the_text(both):
    data = case(husstand=FAMILY)
    data["ledig_bolig"]["bolig"]["soverom"] = 2
    for compiled in both:
        [found] = compiled.rank(data, AS_OF).candidates
        assert not found.eligible
        [block] = found.blocks
        assert block.text == "Husstanden trenger 3 soverom; boligen har 2."


def test_the_bedroom_need_follows_the_sharing_rules(both):
    durable, _ = both
    cases = {
        "enslig": ([member("1990-01-01", "kvinne", "soker")], 1),
        "to brødre 14 og 16 deler": ([member("1990-01-01", "kvinne", "soker"), member("2012-01-01", "mann"),
                                      member("2010-01-01", "mann")], 2),
        "bror 14 og søster 12 deler ikke": ([member("1990-01-01", "kvinne", "soker"), member("2012-01-01", "mann"),
                                             member("2014-01-01", "kvinne")], 3),
        "kjønn ikke oppgitt: 14-åringene deler ikke": ([member("2012-01-01"), member("2012-02-01")], 2),
        "voksne barn på 22 og 23 får hvert sitt": ([member("2004-01-01", "mann"), member("2003-01-01", "mann")], 2),
        "søker og en annen voksen deler ikke": ([member("1960-01-01", "mann", "soker"),
                                                 member("1962-01-01", "kvinne", "annen")], 2),
        "tom liste": ([], 0),
    }
    for name, (household, rooms) in cases.items():
        assert facts(durable, case(husstand=household))["beregnet.soverombehov"] == rooms, name


def test_the_order_of_the_members_does_not_change_the_need(both):
    durable, _ = both
    # A boy of 15 alone (the boy of 8 is under 10), two of the three under 10 share, the third alone.
    household = [member("2011-01-01", "mann"), member("2018-01-01", "mann"), member("2020-01-01", "kvinne"),
                 member("2020-02-01", "kvinne")]
    for order in (household, household[::-1], household[1:] + household[:1]):
        assert facts(durable, case(husstand=order))["beregnet.soverombehov"] == 3


def test_a_household_not_given_has_no_bedroom_need_and_is_not_blocked(both):
    for compiled in both:
        values = facts(compiled, case())
        assert "beregnet.soverombehov" not in values and "beregnet.barn" not in values
        [found] = compiled.rank(case(), AS_OF).candidates
        assert found.eligible  # a comparison with a value not given is false


def refusal(day: str, outcome: str = "takket_nei") -> dict:
    return {"dato": day, "utfall": outcome}


def test_two_refusals_within_12_months_suspend_for_6_months(both):
    offers = [refusal("2025-03-10"), refusal("2025-11-20"), refusal("2025-12-01", "akseptert")]
    for compiled in both:
        values = facts(compiled, case(tidligere_tilbud=offers))
        assert values["beregnet.avslag_siste_12_maneder"] == 2  # 2025-03-10 is 11 whole months back
        assert values["beregnet.siste_avslag"] == "2025-11-20"
        assert values["beregnet.nest_siste_avslag"] == "2025-03-10"
        assert values["beregnet.maneder_mellom_avslagene"] == 8
        assert values["beregnet.maneder_siden_siste_avslag"] == 3
        [found] = compiled.rank(case(tidligere_tilbud=offers), AS_OF).candidates
        assert [b.rule_id for b in found.blocks] == ["karantene_etter_avslag"]
        assert found.blocks[0].text == "Søkeren takket nei 10. mars 2025 og 20. november 2025."


def test_the_suspension_ends_six_months_after_the_second_refusal(both):
    offers = [refusal("2025-03-10"), refusal("2025-08-20")]
    for compiled in both:
        [found] = compiled.rank(case(tidligere_tilbud=offers), AS_OF).candidates
        assert found.eligible  # 5 months apart, but the second is 6 whole months back (since 2026-02-20)
    offers = [refusal("2025-03-10"), refusal("2025-09-02")]  # 5 whole months back: still suspended
    assert not both[0].rank(case(tidligere_tilbud=offers), AS_OF).candidates[0].eligible
    offers = [refusal("2024-01-10"), refusal("2025-12-20")]  # 23 months apart: not within 12 months
    assert both[0].rank(case(tidligere_tilbud=offers), AS_OF).candidates[0].eligible


def test_refusals_are_counted_within_the_window_and_a_future_record_is_left_out(both):
    offers = [refusal("2025-03-02"), refusal("2025-03-01"), refusal("2026-02-28"), refusal("2026-01-15", "ikke_svart"),
              refusal("2026-04-01")]  # the last is after the assessment date
    for compiled in both:
        values = facts(compiled, case(tidligere_tilbud=offers))
        # 2025-03-01 is 12 whole months back (outside), 2025-03-02 is 11; the future one has no months since.
        assert values["beregnet.avslag_siste_12_maneder"] == 2
        assert values["beregnet.siste_avslag"] == "2026-02-28"  # not 2026-04-01: it had not happened yet
        assert values["beregnet.maneder_siden_siste_avslag"] == 0
    early = facts(both[0], case(tidligere_tilbud=offers), as_of=dt.date(2025, 6, 1))
    assert early["beregnet.siste_avslag"] == "2025-03-02"
    assert early["beregnet.avslag_siste_12_maneder"] == 2


def test_an_empty_list_counts_zero_and_has_no_latest_date(both):
    for compiled in both:
        values = facts(compiled, case(husstand=[], tidligere_tilbud=[]))
        assert values["beregnet.avslag_siste_12_maneder"] == 0
        assert values["beregnet.barn"] == 0
        assert values["beregnet.soverombehov"] == 0
        assert "beregnet.siste_avslag" not in values
        assert "beregnet.maneder_siden_siste_avslag" not in values


def test_bad_record_values_are_refused_with_their_path(bundle):
    compiled = CompiledRules(bundle)
    bad = case(husstand=[member("1985-05-01", "kvinne", "soker"), member("2013-06-01", "mann"),
                         {"fodt": "1. mai", "kjonn": "gutt"}, {"kjonn": "mann"}],
               tidligere_tilbud=[{"dato": "2025-01-01", "utfall": "nei", "ekstra": 1}])
    with pytest.raises(CaseError) as caught:
        compiled.rank(bad, AS_OF)
    paths = {p.path for p in caught.value.problems}
    assert {"kandidater[0].husstand[2].fodt", "kandidater[0].husstand[2].kjonn", "kandidater[0].husstand[3].fodt",
            "kandidater[0].tidligere_tilbud[0].utfall", "kandidater[0].tidligere_tilbud[0].ekstra"} <= paths
    with pytest.raises(CaseError) as caught:
        compiled.rank(case(husstand={"fodt": "2000-01-01"}), AS_OF)
    assert {p.path for p in caught.value.problems} == {"kandidater[0].husstand"}


def test_fewest_rooms_is_a_maximum_matching():
    assert fewest_rooms(0, lambda i, j: True) == 0
    assert fewest_rooms(5, lambda i, j: True) == 3
    assert fewest_rooms(4, lambda i, j: False) == 4
    # A path 0-1-2-3: pairing 1 with 2 first would leave two alone; the best is 0-1 and 2-3.
    edges = {(0, 1), (1, 2), (2, 3)}
    assert fewest_rooms(4, lambda i, j: (min(i, j), max(i, j)) in edges) == 2
    assert reference_bedrooms(4, lambda i, j: (min(i, j), max(i, j)) in edges) == 2


def _refused(tmp_path, derived: str, sections: str = SECTIONS, checks: str = "") -> list[str]:
    folder = write_bundle(tmp_path, sections=sections, derived=derived, checks=checks)
    with pytest.raises(RulesError) as caught:
        load_rules(folder)
    return [str(p) for p in caught.value.problems]


def test_rules_check_refuses_an_unknown_list_with_file_and_line(tmp_path):
    [message] = _refused(tmp_path, """
        barn:
          etikett: barn
          antall:
            blant: kandidat.husstanden
            hvor: {felt: husstand.alder, under: 18}
        """)
    assert "felter.yaml:" in message and "ukjent liste 'kandidat.husstanden' (mente du 'kandidat.husstand'?)" in message


def test_rules_check_refuses_a_record_path_outside_its_list(tmp_path):
    [message] = _refused(tmp_path, """
        barn:
          etikett: barn
          antall:
            blant: kandidat.tidligere_tilbud
            hvor: {felt: husstand.alder, under: 18}
        """)
    assert "her kan bare feltene i listen 'kandidat.tidligere_tilbud' brukes" in message
    assert "'husstand.alder'" in message
    [message] = _refused(tmp_path, "", checks="""
        - id: barn_i_regel
          navn: x
          betingelse: {felt: husstand.alder, under: 18}
          begrunnelse: x
          hjemmel: x
        """)
    assert "egnethet.yaml:" in message and "'husstand.alder' er et felt i listen 'kandidat.husstand'" in message


def test_rules_check_refuses_a_bedroom_need_over_fields_the_list_lacks(tmp_path):
    messages = _refused(tmp_path, """
        behov:
          etikett: soverom
          soverom:
            blant: kandidat.tidligere_tilbud
            deler:
              - begge: {felt: husstand.alder, under: 10}
              - samme: [husstand.kjonn]
        """)
    assert any("'husstand.alder'" in m and "'kandidat.tidligere_tilbud'" in m for m in messages)
    assert any("'husstand.kjonn' er ikke et felt i listen 'kandidat.tidligere_tilbud'" in m
               and "tidligere_tilbud.dato" in m for m in messages)
    assert all("felter.yaml:" in m for m in messages)


def test_rules_check_refuses_a_latest_date_of_a_field_that_is_no_date_and_a_list_compared_directly(tmp_path):
    [message] = _refused(tmp_path, """
        siste:
          etikett: siste
          nyeste: {blant: kandidat.tidligere_tilbud, felt: tidligere_tilbud.utfall}
        """)
    assert "'tidligere_tilbud.utfall' er ikke et datofelt i listen" in message
    [message] = _refused(tmp_path, "", checks="""
        - id: liste_direkte
          navn: x
          betingelse: {felt: kandidat.husstand, finnes: true}
          begrunnelse: x
          hjemmel: x
        """)
    assert "'kandidat.husstand' er en liste" in message


def test_a_list_holds_only_plain_values_and_only_under_kandidat(tmp_path):
    sections = SECTIONS.replace("kjonn: {type: valg,", "kjonn: {type: flervalg,")
    [message] = _refused(tmp_path, "", sections=sections)
    assert "enkel type" in message and "flervalg" in message
    sections = SECTIONS + "  naboer:\n    type: liste\n    etikett: naboer\n    felter: {navn: {type: tekst, etikett: navn}}\n"
    [message] = _refused(tmp_path, "", sections=sections)
    assert "type liste passer bare under kandidat" in message


def test_lint_finds_the_sex_of_household_members_a_protected_attribute_unless_the_bundle_opts_out(tmp_path):
    from engine.policy.lint import lint

    folder = write_bundle(tmp_path, sections=SECTIONS, derived=DERIVED, checks=CHECKS)
    errors = [str(f) for f in lint(load_rules(folder)) if f.severity == "feil"]
    assert any("'beregnet.soverombehov' (beregnet av 'husstand.kjonn') er en beskyttet egenskap" in e for e in errors)
    assert any("skriv `beskyttet_egenskap_tillatt: [kjonn]` på 'beregnet.soverombehov'" in e for e in errors)
    # the bedroom standard alone may read sex (a Bristol tester had to take kjønn out for every rule) ...
    allowing = DERIVED.replace("soverombehov:\n  etikett", "soverombehov:\n  beskyttet_egenskap_tillatt: [kjonn]\n  etikett", 1)
    allowed = write_bundle(tmp_path / "bare_soverom", sections=SECTIONS, derived=allowing, checks=CHECKS)
    assert [str(f) for f in lint(load_rules(allowed)) if f.severity == "feil"] == []
    # ... and a rule over another value computed from sex is still stopped
    moray = CHECKS + CHECKS.split("- id: karantene")[0].replace("for_fa_soverom", "for_fa_etter_moray").replace(
        "beregnet.soverombehov", "beregnet.soverom_moray")
    stopped = write_bundle(tmp_path / "moray", sections=SECTIONS, derived=allowing, checks=moray)
    errors = [str(f) for f in lint(load_rules(stopped)) if f.severity == "feil"]
    assert len(errors) == 1 and "'beregnet.soverom_moray' (beregnet av 'husstand.kjonn')" in errors[0], errors
    header = (folder / "regelverk.yaml").read_text(encoding="utf-8")
    (folder / "regelverk.yaml").write_text(header + "beskyttede_egenskaper: [etnisitet, religion]\n", encoding="utf-8")
    assert [str(f) for f in lint(load_rules(folder)) if f.severity == "feil"] == []


def earning(born: str, income: int | None, relation: str = "barn") -> dict:
    out = member(born, relation=relation)
    if income is not None:
        out["inntekt"] = income
    return out


def test_a_sum_adds_the_field_over_the_records_that_match(both):
    household = [earning("1980-01-01", 500_000, "soker"), earning("2008-01-01", 40_000),  # 18
                 earning("2010-01-01", 12_000), earning("2005-01-01", 90_000)]         # 16; 21 does not count
    for compiled in both:
        assert facts(compiled, case(husstand=household))["beregnet.inntekt_under_20"] == 52_000
        assert facts(compiled, case(husstand=[]))["beregnet.inntekt_under_20"] == 0
        assert "beregnet.inntekt_under_20" not in facts(compiled, case())  # the list not given


def test_a_matching_record_without_the_value_leaves_the_sum_without_one(both):
    household = [earning("1980-01-01", None, "soker"),  # an adult without income stated: does not match
                 earning("2008-01-01", 40_000), earning("2010-01-01", None)]
    for compiled in both:
        assert "beregnet.inntekt_under_20" not in facts(compiled, case(husstand=household))
        assert facts(compiled, case(husstand=household[:2]))["beregnet.inntekt_under_20"] == 40_000


def test_a_sum_over_a_field_that_is_not_a_number_is_refused_with_its_line(tmp_path):
    derived = DERIVED.replace("felt: husstand.inntekt,", "felt: husstand.kjonn,")
    [message] = [m for m in _refused(tmp_path, derived, checks=CHECKS) if "husstand.kjonn" in m]
    assert re.search(r"felter\.yaml:\d+: ", message)
    assert "er ikke et tallfelt i listen 'kandidat.husstand'" in message
    assert "husstand.inntekt" in message  # the number fields it could sum


def test_a_pair_may_share_only_when_their_birth_dates_are_under_five_whole_years_apart(both):
    brothers = lambda *born: [member("1980-01-01", "kvinne", "soker")] + [member(b, "mann") for b in born]  # noqa: E731
    cases = {
        "3 og 7 år deler": (brothers("2022-06-01", "2018-06-01"), 2),
        "3 og 11 år deler ikke": (brothers("2022-06-01", "2014-06-01"), 3),
        "3, 7 og 11: to par er mulige, men bare ett om gangen": (brothers("2022-06-01", "2018-06-01", "2014-06-01"), 3),
        "én dag under fem år fra hverandre deler": (brothers("2020-03-02", "2015-03-03"), 2),
        "nøyaktig fem år fra hverandre deler ikke": (brothers("2020-03-03", "2015-03-03"), 3),
        "kjønn ikke oppgitt for to på 6 og 7: deler ikke": (
            [member("1980-01-01", "kvinne", "soker"), member("2020-01-01"), member("2019-01-01")], 3),
    }
    for compiled in both:
        for name, (household, rooms) in cases.items():
            assert facts(compiled, case(husstand=household))["beregnet.soverom_moray"] == rooms, name



def test_a_pair_difference_over_a_field_that_is_neither_number_nor_date_is_refused(tmp_path):
    derived = DERIVED.replace("forskjell: {felt: husstand.fodt, under: 5}", "forskjell: {felt: husstand.kjonn, under: 5}")
    [message] = [m for m in _refused(tmp_path, derived, checks=CHECKS) if "husstand.kjonn" in m]
    assert re.search(r"felter\.yaml:\d+: ", message)
    assert "er ikke et tall- eller datofelt i listen 'kandidat.husstand'" in message
    assert "husstand.fodt" in message


def test_the_n_th_earliest_date_is_the_day_the_n_th_record_came():
    """`eldste` with `nummer: 4`: the day of the fourth refusal (Birmingham: Band D from the fourth missed bid), not
    the latest; fewer than four gives no value, and a date after the assessment date is not counted yet."""
    book = load_rules(write_bundle(Path(tempfile.mkdtemp()) / "eldste", sections=SECTIONS, derived=DERIVED))
    compiled = CompiledRules(book)
    refusals = [{"dato": d, "utfall": "takket_nei"} for d in ("2025-01-10", "2024-03-01", "2025-06-30", "2025-09-01",
                                                              "2026-01-05", "2026-04-01")]
    refusals.append({"dato": "2024-12-24", "utfall": "akseptert"})

    def fourth(offers, as_of=AS_OF):
        valid = compiled.case_models.Case.model_validate({"ledig_bolig": {"id": "L", "bolig": {"soverom": 2}}, "kandidater": [
            {"id": "K", "tidligere_tilbud": offers, "sjekkliste": {}}]})
        [[values]] = compiled.candidate_facts([(valid.model_dump(mode="json", exclude_none=True), as_of)])
        return values.get("beregnet.fjerde_avslag")

    assert fourth(refusals) == "2025-09-01"  # 2024-03-01, 2025-01-10, 2025-06-30, then this one
    assert fourth(refusals[:3]) is None and fourth(refusals[:3] + refusals[-1:]) is None
    assert fourth(refusals, as_of=dt.date(2025, 8, 31)) is None  # the fourth had not come yet


@pytest.mark.parametrize("ranking, message", [
    ("likhetsmargin: 0\nved_likt_poeng:\n  - {felt: husstand.alder, retning: synkende}\n",
     "'husstand.alder' er en liste eller et felt i en liste og har ingen verdi for kandidaten"),
    ("likhetsmargin: 0\nved_likt_poeng:\n  - {felt: kandidat.husstand, retning: synkende}\n",
     "'kandidat.husstand' er en liste eller et felt i en liste"),
    ("likhetsmargin: 0\nved_likt_poeng: []\ntrinn:\n  - {id: alle, navn: Alle, begrunnelse: 'alder {husstand.alder}', "
     "hjemmel: h}\n", "teksten kan ikke vise en liste eller et felt i en liste ('{husstand.alder}')"),
])
def test_a_record_field_in_a_tie_break_or_a_tier_text_is_refused_with_file_and_line(tmp_path, ranking, message):
    """A record of a list has no value for the candidate: as a tie-break or in a text it would read «ikke oppgitt»
    for everyone, so rules check refuses it where it stands (a tester's Leeds bundle was accepted before)."""
    folder = write_bundle(tmp_path / "regler", sections=SECTIONS, derived=DERIVED, ranking=ranking)
    with pytest.raises(RulesError) as caught:
        load_rules(folder)
    assert message in str(caught.value) and "rangering.yaml:" in str(caught.value), str(caught.value)


def test_n_records_within_a_window_give_the_day_the_n_th_came_whichever_window_they_fell_in(both):
    """`nyeste` with `nummer: 2, innen_maneder: 12` (Stockholm: two refusals within 12 months): the latest day a
    refusal came with another at most 12 months before it, even when that window is not the last 12 months before
    the assessment date; a month's 31st is its last day in a shorter month, and 12 months after 15 March is the
    15th, not the 16th."""
    within = [refusal("2025-03-15"), refusal("2026-03-15"), refusal("2026-01-01", "akseptert")]
    outside = [refusal("2025-03-15"), refusal("2026-03-16")]
    older_window = [refusal("2024-02-01"), refusal("2024-09-30"), refusal("2025-12-01")]  # 14 months before the last
    clamped = [refusal("2025-01-31"), refusal("2025-02-28")]  # 31 January + 1 month is 28 February
    as_of = dt.date(2026, 6, 1)
    for compiled in both:
        assert facts(compiled, case(tidligere_tilbud=within), as_of)["beregnet.andre_avslag_innen_12_maneder"] \
            == "2026-03-15"
        assert "beregnet.andre_avslag_innen_12_maneder" not in facts(compiled, case(tidligere_tilbud=outside), as_of)
        assert facts(compiled, case(tidligere_tilbud=older_window), as_of)["beregnet.andre_avslag_innen_12_maneder"] \
            == "2024-09-30"
        assert facts(compiled, case(tidligere_tilbud=clamped), as_of)["beregnet.andre_avslag_innen_12_maneder"] \
            == "2025-02-28"
        # A refusal after the assessment date had not come yet: the window closes on the earlier pair.
        early = facts(compiled, case(tidligere_tilbud=within), dt.date(2026, 3, 14))
        assert "beregnet.andre_avslag_innen_12_maneder" not in early


def test_eldste_with_a_window_is_the_first_day_n_records_lay_within_it(both):
    answers = [refusal("2025-01-01", "akseptert"), refusal("2025-03-01", "ikke_svart"), refusal("2025-04-05"),
               refusal("2025-04-06"), refusal("2025-05-01")]
    for compiled in both:
        # 1 Jan, 1 Mar, 5 Apr: 94 days; 1 Mar, 5 Apr, 6 Apr: 36 days, within 40: the 6th of April is the first.
        assert facts(compiled, case(tidligere_tilbud=answers))["beregnet.tredje_svar_innen_40_dager"] == "2025-04-06"
        assert "beregnet.tredje_svar_innen_40_dager" not in facts(compiled, case(tidligere_tilbud=answers[:3]))


@pytest.mark.parametrize("spec, message", [
    ("nummer: 1, innen_maneder: 12", "'innen_maneder' krever 'nummer: 2' eller mer"),
    ("nummer: 2, innen_maneder: 12, innen_dager: 30", "skriv enten 'innen_maneder' eller 'innen_dager', ikke begge"),
    ("nummer: 2, innen_maneder: 0", "innen_maneder"),
])
def test_a_window_without_a_number_or_with_two_lengths_is_refused_with_file_and_line(tmp_path, spec, message):
    derived = DERIVED.replace("nummer: 2, innen_maneder: 12}", spec + "}", 1)
    assert derived != DERIVED
    problems = _refused(tmp_path, derived, checks=CHECKS)
    [found] = [p for p in problems if message in p]
    assert re.search(r"felter\.yaml:\d+: ", found), found


PARAMETERS = """
avslag_for_karantene:
  etikett: antall avslag innen 12 måneder som gir karantene
  referanse: retningslinjer pkt. 7
  verdier:
    2025-01-01: 2
    2026-01-01: 3
"""


def _with_parameter_number(tmp_path, spec: str, parameters: str = PARAMETERS):
    derived = DERIVED.replace("nummer: 2, innen_maneder: 12}", spec + "}", 1)
    assert derived != DERIVED
    return write_bundle(tmp_path / "regler", sections=SECTIONS, derived=derived, checks=CHECKS, parameters=parameters)


def test_nummer_from_a_parameter_follows_the_value_in_force_on_the_assessment_date(tmp_path):
    """`nummer: {felt: parameter.x}`: the n changes with one dated line (Birmingham kept «more than three» and the
    fourth bid in step by hand); the value in force on the assessment date decides, as for any parameter."""
    book = load_rules(_with_parameter_number(tmp_path, "nummer: {felt: parameter.avslag_for_karantene}, "
                                                       "innen_maneder: 12"))
    offers = [refusal("2025-03-01"), refusal("2025-06-01"), refusal("2025-08-01")]
    for compiled in (CompiledRules(book), CompiledRules(book, evaluator_factory=ReferenceRules)):
        in_2025 = facts(compiled, case(tidligere_tilbud=offers), dt.date(2025, 12, 1))
        assert in_2025["beregnet.andre_avslag_innen_12_maneder"] == "2025-08-01"  # two needed: the latest pair
        offers_2026 = offers[:2]
        in_2026 = facts(compiled, case(tidligere_tilbud=offers_2026), dt.date(2026, 2, 1))
        assert "beregnet.andre_avslag_innen_12_maneder" not in in_2026  # three needed from 2026, only two
        assert facts(compiled, case(tidligere_tilbud=offers), dt.date(2026, 2, 1))[
            "beregnet.andre_avslag_innen_12_maneder"] == "2025-08-01"
        before = facts(compiled, case(tidligere_tilbud=offers), dt.date(2024, 12, 31))
        assert "beregnet.andre_avslag_innen_12_maneder" not in before  # no value in force: no n, no date


@pytest.mark.parametrize("spec, parameters, message", [
    ("nummer: {felt: parameter.avslag}, innen_maneder: 12", PARAMETERS,
     "'parameter.avslag' er ikke en parameter; parametrene: parameter.avslag_for_karantene"),
    ("nummer: {felt: parameter.avslag_for_karantene}, innen_maneder: 12", PARAMETERS.replace(": 2\n", ": 1\n"),
     "parameteren 'parameter.avslag_for_karantene' må ha hele tall fra 2 til 20 som 'nummer', men har 2025-01-01: 1"),
    ("nummer: {felt: parameter.avslag_for_karantene}", PARAMETERS.replace(": 3\n", ": 2.5\n"),
     "må ha hele tall fra 1 til 20 som 'nummer', men har 2026-01-01: 2.5"),
])
def test_a_number_parameter_that_is_unknown_or_not_a_whole_number_in_range_is_refused(tmp_path, spec, parameters,
                                                                                       message):
    with pytest.raises(RulesError) as caught:
        load_rules(_with_parameter_number(tmp_path, spec, parameters))
    [found] = [str(p) for p in caught.value.problems if message in str(p)]
    assert re.search(r"felter\.yaml:\d+: ", found), found


def test_a_count_without_hvor_counts_every_record_and_every_resident(tmp_path):
    """`antall` with no `hvor` (a tester writing Bærum counted «everyone» with an always-true `minst: 0`, which
    rules check rightly refused): the household's size, the residents today and after moving in."""
    sections = SECTIONS + "beboer:\n  id: {type: tekst, etikett: Beboer-ID, obligatorisk: true}\n"
    derived = DERIVED + """
personer_i_husstanden:
  etikett: personer i husstanden
  antall: {blant: kandidat.husstand}
beboere_i_alt:
  etikett: beboere
  antall: {blant: beboere}
beboere_med_kandidaten:
  etikett: beboere etter innflytting
  antall: {blant: beboere_etter_innflytting}
"""
    book = load_rules(write_bundle(tmp_path / "regler", sections=sections, derived=derived, checks=CHECKS))
    data = case(husstand=FAMILY)
    data["beboere"] = [{"id": "B-1"}, {"id": "B-2"}]
    data["kandidater"].append({"id": "K-2", "sjekkliste": {}})  # no household given: «ikke oppgitt»
    for compiled in (CompiledRules(book), CompiledRules(book, evaluator_factory=ReferenceRules)):
        [first, second] = compiled.candidate_facts([(compiled.case_models.Case.model_validate(data).model_dump(
            mode="json", exclude_none=True), AS_OF)])[0]
        assert (first["beregnet.personer_i_husstanden"], first["beregnet.beboere_i_alt"],
                first["beregnet.beboere_med_kandidaten"]) == (len(FAMILY), 2, 3)
        assert "beregnet.personer_i_husstanden" not in second and second["beregnet.beboere_i_alt"] == 2
