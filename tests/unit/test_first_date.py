"""The first date given among several (beregnet: forste_dato_av): Welwyn Hatfield ranks armed forces
applicants in Band A and B by the date they joined the regular forces, everyone else by the date they
entered the band. With a tier's own tie-break order the choice applies in those bands only."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import CompiledRules, RulesError, load_rules
from support.bundles import write_bundle

SECTIONS = """
ledig_bolig:
  id: {type: tekst, etikett: Bolig-ID, obligatorisk: true}
kandidat:
  id: {type: tekst, etikett: Søker-ID, obligatorisk: true}
  inn_i_styrkene: {type: dato, etikett: gikk inn i de regulære styrkene}
  banddato: {type: dato, etikett: kom inn i bandet}
  band: {type: valg, etikett: band, verdier: {a: Band A, c: Band C}, obligatorisk: true}
"""
DERIVED = """
dato_i_bandet:
  etikett: datoen i bandet
  forste_dato_av: [kandidat.inn_i_styrkene, kandidat.banddato]
ar_i_bandet:
  etikett: hele år i bandet
  ar_siden: beregnet.dato_i_bandet
"""
RANKING = """
likhetsmargin: 0
likeverdige: false
ved_likt_poeng:
  - {felt: kandidat.banddato, retning: stigende}
trinn:
  - id: band_a
    navn: Band A
    betingelse: {felt: kandidat.band, er: a}
    begrunnelse: "band A siden {beregnet.dato_i_bandet} ({beregnet.ar_i_bandet} år)"
    hjemmel: Allocations Scheme, Band A
    ved_likt_poeng:
      - {felt: beregnet.dato_i_bandet, retning: stigende}
  - id: band_c
    navn: Band C
    begrunnelse: band C
    hjemmel: Allocations Scheme, Band C
"""
AS_OF = dt.date(2026, 6, 1)


def compiled(tmp_path, derived=DERIVED):
    return CompiledRules(load_rules(write_bundle(tmp_path / "regler", sections=SECTIONS, derived=derived,
                                                 ranking=RANKING)))


def _case(*candidates):
    return {"ledig_bolig": {"id": "W-1"}, "kandidater": [
        {"id": cid, "band": band, "sjekkliste": {}, **({"inn_i_styrkene": forces} if forces else {}),
         **({"banddato": banddate} if banddate else {})} for cid, band, forces, banddate in candidates]}


def test_in_band_a_the_forces_date_counts_when_given_and_in_band_c_it_does_not(tmp_path):
    result = compiled(tmp_path).rank(_case(
        ("W-1", "a", None, "2020-01-01"), ("W-2", "a", "2015-05-01", "2024-01-01"),
        ("W-3", "c", None, "2021-01-01"), ("W-4", "c", "2010-01-01", "2023-01-01")), AS_OF)
    assert [c.id for c in result.candidates] == ["W-2", "W-1", "W-3", "W-4"]
    by_id = {c.id: c for c in result.candidates}
    assert by_id["W-2"].tier.text == "band A siden 1. mai 2015 (11 år)"
    assert by_id["W-1"].tier.text == "band A siden 1. januar 2020 (6 år)"


_day = st.one_of(st.none(), st.sampled_from(["2012-01-01", "2016-01-01", "2020-01-01", "2024-01-01"]))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(_day, _day), min_size=1, max_size=6))
def test_band_a_is_ordered_by_the_first_date_given_as_a_plain_sort_orders_it(tmp_path_factory, dates):
    rules = _rules(tmp_path_factory)
    case = _case(*[(f"W-{i}", "a", forces, band) for i, (forces, band) in enumerate(dates)])
    order = [c.id for c in rules.rank(case, AS_OF).candidates]
    chosen = {f"W-{i}": forces or band for i, (forces, band) in enumerate(dates)}
    expected = sorted(chosen, key=lambda cid: (chosen[cid] is None, chosen[cid] or "", cid))
    assert order == expected


_cache: dict = {}


def _rules(factory):
    if "rules" not in _cache:
        _cache["rules"] = compiled(factory.mktemp("forste"))
    return _cache["rules"]


@pytest.mark.parametrize("derived, message", [
    (DERIVED.replace("[kandidat.inn_i_styrkene, kandidat.banddato]", "[kandidat.inn_i_styrkene, kandidat.band]"),
     "'kandidat.band' er ikke et datofelt"),
    (DERIVED.replace("[kandidat.inn_i_styrkene, kandidat.banddato]", "[kandidat.inn_i_styrkene]"),
     "minst 2"),
    (DERIVED + "annen:\n  etikett: x\n  forste_dato_av: [beregnet.dato_i_bandet, kandidat.banddato]\n",
     "velger selv en dato"),
])
def test_rules_check_refuses_what_cannot_be_a_first_date(tmp_path, derived, message):
    with pytest.raises(RulesError) as caught:
        compiled(tmp_path, derived)
    found = [(p.message, p.file, p.line) for p in caught.value.problems]
    assert any(message in text and file.endswith("felter.yaml") and line for text, file, line in found), found


# The latest and the earliest of several dates (seneste_dato_av, tidligste_dato_av): Bærum's application
# counts from when it was renewed or received, whichever came last; a need counts from whichever came first.
CHOICES = """
siste_soknadsdato:
  etikett: sist søknaden ble mottatt eller fornyet
  seneste_dato_av: [kandidat.inn_i_styrkene, kandidat.banddato]
