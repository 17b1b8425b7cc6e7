"""Lists under the home (issue 9): the home's rooms, and the allocations made before it (a quota).

Moray counts only rooms of at least 6.5 m² with daylight as bedrooms; Oslo let Bydel Gamle Oslo
make at most 200 cross-district allocations from 4 March 2015. Both are counts over a list that
belongs to the case, not to a candidate: `bolig.rom` and `ledig_bolig.tildelinger`. Ranked through
the public engine API with durable_rules and with the reference evaluator; the mistakes
`rules check` must refuse name file and line.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import CompiledRules, RulesError, load_rules
from support.bundles import write_bundle
from support.reference_evaluator import ReferenceRules, reference_aggregates

AS_OF = dt.date(2019, 6, 1)

SECTIONS = """
ledig_bolig:
  id: {type: tekst, etikett: Bolig-ID, obligatorisk: true}
  tildelinger:
    type: liste
    etikett: tidligere vedtak om tildeling
    felter:
      dato: {type: dato, etikett: vedtaksdato, fra_vedtak: vedtak.dato}
      bydel_soknad: {type: valg, etikett: bydelen som behandlet søknaden, verdier: bydeler, fra_vedtak: kandidat.bydel}
      bydel_bolig: {type: valg, etikett: bydelen boligen ligger i, verdier: bydeler, fra_vedtak: bolig.bydel}
bolig:
  bydel: {type: valg, etikett: bydel, verdier: bydeler, obligatorisk: true}
  rom:
    type: liste
    etikett: rom oppgitt som soverom
    felter:
      areal: {type: tall, etikett: areal, enhet: m², min: 0, maks: 100, obligatorisk: true}
      dagslys: {type: boolsk, etikett: har dagslys, obligatorisk: true}
kandidat:
  id: {type: tekst, etikett: Søker-ID, obligatorisk: true}
  bydel: {type: valg, etikett: bydelen som behandler søknaden, verdier: bydeler, obligatorisk: true}
  personer: {type: heltall, etikett: personer i husstanden, min: 1, maks: 12, obligatorisk: true}
sjekkliste:
  merknad: {type: tekst, etikett: merknad}
"""

VALUES = """
verdilister:
  bydeler: {gamle_oslo: Bydel Gamle Oslo, sagene: Bydel Sagene, frogner: Bydel Frogner}
"""

DERIVED = """
soverom_som_teller:
  etikett: soverom på minst 6,5 m² med dagslys
  antall:
    blant: bolig.rom
    hvor:
      alle:
        - {felt: rom.areal, minst: 6.5}
        - {felt: rom.dagslys, er: true}
tverrbydelsvedtak:
  etikett: vedtak Bydel Gamle Oslo har fattet på tvers av bydelsgrensene siden 4. mars 2015
  antall:
    blant: ledig_bolig.tildelinger
    hvor:
      alle:
        - {felt: tildelinger.bydel_soknad, er: gamle_oslo}
        - {felt: tildelinger.bydel_bolig, er_ikke: gamle_oslo}
        - {felt: tildelinger.dato, minst: 2015-03-04}
"""

PARAMETERS = """
kvote:
  etikett: vedtak på tvers av bydelsgrensene Bydel Gamle Oslo kan fatte
  referanse: FOR-2015-03-04-199
  verdier: {2015-03-04: 3}
"""

CHECKS = """
- id: kvoten_er_brukt_opp
  navn: Kvoten for vedtak på tvers av bydelsgrensene er brukt opp
  betingelse:
    alle:
      - {felt: kandidat.bydel, er: gamle_oslo}
      - {felt: bolig.bydel, er_ikke: gamle_oslo}
      - {felt: beregnet.tverrbydelsvedtak, minst: {felt: parameter.kvote}}
  begrunnelse: Bydelen har fattet {beregnet.tverrbydelsvedtak} av {parameter.kvote} vedtak.
  hjemmel: FOR-2015-03-04-199
- id: for_fa_soverom
  navn: For få soverom
  betingelse: {felt: kandidat.personer, over: {felt: beregnet.soverom_som_teller}}
  begrunnelse: Boligen har {beregnet.soverom_som_teller} soverom som teller.
  hjemmel: Moray 8.3
