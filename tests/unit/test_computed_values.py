"""Parameters, formulas, lookup tables, durations and comparisons of two values (issue 9, items 1-4).

One small bundle in the shape of a Norwegian income ceiling (k × G by household size, G
changing each 1 May), a quarantine after eviction compared with the months decided, and a
lease that ends: ranked through the public engine API, with durable_rules and with the
reference evaluator, and checked for the mistakes `rules check` must refuse.
"""

from __future__ import annotations

import datetime as dt

import pytest

from engine import CompiledRules, RulesError, load_rules
from engine.evaluation.durations import duration, whole_months
from engine.language import formulas
from support.bundles import write_bundle
from support.reference_evaluator import ReferenceRules

SECTIONS = """
ledig_bolig:
  id: {type: tekst, etikett: Bolig-ID, obligatorisk: true}
bolig:
  soverom: {type: heltall, etikett: soverom, enhet: rom}
kandidat:
  id: {type: tekst, etikett: Søker-ID, obligatorisk: true}
  husstand: {type: heltall, etikett: personer i husstanden, min: 1}
  inntekt: {type: heltall, etikett: husstandens inntekt, enhet: kr}
  fodselsdato: {type: dato, etikett: fødselsdato}
  leie_slutt: {type: dato, etikett: leieforholdet slutter}
  utkastet: {type: dato, etikett: dato for utkastelse}
  karantene: {type: heltall, etikett: karantenetid vedtatt, enhet: måneder}
  soverom_behov: {type: heltall, etikett: soverom husstanden trenger, enhet: rom}
sjekkliste:
  merknad: {type: tekst, etikett: merknad}
"""

PARAMETERS = """
grunnbelop:
  etikett: grunnbeløpet (G)
  enhet: kr
  referanse: folketrygdloven § 1-4; nav.no/grunnbelopet
  verdier:
    2024-05-01: 124028
    2025-05-01: 130160
"""

DERIVED = """
inntektsfaktor:
  etikett: inntektsgrense i G
  tabell:
    felt: kandidat.husstand
    rader: [{fra: 1, verdi: 3.5}, {fra: 2, verdi: 4.0}, {fra: 3, verdi: 4.5}, {fra: 5, verdi: 5.0}]
inntektsgrense:
  etikett: inntektsgrensen
  formel: rund_ned(beregnet.inntektsfaktor * parameter.grunnbelop)
  enhet: kr
alder:
  etikett: alder
  alder: kandidat.fodselsdato
maneder_igjen:
  etikett: måneder igjen av leieforholdet
  maneder_til: kandidat.leie_slutt
maneder_siden_utkastelse:
  etikett: måneder siden utkastelsen
  maneder_siden: kandidat.utkastet
"""

CRITERIA = """
- id: lav_inntekt
  navn: Inntekt under grensen
  poeng: 10
  betingelse: {felt: kandidat.inntekt, hoyst: {felt: beregnet.inntektsgrense}}
  forklaring: Inntekten er høyst {beregnet.inntektsfaktor} G = {beregnet.inntektsgrense} kr.
  hjemmel: Forskrift § 3
- id: leie_slutter
  navn: Leieforholdet slutter snart
  poeng: 5
  betingelse: {felt: beregnet.maneder_igjen, under: 6}
  forklaring: Leieforholdet slutter om {beregnet.maneder_igjen|måned|måneder}.
  hjemmel: Forskrift § 4
- id: alder
  navn: Alder
  poeng: {per: 1, verdi: beregnet.alder, maks: 100, enhet: år}
  forklaring: Søkeren er {beregnet.alder} år.
  hjemmel: Forskrift § 5
"""

CHECKS = """
- id: karantene
  navn: Karantene etter utkastelse
  betingelse: {felt: beregnet.maneder_siden_utkastelse, under: {felt: kandidat.karantene}}
  begrunnelse: Utkastet for {beregnet.maneder_siden_utkastelse} måneder siden; karantenen er {kandidat.karantene}.
  hjemmel: Forskrift § 6
- id: for_fa_rom
  navn: For få soverom
  betingelse: {felt: kandidat.soverom_behov, over: {felt: bolig.soverom}}
  begrunnelse: Husstanden trenger {kandidat.soverom_behov} soverom.
  hjemmel: Forskrift § 7
"""