forste_behovsdato:
  etikett: første dato med behov
  tidligste_dato_av: [kandidat.inn_i_styrkene, kandidat.banddato]
"""


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_day, _day), min_size=1, max_size=6))
def test_the_latest_and_the_earliest_date_are_those_of_the_dates_given(tmp_path_factory, dates):
    if "choices" not in _cache:
        _cache["choices"] = compiled(tmp_path_factory.mktemp("valg"), DERIVED + CHOICES)
    rules = _cache["choices"]
    case = _case(*[(f"W-{i}", "a", forces, band) for i, (forces, band) in enumerate(dates)])
    values = {c["id"]: c for c in case["kandidater"]}
    from engine.evaluation import facts
    computed = rules.computed
    shared = facts.vacancy_values(case)
    candidates = [facts.candidate_values(c, shared) for c in case["kandidater"]]
    computed.before_counts(candidates, AS_OF)
    computed.after_counts(candidates)
    for found in candidates:
        given = [d for d in (values[found["kandidat.id"]].get("inn_i_styrkene"),
                             values[found["kandidat.id"]].get("banddato")) if d]
        assert found.get("beregnet.siste_soknadsdato") == (max(given) if given else None)
        assert found.get("beregnet.forste_behovsdato") == (min(given) if given else None)


def test_a_text_shows_the_latest_date(tmp_path):
    ranking = RANKING.replace('begrunnelse: "band A siden {beregnet.dato_i_bandet} ({beregnet.ar_i_bandet} år)"',
                              'begrunnelse: "band A, søknad {beregnet.siste_soknadsdato}"')
    rules = CompiledRules(load_rules(write_bundle(tmp_path / "regler", sections=SECTIONS, derived=DERIVED + CHOICES,
                                                  ranking=ranking)))
    result = rules.rank(_case(("W-1", "a", "2015-05-01", "2024-01-01")), AS_OF)
    assert result.candidates[0].tier.text == "band A, søknad 1. januar 2024"


def test_a_choice_may_not_choose_among_chosen_dates(tmp_path):
    derived = DERIVED + CHOICES + "igjen:\n  etikett: x\n  seneste_dato_av: [beregnet.forste_behovsdato, kandidat.banddato]\n"
    with pytest.raises(RulesError) as caught:
        compiled(tmp_path, derived)
    assert any("velger selv en dato ('tidligste_dato_av')" in p.message for p in caught.value.problems)