"""


def _bundle(tmp_path, sections=SECTIONS, derived=DERIVED, checks=CHECKS):
    folder = write_bundle(tmp_path, sections=sections, derived=derived, checks=checks, parameters=PARAMETERS)
    felter = folder / "felter.yaml"
    felter.write_text(felter.read_text(encoding="utf-8") + VALUES, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return load_rules(_bundle(tmp_path_factory.mktemp("hjem")))


def _case(rooms, decisions, nominees=(("K-1", "gamle_oslo", 1),), district="frogner"):
    home = {"bydel": district}
    if rooms is not None:
        home["rom"] = rooms
    vacancy = {"id": "L-1", "bolig": home}
    if decisions is not None:
        vacancy["tildelinger"] = decisions
    return {"ledig_bolig": vacancy, "beboere": [],
            "kandidater": [{"id": code, "bydel": office, "personer": people, "sjekkliste": {}}
                           for code, office, people in nominees]}


def _decision(day, office, district):
    return {"dato": day, "bydel_soknad": office, "bydel_bolig": district}


def test_only_rooms_of_at_least_6_5_square_metres_with_daylight_count_as_bedrooms(book):
    rooms = [{"areal": 13.2, "dagslys": True}, {"areal": 6.5, "dagslys": True},
             {"areal": 6.2, "dagslys": True}, {"areal": 9.0, "dagslys": False}]
    result = CompiledRules(book).rank(_case(rooms, [], nominees=[("K-1", "frogner", 2), ("K-2", "frogner", 3)]),
                                      AS_OF)
    by_id = {c.id: c for c in result.candidates}
    assert by_id["K-1"].blocks == []
    assert [b.rule_id for b in by_id["K-2"].blocks] == ["for_fa_soverom"]
    assert "Boligen har 2 soverom som teller." in by_id["K-2"].blocks[0].text


def test_the_quota_counts_cross_district_decisions_since_the_regulation_and_blocks_when_used(book):
    earlier = [_decision("2015-03-04", "gamle_oslo", "sagene"),    # counts: the first day
               _decision("2015-03-03", "gamle_oslo", "sagene"),    # before the regulation
               _decision("2016-01-01", "gamle_oslo", "gamle_oslo"),  # within the district
               _decision("2017-05-05", "frogner", "sagene"),       # another district's decision
               _decision("2018-02-02", "gamle_oslo", "frogner")]   # counts
    compiled = CompiledRules(book)
    two = compiled.rank(_case([{"areal": 10.0, "dagslys": True}], earlier), AS_OF)
    assert two.candidates[0].blocks == []
    third = earlier + [_decision("2019-01-10", "gamle_oslo", "frogner")]
    used = compiled.rank(_case([{"areal": 10.0, "dagslys": True}], third), AS_OF)
    [blocked] = used.candidates[0].blocks
    assert blocked.rule_id == "kvoten_er_brukt_opp" and "fattet 3 av 3 vedtak" in blocked.text


def test_a_decision_after_the_assessment_date_is_counted_too_only_the_record_decides(book):
    """The service gives the decisions made before the case; a list is the input as given."""
    later = [_decision("2030-01-01", "gamle_oslo", "frogner")] * 3
    result = CompiledRules(book).rank(_case([{"areal": 10.0, "dagslys": True}], later), AS_OF)
    assert [b.rule_id for b in result.candidates[0].blocks] == ["kvoten_er_brukt_opp"]


def test_a_home_list_not_given_is_ikke_oppgitt_and_an_empty_one_counts_zero(book):
    compiled = CompiledRules(book)
    valid = compiled.case_models.Case.model_validate(_case(None, None)).model_dump(mode="json", exclude_none=True)
    [[values]] = compiled.candidate_facts([(valid, AS_OF)])
    assert "beregnet.soverom_som_teller" not in values and "beregnet.tverrbydelsvedtak" not in values
    valid = compiled.case_models.Case.model_validate(_case([], [])).model_dump(mode="json", exclude_none=True)
    [[values]] = compiled.candidate_facts([(valid, AS_OF)])
    assert values["beregnet.soverom_som_teller"] == 0 and values["beregnet.tverrbydelsvedtak"] == 0


def test_the_home_list_is_matched_once_per_case_not_once_per_candidate(book):
    seen = []

    class Counting(ReferenceRules):
        def match(self, scope, facts):
            facts = list(facts)
            seen.append((scope, len(facts)))
            return super().match(scope, facts)

    nominees = [(f"K-{i}", "gamle_oslo", 1) for i in range(5)]
    rooms = [{"areal": 10.0, "dagslys": True}] * 2
    decisions = [_decision("2016-01-01", "gamle_oslo", "frogner")] * 7
    CompiledRules(book, evaluator_factory=Counting).rank(_case(rooms, decisions, nominees), AS_OF)
    assert ("rom", 2) in seen and ("tildelinger", 7) in seen
    assert not [n for scope, n in seen if scope in ("rom", "tildelinger") and n > 7]


ROOM = st.fixed_dictionaries({"areal": st.sampled_from([0.0, 6.2, 6.4999, 6.5, 6.6, 12.0]), "dagslys": st.booleans()})
DECISION = st.builds(_decision, st.sampled_from(["2015-03-03", "2015-03-04", "2015-03-05", "2020-12-31"]),
                     st.sampled_from(["gamle_oslo", "sagene", "frogner"]),
                     st.sampled_from(["gamle_oslo", "sagene", "frogner"]))


@pytest.fixture(scope="module")
def both(book):
    return CompiledRules(book), CompiledRules(book, evaluator_factory=ReferenceRules)


@given(rooms=st.one_of(st.none(), st.lists(ROOM, max_size=5)), decisions=st.one_of(st.none(), st.lists(DECISION, max_size=6)),
       nominees=st.lists(st.tuples(st.sampled_from(["gamle_oslo", "frogner"]), st.integers(1, 5)), min_size=1, max_size=3),
       district=st.sampled_from(["gamle_oslo", "sagene", "frogner"]))
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
def test_random_rooms_and_decisions_rank_identically_and_aggregate_as_the_reference(both, book, rooms, decisions,
                                                                                   nominees, district):
    durable, reference = both
    case = _case(rooms, decisions, [(f"K-{i}", office, people) for i, (office, people) in enumerate(nominees)],
                 district)
    assert durable.rank(case, AS_OF).model_dump() == reference.rank(case, AS_OF).model_dump()
    valid = durable.case_models.Case.model_validate(case).model_dump(mode="json", exclude_none=True)
    [found] = durable.candidate_facts([(valid, AS_OF)])
    names = ["beregnet.soverom_som_teller", "beregnet.tverrbydelsvedtak"]
    for values, nominee in zip(found, valid["kandidater"]):
        expected = reference_aggregates(book.vocabulary, nominee, AS_OF, valid)
        assert {n: values[n] for n in names if n in values} == expected


def _refused(tmp_path, **changes) -> list[str]:
    with pytest.raises(RulesError) as caught:
        load_rules(_bundle(tmp_path, **changes))
    return [str(p) for p in caught.value.problems]


def test_rules_check_refuses_a_list_name_used_twice_and_a_list_under_the_checklist(tmp_path):
    sections = SECTIONS.replace("  merknad: {type: tekst, etikett: merknad}\n",
                                "  merknad: {type: tekst, etikett: merknad}\n  notater:\n    type: liste\n"
                                "    etikett: notater\n    felter: {tekst: {type: tekst, etikett: tekst}}\n")
    sections = sections.replace("  personer:", "  rom:\n    type: liste\n    etikett: rom\n"
                                               "    felter: {areal: {type: tall, etikett: areal}}\n  personer:")
    messages = _refused(tmp_path, sections=sections)
    assert any("felter.yaml:" in m and "listen 'rom' finnes også under bolig" in m for m in messages), messages
    assert any("type liste passer bare under kandidat, ledig_bolig, bolig, botiltak" in m and "sjekkliste" in m
               for m in messages), messages


def test_rules_check_refuses_fra_vedtak_that_names_no_value_of_a_decided_case(tmp_path):
    sections = SECTIONS.replace("fra_vedtak: bolig.bydel}", "fra_vedtak: bolig.bydelen}")
    [message] = _refused(tmp_path / "a", sections=sections)
    assert "felter.yaml:" in message and "ukjent verdi 'bolig.bydelen'" in message and "mente du" in message
    sections = SECTIONS.replace("fra_vedtak: vedtak.dato}", "fra_vedtak: kandidat.bydel}")
    [message] = _refused(tmp_path / "b", sections=sections)
    assert "'kandidat.bydel' har type valg, men feltet 'dato' har type dato" in message
    sections = SECTIONS.replace(", fra_vedtak: bolig.bydel}", "}")
    [message] = _refused(tmp_path / "c", sections=sections)
    assert "feltet 'bydel_bolig' mangler fra_vedtak" in message
    sections = SECTIONS.replace("      dagslys: {type: boolsk, etikett: har dagslys, obligatorisk: true}",
                                "      dagslys: {type: boolsk, etikett: har dagslys, obligatorisk: true, "
                                "fra_vedtak: bolig.bydel}")
    messages = _refused(tmp_path / "d", sections=sections)
    assert any("fra_vedtak passer bare i en liste under ledig_bolig" in m for m in messages), messages


def test_a_date_compares_only_with_a_date_and_only_by_order(tmp_path):
    derived = DERIVED.replace("{felt: tildelinger.dato, minst: 2015-03-04}", "{felt: tildelinger.dato, er: 2015-03-04}")
    messages = _refused(tmp_path / "a", derived=derived)
    assert any("datofeltet 'tildelinger.dato' kan bare brukes med 'finnes', eller med over, minst, under og hoyst"
               in m for m in messages), messages
    derived = DERIVED.replace("{felt: rom.areal, minst: 6.5}", "{felt: rom.areal, minst: 2015-03-04}")
    [message] = _refused(tmp_path / "b", derived=derived)
    assert "'rom.areal' er ikke et datofelt (type tall), men sammenlignes med datoen 2015-03-04" in message


def test_the_readme_examples_of_home_lists_and_quotas_work_as_a_policy_officer_copies_them(tmp_path):
    import textwrap

    from support.readme import yaml_blocks

    rooms, rooms_count, allocations, quota_count, check = yaml_blocks("### Lister under boligen")
    sections = ("ledig_bolig:\n  id: {type: tekst, etikett: Bolig-ID, obligatorisk: true}\n"
                + textwrap.indent(textwrap.dedent(allocations), "  ")
                + "bolig:\n  bydel: {type: valg, etikett: bydel, verdier: bydel, obligatorisk: true}\n"
                + textwrap.indent(textwrap.dedent(rooms), "  ")
                + "kandidat:\n  id: {type: tekst, etikett: Søker-ID, obligatorisk: true}\n"
                  "  bydel: {type: valg, etikett: bydelen som behandler søknaden, verdier: bydel, obligatorisk: true}\n"
                  "sjekkliste:\n  merknad: {type: tekst, etikett: merknad}\n")
    derived = rooms_count.split("beregnet:\n", 1)[1] + quota_count.split("beregnet:\n", 1)[1]
    folder = write_bundle(tmp_path, sections=sections, derived=textwrap.dedent(derived), checks=textwrap.dedent(check),
                          parameters="tverrbydelskvote:\n  etikett: kvoten\n  referanse: FOR-2015-03-04-199\n"
                                     "  verdier: {2015-03-04: 2}\n")
    felter = folder / "felter.yaml"
    felter.write_text(felter.read_text(encoding="utf-8")
                      + "verdilister:\n  bydel: {gamle_oslo: Gamle Oslo, sagene: Sagene, frogner: Frogner}\n",
                      encoding="utf-8")
    compiled = CompiledRules(load_rules(folder))
    decided = [_decision("2016-01-01", "gamle_oslo", "frogner"), _decision("2015-03-03", "gamle_oslo", "sagene"),
               _decision("2017-01-01", "gamle_oslo", "gamle_oslo")]
    case = {"ledig_bolig": {"id": "L-1", "tildelinger": decided,
                            "bolig": {"bydel": "sagene", "rom": [{"areal": 13.2, "dagslys": True},
                                                                  {"areal": 6.2, "dagslys": True}]}},
            "beboere": [], "kandidater": [{"id": "K-1", "bydel": "gamle_oslo", "sjekkliste": {}}]}
    valid = compiled.case_models.Case.model_validate(case).model_dump(mode="json", exclude_none=True)
    [[values]] = compiled.candidate_facts([(valid, AS_OF)])
    assert values["beregnet.soverom_som_teller"] == 1 and values["beregnet.tverrbydelsvedtak"] == 1
    assert compiled.rank(case, AS_OF).candidates[0].blocks == []
    case["ledig_bolig"]["tildelinger"].append(_decision("2018-01-01", "gamle_oslo", "sagene"))
    [blocked] = compiled.rank(case, AS_OF).candidates[0].blocks
    assert blocked.rule_id == "kvoten_er_brukt_opp" and "fattet 2 av 2 vedtak" in blocked.text
    assert compiled.rank(case, dt.date(2021, 1, 1)).candidates[0].blocks == []  # the regulation ended 2020


def test_lint_reads_date_comparisons_by_their_dates(tmp_path):
    from engine.policy.lint import lint

    findings = [str(f) for f in lint(load_rules(_bundle(tmp_path / "a"))) if f.severity == "feil"]
    assert findings == []
    derived = DERIVED.replace("- {felt: tildelinger.dato, minst: 2015-03-04}",
                              "- {felt: tildelinger.dato, minst: 2015-03-04}\n        - {felt: tildelinger.dato, under: 2015-03-04}")
    findings = [str(f) for f in lint(load_rules(_bundle(tmp_path / "b", derived=derived))) if f.severity == "feil"]
    assert any("felter.yaml:" in f and "kan aldri være oppfylt" in f for f in findings), findings