def bundle(tmp_path, **changes):
    parts = {"sections": SECTIONS, "parameters": PARAMETERS, "derived": DERIVED, "criteria": CRITERIA,
             "checks": CHECKS, **changes}
    return write_bundle(tmp_path / "regler", **parts)


def case(*candidates, soverom=2):
    return {"ledig_bolig": {"id": "B-1", "bolig": {"soverom": soverom}},
            "kandidater": [{"sjekkliste": {}, **c} for c in candidates]}


@pytest.fixture
def compiled(tmp_path):
    return CompiledRules(load_rules(bundle(tmp_path)))


def by_id(result):
    return {c.id: c for c in result.candidates}


def test_the_parameter_in_force_on_the_assessment_date_sets_the_ceiling(compiled):
    data = case({"id": "S-1", "husstand": 2, "inntekt": 500_000})
    after_may = by_id(compiled.rank(data, dt.date(2025, 6, 1)))["S-1"]  # 4.0 × 130 160 = 520 640
    before_may = by_id(compiled.rank(data, dt.date(2025, 4, 30)))["S-1"]  # 4.0 × 124 028 = 496 112
    assert [i.rule_id for i in after_may.score_items] == ["lav_inntekt"]
    assert after_may.score_items[0].text == "Inntekten er høyst 4 G = 520 640 kr."
    assert "lav_inntekt" not in [i.rule_id for i in before_may.score_items]
    # the same rules version either side of the new G: a new value is a dated line, not a version
    assert compiled.rank(data, dt.date(2025, 6, 1)).rules_version == compiled.rank(data, dt.date(2025, 4, 30)).rules_version


def test_the_table_has_an_open_last_row_and_nothing_below_the_first(compiled):
    ranked = by_id(compiled.rank(case({"id": "S-7", "husstand": 7, "inntekt": 650_000},
                                      {"id": "S-3", "husstand": 3, "inntekt": 585_720}), dt.date(2025, 6, 1)))
    assert ranked["S-7"].score_items[0].text == "Inntekten er høyst 5 G = 650 800 kr."  # 5 or more
    assert ranked["S-3"].score_items[0].text == "Inntekten er høyst 4,5 G = 585 720 kr."  # at the boundary: høyst


def test_a_missing_input_gives_no_value_and_no_points(compiled):
    result = by_id(compiled.rank(case({"id": "S-1", "inntekt": 100_000}), dt.date(2025, 6, 1)))["S-1"]
    assert result.score_items == []  # no household size: no factor, no ceiling, the comparison is false
    assert "lav_inntekt" in [u.rule_id for u in result.unmet_criteria]


def test_durations_count_until_a_future_date_and_never_a_silent_zero(compiled):
    as_of = dt.date(2026, 3, 15)
    ranked = by_id(compiled.rank(case(
        {"id": "S-1", "leie_slutt": "2026-08-14", "fodselsdato": "1960-03-16"},   # 4 whole months left; 65 years
        {"id": "S-2", "leie_slutt": "2025-12-31", "fodselsdato": "1960-03-15"},   # ended: no months left, 66 today
    ), as_of))
    one = {i.rule_id: i for i in ranked["S-1"].score_items}
    assert one["leie_slutter"].text == "Leieforholdet slutter om 4 måneder."
    assert one["alder"].points == 65
    two = {i.rule_id: i for i in ranked["S-2"].score_items}
    assert "leie_slutter" not in two  # a lease that ended is not "0 months left"
    assert two["alder"].points == 66


def test_a_comparison_takes_another_field_on_its_right_hand_side(compiled):
    as_of = dt.date(2026, 6, 1)
    ranked = by_id(compiled.rank(case(
        {"id": "S-1", "utkastet": "2026-01-01", "karantene": 6, "soverom_behov": 2},   # 5 months < 6: blocked
        {"id": "S-2", "utkastet": "2025-12-01", "karantene": 6, "soverom_behov": 3},   # 6 months: free; 3 > 2 rooms
        {"id": "S-3", "utkastet": "2026-01-01", "soverom_behov": 2},                   # no quarantine decided
        {"id": "S-4", "utkastet": "2026-07-01", "karantene": 6},                        # eviction date in the future
    ), as_of))
    assert [b.rule_id for b in ranked["S-1"].blocks] == ["karantene"]
    assert ranked["S-1"].blocks[0].text == "Utkastet for 5 måneder siden; karantenen er 6."
    assert [b.rule_id for b in ranked["S-2"].blocks] == ["for_fa_rom"]
    assert ranked["S-3"].blocks == [] and ranked["S-4"].blocks == []


def test_durable_rules_and_the_reference_evaluator_agree_on_the_bundle(tmp_path):
    book = load_rules(bundle(tmp_path))
    durable, reference = CompiledRules(book), CompiledRules(book, evaluator_factory=ReferenceRules)
    data = case(
        {"id": "S-1", "husstand": 2, "inntekt": 520_640, "utkastet": "2026-01-01", "karantene": 6,
         "leie_slutt": "2026-08-01", "fodselsdato": "1950-01-01", "soverom_behov": 1},
        {"id": "S-2", "husstand": 5, "inntekt": 900_000, "utkastet": "2025-01-01", "karantene": 3,
         "soverom_behov": 2},
        {"id": "S-3"},
    )
    for as_of in (dt.date(2025, 4, 1), dt.date(2026, 6, 1)):
        assert durable.rank(data, as_of).model_dump() == reference.rank(data, as_of).model_dump()


def test_whole_months_and_durations():
    assert whole_months(dt.date(2026, 1, 31), dt.date(2026, 2, 28)) == 0
    assert whole_months(dt.date(2026, 1, 31), dt.date(2026, 3, 1)) == 1
    assert whole_months(dt.date(2026, 2, 1), dt.date(2026, 1, 1)) is None
    assert duration("dager_siden", dt.date(2026, 1, 1), dt.date(2026, 1, 31)) == 30
    assert duration("ar_siden", dt.date(2024, 2, 29), dt.date(2026, 2, 28)) == 1
    assert duration("alder", dt.date(2000, 6, 1), dt.date(2026, 6, 1)) == 26
    assert duration("ar_til", dt.date(2029, 6, 1), dt.date(2026, 6, 2)) == 2
    assert duration("dager_til", dt.date(2026, 1, 1), dt.date(2026, 1, 2)) is None
    assert duration("maneder_siden", dt.date(2026, 7, 1), dt.date(2026, 6, 1)) is None


def test_formulas_compute_round_and_refuse_what_is_not_arithmetic():
    values = {"a.x": 7, "a.y": 2, "a.z": 0.1}
    assert formulas.evaluate(formulas.parse("a.x / a.y"), values) == 3.5
    assert formulas.evaluate(formulas.parse("rund_opp(a.z * 30)"), values) == 3  # not 4 from 3.0000000000000004
    assert formulas.evaluate(formulas.parse("max(a.x - 10, 0) + min(a.y, 5, 1)"), values) == 1
    assert formulas.evaluate(formulas.parse("a.x / (a.y - 2)"), values) is None  # division by zero
    assert formulas.evaluate(formulas.parse("a.x + a.missing"), values) is None
    for text, message in [("__import__('os')", "ukjent funksjon '__import__'"),
                          ("a.x ** 2", "kan ikke brukes i en formel"),
                          ("3,5 * a.x", "bruk punktum som desimaltegn"),
                          ("rund_ned(a.x, a.y)", "rund_ned() tar ett tall"),
                          ("a.x if a.y else 0", "kan ikke brukes i en formel")]:
        with pytest.raises(formulas.FormulaError, match=message.replace("(", r"\(").replace(")", r"\)")):
            formulas.parse(text)


@pytest.mark.parametrize("derived, checks, message, where", [
    ("x: {etikett: x, formel: kandidat.inntekt / 0}", "[]", "formelen deler på null", "beregnet.x.formel"),
    ("x: {etikett: x, formel: kandidat.inntekt + beregnet.m}\nm: {etikett: m, maneder_siden: kandidat.utkastet}",
     "[]", "'+' blander enheter (kr og måneder)", "beregnet.x.formel"),
    ("x: {etikett: x, formel: kandidat.inntekt * parameter.grunnbelop}", "[]",
     "å gange kr med kr gir ingen mening", "beregnet.x.formel"),
    ("x: {etikett: x, formel: beregnet.y + 1}\ny: {etikett: y, formel: beregnet.x * 2}", "[]",
     "avhenger av hverandre i ring: beregnet.x → beregnet.y → beregnet.x", "beregnet.x.formel"),
    ("x: {etikett: x, formel: kandidat.inntek * 2}", "[]", "ukjent felt 'kandidat.inntek' (mente du 'kandidat.inntekt'?)",
     "beregnet.x.formel"),
    ("x: {etikett: x, formel: kandidat.leie_slutt + 1}", "[]", "'kandidat.leie_slutt' er en dato", "beregnet.x.formel"),
    ("x: {etikett: x, tabell: {felt: kandidat.husstand, rader: [{fra: 2, verdi: 1}, {fra: 1, verdi: 2}]}}", "[]",
     "stigende 'fra'", "beregnet.x.tabell"),
    ("x: {etikett: x, maneder_til: kandidat.husstand}", "[]", "'kandidat.husstand' er ikke et datofelt",
     "beregnet.x.maneder_til"),
    ("", "- {id: k, navn: k, begrunnelse: k, hjemmel: k,\n   betingelse: {felt: kandidat.inntekt, over: {felt: kandidat.karantene}}}",
     "'kandidat.inntekt' er i kr, men 'kandidat.karantene' er i måneder", "kontroller[0].betingelse.over.felt"),
    ("", "- {id: k, navn: k, begrunnelse: k, hjemmel: k,\n   betingelse: {felt: kandidat.inntekt, over: {felt: kandidat.fodselsdato}}}",
     "(type dato) kan ikke sammenlignes med et annet felt", "kontroller[0].betingelse.over.felt"),
])
def test_rules_check_refuses_formula_and_comparison_mistakes_with_file_and_place(tmp_path, derived, checks, message,
                                                                                where):
    folder = write_bundle(tmp_path / "regler", sections=SECTIONS, parameters=PARAMETERS,
                          derived=derived or "m: {etikett: m, maneder_siden: kandidat.utkastet}",
                          criteria="- {id: c, navn: c, poeng: 1, forklaring: c, hjemmel: c,\n"
                                   "   betingelse: {felt: kandidat.husstand, over: 1}}",
                          checks=checks)
    with pytest.raises(RulesError) as caught:
        load_rules(folder)
    found = [(p.path, p.message, p.file, p.line) for p in caught.value.problems]
    assert any(path == where and message in text and file.endswith((".yaml")) and line
               for path, text, file, line in found), found


def test_time_between_two_dates_of_the_case(tmp_path):
    derived = DERIVED + """
alder_ved_soknad:
  etikett: alder da søknaden kom
  ar_mellom: {fra: kandidat.fodselsdato, til: kandidat.utkastet}
"""
    criteria = CRITERIA + """- id: ung
  navn: Ung ved søknad
  poeng: 7
  betingelse: {felt: beregnet.alder_ved_soknad, under: 18}
  forklaring: Søkeren var {beregnet.alder_ved_soknad} år.
  hjemmel: Forskrift § 8
"""
    compiled = CompiledRules(load_rules(bundle(tmp_path, derived=derived, criteria=criteria)))
    ranked = by_id(compiled.rank(case(
        {"id": "S-1", "fodselsdato": "2008-03-02", "utkastet": "2026-03-01"},   # the day before turning 18: 17
        {"id": "S-2", "fodselsdato": "2008-03-01", "utkastet": "2026-03-01"},   # 18 that day
        {"id": "S-3", "fodselsdato": "2008-03-01", "utkastet": "2007-01-01"},   # 'til' before 'fra': no value
    ), dt.date(2026, 6, 1)))
    assert [(i.rule_id, i.text) for i in ranked["S-1"].score_items if i.rule_id == "ung"] == [
        ("ung", "Søkeren var 17 år.")]
    assert "ung" not in [i.rule_id for i in ranked["S-2"].score_items]
    assert "ung" not in [i.rule_id for i in ranked["S-3"].score_items]
    with pytest.raises(RulesError, match="'kandidat.husstand' er ikke et datofelt"):
        load_rules(bundle(tmp_path / "feil", derived=derived.replace("til: kandidat.utkastet", "til: kandidat.husstand"),
                          criteria=criteria))


@pytest.mark.parametrize("text, hint", [
    ("hjemmel: pkt. 3: avslag\n", "må stå i anførselstegn"),
    ("x: &a {b: 1}\ny:\n  <<: *a\n", "sammenslåing med «<<:» støttes ikke"),
])
def test_yaml_mistakes_policy_staff_make_get_a_hint_in_bokmal(text, hint):
    from engine.language.yaml_source import YamlSyntaxError, parse_yaml_text

    with pytest.raises(YamlSyntaxError) as caught:
        parse_yaml_text(text, "regler/egnethet.yaml")
    assert hint in caught.value.problem.message and caught.value.problem.line
    assert "could not" not in caught.value.problem.message and "constructor" not in caught.value.problem.message


def _readme_choice_table() -> tuple[str, str, str]:
    """The README's field, table and criterion for «a table over a choice field», as a bundle's parts."""
    from support.readme import yaml_blocks

    field, table, criterion = [b for b in yaml_blocks("### Tabeller og formler")
                                 if "medisinsk_niva" in b or "medisinske_poeng" in b]
    sections = SECTIONS.replace("sjekkliste:\n", "sjekkliste:\n" + "\n".join(
        line[2:] for line in field.splitlines()) + "\n")
    return sections, table.partition("beregnet:\n")[2], "\n".join(line[2:] for line in criterion.splitlines())


CHOICE_SECTIONS = _readme_choice_table()[0]


def test_the_readme_table_over_a_choice_gives_each_level_its_number(tmp_path):
    """«Medical priority: high 50, medium 20, low 10» is one table and one criterion, not one criterion per
    level (rules/README.md, as a policy officer copies it). An unanswered level gives no value, and no points."""
    sections, derived, criteria = _readme_choice_table()
    book = load_rules(write_bundle(tmp_path / "regler", sections=sections, parameters=PARAMETERS, derived=derived,
                                   criteria=criteria))
    case = {"ledig_bolig": {"id": "B-1", "bolig": {}}, "kandidater": [
        {"id": "A", "sjekkliste": {"medisinsk_niva": "lav"}},
        {"id": "B", "sjekkliste": {"medisinsk_niva": "hoy"}},
        {"id": "C", "sjekkliste": {"medisinsk_niva": "ingen"}},
        {"id": "D", "sjekkliste": {}}]}
    for evaluator in (None, ReferenceRules):
        compiled = CompiledRules(book) if evaluator is None else CompiledRules(book, evaluator_factory=evaluator)
        result = compiled.rank(case, dt.date(2026, 6, 1))
        scores = {c.id: c.score for c in result.candidates}
        assert [c.id for c in result.candidates][:2] == ["B", "A"]
        assert scores == {"B": 50, "A": 10, "C": 0, "D": 0}
        assert result.candidates[0].score_items[0].text == "Medisinsk behov gir 50 poeng."


@pytest.mark.parametrize("table, message, where", [
    ("{felt: sjekkliste.medisinsk_niva, verdier: {hoy: 3, middels: 2, lav: 1}}",
     "tabellen mangler en verdi for 'ingen' i 'sjekkliste.medisinsk_niva'", "beregnet.x.tabell.verdier"),
    ("{felt: sjekkliste.medisinsk_niva, verdier: {hoey: 3, middels: 2, lav: 1, ingen: 0}}",
     "'hoey' er ikke et valg i 'sjekkliste.medisinsk_niva' (mente du 'hoy'?)", "beregnet.x.tabell.verdier.hoey"),
    ("{felt: kandidat.husstand, verdier: {en: 1}}", "'kandidat.husstand' er ikke et valgfelt (type heltall); "
     "'verdier' slår opp et valg (et tall slås opp med 'rader')", "beregnet.x.tabell.felt"),
    ("{felt: sjekkliste.medisinsk_niva, verdier: {hoy: 3}, rader: [{fra: 1, verdi: 1}]}",
     "enten 'rader' (over et tall) eller 'verdier' (over et valgfelt)", "beregnet.x.tabell"),
    ("{felt: sjekkliste.medisinsk_niva, rader: [{fra: 1, verdi: 1}]}", "'sjekkliste.medisinsk_niva' er ikke et tall (type valg); et valg slås opp med 'verdier'",
     "beregnet.x.tabell.felt"),
])
def test_a_choice_table_names_every_choice_and_nothing_else(tmp_path, table, message, where):
    folder = write_bundle(tmp_path / "regler", sections=CHOICE_SECTIONS, parameters=PARAMETERS,
                          derived=f"x: {{etikett: x, tabell: {table}}}",
                          criteria="- {id: c, navn: c, poeng: 1, forklaring: c, hjemmel: c,\n"
                                   "   betingelse: {felt: beregnet.x, over: 1}}")
    with pytest.raises(RulesError) as caught:
        load_rules(folder)
    found = [(p.path, p.message, p.line) for p in caught.value.problems]
    assert any(path == where and message in text and line for path, text, line in found), found
